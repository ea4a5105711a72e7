//! `cognito-local`: a local Amazon-Cognito-compatible user-pool server for development and tests.
//!
//! It serves the user-pool JSON API (`POST /` with `X-Amz-Target`) with real SRP verification,
//! RS256 tokens with a JWKS, a hosted UI with OAuth 2.0 code + PKCE, and AWS-like CORS headers,
//! keeping its state in SQLite (or in memory).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use cognito_local::{app, config::Config, state::{AppState, Options}};
//! let state = AppState::new(Config::default_config()?, Options::in_memory())?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! axum::serve(listener, app(state)).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod config;
pub mod error;
pub mod jwt;
pub mod oauth;
pub mod serve;
pub mod state;
pub mod store;
pub mod util;

use axum::body::{to_bytes, Body};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use cognito_core::{wire, CognitoErrorCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use crate::error::ApiError;
use crate::state::AppState;

/// Largest accepted API request body.
pub const MAX_BODY: usize = 1 << 20;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", post(api_handler).get(root_info))
        .route("/{pool_id}/.well-known/jwks.json", get(jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(discovery),
        )
        .merge(oauth::routes())
        .fallback(not_found)
        .layer(cors())
        .layer(axum::middleware::map_request(filter_requested_headers))
        // Added after the CORS layer: `/_dev/*` sends no CORS headers, so other origins
        // cannot read the codes and temporary passwords.
        .route("/_dev/outbox", get(outbox))
        // Outermost: every body is read here, within the size limit and the body deadline.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit_body,
        ))
        .with_state(state)
}

/// Reads the request body before any handler: a `Content-Length` over [`MAX_BODY`] is refused
/// from the header alone (413, nothing read), a longer chunked body once it passes the limit,
/// and a body not complete within `[server] body_timeout_ms` gets 408. Both close the
/// connection.
async fn limit_body(
    State(state): State<AppState>,
    req: axum::http::Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().parse::<u64>());
    let too_large = || {
        closing(
            StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::invalid_param(format!("Request body too large (at most {MAX_BODY} bytes)")),
        )
    };
    match declared {
        Some(Ok(n)) if n > MAX_BODY as u64 => return too_large(),
        Some(Err(_)) => {
            return closing(
                StatusCode::BAD_REQUEST,
                ApiError::invalid_param("Malformed Content-Length"),
            )
        }
        _ => {}
    }
    let (parts, body) = req.into_parts();
    let deadline = std::time::Duration::from_millis(state.config.server.body_timeout_ms);
    let bytes = match tokio::time::timeout(deadline, to_bytes(body, MAX_BODY)).await {
        Err(_) => {
            return closing(
                StatusCode::REQUEST_TIMEOUT,
                ApiError::invalid_param("Request body not received in time"),
            )
        }
        Ok(Err(_)) => return too_large(),
        Ok(Ok(b)) => b,
    };
    next.run(axum::http::Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// An AWS-style error with another status, on a connection that is then closed.
fn closing(status: StatusCode, e: ApiError) -> Response {
    let mut r = e.into_response();
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r.headers_mut().insert("x-amzn-requestid", request_id());
    r
}

/// The `Origin` of a browser request, if any.
fn origin(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
}

/// Whether `origin` is this server itself: the issuer base, or the loopback `Host` it was
/// reached at. A non-loopback `Host` equal to the origin is not enough: a DNS-rebinding page
/// (`evil.example` resolving to 127.0.0.1) is same-origin with itself.
fn same_origin(state: &AppState, headers: &HeaderMap, origin: &str) -> bool {
    let origin = origin.trim_end_matches('/');
    if url::Url::parse(&state.issuer_base).is_ok_and(|u| u.origin().ascii_serialization() == origin)
    {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let loopback = url::Url::parse(origin).is_ok_and(|u| is_loopback(u.host()));
    loopback
        && host.is_some_and(|h| origin == format!("http://{h}") || origin == format!("https://{h}"))
}

/// `localhost` or a loopback address.
fn is_loopback(host: Option<url::Host<&str>>) -> bool {
    match host {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether the `Host` the request was sent to names this server: absent (in-process callers),
/// a loopback name or address, or the issuer base's host. Browsers send no `Origin` on a
/// same-origin `GET`, so a DNS-rebinding page (`evil.example` re-pointed at 127.0.0.1) is only
/// recognisable by its `Host`.
fn trusted_host(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST) else {
        return true;
    };
    let Some(parsed) = host
        .to_str()
        .ok()
        .and_then(|h| url::Url::parse(&format!("http://{h}")).ok())
    else {
        return false;
    };
    is_loopback(parsed.host())
        || url::Url::parse(&state.issuer_base).is_ok_and(|issuer| {
            issuer.host_str().is_some() && issuer.host_str() == parsed.host_str()
        })
}

/// Request headers a preflight may ask for besides every `x-amz-*` and `amz-sdk-*` header.
const ALLOWED_HEADERS: &[&str] = &["content-type", "cache-control", "authorization"];

/// Whether a browser may send this request header cross-origin.
fn header_allowed(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    ALLOWED_HEADERS.contains(&n.as_str()) || n.starts_with("x-amz-") || n.starts_with("amz-sdk-")
}

/// Keeps only the allowed names in a preflight's `Access-Control-Request-Headers`, which the
/// CORS layer then mirrors: every `x-amz-*` / `amz-sdk-*` header the AWS SDKs add (e.g.
/// `x-amz-content-sha256`) is granted without a fixed list, anything else is not.
async fn filter_requested_headers(mut req: axum::http::Request<Body>) -> axum::http::Request<Body> {
    let name = header::ACCESS_CONTROL_REQUEST_HEADERS;
    if let Some(v) = req.headers().get(&name).and_then(|v| v.to_str().ok()) {
        let kept: Vec<&str> = v
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty() && header_allowed(h))
            .collect();
        match HeaderValue::from_str(&kept.join(",")) {
            Ok(hv) if !kept.is_empty() => {
                req.headers_mut().insert(&name, hv);
            }
            _ => {
                req.headers_mut().remove(&name);
            }
        }
    }
    req
}

/// CORS like AWS: any origin, the SDK headers, and the `x-amzn-*` response headers exposed.
fn cors() -> CorsLayer {
    let expose: Vec<HeaderName> = [
        "x-amzn-requestid",
        "x-amzn-errortype",
        "x-amzn-errormessage",
        "date",
    ]
    .iter()
    .map(|h| HeaderName::from_static(h))
    .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(expose)
        .max_age(std::time::Duration::from_secs(86_400))
}

/// Runs store work (SQLite behind the global lock) on tokio's blocking pool, so that waiting for
/// the lock or the disk never stalls an async worker.
pub(crate) async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let st = state.clone();
    match tokio::task::spawn_blocking(move || f(&st)).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("blocking task failed: {e}");
            Err(ApiError::internal("Internal server error."))
        }
    }
}

fn request_id() -> HeaderValue {
    HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
        .unwrap_or(HeaderValue::from_static("0"))
}

async fn api_handler(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let browser_admin = target
        .as_deref()
        .and_then(wire::operation_of_target)
        .is_some_and(|op| op.starts_with("Admin"))
        && origin(&headers).is_some()
        && !state.config.server.allow_browser_admin;
    let result = if browser_admin {
        tracing::warn!(
            origin = origin(&headers).unwrap_or_default(),
            "refused an Admin* operation from a browser (set [server] allow_browser_admin = true to allow)"
        );
        Err(ApiError::new(
            CognitoErrorCode::AccessDeniedException,
            "Admin operations are not accepted from browsers (the request has an Origin header); \
             cognito-local has no IAM. Call them from a server or script, or set \
             [server] allow_browser_admin = true.",
        ))
    } else {
        match to_bytes(body, MAX_BODY).await {
            Err(_) => Err(ApiError::invalid_param(
                "Request body too large or unreadable",
            )),
            Ok(bytes) => {
                let op = target.clone().unwrap_or_default();
                let st = state.clone();
                match tokio::task::spawn_blocking(move || {
                    api::handle(&st, target.as_deref(), ct.as_deref(), &bytes)
                })
                .await
                {
                    Ok(r) => {
                        match &r {
                            Ok(_) => tracing::debug!(op, "ok"),
                            Err(e) => tracing::info!(op, "{e}"),
                        }
                        r
                    }
                    Err(e) => {
                        tracing::error!(op, "operation panicked: {e}");
                        Err(ApiError::internal("Internal server error."))
                    }
                }
            }
        }
    };
    let mut resp = match result {
        Ok(v) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(wire::CONTENT_TYPE_JSON_1_1),
            )],
            v.to_string(),
        )
            .into_response(),
        Err(e) => e.into_response(),
    };
    resp.headers_mut().insert("x-amzn-requestid", request_id());
    resp
}

async fn root_info() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "cognito-local: POST / with X-Amz-Target: {}\n",
            wire::target("<Operation>")
        ),
    )
        .into_response()
}

fn json_response(status: StatusCode, v: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

async fn jwks(State(state): State<AppState>, Path(pool_id): Path<String>) -> Response {
    match state.keys.get(&pool_id) {
        Some(k) => json_response(
            StatusCode::OK,
            &json!({"keys": [k.id.jwk(), k.access.jwk()]}),
        ),
        None => pool_not_found(&pool_id),
    }
}

fn pool_not_found(pool_id: &str) -> Response {
    ApiError::new(
        CognitoErrorCode::ResourceNotFoundException,
        format!("User pool {pool_id} does not exist."),
    )
    .into_response()
}

async fn discovery(State(state): State<AppState>, Path(pool_id): Path<String>) -> Response {
    if state.pool(&pool_id).is_none() {
        return pool_not_found(&pool_id);
    }
    let base = &state.issuer_base;
    let iss = state.issuer(&pool_id);
    let pkce_methods: &[&str] = if state.config.server.allow_pkce_plain {
        &["S256", "plain"]
    } else {
        &["S256"]
    };
    json_response(
        StatusCode::OK,
        &json!({
            "issuer": iss,
            "authorization_endpoint": format!("{base}/oauth2/authorize"),
            "token_endpoint": format!("{base}/oauth2/token"),
            "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
            "revocation_endpoint": format!("{base}/oauth2/revoke"),
            "end_session_endpoint": format!("{base}/logout"),
            "jwks_uri": format!("{iss}/.well-known/jwks.json"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "code_challenge_methods_supported": pkce_methods,
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "email", "email_verified", "cognito:username", "cognito:groups"],
        }),
    )
}

async fn outbox(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let foreign_origin = origin(&headers).filter(|o| !same_origin(&state, &headers, o));
    if foreign_origin.is_some() || !trusted_host(&state, &headers) {
        tracing::warn!(
            origin = foreign_origin,
            "refused /_dev/outbox to another origin or host"
        );
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The dev outbox is only served on this server's own host, to its own origin.\n",
        )
            .into_response();
    }
    let username = q.get("username").cloned();
    match blocking(&state, move |st| {
        let mut messages = st.store.read(|t| t.outbox(username.as_deref()))?;
        messages.extend(st.memory_outbox(username.as_deref()));
        // Stable: equal times keep the database messages first.
        messages.sort_by_key(|m| m.get("createdAt").and_then(Value::as_i64).unwrap_or(0));
        Ok::<_, ApiError>(messages)
    })
    .await
    {
        Ok(messages) => json_response(StatusCode::OK, &json!({"messages": messages})),
        Err(e) => e.into_response(),
    }
}

async fn not_found(method: Method) -> Response {
    if method == Method::POST {
        return ApiError::new(
            CognitoErrorCode::UnknownOperationException,
            "Unknown operation",
        )
        .into_response();
    }
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Not found\n",
    )
        .into_response()
}
