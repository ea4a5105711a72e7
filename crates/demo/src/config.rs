//! Everything the demo needs to know about its Cognito pool and its API, in one place.
//!
//! These values point at `cognito-local` and `cognito-api` as `./scripts/demo.sh` starts them.
//! **For a real Cognito user pool**, change:
//! - [`USER_POOL_ID`] to your pool's id (`<region>_<id>`) and [`CLIENT_ID`] to an app client
//!   *without* a secret that allows `ALLOW_USER_SRP_AUTH` and `ALLOW_REFRESH_TOKEN_AUTH`;
//! - [`ENDPOINT`] to `None`: the client then calls `https://cognito-idp.<region>.amazonaws.com/`;
//! - [`HOSTED_UI_DOMAIN`] to your domain (`https://<prefix>.auth.<region>.amazoncognito.com` or
//!   a custom one), with the page's origin + `/` listed as a callback and sign-out URL of the
//!   app client, and the scopes below allowed;
//! - [`API_BASE`] to where `cognito-api` runs, started with `--pool-id <pool> --client-id
//!   <client> --allow-origin <this app's origin>`.
//!
//! The sign-up form uses the email address as the username, as in a pool whose users sign in
//! with their email (the common setup).

use cognito_client::Config;
use cognito_core::oauth::OAuthConfig;
use cognito_core::types::{ClientId, UserPoolId};
use cognito_core::wire::ClientConfig;
use cognito_core::Error;

/// The user pool.
pub const USER_POOL_ID: &str = "us-east-1_LocalPool1";
/// The app client (public: no secret in a browser).
pub const CLIENT_ID: &str = "localspaclient000000000001";
/// The user-pool API endpoint; `None` for real Cognito (derived from the pool's region).
pub const ENDPOINT: Option<&str> = Some("http://127.0.0.1:9229/");
/// The hosted UI (managed login) domain.
pub const HOSTED_UI_DOMAIN: &str = "http://127.0.0.1:9229";
/// The OAuth scopes asked of the hosted UI.
pub const SCOPES: [&str; 4] = [
    "openid",
    "email",
    "profile",
    "aws.cognito.signin.user.admin",
];
/// The protected API (`GET/POST /notes`, `DELETE /notes/{id}`).
pub const API_BASE: &str = "http://127.0.0.1:8081";
/// The name authenticator apps show next to the TOTP code.
pub const APP_NAME: &str = "cognito-wasm demo";

/// The pool's password policy, shown and checked on the sign-up and new-password forms.
/// (Cognito checks it again; keep it equal to the pool's.)
pub const PASSWORD_MIN_LENGTH: usize = 8;

/// The page's origin (`http://127.0.0.1:8080`); the hosted UI sends the user back to it + `/`.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_else(|| "http://127.0.0.1:8080".into())
}

/// The client's configuration.
///
/// # Errors
/// [`Error::Config`] for a malformed pool id, endpoint or domain.
pub fn client_config() -> Result<Config, Error> {
    let mut client = ClientConfig::new(UserPoolId::parse(USER_POOL_ID)?, ClientId::new(CLIENT_ID));
    if let Some(endpoint) = ENDPOINT {
        client = client.with_endpoint(endpoint)?;
    }
    let redirect = format!("{}/", origin());
    let oauth = OAuthConfig::new(HOSTED_UI_DOMAIN, ClientId::new(CLIENT_ID), redirect.clone())?
        .with_scopes(SCOPES)
        .with_logout_uri(redirect)?;
    Ok(Config::new(client).with_oauth(oauth))
}
