//! Hosted UI (`/login`, `/signup`, `/confirmUser`, `/forgotPassword`, `/confirmForgotPassword`)
//! and the OAuth 2.0 endpoints (`/oauth2/authorize`, `/oauth2/token`, `/oauth2/userInfo`,
//! `/oauth2/revoke`, `/logout`).
//!
//! # Security
//! A `redirect_uri` or `logout_uri` that is not registered for the client is never redirected
//! to: an error page is shown instead. Credentials only travel in POST bodies; every form carries
//! a CSRF token bound to a cookie (double submit). All page output is HTML-escaped.

use axum::body::{to_bytes, Body};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use cognito_core::oauth::TokenResponse;
use cognito_core::ops::{self, Operation};
use cognito_core::types::{Password, Username};
use cognito_core::wire;
use cognito_core::CognitoErrorCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

use crate::auth::{self, ADMIN_SCOPE};
use crate::config::{ClientConfig, PoolConfig};
use crate::error::ApiError;
use crate::state::{AppState, AuthCode, NewPassword, SessionRec, UiSession, User, UserStatus};
use crate::store::Kind;
use crate::util::{self, html_escape};

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
}

// ---------------------------------------------------------------------------------------------
// Authorize parameters

/// Validated `/oauth2/authorize` parameters.
#[derive(Debug, Clone)]
struct Authz<'s> {
    pool: &'s PoolConfig,
    client: &'s ClientConfig,
    redirect_uri: String,
    scope: Vec<String>,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    /// The raw parameters, carried through the hosted-UI pages.
    raw: Vec<(String, String)>,
}

const AUTHZ_KEYS: &[&str] = &[
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "identity_provider",
    "lang",
    "login_hint",
    "prompt",
];

enum AuthzError {
    /// Shown as a page: the redirect URI cannot be trusted.
    Page(String),
    /// Sent back to the (registered) redirect URI.
    Redirect(String, &'static str, String),
}

fn parse_authz<'s>(state: &'s AppState, p: &Params) -> Result<Authz<'s>, AuthzError> {
    let Some(client_id) = p.get("client_id").filter(|s| !s.is_empty()) else {
        return Err(AuthzError::Page(
            "Missing required parameter client_id.".into(),
        ));
    };
    let Some((pool, client)) = state.client(client_id) else {
        return Err(AuthzError::Page(format!("Unknown client_id {client_id}.")));
    };
    let Some(redirect_uri) = p.get("redirect_uri").filter(|s| !s.is_empty()) else {
        return Err(AuthzError::Page(
            "Missing required parameter redirect_uri.".into(),
        ));
    };
    if !client.callback_urls.iter().any(|u| u == redirect_uri) {
        return Err(AuthzError::Page(
            "redirect_mismatch: the redirect_uri is not registered for this client.".into(),
        ));
    }
    let st = p.get("state").cloned();
    let redirect_err =
        |e: &'static str, d: &str| AuthzError::Redirect(redirect_uri.clone(), e, d.to_string());
    match p.get("response_type").map(String::as_str) {
        Some("code") => {}
        None | Some("") => {
            return Err(redirect_err("invalid_request", "response_type is required"))
        }
        Some(_) => {
            return Err(redirect_err(
                "unsupported_response_type",
                "only response_type=code is supported",
            ))
        }
    }
    let scope: Vec<String> = match p.get("scope").filter(|s| !s.trim().is_empty()) {
        Some(s) => s
            .split(' ')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect(),
        None => client.scopes.clone(),
    };
    if scope.iter().any(|s| !client.scopes.contains(s)) {
        return Err(redirect_err(
            "invalid_scope",
            "a requested scope is not allowed for this client",
        ));
    }
    if let Some(idp) = p.get("identity_provider").filter(|s| !s.is_empty()) {
        if idp != "COGNITO" {
            return Err(redirect_err(
                "invalid_request",
                "only identity_provider=COGNITO is available locally",
            ));
        }
    }
    let code_challenge = p.get("code_challenge").filter(|s| !s.is_empty()).cloned();
    let mut code_challenge_method = p
        .get("code_challenge_method")
        .filter(|s| !s.is_empty())
        .cloned();
    if let Some(c) = &code_challenge {
        let m = code_challenge_method.get_or_insert_with(|| "plain".into());
        let plain_ok = state.config.server.allow_pkce_plain;
        if m != "S256" && !(m == "plain" && plain_ok) {
            return Err(redirect_err(
                "invalid_request",
                if plain_ok {
                    "code_challenge_method must be S256 or plain"
                } else {
                    "code_challenge_method must be S256"
                },
            ));
        }
        let valid = (43..=128).contains(&c.len())
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
        if !valid {
            return Err(redirect_err("invalid_request", "malformed code_challenge"));
        }
    } else if code_challenge_method.is_some() {
        code_challenge_method = None;
    }
    let raw = AUTHZ_KEYS
        .iter()
        .filter_map(|k| p.get(*k).map(|v| ((*k).to_string(), v.clone())))
        .collect();
    Ok(Authz {
        pool,
        client,
        redirect_uri: redirect_uri.clone(),
        scope,
        state: st,
        nonce: p.get("nonce").cloned(),
        code_challenge,
        code_challenge_method,
        raw,
    })
}

fn authz_error_response(e: AuthzError, state_param: Option<&String>) -> Response {
    match e {
        AuthzError::Page(msg) => error_page(StatusCode::BAD_REQUEST, &msg),
        AuthzError::Redirect(uri, err, desc) => {
            let mut pairs = vec![("error", err.to_string()), ("error_description", desc)];
            if let Some(s) = state_param {
                pairs.push(("state", s.clone()));
            }
            redirect(&with_query(&uri, &pairs), &[])
        }
    }
}

fn with_query(uri: &str, pairs: &[(&str, String)]) -> String {
    match url::Url::parse(uri) {
        Ok(mut u) => {
            {
                let mut q = u.query_pairs_mut();
                for (k, v) in pairs {
                    q.append_pair(k, v);
                }
            }
            u.to_string()
        }
        Err(_) => uri.to_string(),
    }
}

fn query_string(raw: &[(String, String)], extra: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in raw {
        s.append_pair(k, v);
    }
    for (k, v) in extra {
        s.append_pair(k, v);
    }
    s.finish()
}

// ---------------------------------------------------------------------------------------------
// HTML

fn redirect(location: &str, cookies: &[String]) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn page(status: StatusCode, title: &str, body: &str, cookies: &[String]) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{t} - cognito-local</title><style>\
body{{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}}\
main{{max-width:360px;margin:4em auto;background:#fff;padding:2em;border-radius:8px;box-shadow:0 1px 4px #0002}}\
label{{display:block;margin:.8em 0 .2em}}input{{width:100%;padding:.5em;box-sizing:border-box}}\
button{{margin-top:1.2em;width:100%;padding:.6em;background:#1f6feb;color:#fff;border:0;border-radius:4px}}\
.error{{color:#b00020;background:#fde7ea;padding:.6em;border-radius:4px}}\
.notice{{color:#0a5;background:#e6f6ee;padding:.6em;border-radius:4px}}\
nav a{{display:block;margin-top:.6em}}</style></head>\
<body><main><h1>{t}</h1>{body}<p><small>cognito-local (development server)</small></p></main></body></html>\n",
        t = html_escape(title)
    );
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // No `form-action`: browsers apply it to the redirect after the POST, which goes to the app.
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    r
}

fn error_page(status: StatusCode, msg: &str) -> Response {
    page(
        status,
        "Error",
        &format!("<p class=\"error\" id=\"error\">{}</p>", html_escape(msg)),
        &[],
    )
}

fn hidden(raw: &[(String, String)]) -> String {
    raw.iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                html_escape(k),
                html_escape(v)
            )
        })
        .collect()
}

fn messages(error: Option<&str>, notice: Option<&str>) -> String {
    let mut s = String::new();
    if let Some(e) = error {
        s.push_str(&format!(
            "<p class=\"error\" id=\"error\">{}</p>",
            html_escape(e)
        ));
    }
    if let Some(n) = notice {
        s.push_str(&format!(
            "<p class=\"notice\" id=\"notice\">{}</p>",
            html_escape(n)
        ));
    }
    s
}

fn field(name: &str, label: &str, kind: &str, value: &str) -> String {
    let auto = match (name, kind) {
        ("password", _) | ("new_password", _) => " autocomplete=\"current-password\"",
        ("username", _) => " autocomplete=\"username\"",
        _ => "",
    };
    format!(
        "<label for=\"{n}\">{l}</label><input id=\"{n}\" name=\"{n}\" type=\"{k}\" value=\"{v}\" required{auto}>",
        n = html_escape(name),
        l = html_escape(label),
        k = kind,
        v = html_escape(value)
    )
}

fn notice_text(code: Option<&String>) -> Option<&'static str> {
    match code.map(String::as_str) {
        Some("confirmed") => Some("Your account is confirmed. Sign in."),
        Some("reset") => Some("Your password has been reset. Sign in."),
        Some("signed_out") => Some("You have been signed out."),
        Some("code_sent") => Some("We sent a code to your email (see /_dev/outbox)."),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Cookies and CSRF

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The CSRF token for this browser, and the Set-Cookie header if it is new.
/// `; Secure` when the server is reached over https (its issuer base), so the browser never
/// sends the session or CSRF cookie over plain http.
fn secure_attr(state: &AppState) -> &'static str {
    if state.issuer_base.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}

fn csrf(state: &AppState, headers: &HeaderMap) -> (String, Vec<String>) {
    match cookie(headers, CSRF_COOKIE).filter(|c| c.len() >= 20) {
        Some(c) => (c, vec![]),
        None => {
            let t = util::random_token(24);
            let c = format!(
                "{CSRF_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax{}",
                secure_attr(state)
            );
            (t, vec![c])
        }
    }
}

fn csrf_ok(headers: &HeaderMap, form: &Params) -> bool {
    match (cookie(headers, CSRF_COOKIE), form.get("_csrf")) {
        (Some(c), Some(f)) => !c.is_empty() && util::ct_eq(&c, f),
        _ => false,
    }
}

fn csrf_field(token: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"_csrf\" value=\"{}\">",
        html_escape(token)
    )
}

async fn read_form(headers: &HeaderMap, body: Body) -> Result<Params, &'static str> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if ct != "application/x-www-form-urlencoded" {
        return Err("Content-Type must be application/x-www-form-urlencoded");
    }
    let bytes = to_bytes(body, 64 * 1024)
        .await
        .map_err(|_| "request body too large")?;
    Ok(url::form_urlencoded::parse(&bytes).into_owned().collect())
}

// ---------------------------------------------------------------------------------------------
// /oauth2/authorize and the sign-in page

async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    let a = match parse_authz(&state, &p) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, p.get("state")),
    };
    // A live hosted-UI session for this pool skips the form (unless `prompt=login`);
    // `prompt=none` never shows it (OIDC Core 3.1.2.1): no session, `error=login_required`.
    let prompt = |value: &str| {
        p.get("prompt")
            .is_some_and(|v| v.split(' ').any(|x| x == value))
    };
    let (force_login, no_prompt) = (prompt("login"), prompt("none"));
    if force_login && no_prompt {
        return authz_error_response(
            AuthzError::Redirect(
                a.redirect_uri.clone(),
                "invalid_request",
                "prompt=none cannot be combined with other values".into(),
            ),
            a.state.as_ref(),
        );
    }
    if let Some(sid) = cookie(&headers, SESSION_COOKIE).filter(|_| !force_login) {
        let now = state.now();
        let pool_id = a.pool.id.clone();
        let found = crate::blocking(&state, move |state| {
            state.store.read(|tx| {
                let s: Option<UiSession> = tx.get(Kind::UiSession, &util::sha256_hex(&sid))?;
                let Some(s) = s.filter(|s| s.pool == pool_id && s.expires > now) else {
                    return Ok::<_, ApiError>(None);
                };
                // Bound to the `sub` (found by it): a user deleted and re-created under the same
                // name is another person, whom this browser never signed in as.
                let user = tx.user_by_sub(&s.pool, &s.sub)?;
                Ok(user
                    .filter(|u| u.enabled && u.status == UserStatus::Confirmed && u.sub == s.sub)
                    .map(|u| (u, s.auth_time)))
            })
        })
        .await;
        match found {
            Ok(Some((user, auth_time))) => {
                return issue_code_redirect(&state, &a, &user, auth_time, vec![]).await
            }
            Ok(None) => {}
            Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.message),
        }
    }
    if no_prompt {
        return authz_error_response(
            AuthzError::Redirect(
                a.redirect_uri.clone(),
                "login_required",
                "no signed-in session and prompt=none".into(),
            ),
            a.state.as_ref(),
        );
    }
    redirect(&format!("/login?{}", query_string(&a.raw, &[])), &[])
}

async fn issue_code_redirect(
    state: &AppState,
    a: &Authz<'_>,
    user: &User,
    auth_time: i64,
    cookies: Vec<String>,
) -> Response {
    let code = uuid::Uuid::new_v4().to_string();
    let rec = AuthCode {
        pool: a.pool.id.clone(),
        client_id: a.client.id.clone(),
        redirect_uri: a.redirect_uri.clone(),
        username: user.username.clone(),
        sub: user.sub.clone(),
        scope: a.scope.clone(),
        nonce: a.nonce.clone(),
        code_challenge: a.code_challenge.clone(),
        code_challenge_method: a.code_challenge_method.clone(),
        auth_time,
        expires: state.now() + CODE_SECS,
    };
    let key = util::sha256_hex(&code);
    if let Err(e) = crate::blocking(state, move |st| {
        Ok(st.store.tx(|tx| tx.put(Kind::AuthCode, &key, &rec))?)
    })
    .await
    {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.message);
    }
    let mut pairs = vec![("code", code)];
    if let Some(s) = &a.state {
        pairs.push(("state", s.clone()));
    }
    redirect(&with_query(&a.redirect_uri, &pairs), &cookies)
}

fn login_form(
    a: &Authz<'_>,
    csrf: &str,
    username: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> String {
    let q = query_string(&a.raw, &[]);
    format!(
        "{msg}<form method=\"post\" action=\"/login\" id=\"login\">{csrf}{hidden}{u}{p}<button type=\"submit\">Sign in</button></form>\
<nav><a href=\"/forgotPassword?{q}\" id=\"forgot\">Forgot your password?</a>\
<a href=\"/signup?{q}\" id=\"signup\">Need an account? Sign up</a>\
<a href=\"/confirmUser?{q}\" id=\"confirm\">Have a confirmation code?</a></nav>",
        msg = messages(error, notice),
        csrf = csrf_field(csrf),
        hidden = hidden(&a.raw),
        u = field("username", "Username or email", "text", username),
        p = field("password", "Password", "password", ""),
        q = html_escape(&q),
    )
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    let a = match parse_authz(&state, &p) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, p.get("state")),
    };
    let (token, cookies) = csrf(&state, &headers);
    let username = p
        .get("username")
        .or_else(|| p.get("login_hint"))
        .map_or("", String::as_str);
    let body = login_form(&a, &token, username, None, notice_text(p.get("notice")));
    page(StatusCode::OK, "Sign in", &body, &cookies)
}

async fn login_post(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let f = match read_form(&headers, body).await {
        Ok(f) => f,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, e),
    };
    let a = match parse_authz(&state, &f) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, f.get("state")),
    };
    let (token, cookies) = csrf(&state, &headers);
    if !csrf_ok(&headers, &f) {
        let body = login_form(
            &a,
            &token,
            "",
            Some("Your session has expired; please sign in again."),
            None,
        );
        return page(StatusCode::FORBIDDEN, "Sign in", &body, &cookies);
    }
    let st = state.clone();
    let f2 = f.clone();
    let result = tokio::task::spawn_blocking(move || login_step(&st, &f2)).await;
    let a = match parse_authz(&state, &f) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, f.get("state")),
    };
    match result {
        Ok(Ok(LoginOutcome::Done(user, auth_time))) => {
            let user = *user;
            let sid = util::random_token(32);
            let rec = UiSession {
                pool: a.pool.id.clone(),
                username: user.username.clone(),
                sub: user.sub.clone(),
                auth_time,
                expires: state.now() + UI_SESSION_SECS,
            };
            let key = util::sha256_hex(&sid);
            if let Err(e) = crate::blocking(&state, move |st| {
                Ok(st.store.tx(|tx| tx.put(Kind::UiSession, &key, &rec))?)
            })
            .await
            {
                return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.message);
            }
            let c = format!(
                "{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax; Max-Age={UI_SESSION_SECS}{}",
                secure_attr(&state)
            );
            issue_code_redirect(&state, &a, &user, auth_time, vec![c]).await
        }
        Ok(Ok(LoginOutcome::Unconfirmed(username))) => redirect(
            &format!(
                "/confirmUser?{}",
                query_string(&a.raw, &[("username", &username), ("notice", "code_sent")])
            ),
            &cookies,
        ),
        Ok(Ok(LoginOutcome::NewPassword(session, error))) => {
            let body = format!(
                "{msg}<p>You must choose a new password.</p><form method=\"post\" action=\"/login\" id=\"new-password\">{csrf}{hidden}\
<input type=\"hidden\" name=\"session\" value=\"{s}\">{p}<button type=\"submit\">Set password and sign in</button></form>",
                msg = messages(error.as_deref(), None),
                csrf = csrf_field(&token),
                hidden = hidden(&a.raw),
                s = html_escape(&session),
                p = field("new_password", "New password", "password", ""),
            );
            page(StatusCode::OK, "Change password", &body, &cookies)
        }
        Ok(Ok(LoginOutcome::Totp(session, error))) => {
            let body = format!(
                "{msg}<form method=\"post\" action=\"/login\" id=\"totp\">{csrf}{hidden}\
<input type=\"hidden\" name=\"session\" value=\"{s}\">{p}<button type=\"submit\">Verify</button></form>",
                msg = messages(error.as_deref(), None),
                csrf = csrf_field(&token),
                hidden = hidden(&a.raw),
                s = html_escape(&session),
                p = field("totp_code", "Code from your authenticator app", "text", ""),
            );
            page(
                StatusCode::OK,
                "Multi-factor authentication",
                &body,
                &cookies,
            )
        }
        Ok(Err(e)) => {
            let username = f.get("username").map_or("", String::as_str);
            let body = login_form(&a, &token, username, Some(&e.message), None);
            page(StatusCode::BAD_REQUEST, "Sign in", &body, &cookies)
        }
        Err(_) => error_page(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error."),
    }
}

enum LoginOutcome {
    Done(Box<User>, i64),
    Unconfirmed(String),
    NewPassword(String, Option<String>),
    Totp(String, Option<String>),
}

/// One step of the hosted-UI sign-in: password, new password, or TOTP code.
fn login_step(state: &AppState, f: &Params) -> Result<LoginOutcome, ApiError> {
    let (pool, client) = state
        .client(f.get("client_id").map_or("", String::as_str))
        .ok_or_else(|| ApiError::unknown_client(""))?;
    let now = state.now();
    if let Some(session) = f.get("session") {
        let key = util::sha256_hex(session);
        // A new password's SRP verifier is computed before the write transaction.
        let new_pw = f.get("new_password").map_or("", String::as_str);
        let pre = if util::check_password_policy(&pool.password_policy, new_pw).is_ok() {
            state
                .store
                .tx(|tx| Ok::<_, ApiError>(tx.get::<SessionRec>(Kind::Session, &key)?))?
                .filter(|r| r.challenge == "HUI_NEW_PASSWORD")
                .map(|r| NewPassword::compute(pool.srp_pool_name(), &r.username, new_pw))
        } else {
            None
        };
        return state.store.tx(|tx| {
            let rec = tx
                .get::<SessionRec>(Kind::Session, &key)?
                .filter(|r| r.client_id == client.id && r.expires > now)
                .ok_or_else(|| {
                    ApiError::not_authorized(
                        "Your sign-in session has expired; please sign in again.",
                    )
                })?;
            let mut user = tx
                .user(&pool.id, &rec.username)?
                .ok_or_else(ApiError::user_not_found)?;
            match rec.challenge.as_str() {
                "HUI_NEW_PASSWORD" => {
                    let pw = f.get("new_password").map_or("", String::as_str);
                    if let Err(m) = util::check_password_policy(&pool.password_policy, pw) {
                        return Ok(LoginOutcome::NewPassword(session.clone(), Some(m)));
                    }
                    user.apply_password(pool.srp_pool_name(), pw, pre.as_ref());
                    user.status = UserStatus::Confirmed;
                    user.temp_password_expires = None;
                    user.modified = now;
                    auth::save_user(tx, pool, &user)?;
                    tx.delete(Kind::Session, &key)?;
                    after_password(state, tx, pool, client, &user)
                }
                "HUI_TOTP" => {
                    let code = f.get("totp_code").map_or("", String::as_str);
                    // Consumes the code's time step, as the API's SOFTWARE_TOKEN_MFA does:
                    // a code already used (here or there) is refused.
                    if let Err(e) = auth::check_mfa_throttle(state, tx, pool, &user) {
                        return Ok(LoginOutcome::Totp(session.clone(), Some(e.message)));
                    }
                    let right = user.take_totp(code, now);
                    auth::record_mfa_result(state, tx, pool, &user, right)?;
                    if !right {
                        auth::count_wrong_session_code(tx, &key, rec)?;
                        return Ok(LoginOutcome::Totp(
                            session.clone(),
                            Some("Invalid code or auth state for the user.".into()),
                        ));
                    }
                    auth::save_user(tx, pool, &user)?;
                    tx.delete(Kind::Session, &key)?;
                    Ok(LoginOutcome::Done(Box::new(user), now))
                }
                _ => Err(ApiError::not_authorized("Invalid session for the user.")),
            }
        });
    }
    let username = f.get("username").map_or("", String::as_str).trim();
    let password = f.get("password").map_or("", String::as_str);
    if username.is_empty() || password.is_empty() {
        return Err(ApiError::invalid_param("Enter your username and password."));
    }
    let Some(user) = state.store.tx(|tx| auth::find_user(tx, pool, username))? else {
        // The hosted UI never tells unknown users apart: the same password work and store
        // round trip as for a real one, then the answer of a wrong password.
        state.dummy_password_check(pool, password);
        state.store.tx(|tx| auth::find_user(tx, pool, username))?;
        return Err(ApiError::bad_credentials());
    };
    auth::check_lockout(&user, now)?;
    let ok = user.check_password(pool.srp_pool_name(), password);
    // `User is disabled.` only after a correct password: before it, it would confirm that the
    // account exists.
    if !user.enabled {
        return Err(if ok {
            ApiError::not_authorized("User is disabled.")
        } else {
            ApiError::bad_credentials()
        });
    }
    state
        .store
        .tx(|tx| -> Result<Result<LoginOutcome, ApiError>, ApiError> {
            let mut u = tx
                .user(&pool.id, &user.username)?
                .ok_or_else(ApiError::bad_credentials)?;
            auth::check_lockout(&u, now)?;
            if !ok {
                auth::record_failure(&mut u, now);
                auth::save_user(tx, pool, &u)?;
                return Ok(Err(ApiError::bad_credentials()));
            }
            u.failed_attempts = 0;
            u.lockout_until = 0;
            auth::save_user(tx, pool, &u)?;
            Ok(after_password(state, tx, pool, client, &u))
        })?
}

fn after_password(
    state: &AppState,
    tx: &crate::store::Tx<'_>,
    pool: &PoolConfig,
    client: &ClientConfig,
    user: &User,
) -> Result<LoginOutcome, ApiError> {
    let now = state.now();
    let mk = |challenge: &str| -> Result<String, ApiError> {
        let s = util::random_token(48);
        tx.put(
            Kind::Session,
            &util::sha256_hex(&s),
            &SessionRec {
                pool: pool.id.clone(),
                client_id: client.id.clone(),
                username: user.username.clone(),
                challenge: challenge.into(),
                expires: now + crate::api::SESSION_SECS,
                totp_verified: false,
                attempts: 0,
            },
        )?;
        Ok(s)
    };
    auth::check_password_status(user, now)?;
    match user.status {
        UserStatus::Unconfirmed => {
            if user.attr("email").is_some() {
                auth::send_code(
                    state,
                    tx,
                    pool,
                    &client.id,
                    user,
                    "ResendConfirmationCode",
                    "email",
                    24 * 3600,
                )?;
            }
            Ok(LoginOutcome::Unconfirmed(user.username.clone()))
        }
        UserStatus::ForceChangePassword => {
            Ok(LoginOutcome::NewPassword(mk("HUI_NEW_PASSWORD")?, None))
        }
        _ if user.totp_enabled && user.totp_secret.is_some() && pool.mfa != "OFF" => {
            Ok(LoginOutcome::Totp(mk("HUI_TOTP")?, None))
        }
        _ if pool.mfa == "ON" => Err(ApiError::invalid_param(
            "MFA setup is required; set up TOTP through the user-pool API (MFA_SETUP) first.",
        )),
        _ => Ok(LoginOutcome::Done(Box::new(user.clone()), now)),
    }
}

// ---------------------------------------------------------------------------------------------
// Sign-up, confirmation, forgot password: thin pages over the user-pool API

/// Calls operation `O` of the user-pool API in-process with `req`, the request a client sends.
fn call_api<O: Operation>(state: &AppState, req: &O::Request) -> Result<Value, ApiError> {
    let body = serde_json::to_vec(req)
        .map_err(|e| ApiError::internal(format!("cannot serialize {}: {e}", O::NAME)))?;
    crate::api::handle(
        state,
        Some(&wire::target(O::NAME)),
        Some(wire::CONTENT_TYPE_JSON_1_1),
        &body,
    )
}

/// One hosted-UI form's API call: the form's request, built from the app client (as
/// `cognito-core` fills `ClientId` and `SecretHash`) and the form fields, then sent.
type FormCall = fn(&AppState, &wire::ClientConfig, &Params) -> Result<Value, ApiError>;

struct SimpleForm<'a> {
    title: &'a str,
    action: &'a str,
    fields: Vec<(&'a str, &'a str, &'a str)>,
    button: &'a str,
}

#[allow(clippy::too_many_arguments)]
fn simple_page(
    a: &Authz<'_>,
    csrf_token: &str,
    cookies: &[String],
    form: &SimpleForm<'_>,
    values: &Params,
    error: Option<&str>,
    notice: Option<&str>,
    status: StatusCode,
) -> Response {
    let fields: String = form
        .fields
        .iter()
        .map(|(n, l, k)| {
            field(
                n,
                l,
                k,
                if *k == "password" {
                    ""
                } else {
                    values.get(*n).map_or("", String::as_str)
                },
            )
        })
        .collect();
    let q = html_escape(&query_string(&a.raw, &[]));
    let body = format!(
        "{msg}<form method=\"post\" action=\"{act}\">{csrf}{hidden}{fields}<button type=\"submit\">{b}</button></form>\
<nav><a href=\"/login?{q}\">Back to sign in</a></nav>",
        msg = messages(error, notice),
        act = form.action,
        csrf = csrf_field(csrf_token),
        hidden = hidden(&a.raw),
        b = html_escape(form.button),
    );
    page(status, form.title, &body, cookies)
}

fn signup_form() -> SimpleForm<'static> {
    SimpleForm {
        title: "Sign up",
        action: "/signup",
        button: "Sign up",
        fields: vec![
            ("username", "Username", "text"),
            ("email", "Email", "email"),
            ("password", "Password", "password"),
        ],
    }
}
fn confirm_form() -> SimpleForm<'static> {
    SimpleForm {
        title: "Confirm your account",
        action: "/confirmUser",
        fields: vec![
            ("username", "Username", "text"),
            ("code", "Confirmation code", "text"),
        ],
        button: "Confirm account",
    }
}
fn forgot_form() -> SimpleForm<'static> {
    SimpleForm {
        title: "Forgot your password?",
        action: "/forgotPassword",
        fields: vec![("username", "Username", "text")],
        button: "Reset my password",
    }
}
fn confirm_forgot_form() -> SimpleForm<'static> {
    SimpleForm {
        title: "Reset your password",
        action: "/confirmForgotPassword",
        fields: vec![
            ("username", "Username", "text"),
            ("code", "Code", "text"),
            ("password", "New password", "password"),
        ],
        button: "Change password",
    }
}

async fn show(state: &AppState, headers: &HeaderMap, p: &Params, form: SimpleForm<'_>) -> Response {
    let a = match parse_authz(state, p) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, p.get("state")),
    };
    let (token, cookies) = csrf(state, headers);
    simple_page(
        &a,
        &token,
        &cookies,
        &form,
        p,
        None,
        notice_text(p.get("notice")),
        StatusCode::OK,
    )
}

/// The GET route of a simple form page: shows `form` with the query's values and notice.
fn form_page(form: fn() -> SimpleForm<'static>) -> MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>, headers: HeaderMap, Query(p): Query<Params>| async move {
            show(&state, &headers, &p, form()).await
        },
    )
}

/// Where a successful form goes: path and extra query parameters.
type NextPage = fn(&Params) -> (&'static str, Vec<(&'static str, String)>);

/// Handles a hosted-UI form POST: CSRF check, one API call, then a redirect or the form with
/// the error.
async fn handle_post(
    state: AppState,
    headers: HeaderMap,
    body: Body,
    form: SimpleForm<'static>,
    call: FormCall,
    next: NextPage,
) -> Response {
    let f = match read_form(&headers, body).await {
        Ok(f) => f,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, e),
    };
    let a = match parse_authz(&state, &f) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, f.get("state")),
    };
    let (token, cookies) = csrf(&state, &headers);
    if !csrf_ok(&headers, &f) {
        return simple_page(
            &a,
            &token,
            &cookies,
            &form,
            &f,
            Some("Your session has expired; please try again."),
            None,
            StatusCode::FORBIDDEN,
        );
    }
    let config = match a.client.core_config(a.pool) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("client {}: {e}", a.client.id);
            return error_page(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.");
        }
    };
    let st = state.clone();
    let fields = f.clone();
    let result = tokio::task::spawn_blocking(move || call(&st, &config, &fields)).await;
    match result {
        Ok(Ok(_)) => {
            let (path, extra) = next(&f);
            let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            redirect(
                &format!("{path}?{}", query_string(&a.raw, &extra)),
                &cookies,
            )
        }
        Ok(Err(e)) => simple_page(
            &a,
            &token,
            &cookies,
            &form,
            &f,
            Some(&e.message),
            None,
            StatusCode::BAD_REQUEST,
        ),
        Err(_) => error_page(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error."),
    }
}

fn fv(f: &Params, k: &str) -> String {
    f.get(k).map_or(String::new(), |v| v.trim().to_string())
}

async fn signup_post(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    handle_post(
        state,
        headers,
        body,
        signup_form(),
        |state, config, f| {
            let req = ops::SignUpRequest::new(
                config,
                Username::new(fv(f, "username")),
                Password::new(f.get("password").cloned().unwrap_or_default()),
                vec![ops::AttributeType::new("email", fv(f, "email"))],
            );
            call_api::<ops::SignUp>(state, &req)
        },
        |f| {
            (
                "/confirmUser",
                vec![
                    ("username", fv(f, "username")),
                    ("notice", "code_sent".into()),
                ],
            )
        },
    )
    .await
}

async fn confirm_post(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    handle_post(
        state,
        headers,
        body,
        confirm_form(),
        |state, config, f| {
            let req = ops::ConfirmSignUpRequest::new(
                config,
                Username::new(fv(f, "username")),
                fv(f, "code"),
            );
            call_api::<ops::ConfirmSignUp>(state, &req)
        },
        |f| {
            (
                "/login",
                vec![
                    ("username", fv(f, "username")),
                    ("notice", "confirmed".into()),
                ],
            )
        },
    )
    .await
}

async fn forgot_post(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    handle_post(
        state,
        headers,
        body,
        forgot_form(),
        |state, config, f| {
            let req = ops::ForgotPasswordRequest::new(config, Username::new(fv(f, "username")));
            call_api::<ops::ForgotPassword>(state, &req)
        },
        |f| {
            (
                "/confirmForgotPassword",
                vec![
                    ("username", fv(f, "username")),
                    ("notice", "code_sent".into()),
                ],
            )
        },
    )
    .await
}

async fn confirm_forgot_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    handle_post(
        state,
        headers,
        body,
        confirm_forgot_form(),
        |state, config, f| {
            let req = ops::ConfirmForgotPasswordRequest::new(
                config,
                Username::new(fv(f, "username")),
                fv(f, "code"),
                Password::new(f.get("password").cloned().unwrap_or_default()),
            );
            call_api::<ops::ConfirmForgotPassword>(state, &req)
        },
        |f| {
            (
                "/login",
                vec![("username", fv(f, "username")), ("notice", "reset".into())],
            )
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// /oauth2/token

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"error": error, "error_description": description}).to_string(),
    )
        .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[allow(clippy::result_large_err)]
/// Client authentication: HTTP Basic or `client_id` (+ `client_secret`) in the body.
fn authenticate_client<'s>(
    state: &'s AppState,
    headers: &HeaderMap,
    f: &Params,
) -> Result<(&'s PoolConfig, &'s ClientConfig), Response> {
    let invalid = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_client", d);
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .map(|b| {
            let decoded = STANDARD
                .decode(b.trim())
                .ok()
                .and_then(|d| String::from_utf8(d).ok());
            decoded.and_then(|s| {
                s.split_once(':').map(|(i, p)| {
                    let dec = |x: &str| {
                        percent_encoding::percent_decode_str(x)
                            .decode_utf8_lossy()
                            .into_owned()
                    };
                    (dec(i), dec(p))
                })
            })
        });
    let (id, secret) = match basic {
        Some(Some((i, p))) => (i, Some(p)),
        Some(None) => return Err(invalid("malformed Basic authorization")),
        None => match f.get("client_id") {
            Some(i) => (i.clone(), f.get("client_secret").cloned()),
            None => return Err(invalid("client authentication required")),
        },
    };
    if let Some(body_id) = f.get("client_id") {
        if *body_id != id {
            return Err(invalid("client_id does not match the authenticated client"));
        }
    }
    let Some((pool, client)) = state.client(&id) else {
        return Err(invalid("unknown client"));
    };
    match (&client.secret, secret) {
        (None, _) => Ok((pool, client)),
        (Some(s), Some(g)) if util::ct_eq(s, &g) => Ok((pool, client)),
        (Some(_), _) => Err(invalid("client authentication failed")),
    }
}

async fn token(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let f = match read_form(&headers, body).await {
        Ok(f) => f,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", e),
    };
    let (pool, client) = match authenticate_client(&state, &headers, &f) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let st = state.clone();
    let (pool, client) = (pool.clone(), client.clone());
    let result = tokio::task::spawn_blocking(move || token_grant(&st, &pool, &client, &f)).await;
    match result.map(|r| r.map(|tokens| serde_json::to_string(&tokens))) {
        Ok(Ok(Ok(body))) => {
            let mut r = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r.headers_mut()
                .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            r
        }
        Ok(Err((e, d))) => oauth_error(StatusCode::BAD_REQUEST, e, &d),
        Ok(Ok(Err(_))) | Err(_) => oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "internal error",
        ),
    }
}

type GrantResult = Result<TokenResponse, (&'static str, String)>;

fn token_grant(
    state: &AppState,
    pool: &PoolConfig,
    client: &ClientConfig,
    f: &Params,
) -> GrantResult {
    let internal = |e: ApiError| ("server_error", e.message);
    match f.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let code = f
                .get("code")
                .filter(|c| !c.is_empty())
                .ok_or(("invalid_request", "code is required".into()))?;
            let redirect_uri = f
                .get("redirect_uri")
                .filter(|c| !c.is_empty())
                .ok_or(("invalid_request", "redirect_uri is required".into()))?;
            let now = state.now();
            state
                .store
                .tx(
                    |tx| -> Result<Result<auth::Unsigned<'_>, (&'static str, String)>, ApiError> {
                        let key = util::sha256_hex(code);
                        // Single use: the code is consumed by any redemption attempt.
                        let Some(rec) = tx.get::<AuthCode>(Kind::AuthCode, &key)? else {
                            return Ok(Err((
                                "invalid_grant",
                                "invalid or already used code".into(),
                            )));
                        };
                        tx.delete(Kind::AuthCode, &key)?;
                        if rec.client_id != client.id || rec.pool != pool.id {
                            return Ok(Err((
                                "invalid_grant",
                                "code was issued to another client".into(),
                            )));
                        }
                        if rec.redirect_uri != *redirect_uri {
                            return Ok(Err((
                                "invalid_grant",
                                "redirect_uri does not match".into(),
                            )));
                        }
                        if now > rec.expires {
                            return Ok(Err(("invalid_grant", "code expired".into())));
                        }
                        if let Some(ch) = &rec.code_challenge {
                            let Some(v) = f.get("code_verifier") else {
                                return Ok(Err((
                                    "invalid_grant",
                                    "code_verifier is required".into(),
                                )));
                            };
                            let computed = match rec.code_challenge_method.as_deref() {
                                Some("S256") => {
                                    URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes()))
                                }
                                _ => v.clone(),
                            };
                            if !util::ct_eq(&computed, ch) {
                                return Ok(Err((
                                    "invalid_grant",
                                    "code_verifier does not match the code_challenge".into(),
                                )));
                            }
                        }
                        // By `sub`: the user who signed in, whatever their name is now bound to.
                        let Some(user) = tx.user_by_sub(&pool.id, &rec.sub)? else {
                            return Ok(Err(("invalid_grant", "user no longer exists".into())));
                        };
                        if user.sub != rec.sub {
                            // Deleted and re-created under the same name: not the user who
                            // signed in.
                            return Ok(Err(("invalid_grant", "user no longer exists".into())));
                        }
                        if !user.enabled {
                            return Ok(Err(("invalid_grant", "User is disabled.".into())));
                        }
                        let with_id = rec.scope.iter().any(|s| s == "openid");
                        let t = auth::issue(
                            state,
                            tx,
                            pool,
                            client,
                            &user,
                            rec.auth_time,
                            rec.scope.clone(),
                            rec.nonce.as_deref(),
                            with_id,
                            true,
                        )?;
                        Ok(Ok(t))
                    },
                )
                .map_err(internal)?
                // Signed after the commit, outside the store lock.
                .and_then(|t| t.sign(state).map(auth::token_response).map_err(internal))
        }
        Some("refresh_token") => {
            let rt = f
                .get("refresh_token")
                .filter(|c| !c.is_empty())
                .ok_or(("invalid_request", "refresh_token is required".into()))?;
            state
                .store
                .tx(|tx| match auth::refresh(state, tx, pool, client, rt) {
                    // The token endpoint rotates too (AWS), spending the old token.
                    Ok(t) if client.refresh_token_rotation => {
                        auth::rotate(state, tx, client, rt, t).map(Ok)
                    }
                    Ok(t) => Ok(Ok(t)),
                    Err(e) if e.code == CognitoErrorCode::NotAuthorizedException => {
                        Ok(Err(("invalid_grant", e.message)))
                    }
                    Err(e) => Err(e),
                })
                .map_err(internal)?
                .and_then(|t| t.sign(state).map(auth::token_response).map_err(internal))
        }
        Some("client_credentials") => Err((
            "unauthorized_client",
            "client_credentials is not supported for this client".into(),
        )),
        Some(_) => Err(("unsupported_grant_type", "unsupported grant_type".into())),
        None => Err(("invalid_request", "grant_type is required".into())),
    }
}

// ---------------------------------------------------------------------------------------------
// /oauth2/userInfo, /oauth2/revoke, /logout

async fn user_info(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .map(str::to_string);
    let unauthorized = |desc: &str| {
        let mut r = (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            json!({"error": "invalid_token", "error_description": desc}).to_string(),
        )
            .into_response();
        if let Ok(v) = HeaderValue::from_str(&format!(
            "Bearer error=\"invalid_token\", error_description=\"{desc}\""
        )) {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        r
    };
    let Some(token) = bearer else {
        let mut r = oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Bearer access token required",
        );
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_request\""),
        );
        return r;
    };
    let ctx = match crate::blocking(&state, move |st| {
        st.store.read(|tx| auth::validate_access(st, tx, &token))
    })
    .await
    {
        Ok(c) => c,
        Err(e) if e.code == CognitoErrorCode::InternalErrorException => {
            return oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                &e.message,
            )
        }
        Err(e) => return unauthorized(&e.message),
    };
    let scope = ctx
        .claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !scope.split(' ').any(|s| s == "openid" || s == ADMIN_SCOPE) {
        return unauthorized("Access token does not have the openid scope");
    }
    let client = ctx
        .claims
        .get("client_id")
        .and_then(Value::as_str)
        .and_then(|c| state.client(c))
        .map(|(_, c)| c);
    let mut out = serde_json::Map::new();
    out.insert("sub".into(), json!(ctx.user.sub));
    for (k, v) in ctx
        .user
        .attributes
        .iter()
        .filter(|(k, _)| client.is_some_and(|c| c.can_read(k)))
    {
        out.insert(k.clone(), json!(v));
    }
    out.insert("username".into(), json!(ctx.user.username));
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Value::Object(out).to_string(),
    )
        .into_response()
}

async fn revoke(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let f = match read_form(&headers, body).await {
        Ok(f) => f,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", e),
    };
    let (_, client) = match authenticate_client(&state, &headers, &f) {
        Ok(c) => c,
        Err(_) => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client authentication failed",
            )
        }
    };
    let Some(t) = f.get("token").filter(|t| !t.is_empty()) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
        );
    };
    if t.split('.').count() == 3 {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_token_type",
            "only refresh tokens can be revoked",
        );
    }
    let (t, client_id) = (t.clone(), client.id.clone());
    let r = crate::blocking(&state, move |st| {
        st.store.tx(|tx| {
            if let Some(fkey) = auth::refresh_family_key(st, tx, &t)? {
                if let Some(mut fam) = tx.get::<crate::state::Family>(Kind::Family, &fkey)? {
                    if fam.client_id == client_id {
                        fam.revoked = true;
                        tx.put(Kind::Family, &fkey, &fam)?;
                    }
                }
            }
            Ok::<_, ApiError>(())
        })
    })
    .await;
    match r {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            &e.message,
        ),
    }
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    let Some((_, client)) = p.get("client_id").and_then(|c| state.client(c)) else {
        return error_page(StatusCode::BAD_REQUEST, "Missing or unknown client_id.");
    };
    let target = if let Some(lu) = p.get("logout_uri") {
        if !client.logout_urls.iter().any(|u| u == lu) {
            return error_page(
                StatusCode::BAD_REQUEST,
                "The logout_uri is not registered for this client.",
            );
        }
        lu.clone()
    } else if p.contains_key("redirect_uri") {
        match parse_authz(&state, &p) {
            Ok(a) => format!(
                "/login?{}",
                query_string(&a.raw, &[("notice", "signed_out")])
            ),
            Err(e) => return authz_error_response(e, p.get("state")),
        }
    } else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Missing required parameter logout_uri.",
        );
    };
    if let Some(sid) = cookie(&headers, SESSION_COOKIE) {
        let key = util::sha256_hex(&sid);
        if let Err(e) = crate::blocking(&state, move |st| {
            Ok(st.store.tx(|tx| tx.delete(Kind::UiSession, &key))?)
        })
        .await
        {
            return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.message);
        }
    }
    let clear = format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        secure_attr(&state)
    );
    redirect(&target, &[clear])
}
