//! AWS-style user-pool API errors: HTTP 400 (500 for InternalErrorException), headers
//! `x-amzn-ErrorType` / `x-amzn-ErrorMessage`, body `{"__type": ..., "message": ...}`.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cognito_core::wire::CONTENT_TYPE_JSON_1_1;
use cognito_core::CognitoErrorCode;
use serde_json::json;

use crate::store::StoreError;

/// An error returned by a user-pool API operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The exception, e.g. `NotAuthorizedException`: the client's own vocabulary
    /// (`cognito-core`), so what the server sends is what the client matches on.
    pub code: CognitoErrorCode,
    /// Human-readable message.
    pub message: String,
}

impl ApiError {
    /// Any error.
    pub fn new(code: CognitoErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
    /// NotAuthorizedException.
    pub fn not_authorized(message: impl Into<String>) -> Self {
        Self::new(CognitoErrorCode::NotAuthorizedException, message)
    }
    /// NotAuthorizedException `Incorrect username or password.`
    #[must_use]
    pub fn bad_credentials() -> Self {
        Self::not_authorized("Incorrect username or password.")
    }
    /// InvalidParameterException.
    pub fn invalid_param(message: impl Into<String>) -> Self {
        Self::new(CognitoErrorCode::InvalidParameterException, message)
    }
    /// UserNotFoundException `User does not exist.`
    #[must_use]
    pub fn user_not_found() -> Self {
        Self::new(
            CognitoErrorCode::UserNotFoundException,
            "User does not exist.",
        )
    }
    /// ResourceNotFoundException for an unknown client id.
    pub fn unknown_client(client_id: &str) -> Self {
        Self::new(
            CognitoErrorCode::ResourceNotFoundException,
            format!("User pool client {client_id} does not exist."),
        )
    }
    /// CodeMismatchException.
    #[must_use]
    pub fn code_mismatch() -> Self {
        Self::new(
            CognitoErrorCode::CodeMismatchException,
            "Invalid verification code provided, please try again.",
        )
    }
    /// ExpiredCodeException.
    #[must_use]
    pub fn expired_code() -> Self {
        Self::new(
            CognitoErrorCode::ExpiredCodeException,
            "Invalid code provided, please request a code again.",
        )
    }
    /// InternalErrorException (HTTP 500).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(CognitoErrorCode::InternalErrorException, message)
    }

    /// HTTP status: 500 for InternalErrorException, 400 otherwise.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        if self.code == CognitoErrorCode::InternalErrorException {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::BAD_REQUEST
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!("storage error: {e}");
        Self::internal("Internal server error.")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code.as_str();
        let body = json!({"__type": code, "message": self.message}).to_string();
        let mut resp = (self.status(), body).into_response();
        let h = resp.headers_mut();
        h.insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static(CONTENT_TYPE_JSON_1_1),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("{code}:")) {
            h.insert("x-amzn-errortype", v);
        }
        // Header values must be visible ASCII; replace anything else.
        let msg: String = self
            .message
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        if let Ok(v) = HeaderValue::from_str(&msg) {
            h.insert("x-amzn-errormessage", v);
        }
        resp
    }
}
