//! Amazon Cognito's SRP-6a variant.
//!
//! TEMPORARY stand-in written on the `server` branch so the server can verify SRP for real
//! before the real crate (issue 2) lands; it is replaced by branch `srp` at merge.
#![forbid(unsafe_code)]
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use num_traits::Zero;
use sha2::{Digest, Sha256};

/// Why an SRP computation or verification failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SrpError {
    /// The server's public value `B` is `0 mod N` (RFC 5054 §2.5.4: abort).
    #[error("illegal server public value: B mod N is zero")]
    IllegalServerPublic,
    /// The client's public value `A` is `0 mod N` (RFC 5054 §2.5.4: abort).
    #[error("illegal client public value: A mod N is zero")]
    IllegalClientPublic,
    /// The scrambling parameter `u = H(PAD(A) | PAD(B))` is zero.
    #[error("scrambling parameter u is zero")]
    ZeroScrambler,
    /// A hex input (named) is not valid hex or is empty.
    #[error("invalid hex in {0}")]
    InvalidHex(&'static str),
    /// A base64 input (named) is not valid base64.
    #[error("invalid base64 in {0}")]
    InvalidBase64(&'static str),
    /// The ephemeral secret is shorter than RFC 5054's minimum of 256 bits.
    #[error("ephemeral secret too short: {0} bytes, at least 32 needed")]
    EphemeralTooShort(usize),
    /// The client's password claim signature does not match (wrong password).
    #[error("password claim signature does not match")]
    BadSignature,
}

const N_HEX: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

fn n() -> BigUint {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap()
}
fn g() -> BigUint {
    BigUint::from(2u32)
}
fn pad_hex(x: &BigUint) -> String {
    let mut h = x.to_str_radix(16);
    if h.len() % 2 == 1 {
        h.insert(0, '0');
    } else if h.as_bytes()[0] >= b'8' {
        h.insert_str(0, "00");
    }
    h
}
fn pad(x: &BigUint) -> Vec<u8> {
    hex::decode(pad_hex(x)).unwrap()
}
fn sha(parts: &[&[u8]]) -> Vec<u8> {
    let mut d = Sha256::new();
    for p in parts {
        d.update(p);
    }
    d.finalize().to_vec()
}
fn h_int(parts: &[&[u8]]) -> BigUint {
    BigUint::from_bytes_be(&sha(parts))
}
fn k() -> BigUint {
    h_int(&[&pad(&n()), &pad(&g())])
}
fn parse_hex(s: &str, what: &'static str) -> Result<BigUint, SrpError> {
    if s.is_empty() {
        return Err(SrpError::InvalidHex(what));
    }
    BigUint::parse_bytes(s.as_bytes(), 16).ok_or(SrpError::InvalidHex(what))
}
fn x_of(pool: &str, user: &str, pw: &str, salt: &BigUint) -> BigUint {
    let inner = sha(&[pool.as_bytes(), user.as_bytes(), b":", pw.as_bytes()]);
    h_int(&[&pad(salt), &inner])
}
fn u_of(a: &BigUint, b: &BigUint) -> BigUint {
    h_int(&[&pad(a), &pad(b)])
}
fn derive_key(u: &BigUint, s: &BigUint) -> Vec<u8> {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(&pad(u)), &pad(s));
    let mut okm = [0u8; 16];
    hk.expand(b"Caldera Derived Key", &mut okm).unwrap();
    okm.to_vec()
}
fn b64_decode(s: &str, what: &'static str) -> Result<Vec<u8>, SrpError> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    STANDARD
        .decode(s)
        .or_else(|_| URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')))
        .map_err(|_| SrpError::InvalidBase64(what))
}
fn signature(k: &[u8], pool: &str, user: &str, block: &[u8], ts: &str) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(k).unwrap();
    m.update(pool.as_bytes());
    m.update(user.as_bytes());
    m.update(block);
    m.update(ts.as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// Salt and verifier of one user.
#[derive(Debug, Clone, PartialEq)]
pub struct Verifier {
    pub salt_hex: String,
    pub verifier_hex: String,
}

/// x = H(PAD(salt)|H(poolName|user|":"|pw)), v = g^x
pub fn make_verifier(pool_name: &str, user_id_for_srp: &str, password: &str, salt: &[u8]) -> Verifier {
    let salt_int = BigUint::from_bytes_be(salt);
    let x = x_of(pool_name, user_id_for_srp, password, &salt_int);
    let v = g().modpow(&x, &n());
    Verifier { salt_hex: pad_hex(&salt_int), verifier_hex: pad_hex(&v) }
}

/// Server ephemeral: b and B = k·v + g^b.
#[derive(Debug)]
pub struct ServerEphemeral {
    b: BigUint,
    b_pub: BigUint,
}
impl ServerEphemeral {
    pub fn new(b: &[u8], verifier: &Verifier) -> Result<Self, SrpError> {
        if b.len() < 32 {
            return Err(SrpError::EphemeralTooShort(b.len()));
        }
        let nn = n();
        let b = BigUint::from_bytes_be(b) % &nn;
        let v = parse_hex(&verifier.verifier_hex, "verifier")?;
        let b_pub = (k() * v + g().modpow(&b, &nn)) % &nn;
        if b_pub.is_zero() {
            return Err(SrpError::IllegalServerPublic);
        }
        Ok(Self { b, b_pub })
    }
    pub fn b_pub_hex(&self) -> String {
        self.b_pub.to_str_radix(16)
    }
}

#[derive(Debug)]
pub struct ClaimCheck<'a> {
    pub pool_name: &'a str,
    pub user_id_for_srp: &'a str,
    pub a_pub_hex: &'a str,
    pub secret_block_b64: &'a str,
    pub timestamp: &'a str,
    pub signature_b64: &'a str,
}

pub fn verify_password_claim(eph: &ServerEphemeral, verifier: &Verifier, check: &ClaimCheck<'_>) -> Result<(), SrpError> {
    let nn = n();
    let a = parse_hex(check.a_pub_hex, "SRP_A")?;
    if (&a % &nn).is_zero() {
        return Err(SrpError::IllegalClientPublic);
    }
    let u = u_of(&a, &eph.b_pub);
    if u.is_zero() {
        return Err(SrpError::ZeroScrambler);
    }
    let v = parse_hex(&verifier.verifier_hex, "verifier")?;
    let s = (a * v.modpow(&u, &nn)).modpow(&eph.b, &nn);
    let key = derive_key(&u, &s);
    let block = b64_decode(check.secret_block_b64, "SECRET_BLOCK")?;
    let expected = signature(&key, check.pool_name, check.user_id_for_srp, &block, check.timestamp);
    let given = b64_decode(check.signature_b64, "PASSWORD_CLAIM_SIGNATURE")?;
    if subtle::ConstantTimeEq::ct_eq(expected.as_slice(), given.as_slice()).into() {
        Ok(())
    } else {
        Err(SrpError::BadSignature)
    }
}

/// Client ephemeral a and A = g^a.
#[derive(Debug)]
pub struct ClientEphemeral {
    a: BigUint,
    a_pub: BigUint,
}
impl ClientEphemeral {
    pub fn from_bytes(a: &[u8]) -> Result<Self, SrpError> {
        if a.len() < 32 {
            return Err(SrpError::EphemeralTooShort(a.len()));
        }
        let a = BigUint::from_bytes_be(a);
        let a_pub = g().modpow(&a, &n());
        Ok(Self { a, a_pub })
    }
    pub fn a_pub_hex(&self) -> String {
        self.a_pub.to_str_radix(16)
    }
}

#[derive(Debug)]
pub struct ClaimInput<'a> {
    pub pool_name: &'a str,
    pub user_id_for_srp: &'a str,
    pub password: &'a str,
    pub salt_hex: &'a str,
    pub b_pub_hex: &'a str,
    pub secret_block_b64: &'a str,
    pub timestamp: &'a str,
}

#[derive(Debug)]
pub struct PasswordClaim {
    pub signature_b64: String,
}

pub fn password_claim(eph: &ClientEphemeral, input: &ClaimInput<'_>) -> Result<PasswordClaim, SrpError> {
    let nn = n();
    let b_pub = parse_hex(input.b_pub_hex, "SRP_B")?;
    if (&b_pub % &nn).is_zero() {
        return Err(SrpError::IllegalServerPublic);
    }
    let u = u_of(&eph.a_pub, &b_pub);
    if u.is_zero() {
        return Err(SrpError::ZeroScrambler);
    }
    let salt = parse_hex(input.salt_hex, "SALT")?;
    let x = x_of(input.pool_name, input.user_id_for_srp, input.password, &salt);
    let gx = g().modpow(&x, &nn);
    let kgx = (k() * gx) % &nn;
    let base = ((&b_pub % &nn) + &nn - kgx) % &nn;
    let s = base.modpow(&(&eph.a + &u * &x), &nn);
    let key = derive_key(&u, &s);
    let block = b64_decode(input.secret_block_b64, "SECRET_BLOCK")?;
    let sig = signature(&key, input.pool_name, input.user_id_for_srp, &block, input.timestamp);
    Ok(PasswordClaim { signature_b64: base64::engine::general_purpose::STANDARD.encode(sig) })
}

/// "Sun Nov 22 09:05:07 UTC 2026"
pub fn cognito_timestamp(unix_seconds: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let wd = (days + 4).rem_euclid(7) as usize;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{} {} {} {:02}:{:02}:{:02} UTC {}",
        DAYS[wd],
        MONTHS[(m - 1) as usize],
        d,
        secs / 3600,
        (secs / 60) % 60,
        secs % 60,
        y
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_matches_reference() {
        assert_eq!(hex::encode(k().to_bytes_be()), "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6");
    }

    #[test]
    fn round_trip() {
        let v = make_verifier("Pool", "alice", "pw", &[7u8; 16]);
        let se = ServerEphemeral::new(&[9u8; 32], &v).unwrap();
        let ce = ClientEphemeral::from_bytes(&[3u8; 128]).unwrap();
        let claim = password_claim(&ce, &ClaimInput { pool_name: "Pool", user_id_for_srp: "alice", password: "pw", salt_hex: &v.salt_hex, b_pub_hex: &se.b_pub_hex(), secret_block_b64: "AAAA", timestamp: "t" }).unwrap();
        let chk = ClaimCheck { pool_name: "Pool", user_id_for_srp: "alice", a_pub_hex: &ce.a_pub_hex(), secret_block_b64: "AAAA", timestamp: "t", signature_b64: &claim.signature_b64 };
        assert_eq!(verify_password_claim(&se, &v, &chk), Ok(()));
        let claim2 = password_claim(&ce, &ClaimInput { password: "bad", pool_name: "Pool", user_id_for_srp: "alice", salt_hex: &v.salt_hex, b_pub_hex: &se.b_pub_hex(), secret_block_b64: "AAAA", timestamp: "t" }).unwrap();
        let chk2 = ClaimCheck { signature_b64: &claim2.signature_b64, ..chk };
        assert_eq!(verify_password_claim(&se, &v, &chk2), Err(SrpError::BadSignature));
    }

    #[test]
    fn timestamp() {
        assert_eq!(cognito_timestamp(0), "Thu Jan 1 00:00:00 UTC 1970");
        assert_eq!(cognito_timestamp(1_709_629_447), "Tue Mar 5 09:04:07 UTC 2024");
    }
}
