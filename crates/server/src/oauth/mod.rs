//! Hosted UI (`/login`, `/signup`, `/confirmUser`, `/forgotPassword`, `/confirmForgotPassword`)
//! and the OAuth 2.0 endpoints (`/oauth2/authorize`, `/oauth2/token`, `/oauth2/userInfo`,
//! `/oauth2/revoke`, `/logout`).
//!
//! # Security
//! A `redirect_uri` or `logout_uri` that is not registered for the client is never redirected
//! to: an error page is shown instead. Credentials only travel in POST bodies; every form carries
//! a CSRF token bound to a cookie (double submit). Pages are built with maud, which escapes
//! every interpolated value; cookies are parsed and built with the `cookie` crate, forms read
//! with axum's `Form`.

use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Form;
use axum::Router;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use cognito_core::oauth::TokenResponse;
use cognito_core::ops::{self, Operation};
use cognito_core::types::{Password, Username};
use cognito_core::wire;
use cognito_core::CognitoErrorCode;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

use crate::auth::{self, ADMIN_SCOPE};
use crate::config::{ClientConfig, PoolConfig};
use crate::error::ApiError;
use crate::state::{AppState, AuthCode, NewPassword, SessionRec, UiSession, User, UserStatus};
use crate::store::Kind;
use crate::util;

mod authorize;
mod cookies;
mod html;
mod login;
mod logout;
mod pages;
mod revoke;
mod token;
mod userinfo;

use authorize::*;
use cookies::*;
use html::*;
use login::*;
use logout::*;
use pages::*;
use revoke::*;
use token::*;
use userinfo::*;

/// Authorization-code lifetime.
pub const CODE_SECS: i64 = 300;
/// Hosted-UI session lifetime.
pub const UI_SESSION_SECS: i64 = 3600;
/// Hosted-UI session cookie.
pub const SESSION_COOKIE: &str = "cognito-local-session";
/// CSRF cookie (double submit).
pub const CSRF_COOKIE: &str = "XSRF-TOKEN";

type Params = HashMap<String, String>;

/// Routes of the hosted UI and the OAuth 2.0 endpoints.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/authorize", get(authorize))
        .route("/authorize", get(authorize))
        .route("/login", get(login_page).post(login_post))
        .route("/signup", form_page(signup_form).post(signup_post))
        .route("/confirmUser", form_page(confirm_form).post(confirm_post))
        .route("/forgotPassword", form_page(forgot_form).post(forgot_post))
        .route(
            "/confirmForgotPassword",
            form_page(confirm_forgot_form).post(confirm_forgot_post),
        )
        .route(
            "/confirmforgotPassword",
            form_page(confirm_forgot_form).post(confirm_forgot_post),
        )
        .route("/oauth2/token", post(token))
        .route("/oauth2/userInfo", get(user_info).post(user_info))
        .route("/oauth2/userinfo", get(user_info).post(user_info))
        .route("/oauth2/revoke", post(revoke))
        .route("/logout", get(logout))
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
}
