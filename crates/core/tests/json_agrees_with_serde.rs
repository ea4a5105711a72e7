//! The two encodings of the wire types agree: core's own (`cognito_core::json`, what the browser
//! package uses) and serde's (the `serde` feature, what the local server uses).
//!
//! For every request and response type, with every optional field set and with none set:
//! both write the same bytes; each reads what the other wrote back to the same value; both
//! ignore unknown fields, read `null` as an absent optional field, read `\u` escapes (surrogate
//! pairs included) the same, and refuse a wrong-typed or repeated field. String fields carry
//! quotes, backslashes, control characters and non-ASCII text throughout.
#![cfg(feature = "serde")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::escape_non_ascii;

use std::fmt::Debug;

use cognito_core::json::{self, FromJson, ToJson};
use cognito_core::oauth::{parse_token_response, PendingAuthorization, TokenResponse};
use cognito_core::ops::*;
use cognito_core::types::{
    AccessToken, ChallengeSession, ClientId, ClientSecret, IdToken, OneTimeCode, Password,
    RefreshToken, TotpSecret, Username,
};
use cognito_core::wire::HttpResponse;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// A string that needs every kind of escaping, and some that needs none.
const S: &str = "q\"uote \\back/slash\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f} é€ 😀 𝄞";

fn s(prefix: &str) -> String {
    format!("{prefix}-{S}")
}

fn params() -> ParamMap {
    ParamMap::new()
        .with("USERNAME", s("u"))
        .with("SECRET_HASH", s("h"))
        .with(s("odd key"), "")
}

fn attrs() -> Vec<AttributeType> {
    vec![
        AttributeType::new("email", s("a@b")),
        AttributeType {
            name: s("custom:x"),
            value: None,
        },
    ]
}

fn delivery() -> CodeDeliveryDetails {
    CodeDeliveryDetails {
        destination: Some(s("d")),
        delivery_medium: Some(DeliveryMedium::Email),
        attribute_name: Some(s("email")),
    }
}

fn tokens(full: bool) -> AuthenticationResult {
    AuthenticationResult {
        access_token: AccessToken::new(s("a")),
        expires_in: if full { -1 } else { 3600 },
        token_type: if full { s("T") } else { "Bearer".into() },
        refresh_token: full.then(|| RefreshToken::new(s("r"))),
        id_token: full.then(|| IdToken::new(s("i"))),
        new_device_metadata: full.then(|| NewDeviceMetadata {
            device_key: Some(s("k")),
            device_group_key: None,
        }),
    }
}

fn mfa() -> MfaSettings {
    MfaSettings {
        enabled: Some(true),
        preferred_mfa: Some(false),
    }
}

/// `v`'s serde JSON as an object.
fn object_of<T: Serialize>(v: &T) -> Map<String, Value> {
    match serde_json::to_value(v).unwrap() {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

/// Both parsers read `text` to `want`.
fn both_read<T>(name: &str, text: &str, want: &T, case: &str)
where
    T: FromJson + DeserializeOwned + PartialEq + Debug,
{
    let ours = json::from_str::<T>(text).unwrap_or_else(|e| panic!("{name} {case}: core: {e}"));
    let theirs: T =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{name} {case}: serde: {e}"));
    assert_eq!(&ours, want, "{name} {case}: core");
    assert_eq!(&theirs, want, "{name} {case}: serde");
}

/// Both parsers refuse `text`.
fn both_refuse<T>(name: &str, text: &str, key: &str)
where
    T: FromJson + DeserializeOwned + Debug,
{
    let ours = json::from_str::<T>(text);
    let theirs = serde_json::from_str::<T>(text);
    assert!(theirs.is_err(), "{name}: serde accepted {text}");
    match ours {
        Ok(v) => panic!("{name}: core accepted {text} as {v:?}"),
        // The error names the field (and nothing of its value).
        Err(e) => assert!(
            e.to_string().contains(key),
            "{name}: {e} does not name {key}"
        ),
    }
}

/// A wrong-typed stand-in for `v`.
///
/// Not an array for an object: serde's derive also reads a struct from an array of its fields
/// in order (a serde format feature the wire never uses), which core refuses; see
/// `an_array_is_not_an_object`.
fn wrong(v: &Value) -> Vec<Value> {
    match v {
        Value::String(_) => vec![json!(5), json!(true), json!([]), json!({})],
        Value::Number(_) => vec![json!("5"), json!(1.5), json!(1e3)],
        Value::Bool(_) => vec![json!("true"), json!(1)],
        Value::Array(_) => vec![json!({}), json!("[]"), json!([5])],
        Value::Object(_) => vec![json!(5), json!("{}"), json!(true)],
        Value::Null => vec![],
    }
}

fn agree<T>(name: &str, full: &T, minimal: &T)
where
    T: ToJson + FromJson + Serialize + DeserializeOwned + PartialEq + Debug,
{
    for (case, v) in [("full", full), ("minimal", minimal)] {
        let ours = json::to_string(v);
        let theirs = serde_json::to_string(v).unwrap();
        assert_eq!(ours, theirs, "{name} {case}: written bytes");
        both_read(name, &theirs, v, case);
        assert!(
            !ours.contains("null"),
            "{name} {case}: null written: {ours}"
        );

        let mut extra = object_of(v);
        extra.insert(
            "SomethingNew".into(),
            json!({"a": [1, 2.5, -3e7, null, true, S], "b": {"c": {}}}),
        );
        extra.insert("zzz".into(), Value::Null);
        both_read(
            name,
            &Value::Object(extra).to_string(),
            v,
            "with unknown fields",
        );
        both_read(
            name,
            &escape_non_ascii(&theirs, false),
            v,
            "with \\u escapes",
        );
        both_read(
            name,
            &serde_json::to_string_pretty(v).unwrap(),
            v,
            "pretty-printed",
        );
    }

    // Absent optional fields, sent as `null` instead.
    let full_obj = object_of(full);
    let mut nulls = object_of(minimal);
    for key in full_obj.keys() {
        nulls.entry(key.clone()).or_insert(Value::Null);
    }
    both_read(
        name,
        &Value::Object(nulls).to_string(),
        minimal,
        "with nulls",
    );

    // A required field (every field the minimal value writes) sent as `null`.
    for key in object_of(minimal).keys() {
        let mut o = full_obj.clone();
        o.insert(key.clone(), Value::Null);
        both_refuse::<T>(name, &Value::Object(o).to_string(), key);
    }

    // Every field with a wrong type, and a repeated field.
    for (key, value) in &full_obj {
        for bad in wrong(value) {
            let mut o = full_obj.clone();
            o.insert(key.clone(), bad);
            both_refuse::<T>(name, &Value::Object(o).to_string(), key);
        }
        let text = serde_json::to_string(&full_obj).unwrap();
        let member = format!("{}:{},", json!(key), value);
        let repeated = format!("{{{member}{}", &text[1..]);
        both_refuse::<T>(name, &repeated, key);
    }
}

#[test]
fn every_request_and_response_type_agrees() {
    let client = || ClientId::new(s("cid"));
    let session = || Some(ChallengeSession::new(s("sess")));
    agree("Empty", &Empty {}, &Empty {});
    agree("AttributeType", &attrs()[0], &attrs()[1]);
    agree(
        "CodeDeliveryDetails",
        &delivery(),
        &CodeDeliveryDetails::default(),
    );
    agree("AuthenticationResult", &tokens(true), &tokens(false));
    agree(
        "CodeDeliveryResponse",
        &CodeDeliveryResponse {
            code_delivery_details: Some(delivery()),
        },
        &CodeDeliveryResponse::default(),
    );
    agree(
        "SignUpRequest",
        &SignUpRequest {
            client_id: client(),
            secret_hash: Some(s("h")),
            username: Username::new(s("u")),
            password: Some(Password::new(s("p"))),
            user_attributes: Some(attrs()),
            validation_data: Some(attrs()),
            client_metadata: Some(params()),
        },
        &SignUpRequest {
            client_id: client(),
            secret_hash: None,
            username: Username::new(s("u")),
            password: None,
            user_attributes: None,
            validation_data: None,
            client_metadata: None,
        },
    );
    agree(
        "SignUpResponse",
        &SignUpResponse {
            user_confirmed: true,
            user_sub: s("sub"),
            code_delivery_details: Some(delivery()),
            session: session(),
        },
        &SignUpResponse {
            user_confirmed: false,
            user_sub: s("sub"),
            code_delivery_details: None,
            session: None,
        },
    );
    let confirm = |full: bool| ConfirmSignUpRequest {
        client_id: client(),
        secret_hash: full.then(|| s("h")),
        username: Username::new(s("u")),
        confirmation_code: OneTimeCode::new(s("c")),
        force_alias_creation: full.then_some(false),
        session: if full { session() } else { None },
        client_metadata: full.then(params),
    };
    agree("ConfirmSignUpRequest", &confirm(true), &confirm(false));
    agree(
        "ConfirmSignUpResponse",
        &ConfirmSignUpResponse { session: session() },
        &ConfirmSignUpResponse::default(),
    );
    let username = |full: bool| UsernameRequest {
        client_id: client(),
        secret_hash: full.then(|| s("h")),
        username: Username::new(s("u")),
        client_metadata: full.then(params),
    };
    agree("UsernameRequest", &username(true), &username(false));
    let initiate = |full: bool| InitiateAuthRequest {
        auth_flow: if full {
            AuthFlow::Other(s("NEW_FLOW"))
        } else {
            AuthFlow::UserSrpAuth
        },
        client_id: client(),
        auth_parameters: full.then(params),
        client_metadata: full.then(params),
        session: if full { session() } else { None },
    };
    agree("InitiateAuthRequest", &initiate(true), &initiate(false));
    agree(
        "InitiateAuthResponse",
        &InitiateAuthResponse {
            challenge_name: Some(ChallengeName::PasswordVerifier),
            session: session(),
            challenge_parameters: Some(params()),
            authentication_result: Some(tokens(true)),
            available_challenges: Some(vec![
                ChallengeName::Password,
                ChallengeName::Other(s("NEW")),
            ]),
        },
        &InitiateAuthResponse::default(),
    );
    let respond = |full: bool| RespondToAuthChallengeRequest {
        client_id: client(),
        challenge_name: ChallengeName::SmsMfa,
        session: if full { session() } else { None },
        challenge_responses: full.then(params),
        client_metadata: full.then(params),
    };
    agree(
        "RespondToAuthChallengeRequest",
        &respond(true),
        &respond(false),
    );
    let refresh = |full: bool| GetTokensFromRefreshTokenRequest {
        refresh_token: RefreshToken::new(s("r")),
        client_id: client(),
        client_secret: full.then(|| ClientSecret::new(s("secret"))),
        device_key: full.then(|| s("dk")),
        client_metadata: full.then(params),
    };
    agree(
        "GetTokensFromRefreshTokenRequest",
        &refresh(true),
        &refresh(false),
    );
    agree(
        "GetTokensFromRefreshTokenResponse",
        &GetTokensFromRefreshTokenResponse {
            authentication_result: tokens(true),
        },
        &GetTokensFromRefreshTokenResponse {
            authentication_result: tokens(false),
        },
    );
    let access = AccessTokenRequest {
        access_token: AccessToken::new(s("at")),
    };
    agree("AccessTokenRequest", &access, &access);
    agree(
        "MfaOptionType",
        &MfaOptionType {
            delivery_medium: Some(DeliveryMedium::Sms),
            attribute_name: Some(s("phone_number")),
        },
        &MfaOptionType {
            delivery_medium: None,
            attribute_name: None,
        },
    );
    agree(
        "GetUserResponse",
        &GetUserResponse {
            username: Username::new(s("u")),
            user_attributes: attrs(),
            mfa_options: Some(vec![MfaOptionType {
                delivery_medium: Some(DeliveryMedium::Other(s("PIGEON"))),
                attribute_name: None,
            }]),
            preferred_mfa_setting: Some(s("SMS_MFA")),
            user_mfa_setting_list: Some(vec![s("SMS_MFA"), String::new()]),
        },
        &GetUserResponse {
            username: Username::new(s("u")),
            user_attributes: vec![],
            mfa_options: None,
            preferred_mfa_setting: None,
            user_mfa_setting_list: None,
        },
    );
    let update = |full: bool| UpdateUserAttributesRequest {
        user_attributes: if full { attrs() } else { vec![] },
        access_token: AccessToken::new(s("at")),
        client_metadata: full.then(params),
    };
    agree("UpdateUserAttributesRequest", &update(true), &update(false));
    agree(
        "UpdateUserAttributesResponse",
        &UpdateUserAttributesResponse {
            code_delivery_details_list: Some(vec![delivery(), CodeDeliveryDetails::default()]),
        },
        &UpdateUserAttributesResponse::default(),
    );
    let verify_attr = VerifyUserAttributeRequest {
        access_token: AccessToken::new(s("at")),
        attribute_name: s("email"),
        code: OneTimeCode::new(s("123")),
    };
    agree("VerifyUserAttributeRequest", &verify_attr, &verify_attr);
    let code = |full: bool| GetUserAttributeVerificationCodeRequest {
        access_token: AccessToken::new(s("at")),
        attribute_name: s("email"),
        client_metadata: full.then(params),
    };
    agree(
        "GetUserAttributeVerificationCodeRequest",
        &code(true),
        &code(false),
    );
    let delete = |full: bool| DeleteUserAttributesRequest {
        user_attribute_names: if full { vec![s("a"), s("b")] } else { vec![] },
        access_token: AccessToken::new(s("at")),
    };
    agree("DeleteUserAttributesRequest", &delete(true), &delete(false));
    let forgot = |full: bool| ConfirmForgotPasswordRequest {
        client_id: client(),
        secret_hash: full.then(|| s("h")),
        username: Username::new(s("u")),
        confirmation_code: OneTimeCode::new(s("c")),
        password: Password::new(s("p")),
        client_metadata: full.then(params),
    };
    agree(
        "ConfirmForgotPasswordRequest",
        &forgot(true),
        &forgot(false),
    );
    let change = |full: bool| ChangePasswordRequest {
        previous_password: full.then(|| Password::new(s("old"))),
        proposed_password: Password::new(s("new")),
        access_token: AccessToken::new(s("at")),
    };
    agree("ChangePasswordRequest", &change(true), &change(false));
    let revoke = |full: bool| RevokeTokenRequest {
        token: RefreshToken::new(s("r")),
        client_id: client(),
        client_secret: full.then(|| ClientSecret::new(s("secret"))),
    };
    agree("RevokeTokenRequest", &revoke(true), &revoke(false));
    agree(
        "AssociateSoftwareTokenRequest",
        &AssociateSoftwareTokenRequest {
            access_token: Some(AccessToken::new(s("at"))),
            session: session(),
        },
        &AssociateSoftwareTokenRequest::default(),
    );
    agree(
        "AssociateSoftwareTokenResponse",
        &AssociateSoftwareTokenResponse {
            secret_code: TotpSecret::new(s("JBSW")),
            session: session(),
        },
        &AssociateSoftwareTokenResponse {
            secret_code: TotpSecret::new(s("JBSW")),
            session: None,
        },
    );
    let verify = |full: bool| VerifySoftwareTokenRequest {
        access_token: full.then(|| AccessToken::new(s("at"))),
        session: if full { session() } else { None },
        user_code: OneTimeCode::new(s("123456")),
        friendly_device_name: full.then(|| s("phone")),
    };
    agree("VerifySoftwareTokenRequest", &verify(true), &verify(false));
    agree(
        "VerifySoftwareTokenResponse",
        &VerifySoftwareTokenResponse {
            status: Some(VerifySoftwareTokenStatus::Success),
            session: session(),
        },
        &VerifySoftwareTokenResponse {
            status: None,
            session: None,
        },
    );
    agree("MfaSettings", &mfa(), &MfaSettings::default());
    let pref = |full: bool| SetUserMfaPreferenceRequest {
        sms_mfa_settings: full.then(mfa),
        software_token_mfa_settings: full.then(MfaSettings::default),
        email_mfa_settings: full.then(mfa),
        access_token: AccessToken::new(s("at")),
    };
    agree("SetUserMfaPreferenceRequest", &pref(true), &pref(false));
}

#[test]
fn an_array_is_not_an_object() {
    // The one place the two differ on purpose: serde reads `[]` as a struct whose fields all
    // have defaults; core wants an object, as every Cognito body is.
    let text = r#"{"AccessToken":"a","ExpiresIn":5,"NewDeviceMetadata":[]}"#;
    assert!(serde_json::from_str::<AuthenticationResult>(text).is_ok());
    let e = json::from_str::<AuthenticationResult>(text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "NewDeviceMetadata: expected an object, got an array"
    );
    assert!(json::from_str::<Empty>("[]").is_err());
}

#[test]
fn param_maps_drop_nulls_and_keep_the_last_repeated_key_in_both() {
    let text = r#"{"A":"1","DEVICE_KEY":null,"B":"x","A":"2"}"#;
    let want = ParamMap::new().with("A", "2").with("B", "x");
    let ours: ParamMap = json::from_str(text).unwrap();
    let theirs: ParamMap = serde_json::from_str(text).unwrap();
    assert_eq!(ours, want);
    assert_eq!(theirs, want);
    for bad in [r#"{"A":1}"#, r#"{"A":["x"]}"#, r#"["A"]"#, r#""A""#] {
        assert!(json::from_str::<ParamMap>(bad).is_err(), "{bad}");
        assert!(serde_json::from_str::<ParamMap>(bad).is_err(), "{bad}");
    }
}

#[test]
fn token_type_defaults_to_bearer_when_absent_in_both() {
    let text = r#"{"AccessToken":"a","ExpiresIn":5}"#;
    let ours: AuthenticationResult = json::from_str(text).unwrap();
    let theirs: AuthenticationResult = serde_json::from_str(text).unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(ours.token_type, "Bearer");
}

#[test]
fn integers_are_read_alike() {
    for (n, ok) in [
        ("0", true),
        ("-7", true),
        ("9223372036854775807", true),
        ("9223372036854775808", false),
        ("-9223372036854775809", false),
        ("3600.0", false),
        ("36e2", false),
        ("1E2", false),
    ] {
        let text = format!(r#"{{"AccessToken":"a","ExpiresIn":{n}}}"#);
        let ours = json::from_str::<AuthenticationResult>(&text);
        let theirs = serde_json::from_str::<AuthenticationResult>(&text);
        assert_eq!(ours.is_ok(), ok, "core, {n}");
        assert_eq!(theirs.is_ok(), ok, "serde, {n}");
        if let (Ok(a), Ok(b)) = (ours, theirs) {
            assert_eq!(a, b);
        }
    }
}

#[test]
fn token_response_and_pending_authorization_agree() {
    let mut t = TokenResponse::new(AccessToken::new(s("a")), 3600);
    for full in [false, true] {
        if full {
            t.id_token = Some(IdToken::new(s("i")));
            t.refresh_token = Some(RefreshToken::new(s("r")));
            t.token_type = s("bearer");
        }
        let ours = json::to_string(&t);
        assert_eq!(ours, serde_json::to_string(&t).unwrap());
        let resp = HttpResponse {
            status: 200,
            headers: vec![],
            body: escape_non_ascii(&ours, false).into_bytes(),
        };
        let back = parse_token_response(&resp).unwrap();
        assert_eq!(json::to_string(&back), ours);
    }

    let p = PendingAuthorization::from_parts(s("state"), Some(s("nonce")), "v".repeat(43)).unwrap();
    let ours = p.to_json();
    assert_eq!(ours, serde_json::to_string(&p).unwrap());
    let theirs: PendingAuthorization = serde_json::from_str(&ours).unwrap();
    assert_eq!(theirs.to_json(), ours);
    let ours_back = PendingAuthorization::from_json(&escape_non_ascii(&ours, false)).unwrap();
    assert_eq!(ours_back.to_json(), ours);
    let no_nonce = PendingAuthorization::from_parts(s("state"), None, "v".repeat(43)).unwrap();
    assert_eq!(
        no_nonce.to_json(),
        serde_json::to_string(&no_nonce).unwrap()
    );
    // A verifier that is not one is refused by both.
    let bad = ours.replace(&"v".repeat(43), "short");
    assert!(PendingAuthorization::from_json(&bad).is_err());
    assert!(serde_json::from_str::<PendingAuthorization>(&bad).is_err());
}

#[test]
fn wire_enums_keep_unknown_values_in_both() {
    for wire in ["SMS_MFA", "SOMETHING_NEW", "", S] {
        let text = serde_json::to_string(wire).unwrap();
        let ours: ChallengeName = json::from_str(&text).unwrap();
        let theirs: ChallengeName = serde_json::from_str(&text).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(json::to_string(&ours), text);
    }
}
