//! The demo's protected API, and the pieces any other axum service can reuse against real
//! Amazon Cognito.
//!
//! - [`verifier`]: RS256 verification of Cognito ID / access tokens against the pool's JWKS
//!   (cached; refetched for an unknown `kid` at most once per back-off), with every claim check
//!   on unless explicitly turned off.
//! - [`extract::Authenticated`]: an axum extractor giving a handler the verified claims, or a
//!   401 with `WWW-Authenticate: Bearer error="invalid_token"` and a generic body (the reason
//!   goes to the log).
//! - [`authorizer`]: the same decision in API Gateway's Lambda authorizer shape.
//! - [`app`]: the demo API itself: notes kept per user (`sub`) in SQLite.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use cognito_api::{app, verifier::{HttpJwks, Verifier, VerifierConfig}, AppState, notes::Notes};
//! let verifier = Verifier::new(
//!     VerifierConfig::for_pool("eu-west-1_AbC123", "app-client-id")?,
//!     Arc::new(HttpJwks::new()?),
//! );
//! let state = AppState::new(verifier, Notes::in_memory()?, vec!["https://app.example".into()]);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8081").await?;
//! axum::serve(listener, app(state)).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub mod authorizer;
pub mod extract;
pub mod notes;
pub mod verifier;

use axum::extract::{FromRef, Path, Query, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Deserialize;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::extract::Authenticated;
use crate::notes::{Notes, NotesError};
use crate::verifier::Verifier;

/// The group whose members may list every user's notes.
pub const ADMIN_GROUP: &str = "admin";

/// Largest accepted request body.
pub const MAX_BODY: usize = 16 * 1024;

/// What the handlers share.
#[derive(Clone, Debug)]
pub struct AppState {
    verifier: Verifier,
    notes: Notes,
    allowed_origins: Vec<String>,
}

impl AppState {
    /// State for [`app`]: the verifier, the notes database and the browser origins allowed by
    /// CORS (the demo's, and nothing else).
    #[must_use]
    pub fn new(verifier: Verifier, notes: Notes, allowed_origins: Vec<String>) -> Self {
        Self {
            verifier,
            notes,
            allowed_origins,
        }
    }
}

impl FromRef<AppState> for Verifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// An error answer: 400 with the reason for bad input, 403 / 404 with a fixed text, 500 with
/// nothing (the cause is logged).
#[derive(Debug)]
struct ApiError(StatusCode, String);

impl From<NotesError> for ApiError {
    fn from(e: NotesError) -> Self {
        match e {
            NotesError::Invalid(m) => ApiError(StatusCode::BAD_REQUEST, m),
            NotesError::NotFound => ApiError(StatusCode::NOT_FOUND, "note not found".into()),
            other => {
                tracing::error!("notes: {other}");
                ApiError(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({"message": self.1}))).into_response()
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, NotesError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => {
            tracing::error!("notes task: {e}");
            Err(ApiError(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error".into(),
            ))
        }
    }
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    all: bool,
}

async fn list_notes(
    State(state): State<AppState>,
    user: Authenticated,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    if q.all && !user.in_group(ADMIN_GROUP) {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            format!("listing everyone's notes needs the {ADMIN_GROUP} group"),
        ));
    }
    let owner = (!q.all).then(|| user.sub().to_owned());
    let notes = state.notes.clone();
    let list = blocking(move || notes.list(owner.as_deref())).await?;
    Ok(Json(serde_json::json!({ "notes": list })).into_response())
}

#[derive(Deserialize)]
struct NewNote {
    text: String,
}

async fn add_note(
    State(state): State<AppState>,
    user: Authenticated,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let input: NewNote = serde_json::from_slice(&body).map_err(|_| {
        ApiError(
            StatusCode::BAD_REQUEST,
            r#"expected a JSON body {"text": "..."}"#.into(),
        )
    })?;
    let notes = state.notes.clone();
    let owner = user.sub().to_owned();
    let note = blocking(move || notes.add(&owner, &input.text, now())).await?;
    Ok((StatusCode::CREATED, Json(note)).into_response())
}

async fn delete_note(
    State(state): State<AppState>,
    user: Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError(StatusCode::BAD_REQUEST, "a note id is a number".into()))?;
    let notes = state.notes.clone();
    let owner = user.sub().to_owned();
    blocking(move || notes.delete(&owner, id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn me(user: Authenticated) -> Json<serde_json::Value> {
    let c = &user.0;
    Json(serde_json::json!({
        "sub": c.sub,
        "username": c.cognito_username,
        "email": c.email,
        "groups": c.cognito_groups,
        "exp": c.exp,
    }))
}

fn cors(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600))
}

/// The API: `GET /notes` (yours; `?all=true` everyone's, for the `admin` group), `POST /notes`
/// `{"text"}`, `DELETE /notes/{id}`, `GET /me`, `GET /health`. Every route but `/health`
/// needs a valid ID token.
pub fn app(state: AppState) -> Router {
    let cors = cors(&state.allowed_origins);
    Router::new()
        .route("/notes", get(list_notes).post(add_note))
        .route("/notes/{id}", delete(delete_note))
        .route("/me", get(me))
        .route("/health", get(|| async { "ok" }))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(cors)
        .with_state(state)
}
