//! PKCE (RFC 7636): the proof that the app redeeming an authorization code is the app that
//! asked for it.
//!
//! A browser app cannot keep a client secret, so the hosted-UI flow binds the authorization
//! code to a one-time secret instead: the app sends `code_challenge = BASE64URL(SHA256(verifier))`
//! to `/oauth2/authorize` and the verifier itself to `/oauth2/token`. Someone who intercepts the
//! redirect gets a code they cannot redeem.
//!
//! This module draws no randomness: the verifier is built from bytes the caller supplies
//! (`crypto.getRandomValues` in the browser, any CSPRNG natively).
//!
//! ```
//! use cognito_core::pkce::{PkceVerifier, PkceMethod};
//! # fn main() -> Result<(), cognito_core::Error> {
//! let random = [7u8; 96]; // from a CSPRNG in real code
//! let verifier = PkceVerifier::from_random_bytes(&random)?;
//! assert_eq!(verifier.secret().len(), 128);
//! let challenge = verifier.challenge();
//! assert_eq!(challenge.method(), PkceMethod::S256);
//! assert_eq!(challenge.as_str().len(), 43);
//! # Ok(()) }
//! ```

use std::fmt;

use crate::error::Error;

/// The shortest verifier RFC 7636 allows (section 4.1).
pub const MIN_VERIFIER_LEN: usize = 43;
/// The longest verifier RFC 7636 allows (section 4.1).
pub const MAX_VERIFIER_LEN: usize = 128;

/// The 64 characters a byte's low six bits map onto in [`PkceVerifier::from_random_chars`].
/// All are in RFC 3986's unreserved set; 64 divides 256, so the mapping has no bias.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"` (RFC 3986 section 2.3).
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// A PKCE `code_verifier`: 43 to 128 characters from `[A-Za-z0-9-._~]`.
///
/// # Security
/// The verifier is the secret that makes a stolen authorization code useless. It prints as
/// `[redacted]`, is read only through [`secret`](Self::secret), and is not `Clone`: it is used
/// for exactly one token request.
#[derive(PartialEq, Eq)]
pub struct PkceVerifier(String);

impl PkceVerifier {
    /// The verifier as BASE64URL-NOPAD of `random` (RFC 7636 section 4.1's recommendation).
    ///
    /// 32 bytes give 43 characters, 96 bytes give 128 (Amplify's length).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `random` is not 32 to 96 bytes long (the encoding would
    /// fall outside 43–128 characters).
    ///
    /// # Security
    /// `random` must come from a CSPRNG; the verifier is only as unguessable as these bytes.
    pub fn from_random_bytes(random: &[u8]) -> Result<Self, Error> {
        let encoded = cognito_srp::base64::encode_url_no_pad(random);
        Self::new(encoded).map_err(|_| {
            Error::InvalidArgument(format!(
                "PKCE verifier needs 32 to 96 random bytes, got {}",
                random.len()
            ))
        })
    }

    /// [`from_random_bytes`](Self::from_random_bytes) for callers that know `random` is 32 to
    /// 96 bytes long.
    pub(crate) fn from_random_bytes_unchecked(random: &[u8]) -> Self {
        debug_assert!((32..=96).contains(&random.len()));
        Self(cognito_srp::base64::encode_url_no_pad(random))
    }

    /// A verifier of exactly `random.len()` characters: each byte picks one of 64 unreserved
    /// characters by its low six bits (six bits of entropy per character, no modulo bias).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `random` is not 43 to 128 bytes long.
    ///
    /// # Security
    /// `random` must come from a CSPRNG.
    pub fn from_random_chars(random: &[u8]) -> Result<Self, Error> {
        if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&random.len()) {
            return Err(Error::InvalidArgument(format!(
                "PKCE verifier needs {MIN_VERIFIER_LEN} to {MAX_VERIFIER_LEN} random bytes, got {}",
                random.len()
            )));
        }
        let s = random
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(b & 0x3f)]))
            .collect();
        Ok(Self(s))
    }

    /// Wraps an existing verifier, e.g. one read back from storage after the redirect.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when the length is outside 43–128 or a character is outside
    /// `[A-Za-z0-9-._~]`.
    pub fn new(verifier: impl Into<String>) -> Result<Self, Error> {
        let s = verifier.into();
        let len_ok = (MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&s.len());
        if !len_ok || !s.bytes().all(is_unreserved) {
            return Err(Error::InvalidArgument(format!(
                "PKCE verifier must be {MIN_VERIFIER_LEN}-{MAX_VERIFIER_LEN} characters of [A-Za-z0-9-._~] (got {} characters)",
                s.len()
            )));
        }
        Ok(Self(s))
    }

    /// The verifier itself, for the `code_verifier` parameter of the token request.
    #[must_use]
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// The S256 challenge: `BASE64URL-NOPAD(SHA256(ASCII(verifier)))`. Cognito accepts only this.
    #[must_use]
    pub fn challenge(&self) -> PkceChallenge {
        let digest = cognito_srp::sha256(&[self.0.as_bytes()]);
        PkceChallenge {
            value: cognito_srp::base64::encode_url_no_pad(&digest),
            method: PkceMethod::S256,
        }
    }

    /// The `plain` challenge (the verifier itself), for servers that cannot hash.
    ///
    /// # Security
    /// `plain` gives no protection if the authorization request is observed; Cognito does not
    /// accept it. It exists for completeness of RFC 7636.
    #[must_use]
    pub fn challenge_plain(&self) -> PkceChallenge {
        PkceChallenge {
            value: self.0.clone(),
            method: PkceMethod::Plain,
        }
    }

    /// The challenge for `method`.
    #[must_use]
    pub fn challenge_with(&self, method: PkceMethod) -> PkceChallenge {
        match method {
            PkceMethod::S256 => self.challenge(),
            PkceMethod::Plain => self.challenge_plain(),
        }
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier([redacted])")
    }
}

impl crate::json::ToJson for PkceVerifier {
    fn write_json(&self, out: &mut String) {
        crate::json::write_str(out, &self.0);
    }
}

/// Reads a verifier and checks it (43 to 128 unreserved characters); the error never holds it.
impl crate::json::FromJson for PkceVerifier {
    fn from_json(v: crate::json::Value) -> Result<Self, crate::json::JsonError> {
        PkceVerifier::new(<String as crate::json::FromJson>::from_json(v)?)
            .map_err(|_| crate::json::JsonError::new("not a valid PKCE verifier"))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for PkceVerifier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for PkceVerifier {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PkceVerifier::new(s).map_err(serde::de::Error::custom)
    }
}

/// A `code_challenge_method`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PkceMethod {
    /// `S256`: the challenge is the SHA-256 of the verifier. The only method Cognito accepts.
    S256,
    /// `plain`: the challenge is the verifier.
    Plain,
}

impl PkceMethod {
    /// The name as sent in `code_challenge_method`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PkceMethod::S256 => "S256",
            PkceMethod::Plain => "plain",
        }
    }
}

impl fmt::Display for PkceMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `code_challenge` and its method, sent in the authorization request.
///
/// Not secret: it travels in the browser's address bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PkceChallenge {
    value: String,
    method: PkceMethod,
}

impl PkceChallenge {
    /// The `code_challenge` value.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The `code_challenge_method`.
    #[must_use]
    pub fn method(&self) -> PkceMethod {
        self.method
    }

    /// Whether `verifier` answers this challenge (what the authorization server checks).
    ///
    /// # Security
    /// Compares in constant time.
    #[must_use]
    pub fn is_answered_by(&self, verifier: &str) -> bool {
        let Ok(v) = PkceVerifier::new(verifier) else {
            return false;
        };
        let expected = v.challenge_with(self.method);
        crate::oauth::constant_time_eq(expected.as_str(), &self.value)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_map_to_rfc_lengths() {
        assert_eq!(
            PkceVerifier::from_random_bytes(&[0; 32])
                .map(|v| v.secret().len())
                .ok(),
            Some(43)
        );
        assert_eq!(
            PkceVerifier::from_random_bytes(&[0; 96])
                .map(|v| v.secret().len())
                .ok(),
            Some(128)
        );
        assert!(PkceVerifier::from_random_bytes(&[0; 31]).is_err());
        assert!(PkceVerifier::from_random_bytes(&[0; 97]).is_err());
    }

    #[test]
    fn random_chars_have_requested_length_and_alphabet() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(128).collect();
        let v = PkceVerifier::from_random_chars(&bytes).expect("128 is allowed");
        assert_eq!(v.secret().len(), 128);
        assert!(v.secret().bytes().all(is_unreserved));
        // Bytes 0..64 spell the alphabet in order.
        assert_eq!(&v.secret().as_bytes()[..64], ALPHABET.as_slice());
        assert!(PkceVerifier::from_random_chars(&[0; 42]).is_err());
        assert!(PkceVerifier::from_random_chars(&[0; 129]).is_err());
        assert!(PkceVerifier::from_random_chars(&[0; 43]).is_ok());
    }

    #[test]
    fn new_rejects_bad_characters_and_lengths() {
        assert!(PkceVerifier::new("a".repeat(42)).is_err());
        assert!(PkceVerifier::new("a".repeat(129)).is_err());
        assert!(PkceVerifier::new(format!("{}+", "a".repeat(42))).is_err());
        assert!(PkceVerifier::new(format!("{}é", "a".repeat(42))).is_err());
        assert!(PkceVerifier::new(format!("{}-._~", "a".repeat(40))).is_ok());
    }

    #[test]
    fn verifier_is_redacted() {
        let v = PkceVerifier::new("a".repeat(43)).expect("valid");
        assert_eq!(format!("{v:?}"), "PkceVerifier([redacted])");
    }

    #[test]
    fn plain_challenge_is_the_verifier() {
        let v = PkceVerifier::new("b".repeat(50)).expect("valid");
        let c = v.challenge_plain();
        assert_eq!(c.as_str(), v.secret());
        assert_eq!(c.method().as_str(), "plain");
        assert!(c.is_answered_by(v.secret()));
        assert!(!c.is_answered_by(&"c".repeat(50)));
    }

    #[test]
    fn json_round_trip_validates() {
        use crate::json;
        let v = PkceVerifier::new("x".repeat(43)).expect("valid");
        let text = json::to_string(&v);
        assert_eq!(text, format!("\"{}\"", "x".repeat(43)));
        let back: PkceVerifier = json::from_str(&text).expect("reads back");
        assert_eq!(back, v);
        assert!(json::from_str::<PkceVerifier>("\"short\"").is_err());
        assert!(json::from_str::<PkceVerifier>("43").is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip_validates() {
        let v = PkceVerifier::new("x".repeat(43)).expect("valid");
        let json = serde_json::to_string(&v).expect("serializes");
        let back: PkceVerifier = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, v);
        assert!(serde_json::from_str::<PkceVerifier>("\"short\"").is_err());
    }
}
