//! The hosted UI: authorization code + PKCE against Cognito's OAuth 2.0 endpoints.
//!
//! Social sign-in (Google, Apple, SAML, ...) and Cognito's managed login pages only exist behind
//! the user pool's domain (`https://<prefix>.auth.<region>.amazoncognito.com`, a custom domain,
//! or the local server). The browser navigates to `/oauth2/authorize`, comes back to the
//! redirect URI with `?code=&state=`, and redeems the code at `/oauth2/token`. This module
//! builds those URLs and requests as values and parses the answers; the caller navigates, sends
//! and stores.
//!
//! The flow across the page reload:
//! 1. [`OAuthConfig::authorize`] with fresh random bytes gives the URL to navigate to and a
//!    [`PendingAuthorization`] (state, nonce, PKCE verifier) to keep in storage
//!    ([`crate::storage::save_pending_authorization`]).
//! 2. After the redirect, [`PendingAuthorization::complete`] checks the callback URL's `state`
//!    and gives a [`CodeExchange`] holding the token request.
//! 3. [`CodeExchange::finish`] parses the token response and checks the ID token's `nonce`;
//!    [`Session::from_hosted_ui`](crate::session::Session::from_hosted_ui) makes it the session
//!    to store ([`crate::storage::save_session`]), marked so that sign-out also ends the hosted
//!    UI's own session ([`crate::signout`]).
//!
//! Requests are [`HttpRequest`]s like every other request of the crate; a client secret goes in
//! `Authorization: Basic`, which `HttpRequest`'s `Debug` redacts.
//!
//! ```
//! use cognito_core::oauth::{AuthorizeOptions, OAuthConfig, AUTHORIZE_RANDOM_LEN};
//! use cognito_core::types::ClientId;
//! use cognito_core::wire::Method;
//! # fn main() -> Result<(), cognito_core::Error> {
//! let config = OAuthConfig::new(
//!     "example.auth.us-east-1.amazoncognito.com",
//!     ClientId::new("client1"),
//!     "https://app.example.com/callback",
//! )?
//! .with_scopes(["openid", "email"]);
//! let random = [42u8; AUTHORIZE_RANDOM_LEN]; // crypto.getRandomValues in real code
//! let auth = config.authorize(&random, &AuthorizeOptions::default());
//! assert!(auth.url.starts_with("https://example.auth.us-east-1.amazoncognito.com/oauth2/authorize?"));
//!
//! // ... navigate, come back ...
//! let callback = format!("https://app.example.com/callback?code=abc&state={}", auth.pending.state());
//! let exchange = auth.pending.complete(&config, &callback)?;
//! assert_eq!(exchange.request.method, Method::Post);
//! assert!(exchange.request.url.ends_with("/oauth2/token"));
//!
//! // ... send `exchange.request`, then:
//! # use base64::Engine as _;
//! # let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
//! # let claims = format!(r#"{{"token_use":"access","username":"alice","iat":1000,"exp":4600}}"#);
//! # let access = format!("{}.{}.sig", b64(r#"{"alg":"RS256"}"#), b64(&claims));
//! let resp = cognito_core::wire::HttpResponse {
//!     status: 200,
//!     headers: vec![],
//!     body: format!(r#"{{"access_token":"{access}","refresh_token":"r","expires_in":3600}}"#)
//!         .into_bytes(),
//! };
//! let session = cognito_core::session::Session::from_hosted_ui(exchange.finish(&resp)?, 1000)?;
//! assert_eq!(session.username(), "alice");
//! # Ok(()) }
//! ```

use subtle::ConstantTimeEq as _;

use crate::error::Error;
use crate::json::{self, Object, ToJson, Value};
use crate::jwt::Jwt;
use crate::pkce::PkceVerifier;
use crate::types::{AccessToken, ClientId, ClientSecret, IdToken, RefreshToken};
use crate::uri;
use crate::wire::{body_excerpt, redacted_excerpt, HttpRequest, HttpResponse, Method};

/// Kept as they are when percent-encoding; everything else but letters and digits is encoded
/// (RFC 3986's unreserved characters: as `encodeURIComponent` does, minus `!'()*`). Used for
/// query strings and form bodies alike.
const UNRESERVED: &[u8] = b"-._~";

/// How many random bytes [`OAuthConfig::authorize`] takes: 32 for `state`, 32 for `nonce`, 96
/// for the PKCE verifier (128 characters, like Amplify).
pub const AUTHORIZE_RANDOM_LEN: usize = 160;

/// The `Content-Type` of the token and revoke requests.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Appends `s` percent-encoded as one query or form component. Pushed piece by piece, not
/// through `format!`, which with `[T]::join` cost the browser package a few KB here.
fn push_enc(out: &mut String, s: &str) {
    uri::push_encoded(out, s, UNRESERVED);
}

/// Percent-encodes one query or form component.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_enc(&mut out, s);
    out
}

/// `k1=v1&k2=v2`, each part percent-encoded.
fn encode_pairs(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_enc(&mut out, k);
        out.push('=');
        push_enc(&mut out, v);
    }
    out
}

/// Compares two strings in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Checks that `s` is an absolute, hierarchical URL (what a redirect or logout URI must be).
fn check_absolute_url<'a>(what: &str, s: &'a str) -> Result<uri::Parts<'a>, Error> {
    let u = uri::parse_absolute(s)
        .map_err(|e| Error::Config(format!("{what} {}: {e}", crate::error::quoted(s))))?;
    if !uri::is_hierarchical(&u) {
        return Err(Error::Config(format!(
            "{what} {} is not a hierarchical URL",
            crate::error::quoted(s)
        )));
    }
    Ok(u)
}

/// The hosted-UI settings of one app client.
///
/// # Security
/// A client secret makes requests carry `Authorization: Basic`; it has no place in a public
/// browser app (anyone can read it from the bundle) and is meant for confidential clients.
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    domain: String,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    redirect_uri: String,
    scopes: Vec<String>,
    identity_provider: Option<String>,
    logout_uri: Option<String>,
}

impl OAuthConfig {
    /// A config for the user pool domain `domain`, with scope `openid`.
    ///
    /// `domain` is a base URL (`https://auth.example.com`, `http://localhost:9229`) or, like
    /// Amplify's `oauth.domain`, a bare host name, which gets `https://`. A trailing `/` is
    /// dropped; a path is kept (endpoints are appended to it).
    ///
    /// # Errors
    /// [`Error::Config`] when `domain` is not an `http(s)` URL without query or fragment, or
    /// `redirect_uri` is not an absolute URL.
    pub fn new(
        domain: &str,
        client_id: ClientId,
        redirect_uri: impl Into<String>,
    ) -> Result<Self, Error> {
        let domain = domain.trim();
        let with_scheme = if crate::uri::find(domain, "://").is_some() {
            domain.to_owned()
        } else {
            format!("https://{domain}")
        };
        let u = check_absolute_url("OAuth domain", &with_scheme)?;
        if !u.is_http()
            || u.host().is_none_or(str::is_empty)
            || u.query.is_some()
            || u.fragment.is_some()
        {
            return Err(Error::Config(format!(
                "OAuth domain {} must be an http(s) URL without query or fragment",
                crate::error::quoted(domain)
            )));
        }
        let redirect_uri = redirect_uri.into();
        check_absolute_url("redirect URI", &redirect_uri)?;
        if client_id.as_str().is_empty() {
            return Err(Error::Config("client id is empty".to_owned()));
        }
        Ok(Self {
            domain: with_scheme.trim_end_matches('/').to_owned(),
            client_id,
            client_secret: None,
            redirect_uri,
            scopes: vec!["openid".to_owned()],
            identity_provider: None,
            logout_uri: None,
        })
    }

    /// Replaces the scopes (e.g. `openid email profile aws.cognito.signin.user.admin`).
    /// The ID token is only issued with `openid`.
    #[must_use]
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sends `identity_provider` (e.g. `Google`, `COGNITO`, a SAML provider name) so the
    /// hosted UI goes straight to that provider.
    #[must_use]
    pub fn with_identity_provider(mut self, provider: impl Into<String>) -> Self {
        self.identity_provider = Some(provider.into());
        self
    }

    /// Sets the client secret of a confidential client (see the type's `# Security`).
    #[must_use]
    pub fn with_client_secret(mut self, secret: ClientSecret) -> Self {
        self.client_secret = Some(secret);
        self
    }

    /// Sets the sign-out URL registered on the app client, for [`logout_url`](Self::logout_url).
    ///
    /// # Errors
    /// [`Error::Config`] when `logout_uri` is not an absolute URL.
    pub fn with_logout_uri(mut self, logout_uri: impl Into<String>) -> Result<Self, Error> {
        let logout_uri = logout_uri.into();
        check_absolute_url("logout URI", &logout_uri)?;
        self.logout_uri = Some(logout_uri);
        Ok(self)
    }

    /// The domain base URL, without trailing `/`.
    #[must_use]
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The app client id.
    #[must_use]
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// The redirect URI.
    #[must_use]
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The scopes.
    #[must_use]
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// `<domain>/oauth2/authorize`.
    #[must_use]
    pub fn authorize_endpoint(&self) -> String {
        format!("{}/oauth2/authorize", self.domain)
    }

    /// `<domain>/oauth2/token`.
    #[must_use]
    pub fn token_endpoint(&self) -> String {
        format!("{}/oauth2/token", self.domain)
    }

    /// `<domain>/oauth2/revoke`.
    #[must_use]
    pub fn revoke_endpoint(&self) -> String {
        format!("{}/oauth2/revoke", self.domain)
    }

    /// `<domain>/oauth2/userInfo`.
    #[must_use]
    pub fn user_info_endpoint(&self) -> String {
        format!("{}/oauth2/userInfo", self.domain)
    }

    /// Starts a sign-in: the `/oauth2/authorize` URL and the state to keep until the redirect.
    ///
    /// `random` is split into the `state` (32 bytes, hex), the `nonce` (32 bytes, base64url)
    /// and the PKCE verifier (96 bytes, 128 characters). A custom state from `options` is
    /// appended to the random state like Amplify does (`<random>-<hex(custom)>`), so it comes
    /// back in the callback.
    ///
    /// # Security
    /// `random` must be fresh CSPRNG output for every call: the state defends against login
    /// CSRF, the verifier against code interception and the nonce against ID-token replay.
    pub fn authorize(
        &self,
        random: &[u8; AUTHORIZE_RANDOM_LEN],
        options: &AuthorizeOptions,
    ) -> Authorization {
        let (state_bytes, rest) = random.split_at(32);
        let (nonce_bytes, verifier_bytes) = rest.split_at(32);
        let mut state = cognito_srp::hex::encode(state_bytes);
        if let Some(custom) = &options.custom_state {
            state.push('-');
            state.push_str(&cognito_srp::hex::encode(custom.as_bytes()));
        }
        let nonce = cognito_srp::base64::encode_url_no_pad(nonce_bytes);
        // 96 bytes always encode to 128 characters, inside 43..=128.
        let verifier = PkceVerifier::from_random_bytes_unchecked(verifier_bytes);
        let challenge = verifier.challenge();
        let mut scope = String::new();
        for (i, s) in self.scopes.iter().enumerate() {
            if i > 0 {
                scope.push(' ');
            }
            scope.push_str(s);
        }
        let mut pairs: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", &self.redirect_uri),
            ("scope", &scope),
            ("state", &state),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", challenge.method().as_str()),
            ("nonce", &nonce),
        ];
        let idp = options
            .identity_provider
            .as_deref()
            .or(self.identity_provider.as_deref());
        if let Some(idp) = idp {
            pairs.push(("identity_provider", idp));
        }
        if let Some(v) = &options.login_hint {
            pairs.push(("login_hint", v));
        }
        if let Some(v) = &options.lang {
            pairs.push(("lang", v));
        }
        if let Some(v) = &options.prompt {
            pairs.push(("prompt", v));
        }
        let url = format!("{}?{}", self.authorize_endpoint(), encode_pairs(&pairs));
        Authorization {
            url,
            pending: PendingAuthorization {
                state,
                nonce: Some(nonce),
                verifier,
            },
        }
    }

    /// The `grant_type=authorization_code` request that redeems `code`.
    ///
    /// Usually built by [`PendingAuthorization::complete`], which checks the state first.
    #[must_use]
    pub fn code_token_request(&self, code: &str, verifier: &PkceVerifier) -> HttpRequest {
        self.form_request(
            self.token_endpoint(),
            &[
                ("grant_type", "authorization_code"),
                ("client_id", self.client_id.as_str()),
                ("code", code),
                ("redirect_uri", &self.redirect_uri),
                ("code_verifier", verifier.secret()),
            ],
        )
    }

    /// The `grant_type=refresh_token` request. The answer has new ID and access tokens and,
    /// unless rotation is on, no refresh token (keep the old one: see
    /// [`crate::session::Session::apply_refresh`]).
    #[must_use]
    pub fn refresh_token_request(&self, refresh_token: &RefreshToken) -> HttpRequest {
        self.form_request(
            self.token_endpoint(),
            &[
                ("grant_type", "refresh_token"),
                ("client_id", self.client_id.as_str()),
                ("refresh_token", refresh_token.secret()),
            ],
        )
    }

    /// The `/oauth2/revoke` request, which revokes a refresh token and the tokens issued from
    /// it. Answer it with [`parse_revoke_response`].
    #[must_use]
    pub fn revoke_request(&self, refresh_token: &RefreshToken) -> HttpRequest {
        self.form_request(
            self.revoke_endpoint(),
            &[
                ("token", refresh_token.secret()),
                ("client_id", self.client_id.as_str()),
            ],
        )
    }

    /// The `GET /oauth2/userInfo` request (needs the `openid` scope). Answer it with
    /// [`parse_user_info_response`].
    #[must_use]
    pub fn user_info_request(&self, access_token: &AccessToken) -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            url: self.user_info_endpoint(),
            headers: vec![(
                "Authorization".to_owned(),
                format!("Bearer {}", access_token.secret()),
            )],
            body: Vec::new(),
        }
    }

    /// `<domain>/logout?client_id=&logout_uri=`: ends the hosted-UI session (its cookie), then
    /// redirects to the logout URI. Navigate there after clearing local tokens.
    ///
    /// # Errors
    /// [`Error::Config`] when no logout URI is configured.
    pub fn logout_url(&self) -> Result<String, Error> {
        let logout_uri = self
            .logout_uri
            .as_deref()
            .ok_or_else(|| Error::Config("no logout URI configured".to_owned()))?;
        Ok(format!(
            "{}/logout?{}",
            self.domain,
            encode_pairs(&[
                ("client_id", self.client_id.as_str()),
                ("logout_uri", logout_uri)
            ])
        ))
    }

    fn form_request(&self, url: String, pairs: &[(&str, &str)]) -> HttpRequest {
        let mut headers = vec![("Content-Type".to_owned(), FORM_CONTENT_TYPE.to_owned())];
        if let Some(secret) = &self.client_secret {
            // RFC 6749 section 2.3.1: each part form-encoded, then Base64.
            let creds = format!("{}:{}", enc(self.client_id.as_str()), enc(secret.secret()));
            headers.push((
                "Authorization".to_owned(),
                format!("Basic {}", cognito_srp::base64::encode(creds.as_bytes())),
            ));
        }
        HttpRequest {
            method: Method::Post,
            url,
            headers,
            body: encode_pairs(pairs).into_bytes(),
        }
    }
}

/// Extra, optional `/oauth2/authorize` parameters.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct AuthorizeOptions {
    /// Overrides the config's `identity_provider` for this sign-in.
    pub identity_provider: Option<String>,
    /// `login_hint`: pre-fills the username field.
    pub login_hint: Option<String>,
    /// `lang`: the managed login language.
    pub lang: Option<String>,
    /// `prompt` (managed login only).
    pub prompt: Option<String>,
    /// App state to get back after the redirect (Amplify's `customState`). Not secret, not
    /// integrity-protected beyond the state check; keep it small. Encoded as hex of its UTF-8
    /// bytes, which matches Amplify's `urlSafeEncode` for ASCII text.
    pub custom_state: Option<String>,
}

impl AuthorizeOptions {
    /// Sets [`identity_provider`](Self::identity_provider).
    #[must_use]
    pub fn identity_provider(mut self, v: impl Into<String>) -> Self {
        self.identity_provider = Some(v.into());
        self
    }
    /// Sets [`login_hint`](Self::login_hint).
    #[must_use]
    pub fn login_hint(mut self, v: impl Into<String>) -> Self {
        self.login_hint = Some(v.into());
        self
    }
    /// Sets [`lang`](Self::lang).
    #[must_use]
    pub fn lang(mut self, v: impl Into<String>) -> Self {
        self.lang = Some(v.into());
        self
    }
    /// Sets [`prompt`](Self::prompt).
    #[must_use]
    pub fn prompt(mut self, v: impl Into<String>) -> Self {
        self.prompt = Some(v.into());
        self
    }
    /// Sets [`custom_state`](Self::custom_state).
    #[must_use]
    pub fn custom_state(mut self, v: impl Into<String>) -> Self {
        self.custom_state = Some(v.into());
        self
    }
}

/// The result of [`OAuthConfig::authorize`].
#[derive(Debug)]
#[must_use = "navigate to `url` and store `pending`"]
pub struct Authorization {
    /// The `/oauth2/authorize` URL to navigate to.
    pub url: String,
    /// What to keep (in storage) until the redirect comes back.
    pub pending: PendingAuthorization,
}

/// A sign-in in flight: what the callback must match and the secret the token request needs.
///
/// It survives the page reload in storage (see [`crate::storage::save_pending_authorization`]
/// for Amplify's keys, or [`to_json`](Self::to_json)). It is consumed by
/// [`complete`](Self::complete), so one authorization redeems at most one callback.
///
/// # Security
/// Holds the PKCE verifier; `Debug` redacts it. Store it only in per-origin storage
/// (`sessionStorage`/`localStorage`) and remove it once used.
#[derive(Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PendingAuthorization {
    state: String,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    nonce: Option<String>,
    verifier: PkceVerifier,
}

impl PendingAuthorization {
    /// Rebuilds a pending authorization from stored parts (e.g. Amplify's `oauthState` and
    /// `oauthPKCE`; Amplify stores no nonce).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when the state is empty or the verifier is not a valid PKCE
    /// verifier.
    pub fn from_parts(
        state: String,
        nonce: Option<String>,
        verifier: String,
    ) -> Result<Self, Error> {
        if state.is_empty() {
            return Err(Error::InvalidArgument("empty OAuth state".to_owned()));
        }
        Ok(Self {
            state,
            nonce: nonce.filter(|n| !n.is_empty()),
            verifier: PkceVerifier::new(verifier)?,
        })
    }

    /// The `state` sent to `/oauth2/authorize`.
    #[must_use]
    pub fn state(&self) -> &str {
        &self.state
    }

    /// The `nonce` sent to `/oauth2/authorize`, if any.
    #[must_use]
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }

    /// The PKCE verifier, for storage.
    #[must_use]
    pub fn verifier(&self) -> &PkceVerifier {
        &self.verifier
    }

    /// The app's custom state, decoded from the `<random>-<hex>` state; `None` when there is
    /// none or it is not valid hex-encoded UTF-8.
    #[must_use]
    pub fn custom_state(&self) -> Option<String> {
        custom_state_of(&self.state)
    }

    /// Serializes for storage as one JSON string.
    #[must_use]
    pub fn to_json(&self) -> String {
        json::to_string(self)
    }

    /// Reads back what [`to_json`](Self::to_json) wrote.
    ///
    /// # Errors
    /// [`Error::Parse`] when `s` is not such a JSON object or its verifier is invalid.
    pub fn from_json(s: &str) -> Result<Self, Error> {
        let what = "pending OAuth authorization";
        let value = json::parse_str(s).map_err(|e| Error::parse(what, e, ""))?;
        if !value.is_object() {
            return Err(Error::parse(what, "not a JSON object", ""));
        }
        let p =
            <Self as json::FromJson>::from_json(value).map_err(|e| Error::parse(what, e, ""))?;
        if p.state.is_empty() {
            return Err(Error::parse(
                "pending OAuth authorization",
                "empty state",
                "",
            ));
        }
        Ok(p)
    }

    /// Checks the redirect back from the hosted UI and builds the token request.
    ///
    /// `callback_url` is the full URL the browser landed on. Parameters are read from the query
    /// and, for errors, from the fragment.
    ///
    /// # Errors
    /// - [`Error::InvalidState`] when `state` differs from ours (a forged or stale callback,
    ///   error callbacks included), when it is missing from a callback without `error`, or when
    ///   there is no `code`.
    /// - [`Error::OAuth`] when the callback carries `error` (e.g. `access_denied`), with its
    ///   `error_description`, and its `state` is ours or absent.
    /// - [`Error::Parse`] when the URL is malformed or repeats a parameter.
    ///
    /// # Security
    /// The state is compared first, so a forged error redirect with someone else's state is
    /// reported as [`Error::InvalidState`], not as an answer to our sign-in. An error callback
    /// with no state at all is still returned as [`Error::OAuth`]: RFC 6749 §4.1.2.1 requires
    /// the state only "if present in the request", some errors (an invalid `redirect_uri` or
    /// `client_id`, a hosted UI failure) come back without one, and the error carries nothing
    /// that signs the user in, so surfacing it is harmless and more useful than "no state".
    ///
    /// The state is compared in constant time. `self` is consumed even on error: a failed
    /// callback must start a new sign-in, not retry with the same verifier.
    pub fn complete(self, config: &OAuthConfig, callback_url: &str) -> Result<CodeExchange, Error> {
        let params = parse_callback(callback_url)?;
        if let Some(state) = &params.state {
            if !constant_time_eq(state, &self.state) {
                return Err(Error::InvalidState(
                    "OAuth callback state does not match the pending sign-in".to_owned(),
                ));
            }
        }
        if let Some(error) = params.error {
            return Err(Error::OAuth {
                error,
                description: params.error_description,
            });
        }
        if params.state.is_none() {
            return Err(Error::InvalidState(
                "OAuth callback has no state".to_owned(),
            ));
        }
        let code = params
            .code
            .filter(|c| !c.is_empty())
            .ok_or_else(|| Error::InvalidState("OAuth callback has no code".to_owned()))?;
        let request = config.code_token_request(&code, &self.verifier);
        Ok(CodeExchange {
            custom_state: custom_state_of(&self.state),
            request,
            nonce: self.nonce,
        })
    }
}

fn custom_state_of(state: &str) -> Option<String> {
    let (_, hex) = state.split_once('-')?;
    String::from_utf8(cognito_srp::hex::decode(hex)?).ok()
}

/// A checked callback: the token request to send, and what to check in its answer.
#[derive(Debug)]
#[non_exhaustive]
pub struct CodeExchange {
    /// The `grant_type=authorization_code` request.
    pub request: HttpRequest,
    /// The app's custom state from the authorization, if any.
    pub custom_state: Option<String>,
    nonce: Option<String>,
}

impl CodeExchange {
    /// The nonce the ID token must carry.
    #[must_use]
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }

    /// Parses the token response (see [`parse_token_response`]) and checks that the ID
    /// token's `nonce` is ours.
    ///
    /// # Errors
    /// As [`parse_token_response`]; [`Error::InvalidState`] when the ID token's nonce is
    /// missing or differs; [`Error::Parse`] when the ID token cannot be decoded.
    pub fn finish(self, resp: &HttpResponse) -> Result<TokenResponse, Error> {
        let tokens = parse_token_response(resp)?;
        if let (Some(expected), Some(id)) = (&self.nonce, &tokens.id_token) {
            let claims = Jwt::decode_unverified(id.secret())?.claims;
            check_nonce(claims.nonce.as_deref(), expected)?;
        }
        Ok(tokens)
    }
}

/// Checks an ID token's `nonce` claim against the one sent with the authorization.
///
/// # Errors
/// [`Error::InvalidState`] when `claim` is missing or differs.
///
/// # Security
/// Compares in constant time.
pub fn check_nonce(claim: Option<&str>, expected: &str) -> Result<(), Error> {
    match claim {
        Some(n) if constant_time_eq(n, expected) => Ok(()),
        Some(_) => Err(Error::InvalidState(
            "ID token nonce does not match".to_owned(),
        )),
        None => Err(Error::InvalidState("ID token has no nonce".to_owned())),
    }
}

/// The parameters of a redirect back from `/oauth2/authorize`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackParams {
    /// `code`.
    pub code: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `error`.
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
}

/// Reads `code`, `state`, `error` and `error_description` from a callback URL's query and
/// fragment.
///
/// # Errors
/// [`Error::Parse`] when the URL does not parse or one of these parameters appears twice
/// (query and fragment count together).
pub fn parse_callback(callback_url: &str) -> Result<CallbackParams, Error> {
    let cleaned = uri::clean(callback_url);
    let url = uri::parse_absolute(&cleaned)
        .map_err(|e| Error::parse("OAuth callback URL", e, redacted_url(callback_url)))?;
    let mut p = CallbackParams::default();
    let sources = [url.query, url.fragment];
    for (k, v) in sources.into_iter().flatten().flat_map(uri::form_pairs) {
        let slot = match k.as_str() {
            "code" => &mut p.code,
            "state" => &mut p.state,
            "error" => &mut p.error,
            "error_description" => &mut p.error_description,
            _ => continue,
        };
        if slot.is_some() {
            return Err(Error::parse(
                "OAuth callback URL",
                format!("parameter {k} repeated"),
                redacted_url(callback_url),
            ));
        }
        *slot = Some(v);
    }
    Ok(p)
}

/// What an error keeps of a callback URL: everything before the query or fragment (which carry
/// the authorization code, tokens and state), cut to 512 bytes.
fn redacted_url(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let kept = crate::wire::body_excerpt(crate::uri::part(url, ..end));
    if end < url.len() {
        format!("{kept}[query and fragment redacted]")
    } else {
        kept
    }
}

/// Whether `url` looks like a redirect back from the hosted UI (has `code` or `error` with a
/// `state`), so the app knows to call [`PendingAuthorization::complete`] on load.
#[must_use]
pub fn is_callback(url: &str) -> bool {
    parse_callback(url).is_ok_and(|p| (p.code.is_some() || p.error.is_some()) && p.state.is_some())
}

/// A successful `/oauth2/token` answer.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TokenResponse {
    /// `access_token`.
    pub access_token: AccessToken,
    /// `id_token`: present when the scopes include `openid`.
    pub id_token: Option<IdToken>,
    /// `refresh_token`: present for `authorization_code`, and for `refresh_token` only when
    /// refresh-token rotation is on.
    pub refresh_token: Option<RefreshToken>,
    /// `token_type`, `Bearer`.
    pub token_type: String,
    /// `expires_in` seconds, when sent.
    pub expires_in: Option<u64>,
}

impl TokenResponse {
    /// A `Bearer` answer with an access token valid for `expires_in` seconds, without ID or
    /// refresh token (the server side of `/oauth2/token`; clients get theirs from
    /// [`parse_token_response`]).
    #[must_use]
    pub fn new(access_token: AccessToken, expires_in: u64) -> Self {
        Self {
            access_token,
            id_token: None,
            refresh_token: None,
            token_type: "Bearer".to_owned(),
            expires_in: Some(expires_in),
        }
    }
}

json_object!(PendingAuthorization {
    req state: "state",
    opt nonce: "nonce",
    req verifier: "verifier",
});

/// The JSON body of `/oauth2/token`: `access_token`, `id_token` and `refresh_token` when
/// present, `token_type`, `expires_in` when known. [`parse_token_response`] reads it back.
impl ToJson for TokenResponse {
    fn write_json(&self, out: &mut String) {
        let mut w = json::ObjectWriter::new(out);
        w.field("access_token", self.access_token.secret());
        w.opt_field("id_token", self.id_token.as_ref().map(IdToken::secret));
        w.opt_field(
            "refresh_token",
            self.refresh_token.as_ref().map(RefreshToken::secret),
        );
        w.field("token_type", &self.token_type);
        w.opt_field("expires_in", self.expires_in.as_ref());
        w.end();
    }
}

/// The same JSON as [`ToJson`] writes, for the local server's `serde` users.
#[cfg(feature = "serde")]
impl serde::Serialize for TokenResponse {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("access_token", self.access_token.secret())?;
        if let Some(t) = &self.id_token {
            m.serialize_entry("id_token", t.secret())?;
        }
        if let Some(t) = &self.refresh_token {
            m.serialize_entry("refresh_token", t.secret())?;
        }
        m.serialize_entry("token_type", &self.token_type)?;
        if let Some(e) = self.expires_in {
            m.serialize_entry("expires_in", &e)?;
        }
        m.end()
    }
}

struct RawTokenResponse {
    access_token: String,
    id_token: Option<String>,
    refresh_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<u64>,
}

json_object!(RawTokenResponse {
    req access_token: "access_token",
    opt id_token: "id_token",
    opt refresh_token: "refresh_token",
    opt token_type: "token_type",
    opt expires_in: "expires_in",
});

/// Parses the answer of a token request (either grant).
///
/// # Errors
/// - [`Error::OAuth`] for an OAuth error body (`{"error", "error_description"}`, or
///   Cognito's `error_message`), whatever the status.
/// - [`Error::Parse`] when a success body lacks `access_token`, has mistyped fields or is not
///   JSON, or an error status comes with a body that is not an OAuth error.
pub fn parse_token_response(resp: &HttpResponse) -> Result<TokenResponse, Error> {
    let text = resp.body_text();
    let (status, body) = (resp.status, text.as_str());
    let what = "OAuth token response";
    let value = match json::parse_str(body) {
        Ok(v) => v,
        Err(e) => {
            return Err(Error::parse(
                what,
                format!("HTTP {status}: {e}"),
                redacted_excerpt(body),
            ))
        }
    };
    if let Some(err) = oauth_error_of(&value) {
        return Err(err);
    }
    if !(200..300).contains(&status) {
        return Err(Error::parse(
            what,
            format!("HTTP {status} without an OAuth error"),
            redacted_excerpt(body),
        ));
    }
    if !value.is_object() {
        return Err(Error::parse(
            what,
            "not a JSON object",
            redacted_excerpt(body),
        ));
    }
    let raw = <RawTokenResponse as json::FromJson>::from_json(value)
        .map_err(|e| Error::parse(what, e, redacted_excerpt(body)))?;
    if raw.access_token.is_empty() {
        return Err(Error::parse(what, "empty access_token", ""));
    }
    Ok(TokenResponse {
        access_token: AccessToken::new(raw.access_token),
        id_token: raw.id_token.filter(|t| !t.is_empty()).map(IdToken::new),
        refresh_token: raw
            .refresh_token
            .filter(|t| !t.is_empty())
            .map(RefreshToken::new),
        token_type: raw.token_type.unwrap_or_else(|| "Bearer".to_owned()),
        expires_in: raw.expires_in,
    })
}

/// Parses the answer of [`OAuthConfig::revoke_request`]: 200 with any body is success.
///
/// # Errors
/// [`Error::OAuth`] for an OAuth error body; [`Error::Parse`] for another non-2xx answer.
pub fn parse_revoke_response(resp: &HttpResponse) -> Result<(), Error> {
    let text = resp.body_text();
    let (status, body) = (resp.status, text.as_str());
    if (200..300).contains(&status) {
        return Ok(());
    }
    match json::parse_str(body).ok().as_ref().and_then(oauth_error_of) {
        Some(err) => Err(err),
        None => Err(Error::parse(
            "OAuth revoke response",
            format!("HTTP {status}"),
            body_excerpt(body),
        )),
    }
}

/// Parses the answer of [`OAuthConfig::user_info_request`]: the user's attributes as a JSON
/// object (`sub`, `email`, `email_verified` as strings, `username`, ...).
///
/// A 401 puts its error in the `WWW-Authenticate` header, which is read first; under CORS the
/// browser only exposes it if the server lists it in `Access-Control-Expose-Headers`, so the
/// body is read too.
///
/// # Errors
/// [`Error::OAuth`] for an error (from the header or body); [`Error::Parse`] when a success
/// body is not a JSON object or an error has no recognizable OAuth error.
pub fn parse_user_info_response(resp: &HttpResponse) -> Result<Object, Error> {
    let text = resp.body_text();
    let (status, body) = (resp.status, text.as_str());
    let www_authenticate = resp.header("www-authenticate");
    let what = "OAuth userInfo response";
    let value = json::parse_str(body);
    if (200..300).contains(&status) {
        return match value {
            Ok(Value::Object(m)) => match oauth_error_of(&Value::Object(m.clone())) {
                Some(err) => Err(err),
                None => Ok(m),
            },
            Ok(_) => Err(Error::parse(what, "not a JSON object", body_excerpt(body))),
            Err(e) => Err(Error::parse(what, e, body_excerpt(body))),
        };
    }
    if let Some(err) = www_authenticate.and_then(bearer_error) {
        return Err(err);
    }
    match value.ok().as_ref().and_then(oauth_error_of) {
        Some(err) => Err(err),
        None => Err(Error::parse(
            what,
            format!("HTTP {status}"),
            body_excerpt(body),
        )),
    }
}

/// `{"error": ..., "error_description"|"error_message": ...}` → [`Error::OAuth`].
fn oauth_error_of(v: &Value) -> Option<Error> {
    let obj = v.as_object()?;
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
    let error = text("error");
    let description = text("error_description").or_else(|| text("error_message"));
    match (error, description) {
        (Some(error), description) => Some(Error::OAuth { error, description }),
        // Cognito sometimes sends only `error_message`.
        (None, Some(description)) => Some(Error::OAuth {
            error: "invalid_request".to_owned(),
            description: Some(description),
        }),
        (None, None) => None,
    }
}

/// `Bearer error="invalid_token", error_description="..."` (RFC 6750 section 3).
fn bearer_error(header: &str) -> Option<Error> {
    let rest = header.trim().strip_prefix("Bearer")?.trim_start();
    let mut error = None;
    let mut description = None;
    let mut s = rest;
    while !s.is_empty() {
        let (name, after) = s.split_once('=')?;
        let name = name.trim().trim_start_matches(',').trim();
        let after = after.trim_start();
        let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
            quoted.split_once('"')?
        } else {
            let (value, tail) = after.split_once(',').unwrap_or((after, ""));
            (value.trim(), tail)
        };
        match name {
            "error" => error = Some(value.to_owned()),
            "error_description" => description = Some(value.to_owned()),
            _ => {}
        }
        s = tail.trim_start().trim_start_matches(',').trim_start();
    }
    error.map(|error| Error::OAuth { error, description })
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    // The `base64` crate as an encoder independent of the one tested.
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use base64::Engine as _;

    fn http(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    fn token_resp(status: u16, body: &str) -> Result<TokenResponse, Error> {
        parse_token_response(&http(status, body))
    }

    fn revoke_resp(status: u16, body: &str) -> Result<(), Error> {
        parse_revoke_response(&http(status, body))
    }

    fn user_info_resp(
        status: u16,
        www_authenticate: Option<&str>,
        body: &str,
    ) -> Result<Object, Error> {
        let mut resp = http(status, body);
        if let Some(h) = www_authenticate {
            resp.headers
                .push(("WWW-Authenticate".to_owned(), h.to_owned()));
        }
        parse_user_info_response(&resp)
    }

    fn config() -> OAuthConfig {
        OAuthConfig::new(
            "https://example.auth.us-east-1.amazoncognito.com/",
            ClientId::new("client1"),
            "https://app.example.com/cb?x=1",
        )
        .expect("valid config")
        .with_scopes(["openid", "email", "aws.cognito.signin.user.admin"])
    }

    fn random() -> [u8; AUTHORIZE_RANDOM_LEN] {
        let mut r = [0u8; AUTHORIZE_RANDOM_LEN];
        for (i, b) in r.iter_mut().enumerate() {
            *b = u8::try_from(i % 256).unwrap_or(0);
        }
        r
    }

    fn query_of(url: &str) -> Vec<(String, String)> {
        url::Url::parse(url)
            .expect("url")
            .query_pairs()
            .into_owned()
            .collect()
    }

    #[test]
    fn malformed_token_responses_keep_no_token_in_the_error() {
        for body in [
            // Truncated JSON, mistyped field, not an object.
            r#"{"access_token":"eyJsecret.a.b","refresh_token":"rt-secret"#,
            r#"{"access_token":"eyJsecret.a.b","expires_in":"soon"}"#,
            r#"["eyJsecret.a.b","refresh_token"]"#,
        ] {
            match token_resp(200, body) {
                Err(e @ Error::Parse { .. }) => {
                    let shown = format!("{e:?}");
                    assert!(!shown.contains("eyJsecret"), "leaked: {shown}");
                    assert!(!shown.contains("rt-secret"), "leaked: {shown}");
                }
                other => panic!("expected a parse error for {body}, got {other:?}"),
            }
        }
    }

    #[test]
    fn domain_forms() {
        let c = OAuthConfig::new(
            "auth.example.com",
            ClientId::new("c"),
            "http://localhost:3000/",
        )
        .expect("bare host");
        assert_eq!(c.domain(), "https://auth.example.com");
        let c = OAuthConfig::new(
            "http://localhost:9229/pool/",
            ClientId::new("c"),
            "http://localhost/",
        )
        .expect("local server");
        assert_eq!(
            c.token_endpoint(),
            "http://localhost:9229/pool/oauth2/token"
        );
        for bad in [
            "",
            "ftp://x.com",
            "https://x.com/?a=b",
            "https://x.com/#f",
            "https://",
        ] {
            assert!(
                OAuthConfig::new(bad, ClientId::new("c"), "http://localhost/").is_err(),
                "{bad:?} accepted"
            );
        }
        assert!(OAuthConfig::new("x.com", ClientId::new("c"), "not a url").is_err());
        assert!(OAuthConfig::new("x.com", ClientId::new(""), "http://localhost/").is_err());
    }

    #[test]
    fn authorize_url_has_every_parameter_encoded() {
        let cfg = config().with_identity_provider("Google");
        let auth = cfg.authorize(
            &random(),
            &AuthorizeOptions::default().login_hint("a+b@x.com"),
        );
        assert!(auth
            .url
            .starts_with("https://example.auth.us-east-1.amazoncognito.com/oauth2/authorize?response_type=code&client_id=client1&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1&scope=openid%20email%20aws.cognito.signin.user.admin&state="));
        let q = query_of(&auth.url);
        let get = |k: &str| {
            q.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(get("redirect_uri"), "https://app.example.com/cb?x=1");
        assert_eq!(get("scope"), "openid email aws.cognito.signin.user.admin");
        assert_eq!(get("code_challenge_method"), "S256");
        assert_eq!(get("identity_provider"), "Google");
        assert_eq!(get("login_hint"), "a+b@x.com");
        assert_eq!(get("state"), auth.pending.state());
        assert_eq!(get("state"), cognito_srp::hex::encode(&random()[..32]));
        assert_eq!(Some(get("nonce").as_str()), auth.pending.nonce());
        assert_eq!(
            get("code_challenge"),
            auth.pending.verifier().challenge().as_str()
        );
        assert_eq!(auth.pending.verifier().secret().len(), 128);
        assert_eq!(
            auth.pending.verifier().secret(),
            URL_SAFE_NO_PAD.encode(&random()[64..])
        );
    }

    #[test]
    fn custom_state_round_trips() {
        let auth = config().authorize(
            &random(),
            &AuthorizeOptions::default().custom_state("/après?x=1-2"),
        );
        assert_eq!(auth.pending.custom_state().as_deref(), Some("/après?x=1-2"));
        let cb = format!(
            "https://app.example.com/cb?code=c0de&state={}",
            auth.pending.state()
        );
        let ex = auth
            .pending
            .complete(&config(), &cb)
            .expect("valid callback");
        assert_eq!(ex.custom_state.as_deref(), Some("/après?x=1-2"));
    }

    #[test]
    fn complete_builds_the_code_request() {
        let cfg = config();
        let auth = cfg.authorize(&random(), &AuthorizeOptions::default());
        let verifier = auth.pending.verifier().secret().to_owned();
        let cb = format!(
            "https://app.example.com/cb?x=1&code=a%2Bb&state={}",
            auth.pending.state()
        );
        let ex = auth.pending.complete(&cfg, &cb).expect("valid callback");
        assert_eq!(ex.request.method, Method::Post);
        assert_eq!(
            ex.request.url,
            "https://example.auth.us-east-1.amazoncognito.com/oauth2/token"
        );
        assert_eq!(
            ex.request.headers,
            vec![("Content-Type".to_owned(), FORM_CONTENT_TYPE.to_owned())]
        );
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&ex.request.body)
            .into_owned()
            .collect();
        let expected: Vec<(String, String)> = [
            ("grant_type", "authorization_code"),
            ("client_id", "client1"),
            ("code", "a+b"),
            ("redirect_uri", "https://app.example.com/cb?x=1"),
            ("code_verifier", verifier.as_str()),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(form, expected);
        assert!(
            !format!("{:?}", ex.request).contains(&verifier),
            "Debug redacts the body"
        );
    }

    #[test]
    fn callback_errors() {
        let cfg = config();
        let pending = || {
            cfg.authorize(&random(), &AuthorizeOptions::default())
                .pending
        };
        let state = pending().state().to_owned();

        let e = pending()
            .complete(&cfg, &format!("https://app.example.com/cb?error=access_denied&error_description=User+cancelled&state={state}"))
            .expect_err("error callback");
        assert!(
            matches!(&e, Error::OAuth { error, description } if error == "access_denied" && description.as_deref() == Some("User cancelled")),
            "{e:?}"
        );
        let e = pending()
            .complete(&cfg, "https://app.example.com/cb#error=invalid_request")
            .expect_err("fragment error");
        assert!(
            matches!(&e, Error::OAuth { error, description: None } if error == "invalid_request")
        );

        // An error redirect with a state that is not ours is forged or stale: rejected as such,
        // not taken as the answer to our sign-in.
        for cb in [
            "https://app.example.com/cb?error=access_denied&state=forged",
            "https://app.example.com/cb?state=forged#error=server_error",
        ] {
            let e = pending().complete(&cfg, cb).expect_err("forged error");
            assert!(matches!(e, Error::InvalidState(_)), "{cb}: {e:?}");
        }
        // An error redirect without any state is reported as the OAuth error (see `complete`).
        let e = pending()
            .complete(&cfg, "https://app.example.com/cb?error=unauthorized_client")
            .expect_err("stateless error");
        assert!(
            matches!(&e, Error::OAuth { error, .. } if error == "unauthorized_client"),
            "{e:?}"
        );

        let e = pending()
            .complete(&cfg, "https://app.example.com/cb?code=abc&state=forged")
            .expect_err("forged state");
        assert!(matches!(e, Error::InvalidState(_)));
        let e = pending()
            .complete(&cfg, "https://app.example.com/cb?code=abc")
            .expect_err("no state");
        assert!(matches!(e, Error::InvalidState(_)));
        let e = pending()
            .complete(&cfg, &format!("https://app.example.com/cb?state={state}"))
            .expect_err("no code");
        assert!(matches!(e, Error::InvalidState(_)));
        let e = pending()
            .complete(
                &cfg,
                &format!("https://app.example.com/cb?code=a&code=b&state={state}"),
            )
            .expect_err("repeated code");
        assert!(matches!(e, Error::Parse { .. }));
        let e = pending().complete(&cfg, "not a url").expect_err("bad url");
        assert!(matches!(e, Error::Parse { .. }));
    }

    #[test]
    fn is_callback_detects_redirects() {
        assert!(is_callback("https://a.com/cb?code=x&state=y"));
        assert!(is_callback("https://a.com/cb?state=y#error=e"));
        assert!(!is_callback("https://a.com/cb?code=x"));
        assert!(!is_callback("https://a.com/"));
        assert!(!is_callback("::"));
    }

    #[test]
    fn pending_json_round_trip() {
        let auth = config().authorize(&random(), &AuthorizeOptions::default());
        let json = auth.pending.to_json();
        let back = PendingAuthorization::from_json(&json).expect("round trip");
        assert_eq!(back.state(), auth.pending.state());
        assert_eq!(back.nonce(), auth.pending.nonce());
        assert_eq!(back.verifier(), auth.pending.verifier());
        assert!(!format!("{back:?}").contains(back.verifier().secret()));
        for bad in [
            "",
            "{}",
            "[]",
            r#"{"state":"","verifier":"x"}"#,
            r#"{"state":"s","verifier":"short"}"#,
        ] {
            assert!(PendingAuthorization::from_json(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn client_secret_adds_basic_auth() {
        let cfg = config().with_client_secret(ClientSecret::new("s3cret"));
        let req = cfg.refresh_token_request(&RefreshToken::new("rt"));
        assert!(req.headers.contains(&(
            "Authorization".to_owned(),
            format!("Basic {}", STANDARD.encode("client1:s3cret"))
        )));
        assert_eq!(
            req.body_text(),
            "grant_type=refresh_token&client_id=client1&refresh_token=rt"
        );
        assert!(!format!("{req:?}").contains(&STANDARD.encode("client1:s3cret")));
    }

    #[test]
    fn revoke_user_info_and_logout() {
        let cfg = config();
        let req = cfg.revoke_request(&RefreshToken::new("r/t="));
        assert_eq!(
            req.url,
            "https://example.auth.us-east-1.amazoncognito.com/oauth2/revoke"
        );
        assert_eq!(req.body_text(), "token=r%2Ft%3D&client_id=client1");
        let req = cfg.user_info_request(&AccessToken::new("at"));
        assert_eq!(req.method, Method::Get);
        assert!(req.body.is_empty());
        assert_eq!(
            req.headers,
            vec![("Authorization".to_owned(), "Bearer at".to_owned())]
        );
        assert!(matches!(cfg.logout_url(), Err(Error::Config(_))));
        let cfg = cfg
            .with_logout_uri("https://app.example.com/bye")
            .expect("valid");
        assert_eq!(
            cfg.logout_url().expect("configured"),
            "https://example.auth.us-east-1.amazoncognito.com/logout?client_id=client1&logout_uri=https%3A%2F%2Fapp.example.com%2Fbye"
        );
    }

    #[test]
    fn token_response_serializes_as_the_token_endpoint_answers() {
        let mut t = TokenResponse::new(AccessToken::new("a"), 3600);
        assert_eq!(
            json::to_string(&t),
            r#"{"access_token":"a","token_type":"Bearer","expires_in":3600}"#
        );
        t.id_token = Some(IdToken::new("i"));
        t.refresh_token = Some(RefreshToken::new("r"));
        let body = json::to_string(&t);
        assert_eq!(
            body,
            r#"{"access_token":"a","id_token":"i","refresh_token":"r","token_type":"Bearer","expires_in":3600}"#
        );
        let back = token_resp(200, &body).expect("parses back");
        assert_eq!(back.access_token.secret(), "a");
        assert_eq!(back.id_token.as_ref().map(IdToken::secret), Some("i"));
        assert_eq!(
            back.refresh_token.as_ref().map(RefreshToken::secret),
            Some("r")
        );
        assert_eq!(
            (back.token_type.as_str(), back.expires_in),
            ("Bearer", Some(3600))
        );
    }

    #[test]
    fn token_responses() {
        let ok = token_resp(
            200,
            r#"{"access_token":"a","id_token":"i","refresh_token":"r","token_type":"Bearer","expires_in":3600}"#,
        )
        .expect("success");
        assert_eq!(ok.access_token.secret(), "a");
        assert_eq!(ok.id_token.as_ref().map(IdToken::secret), Some("i"));
        assert_eq!(
            ok.refresh_token.as_ref().map(RefreshToken::secret),
            Some("r")
        );
        assert_eq!(ok.expires_in, Some(3600));
        let no_refresh = token_resp(
            200,
            r#"{"access_token":"a","id_token":"i","token_type":"Bearer","expires_in":3600}"#,
        )
        .expect("refresh grant answer");
        assert!(no_refresh.refresh_token.is_none());

        let e = token_resp(400, r#"{"error":"invalid_grant"}"#).expect_err("error");
        assert!(
            matches!(&e, Error::OAuth { error, description: None } if error == "invalid_grant")
        );
        let e = token_resp(
            400,
            r#"{"error":"invalid_request","error_description":"bad"}"#,
        )
        .expect_err("error");
        assert!(matches!(&e, Error::OAuth { description: Some(d), .. } if d == "bad"));
        let e = token_resp(400, r#"{"error_message":"Invalid code"}"#).expect_err("error");
        assert!(matches!(&e, Error::OAuth { description: Some(d), .. } if d == "Invalid code"));
        for (status, body) in [
            (200, ""),
            (200, "{}"),
            (200, r#"{"access_token":5}"#),
            (200, r#"{"access_token":""}"#),
            (200, r#"{"access_token":"a","expires_in":-1}"#),
            (502, "<html>Bad gateway</html>"),
            (500, "{}"),
        ] {
            assert!(
                matches!(token_resp(status, body), Err(Error::Parse { .. })),
                "{status} {body:?}"
            );
        }
    }

    #[test]
    fn revoke_and_user_info_responses() {
        assert!(revoke_resp(200, "").is_ok());
        assert!(matches!(
            revoke_resp(400, r#"{"error":"unsupported_token_type"}"#),
            Err(Error::OAuth { error, .. }) if error == "unsupported_token_type"
        ));
        assert!(matches!(revoke_resp(503, "oops"), Err(Error::Parse { .. })));

        let m = user_info_resp(200, None, r#"{"sub":"s","email":"a@b.c"}"#).expect("ok");
        assert_eq!(m.get("email"), Some(&Value::from("a@b.c")));
        let e = user_info_resp(
            401,
            Some(r#"Bearer error="invalid_token", error_description="Access token is expired""#),
            "",
        )
        .expect_err("401");
        assert!(
            matches!(&e, Error::OAuth { error, description: Some(d) } if error == "invalid_token" && d == "Access token is expired"),
            "{e:?}"
        );
        assert!(matches!(
            user_info_resp(400, None, r#"{"error":"invalid_request"}"#),
            Err(Error::OAuth { .. })
        ));
        assert!(matches!(
            user_info_resp(200, None, "[]"),
            Err(Error::Parse { .. })
        ));
        assert!(matches!(
            user_info_resp(401, Some("Bearer"), ""),
            Err(Error::Parse { .. })
        ));
    }

    #[test]
    fn nonce_is_checked_on_finish() {
        let b64 = |s: &str| URL_SAFE_NO_PAD.encode(s);
        let cfg = config();
        let auth = cfg.authorize(&random(), &AuthorizeOptions::default());
        let nonce = auth.pending.nonce().unwrap_or_default().to_owned();
        let cb = format!(
            "https://app.example.com/cb?code=c&state={}",
            auth.pending.state()
        );
        let id = |n: &str| {
            format!(
                "{}.{}.s",
                b64(r#"{"alg":"RS256"}"#),
                b64(&format!(r#"{{"nonce":"{n}"}}"#))
            )
        };
        let body = |n: &str| {
            format!(
                r#"{{"access_token":"a","id_token":"{}","refresh_token":"r"}}"#,
                id(n)
            )
        };

        let ex = auth.pending.complete(&cfg, &cb).expect("callback");
        assert!(ex.finish(&http(200, &body(&nonce))).is_ok());

        let auth = cfg.authorize(&random(), &AuthorizeOptions::default());
        let ex = auth.pending.complete(&cfg, &cb).expect("callback");
        assert!(matches!(
            ex.finish(&http(200, &body("other"))),
            Err(Error::InvalidState(_))
        ));
    }

    #[test]
    fn bearer_header_parsing() {
        assert!(bearer_error("Basic realm=x").is_none());
        assert!(bearer_error(r#"Bearer realm="x""#).is_none());
        assert!(
            matches!(bearer_error("Bearer error=invalid_token"), Some(Error::OAuth { error, .. }) if error == "invalid_token")
        );
        assert!(bearer_error(r#"Bearer error="unterminated"#).is_none());
    }
}
