//! Everything the demo needs to know about its Cognito pool and its API, in one place.
//!
//! The backend is read once per page load from a JSON block in the page,
//!
//! ```html
//! <script id="cognito-demo-config" type="application/json">
//!   {"userPoolId": "us-east-1_LocalPool1", "clientId": "localspaclient000000000001",
//!    "endpoint": "http://127.0.0.1:9229/", "hostedUiDomain": "http://127.0.0.1:9229",
//!    "apiBase": "http://127.0.0.1:8081"}
//! </script>
//! ```
//!
//! and every key left out takes the default below (`cognito-local` and `cognito-api` on
//! `./scripts/demo.sh`'s default ports, which is also what `trunk serve` gets). The block is a
//! run-time setting rather than a compile-time one so that one release build serves any ports:
//! `scripts/serve-spa.py --config FILE` puts it into `index.html` as it serves it, and
//! `./scripts/demo.sh` writes that file once it knows the ports its servers listen on (the
//! tests let the system pick free ones).
//!
//! **For a real Cognito user pool**, set (in the block, e.g. in the root `index.html`, or in the
//! defaults here):
//! - `userPoolId` to your pool's id (`<region>_<id>`) and `clientId` to an app client
//!   *without* a secret that allows `ALLOW_USER_SRP_AUTH` and `ALLOW_REFRESH_TOKEN_AUTH`;
//! - `endpoint` to `null`: the client then calls `https://cognito-idp.<region>.amazonaws.com/`;
//! - `hostedUiDomain` to your domain (`https://<prefix>.auth.<region>.amazoncognito.com` or a
//!   custom one), with the page's origin + `/` listed as a callback and sign-out URL of the app
//!   client, and the scopes below allowed;
//! - `apiBase` to where `cognito-api` runs, started with `--pool-id <pool> --client-id
//!   <client> --allow-origin <this app's origin>`.

use cognito_client::Config;
use cognito_core::oauth::OAuthConfig;
use cognito_core::types::{ClientId, UserPoolId};
use cognito_core::wire::ClientConfig;
use cognito_core::Error;
use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;

/// The id of the page's configuration block.
pub const CONFIG_ELEMENT_ID: &str = "cognito-demo-config";

/// Default user pool.
pub const DEFAULT_USER_POOL_ID: &str = "us-east-1_LocalPool1";
/// Default app client (public: no secret in a browser).
pub const DEFAULT_CLIENT_ID: &str = "localspaclient000000000001";
/// Default user-pool API endpoint (`None` would be real Cognito's, derived from the region).
pub const DEFAULT_ENDPOINT: Option<&str> = Some("http://127.0.0.1:9229/");
/// Default hosted UI (managed login) domain.
pub const DEFAULT_HOSTED_UI_DOMAIN: &str = "http://127.0.0.1:9229";
/// Default protected API (`GET/POST /notes`, `DELETE /notes/{id}`).
pub const DEFAULT_API_BASE: &str = "http://127.0.0.1:8081";

/// The OAuth scopes asked of the hosted UI.
pub const SCOPES: [&str; 4] = [
    "openid",
    "email",
    "profile",
    "aws.cognito.signin.user.admin",
];
/// The name authenticator apps show next to the TOTP code.
pub const APP_NAME: &str = "cognito-wasm demo";

/// The pool's password policy, shown and checked on the sign-up and new-password forms.
/// (Cognito checks it again; keep it equal to the pool's.)
pub const PASSWORD_MIN_LENGTH: usize = 8;

/// Where the app's backend is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    /// The user pool (`<region>_<id>`).
    pub user_pool_id: String,
    /// The app client.
    pub client_id: String,
    /// The user-pool API endpoint; `None` for real Cognito.
    pub endpoint: Option<String>,
    /// The hosted UI's origin.
    pub hosted_ui_domain: String,
    /// The protected API's origin.
    pub api_base: String,
}

impl Default for Backend {
    fn default() -> Self {
        Backend {
            user_pool_id: DEFAULT_USER_POOL_ID.into(),
            client_id: DEFAULT_CLIENT_ID.into(),
            endpoint: DEFAULT_ENDPOINT.map(Into::into),
            hosted_ui_domain: DEFAULT_HOSTED_UI_DOMAIN.into(),
            api_base: DEFAULT_API_BASE.into(),
        }
    }
}

thread_local! {
    /// Read once: the block does not change while the page lives.
    static BACKEND: Result<Backend, String> = read_backend();
}

/// The backend this page was configured with.
///
/// # Errors
/// [`Error::Config`] when the page's configuration block is not a JSON object of strings.
pub fn backend() -> Result<Backend, Error> {
    BACKEND.with(|b| b.clone().map_err(Error::Config))
}

/// The defaults, with the page's block (when there is one) laid over them.
fn read_backend() -> Result<Backend, String> {
    let mut b = Backend::default();
    let Some(text) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(CONFIG_ELEMENT_ID))
        .and_then(|e| e.text_content())
    else {
        return Ok(b);
    };
    let bad = |what: &str| format!("the page's {CONFIG_ELEMENT_ID} block: {what}");
    let v = JSON::parse(&text).map_err(|_| bad("not JSON"))?;
    if !v.is_object() {
        return Err(bad("not a JSON object"));
    }
    // A key is absent (the default stays), a string, or, for the endpoint only, null.
    let get = |key: &str| -> Result<Option<JsValue>, String> {
        let x = Reflect::get(&v, &JsValue::from_str(key)).map_err(|_| bad(key))?;
        Ok((!x.is_undefined()).then_some(x))
    };
    let string = |key: &str, x: JsValue| {
        x.as_string()
            .ok_or_else(|| bad(&format!("{key} is not a string")))
    };
    if let Some(x) = get("userPoolId")? {
        b.user_pool_id = string("userPoolId", x)?;
    }
    if let Some(x) = get("clientId")? {
        b.client_id = string("clientId", x)?;
    }
    if let Some(x) = get("endpoint")? {
        b.endpoint = if x.is_null() {
            None
        } else {
            Some(string("endpoint", x)?)
        };
    }
    if let Some(x) = get("hostedUiDomain")? {
        b.hosted_ui_domain = string("hostedUiDomain", x)?;
    }
    if let Some(x) = get("apiBase")? {
        b.api_base = string("apiBase", x)?.trim_end_matches('/').to_owned();
    }
    Ok(b)
}

/// The page's origin (`http://127.0.0.1:8080`); the hosted UI sends the user back to it + `/`.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_else(|| "http://127.0.0.1:8080".into())
}

/// The client's configuration.
///
/// # Errors
/// [`Error::Config`] for a malformed configuration block, pool id, endpoint or domain.
pub fn client_config() -> Result<Config, Error> {
    let b = backend()?;
    let mut client = ClientConfig::new(
        UserPoolId::parse(&b.user_pool_id)?,
        ClientId::new(b.client_id.clone()),
    );
    if let Some(endpoint) = &b.endpoint {
        client = client.with_endpoint(endpoint)?;
    }
    let redirect = format!("{}/", origin());
    let oauth = OAuthConfig::new(
        b.hosted_ui_domain.as_str(),
        ClientId::new(b.client_id),
        redirect.clone(),
    )?
    .with_scopes(SCOPES)
    .with_logout_uri(redirect)?;
    Ok(Config::new(client).with_oauth(oauth))
}
