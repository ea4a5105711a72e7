//! The API with tokens issued by the real `cognito-local`, in process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use cognito_api::authorizer::{authorize, AuthorizerEvent};
use cognito_api::notes::Notes;
use cognito_api::verifier::{
    BoxFuture, HttpJwks, JwksSource, Verifier, VerifierConfig, VerifyError,
};
use cognito_api::{app, AppState};
use cognito_local::config::Config;
use cognito_local::state::{AppState as ServerState, Clock as _, ManualClock, Options};
use hmac::Mac as _;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const POOL: &str = "us-east-1_LocalPool1";
const SPA: &str = "localspaclient000000000001";
const BASE: &str = "http://localhost:9229";
const ORIGIN: &str = "http://127.0.0.1:8080";
const PASSWORD: &str = "Passw0rd!x";

struct Cognito {
    app: Router,
    clock: Arc<ManualClock>,
}

fn cognito_at(base: &str) -> Cognito {
    let clock = Arc::new(ManualClock::new(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
    ));
    let state = ServerState::new(
        Config::default_config().unwrap(),
        Options {
            data_dir: None,
            issuer_base: base.into(),
            clock: clock.clone(),
        },
    )
    .unwrap();
    Cognito {
        app: cognito_local::app(state),
        clock,
    }
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

impl Cognito {
    async fn call(&self, op: &str, body: Value) -> Value {
        let (status, _, body) = send(
            &self.app,
            Request::post("/")
                .header("content-type", "application/x-amz-json-1.1")
                .header(
                    "x-amz-target",
                    format!("AWSCognitoIdentityProviderService.{op}"),
                )
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
        let v: Value = serde_json::from_slice(&body).unwrap_or_default();
        assert_eq!(status, StatusCode::OK, "{op}: {v}");
        v
    }

    /// A confirmed user; returns (ID token, access token).
    async fn user(&self, name: &str, groups: &[&str]) -> (String, String) {
        self.call(
            "AdminCreateUser",
            json!({"UserPoolId": POOL, "Username": name, "MessageAction": "SUPPRESS",
                   "UserAttributes": [{"Name": "email", "Value": format!("{name}@example.com")},
                                      {"Name": "email_verified", "Value": "true"}]}),
        )
        .await;
        self.call(
            "AdminSetUserPassword",
            json!({"UserPoolId": POOL, "Username": name, "Password": PASSWORD, "Permanent": true}),
        )
        .await;
        for g in groups {
            self.call(
                "AdminAddUserToGroup",
                json!({"UserPoolId": POOL, "Username": name, "GroupName": g}),
            )
            .await;
        }
        let v = self
            .call(
                "InitiateAuth",
                json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": SPA,
                       "AuthParameters": {"USERNAME": name, "PASSWORD": PASSWORD}}),
            )
            .await;
        let r = &v["AuthenticationResult"];
        (
            r["IdToken"].as_str().unwrap().to_owned(),
            r["AccessToken"].as_str().unwrap().to_owned(),
        )
    }

    fn now(&self) -> i64 {
        self.clock.now()
    }
}

/// The JWKS served by the in-process server, whatever host the URL names (so a verifier set up
/// for another issuer still finds the keys, and its issuer check is what refuses the token).
struct InProcessJwks(Router);

impl JwksSource for InProcessJwks {
    fn fetch<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, String>> {
        Box::pin(async move {
            let after_scheme = url.split_once("://").ok_or("not a URL")?.1;
            let path = &after_scheme[after_scheme.find('/').ok_or("no path")?..];
            let (status, _, body) =
                send(&self.0, Request::get(path).body(Body::empty()).unwrap()).await;
            if status.is_success() {
                Ok(body)
            } else {
                Err(format!("HTTP {status}"))
            }
        })
    }
}

fn verifier(c: &Cognito, config: VerifierConfig) -> Verifier {
    let clock = c.clock.clone();
    Verifier::new(config, Arc::new(InProcessJwks(c.app.clone())))
        .with_clock(Arc::new(move || clock.now()))
}

fn spa_config() -> VerifierConfig {
    VerifierConfig::new(format!("{BASE}/{POOL}"), SPA)
}

fn api(v: Verifier) -> Router {
    app(AppState::new(
        v,
        Notes::in_memory().unwrap(),
        vec![ORIGIN.into()],
    ))
}

async fn api_call(
    api: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let mut b = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(v) => b
            .header("content-type", "application/json")
            .body(Body::from(v.to_string())),
        None => b.body(Body::empty()),
    }
    .unwrap();
    let (s, h, body) = send(api, req).await;
    (s, h, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn parts(token: &str) -> (Value, Value, String) {
    let mut it = token.split('.');
    let h = URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap();
    let p = URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap();
    (
        serde_json::from_slice(&h).unwrap(),
        serde_json::from_slice(&p).unwrap(),
        it.next().unwrap().to_owned(),
    )
}

fn assemble(header: &Value, payload: &Value, sig: &str) -> String {
    format!(
        "{}.{}.{sig}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    )
}

#[tokio::test]
async fn notes_belong_to_their_owner_and_admins_see_all() {
    let c = cognito_at(BASE);
    let (alice, _) = c.user("alice", &[]).await;
    let (bob, _) = c.user("bob", &[]).await;
    let (root, _) = c.user("root", &["admin"]).await;
    let api = api(verifier(&c, spa_config()));

    let (s, _, me) = api_call(&api, "GET", "/me", Some(&alice), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["username"], "alice");
    let (s, _, note) = api_call(
        &api,
        "POST",
        "/notes",
        Some(&alice),
        Some(json!({"text": "alice's"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{note}");
    let id = note["id"].as_i64().unwrap();
    api_call(
        &api,
        "POST",
        "/notes",
        Some(&bob),
        Some(json!({"text": "bob's"})),
    )
    .await;

    let (_, _, list) = api_call(&api, "GET", "/notes", Some(&alice), None).await;
    let texts: Vec<&str> = list["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["alice's"]);
    // Bob can neither list nor delete Alice's note; nor tell that it exists.
    let (s, _, _) = api_call(&api, "GET", "/notes?all=true", Some(&bob), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = api_call(&api, "DELETE", &format!("/notes/{id}"), Some(&bob), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, _, all) = api_call(&api, "GET", "/notes?all=true", Some(&root), None).await;
    assert_eq!(all["notes"].as_array().unwrap().len(), 2);
    let (s, _, _) = api_call(&api, "DELETE", &format!("/notes/{id}"), Some(&alice), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, _, list) = api_call(&api, "GET", "/notes", Some(&alice), None).await;
    assert!(list["notes"].as_array().unwrap().is_empty());

    // Input limits, with the reason in a 400.
    for (body, want) in [
        (json!({"text": "  "}), "some text"),
        (json!({"text": "x".repeat(1001)}), "at most 1000"),
        (json!({"note": "x"}), "expected a JSON body"),
    ] {
        let (s, _, v) = api_call(&api, "POST", "/notes", Some(&alice), Some(body)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(v["message"].as_str().unwrap().contains(want), "{v}");
    }
    let (s, _, _) = api_call(&api, "DELETE", "/notes/abc", Some(&alice), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn every_bad_token_is_a_401() {
    let c = cognito_at(BASE);
    let (id, access) = c.user("carol", &[]).await;
    let v = verifier(&c, spa_config());
    assert!(v.verify(&id).await.is_ok());
    let (header, payload, sig) = parts(&id);

    // HS256 "signed" with the RSA public key as the HMAC secret (the classic confusion).
    let jwks = InProcessJwks(c.app.clone())
        .fetch(&format!("{BASE}/{POOL}/.well-known/jwks.json"))
        .await
        .unwrap();
    let jwks: Value = serde_json::from_slice(&jwks).unwrap();
    let n = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .unwrap()["n"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut hs_header = header.clone();
    hs_header["alg"] = json!("HS256");
    let signing_input = assemble(&hs_header, &payload, "")
        .trim_end_matches('.')
        .to_owned();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(n.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    let hs256 = format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    );

    let mut none_header = header.clone();
    none_header["alg"] = json!("none");
    let mut unknown_kid = header.clone();
    unknown_kid["kid"] = json!("not-a-key");
    let mut tampered = payload.clone();
    tampered["sub"] = json!("someone-else");

    let exp = payload["exp"].as_i64().unwrap();
    let iat = payload["iat"].as_i64().unwrap();
    let cases: Vec<(&str, String, Verifier, VerifyError)> = vec![
        (
            "not a JWT",
            "not.a.jwt".into(),
            v.clone(),
            VerifyError::Malformed(String::new()),
        ),
        (
            "alg none",
            assemble(&none_header, &payload, ""),
            v.clone(),
            VerifyError::Algorithm("none".into()),
        ),
        (
            "HS256 with the public key",
            hs256,
            v.clone(),
            VerifyError::Algorithm("HS256".into()),
        ),
        (
            "unknown kid",
            assemble(&unknown_kid, &payload, &sig),
            v.clone(),
            VerifyError::UnknownKey("not-a-key".into()),
        ),
        (
            "tampered payload",
            assemble(&header, &tampered, &sig),
            v.clone(),
            VerifyError::Signature,
        ),
        (
            "wrong issuer",
            id.clone(),
            verifier(&c, VerifierConfig::for_pool(POOL, SPA).unwrap()),
            VerifyError::Issuer(format!("{BASE}/{POOL}")),
        ),
        (
            "wrong audience",
            id.clone(),
            verifier(
                &c,
                VerifierConfig::new(format!("{BASE}/{POOL}"), "another-client"),
            ),
            VerifyError::Audience(SPA.into()),
        ),
        (
            "access token",
            access.clone(),
            v.clone(),
            VerifyError::TokenUse("access".into()),
        ),
        (
            "expired",
            id.clone(),
            v.clone().with_clock(Arc::new(move || exp + 6)),
            VerifyError::Expired,
        ),
        (
            "not yet valid",
            id.clone(),
            v.clone().with_clock(Arc::new(move || iat - 60)),
            VerifyError::NotYetValid,
        ),
    ];
    for (name, token, verifier, want) in cases {
        let got = verifier.verify(&token).await.unwrap_err();
        match (&got, &want) {
            (VerifyError::Malformed(_), VerifyError::Malformed(_)) => {}
            _ => assert_eq!(got, want, "{name}"),
        }
        let api = api(verifier);
        let (s, h, body) = api_call(&api, "GET", "/notes", Some(&token), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{name}");
        assert_eq!(
            h["www-authenticate"], r#"Bearer realm="cognito-api", error="invalid_token""#,
            "{name}"
        );
        assert_eq!(
            body,
            json!({"message": "Unauthorized"}),
            "{name}: generic body"
        );
    }
    // Within the leeway is fine; no header at all is a 401 without an error code.
    assert!(v
        .clone()
        .with_clock(Arc::new(move || exp + 5))
        .verify(&id)
        .await
        .is_ok());
    let api = api(v.clone());
    let (s, h, _) = api_call(&api, "GET", "/notes", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(h["www-authenticate"], r#"Bearer realm="cognito-api""#);
    // Access tokens pass when asked for explicitly.
    let for_access = verifier(&c, spa_config().access_tokens());
    assert!(for_access.verify(&access).await.is_ok());
    assert_eq!(
        for_access.verify(&id).await.unwrap_err(),
        VerifyError::TokenUse("id".into())
    );
    assert!(c.now() > 0);
}

#[tokio::test]
async fn unknown_key_ids_refetch_the_jwks_at_most_once_per_back_off() {
    let c = cognito_at(BASE);
    let (id, _) = c.user("dan", &[]).await;
    let (header, payload, sig) = parts(&id);
    let v = verifier(&c, spa_config());
    v.verify(&id).await.unwrap();
    assert_eq!(v.jwks_fetches(), 1);
    for i in 0..20 {
        let mut h = header.clone();
        h["kid"] = json!(format!("made-up-{i}"));
        assert!(v.verify(&assemble(&h, &payload, &sig)).await.is_err());
    }
    assert_eq!(
        v.jwks_fetches(),
        1,
        "inside the back-off nothing is fetched again"
    );
    v.verify(&id).await.unwrap();
    assert_eq!(v.jwks_fetches(), 1, "known keys come from the cache");

    let eager = verifier(&c, spa_config().refetch_backoff(Duration::ZERO));
    eager.verify(&id).await.unwrap();
    let mut h = header.clone();
    h["kid"] = json!("rotated-in-later");
    assert!(eager.verify(&assemble(&h, &payload, &sig)).await.is_err());
    assert_eq!(
        eager.jwks_fetches(),
        2,
        "after the back-off an unknown kid refetches once"
    );
}

#[tokio::test]
async fn lambda_authorizer_allows_valid_tokens_and_denies_the_rest() {
    let c = cognito_at(BASE);
    let (id, access) = c.user("erin", &["admin", "staff"]).await;
    let v = verifier(&c, spa_config());
    let arn = "arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/GET/notes";
    let event = |token: &str| AuthorizerEvent {
        kind: "TOKEN".into(),
        authorization_token: token.into(),
        method_arn: arn.into(),
    };
    let allow = authorize(&v, &event(&format!("Bearer {id}"))).await;
    let json = serde_json::to_value(&allow).unwrap();
    let sub = parts(&id).1["sub"].as_str().unwrap().to_owned();
    assert_eq!(json["principalId"], sub.as_str());
    assert_eq!(
        json["policyDocument"],
        json!({"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": arn}]})
    );
    assert_eq!(json["context"]["username"], "erin");
    assert_eq!(json["context"]["groups"], "admin,staff");
    assert!(json["context"]
        .as_object()
        .unwrap()
        .values()
        .all(Value::is_string));
    for bad in [access.as_str(), "garbage", ""] {
        let deny = serde_json::to_value(authorize(&v, &event(bad)).await).unwrap();
        assert_eq!(
            deny["policyDocument"]["Statement"][0]["Effect"], "Deny",
            "{bad}"
        );
        assert_eq!(deny["principalId"], "unauthorized");
    }
}

#[tokio::test]
async fn cors_answers_the_demo_origin_only() {
    let c = cognito_at(BASE);
    let api = api(verifier(&c, spa_config()));
    for (origin, allowed) in [(ORIGIN, true), ("http://evil.example", false)] {
        let (_, h, _) = send(
            &api,
            Request::builder()
                .method("OPTIONS")
                .uri("/notes")
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "authorization,content-type",
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(
            h.get("access-control-allow-origin")
                .and_then(|v| v.to_str().ok()),
            allowed.then_some(origin),
            "{origin}"
        );
    }
}

#[tokio::test]
async fn the_http_jwks_fetcher_works_against_a_listening_server() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let c = cognito_at(&base);
    let app = c.app.clone();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let (id, _) = c.user("fay", &[]).await;
    let v = Verifier::new(
        VerifierConfig::new(format!("{base}/{POOL}"), SPA),
        Arc::new(HttpJwks::new().unwrap()),
    );
    let claims = v.verify(&id).await.unwrap();
    assert_eq!(claims.cognito_username.as_deref(), Some("fay"));
    server.abort();
}
