//! `POST /`: the user-pool JSON API (`X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`).
//!
//! Requests are parsed by hand from `serde_json::Value` so that every missing, oversized or
//! mistyped parameter gets AWS's exception name rather than a generic error.
//!
//! `Admin*` operations are accepted without SigV4 (a local server has no IAM); do not expose
//! this server beyond loopback.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use cognito_core::ops::{self, AuthFlow, ChallengeName, Operation as _, VerifySoftwareTokenStatus};
use cognito_core::types::{ChallengeSession, TotpSecret, Username};
use cognito_core::wire::{self, CONTENT_TYPE_JSON_1_1};
use cognito_core::CognitoErrorCode;

use crate::auth::{self, ADMIN_SCOPE};
use crate::config::{
    ClientConfig, PoolConfig, MAX_CUSTOM_ATTRIBUTES, STANDARD_ATTRIBUTES, VERIFICATION_FLAGS,
};
use crate::error::ApiError;
use crate::state::{AppState, NewPassword, SessionRec, SrpRec, User, UserStatus};
use crate::store::{Kind, Tx};
use crate::util;

mod admin;
mod common;
mod mfa;
mod request;
mod sign_in;
mod sign_up;
mod user;

use admin::*;
use common::*;
use mfa::*;
use request::*;
use sign_in::*;
use sign_up::*;
use user::*;

/// Allowed clock difference for the SRP TIMESTAMP.
pub const TIMESTAMP_SKEW_SECS: i64 = 300;
/// Lifetime of SRP state and challenge sessions.
pub const SESSION_SECS: i64 = 300;

const SIGNUP_CODE_SECS: i64 = 24 * 3600;
const RESET_CODE_SECS: i64 = 3600;

/// Handles one API call given the target header, the content type and the raw body.
///
/// # Errors
/// Any AWS-style exception.
pub fn handle(
    state: &AppState,
    target: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Value, ApiError> {
    let ct_ok = content_type.is_some_and(|ct| {
        let base = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        base == CONTENT_TYPE_JSON_1_1
            || base == "application/json"
            || base == "application/x-amz-json-1.0"
    });
    let Some(op) = target.and_then(wire::operation_of_target) else {
        return Err(ApiError::new(
            CognitoErrorCode::UnknownOperationException,
            "Unknown operation",
        ));
    };
    if !ct_ok {
        return Err(ApiError::new(
            CognitoErrorCode::UnknownOperationException,
            format!("Unsupported content type; expected {CONTENT_TYPE_JSON_1_1}"),
        ));
    }
    let Some(&(_, handler)) = ROUTES.iter().find(|(name, _)| *name == op) else {
        return Err(ApiError::new(
            CognitoErrorCode::UnknownOperationException,
            format!("Unknown operation {op}"),
        ));
    };
    let v: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(body).map_err(|_| {
            ApiError::new(
                CognitoErrorCode::SerializationException,
                "Malformed request body: not valid JSON",
            )
        })?
    };
    let Value::Object(m) = v else {
        return Err(ApiError::new(
            CognitoErrorCode::SerializationException,
            "Start of structure or map expected",
        ));
    };
    handler(state, &Req(&m))
}

/// One operation's handler.
type Handler = fn(&AppState, &Req<'_>) -> Result<Value, ApiError>;

/// The operations this server implements, by `X-Amz-Target` name: first every operation
/// `cognito-core` defines (its names, so client and server cannot drift apart), then the ones
/// only the server knows (`Admin*`).
const ROUTES: &[(&str, Handler)] = &[
    (ops::SignUp::NAME, sign_up),
    (ops::ConfirmSignUp::NAME, confirm_sign_up),
    (ops::ResendConfirmationCode::NAME, resend_confirmation_code),
    (ops::InitiateAuth::NAME, initiate_auth),
    (ops::RespondToAuthChallenge::NAME, respond_to_auth_challenge),
    (
        ops::GetTokensFromRefreshToken::NAME,
        get_tokens_from_refresh_token,
    ),
    (ops::GetUser::NAME, get_user),
    (ops::UpdateUserAttributes::NAME, update_user_attributes),
    (ops::VerifyUserAttribute::NAME, verify_user_attribute),
    (
        ops::GetUserAttributeVerificationCode::NAME,
        get_user_attribute_verification_code,
    ),
    (ops::ForgotPassword::NAME, forgot_password),
    (ops::ConfirmForgotPassword::NAME, confirm_forgot_password),
    (ops::ChangePassword::NAME, change_password),
    (ops::GlobalSignOut::NAME, global_sign_out),
    (ops::RevokeToken::NAME, revoke_token),
    (ops::AssociateSoftwareToken::NAME, associate_software_token),
    (ops::VerifySoftwareToken::NAME, verify_software_token),
    (ops::SetUserMFAPreference::NAME, set_user_mfa_preference),
    (ops::DeleteUser::NAME, delete_user),
    (ops::DeleteUserAttributes::NAME, delete_user_attributes),
    // Server-only operations: core has no types for them.
    ("AdminCreateUser", admin_create_user),
    ("AdminGetUser", admin_get_user),
    ("AdminDeleteUser", admin_delete_user),
    ("AdminConfirmSignUp", admin_confirm_sign_up),
    ("AdminSetUserPassword", admin_set_user_password),
    ("AdminDisableUser", |s, r| admin_set_enabled(s, r, false)),
    ("AdminEnableUser", |s, r| admin_set_enabled(s, r, true)),
    ("AdminAddUserToGroup", |s, r| admin_group(s, r, true)),
    ("AdminRemoveUserFromGroup", |s, r| admin_group(s, r, false)),
    ("AdminUserGlobalSignOut", admin_user_global_sign_out),
];

/// The names of the operations this server implements (core's [`ops::OPERATION_NAMES`] and
/// the server-only ones), in routing order.
pub fn operations() -> impl Iterator<Item = &'static str> {
    ROUTES.iter().map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_operation_is_routed_once() {
        let names: Vec<&str> = operations().collect();
        for op in ops::OPERATION_NAMES {
            assert!(names.contains(op), "{op} is not routed");
        }
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "an operation is routed twice");
    }

    #[test]
    fn validation_enums_are_core_names() {
        for name in CHALLENGES {
            assert!(
                !matches!(ChallengeName::from_wire(name), ChallengeName::Other(_)),
                "{name} is not one of core's challenge names"
            );
        }
        for flow in AUTH_FLOWS.iter().filter(|f| !f.starts_with("ADMIN_")) {
            assert!(
                !matches!(AuthFlow::from_wire(flow), AuthFlow::Other(_)),
                "{flow} is not one of core's auth flows"
            );
        }
    }
}
