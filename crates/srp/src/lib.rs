//! Amazon Cognito's SRP-6a variant. (Being written: see issue 2.)
#![forbid(unsafe_code)]

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

// ---------------------------------------------------------------------------------------------
// TEMP stand-in: fake math with the real crate's signatures, so `cognito-core` compiles and its
// flow tests can check a password end to end. Dropped when the real `srp` branch is merged.
// ---------------------------------------------------------------------------------------------

use base64::Engine as _;
use hmac::Mac as _;
use sha2::Digest as _;

fn sha_hex(parts: &[&[u8]]) -> String {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex::encode(h.finalize())
}

fn sign(key_hex: &str, parts: &[&[u8]]) -> String {
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(key_hex.as_bytes()) else {
        return String::new();
    };
    for p in parts {
        mac.update(p);
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// TEMP: the client's ephemeral.
#[derive(Debug)]
pub struct ClientEphemeral {
    a_pub: String,
}
impl ClientEphemeral {
    /// TEMP.
    ///
    /// # Errors
    /// Too short.
    pub fn from_bytes(a: &[u8]) -> Result<Self, SrpError> {
        if a.len() < 32 {
            return Err(SrpError::EphemeralTooShort(a.len()));
        }
        Ok(Self { a_pub: sha_hex(&[b"A", a]) })
    }
    /// TEMP.
    pub fn a_pub_hex(&self) -> String {
        self.a_pub.clone()
    }
}

/// TEMP.
#[derive(Debug)]
#[allow(missing_docs)]
pub struct ClaimInput<'a> {
    pub pool_name: &'a str,
    pub user_id_for_srp: &'a str,
    pub password: &'a str,
    pub salt_hex: &'a str,
    pub b_pub_hex: &'a str,
    pub secret_block_b64: &'a str,
    pub timestamp: &'a str,
}

/// TEMP.
#[derive(Debug)]
#[allow(missing_docs)]
pub struct PasswordClaim {
    pub signature_b64: String,
    pub u_hex: String,
    pub x_hex: String,
    pub s_hex: String,
    pub hkdf_key_hex: String,
}

fn x_of(pool: &str, user: &str, password: &str, salt_hex: &str) -> String {
    sha_hex(&[pool.as_bytes(), user.as_bytes(), b":", password.as_bytes(), salt_hex.as_bytes()])
}

/// TEMP.
///
/// # Errors
/// Bad hex or base64.
pub fn password_claim(eph: &ClientEphemeral, input: &ClaimInput<'_>) -> Result<PasswordClaim, SrpError> {
    hex::decode(input.salt_hex).map_err(|_| SrpError::InvalidHex("salt"))?;
    let b = hex::decode(input.b_pub_hex).map_err(|_| SrpError::InvalidHex("B"))?;
    if b.iter().all(|&x| x == 0) {
        return Err(SrpError::IllegalServerPublic);
    }
    let block = base64::engine::general_purpose::STANDARD
        .decode(input.secret_block_b64)
        .map_err(|_| SrpError::InvalidBase64("secret block"))?;
    let x = x_of(input.pool_name, input.user_id_for_srp, input.password, input.salt_hex);
    let sig = sign(
        &x,
        &[
            input.pool_name.as_bytes(),
            input.user_id_for_srp.as_bytes(),
            &block,
            input.timestamp.as_bytes(),
            eph.a_pub.as_bytes(),
        ],
    );
    Ok(PasswordClaim { signature_b64: sig, u_hex: String::new(), x_hex: x, s_hex: String::new(), hkdf_key_hex: String::new() })
}

/// TEMP: `Tue Mar 5 09:04:07 UTC 2024`.
pub fn cognito_timestamp(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    // civil from days (H. Hinnant)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    let mn = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][(mo - 1) as usize];
    format!("{wd} {mn} {d} {h:02}:{m:02}:{s:02} UTC {y}")
}

/// TEMP.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct Verifier {
    pub salt_hex: String,
    pub verifier_hex: String,
}

/// TEMP.
pub fn make_verifier(pool_name: &str, user_id_for_srp: &str, password: &str, salt: &[u8]) -> Verifier {
    let salt_hex = hex::encode(salt);
    let verifier_hex = x_of(pool_name, user_id_for_srp, password, &salt_hex);
    Verifier { salt_hex, verifier_hex }
}

/// TEMP.
#[derive(Debug)]
pub struct ServerEphemeral {
    b_pub: String,
}
impl ServerEphemeral {
    /// TEMP.
    ///
    /// # Errors
    /// Too short.
    pub fn new(b: &[u8], verifier: &Verifier) -> Result<Self, SrpError> {
        if b.len() < 32 {
            return Err(SrpError::EphemeralTooShort(b.len()));
        }
        Ok(Self { b_pub: sha_hex(&[b"B", b, verifier.verifier_hex.as_bytes()]) })
    }
    /// TEMP.
    pub fn b_pub_hex(&self) -> String {
        self.b_pub.clone()
    }
}

/// TEMP.
#[derive(Debug)]
#[allow(missing_docs)]
pub struct ClaimCheck<'a> {
    pub pool_name: &'a str,
    pub user_id_for_srp: &'a str,
    pub a_pub_hex: &'a str,
    pub secret_block_b64: &'a str,
    pub timestamp: &'a str,
    pub signature_b64: &'a str,
}

/// TEMP.
///
/// # Errors
/// Bad signature.
pub fn verify_password_claim(_eph: &ServerEphemeral, verifier: &Verifier, check: &ClaimCheck<'_>) -> Result<(), SrpError> {
    let block = base64::engine::general_purpose::STANDARD
        .decode(check.secret_block_b64)
        .map_err(|_| SrpError::InvalidBase64("secret block"))?;
    let sig = sign(
        &verifier.verifier_hex,
        &[
            check.pool_name.as_bytes(),
            check.user_id_for_srp.as_bytes(),
            &block,
            check.timestamp.as_bytes(),
            check.a_pub_hex.as_bytes(),
        ],
    );
    if sig == check.signature_b64 {
        Ok(())
    } else {
        Err(SrpError::BadSignature)
    }
}
