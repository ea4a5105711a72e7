//! The Amazon Cognito user-pool protocol without I/O.
//!
//! `cognito-core` builds every request as a value ([`wire::HttpRequest`]) and parses every
//! response from a value ([`wire::HttpResponse`]); it never sends, sleeps, reads a clock or draws
//! randomness. Time comes in as `now` (Unix seconds) and randomness as bytes, so the same code
//! runs natively in tests and in the browser behind `fetch`.
//!
//! Modules:
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
#![forbid(unsafe_code)]

pub mod error;
pub mod jwt;
pub mod oauth;
pub mod ops;
pub mod pkce;
pub mod refresh;
pub mod session;
pub mod signin;
pub mod signout;
pub mod storage;
pub mod types;
pub mod wire;

pub use error::{CognitoErrorCode, Error};
