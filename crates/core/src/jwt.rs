//! Reading Cognito's JWTs (ID and access tokens) without verifying their signature.
//!
//! The browser client needs the claims to know who is signed in (`username`, `email`), when
//! the tokens expire (`exp`, `iat`) and whether a hosted-UI sign-in answered our `nonce`. It
//! received the tokens over TLS straight from Cognito, so, like amazon-cognito-identity-js and
//! Amplify, it decodes them without checking the RS256 signature. Anything that *grants access*
//! based on a token (an API server) must verify it, e.g. with aws-jwt-verify.
//!
//! ```
//! use cognito_core::jwt::Jwt;
//! # use base64::Engine as _;
//! # let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
//! # let token = format!("{}.{}.sig", b64(r#"{"alg":"RS256","kid":"k1"}"#),
//! #     b64(r#"{"sub":"abc","exp":1700000000,"token_use":"access","username":"alice"}"#));
//! let jwt = Jwt::decode_unverified(&token)?;
//! assert_eq!(jwt.header.kid.as_deref(), Some("k1"));
//! assert_eq!(jwt.claims.username.as_deref(), Some("alice"));
//! assert_eq!(jwt.claims.exp, Some(1_700_000_000));
//! # Ok::<(), cognito_core::Error>(())
//! ```

use crate::json::{self, Object, Value};

use crate::error::Error;

/// Tokens longer than this are rejected before decoding (Cognito's are a few KiB).
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

/// A decoded JWT: header and claims. The signature is kept but not checked.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Jwt {
    /// The JOSE header.
    pub header: Header,
    /// The payload.
    pub claims: Claims,
}

/// The JOSE header of a JWT.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Header {
    /// `alg`, `RS256` for Cognito.
    pub alg: String,
    /// `kid`, the JWKS key id that signed the token.
    pub kid: Option<String>,
    /// `typ`, when present.
    pub typ: Option<String>,
    /// Every other header parameter, as sent.
    pub other: Object,
}

/// The claims of a Cognito ID or access token.
///
/// Known claims are typed; every other claim (including `custom:*` attributes, `iss`,
/// `event_id`, `device_key`, `at_hash`, ...) stays in [`other`](Self::other) as sent.
/// Times are Unix seconds.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Claims {
    /// `sub`: the user's immutable id.
    pub sub: Option<String>,
    /// `iss`: `https://cognito-idp.<region>.amazonaws.com/<poolId>`.
    pub iss: Option<String>,
    /// `exp`: expiry.
    pub exp: Option<i64>,
    /// `iat`: issued at.
    pub iat: Option<i64>,
    /// `nbf`: not before (Cognito does not send it).
    pub nbf: Option<i64>,
    /// `auth_time`: when the user authenticated (kept across refreshes).
    pub auth_time: Option<i64>,
    /// `token_use`: `id` or `access`.
    pub token_use: Option<String>,
    /// `aud`: the client id (ID tokens). A string on the wire; an array is accepted too.
    pub aud: Vec<String>,
    /// `client_id`: the client id (access tokens).
    pub client_id: Option<String>,
    /// `username` (access tokens).
    pub username: Option<String>,
    /// `cognito:username` (ID tokens).
    pub cognito_username: Option<String>,
    /// `cognito:groups`.
    pub cognito_groups: Vec<String>,
    /// `email`.
    pub email: Option<String>,
    /// `email_verified`: a JSON bool, or the strings `"true"` / `"false"` some pools send.
    pub email_verified: Option<bool>,
    /// `phone_number`.
    pub phone_number: Option<String>,
    /// `phone_number_verified`, read like `email_verified`.
    pub phone_number_verified: Option<bool>,
    /// `scope`: space-separated scopes (access tokens).
    pub scope: Option<String>,
    /// `jti`: the token's id.
    pub jti: Option<String>,
    /// `origin_jti`: the id of the authentication event; present when the token is revocable.
    pub origin_jti: Option<String>,
    /// `nonce`: the hosted-UI nonce, echoed into the ID token.
    pub nonce: Option<String>,
    /// Every other claim, as sent.
    pub other: Object,
}

impl Claims {
    /// The scopes in `scope`, split on spaces.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope
            .as_deref()
            .unwrap_or("")
            .split(' ')
            .filter(|s| !s.is_empty())
    }

    /// The username: `username` (access token) or `cognito:username` (ID token).
    #[must_use]
    pub fn any_username(&self) -> Option<&str> {
        self.username
            .as_deref()
            .or(self.cognito_username.as_deref())
    }
}

impl Jwt {
    /// Splits and decodes a compact JWT (`header.payload.signature`) **without verifying the
    /// signature**.
    ///
    /// Base64url without padding is expected; trailing `=` padding is tolerated.
    ///
    /// # Errors
    /// [`Error::Parse`] when there are not exactly three segments, a segment is not base64url,
    /// the header or payload is not a JSON object, or a known claim has the wrong type (e.g. a
    /// string `exp`, or a number too large for `i64`). Never panics.
    ///
    /// # Security
    /// Nothing here proves that Cognito issued the token. Use the claims to drive the UI and
    /// schedule refreshes, never to authorize access.
    pub fn decode_unverified(token: &str) -> Result<Self, Error> {
        let fail = |reason: &str| Error::parse("JWT", reason, truncate(token));
        if token.len() > MAX_TOKEN_LEN {
            return Err(fail("token too long"));
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(_sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(fail("expected three dot-separated segments"));
        };
        // One error exit for the four steps (one `format!`, one clean-up), the part named first.
        let decode = || -> Result<Jwt, (&'static str, String)> {
            let header = decode_object(h).map_err(|r| ("header", r))?;
            let payload = decode_object(p).map_err(|r| ("payload", r))?;
            let header = Header::from_map(header).map_err(|r| ("header", r))?;
            let claims = Claims::from_map(payload).map_err(|r| ("claims", r))?;
            Ok(Jwt { header, claims })
        };
        decode().map_err(|(part, r)| fail(&format!("{part}: {r}")))
    }
}

/// Decodes only the claims of a token (see [`Jwt::decode_unverified`]).
///
/// # Errors
/// As [`Jwt::decode_unverified`].
pub fn decode_claims_unverified(token: &str) -> Result<Claims, Error> {
    Jwt::decode_unverified(token).map(|j| j.claims)
}

/// Keeps error messages (and the `raw` of parse errors) short and free of full tokens.
fn truncate(s: &str) -> String {
    // A JWT's header is not secret; cutting at 40 bytes keeps the payload out of logs.
    let head = crate::uri::prefix(s, 40);
    if head.len() < s.len() {
        format!("{head}...")
    } else {
        s.to_owned()
    }
}

fn decode_object(segment: &str) -> Result<Object, String> {
    let trimmed = segment.trim_end_matches('=');
    // The error names the offset, never the bytes.
    let bytes = cognito_srp::base64::decode_url_no_pad(trimmed)
        .map_err(|e| format!("not base64url: {e}"))?;
    match json::parse(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("not a JSON object".to_owned()),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}

fn take_string(map: &mut Object, key: &str) -> Result<Option<String>, String> {
    match map.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("{key} must be a string, got {}", kind(&other))),
    }
}

fn take_time(map: &mut Object, key: &str) -> Result<Option<i64>, String> {
    match map.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                return Ok(Some(i));
            }
            // NumericDate may be fractional (RFC 7519 section 2); truncate, within range
            // (below 10^15, as when this was read through an f64; exact decimal now).
            match n.scaled(0) {
                Some(x) if x.int.abs() < 1_000_000_000_000_000 => i64::try_from(x.int)
                    .map(Some)
                    .map_err(|_| format!("{key} is out of range")),
                _ => Err(format!("{key} is out of range")),
            }
        }
        Some(other) => Err(format!("{key} must be a number, got {}", kind(&other))),
    }
}

fn take_bool(map: &mut Object, key: &str) -> Result<Option<bool>, String> {
    match map.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(format!("{key} must be a boolean, got {}", kind(&other))),
    }
}

fn take_strings(map: &mut Object, key: &str) -> Result<Vec<String>, String> {
    match map.remove(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s]),
        // A plain loop: `collect` into a `Result` brings in-place-iteration machinery.
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for v in items {
                match v {
                    Value::String(s) => out.push(s),
                    other => return Err(format!("{key} must hold strings, got {}", kind(&other))),
                }
            }
            Ok(out)
        }
        Some(other) => Err(format!(
            "{key} must be a string or an array, got {}",
            kind(&other)
        )),
    }
}

fn kind(v: &Value) -> &'static str {
    v.kind()
}

impl Header {
    fn from_map(mut map: Object) -> Result<Self, String> {
        let alg = take_string(&mut map, "alg")?.ok_or("alg is missing")?;
        Ok(Header {
            alg,
            kid: take_string(&mut map, "kid")?,
            typ: take_string(&mut map, "typ")?,
            other: map,
        })
    }
}

impl Claims {
    /// Reads the known claims out of a JSON object; the rest stays in [`other`](Self::other).
    ///
    /// # Errors
    /// [`Error::Parse`] when a known claim has the wrong type.
    pub fn from_json_object(map: Object) -> Result<Self, Error> {
        Self::from_map(map).map_err(|r| Error::parse("JWT claims", r, ""))
    }

    // The lint wants one struct literal: that is the form with a clean-up ladder.
    #[allow(clippy::field_reassign_with_default)]
    fn from_map(mut m: Object) -> Result<Self, String> {
        // Assigned one by one into a default value, so every error exit drops the same two
        // things (one clean-up instead of one per claim read so far).
        let mut c = Claims::default();
        c.sub = take_string(&mut m, "sub")?;
        c.iss = take_string(&mut m, "iss")?;
        c.exp = take_time(&mut m, "exp")?;
        c.iat = take_time(&mut m, "iat")?;
        c.nbf = take_time(&mut m, "nbf")?;
        c.auth_time = take_time(&mut m, "auth_time")?;
        c.token_use = take_string(&mut m, "token_use")?;
        c.aud = take_strings(&mut m, "aud")?;
        c.client_id = take_string(&mut m, "client_id")?;
        c.username = take_string(&mut m, "username")?;
        c.cognito_username = take_string(&mut m, "cognito:username")?;
        c.cognito_groups = take_strings(&mut m, "cognito:groups")?;
        c.email = take_string(&mut m, "email")?;
        c.email_verified = take_bool(&mut m, "email_verified")?;
        c.phone_number = take_string(&mut m, "phone_number")?;
        c.phone_number_verified = take_bool(&mut m, "phone_number_verified")?;
        c.scope = take_string(&mut m, "scope")?;
        c.jti = take_string(&mut m, "jti")?;
        c.origin_jti = take_string(&mut m, "origin_jti")?;
        c.nonce = take_string(&mut m, "nonce")?;
        c.other = m;
        Ok(c)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    // The `base64` crate writes the test tokens: an encoder independent of the decoder tested.
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn token(payload: &str) -> String {
        format!(
            "{}.{}.c2ln",
            b64(r#"{"alg":"RS256","kid":"abc"}"#),
            b64(payload)
        )
    }

    #[test]
    fn decodes_an_id_token() {
        let t = token(
            r#"{"sub":"1234","aud":"client1","email_verified":true,"token_use":"id",
            "auth_time":1700000000,"iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X",
            "cognito:username":"alice","exp":1700003600,"iat":1700000000,"email":"a@example.com",
            "cognito:groups":["admin","dev"],"nonce":"n-0S6_WzA2Mj","custom:plan":"pro",
            "event_id":"e1","jti":"j1","origin_jti":"o1"}"#,
        );
        let jwt = Jwt::decode_unverified(&t).expect("valid token");
        assert_eq!(jwt.header.alg, "RS256");
        assert_eq!(jwt.header.kid.as_deref(), Some("abc"));
        let c = jwt.claims;
        assert_eq!(c.sub.as_deref(), Some("1234"));
        assert_eq!(c.aud, vec!["client1"]);
        assert_eq!(c.email_verified, Some(true));
        assert_eq!(c.cognito_username.as_deref(), Some("alice"));
        assert_eq!(c.any_username(), Some("alice"));
        assert_eq!(c.cognito_groups, vec!["admin", "dev"]);
        assert_eq!(c.exp, Some(1_700_003_600));
        assert_eq!(c.auth_time, Some(1_700_000_000));
        assert_eq!(c.nonce.as_deref(), Some("n-0S6_WzA2Mj"));
        assert_eq!(c.origin_jti.as_deref(), Some("o1"));
        assert_eq!(c.other.get("custom:plan"), Some(&Value::from("pro")));
        assert_eq!(c.other.get("event_id"), Some(&Value::from("e1")));
        assert!(
            !c.other.contains_key("sub"),
            "known claims are not duplicated"
        );
    }

    #[test]
    fn decodes_an_access_token() {
        let t = token(
            r#"{"sub":"1234","token_use":"access","scope":"openid  email aws.cognito.signin.user.admin",
            "client_id":"client1","username":"alice","exp":1700003600,"iat":1700000000}"#,
        );
        let c = Jwt::decode_unverified(&t).expect("valid").claims;
        assert_eq!(c.client_id.as_deref(), Some("client1"));
        assert_eq!(c.username.as_deref(), Some("alice"));
        assert_eq!(
            c.scopes().collect::<Vec<_>>(),
            ["openid", "email", "aws.cognito.signin.user.admin"]
        );
        assert!(c.aud.is_empty());
    }

    #[test]
    fn email_verified_as_string() {
        let t = token(r#"{"email_verified":"true","phone_number_verified":"false"}"#);
        let c = Jwt::decode_unverified(&t).expect("valid").claims;
        assert_eq!(c.email_verified, Some(true));
        assert_eq!(c.phone_number_verified, Some(false));
        assert!(Jwt::decode_unverified(&token(r#"{"email_verified":"yes"}"#)).is_err());
    }

    #[test]
    fn tolerates_padding_and_fractional_times() {
        let payload = URL_SAFE_NO_PAD.encode(r#"{"exp":1700000000.75}"#);
        let padded = format!("{payload}{}", "=".repeat((4 - payload.len() % 4) % 4));
        let t = format!("{}.{}.", b64(r#"{"alg":"none"}"#), padded);
        let c = Jwt::decode_unverified(&t)
            .expect("padding tolerated")
            .claims;
        assert_eq!(c.exp, Some(1_700_000_000));
    }

    #[test]
    fn rejects_malformed_tokens() {
        let h = b64(r#"{"alg":"RS256"}"#);
        let cases = [
            String::new(),
            "a.b".to_owned(),
            "a.b.c.d".to_owned(),
            format!("{h}.!!!.sig"),
            format!("{h}.{}.sig", b64("not json")),
            format!("{h}.{}.sig", b64("[1,2]")),
            format!("{h}.{}.sig", b64(r#"{"exp":"soon"}"#)),
            format!("{h}.{}.sig", b64(r#"{"exp":1e300}"#)),
            format!("{h}.{}.sig", b64(r#"{"exp":99999999999999999999}"#)),
            format!("{h}.{}.sig", b64(r#"{"cognito:groups":[1]}"#)),
            format!("{}.{}.sig", b64(r#"{"kid":"x"}"#), b64("{}")),
            format!("{h}.{}.sig", b64(&"[".repeat(10_000))),
        ];
        for c in &cases {
            match Jwt::decode_unverified(c) {
                Err(Error::Parse { what, .. }) => assert_eq!(what, "JWT"),
                other => panic!("{c:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn parse_errors_do_not_carry_the_whole_token() {
        let t = format!(
            "{}.{}.sig",
            b64(r#"{"alg":"RS256"}"#),
            b64(r#"{"exp":"x","secret":"s3cr3t-value-here"}"#)
        );
        let Err(Error::Parse { raw, .. }) = Jwt::decode_unverified(&t) else {
            panic!("expected a parse error")
        };
        assert!(raw.len() <= 43, "raw is truncated: {raw}");
    }
}
