//! Typed requests and responses of the user-pool operations a browser client uses.
//!
//! Field names follow the service model (botocore `cognito-idp` `service-2.json`): PascalCase on
//! the wire, optional fields left out when `None`. Requests *and* responses implement both
//! `Serialize` and `Deserialize`, so the local Cognito-compatible server (`cognito-local`) uses
//! them too: it routes on these operation names ([`Operation::NAME`]), answers with these
//! response types, and its hosted UI calls the API with these request types. (It reads incoming
//! requests itself, to refuse malformed ones with AWS's exact validation messages.)
//! Deserialization ignores unknown fields (the service adds some over time) and never panics.
//!
//! Each operation is a marker type implementing [`Operation`], tying the request and response
//! types to the `X-Amz-Target` name, so [`crate::wire::request`] and
//! [`crate::wire::parse_response`] work for all of them.
//!
//! Constructors named `new` fill `ClientId` and, when the config has a client secret,
//! `SecretHash` / `ClientSecret` (see [`ClientConfig`]'s `# Security`).

use std::collections::BTreeMap;
use std::fmt;

#[cfg(feature = "serde")]
use serde::de::DeserializeOwned;
#[cfg(feature = "serde")]
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::json::{FromJson, JsonError, ToJson, Value};

use crate::types::{
    AccessToken, ChallengeSession, ClientId, ClientSecret, IdToken, OneTimeCode, Password,
    RefreshToken, TotpSecret, Username,
};
use crate::wire::ClientConfig;

/// One user-pool operation: its `X-Amz-Target` name and its request and response types.
pub trait Operation {
    /// The operation name, as in `AWSCognitoIdentityProviderService.<NAME>`.
    const NAME: &'static str;
    /// The request body.
    #[cfg(not(feature = "serde"))]
    type Request: ToJson + FromJson;
    /// The 2xx response body.
    #[cfg(not(feature = "serde"))]
    type Response: ToJson + FromJson;
    /// The request body.
    #[cfg(feature = "serde")]
    type Request: ToJson + FromJson + Serialize + DeserializeOwned;
    /// The 2xx response body.
    #[cfg(feature = "serde")]
    type Response: ToJson + FromJson + Serialize + DeserializeOwned;
}

macro_rules! operations {
    ($($(#[$doc:meta])* $name:ident => $req:ty, $resp:ty;)*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
            pub struct $name;

            impl Operation for $name {
                const NAME: &'static str = stringify!($name);
                type Request = $req;
                type Response = $resp;
            }
        )*

        /// The names of every operation defined here, for routing on the server side.
        pub const OPERATION_NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

operations! {
    /// `SignUp`: register a user.
    SignUp => SignUpRequest, SignUpResponse;
    /// `ConfirmSignUp`: confirm a registration with the code sent to the user.
    ConfirmSignUp => ConfirmSignUpRequest, ConfirmSignUpResponse;
    /// `ResendConfirmationCode`: send the sign-up code again.
    ResendConfirmationCode => ResendConfirmationCodeRequest, CodeDeliveryResponse;
    /// `InitiateAuth`: start sign-in (SRP, password) or refresh tokens.
    InitiateAuth => InitiateAuthRequest, InitiateAuthResponse;
    /// `RespondToAuthChallenge`: answer a sign-in challenge.
    RespondToAuthChallenge => RespondToAuthChallengeRequest, RespondToAuthChallengeResponse;
    /// `GetTokensFromRefreshToken`: refresh (Amplify ≥ 6.14); may rotate the refresh token.
    GetTokensFromRefreshToken => GetTokensFromRefreshTokenRequest, GetTokensFromRefreshTokenResponse;
    /// `GetUser`: the signed-in user's attributes.
    GetUser => GetUserRequest, GetUserResponse;
    /// `UpdateUserAttributes`: change attributes (may send verification codes).
    UpdateUserAttributes => UpdateUserAttributesRequest, UpdateUserAttributesResponse;
    /// `VerifyUserAttribute`: confirm an attribute (email, phone) with its code.
    VerifyUserAttribute => VerifyUserAttributeRequest, Empty;
    /// `GetUserAttributeVerificationCode`: send an attribute verification code.
    GetUserAttributeVerificationCode => GetUserAttributeVerificationCodeRequest, CodeDeliveryResponse;
    /// `ForgotPassword`: send a password-reset code.
    ForgotPassword => ForgotPasswordRequest, CodeDeliveryResponse;
    /// `ConfirmForgotPassword`: set a new password with the reset code.
    ConfirmForgotPassword => ConfirmForgotPasswordRequest, Empty;
    /// `ChangePassword`: change the signed-in user's password.
    ChangePassword => ChangePasswordRequest, Empty;
    /// `GlobalSignOut`: revoke all of the user's refresh tokens.
    GlobalSignOut => GlobalSignOutRequest, Empty;
    /// `RevokeToken`: revoke one refresh token (and the tokens issued from it).
    RevokeToken => RevokeTokenRequest, Empty;
    /// `AssociateSoftwareToken`: start TOTP setup; returns the shared secret.
    AssociateSoftwareToken => AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse;
    /// `VerifySoftwareToken`: finish TOTP setup with a first code.
    VerifySoftwareToken => VerifySoftwareTokenRequest, VerifySoftwareTokenResponse;
    /// `SetUserMFAPreference`: enable / prefer MFA methods.
    SetUserMFAPreference => SetUserMfaPreferenceRequest, Empty;
    /// `DeleteUser`: delete the signed-in user.
    DeleteUser => DeleteUserRequest, Empty;
    /// `DeleteUserAttributes`: remove attributes of the signed-in user.
    DeleteUserAttributes => DeleteUserAttributesRequest, Empty;
}

// ---------------------------------------------------------------------------------------------
// String enums with an `Other` escape hatch.
// ---------------------------------------------------------------------------------------------

macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// Any other value, as sent.
            Other(String),
        }

        impl $name {
            /// The value as it appears on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Other(s) => s,
                }
            }

            /// Reads a wire value; unknown values become `Other`.
            #[must_use]
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToJson for $name {
            fn write_json(&self, out: &mut String) {
                crate::json::write_str(out, self.as_str());
            }
        }

        impl FromJson for $name {
            fn from_json(v: Value) -> Result<Self, JsonError> {
                String::from_json(v).map(|s| $name::from_wire(&s))
            }
        }

        #[cfg(feature = "serde")]
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::from_wire(&s))
            }
        }
    };
}

wire_enum!(
    /// `AuthFlow` of `InitiateAuth`.
    AuthFlow {
        /// SRP: the password never leaves the client.
        UserSrpAuth = "USER_SRP_AUTH",
        /// The password is sent (over TLS) to Cognito.
        UserPasswordAuth = "USER_PASSWORD_AUTH",
        /// Refresh: `REFRESH_TOKEN` in `AuthParameters`.
        RefreshTokenAuth = "REFRESH_TOKEN_AUTH",
        /// Alias of `REFRESH_TOKEN_AUTH`.
        RefreshToken = "REFRESH_TOKEN",
        /// Lambda-driven custom challenges.
        CustomAuth = "CUSTOM_AUTH",
        /// Choice-based (passwordless) sign-in.
        UserAuth = "USER_AUTH",
    }
);

wire_enum!(
    /// `ChallengeName` of a sign-in step.
    ChallengeName {
        /// SRP's second step: prove the password.
        PasswordVerifier = "PASSWORD_VERIFIER",
        /// The user must set a new password (admin-created users).
        NewPasswordRequired = "NEW_PASSWORD_REQUIRED",
        /// SMS MFA code.
        SmsMfa = "SMS_MFA",
        /// SMS one-time password (choice-based sign-in / MFA).
        SmsOtp = "SMS_OTP",
        /// Email one-time password.
        EmailOtp = "EMAIL_OTP",
        /// TOTP code from an authenticator app.
        SoftwareTokenMfa = "SOFTWARE_TOKEN_MFA",
        /// The user picks an MFA method (`MFAS_CAN_CHOOSE`).
        SelectMfaType = "SELECT_MFA_TYPE",
        /// MFA is required but not set up (`MFAS_CAN_SETUP`).
        MfaSetup = "MFA_SETUP",
        /// A Lambda-defined challenge.
        CustomChallenge = "CUSTOM_CHALLENGE",
        /// Device SRP, first step.
        DeviceSrpAuth = "DEVICE_SRP_AUTH",
        /// Device SRP, second step.
        DevicePasswordVerifier = "DEVICE_PASSWORD_VERIFIER",
        /// Admin flow without SRP.
        AdminNoSrpAuth = "ADMIN_NO_SRP_AUTH",
        /// Choice-based sign-in: pick a first factor.
        SelectChallenge = "SELECT_CHALLENGE",
        /// Choice-based sign-in: password.
        Password = "PASSWORD",
        /// Choice-based sign-in: password via SRP.
        PasswordSrp = "PASSWORD_SRP",
        /// Passkey.
        WebAuthn = "WEB_AUTHN",
    }
);

wire_enum!(
    /// How a code was delivered.
    DeliveryMedium {
        /// By text message.
        Sms = "SMS",
        /// By email.
        Email = "EMAIL",
    }
);

wire_enum!(
    /// `Status` of `VerifySoftwareToken`.
    VerifySoftwareTokenStatus {
        /// The code was right; TOTP is set up.
        Success = "SUCCESS",
        /// The code was wrong.
        Error = "ERROR",
    }
);

// ---------------------------------------------------------------------------------------------
// Shared shapes.
// ---------------------------------------------------------------------------------------------

/// A string map (`AuthParameters`, `ChallengeParameters`, `ChallengeResponses`, `ClientMetadata`).
///
/// `null` values are dropped when reading (amazon-cognito-identity-js sends `"DEVICE_KEY": null`).
/// `Debug` redacts values of keys that carry secrets (passwords, refresh tokens, signatures,
/// codes), because these maps travel in requests.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ParamMap(pub BTreeMap<String, String>);

impl ParamMap {
    /// An empty map.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Sets `key` to `value`.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.insert(key.into(), value.into());
    }

    /// Builder form of [`ParamMap::insert`].
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.insert(key, value);
        self
    }

    /// Whether there are no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

fn is_secret_key(key: &str) -> bool {
    matches!(
        key,
        "PASSWORD"
            | "NEW_PASSWORD"
            | "REFRESH_TOKEN"
            | "SECRET_HASH"
            | "PASSWORD_CLAIM_SIGNATURE"
            | "SRP_A"
            | "ANSWER"
    ) || key.ends_with("_CODE")
}

impl fmt::Debug for ParamMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| {
                let v: &dyn fmt::Debug = if is_secret_key(k) { &"[redacted]" } else { v };
                (k, v)
            }))
            .finish()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for ParamMap {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl ToJson for ParamMap {
    fn write_json(&self, out: &mut String) {
        self.0.write_json(out);
    }
}

/// `null` values are dropped (see the type's docs); any other non-string value is an error.
impl FromJson for ParamMap {
    fn from_json(v: Value) -> Result<Self, JsonError> {
        let Value::Object(o) = v else {
            return Err(JsonError::expected("an object", &v));
        };
        let mut m = BTreeMap::new();
        for (k, v) in o {
            match v {
                Value::Null => {}
                Value::String(s) => {
                    m.insert(k, s);
                }
                other => return Err(JsonError::expected("string values", &other)),
            }
        }
        Ok(Self(m))
    }
}

#[cfg(feature = "serde")]
impl Serialize for ParamMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for ParamMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let m = BTreeMap::<String, Option<String>>::deserialize(d)?;
        Ok(Self(
            m.into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect(),
        ))
    }
}

/// A user attribute, `{ "Name": "email", "Value": "a@b.c" }`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct AttributeType {
    /// The attribute name (`email`, `custom:team`).
    pub name: String,
    /// The value; always a string on the wire.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub value: Option<String>,
}

impl AttributeType {
    /// An attribute with a value.
    #[must_use]
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
        }
    }
}

/// Where a code was sent. `Destination` is masked (`j***@e***`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct CodeDeliveryDetails {
    /// The masked address or number.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub destination: Option<String>,
    /// SMS or EMAIL.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub delivery_medium: Option<DeliveryMedium>,
    /// The attribute the code verifies (`email`, `phone_number`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub attribute_name: Option<String>,
}

/// A device remembered at sign-in (device tracking).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct NewDeviceMetadata {
    /// The device key.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub device_key: Option<String>,
    /// The device group key.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub device_group_key: Option<String>,
}

/// The tokens of a successful sign-in or refresh.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct AuthenticationResult {
    /// The access token (JWT).
    pub access_token: AccessToken,
    /// Lifetime of the access and ID tokens in seconds.
    pub expires_in: i64,
    /// Always `Bearer`. Optional in the service model, so `Bearer` when absent.
    #[cfg_attr(feature = "serde", serde(default = "bearer"))]
    pub token_type: String,
    /// The refresh token: present at sign-in and from a rotating `GetTokensFromRefreshToken`,
    /// absent from `REFRESH_TOKEN_AUTH` (keep the old one).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub refresh_token: Option<RefreshToken>,
    /// The ID token (JWT).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub id_token: Option<IdToken>,
    /// A newly remembered device.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub new_device_metadata: Option<NewDeviceMetadata>,
}

fn bearer() -> String {
    "Bearer".to_owned()
}

/// An empty output, `{}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct Empty {}

/// The output of operations that only report where a code went.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct CodeDeliveryResponse {
    /// Where the code went.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub code_delivery_details: Option<CodeDeliveryDetails>,
}

// ---------------------------------------------------------------------------------------------
// Sign-up.
// ---------------------------------------------------------------------------------------------

/// `SignUp` input.
#[derive(Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct SignUpRequest {
    /// The app client.
    pub client_id: ClientId,
    /// `SECRET_HASH` of the username, for clients with a secret.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub secret_hash: Option<String>,
    /// The username (or email / phone in alias-as-username pools).
    pub username: Username,
    /// The password (optional in passwordless pools).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub password: Option<Password>,
    /// Attributes to store.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub user_attributes: Option<Vec<AttributeType>>,
    /// Data for a pre-sign-up Lambda, not stored.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub validation_data: Option<Vec<AttributeType>>,
    /// Data for Lambda triggers.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub client_metadata: Option<ParamMap>,
}

impl SignUpRequest {
    /// A sign-up with a password and attributes; fills `ClientId` and `SecretHash`.
    #[must_use]
    pub fn new(
        config: &ClientConfig,
        username: Username,
        password: Password,
        attributes: Vec<AttributeType>,
    ) -> Self {
        Self {
            client_id: config.client_id.clone(),
            secret_hash: config.secret_hash(username.as_str()),
            username,
            password: Some(password),
            user_attributes: (!attributes.is_empty()).then_some(attributes),
            validation_data: None,
            client_metadata: None,
        }
    }
}

/// `SignUp` output.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct SignUpResponse {
    /// Whether the user is already confirmed (auto-confirm).
    pub user_confirmed: bool,
    /// The user's `sub`.
    pub user_sub: String,
    /// Where the confirmation code went.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub code_delivery_details: Option<CodeDeliveryDetails>,
    /// A session for signing in right after confirmation (choice-based sign-in).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub session: Option<ChallengeSession>,
}

/// `ConfirmSignUp` input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct ConfirmSignUpRequest {
    /// The app client.
    pub client_id: ClientId,
    /// `SECRET_HASH` of the username.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub secret_hash: Option<String>,
    /// The username.
    pub username: Username,
    /// The code sent to the user; `Debug` redacts it.
    pub confirmation_code: OneTimeCode,
    /// Move an alias (email / phone) that another user already has to this user.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub force_alias_creation: Option<bool>,
    /// The session from `SignUp`, if any.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub session: Option<ChallengeSession>,
    /// Data for Lambda triggers.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub client_metadata: Option<ParamMap>,
}

impl ConfirmSignUpRequest {
    /// Confirms `username` with `code`; fills `ClientId` and `SecretHash`.
    #[must_use]
    pub fn new(config: &ClientConfig, username: Username, code: impl Into<String>) -> Self {
        Self {
            client_id: config.client_id.clone(),
            secret_hash: config.secret_hash(username.as_str()),
            username,
            confirmation_code: OneTimeCode::new(code),
            force_alias_creation: None,
            session: None,
            client_metadata: None,
        }
    }
}

/// `ConfirmSignUp` output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct ConfirmSignUpResponse {
    /// A session for signing in right away (choice-based sign-in).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub session: Option<ChallengeSession>,
}

/// Input of the operations that take only the app client and a username
/// ([`ResendConfirmationCodeRequest`], [`ForgotPasswordRequest`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct UsernameRequest {
    /// The app client.
    pub client_id: ClientId,
    /// `SECRET_HASH` of the username.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub secret_hash: Option<String>,
    /// The username.
    pub username: Username,
    /// Data for Lambda triggers.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub client_metadata: Option<ParamMap>,
}

impl UsernameRequest {
    /// Names `username` (resend its sign-up code, send it a reset code); fills `ClientId` and
    /// `SecretHash`.
    #[must_use]
    pub fn new(config: &ClientConfig, username: Username) -> Self {
        Self {
            client_id: config.client_id.clone(),
            secret_hash: config.secret_hash(username.as_str()),
            username,
            client_metadata: None,
        }
    }
}

/// `ResendConfirmationCode` input.
pub type ResendConfirmationCodeRequest = UsernameRequest;

// ---------------------------------------------------------------------------------------------
// Sign-in and refresh.
// ---------------------------------------------------------------------------------------------

/// `InitiateAuth` input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct InitiateAuthRequest {
    /// The flow.
    pub auth_flow: AuthFlow,
    /// The app client.
    pub client_id: ClientId,
    /// `USERNAME`, `SRP_A`, `PASSWORD`, `REFRESH_TOKEN`, `SECRET_HASH`, `DEVICE_KEY`, ...
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub auth_parameters: Option<ParamMap>,
    /// Data for Lambda triggers.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub client_metadata: Option<ParamMap>,
    /// A session from `SignUp`/`ConfirmSignUp` (choice-based sign-in).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub session: Option<ChallengeSession>,
}

impl InitiateAuthRequest {
    /// `REFRESH_TOKEN_AUTH`. `username` is needed only for `SECRET_HASH` with a client secret
    /// (Cognito's internal username, the one tokens are stored under).
    #[must_use]
    pub fn refresh(config: &ClientConfig, refresh_token: &RefreshToken, username: &str) -> Self {
        let mut params = ParamMap::new().with("REFRESH_TOKEN", refresh_token.secret());
        if let Some(h) = config.secret_hash(username) {
            params.insert("SECRET_HASH", h);
        }
        Self {
            auth_flow: AuthFlow::RefreshTokenAuth,
            client_id: config.client_id.clone(),
            auth_parameters: Some(params),
            client_metadata: None,
            session: None,
        }
    }
}

/// `InitiateAuth` output: tokens, or a challenge to answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct InitiateAuthResponse {
    /// The challenge to answer, when not done.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub challenge_name: Option<ChallengeName>,
    /// The session to echo with the answer.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub session: Option<ChallengeSession>,
    /// The challenge's parameters.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub challenge_parameters: Option<ParamMap>,
    /// The tokens, when done.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub authentication_result: Option<AuthenticationResult>,
    /// Choice-based sign-in: the first factors available.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub available_challenges: Option<Vec<ChallengeName>>,
}

/// `RespondToAuthChallenge` input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct RespondToAuthChallengeRequest {
    /// The app client.
    pub client_id: ClientId,
    /// The challenge being answered.
    pub challenge_name: ChallengeName,
    /// The session of the previous step, when it had one.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub session: Option<ChallengeSession>,
    /// The answers (`USERNAME`, codes, `SECRET_HASH`, ...).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub challenge_responses: Option<ParamMap>,
    /// Data for Lambda triggers.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub client_metadata: Option<ParamMap>,
}

/// `RespondToAuthChallenge` output (the same shape as `InitiateAuth`'s).
pub type RespondToAuthChallengeResponse = InitiateAuthResponse;

/// `GetTokensFromRefreshToken` input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct GetTokensFromRefreshTokenRequest {
    /// The refresh token.
    pub refresh_token: RefreshToken,
    /// The app client.
    pub client_id: ClientId,
    /// The client secret itself (not a hash), for clients with one.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub client_secret: Option<ClientSecret>,
    /// The remembered device's key.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub device_key: Option<String>,
    /// Data for Lambda triggers.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub client_metadata: Option<ParamMap>,
}

impl GetTokensFromRefreshTokenRequest {
    /// Refreshes with `refresh_token`; fills `ClientId` and `ClientSecret`.
    #[must_use]
    pub fn new(config: &ClientConfig, refresh_token: RefreshToken) -> Self {
        Self {
            refresh_token,
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            device_key: None,
            client_metadata: None,
        }
    }
}

/// `GetTokensFromRefreshToken` output.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct GetTokensFromRefreshTokenResponse {
    /// The new tokens; `RefreshToken` is set when the client rotates refresh tokens.
    pub authentication_result: AuthenticationResult,
}

// ---------------------------------------------------------------------------------------------
// The signed-in user.
// ---------------------------------------------------------------------------------------------

/// Input of the operations that take only an access token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct AccessTokenRequest {
    /// The user's access token.
    pub access_token: AccessToken,
}

/// `GetUser` input.
pub type GetUserRequest = AccessTokenRequest;
/// `GlobalSignOut` input.
pub type GlobalSignOutRequest = AccessTokenRequest;
/// `DeleteUser` input.
pub type DeleteUserRequest = AccessTokenRequest;

/// Legacy per-user SMS MFA setting.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct MfaOptionType {
    /// SMS.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub delivery_medium: Option<DeliveryMedium>,
    /// `phone_number`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub attribute_name: Option<String>,
}

/// `GetUser` output.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct GetUserResponse {
    /// Cognito's username (the internal one).
    pub username: Username,
    /// All readable attributes, including `sub`.
    pub user_attributes: Vec<AttributeType>,
    /// Legacy SMS MFA options.
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "MFAOptions",
            default,
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub mfa_options: Option<Vec<MfaOptionType>>,
    /// The preferred MFA method (`SOFTWARE_TOKEN_MFA`, `SMS_MFA`, `EMAIL_OTP`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub preferred_mfa_setting: Option<String>,
    /// The enabled MFA methods.
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "UserMFASettingList",
            default,
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub user_mfa_setting_list: Option<Vec<String>>,
}

/// `UpdateUserAttributes` input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct UpdateUserAttributesRequest {
    /// The attributes to set.
    pub user_attributes: Vec<AttributeType>,
    /// The user's access token.
    pub access_token: AccessToken,
    /// Data for Lambda triggers.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub client_metadata: Option<ParamMap>,
}

/// `UpdateUserAttributes` output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct UpdateUserAttributesResponse {
    /// Where verification codes went (changed email / phone).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub code_delivery_details_list: Option<Vec<CodeDeliveryDetails>>,
}

/// `VerifyUserAttribute` input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct VerifyUserAttributeRequest {
    /// The user's access token.
    pub access_token: AccessToken,
    /// `email` or `phone_number`.
    pub attribute_name: String,
    /// The code sent to it; `Debug` redacts it.
    pub code: OneTimeCode,
}

/// `GetUserAttributeVerificationCode` input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct GetUserAttributeVerificationCodeRequest {
    /// The user's access token.
    pub access_token: AccessToken,
    /// `email` or `phone_number`.
    pub attribute_name: String,
    /// Data for Lambda triggers.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub client_metadata: Option<ParamMap>,
}

/// `DeleteUserAttributes` input: the names to remove (`sub` cannot be removed).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct DeleteUserAttributesRequest {
    /// Attribute names, e.g. `custom:nickname`.
    pub user_attribute_names: Vec<String>,
    /// The signed-in user's access token.
    pub access_token: AccessToken,
}

// ---------------------------------------------------------------------------------------------
// Passwords.
// ---------------------------------------------------------------------------------------------

/// `ForgotPassword` input.
pub type ForgotPasswordRequest = UsernameRequest;

/// `ConfirmForgotPassword` input.
#[derive(Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct ConfirmForgotPasswordRequest {
    /// The app client.
    pub client_id: ClientId,
    /// `SECRET_HASH` of the username.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub secret_hash: Option<String>,
    /// The username.
    pub username: Username,
    /// The reset code; `Debug` redacts it.
    pub confirmation_code: OneTimeCode,
    /// The new password.
    pub password: Password,
    /// Data for Lambda triggers.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub client_metadata: Option<ParamMap>,
}

impl ConfirmForgotPasswordRequest {
    /// Sets `password` with the reset `code`; fills `ClientId` and `SecretHash`.
    #[must_use]
    pub fn new(
        config: &ClientConfig,
        username: Username,
        code: impl Into<String>,
        password: Password,
    ) -> Self {
        Self {
            client_id: config.client_id.clone(),
            secret_hash: config.secret_hash(username.as_str()),
            username,
            confirmation_code: OneTimeCode::new(code),
            password,
            client_metadata: None,
        }
    }
}

/// `ChangePassword` input.
#[derive(Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct ChangePasswordRequest {
    /// The current password (optional for passwordless users).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub previous_password: Option<Password>,
    /// The new password.
    pub proposed_password: Password,
    /// The user's access token.
    pub access_token: AccessToken,
}

// ---------------------------------------------------------------------------------------------
// Sign-out.
// ---------------------------------------------------------------------------------------------

/// `RevokeToken` input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct RevokeTokenRequest {
    /// The refresh token to revoke.
    pub token: RefreshToken,
    /// The app client.
    pub client_id: ClientId,
    /// The client secret itself, for clients with one.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub client_secret: Option<ClientSecret>,
}

impl RevokeTokenRequest {
    /// Revokes `token`; fills `ClientId` and `ClientSecret`.
    #[must_use]
    pub fn new(config: &ClientConfig, token: RefreshToken) -> Self {
        Self {
            token,
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// MFA.
// ---------------------------------------------------------------------------------------------

/// `AssociateSoftwareToken` input: an access token (signed in) or a session (during sign-in).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct AssociateSoftwareTokenRequest {
    /// The user's access token, when signed in.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub access_token: Option<AccessToken>,
    /// The sign-in session, during `MFA_SETUP`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub session: Option<ChallengeSession>,
}

/// `AssociateSoftwareToken` output.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct AssociateSoftwareTokenResponse {
    /// The TOTP shared secret (base32), for the authenticator app. `Debug` redacts it.
    pub secret_code: TotpSecret,
    /// The next session, during sign-in.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub session: Option<ChallengeSession>,
}

/// `VerifySoftwareToken` input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct VerifySoftwareTokenRequest {
    /// The user's access token, when signed in.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub access_token: Option<AccessToken>,
    /// The sign-in session, during `MFA_SETUP`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub session: Option<ChallengeSession>,
    /// The current code from the authenticator app; `Debug` redacts it.
    pub user_code: OneTimeCode,
    /// A name for the device.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub friendly_device_name: Option<String>,
}

/// `VerifySoftwareToken` output.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct VerifySoftwareTokenResponse {
    /// `SUCCESS` or `ERROR`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub status: Option<VerifySoftwareTokenStatus>,
    /// The next session, during sign-in.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub session: Option<ChallengeSession>,
}

/// Whether one MFA method is enabled and preferred.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct MfaSettings {
    /// Enabled.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub enabled: Option<bool>,
    /// Preferred.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub preferred_mfa: Option<bool>,
}

/// `SetUserMFAPreference` input.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
pub struct SetUserMfaPreferenceRequest {
    /// SMS.
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "SMSMfaSettings",
            default,
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub sms_mfa_settings: Option<MfaSettings>,
    /// TOTP.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub software_token_mfa_settings: Option<MfaSettings>,
    /// Email.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub email_mfa_settings: Option<MfaSettings>,
    /// The user's access token.
    pub access_token: AccessToken,
}

// ---------------------------------------------------------------------------------------------
// The JSON of every shape above (crate::json), field by field as the serde attributes say.
// ---------------------------------------------------------------------------------------------

json_object!(AttributeType { req name: "Name", opt value: "Value" });
json_object!(CodeDeliveryDetails {
    opt destination: "Destination",
    opt delivery_medium: "DeliveryMedium",
    opt attribute_name: "AttributeName",
});
json_object!(NewDeviceMetadata { opt device_key: "DeviceKey", opt device_group_key: "DeviceGroupKey" });
json_object!(AuthenticationResult {
    req access_token: "AccessToken",
    req expires_in: "ExpiresIn",
    def token_type: "TokenType" = bearer(),
    opt refresh_token: "RefreshToken",
    opt id_token: "IdToken",
    opt new_device_metadata: "NewDeviceMetadata",
});
json_object!(Empty {});
json_object!(CodeDeliveryResponse { opt code_delivery_details: "CodeDeliveryDetails" });
json_object!(SignUpRequest {
    req client_id: "ClientId",
    opt secret_hash: "SecretHash",
    req username: "Username",
    opt password: "Password",
    opt user_attributes: "UserAttributes",
    opt validation_data: "ValidationData",
    opt client_metadata: "ClientMetadata",
});
json_object!(SignUpResponse {
    req user_confirmed: "UserConfirmed",
    req user_sub: "UserSub",
    opt code_delivery_details: "CodeDeliveryDetails",
    opt session: "Session",
});
json_object!(ConfirmSignUpRequest {
    req client_id: "ClientId",
    opt secret_hash: "SecretHash",
    req username: "Username",
    req confirmation_code: "ConfirmationCode",
    opt force_alias_creation: "ForceAliasCreation",
    opt session: "Session",
    opt client_metadata: "ClientMetadata",
});
json_object!(ConfirmSignUpResponse { opt session: "Session" });
json_object!(UsernameRequest {
    req client_id: "ClientId",
    opt secret_hash: "SecretHash",
    req username: "Username",
    opt client_metadata: "ClientMetadata",
});
json_object!(InitiateAuthRequest {
    req auth_flow: "AuthFlow",
    req client_id: "ClientId",
    opt auth_parameters: "AuthParameters",
    opt client_metadata: "ClientMetadata",
    opt session: "Session",
});
json_object!(InitiateAuthResponse {
    opt challenge_name: "ChallengeName",
    opt session: "Session",
    opt challenge_parameters: "ChallengeParameters",
    opt authentication_result: "AuthenticationResult",
    opt available_challenges: "AvailableChallenges",
});
json_object!(RespondToAuthChallengeRequest {
    req client_id: "ClientId",
    req challenge_name: "ChallengeName",
    opt session: "Session",
    opt challenge_responses: "ChallengeResponses",
    opt client_metadata: "ClientMetadata",
});
json_object!(GetTokensFromRefreshTokenRequest {
    req refresh_token: "RefreshToken",
    req client_id: "ClientId",
    opt client_secret: "ClientSecret",
    opt device_key: "DeviceKey",
    opt client_metadata: "ClientMetadata",
});
json_object!(GetTokensFromRefreshTokenResponse { req authentication_result: "AuthenticationResult" });
json_object!(AccessTokenRequest { req access_token: "AccessToken" });
json_object!(MfaOptionType { opt delivery_medium: "DeliveryMedium", opt attribute_name: "AttributeName" });
json_object!(GetUserResponse {
    req username: "Username",
    req user_attributes: "UserAttributes",
    opt mfa_options: "MFAOptions",
    opt preferred_mfa_setting: "PreferredMfaSetting",
    opt user_mfa_setting_list: "UserMFASettingList",
});
json_object!(UpdateUserAttributesRequest {
    req user_attributes: "UserAttributes",
    req access_token: "AccessToken",
    opt client_metadata: "ClientMetadata",
});
json_object!(UpdateUserAttributesResponse { opt code_delivery_details_list: "CodeDeliveryDetailsList" });
json_object!(VerifyUserAttributeRequest {
    req access_token: "AccessToken",
    req attribute_name: "AttributeName",
    req code: "Code",
});
json_object!(GetUserAttributeVerificationCodeRequest {
    req access_token: "AccessToken",
    req attribute_name: "AttributeName",
    opt client_metadata: "ClientMetadata",
});
json_object!(DeleteUserAttributesRequest {
    req user_attribute_names: "UserAttributeNames",
    req access_token: "AccessToken",
});
json_object!(ConfirmForgotPasswordRequest {
    req client_id: "ClientId",
    opt secret_hash: "SecretHash",
    req username: "Username",
    req confirmation_code: "ConfirmationCode",
    req password: "Password",
    opt client_metadata: "ClientMetadata",
});
json_object!(ChangePasswordRequest {
    opt previous_password: "PreviousPassword",
    req proposed_password: "ProposedPassword",
    req access_token: "AccessToken",
});
json_object!(RevokeTokenRequest {
    req token: "Token",
    req client_id: "ClientId",
    opt client_secret: "ClientSecret",
});
json_object!(AssociateSoftwareTokenRequest { opt access_token: "AccessToken", opt session: "Session" });
json_object!(AssociateSoftwareTokenResponse { req secret_code: "SecretCode", opt session: "Session" });
json_object!(VerifySoftwareTokenRequest {
    opt access_token: "AccessToken",
    opt session: "Session",
    req user_code: "UserCode",
    opt friendly_device_name: "FriendlyDeviceName",
});
json_object!(VerifySoftwareTokenResponse { opt status: "Status", opt session: "Session" });
json_object!(MfaSettings { opt enabled: "Enabled", opt preferred_mfa: "PreferredMfa" });
json_object!(SetUserMfaPreferenceRequest {
    opt sms_mfa_settings: "SMSMfaSettings",
    opt software_token_mfa_settings: "SoftwareTokenMfaSettings",
    opt email_mfa_settings: "EmailMfaSettings",
    req access_token: "AccessToken",
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::UserPoolId;
    use crate::wire::{parse_response, request, HttpResponse};
    use crate::Error;

    /// What core's writer wrote, read back by an independent parser.
    fn to_value<T: ToJson>(v: &T) -> serde_json::Result<serde_json::Value> {
        serde_json::from_slice(&crate::json::to_vec(v))
    }

    fn config() -> ClientConfig {
        #[allow(clippy::unwrap_used)]
        ClientConfig::new(
            UserPoolId::parse("us-east-1_P").unwrap(),
            ClientId::new("cid"),
        )
    }

    fn ok(body: &str) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn options_are_skipped_and_names_are_pascal_case() -> Result<(), Error> {
        let req = SignUpRequest::new(
            &config(),
            Username::new("alice"),
            Password::new("pw"),
            vec![AttributeType::new("email", "a@example.com")],
        );
        let v: serde_json::Value =
            serde_json::from_slice(&request::<SignUp>(&config(), &req)?.body)
                .map_err(|e| Error::parse("test", e, ""))?;
        assert_eq!(
            v,
            serde_json::json!({
                "ClientId": "cid",
                "Username": "alice",
                "Password": "pw",
                "UserAttributes": [{"Name": "email", "Value": "a@example.com"}],
            })
        );
        Ok(())
    }

    #[test]
    fn secret_hash_is_added_with_a_secret() {
        let cfg = config().with_client_secret(ClientSecret::new("s"));
        let req = ForgotPasswordRequest::new(&cfg, Username::new("bob"));
        assert_eq!(req.secret_hash, cfg.secret_hash("bob"));
        assert!(req.secret_hash.is_some());
        let rt = RevokeTokenRequest::new(&cfg, RefreshToken::new("r"));
        assert_eq!(
            rt.client_secret.map(|s| s.secret().to_owned()),
            Some("s".into())
        );
    }

    #[test]
    fn mfa_preference_uses_model_names() -> Result<(), Error> {
        let req = SetUserMfaPreferenceRequest {
            sms_mfa_settings: Some(MfaSettings {
                enabled: Some(false),
                preferred_mfa: None,
            }),
            software_token_mfa_settings: Some(MfaSettings {
                enabled: Some(true),
                preferred_mfa: Some(true),
            }),
            email_mfa_settings: None,
            access_token: AccessToken::new("t"),
        };
        let s = crate::json::to_string(&req);
        assert_eq!(
            s,
            r#"{"SMSMfaSettings":{"Enabled":false},"SoftwareTokenMfaSettings":{"Enabled":true,"PreferredMfa":true},"AccessToken":"t"}"#
        );
        Ok(())
    }

    #[test]
    fn get_user_reads_model_names_and_ignores_unknown() -> Result<(), Error> {
        let r = parse_response::<GetUser>(&ok(r#"{
            "Username": "u-1",
            "UserAttributes": [{"Name": "sub", "Value": "u-1"}, {"Name": "email"}],
            "MFAOptions": [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}],
            "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
            "UserMFASettingList": ["SOFTWARE_TOKEN_MFA"],
            "SomethingNew": 1
        }"#))?;
        assert_eq!(r.username.as_str(), "u-1");
        assert_eq!(r.user_attributes[1].value, None);
        assert_eq!(
            r.mfa_options
                .as_deref()
                .and_then(|o| o[0].delivery_medium.clone()),
            Some(DeliveryMedium::Sms)
        );
        assert_eq!(
            r.user_mfa_setting_list,
            Some(vec!["SOFTWARE_TOKEN_MFA".into()])
        );
        Ok(())
    }

    #[test]
    fn challenge_names_round_trip_and_keep_unknowns() -> Result<(), Error> {
        let r = parse_response::<InitiateAuth>(&ok(
            r#"{"ChallengeName":"SOMETHING_NEW","ChallengeParameters":{"A":"1","DEVICE_KEY":null},"Session":"s"}"#,
        ))?;
        assert_eq!(
            r.challenge_name,
            Some(ChallengeName::Other("SOMETHING_NEW".into()))
        );
        let params = r.challenge_parameters.unwrap_or_default();
        assert_eq!(params.get("A"), Some("1"));
        assert_eq!(params.get("DEVICE_KEY"), None);
        assert_eq!(
            ChallengeName::from_wire("MFA_SETUP"),
            ChallengeName::MfaSetup
        );
        assert_eq!(
            ChallengeName::SoftwareTokenMfa.as_str(),
            "SOFTWARE_TOKEN_MFA"
        );
        Ok(())
    }

    #[test]
    fn authentication_result_parses_tokens() -> Result<(), Error> {
        let r = parse_response::<GetTokensFromRefreshToken>(&ok(
            r#"{"AuthenticationResult":{"AccessToken":"a","ExpiresIn":3600,"TokenType":"Bearer","IdToken":"i","RefreshToken":"r2"}}"#,
        ))?;
        let a = r.authentication_result;
        assert_eq!(a.access_token.secret(), "a");
        assert_eq!(a.expires_in, 3600);
        assert_eq!(
            a.refresh_token.map(|t| t.secret().to_owned()),
            Some("r2".into())
        );
        // REFRESH_TOKEN_AUTH: no refresh token.
        let r = parse_response::<InitiateAuth>(&ok(
            r#"{"AuthenticationResult":{"AccessToken":"a","ExpiresIn":3600,"TokenType":"Bearer"},"ChallengeParameters":{}}"#,
        ))?;
        assert!(r
            .authentication_result
            .is_some_and(|a| a.refresh_token.is_none()));
        Ok(())
    }

    #[test]
    fn authentication_result_without_token_type_parses() -> Result<(), Error> {
        // `TokenType` is not required in the service model; a body without it is still tokens.
        let r = parse_response::<InitiateAuth>(&ok(
            r#"{"AuthenticationResult":{"AccessToken":"a","ExpiresIn":3600,"IdToken":"i"}}"#,
        ))?;
        let a = r
            .authentication_result
            .ok_or_else(|| Error::parse("t", "no AuthenticationResult", ""))?;
        assert_eq!(a.access_token.secret(), "a");
        assert_eq!(a.token_type, "Bearer");
        Ok(())
    }

    #[test]
    fn param_map_debug_redacts_secrets() {
        let m = ParamMap::new()
            .with("USERNAME", "alice")
            .with("PASSWORD", "hunter2")
            .with("SOFTWARE_TOKEN_MFA_CODE", "123456");
        let d = format!("{m:?}");
        assert!(d.contains("alice"));
        assert!(!d.contains("hunter2"));
        assert!(!d.contains("123456"));
    }

    #[test]
    fn totp_secret_is_redacted_in_debug() -> Result<(), Error> {
        let r = parse_response::<AssociateSoftwareToken>(&ok(
            r#"{"SecretCode":"JBSWY3DPEHPK3PXP","Session":"s"}"#,
        ))?;
        assert_eq!(r.secret_code.secret(), "JBSWY3DPEHPK3PXP");
        assert!(!format!("{r:?}").contains("JBSWY3DPEHPK3PXP"));
        // Still the bare string on the wire.
        let v = to_value(&r).map_err(|e| Error::parse("t", e, ""))?;
        assert_eq!(v["SecretCode"], "JBSWY3DPEHPK3PXP");
        Ok(())
    }

    #[test]
    fn one_time_codes_are_redacted_in_debug_but_sent_as_is() -> Result<(), Error> {
        let code = "246810";
        let confirm = ConfirmSignUpRequest::new(&config(), Username::new("u"), code);
        let forgot = ConfirmForgotPasswordRequest::new(
            &config(),
            Username::new("u"),
            code,
            Password::new("pw"),
        );
        let attr = VerifyUserAttributeRequest {
            access_token: AccessToken::new("t"),
            attribute_name: "email".into(),
            code: OneTimeCode::new(code),
        };
        let totp = VerifySoftwareTokenRequest {
            access_token: None,
            session: Some(ChallengeSession::new("sess-secret")),
            user_code: OneTimeCode::new(code),
            friendly_device_name: None,
        };
        let shown = format!("{confirm:?} {forgot:?} {attr:?} {totp:?}");
        assert!(!shown.contains(code), "code leaked: {shown}");
        assert!(!shown.contains("sess-secret"), "session leaked: {shown}");
        let json =
            |v: serde_json::Result<serde_json::Value>| v.map_err(|e| Error::parse("t", e, ""));
        assert_eq!(json(to_value(&confirm))?["ConfirmationCode"], code);
        assert_eq!(json(to_value(&forgot))?["ConfirmationCode"], code);
        assert_eq!(json(to_value(&attr))?["Code"], code);
        let t = json(to_value(&totp))?;
        assert_eq!(t["UserCode"], code);
        assert_eq!(t["Session"], "sess-secret");
        Ok(())
    }

    #[test]
    fn operation_names_match_targets() {
        assert_eq!(SetUserMFAPreference::NAME, "SetUserMFAPreference");
        assert_eq!(OPERATION_NAMES.len(), 20);
        assert!(OPERATION_NAMES.contains(&"GetTokensFromRefreshToken"));
    }
}
