//! The JS config object (`AuthConfig` in the TypeScript types) → the client's [`Config`].

use cognito_client::Config;
use cognito_core::oauth::OAuthConfig;
use cognito_core::types::{ClientId, ClientSecret, UserPoolId};
use cognito_core::wire::ClientConfig;
use cognito_core::Error;
use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::js::{config_error, get, opt_bool, opt_string, opt_string_list, quoted};

/// Where an [`Auth`](crate::Auth) keeps its tokens.
#[derive(Debug, Clone)]
pub enum StorageChoice {
    /// `localStorage` (the default), falling back to memory when unusable.
    LocalStorage,
    /// `sessionStorage`, falling back to memory when unusable.
    SessionStorage,
    /// Memory: the session ends with the page.
    Memory,
    /// An object with `getItem` / `setItem` / `removeItem`, sync or async.
    Custom(JsValue),
}

/// The longest timeout `setTimeout` keeps (2³¹ − 1 ms, about 24.8 days): a longer delay
/// fires at once in every browser, which would abort every request.
pub const MAX_TIMEOUT_MS: i32 = i32::MAX;

/// What the browser adapter reads from the JS config besides the client's [`Config`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BrowserOptions {
    /// Where the tokens are kept.
    pub storage: StorageChoice,
    /// How long one request to Cognito may take, in milliseconds, before it is aborted and
    /// fails with `NetworkError` (the session is kept).
    pub timeout_ms: i32,
}

impl BrowserOptions {
    /// `storage`, with the default timeout ([`DEFAULT_TIMEOUT_MS`](crate::DEFAULT_TIMEOUT_MS)).
    #[must_use]
    pub fn new(storage: StorageChoice) -> Self {
        Self {
            storage,
            timeout_ms: crate::DEFAULT_TIMEOUT_MS,
        }
    }

    /// With another request timeout.
    ///
    /// # Errors
    /// [`Error::Config`] unless `1 <= timeout_ms <=` [`MAX_TIMEOUT_MS`].
    pub fn with_timeout_ms(mut self, timeout_ms: i32) -> Result<Self, Error> {
        if timeout_ms < 1 {
            return Err(config_error(format!(
                "timeout must be at least 1 ms, not {timeout_ms}"
            )));
        }
        self.timeout_ms = timeout_ms;
        Ok(self)
    }
}

/// `timeout`: a whole number of milliseconds, 1 to [`MAX_TIMEOUT_MS`].
fn parse_timeout(v: &JsValue) -> Result<Option<i32>, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let bad = || {
        config_error(format!(
            "timeout must be a whole number of milliseconds from 1 to {MAX_TIMEOUT_MS}, not {}",
            crate::js::describe_value(v)
        ))
    };
    let ms = v.as_f64().ok_or_else(bad)?;
    if !(ms.is_finite() && ms.fract() == 0.0 && (1.0..=f64::from(MAX_TIMEOUT_MS)).contains(&ms)) {
        return Err(bad());
    }
    // In range and whole: the conversion is exact.
    #[allow(clippy::cast_possible_truncation)]
    Ok(Some(ms as i32))
}

/// Reads the config; any mistake is a [`Error::Config`] naming the field.
pub(crate) fn parse(config: &JsValue) -> Result<(Config, BrowserOptions), Error> {
    if !config.is_object() {
        return Err(config_error(
            "new Auth(config) needs an object with userPoolId and userPoolClientId",
        ));
    }
    let field = |key: &str| opt_string(config, key).map_err(|e| config_error(e.to_string()));
    let pool_id = field("userPoolId")?.ok_or_else(|| config_error("userPoolId is required"))?;
    let pool_id = UserPoolId::parse(&pool_id)
        .map_err(|e| config_error(format!("userPoolId {} is invalid: {e}", quoted(&pool_id))))?;
    let client_id = field("userPoolClientId")?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| config_error("userPoolClientId is required"))?;
    let client_id = ClientId::new(client_id);
    let mut client = ClientConfig::new(pool_id, client_id.clone());
    if let Some(endpoint) = field("endpoint")? {
        client = client.with_endpoint(&endpoint)?;
    }
    let secret = field("clientSecret")?.map(ClientSecret::new);
    if let Some(s) = &secret {
        client = client.with_client_secret(s.clone());
    }
    let mut out = Config::new(client);
    if let Some(on) = opt_bool(config, "srpPrecompute").map_err(|e| config_error(e.to_string()))? {
        out = out.with_srp_precompute(on);
    }
    let oauth = get(config, "oauth");
    if !oauth.is_undefined() && !oauth.is_null() {
        out = out.with_oauth(parse_oauth(&oauth, client_id, secret)?);
    }
    let mut options = BrowserOptions::new(parse_storage(&get(config, "storage"))?);
    if let Some(ms) = parse_timeout(&get(config, "timeout"))? {
        options = options.with_timeout_ms(ms)?;
    }
    Ok((out, options))
}

fn parse_storage(v: &JsValue) -> Result<StorageChoice, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(StorageChoice::LocalStorage);
    }
    if let Some(s) = v.as_string() {
        return match s.as_str() {
            "localStorage" => Ok(StorageChoice::LocalStorage),
            "sessionStorage" => Ok(StorageChoice::SessionStorage),
            "memory" => Ok(StorageChoice::Memory),
            other => Err(config_error(format!(
                "storage {} is not one of 'localStorage', 'sessionStorage', 'memory' or an object",
                quoted(other)
            ))),
        };
    }
    if v.is_object() {
        return Ok(StorageChoice::Custom(v.clone()));
    }
    Err(config_error(
        "storage must be 'localStorage', 'sessionStorage', 'memory' or an object with getItem/setItem/removeItem",
    ))
}

/// `redirectSignIn` / `redirectSignOut`: a URL or, as in Amplify, a list of URLs, of which the
/// one on the page's origin is taken (else the first).
fn pick_redirect(oauth: &JsValue, key: &str) -> Result<Option<String>, Error> {
    let v = get(oauth, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if let Some(s) = v.as_string() {
        return Ok(Some(s));
    }
    if Array::is_array(&v) {
        let list = opt_string_list(oauth, key)
            .map_err(|e| config_error(format!("oauth.{e}")))?
            .unwrap_or_default();
        let origin = crate::js::origin();
        let on_origin = origin.and_then(|o| list.iter().find(|u| u.starts_with(&o)).cloned());
        return Ok(on_origin.or_else(|| list.into_iter().next()));
    }
    Err(config_error(format!(
        "oauth.{key} must be a URL or a list of URLs"
    )))
}

fn parse_oauth(
    oauth: &JsValue,
    client_id: ClientId,
    secret: Option<ClientSecret>,
) -> Result<OAuthConfig, Error> {
    let field = |key: &str| opt_string(oauth, key).map_err(|e| config_error(format!("oauth.{e}")));
    let domain = field("domain")?.ok_or_else(|| config_error("oauth.domain is required"))?;
    let redirect = pick_redirect(oauth, "redirectSignIn")?
        .ok_or_else(|| config_error("oauth.redirectSignIn is required"))?;
    if let Some(rt) = field("responseType")? {
        if rt != "code" {
            return Err(config_error(format!(
                "oauth.responseType {} is not supported: only 'code' (authorization code with PKCE)",
                quoted(&rt)
            )));
        }
    }
    let mut out = OAuthConfig::new(&domain, client_id, redirect)?;
    if let Some(scopes) =
        opt_string_list(oauth, "scopes").map_err(|e| config_error(format!("oauth.{e}")))?
    {
        out = out.with_scopes(scopes);
    }
    if let Some(p) = field("identityProvider")? {
        out = out.with_identity_provider(p);
    }
    if let Some(s) = secret {
        out = out.with_client_secret(s);
    }
    if let Some(logout) = pick_redirect(oauth, "redirectSignOut")? {
        out = out.with_logout_uri(logout)?;
    }
    Ok(out)
}
