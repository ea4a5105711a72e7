//! No secret reaches an error's `Display`, `Debug` or kept raw text, and what is kept is
//! bounded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use cognito_core::oauth::{parse_callback, PendingAuthorization};
use cognito_core::signin::SignIn;
use cognito_core::types::{ClientId, UserPoolId};
use cognito_core::wire::{parse_error, parse_json_body, ClientConfig, HttpResponse};
use cognito_core::Error;

const SECRET: &str = "S3CR3T-VALUE-0123456789";

fn shown(e: &Error) -> String {
    format!("{e} | {e:?}")
}

fn config() -> ClientConfig {
    ClientConfig::new(
        UserPoolId::parse("us-east-1_P").unwrap(),
        ClientId::new("c"),
    )
}

#[test]
fn a_malformed_suspended_sign_in_is_not_kept() {
    for saved in [
        format!(
            r#"{{"version":1,"session":"{SECRET}","step":{{"TotpSetup":{{"secret":"{SECRET}"}}}}"#
        ),
        format!(r#"{{"version":7,"pool_id":"us-east-1_P","session":"{SECRET}"}}"#),
        format!(r#"not json {SECRET}"#),
    ] {
        let e = SignIn::resume(&config(), &saved, 0).unwrap_err();
        assert!(matches!(e, Error::Parse { .. }), "{e:?}");
        assert!(!shown(&e).contains(SECRET), "{}", shown(&e));
    }
}

#[test]
fn a_callback_url_keeps_no_code_or_state() {
    for url in [
        format!("https://app.example/cb?code={SECRET}&code={SECRET}&state=x"),
        format!("https://app.example/cb?state={SECRET}&state=y"),
        format!("not a url ?code={SECRET}"),
        format!("http://[::1/cb#code={SECRET}"),
    ] {
        let e = parse_callback(&url).unwrap_err();
        assert!(!shown(&e).contains(SECRET), "{}", shown(&e));
    }
    let pending = PendingAuthorization::from_parts("state".into(), None, "v".repeat(64)).unwrap();
    let oauth = cognito_core::oauth::OAuthConfig::new(
        "https://auth.example",
        ClientId::new("c"),
        "https://app.example/cb",
    )
    .unwrap();
    let e = pending
        .complete(
            &oauth,
            &format!("https://app.example/cb?code={SECRET}&state=other"),
        )
        .unwrap_err();
    assert!(!shown(&e).contains(SECRET), "{}", shown(&e));
}

#[test]
fn bodies_are_bounded_and_secret_ones_dropped() {
    let long = format!("{{\"x\": \"{}\"", "a".repeat(100_000));
    let e = parse_json_body::<cognito_core::json::Value>("X", long.as_bytes()).unwrap_err();
    let Error::Parse { raw, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(raw.len() <= 512, "{}", raw.len());
    for body in [
        format!(r#"{{"AuthenticationResult":{{"AccessToken":"{SECRET}""#),
        format!(r#"{{"Session":"{SECRET}","#),
        format!(r#"{{"ProposedPassword":"{SECRET}","#),
        format!(r#"{{"SecretCode":"{SECRET}""#),
    ] {
        let e = parse_json_body::<cognito_core::json::Value>("X", body.as_bytes()).unwrap_err();
        assert!(!shown(&e).contains(SECRET), "{}", shown(&e));
        let resp = HttpResponse {
            status: 400,
            headers: vec![],
            body: body.clone().into_bytes(),
        };
        let e = parse_error(&resp);
        assert!(!shown(&e).contains(SECRET), "{}", shown(&e));
    }
    // A placeholder is not redacted again: it still names the original length.
    let body = format!(r#"{{"RefreshToken":"{SECRET}""#);
    let e = parse_json_body::<cognito_core::json::Value>("X", body.as_bytes()).unwrap_err();
    let Error::Parse { raw, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(
        raw.starts_with(&format!("[{} bytes redacted", body.len())),
        "{raw}"
    );
}
