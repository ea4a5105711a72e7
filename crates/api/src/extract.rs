//! The axum extractor that turns `Authorization: Bearer <token>` into verified claims.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use cognito_core::jwt::Claims;

use crate::verifier::Verifier;

/// The verified claims of the request's bearer token.
///
/// Use it as a handler argument in any router whose state gives a [`Verifier`] (`FromRef`):
/// a request without a valid token never reaches the handler.
#[derive(Clone, Debug)]
pub struct Authenticated(pub Claims);

impl Authenticated {
    /// The user's `sub`.
    #[must_use]
    pub fn sub(&self) -> &str {
        self.0.sub.as_deref().unwrap_or_default()
    }

    /// Whether the user is in the `cognito:groups` group `group`.
    #[must_use]
    pub fn in_group(&self, group: &str) -> bool {
        self.0.cognito_groups.iter().any(|g| g == group)
    }
}

/// The 401 an unverified request gets: `WWW-Authenticate: Bearer error="invalid_token"` for a
/// token that failed, plain `Bearer` when none was sent (RFC 6750 §3.1: no error code for a
/// request without credentials), and a body that says nothing more. The reason is logged.
#[derive(Debug)]
pub struct Unauthorized {
    token_sent: bool,
}

impl IntoResponse for Unauthorized {
    fn into_response(self) -> Response {
        let challenge = if self.token_sent {
            r#"Bearer realm="cognito-api", error="invalid_token""#
        } else {
            r#"Bearer realm="cognito-api""#
        };
        let mut resp = (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"message": "Unauthorized"})),
        )
            .into_response();
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
        resp
    }
}

impl<S> FromRequestParts<S> for Authenticated
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Unauthorized;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            tracing::info!("401: no Authorization header");
            return Err(Unauthorized { token_sent: false });
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            tracing::info!("401: Authorization is not a Bearer token");
            return Err(Unauthorized { token_sent: true });
        };
        match verifier.verify(token).await {
            Ok(claims) => Ok(Authenticated(claims)),
            Err(e) => {
                tracing::info!("401: {e}");
                Err(Unauthorized { token_sent: true })
            }
        }
    }
}
