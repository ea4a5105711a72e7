//! Golden JSON for the 19 user-pool operations, written by hand from the service model.
//!
//! Member names come from botocore's `botocore/data/cognito-idp/2016-04-18/service-2.json`
//! (`<Operation>Request` / `<Operation>Response` shapes, `AuthenticationResultType`,
//! `CodeDeliveryDetailsType`, `AttributeType`, `MFAOptionType`, `*MfaSettingsType`,
//! `NewDeviceMetadataType`). For each operation, one request with every field we support set is
//! serialized through [`wire::request`] and compared with a JSON literal, and one AWS-shaped
//! response is parsed through [`wire::parse_response`] with every field we read asserted. The
//! literals do not come from our own structs, so renaming a field (or a `serde` attribute) on
//! either side fails here.
#![allow(clippy::unwrap_used, clippy::panic)]

use cognito_core::ops::*;
use cognito_core::types::{
    AccessToken, ChallengeSession, ClientId, ClientSecret, OneTimeCode, Password, RefreshToken,
    UserPoolId, Username,
};
use cognito_core::wire::{self, ClientConfig, HttpResponse};
use serde_json::Value;

fn config() -> ClientConfig {
    ClientConfig::new(
        UserPoolId::parse("us-east-1_Pool1").unwrap(),
        ClientId::new("cid"),
    )
}

/// Serializes `req` as operation `O` and compares the body with `expected` (JSON text).
fn assert_request<O: Operation>(req: &O::Request, expected: &str) {
    let http = wire::request::<O>(&config(), req).unwrap();
    assert_eq!(wire::target_of(&http), Some(O::NAME), "{} target", O::NAME);
    let got: Value = serde_json::from_slice(&http.body).unwrap();
    let want: Value = serde_json::from_str(expected).unwrap();
    assert_eq!(got, want, "{} request body", O::NAME);
}

/// Parses `body` as the 200 answer to operation `O`.
fn response<O: Operation>(body: &str) -> O::Response {
    let resp = HttpResponse {
        status: 200,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    };
    match wire::parse_response::<O>(&resp) {
        Ok(r) => r,
        Err(e) => panic!("{} response: {e}", O::NAME),
    }
}

fn meta() -> Option<ParamMap> {
    Some(ParamMap::new().with("app", "demo"))
}

fn email() -> AttributeType {
    AttributeType::new("email", "a@example.com")
}

const DELIVERY: &str =
    r#"{"Destination":"a***@e***","DeliveryMedium":"EMAIL","AttributeName":"email"}"#;

fn assert_delivery(d: Option<&CodeDeliveryDetails>, op: &str) {
    let d = d.unwrap_or_else(|| panic!("{op}: CodeDeliveryDetails missing"));
    assert_eq!(d.destination.as_deref(), Some("a***@e***"), "{op}");
    assert_eq!(d.delivery_medium, Some(DeliveryMedium::Email), "{op}");
    assert_eq!(d.attribute_name.as_deref(), Some("email"), "{op}");
}

const TOKENS: &str = r#"{
    "AccessToken": "access.jwt", "ExpiresIn": 3600, "TokenType": "Bearer",
    "RefreshToken": "refresh-opaque", "IdToken": "id.jwt",
    "NewDeviceMetadata": {"DeviceKey": "us-east-1_dk", "DeviceGroupKey": "dgk"}
}"#;

fn assert_tokens(a: Option<&AuthenticationResult>, op: &str) {
    let a = a.unwrap_or_else(|| panic!("{op}: AuthenticationResult missing"));
    assert_eq!(a.access_token.secret(), "access.jwt", "{op}");
    assert_eq!(a.expires_in, 3600, "{op}");
    assert_eq!(a.token_type, "Bearer", "{op}");
    assert_eq!(
        a.refresh_token.as_ref().map(RefreshToken::secret),
        Some("refresh-opaque"),
        "{op}"
    );
    assert_eq!(
        a.id_token.as_ref().map(|t| t.secret()),
        Some("id.jwt"),
        "{op}"
    );
    let d = a
        .new_device_metadata
        .as_ref()
        .unwrap_or_else(|| panic!("{op}: device"));
    assert_eq!(d.device_key.as_deref(), Some("us-east-1_dk"), "{op}");
    assert_eq!(d.device_group_key.as_deref(), Some("dgk"), "{op}");
}

/// The operations this file covers; must be all of [`OPERATION_NAMES`].
const COVERED: [&str; 20] = [
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "InitiateAuth",
    "RespondToAuthChallenge",
    "GetTokensFromRefreshToken",
    "GetUser",
    "UpdateUserAttributes",
    "VerifyUserAttribute",
    "GetUserAttributeVerificationCode",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "ChangePassword",
    "GlobalSignOut",
    "RevokeToken",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "SetUserMFAPreference",
    "DeleteUser",
    "DeleteUserAttributes",
];

#[test]
fn every_operation_is_covered() {
    let mut ours: Vec<&str> = OPERATION_NAMES.to_vec();
    let mut here = COVERED.to_vec();
    ours.sort_unstable();
    here.sort_unstable();
    assert_eq!(ours, here);
}

#[test]
fn sign_up() {
    assert_request::<SignUp>(
        &SignUpRequest {
            client_id: ClientId::new("cid"),
            secret_hash: Some("hash".into()),
            username: Username::new("alice"),
            password: Some(Password::new("pw")),
            user_attributes: Some(vec![email()]),
            validation_data: Some(vec![AttributeType::new("invite", "x1")]),
            client_metadata: meta(),
        },
        r#"{
            "ClientId": "cid", "SecretHash": "hash", "Username": "alice", "Password": "pw",
            "UserAttributes": [{"Name": "email", "Value": "a@example.com"}],
            "ValidationData": [{"Name": "invite", "Value": "x1"}],
            "ClientMetadata": {"app": "demo"}
        }"#,
    );
    let r = response::<SignUp>(&format!(
        r#"{{"UserConfirmed": true, "UserSub": "sub-1", "CodeDeliveryDetails": {DELIVERY}, "Session": "s-up"}}"#
    ));
    assert!(r.user_confirmed);
    assert_eq!(r.user_sub, "sub-1");
    assert_delivery(r.code_delivery_details.as_ref(), "SignUp");
    assert_eq!(
        r.session.as_ref().map(ChallengeSession::as_str),
        Some("s-up")
    );
}

#[test]
fn confirm_sign_up() {
    assert_request::<ConfirmSignUp>(
        &ConfirmSignUpRequest {
            client_id: ClientId::new("cid"),
            secret_hash: Some("hash".into()),
            username: Username::new("alice"),
            confirmation_code: OneTimeCode::new("123456"),
            force_alias_creation: Some(true),
            session: Some(ChallengeSession::new("s-up")),
            client_metadata: meta(),
        },
        r#"{
            "ClientId": "cid", "SecretHash": "hash", "Username": "alice",
            "ConfirmationCode": "123456", "ForceAliasCreation": true, "Session": "s-up",
            "ClientMetadata": {"app": "demo"}
        }"#,
    );
    let r = response::<ConfirmSignUp>(r#"{"Session": "s-confirmed"}"#);
    assert_eq!(
        r.session.as_ref().map(ChallengeSession::as_str),
        Some("s-confirmed")
    );
}

#[test]
fn resend_confirmation_code() {
    assert_request::<ResendConfirmationCode>(
        &ResendConfirmationCodeRequest {
            client_id: ClientId::new("cid"),
            secret_hash: Some("hash".into()),
            username: Username::new("alice"),
            client_metadata: meta(),
        },
        r#"{"ClientId": "cid", "SecretHash": "hash", "Username": "alice", "ClientMetadata": {"app": "demo"}}"#,
    );
    let r =
        response::<ResendConfirmationCode>(&format!(r#"{{"CodeDeliveryDetails": {DELIVERY}}}"#));
    assert_delivery(r.code_delivery_details.as_ref(), "ResendConfirmationCode");
}

#[test]
fn initiate_auth() {
    assert_request::<InitiateAuth>(
        &InitiateAuthRequest {
            auth_flow: AuthFlow::UserSrpAuth,
            client_id: ClientId::new("cid"),
            auth_parameters: Some(
                ParamMap::new()
                    .with("USERNAME", "alice")
                    .with("SRP_A", "ab12"),
            ),
            client_metadata: meta(),
            session: Some(ChallengeSession::new("s-in")),
        },
        r#"{
            "AuthFlow": "USER_SRP_AUTH", "ClientId": "cid",
            "AuthParameters": {"USERNAME": "alice", "SRP_A": "ab12"},
            "ClientMetadata": {"app": "demo"}, "Session": "s-in"
        }"#,
    );
    let r = response::<InitiateAuth>(
        r#"{
            "ChallengeName": "PASSWORD_VERIFIER", "Session": "s-pv",
            "ChallengeParameters": {"SALT": "ab", "SRP_B": "cd", "SECRET_BLOCK": "AA==",
                                    "USER_ID_FOR_SRP": "u-1", "USERNAME": "u-1"},
            "AvailableChallenges": ["PASSWORD_SRP", "EMAIL_OTP"]
        }"#,
    );
    assert_eq!(r.challenge_name, Some(ChallengeName::PasswordVerifier));
    assert_eq!(
        r.session.as_ref().map(ChallengeSession::as_str),
        Some("s-pv")
    );
    let p = r.challenge_parameters.unwrap();
    assert_eq!(p.get("USER_ID_FOR_SRP"), Some("u-1"));
    assert_eq!(p.get("SECRET_BLOCK"), Some("AA=="));
    assert_eq!(
        r.available_challenges,
        Some(vec![ChallengeName::PasswordSrp, ChallengeName::EmailOtp])
    );
    let r = response::<InitiateAuth>(&format!(
        r#"{{"AuthenticationResult": {TOKENS}, "ChallengeParameters": {{}}}}"#
    ));
    assert_tokens(r.authentication_result.as_ref(), "InitiateAuth");
}

#[test]
fn respond_to_auth_challenge() {
    assert_request::<RespondToAuthChallenge>(
        &RespondToAuthChallengeRequest {
            client_id: ClientId::new("cid"),
            challenge_name: ChallengeName::SoftwareTokenMfa,
            session: Some(ChallengeSession::new("s-mfa")),
            challenge_responses: Some(
                ParamMap::new()
                    .with("USERNAME", "u-1")
                    .with("SOFTWARE_TOKEN_MFA_CODE", "123456"),
            ),
            client_metadata: meta(),
        },
        r#"{
            "ClientId": "cid", "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "s-mfa",
            "ChallengeResponses": {"USERNAME": "u-1", "SOFTWARE_TOKEN_MFA_CODE": "123456"},
            "ClientMetadata": {"app": "demo"}
        }"#,
    );
    let r = response::<RespondToAuthChallenge>(&format!(
        r#"{{"AuthenticationResult": {TOKENS}, "ChallengeParameters": {{}}}}"#
    ));
    assert_tokens(r.authentication_result.as_ref(), "RespondToAuthChallenge");
    let r = response::<RespondToAuthChallenge>(
        r#"{"ChallengeName": "SMS_MFA", "Session": "s-sms",
            "ChallengeParameters": {"CODE_DELIVERY_DESTINATION": "+***12"}}"#,
    );
    assert_eq!(r.challenge_name, Some(ChallengeName::SmsMfa));
    assert_eq!(
        r.session.as_ref().map(ChallengeSession::as_str),
        Some("s-sms")
    );
    assert_eq!(
        r.challenge_parameters
            .unwrap()
            .get("CODE_DELIVERY_DESTINATION"),
        Some("+***12")
    );
}

#[test]
fn get_tokens_from_refresh_token() {
    assert_request::<GetTokensFromRefreshToken>(
        &GetTokensFromRefreshTokenRequest {
            refresh_token: RefreshToken::new("refresh-opaque"),
            client_id: ClientId::new("cid"),
            client_secret: Some(ClientSecret::new("shh")),
            device_key: Some("us-east-1_dk".into()),
            client_metadata: meta(),
        },
        r#"{
            "RefreshToken": "refresh-opaque", "ClientId": "cid", "ClientSecret": "shh",
            "DeviceKey": "us-east-1_dk", "ClientMetadata": {"app": "demo"}
        }"#,
    );
    let r =
        response::<GetTokensFromRefreshToken>(&format!(r#"{{"AuthenticationResult": {TOKENS}}}"#));
    assert_tokens(Some(&r.authentication_result), "GetTokensFromRefreshToken");
}

#[test]
fn get_user() {
    assert_request::<GetUser>(
        &GetUserRequest {
            access_token: AccessToken::new("access.jwt"),
        },
        r#"{"AccessToken": "access.jwt"}"#,
    );
    let r = response::<GetUser>(
        r#"{
            "Username": "u-1",
            "UserAttributes": [{"Name": "sub", "Value": "u-1"}, {"Name": "email", "Value": "a@example.com"}],
            "MFAOptions": [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}],
            "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
            "UserMFASettingList": ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]
        }"#,
    );
    assert_eq!(r.username.as_str(), "u-1");
    assert_eq!(
        r.user_attributes,
        vec![AttributeType::new("sub", "u-1"), email()]
    );
    let mfa = r.mfa_options.unwrap();
    assert_eq!(mfa[0].delivery_medium, Some(DeliveryMedium::Sms));
    assert_eq!(mfa[0].attribute_name.as_deref(), Some("phone_number"));
    assert_eq!(
        r.preferred_mfa_setting.as_deref(),
        Some("SOFTWARE_TOKEN_MFA")
    );
    assert_eq!(
        r.user_mfa_setting_list,
        Some(vec!["SMS_MFA".to_owned(), "SOFTWARE_TOKEN_MFA".to_owned()])
    );
}

#[test]
fn update_user_attributes() {
    assert_request::<UpdateUserAttributes>(
        &UpdateUserAttributesRequest {
            user_attributes: vec![email()],
            access_token: AccessToken::new("access.jwt"),
            client_metadata: meta(),
        },
        r#"{
            "UserAttributes": [{"Name": "email", "Value": "a@example.com"}],
            "AccessToken": "access.jwt", "ClientMetadata": {"app": "demo"}
        }"#,
    );
    let r = response::<UpdateUserAttributes>(&format!(
        r#"{{"CodeDeliveryDetailsList": [{DELIVERY}]}}"#
    ));
    let list = r.code_delivery_details_list.unwrap();
    assert_eq!(list.len(), 1);
    assert_delivery(list.first(), "UpdateUserAttributes");
}

#[test]
fn verify_user_attribute() {
    assert_request::<VerifyUserAttribute>(
        &VerifyUserAttributeRequest {
            access_token: AccessToken::new("access.jwt"),
            attribute_name: "email".into(),
            code: OneTimeCode::new("123456"),
        },
        r#"{"AccessToken": "access.jwt", "AttributeName": "email", "Code": "123456"}"#,
    );
    let _: Empty = response::<VerifyUserAttribute>("{}");
}

#[test]
fn get_user_attribute_verification_code() {
    assert_request::<GetUserAttributeVerificationCode>(
        &GetUserAttributeVerificationCodeRequest {
            access_token: AccessToken::new("access.jwt"),
            attribute_name: "email".into(),
            client_metadata: meta(),
        },
        r#"{"AccessToken": "access.jwt", "AttributeName": "email", "ClientMetadata": {"app": "demo"}}"#,
    );
    let r = response::<GetUserAttributeVerificationCode>(&format!(
        r#"{{"CodeDeliveryDetails": {DELIVERY}}}"#
    ));
    assert_delivery(
        r.code_delivery_details.as_ref(),
        "GetUserAttributeVerificationCode",
    );
}

#[test]
fn forgot_password() {
    assert_request::<ForgotPassword>(
        &ForgotPasswordRequest {
            client_id: ClientId::new("cid"),
            secret_hash: Some("hash".into()),
            username: Username::new("alice"),
            client_metadata: meta(),
        },
        r#"{"ClientId": "cid", "SecretHash": "hash", "Username": "alice", "ClientMetadata": {"app": "demo"}}"#,
    );
    let r = response::<ForgotPassword>(&format!(r#"{{"CodeDeliveryDetails": {DELIVERY}}}"#));
    assert_delivery(r.code_delivery_details.as_ref(), "ForgotPassword");
}

#[test]
fn confirm_forgot_password() {
    assert_request::<ConfirmForgotPassword>(
        &ConfirmForgotPasswordRequest {
            client_id: ClientId::new("cid"),
            secret_hash: Some("hash".into()),
            username: Username::new("alice"),
            confirmation_code: OneTimeCode::new("123456"),
            password: Password::new("new-pw"),
            client_metadata: meta(),
        },
        r#"{
            "ClientId": "cid", "SecretHash": "hash", "Username": "alice",
            "ConfirmationCode": "123456", "Password": "new-pw", "ClientMetadata": {"app": "demo"}
        }"#,
    );
    let _: Empty = response::<ConfirmForgotPassword>("{}");
}

#[test]
fn change_password() {
    assert_request::<ChangePassword>(
        &ChangePasswordRequest {
            previous_password: Some(Password::new("old-pw")),
            proposed_password: Password::new("new-pw"),
            access_token: AccessToken::new("access.jwt"),
        },
        r#"{"PreviousPassword": "old-pw", "ProposedPassword": "new-pw", "AccessToken": "access.jwt"}"#,
    );
    let _: Empty = response::<ChangePassword>("{}");
}

#[test]
fn global_sign_out() {
    assert_request::<GlobalSignOut>(
        &GlobalSignOutRequest {
            access_token: AccessToken::new("access.jwt"),
        },
        r#"{"AccessToken": "access.jwt"}"#,
    );
    let _: Empty = response::<GlobalSignOut>("{}");
}

#[test]
fn revoke_token() {
    assert_request::<RevokeToken>(
        &RevokeTokenRequest {
            token: RefreshToken::new("refresh-opaque"),
            client_id: ClientId::new("cid"),
            client_secret: Some(ClientSecret::new("shh")),
        },
        r#"{"Token": "refresh-opaque", "ClientId": "cid", "ClientSecret": "shh"}"#,
    );
    let _: Empty = response::<RevokeToken>("{}");
}

#[test]
fn associate_software_token() {
    assert_request::<AssociateSoftwareToken>(
        &AssociateSoftwareTokenRequest {
            access_token: Some(AccessToken::new("access.jwt")),
            session: Some(ChallengeSession::new("s-setup")),
        },
        r#"{"AccessToken": "access.jwt", "Session": "s-setup"}"#,
    );
    let r = response::<AssociateSoftwareToken>(
        r#"{"SecretCode": "JBSWY3DPEHPK3PXP", "Session": "s-assoc"}"#,
    );
    assert_eq!(r.secret_code.secret(), "JBSWY3DPEHPK3PXP");
    assert_eq!(
        r.session.as_ref().map(ChallengeSession::as_str),
        Some("s-assoc")
    );
}

#[test]
fn verify_software_token() {
    assert_request::<VerifySoftwareToken>(
        &VerifySoftwareTokenRequest {
            access_token: Some(AccessToken::new("access.jwt")),
            session: Some(ChallengeSession::new("s-assoc")),
            user_code: OneTimeCode::new("123456"),
            friendly_device_name: Some("phone".into()),
        },
        r#"{
            "AccessToken": "access.jwt", "Session": "s-assoc", "UserCode": "123456",
            "FriendlyDeviceName": "phone"
        }"#,
    );
    let r = response::<VerifySoftwareToken>(r#"{"Status": "SUCCESS", "Session": "s-verified"}"#);
    assert_eq!(r.status, Some(VerifySoftwareTokenStatus::Success));
    assert_eq!(
        r.session.as_ref().map(ChallengeSession::as_str),
        Some("s-verified")
    );
}

#[test]
fn set_user_mfa_preference() {
    let on = |preferred| MfaSettings {
        enabled: Some(true),
        preferred_mfa: Some(preferred),
    };
    assert_request::<SetUserMFAPreference>(
        &SetUserMfaPreferenceRequest {
            sms_mfa_settings: Some(on(false)),
            software_token_mfa_settings: Some(on(true)),
            email_mfa_settings: Some(MfaSettings {
                enabled: Some(false),
                preferred_mfa: None,
            }),
            access_token: AccessToken::new("access.jwt"),
        },
        r#"{
            "SMSMfaSettings": {"Enabled": true, "PreferredMfa": false},
            "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true},
            "EmailMfaSettings": {"Enabled": false},
            "AccessToken": "access.jwt"
        }"#,
    );
    let _: Empty = response::<SetUserMFAPreference>("{}");
}

#[test]
fn delete_user() {
    assert_request::<DeleteUser>(
        &DeleteUserRequest {
            access_token: AccessToken::new("access.jwt"),
        },
        r#"{"AccessToken": "access.jwt"}"#,
    );
    // The model has no output shape: Cognito answers 200 with an empty body.
    let _: Empty = response::<DeleteUser>("");
}

#[test]
fn delete_user_attributes() {
    assert_request::<DeleteUserAttributes>(
        &DeleteUserAttributesRequest {
            user_attribute_names: vec!["custom:nickname".into(), "name".into()],
            access_token: AccessToken::new("access.jwt"),
        },
        r#"{"UserAttributeNames": ["custom:nickname", "name"], "AccessToken": "access.jwt"}"#,
    );
    let _: Empty = response::<DeleteUserAttributes>("{}");
}
