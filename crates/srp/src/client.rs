//! The client side: `A` and the `PASSWORD_VERIFIER` claim.

use std::fmt;

use crate::big::{Big, PowInProgress};
use crate::group::{self, Group};
use crate::SrpError;

/// The client's ephemeral secret `a` and public value `A = g^a mod N`.
///
/// Build one per sign-in from fresh random bytes (see [`ClientEphemeral::from_bytes`]) and drop
/// it afterwards. Not `Clone`; `Debug` shows `A` only.
pub struct ClientEphemeral {
    a: Big,
    a_pub: Big,
}

impl ClientEphemeral {
    /// `A = g^a mod N`, with `a` read as a big-endian integer.
    ///
    /// Any length from 32 bytes up works; the caller decides. 32 random bytes (256 bits) match
    /// the group's 128-bit security and halve the work; 128
    /// ([`RECOMMENDED_EPHEMERAL_BYTES`](crate::RECOMMENDED_EPHEMERAL_BYTES)) is what
    /// amazon-cognito-identity-js and Amplify v6 draw. See the crate docs, "Ephemeral size".
    ///
    /// # Errors
    /// [`SrpError::EphemeralTooShort`] if `a` has fewer than 32 bytes (RFC 5054 §3.1 asks for at
    /// least 256 bits); [`SrpError::WeakEphemeral`] if `a ≤ 1` (then `A` is 1 or `g`);
    /// [`SrpError::IllegalClientPublic`] if `A mod N == 0`.
    pub fn from_bytes(a: &[u8]) -> Result<Self, SrpError> {
        Self::from_bytes_in(Group::cognito(), a)
    }

    /// [`ClientEphemeral::from_bytes`] in `grp` (Cognito's group on the kernel or on the
    /// reference backend).
    pub(crate) fn from_bytes_in(grp: &Group, a: &[u8]) -> Result<Self, SrpError> {
        let a = group::ephemeral_secret(a)?;
        let a_pub = grp.client_public(&a)?;
        Ok(Self { a, a_pub })
    }

    /// `SRP_A`: `A` as lowercase hex without leading zeros (JS `BigInteger.toString(16)`).
    #[must_use]
    pub fn a_pub_hex(&self) -> String {
        self.a_pub.to_hex()
    }
}

impl fmt::Debug for ClientEphemeral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientEphemeral")
            .field("a", &"[redacted]")
            .field("a_pub", &self.a_pub.to_hex())
            .finish()
    }
}

/// The inputs of [`password_claim`]: the `PASSWORD_VERIFIER` challenge parameters plus what the
/// user typed. `Debug` prints the password as `[redacted]`.
#[derive(Clone, Copy)]
pub struct ClaimInput<'a> {
    /// The part of the user pool id after `_` (`"abc123XYZ"` for `"eu-west-1_abc123XYZ"`).
    pub pool_name: &'a str,
    /// `ChallengeParameters.USER_ID_FOR_SRP`: the real username, never an alias.
    pub user_id_for_srp: &'a str,
    /// The password, as typed.
    pub password: &'a str,
    /// `ChallengeParameters.SALT`: hex integer.
    pub salt_hex: &'a str,
    /// `ChallengeParameters.SRP_B`: hex integer.
    pub b_pub_hex: &'a str,
    /// `ChallengeParameters.SECRET_BLOCK`: base64 (standard or URL-safe, padding optional).
    pub secret_block_b64: &'a str,
    /// `TIMESTAMP`, as built by [`cognito_timestamp`](crate::cognito_timestamp).
    pub timestamp: &'a str,
}

impl fmt::Debug for ClaimInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimInput")
            .field("pool_name", &self.pool_name)
            .field("user_id_for_srp", &self.user_id_for_srp)
            .field("password", &"[redacted]")
            .field("salt_hex", &self.salt_hex)
            .field("b_pub_hex", &self.b_pub_hex)
            .field("secret_block_b64", &self.secret_block_b64)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

/// What the client computes for `PASSWORD_VERIFIER`: the signature, and `u`.
///
/// Hex values are lowercase without leading zeros (JS `BigInteger.toString(16)`), except
/// `hkdf_key_hex`, which is the 16 key bytes (32 hex digits).
///
/// # Security
/// `u_hex` is public. The secret intermediates `x_hex`, `s_hex` and `hkdf_key_hex` (each is
/// enough to impersonate the user for this sign-in, and `x` for good) exist only with the
/// test-only `hazmat` cargo feature, which this crate's own tests turn on (a dev-dependency on
/// itself) to compare every step against the reference client; without it they are neither
/// computed nor stored. `Debug` prints the field names only, every value as `[redacted]`.
#[derive(Clone)]
#[non_exhaustive]
pub struct PasswordClaim {
    /// `PASSWORD_CLAIM_SIGNATURE`: standard padded base64 of the HMAC.
    pub signature_b64: String,
    /// `u = H(PAD(A) | PAD(B))`.
    pub u_hex: String,
    /// `x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password))`. Secret; `hazmat`
    /// feature only.
    #[cfg(feature = "hazmat")]
    pub x_hex: String,
    /// `S = (B − k·g^x)^(a + u·x) mod N`. Secret; `hazmat` feature only.
    #[cfg(feature = "hazmat")]
    pub s_hex: String,
    /// `K = HKDF-SHA256(PAD(u), PAD(S), "Caldera Derived Key", 16)`. Secret; `hazmat` feature
    /// only.
    #[cfg(feature = "hazmat")]
    pub hkdf_key_hex: String,
}

impl fmt::Debug for PasswordClaim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The signature is a one-time proof of the password and the rest are secrets or derived
        // from them: none of it belongs in a log.
        let mut d = f.debug_struct("PasswordClaim");
        d.field("signature_b64", &"[redacted]")
            .field("u_hex", &"[redacted]");
        #[cfg(feature = "hazmat")]
        d.field("x_hex", &"[redacted]")
            .field("s_hex", &"[redacted]")
            .field("hkdf_key_hex", &"[redacted]");
        d.finish()
    }
}

/// `PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(K, poolName | userIdForSrp | SECRET_BLOCK | TIMESTAMP))`
///
/// with `u = H(PAD(A) | PAD(B))`, `x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password))`,
/// `S = (B − k·g^x)^(a + u·x) mod N` and `K = HKDF-SHA256(salt = PAD(u), IKM = PAD(S),
/// info = "Caldera Derived Key", L = 16)`, as amazon-cognito-identity-js computes them.
/// `SECRET_BLOCK` enters the HMAC as its decoded bytes, the strings as UTF-8.
///
/// `B` is used as sent for `u` (it is not reduced mod `N` first), matching the reference client.
///
/// # Errors
/// [`SrpError::InvalidHex`] (`"SRP_B"`, `"SALT"`), [`SrpError::InvalidBase64`]
/// (`"SECRET_BLOCK"`), [`SrpError::IllegalServerPublic`] if `B mod N == 0`,
/// [`SrpError::ZeroScrambler`] if `u == 0`.
pub fn password_claim(
    eph: &ClientEphemeral,
    input: &ClaimInput<'_>,
) -> Result<PasswordClaim, SrpError> {
    password_claim_in(Group::cognito(), eph, input)
}

/// [`password_claim`] in `grp` (Cognito's group on the kernel or on the reference backend).
pub(crate) fn password_claim_in(
    grp: &'static Group,
    eph: &ClientEphemeral,
    input: &ClaimInput<'_>,
) -> Result<PasswordClaim, SrpError> {
    ClaimInProgress::start_in(grp, eph.a.clone(), &eph.a_pub, input)?.finish()
}

/// [`password_claim`] in three pieces of about one 256-bit exponentiation's work each, so that a
/// browser can give its event loop a turn between them and no piece blocks the page for long:
/// [`ClaimInProgress::start`] computes `u`, `x` and `B − k·g^x` (the exponentiation `g^x`),
/// [`ClaimInProgress::advance`] the first half of `S = (B − k·g^x)^(a + u·x)` (the window
/// table and the top windows; `a + u·x` has about 512 bits), and
/// [`ClaimInProgress::finish`] the rest of `S`, the HKDF key and the signature. The result is
/// the same as [`password_claim`]'s; `advance` may be skipped (then `finish` does all of `S`).
///
/// `start` takes the [`ClientEphemeral`] by value: one ephemeral answers one challenge.
///
/// # Security
/// It holds `a`, `x` and a value derived from them until `finish` or drop; `Debug` prints
/// nothing of them.
pub struct ClaimInProgress {
    grp: &'static Group,
    a: Big,
    u: Big,
    x: Big,
    base: Big,
    /// `S` under way, after [`ClaimInProgress::advance`].
    s: Option<PowInProgress>,
    pool_name: String,
    user_id_for_srp: String,
    secret_block: Vec<u8>,
    timestamp: String,
}

impl fmt::Debug for ClaimInProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClaimInProgress([redacted])")
    }
}

impl ClaimInProgress {
    /// Parses the challenge, checks `B`, and computes `u = H(PAD(A) | PAD(B))`,
    /// `x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password))` and `B − k·g^x mod N`.
    ///
    /// # Errors
    /// As [`password_claim`]: [`SrpError::InvalidHex`], [`SrpError::InvalidBase64`],
    /// [`SrpError::IllegalServerPublic`], [`SrpError::ZeroScrambler`].
    pub fn start(eph: ClientEphemeral, input: &ClaimInput<'_>) -> Result<Self, SrpError> {
        let ClientEphemeral { a, a_pub } = eph;
        Self::start_in(Group::cognito(), a, &a_pub, input)
    }

    fn start_in(
        grp: &'static Group,
        a: Big,
        a_pub: &Big,
        input: &ClaimInput<'_>,
    ) -> Result<Self, SrpError> {
        let b_pub = group::parse_hex(input.b_pub_hex, "SRP_B")?;
        let salt = group::parse_hex(input.salt_hex, "SALT")?;
        let secret_block = group::decode_base64(input.secret_block_b64, "SECRET_BLOCK")?;
        if grp.reduce(&b_pub)?.is_zero() {
            return Err(SrpError::IllegalServerPublic);
        }
        let u = group::scrambler(a_pub, &b_pub)?;
        let x = group::private_key(
            input.pool_name,
            input.user_id_for_srp,
            input.password,
            &salt,
        );
        let base = grp.client_premaster_base(&b_pub, &x)?;
        Ok(Self {
            grp,
            a,
            u,
            x,
            base,
            s: None,
            pool_name: input.pool_name.to_owned(),
            user_id_for_srp: input.user_id_for_srp.to_owned(),
            secret_block,
            timestamp: input.timestamp.to_owned(),
        })
    }

    /// The first half of `S = (B − k·g^x)^(a + u·x) mod N`. Calling it again does nothing.
    ///
    /// # Errors
    /// [`SrpError::IllegalGroup`] only (it cannot happen with Cognito's group).
    pub fn advance(&mut self) -> Result<(), SrpError> {
        if self.s.is_none() {
            self.s = Some(
                self.grp
                    .client_premaster_begin(&self.base, &self.x, &self.a, &self.u)?,
            );
        }
        Ok(())
    }

    /// The rest of `S = (B − k·g^x)^(a + u·x) mod N` (all of it without
    /// [`ClaimInProgress::advance`]), `K = HKDF(PAD(u), PAD(S))` and the signature.
    ///
    /// # Errors
    /// [`SrpError::IllegalGroup`] only (it cannot happen with Cognito's group).
    pub fn finish(mut self) -> Result<PasswordClaim, SrpError> {
        self.advance()?;
        let Some(pending) = self.s.take() else {
            return Err(SrpError::IllegalGroup);
        };
        let s = self.grp.client_premaster_finish(pending)?;
        let key = group::derive_key(&self.u, &s);
        let mac = group::claim_mac(
            &key,
            &self.pool_name,
            &self.user_id_for_srp,
            &self.secret_block,
            &self.timestamp,
        );
        Ok(PasswordClaim {
            signature_b64: group::encode_base64(&mac),
            u_hex: self.u.to_hex(),
            #[cfg(feature = "hazmat")]
            x_hex: self.x.to_hex(),
            #[cfg(feature = "hazmat")]
            s_hex: s.to_hex(),
            #[cfg(feature = "hazmat")]
            hkdf_key_hex: hex::encode(key),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_claim_debug_shows_field_names_only() -> Result<(), SrpError> {
        let eph = ClientEphemeral::from_bytes(&[0x11; 32])?;
        let claim = password_claim(
            &eph,
            &ClaimInput {
                pool_name: "Pool",
                user_id_for_srp: "alice",
                password: "pw",
                salt_hex: "ab",
                b_pub_hex: "1234",
                secret_block_b64: "AA==",
                timestamp: "Fri May 22 09:05:07 UTC 2026",
            },
        )?;
        let d = format!("{claim:?}");
        for (name, value) in [
            ("signature_b64", &claim.signature_b64),
            ("u_hex", &claim.u_hex),
            #[cfg(feature = "hazmat")]
            ("x_hex", &claim.x_hex),
            #[cfg(feature = "hazmat")]
            ("s_hex", &claim.s_hex),
            #[cfg(feature = "hazmat")]
            ("hkdf_key_hex", &claim.hkdf_key_hex),
        ] {
            assert!(d.contains(name), "{name} missing from {d}");
            assert!(!d.contains(value.as_str()), "{name} leaked in {d}");
        }
        assert!(d.contains("[redacted]"));
        Ok(())
    }

    #[test]
    fn two_pieces_give_the_one_call_result() -> Result<(), SrpError> {
        for len in [32, 128] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let input = ClaimInput {
                pool_name: "Pool",
                user_id_for_srp: "alice",
                password: "pw",
                salt_hex: "ab12",
                b_pub_hex: "1234567890abcdef",
                secret_block_b64: "AAEC",
                timestamp: "Fri May 22 09:05:07 UTC 2026",
            };
            let whole = password_claim(&ClientEphemeral::from_bytes(&bytes)?, &input)?;
            let half = ClaimInProgress::start(ClientEphemeral::from_bytes(&bytes)?, &input)?;
            assert_eq!(format!("{half:?}"), "ClaimInProgress([redacted])");
            let staged = half.finish()?;
            let mut thirds = ClaimInProgress::start(ClientEphemeral::from_bytes(&bytes)?, &input)?;
            thirds.advance()?;
            thirds.advance()?;
            let thirds = thirds.finish()?;
            assert_eq!(
                thirds.signature_b64, whole.signature_b64,
                "three pieces, {len} bytes"
            );
            assert_eq!(
                staged.signature_b64, whole.signature_b64,
                "signature, {len} bytes"
            );
            assert_eq!(staged.u_hex, whole.u_hex, "u, {len} bytes");
        }
        Ok(())
    }
}
