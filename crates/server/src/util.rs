//! Small helpers: randomness, password policy, TOTP (RFC 6238), masking.
//!
//! `SECRET_HASH` and the SRP `TIMESTAMP` are the clients' own: `cognito_core::wire::secret_hash`
//! and `cognito_srp::parse_cognito_timestamp`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::PasswordPolicy;

/// `n` random bytes from the OS-seeded thread RNG.
#[must_use]
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut v);
    v
}

/// A random URL-safe token with `n` bytes of entropy.
#[must_use]
pub fn random_token(n: usize) -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(n))
}

/// A random 6-digit code.
#[must_use]
pub fn random_code() -> String {
    format!("{:06}", rand::random::<u32>() % 1_000_000)
}

/// The SALT a client is shown for raw salt bytes: the big-endian integer in lower-case hex
/// without leading zeros (`"0"` for zero), as `cognito_srp::make_verifier` reports it.
#[must_use]
pub fn salt_hex(salt: &[u8]) -> String {
    let h = hex::encode(salt);
    let t = h.trim_start_matches('0');
    if t.is_empty() {
        "0".into()
    } else {
        t.to_string()
    }
}

/// Lower-case hex SHA-256 (used to key secrets in the store, so the database holds no bearer token).
#[must_use]
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Constant-time string equality.
#[must_use]
pub fn ct_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Checks a password against the policy; `Err` carries AWS's InvalidPasswordException message.
///
/// # Errors
/// The first rule the password breaks.
pub fn check_password_policy(p: &PasswordPolicy, pw: &str) -> Result<(), String> {
    let prefix = "Password does not conform to policy: ";
    if pw.chars().count() > MAX_PASSWORD_CHARS {
        return Err(format!(
            "{prefix}Password must have length less than or equal to {MAX_PASSWORD_CHARS}"
        ));
    }
    if !password_pattern_ok(pw) {
        return Err(format!(
            "{prefix}Password must satisfy regular expression pattern: {PASSWORD_PATTERN}"
        ));
    }
    if pw.chars().count() < p.minimum_length {
        return Err(format!("{prefix}Password not long enough"));
    }
    if p.require_lowercase && !pw.chars().any(|c| c.is_lowercase()) {
        return Err(format!("{prefix}Password must have lowercase characters"));
    }
    if p.require_uppercase && !pw.chars().any(|c| c.is_uppercase()) {
        return Err(format!("{prefix}Password must have uppercase characters"));
    }
    if p.require_numbers && !pw.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!("{prefix}Password must have numeric characters"));
    }
    if p.require_symbols
        && !pw
            .chars()
            .any(|c| "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ".contains(c))
    {
        return Err(format!("{prefix}Password must have symbol characters"));
    }
    Ok(())
}

/// AWS's longest password (the `PasswordType` shape).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// AWS's password pattern (the `PasswordType` shape): no leading or trailing whitespace.
pub const PASSWORD_PATTERN: &str = r"^[\S]+.*[\S]+$";

/// Whether `pw` matches [`PASSWORD_PATTERN`]: at least two characters, the first and the last
/// not whitespace, and no line break (the pattern's `.`) in between.
#[must_use]
pub fn password_pattern_ok(pw: &str) -> bool {
    let (Some(first), Some(last)) = (pw.chars().next(), pw.chars().last()) else {
        return false;
    };
    pw.chars().count() >= 2
        && !first.is_whitespace()
        && !last.is_whitespace()
        && !pw.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
}

/// A temporary password that satisfies any default-like policy.
#[must_use]
pub fn temporary_password() -> String {
    format!("Tmp{}a1!", &random_token(9))
}

/// RFC 4648 base32 without padding (the TOTP `SecretCode`).
#[must_use]
pub fn base32_encode(data: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(data)
}

/// Decodes RFC 4648 base32 (padding and case ignored); `None` for anything else.
#[must_use]
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let canonical = s.trim_end_matches('=').to_ascii_uppercase();
    data_encoding::BASE32_NOPAD
        .decode(canonical.as_bytes())
        .ok()
}

/// RFC 6238 TOTP: HMAC-SHA1, 6 digits, 30-second steps.
#[must_use]
pub fn totp(secret: &[u8], unix: i64) -> String {
    let counter = unix.div_euclid(30) as u64;
    let Ok(mut m) = Hmac::<sha1::Sha1>::new_from_slice(secret) else {
        return String::new();
    };
    m.update(&counter.to_be_bytes());
    let h = m.finalize().into_bytes();
    let off = (h[19] & 0x0f) as usize;
    let bin = (u32::from(h[off] & 0x7f) << 24)
        | (u32::from(h[off + 1]) << 16)
        | (u32::from(h[off + 2]) << 8)
        | u32::from(h[off + 3]);
    format!("{:06}", bin % 1_000_000)
}

/// The 30-second time step a TOTP code belongs to (one step of drift either way), if valid.
/// Callers refuse a step at or before the last one they accepted (RFC 6238 §5.2: no replay).
#[must_use]
pub fn totp_step(secret_b32: &str, code: &str, now: i64) -> Option<i64> {
    let secret = base32_decode(secret_b32)?;
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut found = None;
    for d in [-30, 0, 30] {
        if ct_eq(&totp(&secret, now + d), code) {
            found = Some((now + d).div_euclid(30));
        }
    }
    found
}

/// Masks a delivery destination the way Cognito does: `d***@e***`.
#[must_use]
pub fn mask_destination(dest: &str) -> String {
    match dest.split_once('@') {
        Some((local, domain)) => {
            let l: String = local.chars().take(1).collect();
            let d: String = domain.chars().take(1).collect();
            format!("{l}***@{d}***")
        }
        None => {
            let tail: String = dest
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("+*******{tail}")
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn totp_rfc6238_sha1_vectors() {
        let secret = b"12345678901234567890";
        // RFC 6238 Appendix B (8 digits there; the last 6 digits here).
        assert_eq!(totp(secret, 59), "287082");
        assert_eq!(totp(secret, 1_111_111_109), "081804");
        assert_eq!(totp(secret, 1_234_567_890), "005924");
        assert_eq!(totp(secret, 2_000_000_000), "279037");
    }

    #[test]
    fn base32_roundtrip() {
        let b = random_bytes(20);
        assert_eq!(
            base32_decode(&base32_encode(&b)).as_deref(),
            Some(b.as_slice())
        );
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        // RFC 4648 section 10 vectors; lower case and padding are accepted on input.
        assert_eq!(base32_encode(b"fo"), "MZXQ");
        assert_eq!(base32_decode("mzxq===="), Some(b"fo".to_vec()));
        assert_eq!(base32_decode("MZXW6YTBOI======"), Some(b"foobar".to_vec()));
        assert_eq!(base32_decode("MZXW6YTBO1"), None, "1 is not a base32 digit");
    }

    #[test]
    fn policy() {
        let p = PasswordPolicy::default();
        assert!(check_password_policy(&p, "DemoPassw0rd!").is_ok());
        assert!(check_password_policy(&p, "short").is_err());
        assert!(check_password_policy(&p, "nouppercase1!").is_err());
        assert!(check_password_policy(&p, &temporary_password()).is_ok());
    }

    #[test]
    fn temporary_password_shape_and_randomness() {
        // "Tmp" + base64url of 9 random bytes (12 characters) + "a1!": 18 characters.
        let t = temporary_password();
        assert_eq!(t.chars().count(), 18, "{t}");
        let middle = t
            .strip_prefix("Tmp")
            .and_then(|r| r.strip_suffix("a1!"))
            .expect("Tmp…a1!");
        assert_eq!(URL_SAFE_NO_PAD.decode(middle).expect("base64url").len(), 9);
        // Every rule of a strict policy holds, not only the default one.
        let strict = PasswordPolicy {
            minimum_length: 18,
            ..PasswordPolicy::default()
        };
        assert!(check_password_policy(&strict, &t).is_ok());
        let longer = PasswordPolicy {
            minimum_length: 19,
            ..PasswordPolicy::default()
        };
        assert!(check_password_policy(&longer, &t).is_err());
        // Fresh each time.
        let many: std::collections::HashSet<String> =
            (0..64).map(|_| temporary_password()).collect();
        assert_eq!(many.len(), 64);
    }

    #[test]
    fn salt_hex_is_what_make_verifier_reports() {
        for salt in [
            vec![0u8, 0, 5, 255],
            vec![0x0a; 16],
            vec![0; 3],
            random_bytes(16),
        ] {
            let v = cognito_srp::make_verifier("P", "u", "pw", &salt);
            assert_eq!(salt_hex(&salt), v.salt_hex, "{salt:?}");
        }
    }
}
