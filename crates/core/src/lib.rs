//! The Amazon Cognito user-pool protocol without I/O.
//!
//! `cognito-core` builds every request as a value ([`wire::HttpRequest`]) and parses every
//! response from a value ([`wire::HttpResponse`]); it never sends, sleeps, reads a clock or draws
//! randomness. Time comes in as `now` (Unix seconds) and randomness as bytes, so the same code
//! runs natively in tests and in the browser behind `fetch`.
//!
//! Modules:
//! - [`json`]: the crate's own small JSON reader and writer (no `serde_json` in the browser).
//! - [`types`]: newtypes for wire strings and secrets.
//! - [`error`]: the crate's one error enum and Cognito's error codes.
//! - [`wire`]: the JSON 1.1 transport (`X-Amz-Target`), endpoints, `SECRET_HASH`.
//! - [`ops`]: typed requests and responses of the user-pool operations.
//! - [`signin`]: sign-in as a state machine, from `USER_SRP_AUTH` to tokens.
//! - [`pkce`], [`oauth`]: hosted UI (authorization code + PKCE) and the `/oauth2/*` endpoints.
//! - [`jwt`], [`session`], [`storage`]: tokens, session validity, storage layout.
//! - [`refresh`]: token refresh (`REFRESH_TOKEN_AUTH`, `GetTokensFromRefreshToken`, OAuth) and
//!   which failures end a session.
//! - [`signout`]: sign-out as requests, a local clear and a hosted-UI logout URL.
//!
//! A session's life, and where each step lives:
//! 1. Sign in with [`signin::SignIn`] until `DONE`, then [`signin::SignIn::session`]; or through
//!    the hosted UI with [`oauth::OAuthConfig::authorize`] … [`oauth::CodeExchange::finish`],
//!    then [`session::Session::from_hosted_ui`].
//! 2. Keep it with [`storage::save_session`]; on the next page load, [`storage::load_session`].
//! 3. When [`session::Session::refresh_due`], refresh with [`refresh::build_request`] /
//!    [`refresh::apply_response`] and store with [`refresh::store_outcome`], which clears the
//!    session only when [`Error::is_session_ended`] (never on a network error).
//! 4. Sign out with [`signout::SignOut`]: revoke, clear locally whatever happened, then the
//!    hosted UI's `/logout`.
//!
//! Feature `serde` (off by default): `serde::Serialize` / `Deserialize` for the request and
//! response types ([`ops`], [`oauth::TokenResponse`], [`oauth::PendingAuthorization`], the
//! newtypes of [`types`]), for the local server and the demo API. Without it the crate has no
//! `serde` or `serde_json` at all: JSON goes through [`json`], because the browser package pays
//! for every byte: serde_json, serde and the derived code were ~22 KB of its 192 KB (brotli).
#![forbid(unsafe_code)]

// First, so that its macros (`json_object!`) are visible in the modules below.
#[macro_use]
pub mod json;
pub mod error;
pub mod jwt;
pub mod map;
pub mod oauth;
pub mod ops;
pub mod pkce;
pub mod refresh;
pub mod session;
pub mod signin;
pub mod signout;
pub mod storage;
pub mod types;
mod uri;
pub mod wire;

pub use error::{CognitoErrorCode, Error};
