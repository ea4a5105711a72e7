//! The Cognito user-pool JSON 1.1 transport, as values.
//!
//! Every user-pool operation is one `POST` to the region's endpoint with the operation named in
//! `X-Amz-Target` and a JSON body. This module turns a typed request into an [`HttpRequest`] and an
//! [`HttpResponse`] back into a typed response or an [`Error`], without doing any I/O, so the same
//! code runs in native tests (scripted responses) and in the browser (behind `fetch`).
//!
//! ```
//! use cognito_core::wire::{ClientConfig, HttpResponse, request, parse_response};
//! use cognito_core::ops::{GlobalSignOut, GlobalSignOutRequest};
//! use cognito_core::types::{AccessToken, ClientId, UserPoolId};
//!
//! let config = ClientConfig::new(UserPoolId::parse("eu-west-1_Abc123")?, ClientId::new("client"));
//! let req = request::<GlobalSignOut>(&config, &GlobalSignOutRequest {
//!     access_token: AccessToken::new("eyJ..."),
//! })?;
//! assert_eq!(req.url, "https://cognito-idp.eu-west-1.amazonaws.com/");
//! assert_eq!(req.header("x-amz-target"), Some("AWSCognitoIdentityProviderService.GlobalSignOut"));
//!
//! // ... send it, then:
//! let resp = HttpResponse { status: 200, headers: vec![], body: b"{}".to_vec() };
//! parse_response::<GlobalSignOut>(&resp)?;
//! # Ok::<(), cognito_core::Error>(())
//! ```

use std::fmt;

use crate::error::{CognitoErrorCode, Error};
use crate::json::{self, FromJson, JsonError, Slot, Value};
use crate::ops::Operation;
use crate::types::{ClientId, ClientSecret, UserPoolId};

/// `Content-Type` of every user-pool API call.
pub const CONTENT_TYPE_JSON_1_1: &str = "application/x-amz-json-1.1";

/// Prefix of the `X-Amz-Target` header; the operation name follows the dot.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService";

/// The `X-Amz-Target` value naming operation `name`: `AWSCognitoIdentityProviderService.<name>`.
#[must_use]
pub fn target(name: &str) -> String {
    format!("{TARGET_PREFIX}.{name}")
}

/// The operation an `X-Amz-Target` value names (the inverse of [`target`]): what follows
/// `AWSCognitoIdentityProviderService.`, or `None` for any other value.
#[must_use]
pub fn operation_of_target(value: &str) -> Option<&str> {
    value.strip_prefix(TARGET_PREFIX)?.strip_prefix('.')
}

/// An HTTP method. Only the ones Cognito's endpoints use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET` (hosted UI, `/oauth2/userInfo`, JWKS).
    Get,
    /// `POST` (every user-pool operation, `/oauth2/token`, `/oauth2/revoke`).
    Post,
}

impl Method {
    /// The method as it goes on the request line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request to send, built by this crate and sent by an adapter (browser `fetch`, a test).
///
/// Generic on purpose: the JSON 1.1 calls and the form-encoded `/oauth2/*` calls both use it.
///
/// # Security
/// Bodies carry passwords, codes, PKCE verifiers and tokens, and the `Authorization` header
/// carries a client secret (`Basic`) or an access token (`Bearer`). `Debug` therefore shows the
/// body's length only and prints `Authorization` values as `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Headers in order, names as written here (HTTP treats them case-insensitively).
    pub headers: Vec<(String, String)>,
    /// The body bytes (UTF-8 JSON or form data for everything this crate builds).
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The first header with this name, compared case-insensitively.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as UTF-8 text (lossy).
    #[must_use]
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

/// Headers whose credentials print as `[redacted]`.
struct RedactedHeaders<'a>(&'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, value)| {
                let value = if is_credential_header(name) {
                    "[redacted]"
                } else {
                    value.as_str()
                };
                (name.as_str(), value)
            }))
            .finish()
    }
}

/// Headers that carry credentials: `Authorization` (Basic client secret, Bearer token) and,
/// should an adapter add them, `Cookie` / `Proxy-Authorization`.
fn is_credential_header(name: &str) -> bool {
    ["authorization", "proxy-authorization", "cookie"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

/// A response as the adapter received it.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// Headers (only the ones the browser exposes, under CORS).
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header with this name, compared case-insensitively.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Whether the status is 2xx.
    #[must_use]
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as UTF-8 text (lossy).
    #[must_use]
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The public endpoint of a region: `https://cognito-idp.<region>.amazonaws.com/`, or
/// `https://cognito-idp.<region>.amazonaws.com.cn/` in the China partition (`cn-north-1`,
/// `cn-northwest-1`: every region named `cn-…`, as the partition's region pattern says).
#[must_use]
pub fn region_endpoint(region: &str) -> String {
    let domain = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://cognito-idp.{region}.{domain}/")
}

/// What a client needs to talk to one app client of one user pool.
///
/// # Security
/// A [`ClientSecret`] belongs to confidential (server-side) app clients only. Anything shipped to
/// a browser is public, so a public web app must use an app client *without* a secret; the option
/// exists for native tools, tests and the local server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// The user pool (its region picks the endpoint; its name goes into SRP).
    pub pool_id: UserPoolId,
    /// The app client id.
    pub client_id: ClientId,
    /// The app client secret, for `SECRET_HASH` (see the type's `# Security`).
    pub client_secret: Option<ClientSecret>,
    /// An endpoint URL replacing `https://cognito-idp.<region>.amazonaws.com/` (a local
    /// Cognito-compatible server, a proxy). Amplify v6 calls this `userPoolEndpoint`.
    pub endpoint: Option<String>,
}

impl ClientConfig {
    /// A config for the public AWS endpoint of the pool's region, without a client secret.
    #[must_use]
    pub fn new(pool_id: UserPoolId, client_id: ClientId) -> Self {
        Self {
            pool_id,
            client_id,
            client_secret: None,
            endpoint: None,
        }
    }

    /// Sets the client secret (see `# Security` on [`ClientConfig`]).
    #[must_use]
    pub fn with_client_secret(mut self, secret: ClientSecret) -> Self {
        self.client_secret = Some(secret);
        self
    }

    /// Sends to `endpoint` instead of AWS.
    ///
    /// # Errors
    /// [`Error::Config`] when `endpoint` is not an absolute `http(s)` URL.
    pub fn with_endpoint(mut self, endpoint: &str) -> Result<Self, Error> {
        let cleaned = crate::uri::clean(endpoint);
        let url = crate::uri::parse_absolute(&cleaned)
            .map_err(|e| Error::Config(format!("invalid endpoint \"{endpoint}\": {e}")))?;
        if !url.is_http() {
            return Err(Error::Config(format!(
                "invalid endpoint \"{endpoint}\": expected an http(s) URL"
            )));
        }
        self.endpoint = Some(crate::uri::normalize_http(&url));
        Ok(self)
    }

    /// The URL every user-pool operation is posted to.
    #[must_use]
    pub fn endpoint_url(&self) -> String {
        match &self.endpoint {
            Some(e) => e.clone(),
            None => region_endpoint(self.pool_id.region()),
        }
    }

    /// `SECRET_HASH` for `username` when a client secret is configured, else `None`.
    #[must_use]
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|s| secret_hash(s, username, &self.client_id))
    }
}

/// `SECRET_HASH = Base64(HMAC-SHA256(key = client secret, msg = username ‖ clientId))`.
///
/// Sent as top-level `SecretHash` (sign-up, forgot password, ...) or as `SECRET_HASH` inside
/// `AuthParameters` / `ChallengeResponses`. Challenge answers hash Cognito's internal username
/// (`USER_ID_FOR_SRP`), not the alias the user typed.
///
/// # Security
/// Only confidential clients have a secret; see [`ClientConfig`].
#[must_use]
pub fn secret_hash(secret: &ClientSecret, username: &str, client_id: &ClientId) -> String {
    let mac = cognito_srp::hmac_sha256(
        secret.secret().as_bytes(),
        &[username.as_bytes(), client_id.as_str().as_bytes()],
    );
    cognito_srp::base64::encode(&mac)
}

/// Builds the `POST` for operation `O`.
///
/// The body is written by [`crate::json`]: optional fields left out when `None`.
///
/// # Errors
/// None today: writing this crate's types cannot fail. The `Result` stays so that a request
/// type that can refuse its input does not change the signature.
pub fn request<O: Operation>(
    config: &ClientConfig,
    req: &O::Request,
) -> Result<HttpRequest, Error> {
    // Only the serialization is generic; the rest is one function for every operation (the
    // browser package pays for each copy of a generic body once per operation).
    Ok(json_request(config, O::NAME, json::to_vec(req)))
}

#[inline(never)]
fn json_request(config: &ClientConfig, op: &str, body: Vec<u8>) -> HttpRequest {
    HttpRequest {
        method: Method::Post,
        url: config.endpoint_url(),
        headers: vec![
            ("Content-Type".to_owned(), CONTENT_TYPE_JSON_1_1.to_owned()),
            ("X-Amz-Target".to_owned(), target(op)),
            ("Cache-Control".to_owned(), "no-store".to_owned()),
        ],
        body,
    }
}

/// The operation name of a request built by [`request`], read from `X-Amz-Target`.
#[must_use]
pub fn target_of(req: &HttpRequest) -> Option<&str> {
    operation_of_target(req.header("x-amz-target")?)
}

/// Parses the response to operation `O`.
///
/// A 2xx with an empty body is read as `{}`. Unknown fields are ignored.
///
/// # Errors
/// - [`Error::Service`] for a Cognito error response (see [`parse_error`]).
/// - [`Error::Parse`] when a 2xx body is not the expected JSON, keeping the body unless it may
///   carry tokens or secrets (see [`redacted_excerpt`]).
#[inline]
pub fn parse_response<O: Operation>(resp: &HttpResponse) -> Result<O::Response, Error> {
    response_as(resp, O::NAME)
}

/// [`parse_response`] by response type: one copy for the operations that share one (`Empty`,
/// `CodeDeliveryResponse`), where one per operation differed only in the name.
fn response_as<R: FromJson>(resp: &HttpResponse, op: &str) -> Result<R, Error> {
    let mut out = None;
    read_response(resp, op, &mut out)?;
    out.ok_or_else(not_read)
}

/// The non-generic part of [`parse_response`] (the browser package pays for each copy of a
/// generic body once per operation): the status check, an error body read by [`parse_error`],
/// the parse, and the error naming `op`; only filling `out` ([`Slot::fill`]) is per type.
#[inline(never)]
fn read_response(resp: &HttpResponse, op: &str, out: &mut dyn Slot) -> Result<(), Error> {
    if !resp.is_success() {
        return Err(parse_error(resp));
    }
    read_body(op, " response", &resp.body, out)
}

/// Parses `body` (`{}` when empty) into `out`; an [`Error::Parse`] for `what` + `suffix` if
/// that fails.
#[inline(never)]
fn read_body(what: &str, suffix: &str, body: &[u8], out: &mut dyn Slot) -> Result<(), Error> {
    json::parse(json_or_empty_object(body))
        .and_then(|v| out.fill(v))
        .map_err(|e| json_error(what, suffix, &e, body))
}

/// The error for a [`Slot`] left empty by a read that succeeded, which does not happen
/// ([`Slot::fill`] fills it or fails); there only so that no path panics.
#[cold]
#[inline(never)]
fn not_read() -> Error {
    Error::Parse {
        what: "response".to_owned(),
        reason: "not read".to_owned(),
        raw: String::new(),
    }
}

fn json_or_empty_object(body: &[u8]) -> &[u8] {
    if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    }
}

/// The [`Error::Parse`] of a body `what` + `suffix` that is not the JSON expected.
#[cold]
#[inline(never)]
fn json_error(what: &str, suffix: &str, e: &JsonError, body: &[u8]) -> Error {
    Error::parse(
        format!("{what}{suffix}"),
        e,
        redacted_excerpt(&String::from_utf8_lossy(body)),
    )
}

/// Parses a JSON body into `T`, treating an empty (or all-whitespace) body as `{}`.
///
/// # Errors
/// [`Error::Parse`] keeping the raw body as [`redacted_excerpt`] gives it: replaced by a
/// placeholder when it may carry tokens or secrets, else cut to 512 bytes.
pub fn parse_json_body<T: FromJson>(what: &str, body: &[u8]) -> Result<T, Error> {
    let mut out = None;
    read_body(what, "", body, &mut out)?;
    out.ok_or_else(not_read)
}

/// Names that mark a body as possibly carrying tokens or secrets, lowercase: the JSON 1.1
/// members (`AuthenticationResult`, `AccessToken`, `RefreshToken`, `IdToken`, `SecretCode`,
/// `Session`, `Password`, `ProposedPassword`) and the OAuth ones (`access_token`,
/// `refresh_token`, `id_token`).
const SECRET_MARKERS: &[&str] = &[
    "authenticationresult",
    "token",
    "secretcode",
    "secret_code",
    "session",
    "password",
];

/// What an [`Error::Parse`] keeps of a body it could not read: a placeholder giving only the
/// length when the body mentions a token, a secret code or a session (so a truncated sign-in
/// or token answer never lands in a log), otherwise the first 512 bytes.
///
/// The markers are matched case-insensitively anywhere in the body, so a mangled key still
/// counts; a false positive only costs the diagnostic text.
#[must_use]
pub fn redacted_excerpt(body: &str) -> String {
    // Already a placeholder of ours: keep it (it names the original length).
    if body.starts_with('[')
        && body.ends_with(']')
        && crate::uri::find(body, " bytes redacted").is_some()
    {
        return body.to_owned();
    }
    let lower = body.to_ascii_lowercase();
    if SECRET_MARKERS
        .iter()
        .any(|m| crate::uri::find(&lower, m).is_some())
    {
        return format!(
            "[{} bytes redacted: may hold tokens or secrets]",
            body.len()
        );
    }
    body_excerpt(body)
}

/// The first 512 bytes of `body` (cut at a character boundary).
pub(crate) fn body_excerpt(body: &str) -> String {
    crate::uri::prefix(body, 512).to_owned()
}

/// Turns a non-2xx response into an [`Error`].
///
/// The code is read from header `x-amzn-errortype`, else body `code`, else body `__type`, and
/// normalized by [`normalize_error_code`]; the message from body `message` / `Message`, else header
/// `x-amzn-errormessage`. A response carrying no code at all yields [`Error::Transport`] when
/// its status is 5xx (a proxy's or load balancer's page: the request did not get through), else
/// [`Error::Parse`] with the body as [`redacted_excerpt`] keeps it, so the caller never mistakes
/// it for Cognito.
#[must_use]
pub fn parse_error(resp: &HttpResponse) -> Error {
    let body = json::parse(&resp.body).ok().filter(Value::is_object);
    let body_str = |key: &str| {
        body.as_ref()
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let code = resp
        .header("x-amzn-errortype")
        .map(normalize_error_code)
        .filter(|c| !c.is_empty())
        .or_else(|| body_str("code").map(|c| normalize_error_code(&c)))
        .filter(|c| !c.is_empty())
        .or_else(|| body_str("__type").map(|c| normalize_error_code(&c)))
        .filter(|c| !c.is_empty());
    let Some(code) = code else {
        // A 5xx that Cognito did not write (a proxy's or load balancer's page) means the
        // request did not get through: to the caller that is a network failure, so it is
        // reported as one (and, like one, never ends a session).
        if resp.status >= 500 {
            return Error::Transport(format!(
                "HTTP {} without a Cognito error type (a proxy or load balancer answered)",
                resp.status
            ));
        }
        return Error::parse(
            "error response",
            format!("HTTP {} without a Cognito error type", resp.status),
            redacted_excerpt(&resp.body_text()),
        );
    };
    let message = body_str("message")
        .or_else(|| body_str("Message"))
        .or_else(|| resp.header("x-amzn-errormessage").map(str::to_owned))
        .unwrap_or_default();
    Error::Service {
        code: CognitoErrorCode::from_name(&code),
        message,
        status: resp.status,
    }
}

/// Normalizes an error type as AWS sends it: cut at the first `:`, keep what follows the last
/// `#`, trim. `com.amazonaws#Foo:http://internal…` → `Foo`.
#[must_use]
pub fn normalize_error_code(raw: &str) -> String {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let after_hash = before_colon.rsplit('#').next().unwrap_or(before_colon);
    after_hash.trim().to_owned()
}

/// Sends an [`HttpRequest`] and returns the [`HttpResponse`]: the one piece of I/O, supplied by
/// an adapter (browser `fetch`, a native test client).
///
/// No `Send` bound, so a browser `fetch` future (which is `!Send`) can implement it.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends the request.
    ///
    /// # Errors
    /// [`Error::Transport`] when no HTTP response was received. Non-2xx responses are *not*
    /// errors here; they are returned for [`parse_response`] to read.
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, Error>;
}

/// Builds, sends and parses one operation: [`request`], [`Transport::send`], [`parse_response`].
///
/// # Errors
/// As [`request`], [`Transport::send`] and [`parse_response`].
pub async fn call<O: Operation, T: Transport>(
    transport: &T,
    config: &ClientConfig,
    req: &O::Request,
) -> Result<O::Response, Error> {
    let http = request::<O>(config, req)?;
    let resp = transport.send(http).await?;
    parse_response::<O>(&resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{GetUser, GetUserRequest, GlobalSignOut};
    use crate::types::AccessToken;

    fn config() -> ClientConfig {
        #[allow(clippy::unwrap_used)]
        ClientConfig::new(
            UserPoolId::parse("us-east-1_Pool1").unwrap(),
            ClientId::new("abc"),
        )
    }

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn endpoint_from_region_or_override() -> Result<(), Error> {
        let c = config();
        assert_eq!(
            c.endpoint_url(),
            "https://cognito-idp.us-east-1.amazonaws.com/"
        );
        let c = c.with_endpoint("http://localhost:9229")?;
        assert_eq!(c.endpoint_url(), "http://localhost:9229/");
        assert!(config().with_endpoint("not a url").is_err());
        assert!(config().with_endpoint("ftp://x/").is_err());
        Ok(())
    }

    #[test]
    fn china_regions_use_the_amazonaws_com_cn_domain() -> Result<(), Error> {
        assert_eq!(
            region_endpoint("cn-north-1"),
            "https://cognito-idp.cn-north-1.amazonaws.com.cn/"
        );
        assert_eq!(
            region_endpoint("cn-northwest-1"),
            "https://cognito-idp.cn-northwest-1.amazonaws.com.cn/"
        );
        let c = ClientConfig::new(UserPoolId::parse("cn-north-1_Abc")?, ClientId::new("c"));
        assert_eq!(
            c.endpoint_url(),
            "https://cognito-idp.cn-north-1.amazonaws.com.cn/"
        );
        assert_eq!(
            region_endpoint("ca-central-1"),
            "https://cognito-idp.ca-central-1.amazonaws.com/"
        );
        Ok(())
    }

    #[test]
    fn request_has_json_1_1_headers_and_body() -> Result<(), Error> {
        let req = request::<GetUser>(
            &config(),
            &GetUserRequest {
                access_token: AccessToken::new("tok"),
            },
        )?;
        assert_eq!(req.method, Method::Post);
        assert_eq!(
            req.header("content-type"),
            Some("application/x-amz-json-1.1")
        );
        assert_eq!(
            req.header("X-AMZ-TARGET"),
            Some("AWSCognitoIdentityProviderService.GetUser")
        );
        assert_eq!(req.header("cache-control"), Some("no-store"));
        assert_eq!(target_of(&req), Some("GetUser"));
        assert_eq!(operation_of_target(&target("GetUser")), Some("GetUser"));
        assert_eq!(
            operation_of_target("AWSCognitoIdentityProviderServiceGetUser"),
            None
        );
        assert_eq!(operation_of_target("GetUser"), None);
        assert_eq!(req.body_text(), r#"{"AccessToken":"tok"}"#);
        assert!(
            !format!("{req:?}").contains("tok\""),
            "body leaked in Debug"
        );
        Ok(())
    }

    #[test]
    fn debug_redacts_authorization_but_keeps_other_headers() {
        let req = HttpRequest {
            method: Method::Post,
            url: "https://auth.example.com/oauth2/token".into(),
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
                ("authorization".into(), "Basic Y2xpZW50OnMzY3JldA==".into()),
                (
                    "AUTHORIZATION".into(),
                    "Bearer eyJhbGciOi.payload.sig".into(),
                ),
            ],
            body: b"refresh_token=secret-rt".to_vec(),
        };
        let d = format!("{req:?}");
        assert!(
            !d.contains("Y2xpZW50OnMzY3JldA"),
            "Basic credentials leaked: {d}"
        );
        assert!(!d.contains("eyJhbGciOi"), "Bearer token leaked: {d}");
        assert!(!d.contains("secret-rt"), "body leaked: {d}");
        assert!(d.contains("[redacted]"));
        assert!(d.contains("application/x-www-form-urlencoded"));
        assert!(d.contains("[23 bytes]"));
        // The value itself is untouched.
        assert_eq!(
            req.header("Authorization"),
            Some("Basic Y2xpZW50OnMzY3JldA==")
        );
    }

    #[test]
    fn secret_hash_matches_known_value() {
        // HMAC-SHA256(key="secret", "user" || "client"), computed independently with
        // `printf 'userclient' | openssl dgst -sha256 -hmac secret -binary | base64`.
        let h = secret_hash(
            &ClientSecret::new("secret"),
            "user",
            &ClientId::new("client"),
        );
        assert_eq!(h, "wvW87lzZoI+qQCVGmWVBJLlucdJ65huAVP1z+0MgA6E=");
        // The order matters: `"client" || "user"` gives another hash (the same command over
        // `clientuser`), so a swapped username and client id cannot pass.
        let swapped = secret_hash(
            &ClientSecret::new("secret"),
            "client",
            &ClientId::new("user"),
        );
        assert_eq!(swapped, "EA45v0Cd+6IPNf05KAf2UqoVmUsBMRyNy8DOu5zofSo=");
        assert_eq!(config().secret_hash("user"), None);
    }

    #[test]
    fn empty_2xx_body_is_empty_object() -> Result<(), Error> {
        parse_response::<GlobalSignOut>(&resp(200, &[], ""))?;
        parse_response::<GlobalSignOut>(&resp(200, &[], "{}"))?;
        Ok(())
    }

    #[test]
    fn bad_2xx_body_is_parse_error_with_raw() {
        match parse_response::<GetUser>(&resp(200, &[], "{\"Username\":")) {
            Err(Error::Parse { raw, .. }) => assert_eq!(raw, "{\"Username\":"),
            other => panic!("expected parse error, got {other:?}"),
        }
    }

    #[test]
    fn bad_2xx_body_with_tokens_is_redacted_in_the_error() {
        let bodies = [
            r#"{"AuthenticationResult":{"AccessToken":"eyJsecret-access","RefreshToken":"secret-refresh""#,
            r#"{"SecretCode":"JBSWY3DPEHPK3PXP","Session":42}"#,
            r#"{"ChallengeName":"SMS_MFA","Session":"secret-session""#,
            r#"{"access_token":"eyJsecret-access""#,
        ];
        for body in bodies {
            let e = match parse_response::<GetUser>(&resp(200, &[], body)) {
                Err(e @ Error::Parse { .. }) => e,
                other => panic!("expected parse error, got {other:?}"),
            };
            let shown = format!("{e:?} {e}");
            for secret in ["eyJsecret", "secret-refresh", "JBSWY3DP", "secret-session"] {
                assert!(!shown.contains(secret), "{secret} leaked: {shown}");
            }
            let Error::Parse { raw, .. } = e else {
                unreachable!()
            };
            assert_eq!(
                raw,
                format!(
                    "[{} bytes redacted: may hold tokens or secrets]",
                    body.len()
                )
            );
        }
        // A body without any token is kept, cut to 512 bytes.
        let long = format!("<html>{}</html>", "x".repeat(1000));
        match parse_response::<GetUser>(&resp(200, &[], &long)) {
            Err(Error::Parse { raw, .. }) => assert_eq!(raw, long[..512]),
            other => panic!("expected parse error, got {other:?}"),
        }
    }

    #[test]
    fn a_wrong_typed_field_is_a_parse_error_naming_the_field_not_its_value() {
        match parse_response::<GetUser>(&resp(200, &[], r#"{"Username":5,"UserAttributes":[]}"#)) {
            Err(Error::Parse { what, reason, .. }) => {
                assert_eq!(what, "GetUser response");
                assert_eq!(reason, "Username: expected a string, got a number");
            }
            other => panic!("expected parse error, got {other:?}"),
        }
        let body = r#"{"AuthenticationResult":{"AccessToken":"secret-access","ExpiresIn":"3600"}}"#;
        match parse_response::<crate::ops::InitiateAuth>(&resp(200, &[], body)) {
            Err(e @ Error::Parse { .. }) => {
                let shown = format!("{e} {e:?}");
                assert!(
                    shown.contains(
                        "AuthenticationResult.ExpiresIn: expected an integer, got a string"
                    ),
                    "{shown}"
                );
                assert!(!shown.contains("secret-access"), "{shown}");
            }
            other => panic!("expected parse error, got {other:?}"),
        }
    }

    #[test]
    fn error_code_from_header_wins_and_is_cut_at_colon() {
        let e = parse_error(&resp(
            400,
            &[(
                "X-Amzn-ErrorType",
                "NotAuthorizedException:http://internal.amazon.com/coral/com.amazonaws.cognito/",
            )],
            r#"{"__type":"Other","message":"Incorrect username or password."}"#,
        ));
        match e {
            Error::Service {
                code,
                message,
                status,
            } => {
                assert_eq!(code, CognitoErrorCode::NotAuthorizedException);
                assert_eq!(message, "Incorrect username or password.");
                assert_eq!(status, 400);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn error_code_from_body_type_with_namespace() {
        let e = parse_error(&resp(
            400,
            &[],
            r#"{"__type":"com.amazonaws.cognito#UserNotFoundException","Message":"User does not exist."}"#,
        ));
        assert_eq!(
            e.service_code(),
            Some(&CognitoErrorCode::UserNotFoundException)
        );
        assert_eq!(e.to_string(), "UserNotFoundException: User does not exist.");
    }

    #[test]
    fn error_code_prefers_body_code_over_type_and_header_message() {
        let e = parse_error(&resp(
            400,
            &[("x-amzn-errormessage", "from header")],
            r#"{"code":"ExpiredCodeException","__type":"X"}"#,
        ));
        match e {
            Error::Service { code, message, .. } => {
                assert_eq!(code, CognitoErrorCode::ExpiredCodeException);
                assert_eq!(message, "from header");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn unknown_code_is_kept_and_trailing_colon_cut() {
        let e = parse_error(&resp(
            500,
            &[("x-amzn-errortype", "BrandNewException:")],
            "",
        ));
        assert_eq!(
            e.service_code(),
            Some(&CognitoErrorCode::Other("BrandNewException".into()))
        );
    }

    #[test]
    fn error_without_code_is_parse_error_keeping_body() {
        match parse_error(&resp(403, &[], "<html>Forbidden</html>")) {
            Error::Parse { raw, reason, .. } => {
                assert_eq!(raw, "<html>Forbidden</html>");
                assert!(reason.contains("403"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_5xx_without_code_is_a_network_error() {
        for status in [500, 502, 503, 504] {
            let e = parse_error(&resp(status, &[], "<html>Bad Gateway</html>"));
            assert!(
                matches!(&e, Error::Transport(m) if m.contains(&status.to_string())),
                "{e:?}"
            );
            assert_eq!(e.name(), "NetworkError");
            assert!(e.is_transient() && !e.is_session_ended());
        }
        // Cognito's own 500 keeps its code.
        let e = parse_error(&resp(
            500,
            &[],
            r#"{"__type":"InternalErrorException","message":"x"}"#,
        ));
        assert_eq!(e.name(), "InternalErrorException");
    }

    #[test]
    fn normalize_forms() {
        assert_eq!(normalize_error_code("Foo"), "Foo");
        assert_eq!(normalize_error_code("Foo:"), "Foo");
        assert_eq!(normalize_error_code("ns.x#Foo:http://a#b"), "Foo");
        assert_eq!(normalize_error_code("a#b#Foo"), "Foo");
        assert_eq!(normalize_error_code(""), "");
    }
}
