//! RS256 signing keys (persisted, one for ID tokens and one for access tokens, as AWS does),
//! JWT signing and verification, and the JWKS document.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// One signing key with its `kid`.
#[derive(Debug, Clone)]
pub struct KeyPair {
    /// Key id published in the JWKS and the JWT header.
    pub kid: String,
    signing: SigningKey<Sha256>,
    verifying: VerifyingKey<Sha256>,
    public: RsaPublicKey,
}

impl KeyPair {
    /// Wraps a private key; the `kid` is derived from the public modulus.
    #[must_use]
    pub fn new(private: RsaPrivateKey) -> Self {
        let public = private.to_public_key();
        let digest = Sha256::digest(public.n().to_bytes_be());
        let kid = base64::engine::general_purpose::STANDARD.encode(&digest[..24]);
        Self {
            kid,
            verifying: VerifyingKey::new(public.clone()),
            signing: SigningKey::new(private),
            public,
        }
    }

    /// Loads from PKCS#8 DER.
    ///
    /// # Errors
    /// Malformed key.
    pub fn from_der(der: &[u8]) -> Result<Self, String> {
        RsaPrivateKey::from_pkcs8_der(der)
            .map(Self::new)
            .map_err(|e| e.to_string())
    }

    /// The private key as PKCS#8 DER (for persistence).
    ///
    /// # Errors
    /// Encoding failure.
    pub fn to_der(&self) -> Result<Vec<u8>, String> {
        self.signing
            .as_ref()
            .to_pkcs8_der()
            .map(|d| d.as_bytes().to_vec())
            .map_err(|e| e.to_string())
    }

    /// The public key as a JWK.
    #[must_use]
    pub fn jwk(&self) -> Value {
        json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(self.public.e().to_bytes_be()),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(self.public.n().to_bytes_be()),
            "use": "sig",
        })
    }

    /// Signs claims into a compact JWS.
    ///
    /// # Security
    /// The `rsa` crate's private-key operation is not constant-time (RUSTSEC-2023-0071, the
    /// Marvin attack): its timing can leak information about the key to someone who measures
    /// many operations. Signing here is blinded (`sign_with_rng`: a fresh random blinding
    /// factor per signature, so the timing no longer follows the signed input; PKCS#1 v1.5
    /// signatures stay the same bytes), the server only signs, never decrypts (the advisory's
    /// oracle is decryption), and the keys belong to one local development install. Never use
    /// this server's keys for anything real.
    #[must_use]
    pub fn sign(&self, claims: &Map<String, Value>) -> String {
        let header = json!({"kid": self.kid, "alg": "RS256"});
        let h = URL_SAFE_NO_PAD.encode(header.to_string());
        let c = URL_SAFE_NO_PAD.encode(Value::Object(claims.clone()).to_string());
        let input = format!("{h}.{c}");
        let sig: Signature = self
            .signing
            .sign_with_rng(&mut rand::thread_rng(), input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
    }

    /// Verifies the signature and `kid` of a compact JWS and returns its claims (no claim checks).
    #[must_use]
    pub fn verify(&self, token: &str) -> Option<Map<String, Value>> {
        let mut parts = token.split('.');
        let (h, c, s) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "RS256" || header.get("kid")?.as_str()? != self.kid {
            return None;
        }
        let sig = Signature::try_from(URL_SAFE_NO_PAD.decode(s).ok()?.as_slice()).ok()?;
        self.verifying
            .verify(format!("{h}.{c}").as_bytes(), &sig)
            .ok()?;
        match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(c).ok()?).ok()? {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
}

/// Decodes the claims of a JWT without verifying it.
#[must_use]
pub fn peek_claims(token: &str) -> Option<Map<String, Value>> {
    let c = token.split('.').nth(1)?;
    match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(c).ok()?).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Generates a 2048-bit RSA key, at most once per process per `slot`, so that tests and
/// `--in-memory` runs which create many servers do not pay for key generation each time.
///
/// # Errors
/// Key generation failure.
pub fn process_key(slot: &str) -> Result<KeyPair, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, KeyPair>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut guard = cache.lock().map_err(|_| "key cache poisoned".to_string())?;
    if let Some(k) = guard.get(slot) {
        return Ok(k.clone());
    }
    let mut rng = rand::thread_rng();
    let private = RsaPrivateKey::new(&mut rng, 2048).map_err(|e| e.to_string())?;
    let k = KeyPair::new(private);
    guard.insert(slot.to_string(), k.clone());
    Ok(k)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_roundtrip() {
        let k = process_key("test").expect("key");
        let mut m = Map::new();
        m.insert("sub".into(), json!("x"));
        let t = k.sign(&m);
        assert_eq!(k.verify(&t).expect("valid")["sub"], "x");
        let mut bad = t.clone();
        bad.push('A');
        assert!(k.verify(&bad).is_none());
        let der = k.to_der().expect("der");
        assert_eq!(KeyPair::from_der(&der).expect("load").kid, k.kid);
    }

    fn token_parts(t: &str) -> (String, String, String) {
        let mut p = t.split('.').map(str::to_string);
        (
            p.next().expect("header"),
            p.next().expect("claims"),
            p.next().expect("signature"),
        )
    }

    fn b64_json(v: &Value) -> String {
        URL_SAFE_NO_PAD.encode(v.to_string())
    }

    #[test]
    fn blinded_signatures_are_the_deterministic_pkcs1_v15_ones() {
        use rsa::signature::Signer as _;
        let k = process_key("test").expect("key");
        let mut m = Map::new();
        m.insert("sub".into(), json!("x"));
        let t = k.sign(&m);
        let (h, c, s) = token_parts(&t);
        let plain: Signature = k.signing.sign(format!("{h}.{c}").as_bytes());
        assert_eq!(URL_SAFE_NO_PAD.encode(plain.to_bytes()), s);
        assert_eq!(k.sign(&m), t, "same claims, same token");
    }

    #[test]
    fn tampered_payload_is_refused() {
        let k = process_key("test").expect("key");
        let mut m = Map::new();
        m.insert("sub".into(), json!("alice"));
        let (h, _, s) = token_parts(&k.sign(&m));
        // Same header and signature, another payload (sub = bob).
        let forged = format!("{h}.{}.{s}", b64_json(&json!({"sub": "bob"})));
        assert!(k.verify(&forged).is_none());
        // The original claims re-encoded with a trailing space: different bytes, same JSON.
        let (h2, c2, s2) = token_parts(&k.sign(&m));
        let mut raw = URL_SAFE_NO_PAD.decode(&c2).expect("b64");
        raw.push(b' ');
        let respaced = format!("{h2}.{}.{s2}", URL_SAFE_NO_PAD.encode(raw));
        assert!(k.verify(&respaced).is_none());
    }

    #[test]
    fn wrong_kid_is_refused_even_with_a_valid_signature() {
        let k = process_key("test").expect("key");
        let other = process_key("test-other").expect("key");
        assert_ne!(k.kid, other.kid);
        let mut m = Map::new();
        m.insert("sub".into(), json!("x"));
        // Signed by `other`: valid for `other`, refused by `k`.
        let t = other.sign(&m);
        assert!(other.verify(&t).is_some());
        assert!(k.verify(&t).is_none());
        // `k`'s signature under a header naming another kid: the header is signed too.
        let (_, c, s) = token_parts(&k.sign(&m));
        let h = b64_json(&json!({"kid": other.kid, "alg": "RS256"}));
        assert!(k.verify(&format!("{h}.{c}.{s}")).is_none());
        // No kid at all.
        let h = b64_json(&json!({"alg": "RS256"}));
        assert!(k.verify(&format!("{h}.{c}.{s}")).is_none());
    }

    #[test]
    fn wrong_alg_is_refused() {
        use hmac::Mac as _;
        let k = process_key("test").expect("key");
        let mut m = Map::new();
        m.insert("sub".into(), json!("x"));
        let c = b64_json(&Value::Object(m));
        // `alg: none` with an empty signature.
        let h = b64_json(&json!({"kid": k.kid, "alg": "none"}));
        assert!(k.verify(&format!("{h}.{c}.")).is_none());
        // HS256 keyed with the public JWK's modulus (the classic RS/HS confusion).
        let h = b64_json(&json!({"kid": k.kid, "alg": "HS256"}));
        let n = k.jwk()["n"].as_str().expect("n").to_string();
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(n.as_bytes()).expect("key");
        mac.update(format!("{h}.{c}").as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        assert!(k.verify(&format!("{h}.{c}.{sig}")).is_none());
        // RS512 named in the header over an RS256 signature.
        let (_, c2, s2) = token_parts(&k.sign(&Map::new()));
        let h = b64_json(&json!({"kid": k.kid, "alg": "RS512"}));
        assert!(k.verify(&format!("{h}.{c2}.{s2}")).is_none());
        // Lower-case spelling is not RS256 either.
        let h = b64_json(&json!({"kid": k.kid, "alg": "rs256"}));
        assert!(k.verify(&format!("{h}.{c2}.{s2}")).is_none());
    }
}
