//! The client's results as Amplify v6-shaped JS objects.

use cognito_client::{
    AuthEvent, AuthSession, AuthUser, MfaPreferenceOutput, ResetPasswordOutput, ResetPasswordStep,
    SignInOutput, SignUpOutput, SignUpStep, UpdateAttributeStep, UpdateUserAttributeOutput,
};
use cognito_core::ops::CodeDeliveryDetails;
use cognito_core::signin::{NextStep, TotpSetupDetails as CoreTotp};
use wasm_bindgen::prelude::*;

use crate::js::{obj, opt_str, str_array, to_js_error};

/// A token as Amplify v6's `JWT`: `{ payload, toString() }`, the payload decoded in JS (it was
/// checked by core when the session was read; an undecodable payload gives `{}`, never a
/// throw).
fn token(t: &str) -> JsValue {
    crate::js::jwt(t)
}

pub(crate) fn code_delivery(d: &CodeDeliveryDetails) -> JsValue {
    obj(&[
        ("destination", opt_str(d.destination.as_deref())),
        (
            "deliveryMedium",
            opt_str(d.delivery_medium.as_ref().map(|m| m.as_str())),
        ),
        ("attributeName", opt_str(d.attribute_name.as_deref())),
    ])
}

fn opt_code_delivery(d: Option<&CodeDeliveryDetails>) -> JsValue {
    d.map_or(JsValue::UNDEFINED, code_delivery)
}

/// What an authenticator app needs: the shared secret and the `otpauth://` URI for a QR code.
/// (Typed by hand in the `.d.ts`, as `TotpSetupDetails`.)
#[wasm_bindgen(skip_typescript)]
#[derive(Debug)]
pub struct TotpSetupDetails {
    inner: CoreTotp,
}

#[wasm_bindgen]
impl TotpSetupDetails {
    /// The base32 secret to type into an authenticator app.
    #[wasm_bindgen(getter, js_name = sharedSecret)]
    pub fn shared_secret(&self) -> String {
        self.inner.shared_secret.secret().to_owned()
    }

    /// `otpauth://totp/<appName>:<account>?secret=...&issuer=<appName>` as a `URL`, for a QR
    /// code; `accountName` defaults to the username (Amplify's `getSetupUri`).
    #[wasm_bindgen(js_name = getSetupUri)]
    pub fn get_setup_uri(
        &self,
        app_name: &str,
        account_name: Option<String>,
    ) -> Result<web_sys::Url, JsValue> {
        web_sys::Url::new(&self.inner.setup_uri(app_name, account_name.as_deref()))
    }
}

pub(crate) fn totp_setup(d: CoreTotp) -> JsValue {
    TotpSetupDetails { inner: d }.into()
}

pub(crate) fn sign_in_output(out: SignInOutput) -> JsValue {
    let step = &out.next_step;
    let details: Vec<(&str, JsValue)> = match step {
        NextStep::ConfirmSignInWithNewPasswordRequired {
            missing_attributes, ..
        } => vec![("missingAttributes", str_array(missing_attributes))],
        NextStep::ConfirmSignInWithSmsCode {
            code_delivery_details,
        }
        | NextStep::ConfirmSignInWithEmailCode {
            code_delivery_details,
        } => vec![("codeDeliveryDetails", code_delivery(code_delivery_details))],
        NextStep::ConfirmSignInWithCustomChallenge { additional_info } => vec![(
            "additionalInfo",
            obj(&additional_info
                .0
                .iter()
                .map(|(k, v)| (k.as_str(), JsValue::from_str(v)))
                .collect::<Vec<_>>()),
        )],
        NextStep::ContinueSignInWithMfaSelection { allowed_mfa_types }
        | NextStep::ContinueSignInWithMfaSetupSelection { allowed_mfa_types } => vec![(
            "allowedMFATypes",
            str_array(allowed_mfa_types.iter().map(|m| m.as_str())),
        )],
        NextStep::ContinueSignInWithTotpSetup(d) => {
            vec![("totpSetupDetails", totp_setup(d.clone()))]
        }
        _ => vec![],
    };
    let mut next = vec![("signInStep", JsValue::from_str(step.sign_in_step()))];
    next.extend(details);
    obj(&[
        ("isSignedIn", JsValue::from_bool(out.is_signed_in)),
        ("nextStep", obj(&next)),
    ])
}

pub(crate) fn sign_up_output(out: SignUpOutput) -> JsValue {
    let next = match &out.next_step {
        SignUpStep::ConfirmSignUp {
            code_delivery_details,
        } => obj(&[
            ("signUpStep", JsValue::from_str(out.next_step.name())),
            (
                "codeDeliveryDetails",
                opt_code_delivery(code_delivery_details.as_ref()),
            ),
        ]),
        _ => obj(&[("signUpStep", JsValue::from_str(out.next_step.name()))]),
    };
    obj(&[
        (
            "isSignUpComplete",
            JsValue::from_bool(out.is_sign_up_complete),
        ),
        ("userId", opt_str(out.user_id.as_deref())),
        ("nextStep", next),
    ])
}

pub(crate) fn reset_password_output(out: ResetPasswordOutput) -> JsValue {
    let delivery = match &out.next_step {
        ResetPasswordStep::ConfirmResetPasswordWithCode {
            code_delivery_details,
        } => opt_code_delivery(code_delivery_details.as_ref()),
        _ => JsValue::UNDEFINED,
    };
    obj(&[
        ("isPasswordReset", JsValue::from_bool(out.is_password_reset)),
        (
            "nextStep",
            obj(&[
                ("resetPasswordStep", JsValue::from_str(out.next_step.name())),
                ("codeDeliveryDetails", delivery),
            ]),
        ),
    ])
}

pub(crate) fn update_attribute_output(out: &UpdateUserAttributeOutput) -> JsValue {
    let delivery = match &out.next_step {
        UpdateAttributeStep::ConfirmAttributeWithCode {
            code_delivery_details,
        } => code_delivery(code_delivery_details),
        _ => JsValue::UNDEFINED,
    };
    obj(&[
        ("isUpdated", JsValue::from_bool(out.is_updated)),
        (
            "nextStep",
            obj(&[
                (
                    "updateAttributeStep",
                    JsValue::from_str(out.next_step.name()),
                ),
                ("codeDeliveryDetails", delivery),
            ]),
        ),
    ])
}

/// `{ tokens?: { accessToken, idToken? }, userSub? }`; each token is `{ payload, toString() }`
/// as in Amplify v6 (`String(tokens.idToken)` or `` `${...}` `` is the compact JWT).
pub(crate) fn auth_session(s: &AuthSession) -> JsValue {
    let tokens = s.tokens.as_ref().map_or(JsValue::UNDEFINED, |t| {
        obj(&[
            ("accessToken", token(t.access_token().secret())),
            (
                "idToken",
                t.id_token()
                    .map_or(JsValue::UNDEFINED, |id| token(id.secret())),
            ),
        ])
    });
    obj(&[
        ("tokens", tokens),
        ("userSub", opt_str(s.user_sub.as_deref())),
    ])
}

pub(crate) fn auth_user(u: &AuthUser) -> JsValue {
    obj(&[
        ("username", JsValue::from_str(&u.username)),
        ("userId", JsValue::from_str(&u.user_id)),
    ])
}

pub(crate) fn mfa_preference(p: &MfaPreferenceOutput) -> JsValue {
    obj(&[
        (
            "enabled",
            if p.enabled.is_empty() {
                JsValue::UNDEFINED
            } else {
                str_array(p.enabled.iter().map(|m| m.as_str()))
            },
        ),
        ("preferred", opt_str(p.preferred.map(|m| m.as_str()))),
    ])
}

/// The payload given to `on(event, cb)` listeners: `{ event, data? }` as Amplify's Hub.
pub(crate) fn event_payload(e: &AuthEvent<'_>) -> JsValue {
    let data = match e {
        AuthEvent::SignedIn { username } => obj(&[("username", JsValue::from_str(username))]),
        AuthEvent::CustomOAuthState { state } => JsValue::from_str(state),
        AuthEvent::TokenRefreshFailure { error }
        | AuthEvent::SignInWithRedirectFailure { error } => obj(&[("error", to_js_error(error))]),
        _ => JsValue::UNDEFINED,
    };
    obj(&[("event", JsValue::from_str(e.name())), ("data", data)])
}
