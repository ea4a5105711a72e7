//! Shared helpers for the integration tests: an in-process server, API calls, SRP sign-in,
//! token verification against the JWKS.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs
)]

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use cognito_local::config::Config;
use cognito_local::state::{AppState, ManualClock, Options};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;

pub const POOL: &str = "us-east-1_LocalPool1";
pub const POOL_NAME: &str = "LocalPool1";
pub const SPA: &str = "localspaclient000000000001";
pub const CONF: &str = "localconfclient00000000001";
pub const CONF_SECRET: &str = "local-dev-secret-change-me";
pub const ISSUER_BASE: &str = "http://localhost:9229";

/// `SECRET_HASH` as clients compute it (`cognito-core`).
pub fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    cognito_core::wire::secret_hash(
        &cognito_core::types::ClientSecret::new(secret),
        username,
        &cognito_core::types::ClientId::new(client_id),
    )
}

pub struct Server {
    pub app: Router,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
}

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn server() -> Server {
    server_with(Config::default_config().unwrap(), None)
}

pub fn server_with(config: Config, dir: Option<std::path::PathBuf>) -> Server {
    let clock = Arc::new(ManualClock::new(now_unix()));
    let state = AppState::new(
        config,
        Options {
            data_dir: dir,
            issuer_base: ISSUER_BASE.into(),
            clock: clock.clone(),
        },
    )
    .unwrap();
    Server {
        app: cognito_local::app(state.clone()),
        state,
        clock,
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }
}

pub async fn send(app: &Router, req: Request<Body>) -> Resp {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

pub async fn raw_call(app: &Router, op: &str, body: Value) -> Resp {
    let req = Request::post("/")
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            format!("AWSCognitoIdentityProviderService.{op}"),
        )
        .body(Body::from(body.to_string()))
        .unwrap();
    send(app, req).await
}

/// Calls an operation; returns Ok(body) on 200, Err((__type, message)) otherwise.
pub async fn call(app: &Router, op: &str, body: Value) -> Result<Value, (String, String)> {
    let r = raw_call(app, op, body).await;
    let v = r.json();
    if r.status == StatusCode::OK {
        Ok(v)
    } else {
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{op}: unexpected status, body {}",
            r.text()
        );
        let t = v["__type"].as_str().unwrap().to_string();
        assert_eq!(r.header("x-amzn-errortype").unwrap(), format!("{t}:"));
        Err((t, v["message"].as_str().unwrap_or_default().to_string()))
    }
}

pub async fn err(app: &Router, op: &str, body: Value) -> (String, String) {
    call(app, op, body)
        .await
        .expect_err(&format!("{op} should fail"))
}

pub async fn ok(app: &Router, op: &str, body: Value) -> Value {
    match call(app, op, body).await {
        Ok(v) => v,
        Err(e) => panic!("{op} failed: {e:?}"),
    }
}

pub async fn last_code(app: &Router, username: &str) -> String {
    let r = send(
        app,
        Request::get(format!("/_dev/outbox?username={username}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let v = r.json();
    let msgs = v["messages"].as_array().unwrap();
    msgs.last().expect("a message")["code"]
        .as_str()
        .unwrap()
        .to_string()
}

pub async fn sign_up_confirmed(
    app: &Router,
    username: &str,
    password: &str,
    email: &str,
) -> String {
    let v = ok(
        app,
        "SignUp",
        json!({"ClientId": SPA, "Username": username, "Password": password,
               "UserAttributes": [{"Name": "email", "Value": email}]}),
    )
    .await;
    let code = last_code(app, username).await;
    ok(
        app,
        "ConfirmSignUp",
        json!({"ClientId": SPA, "Username": username, "ConfirmationCode": code}),
    )
    .await;
    v["UserSub"].as_str().unwrap().to_string()
}

/// Starts USER_SRP_AUTH and answers PASSWORD_VERIFIER with the client-side SRP of cognito-srp.
pub async fn srp_sign_in_with(
    s: &Server,
    client_id: &str,
    secret: Option<&str>,
    username: &str,
    password: &str,
) -> Result<Value, (String, String)> {
    srp_full(s, client_id, POOL_NAME, secret, username, password).await
}

pub async fn srp_sign_in_pool(
    s: &Server,
    client_id: &str,
    pool_name: &str,
    username: &str,
    password: &str,
) -> Result<Value, (String, String)> {
    srp_full(s, client_id, pool_name, None, username, password).await
}

pub async fn srp_full(
    s: &Server,
    client_id: &str,
    pool_name: &str,
    secret: Option<&str>,
    username: &str,
    password: &str,
) -> Result<Value, (String, String)> {
    let a = vec![7u8; 128]
        .into_iter()
        .enumerate()
        .map(|(i, b)| b ^ (i as u8) ^ rand::random::<u8>())
        .collect::<Vec<_>>();
    let eph = cognito_srp::ClientEphemeral::from_bytes(&a).unwrap();
    let mut params = json!({"USERNAME": username, "SRP_A": eph.a_pub_hex()});
    if let Some(sec) = secret {
        params["SECRET_HASH"] = json!(secret_hash(sec, username, client_id));
    }
    let ch = call(
        &s.app,
        "InitiateAuth",
        json!({"ClientId": client_id, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": params}),
    )
    .await?;
    assert_eq!(ch["ChallengeName"], "PASSWORD_VERIFIER");
    let p = &ch["ChallengeParameters"];
    let uid = p["USER_ID_FOR_SRP"].as_str().unwrap();
    let ts = cognito_srp::cognito_timestamp(s.clock_now());
    let claim = cognito_srp::password_claim(
        &eph,
        &cognito_srp::ClaimInput {
            pool_name,
            user_id_for_srp: uid,
            password,
            salt_hex: p["SALT"].as_str().unwrap(),
            b_pub_hex: p["SRP_B"].as_str().unwrap(),
            secret_block_b64: p["SECRET_BLOCK"].as_str().unwrap(),
            timestamp: &ts,
        },
    )
    .unwrap();
    let mut resp = json!({
        "USERNAME": uid,
        "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
        "PASSWORD_CLAIM_SIGNATURE": claim.signature_b64,
        "TIMESTAMP": ts,
    });
    if let Some(sec) = secret {
        resp["SECRET_HASH"] = json!(secret_hash(sec, uid, client_id));
    }
    call(&s.app, "RespondToAuthChallenge", json!({"ClientId": client_id, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": resp})).await
}

/// Sets up TOTP for the signed-in user: AssociateSoftwareToken, then VerifySoftwareToken with
/// the current code. Returns the TOTP key.
pub async fn set_up_totp(s: &Server, access_token: &Value) -> Vec<u8> {
    let app = &s.app;
    let secret = ok(
        app,
        "AssociateSoftwareToken",
        json!({"AccessToken": access_token}),
    )
    .await["SecretCode"]
        .as_str()
        .unwrap()
        .to_string();
    let key = cognito_local::util::base32_decode(&secret).unwrap();
    let code = cognito_local::util::totp(&key, s.clock_now());
    ok(
        app,
        "VerifySoftwareToken",
        json!({"AccessToken": access_token, "UserCode": code}),
    )
    .await;
    key
}

pub async fn srp_sign_in(
    s: &Server,
    username: &str,
    password: &str,
) -> Result<Value, (String, String)> {
    srp_sign_in_with(s, SPA, None, username, password).await
}

impl Server {
    pub fn clock_now(&self) -> i64 {
        use cognito_local::state::Clock;
        self.clock.now()
    }
}

/// Verifies a JWT's RS256 signature against the server's JWKS (fetched over HTTP) with the
/// rsa crate and returns its claims.
pub async fn verify_jwt(app: &Router, token: &str) -> Value {
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier;
    use rsa::{BigUint, RsaPublicKey};
    let jwks = send(
        app,
        Request::get(format!("/{POOL}/.well-known/jwks.json"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    let kid = header["kid"].as_str().unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
        .expect("kid in JWKS");
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["use"], "sig");
    let n = BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap());
    let e = BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap());
    let key = VerifyingKey::<sha2::Sha256>::new(RsaPublicKey::new(n, e).unwrap());
    let sig = Signature::try_from(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().as_slice()).unwrap();
    key.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
        .expect("valid signature");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap()
}

pub fn claims(token: &str) -> Value {
    let p = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
}

pub fn claims_header(token: &str) -> String {
    let p = token.split('.').next().unwrap();
    let h: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
    h["kid"].as_str().unwrap().to_string()
}
