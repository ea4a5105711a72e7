//! Hosted UI and OAuth 2.0 endpoints.

use axum::Router;

use crate::state::AppState;

/// Routes of the hosted UI and the OAuth 2.0 endpoints.
pub fn routes() -> Router<AppState> {
    Router::new()
}
