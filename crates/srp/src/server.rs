//! The server side, for the local Cognito-compatible server.

use std::fmt;

use subtle::ConstantTimeEq;

use crate::big::Big;
use crate::group::{self, Group};
use crate::SrpError;

/// What the server stores per user instead of the password: the salt and `v = g^x mod N`.
///
/// Both are lowercase hex without leading zeros. `salt_hex` is what the server sends as
/// `ChallengeParameters.SALT`.
///
/// # Security
/// With the salt, `verifier_hex` allows an offline dictionary attack on the password, so
/// `Debug` shows the salt but prints the verifier as `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier {
    /// The salt, as a hex integer.
    pub salt_hex: String,
    /// `v = g^x mod N`.
    pub verifier_hex: String,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("salt_hex", &self.salt_hex)
            .field("verifier_hex", &"[redacted]")
            .finish()
    }
}

/// `x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password))`, `v = g^x mod N`.
///
/// `salt` is big-endian bytes; the server draws 16 random bytes, as Cognito does. Leading zero
/// bytes do not survive into `salt_hex` (the salt is an integer to the client) and change
/// nothing.
#[must_use]
pub fn make_verifier(
    pool_name: &str,
    user_id_for_srp: &str,
    password: &str,
    salt: &[u8],
) -> Verifier {
    let grp = Group::cognito();
    let salt = Big::from_be_bytes(salt);
    let x = group::private_key(pool_name, user_id_for_srp, password, &salt);
    // `pow_g` only fails for a zero modulus, which Cognito's group is not.
    let v = grp.pow_g(&x).unwrap_or_else(|_| Big::from_u32(0));
    Verifier {
        salt_hex: salt.to_hex(),
        verifier_hex: v.to_hex(),
    }
}

/// The server's ephemeral secret `b` and public value `B = (k·v + g^b) mod N`.
///
/// Rebuilt from the same `b` bytes between `InitiateAuth` and `RespondToAuthChallenge`, so the
/// server only has to persist `b`. Not `Clone`; `Debug` shows `B` only.
pub struct ServerEphemeral {
    b: Big,
    b_pub: Big,
}

impl ServerEphemeral {
    /// `B = (k·v + g^b) mod N`, with `b` read as a big-endian integer.
    ///
    /// # Errors
    /// [`SrpError::EphemeralTooShort`] if `b` has fewer than 32 bytes;
    /// [`SrpError::WeakEphemeral`] if `b ≤ 1`;
    /// [`SrpError::InvalidHex`] (`"verifier"`) if `verifier.verifier_hex` is not hex;
    /// [`SrpError::IllegalServerPublic`] if `B mod N == 0`.
    pub fn new(b: &[u8], verifier: &Verifier) -> Result<Self, SrpError> {
        let b = group::ephemeral_secret(b)?;
        let v = group::parse_hex(&verifier.verifier_hex, "verifier")?;
        let b_pub = Group::cognito().server_public(&v, &b)?;
        Ok(Self { b, b_pub })
    }

    /// `SRP_B`: `B` as lowercase hex without leading zeros.
    #[must_use]
    pub fn b_pub_hex(&self) -> String {
        self.b_pub.to_hex()
    }
}

impl fmt::Debug for ServerEphemeral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerEphemeral")
            .field("b", &"[redacted]")
            .field("b_pub", &self.b_pub.to_hex())
            .finish()
    }
}

/// Checks `SRP_A` when it arrives in `InitiateAuth`: `A mod N != 0`.
///
/// SRP-6a has the server abort on `A ≡ 0 (mod N)` (RFC 5054 §2.5.4), since `S` would then not
/// depend on the password. [`verify_password_claim`] checks this again; this function lets the
/// server refuse such an `A` before it issues a challenge.
///
/// # Errors
/// [`SrpError::InvalidHex`] (`"SRP_A"`) if `a_pub_hex` is empty or not hex;
/// [`SrpError::IllegalClientPublic`] if `A mod N == 0`.
pub fn check_client_public(a_pub_hex: &str) -> Result<(), SrpError> {
    let a_pub = group::parse_hex(a_pub_hex, "SRP_A")?;
    Group::cognito().check_client_public(&a_pub)
}

/// The `PASSWORD_VERIFIER` challenge responses the server checks, plus the pool name.
#[derive(Debug, Clone, Copy)]
pub struct ClaimCheck<'a> {
    /// The part of the user pool id after `_`.
    pub pool_name: &'a str,
    /// `USER_ID_FOR_SRP` the server sent (the real username). Not checked here: the caller
    /// must make sure it is the one it issued (see [`verify_password_claim`]'s `# Security`).
    pub user_id_for_srp: &'a str,
    /// `SRP_A` from `InitiateAuth`: hex integer.
    pub a_pub_hex: &'a str,
    /// `PASSWORD_CLAIM_SECRET_BLOCK`: base64. Not checked here: the caller must make sure it is
    /// the `SECRET_BLOCK` it issued (see [`verify_password_claim`]'s `# Security`).
    pub secret_block_b64: &'a str,
    /// `TIMESTAMP` as sent (checking it against the clock is the caller's job).
    pub timestamp: &'a str,
    /// `PASSWORD_CLAIM_SIGNATURE`: base64.
    pub signature_b64: &'a str,
}

/// `S = (A·v^u)^b mod N`, then checks `signature == HMAC-SHA256(K, poolName | userIdForSrp |
/// SECRET_BLOCK | TIMESTAMP)` in constant time,
///
/// with `u = H(PAD(A) | PAD(B))` and `K = HKDF-SHA256(PAD(u), PAD(S), "Caldera Derived Key", 16)`.
///
/// # Errors
/// [`SrpError::InvalidHex`] (`"SRP_A"`, `"verifier"`), [`SrpError::InvalidBase64`]
/// (`"SECRET_BLOCK"`, `"PASSWORD_CLAIM_SIGNATURE"`), [`SrpError::IllegalClientPublic`] if
/// `A mod N == 0`, [`SrpError::ZeroScrambler`] if `u == 0`, [`SrpError::BadSignature`] if the
/// signature does not match (wrong password, or a tampered block or timestamp).
///
/// # Security
/// The final comparison is constant-time (`subtle`); the exponentiations with the secret `b`
/// run on the constant-time kernel (crate docs, "Security", for what is and is not covered).
///
/// This function trusts `check.secret_block_b64` and `check.user_id_for_srp`: it only checks
/// that the signature covers them. Before calling it, the server must check that they are the
/// `SECRET_BLOCK` and `USER_ID_FOR_SRP` it issued for this sign-in (and that `eph`, `verifier`
/// and `a_pub_hex` belong to the same `InitiateAuth`); otherwise a client could replay a claim
/// with a block of its choosing or sign for another user. Checking `timestamp` against the
/// clock is also the caller's job.
pub fn verify_password_claim(
    eph: &ServerEphemeral,
    verifier: &Verifier,
    check: &ClaimCheck<'_>,
) -> Result<(), SrpError> {
    let grp = Group::cognito();
    let a_pub = group::parse_hex(check.a_pub_hex, "SRP_A")?;
    let v = group::parse_hex(&verifier.verifier_hex, "verifier")?;
    let secret_block = group::decode_base64(check.secret_block_b64, "SECRET_BLOCK")?;
    let signature = group::decode_base64(check.signature_b64, "PASSWORD_CLAIM_SIGNATURE")?;
    grp.check_client_public(&a_pub)?;
    let u = group::scrambler(&a_pub, &eph.b_pub)?;
    let s = grp.server_premaster(&a_pub, &v, &u, &eph.b)?;
    let key = group::derive_key(&u, &s);
    let expected = group::claim_mac(
        &key,
        check.pool_name,
        check.user_id_for_srp,
        &secret_block,
        check.timestamp,
    );
    // `ct_eq` on slices of different lengths is false without looking at the contents.
    if bool::from(expected.as_slice().ct_eq(&signature)) {
        Ok(())
    } else {
        Err(SrpError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_debug_shows_salt_but_not_verifier() {
        let v = make_verifier("Pool", "alice", "correct horse", &[0x5a; 16]);
        let d = format!("{v:?}");
        assert!(d.contains(&v.salt_hex), "salt missing from {d}");
        assert!(!d.contains(&v.verifier_hex), "verifier leaked in {d}");
        assert!(d.contains("verifier_hex: \"[redacted]\""), "{d}");
    }

    #[test]
    fn check_client_public_rejects_multiples_of_n_and_bad_hex() {
        let n = Group::cognito().n.value();
        let two_n = n.add(n).to_hex();
        let n_plus_one = n.add(&Big::from_u32(1)).to_hex();
        let n_upper = n.to_hex().to_uppercase();
        for (label, a) in [
            ("0", "0"),
            ("000", "000"),
            ("N", n_upper.as_str()),
            ("2N", two_n.as_str()),
        ] {
            assert_eq!(
                check_client_public(a),
                Err(SrpError::IllegalClientPublic),
                "A = {label}"
            );
        }
        for (label, a) in [("1", "1"), ("2", "2"), ("N + 1", n_plus_one.as_str())] {
            assert_eq!(check_client_public(a), Ok(()), "A = {label}");
        }
        for bad in ["", "xyz", "+1", "0x1"] {
            assert_eq!(
                check_client_public(bad),
                Err(SrpError::InvalidHex("SRP_A")),
                "A = {bad:?}"
            );
        }
    }
}
