//! Inputs and results, shaped like Amplify v6's (`{ isSignedIn, nextStep }`,
//! `{ isSignUpComplete, userId, nextStep }`, ...), so that an app can switch with little
//! rewriting and the browser adapter can map them one to one.

use cognito_core::ops::{AttributeType, CodeDeliveryDetails, ParamMap};
use cognito_core::session::Session;
use cognito_core::signin::{MfaType, NextStep, SignInOptions};
use cognito_core::types::Password;

/// `signUp` input.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignUpInput {
    /// The username (or email, in an email-as-username pool).
    pub username: String,
    /// The password.
    pub password: Password,
    /// `options.userAttributes`.
    pub attributes: Vec<AttributeType>,
    /// `options.clientMetadata`, for Lambda triggers.
    pub client_metadata: Option<ParamMap>,
    /// `options.validationData`, for the pre-sign-up Lambda.
    pub validation_data: Option<Vec<AttributeType>>,
}

impl SignUpInput {
    /// A sign-up with these attributes.
    #[must_use]
    pub fn new(
        username: impl Into<String>,
        password: Password,
        attributes: Vec<AttributeType>,
    ) -> Self {
        Self {
            username: username.into(),
            password,
            attributes,
            client_metadata: None,
            validation_data: None,
        }
    }
}

/// `nextStep.signUpStep`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignUpStep {
    /// `CONFIRM_SIGN_UP`: enter the code sent to the user.
    ConfirmSignUp {
        /// Where the code went, when Cognito says.
        code_delivery_details: Option<CodeDeliveryDetails>,
    },
    /// `DONE`: the user is confirmed and can sign in.
    Done,
}

impl SignUpStep {
    /// Amplify's `signUpStep` string.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            SignUpStep::ConfirmSignUp { .. } => "CONFIRM_SIGN_UP",
            SignUpStep::Done => "DONE",
        }
    }
}

/// `signUp` / `confirmSignUp` result.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignUpOutput {
    /// Whether the user is confirmed.
    pub is_sign_up_complete: bool,
    /// The new user's `sub` (from `SignUp` only).
    pub user_id: Option<String>,
    /// What comes next.
    pub next_step: SignUpStep,
}

/// `signIn` / `confirmSignIn` result.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignInOutput {
    /// Whether the user is signed in now (`next_step` is `DONE`).
    pub is_signed_in: bool,
    /// Where the sign-in stopped; [`NextStep::sign_in_step`] is Amplify's `signInStep`. For
    /// `DONE`, the tokens are already stored; read them with `fetch_auth_session`.
    pub next_step: NextStep,
}

/// `signIn` input.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignInInput {
    /// The username or an alias (email, phone) the pool allows.
    pub username: String,
    /// The password.
    pub password: Password,
    /// Flow (`USER_SRP_AUTH` by default, or `USER_PASSWORD_AUTH`) and metadata.
    pub options: SignInOptions,
}

impl SignInInput {
    /// An SRP sign-in.
    #[must_use]
    pub fn new(username: impl Into<String>, password: Password) -> Self {
        Self {
            username: username.into(),
            password,
            options: SignInOptions::default(),
        }
    }

    /// The same sign-in with other options (e.g. `USER_PASSWORD_AUTH`).
    #[must_use]
    pub fn with_options(mut self, options: SignInOptions) -> Self {
        self.options = options;
        self
    }
}

/// `fetchAuthSession` result.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AuthSession {
    /// The current tokens (valid at the time of the call), or `None` when nobody is signed in.
    pub tokens: Option<Session>,
    /// The user's `sub`.
    pub user_sub: Option<String>,
}

impl AuthSession {
    pub(crate) fn signed_out() -> Self {
        Self {
            tokens: None,
            user_sub: None,
        }
    }

    pub(crate) fn of(session: Session) -> Self {
        let user_sub = session
            .access_claims()
            .sub
            .clone()
            .or_else(|| session.id_claims().and_then(|c| c.sub.clone()));
        Self {
            tokens: Some(session),
            user_sub,
        }
    }
}

/// `getCurrentUser` result.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthUser {
    /// The username tokens are stored under (Cognito's internal one).
    pub username: String,
    /// The user's `sub`.
    pub user_id: String,
}

/// `signOut` result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignOutOutput {
    /// For a hosted-UI session with a sign-out URL configured: the `/logout` URL to navigate
    /// to, which ends the hosted UI's own session cookie.
    pub logout_url: Option<String>,
}

/// `nextStep.resetPasswordStep`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResetPasswordStep {
    /// `CONFIRM_RESET_PASSWORD_WITH_CODE`.
    ConfirmResetPasswordWithCode {
        /// Where the code went.
        code_delivery_details: Option<CodeDeliveryDetails>,
    },
    /// `DONE`.
    Done,
}

impl ResetPasswordStep {
    /// Amplify's `resetPasswordStep` string.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            ResetPasswordStep::ConfirmResetPasswordWithCode { .. } => {
                "CONFIRM_RESET_PASSWORD_WITH_CODE"
            }
            ResetPasswordStep::Done => "DONE",
        }
    }
}

/// `resetPassword` result.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResetPasswordOutput {
    /// Whether the password is reset (only after `confirmResetPassword`).
    pub is_password_reset: bool,
    /// What comes next.
    pub next_step: ResetPasswordStep,
}

/// `nextStep.updateAttributeStep` of one attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UpdateAttributeStep {
    /// `CONFIRM_ATTRIBUTE_WITH_CODE`: a code was sent to verify the new value.
    ConfirmAttributeWithCode {
        /// Where it went.
        code_delivery_details: CodeDeliveryDetails,
    },
    /// `DONE`.
    Done,
}

impl UpdateAttributeStep {
    /// Amplify's `updateAttributeStep` string.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            UpdateAttributeStep::ConfirmAttributeWithCode { .. } => "CONFIRM_ATTRIBUTE_WITH_CODE",
            UpdateAttributeStep::Done => "DONE",
        }
    }
}

/// `updateUserAttributes` result of one attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateUserAttributeOutput {
    /// Whether the new value is in effect without a verification code.
    pub is_updated: bool,
    /// What comes next.
    pub next_step: UpdateAttributeStep,
}

/// The user's attributes, by name (`email`, `email_verified`, `custom:x`, ...).
pub type UserAttributes = cognito_core::map::Map;

/// One MFA method's setting in `updateMFAPreference`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MfaPreference {
    /// `ENABLED`.
    Enabled,
    /// `DISABLED`.
    Disabled,
    /// `PREFERRED`: enabled and the one Cognito asks for.
    Preferred,
    /// `NOT_PREFERRED`: enabled, not preferred.
    NotPreferred,
}

impl MfaPreference {
    /// Reads Amplify's names (`ENABLED`, `DISABLED`, `PREFERRED`, `NOT_PREFERRED`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ENABLED" => Some(Self::Enabled),
            "DISABLED" => Some(Self::Disabled),
            "PREFERRED" => Some(Self::Preferred),
            "NOT_PREFERRED" => Some(Self::NotPreferred),
            _ => None,
        }
    }
}

/// `updateMFAPreference` input: methods left `None` are not changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpdateMfaPreferenceInput {
    /// SMS.
    pub sms: Option<MfaPreference>,
    /// Authenticator app.
    pub totp: Option<MfaPreference>,
    /// Email.
    pub email: Option<MfaPreference>,
}

/// `fetchMFAPreference` result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MfaPreferenceOutput {
    /// The enabled methods.
    pub enabled: Vec<MfaType>,
    /// The preferred one.
    pub preferred: Option<MfaType>,
}

/// What [`Client::handle_redirect`](crate::Client::handle_redirect) returns.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RedirectOutput {
    /// The signed-in user.
    pub username: String,
    /// The custom state given to `sign_in_with_redirect`, back from the hosted UI.
    pub custom_state: Option<String>,
}
