//! Response parsing never panics: random bytes, random JSON and truncated or mutated real
//! responses go through every operation's parser, the error parser and the sign-in machine, and
//! each must return `Ok` or `Err`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cognito_core::ops::*;
use cognito_core::refresh::{apply_response, RefreshMethod};
use cognito_core::session::{Session, Tokens};
use cognito_core::signin::{SignIn, SignInFlow, SignInOptions};
use cognito_core::types::{AccessToken, ClientId, Password, RefreshToken, UserPoolId, Username};
use cognito_core::wire::{
    parse_error, parse_response, ClientConfig, HttpRequest, HttpResponse, Method,
};
use cognito_core::Error;
use proptest::prelude::*;

/// Real-looking bodies, to truncate and mutate.
const SAMPLES: &[&str] = &[
    r#"{"AuthenticationResult":{"AccessToken":"a.b.c","ExpiresIn":3600,"TokenType":"Bearer","RefreshToken":"r","IdToken":"i.d.t","NewDeviceMetadata":{"DeviceKey":"k","DeviceGroupKey":"g"}},"ChallengeParameters":{}}"#,
    r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SALT":"ab12","SRP_B":"ff00","SECRET_BLOCK":"c2VjcmV0","USERNAME":"u","USER_ID_FOR_SRP":"u"}}"#,
    r#"{"ChallengeName":"MFA_SETUP","Session":"s","ChallengeParameters":{"MFAS_CAN_SETUP":"[\"SOFTWARE_TOKEN_MFA\",\"EMAIL_OTP\"]"}}"#,
    r#"{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"s","ChallengeParameters":{"userAttributes":"{\"email\":\"a@b\"}","requiredAttributes":"[\"userAttributes.name\"]"}}"#,
    r#"{"UserConfirmed":false,"UserSub":"1234","CodeDeliveryDetails":{"Destination":"a***@e***","DeliveryMedium":"EMAIL","AttributeName":"email"}}"#,
    r#"{"Username":"u","UserAttributes":[{"Name":"sub","Value":"1"}],"MFAOptions":[{"DeliveryMedium":"SMS","AttributeName":"phone_number"}],"UserMFASettingList":["SMS_MFA"]}"#,
    r#"{"SecretCode":"JBSWY3DPEHPK3PXP","Session":"s"}"#,
    r#"{"Status":"SUCCESS","Session":"s"}"#,
    r#"{"CodeDeliveryDetailsList":[{"Destination":"+***1","DeliveryMedium":"SMS"}]}"#,
    r#"{"__type":"com.amazonaws#NotAuthorizedException","message":"Incorrect username or password."}"#,
    r#"{"code":"CodeMismatchException:","Message":"Invalid code"}"#,
    "{}",
];

/// Parses `resp` with every operation's response parser.
fn parse_all(resp: &HttpResponse) {
    macro_rules! each {
        ($($op:ty),*) => {$(
            match parse_response::<$op>(resp) {
                Ok(_) => assert!(resp.is_success(), "Ok from a {} response", resp.status),
                Err(Error::Service { status, .. }) => assert_eq!(status, resp.status),
                Err(Error::Parse { .. }) => {}
                // A 5xx without a Cognito error type: the request did not get through.
                Err(Error::Transport(_)) if resp.status >= 500 => {}
                Err(other) => panic!("unexpected error kind {other:?}"),
            }
        )*};
    }
    each!(
        SignUp,
        ConfirmSignUp,
        ResendConfirmationCode,
        InitiateAuth,
        RespondToAuthChallenge,
        GetTokensFromRefreshToken,
        GetUser,
        UpdateUserAttributes,
        VerifyUserAttribute,
        GetUserAttributeVerificationCode,
        ForgotPassword,
        ConfirmForgotPassword,
        ChangePassword,
        GlobalSignOut,
        RevokeToken,
        AssociateSoftwareToken,
        VerifySoftwareToken,
        SetUserMFAPreference,
        DeleteUser,
        DeleteUserAttributes
    );
    if !resp.is_success() {
        match parse_error(resp) {
            Error::Service { .. } | Error::Parse { .. } => {}
            Error::Transport(_) if resp.status >= 500 => {}
            other => panic!("unexpected error kind {other:?}"),
        }
    }
    drive_signin(resp);
}

/// Feeds `resp` to a fresh sign-in, then (if it paused) a few answers; nothing may panic.
fn drive_signin(resp: &HttpResponse) {
    let config = ClientConfig::new(
        UserPoolId::parse("eu-west-1_Prop").unwrap(),
        ClientId::new("c"),
    );
    for flow in [SignInFlow::UserSrpAuth, SignInFlow::UserPasswordAuth] {
        let (mut signin, _) = SignIn::start(
            &config,
            Username::new("alice"),
            Password::new("pw"),
            SignInOptions::default().with_flow(flow),
            &[9; 128],
        )
        .unwrap();
        let _ = signin.handle(resp, 1_700_000_000);
        let _ = signin.confirm_text("123456", vec![]);
        let _ = signin.handle(resp, 1_700_000_000);
        let _ = signin.confirm_text("TOTP", vec![]);
        let _ = signin.handle(resp, i64::MIN);
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>().prop_map(|n| serde_json::json!(n)),
        ".{0,12}".prop_map(serde_json::Value::String),
        prop::sample::select(vec![
            "PASSWORD_VERIFIER",
            "MFA_SETUP",
            "SELECT_MFA_TYPE",
            "SOFTWARE_TOKEN_MFA",
            "[\"SOFTWARE_TOKEN_MFA\"]",
            "NotAuthorizedException",
            "Bearer",
        ])
        .prop_map(|s| serde_json::Value::String(s.to_owned())),
    ];
    let keys = prop::sample::select(vec![
        "AuthenticationResult",
        "AccessToken",
        "ExpiresIn",
        "TokenType",
        "ChallengeName",
        "ChallengeParameters",
        "Session",
        "SALT",
        "SRP_B",
        "SECRET_BLOCK",
        "MFAS_CAN_SETUP",
        "MFAS_CAN_CHOOSE",
        "USERNAME",
        "Username",
        "UserAttributes",
        "SecretCode",
        "Status",
        "__type",
        "code",
        "message",
        "x",
    ]);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(keys.clone().prop_map(str::to_owned), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![Just(200u16), Just(400), Just(500), 100u16..600]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop::sample::select(vec![
                "x-amzn-errortype",
                "X-Amzn-ErrorType",
                "x-amzn-errormessage",
                "content-type",
            ])
            .prop_map(str::to_owned),
            prop_oneof![
                ".{0,40}".boxed(),
                Just("NotAuthorizedException:http://internal.amazon.com/x".to_owned()).boxed(),
                Just("a#b:c#d".to_owned()).boxed(),
                Just(":".to_owned()).boxed(),
            ],
        ),
        0..3,
    )
}

/// A session to refresh: alice, tokens valid from 1000 to 4600.
fn refreshable_session() -> Session {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let access = format!(
        "{}.{}.sig",
        b64(r#"{"alg":"RS256"}"#),
        b64(r#"{"token_use":"access","username":"alice","iat":1000,"exp":4600}"#)
    );
    Session::new(
        Tokens::new(
            None,
            AccessToken::new(access),
            Some(RefreshToken::new("rt")),
        ),
        1000,
    )
    .unwrap()
}

proptest! {
    /// Whatever a 5xx says, a refresh that got one keeps the stored session.
    #[test]
    fn server_faults_never_end_a_session(
        status in 500u16..600,
        headers in headers(),
        body in prop_oneof![
            json_value().prop_map(|v| v.to_string().into_bytes()),
            prop::collection::vec(any::<u8>(), 0..128),
        ],
    ) {
        let resp = HttpResponse { status, headers, body };
        let session = refreshable_session();
        for method in [RefreshMethod::InitiateAuth, RefreshMethod::GetTokensFromRefreshToken] {
            let e = apply_response(&session, &method, &resp, 2000).unwrap_err();
            prop_assert!(e.is_transient(), "{:?}", e);
            prop_assert!(!e.is_session_ended(), "{:?}", e);
        }
    }

    /// `Debug` of a request never shows credentials or the body.
    #[test]
    fn request_debug_redacts_credentials(
        name in prop_oneof![Just("Authorization"), Just("authorization"), Just("AUTHORIZATION")],
        scheme in prop_oneof![Just("Basic"), Just("Bearer")],
        secret in "[A-Za-z0-9+/=._-]{12,40}",
        body in "[A-Za-z0-9]{12,40}",
    ) {
        let req = HttpRequest {
            method: Method::Post,
            url: "https://auth.example.com/oauth2/token".into(),
            headers: vec![(name.to_owned(), format!("{scheme} {secret}"))],
            body: body.clone().into_bytes(),
        };
        let d = format!("{req:?}");
        prop_assert!(!d.contains(&secret), "{}", d);
        prop_assert!(!d.contains(&body), "{}", d);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(status in status(), headers in headers(), body in prop::collection::vec(any::<u8>(), 0..256)) {
        parse_all(&HttpResponse { status, headers, body });
    }

    #[test]
    fn random_json_never_panics(status in status(), headers in headers(), v in json_value()) {
        let body = serde_json::to_vec(&v).unwrap();
        parse_all(&HttpResponse { status, headers, body });
    }

    #[test]
    fn truncated_and_mutated_samples_never_panic(
        status in status(),
        sample in prop::sample::select(SAMPLES),
        cut in 0usize..400,
        flip in prop::option::of((0usize..400, any::<u8>())),
    ) {
        let mut body = sample.as_bytes().to_vec();
        if let Some((at, byte)) = flip {
            if !body.is_empty() {
                let i = at % body.len();
                body[i] = byte;
            }
        }
        body.truncate(cut.min(body.len()));
        parse_all(&HttpResponse { status, headers: vec![], body });
    }

    #[test]
    fn resuming_garbage_never_panics(v in json_value(), text in ".{0,64}", now in any::<i64>()) {
        let config = ClientConfig::new(UserPoolId::parse("eu-west-1_Prop").unwrap(), ClientId::new("c"));
        let json = serde_json::to_string(&v).unwrap();
        for saved in [json.as_str(), text.as_str()] {
            if let Ok((mut signin, _)) = SignIn::resume(&config, saved, now) {
                let _ = signin.confirm_text("123456", vec![]);
            }
        }
    }
}

#[test]
fn whole_samples_parse_where_they_should() {
    let ok = |s: &str| HttpResponse {
        status: 200,
        headers: vec![],
        body: s.as_bytes().to_vec(),
    };
    assert!(parse_response::<InitiateAuth>(&ok(SAMPLES[0])).is_ok());
    assert!(parse_response::<SignUp>(&ok(SAMPLES[4])).is_ok());
    assert!(parse_response::<GetUser>(&ok(SAMPLES[5])).is_ok());
    assert!(parse_response::<AssociateSoftwareToken>(&ok(SAMPLES[6])).is_ok());
    assert!(parse_response::<UpdateUserAttributes>(&ok(SAMPLES[8])).is_ok());
    // Truncated JSON is a parse error, not a panic and not Ok. A body that may carry tokens is
    // not kept in the error (only its length); one that cannot is kept as read.
    let cut = &SAMPLES[0][..40];
    match parse_response::<InitiateAuth>(&ok(cut)) {
        Err(Error::Parse { raw, .. }) => {
            assert_eq!(
                raw, "[40 bytes redacted: may hold tokens or secrets]",
                "tokens kept in the error"
            );
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let cut = &SAMPLES[4][..40];
    match parse_response::<SignUp>(&ok(cut)) {
        Err(Error::Parse { raw, .. }) => assert_eq!(raw, cut),
        other => panic!("expected a parse error, got {other:?}"),
    }
}
