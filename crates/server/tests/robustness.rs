//! CORS, bad input, fuzzing, persistence across restart, concurrency, the binary's contract.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use proptest::prelude::*;
use serde_json::json;

#[tokio::test]
async fn cors_preflight_and_exposed_headers() {
    let s = server();
    for path in ["/", "/oauth2/token"] {
        let r = send(&s.app, Request::options(path)
            .header("origin", "http://localhost:8080")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,x-amz-target,x-amz-user-agent,cache-control,amz-sdk-invocation-id,amz-sdk-request,authorization")
            .body(Body::empty()).unwrap()).await;
        assert!(r.status.is_success(), "{path}: {}", r.status);
        assert_eq!(
            r.header("access-control-allow-origin").as_deref(),
            Some("*")
        );
        let allowed = r
            .header("access-control-allow-headers")
            .unwrap()
            .to_lowercase();
        for h in [
            "content-type",
            "x-amz-target",
            "x-amz-user-agent",
            "cache-control",
            "amz-sdk-invocation-id",
            "amz-sdk-request",
            "authorization",
        ] {
            assert!(allowed.contains(h), "{h} not in {allowed}");
        }
        assert!(r
            .header("access-control-allow-methods")
            .unwrap()
            .contains("POST"));
    }
    let r = send(
        &s.app,
        Request::post("/")
            .header("origin", "http://localhost:8080")
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", "AWSCognitoIdentityProviderService.GetUser")
            .body(Body::from("{\"AccessToken\":\"x\"}"))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
    let exposed = r
        .header("access-control-expose-headers")
        .unwrap()
        .to_lowercase();
    for h in [
        "x-amzn-requestid",
        "x-amzn-errortype",
        "x-amzn-errormessage",
        "date",
    ] {
        assert!(exposed.contains(h), "{h} not exposed: {exposed}");
    }
    assert!(r.header("x-amzn-requestid").is_some());
    assert_eq!(
        r.header("x-amzn-errormessage").as_deref(),
        Some("Invalid Access Token")
    );
}

async fn post_raw(s: &Server, target: Option<&str>, ct: Option<&str>, body: &str) -> Resp {
    let mut b = Request::post("/");
    if let Some(t) = target {
        b = b.header("x-amz-target", t);
    }
    if let Some(c) = ct {
        b = b.header("content-type", c);
    }
    send(&s.app, b.body(Body::from(body.to_string())).unwrap()).await
}

#[tokio::test]
async fn bad_requests_get_aws_errors() {
    let s = server();
    let t = "AWSCognitoIdentityProviderService.SignUp";
    let ty = |r: &Resp| {
        (
            r.status,
            r.json()["__type"].as_str().unwrap_or("").to_string(),
        )
    };
    assert_eq!(
        ty(&post_raw(&s, None, Some("application/x-amz-json-1.1"), "{}").await),
        (StatusCode::BAD_REQUEST, "UnknownOperationException".into())
    );
    assert_eq!(
        ty(&post_raw(
            &s,
            Some("AWSCognitoIdentityProviderService.Nope"),
            Some("application/x-amz-json-1.1"),
            "{}"
        )
        .await)
        .1,
        "UnknownOperationException"
    );
    assert_eq!(
        ty(&post_raw(
            &s,
            Some("Other.SignUp"),
            Some("application/x-amz-json-1.1"),
            "{}"
        )
        .await)
        .1,
        "UnknownOperationException"
    );
    assert_eq!(
        ty(&post_raw(&s, Some(t), Some("text/plain"), "{}").await).1,
        "UnknownOperationException"
    );
    assert_eq!(
        ty(&post_raw(&s, Some(t), None, "{}").await).1,
        "UnknownOperationException"
    );
    assert_eq!(
        ty(&post_raw(&s, Some(t), Some("application/x-amz-json-1.1"), "{not json").await).1,
        "SerializationException"
    );
    assert_eq!(
        ty(&post_raw(&s, Some(t), Some("application/x-amz-json-1.1"), "[1,2]").await).1,
        "SerializationException"
    );
    assert_eq!(
        ty(&post_raw(&s, Some(t), Some("application/json"), "{}").await).1,
        "InvalidParameterException"
    );
    assert_eq!(
        ty(&post_raw(
            &s,
            Some(t),
            Some("application/x-amz-json-1.1; charset=utf-8"),
            ""
        )
        .await)
        .1,
        "InvalidParameterException"
    );
    let huge = format!("{{\"ClientId\":\"{}\"}}", "x".repeat(2 << 20));
    assert_eq!(
        ty(&post_raw(&s, Some(t), Some("application/x-amz-json-1.1"), &huge).await).1,
        "InvalidParameterException"
    );
    // Unknown routes: a plain 404, never an HTML error page from a framework.
    let r = send(&s.app, Request::get("/nope").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn random_requests_never_500(
        op in prop::sample::select(cognito_local::api::operations().collect::<Vec<_>>()),
        fuzz_target in any::<bool>(),
        raw_target in "[ -~]{0,40}",
        ct in prop::sample::select(vec!["application/x-amz-json-1.1", "application/json", "text/plain", ""]),
        body in prop_oneof![
            "[ -~]{0,200}".prop_map(|s| s),
            prop::collection::btree_map(
                prop::sample::select(vec!["ClientId", "Username", "Password", "AuthFlow", "AuthParameters", "AccessToken",
                    "ChallengeName", "ChallengeResponses", "Session", "UserAttributes", "ConfirmationCode", "RefreshToken",
                    "UserPoolId", "TemporaryPassword", "Token", "UserCode", "SoftwareTokenMfaSettings", "AttributeName", "Code"]),
                prop_oneof![
                    Just(json!(null)), any::<bool>().prop_map(|b| json!(b)), any::<i64>().prop_map(|i| json!(i)),
                    "[ -~]{0,30}".prop_map(|s| json!(s)),
                    Just(json!("localspaclient000000000001")), Just(json!("USER_SRP_AUTH")), Just(json!("USER_PASSWORD_AUTH")),
                    Just(json!("REFRESH_TOKEN_AUTH")), Just(json!("PASSWORD_VERIFIER")), Just(json!("us-east-1_LocalPool1")),
                    Just(json!({"USERNAME": "demo", "SRP_A": "0", "PASSWORD": "x", "REFRESH_TOKEN": "y"})),
                    Just(json!({"USERNAME": "demo", "PASSWORD_CLAIM_SECRET_BLOCK": "!!", "PASSWORD_CLAIM_SIGNATURE": "", "TIMESTAMP": "Mon"})),
                    Just(json!([{"Name": "email", "Value": 3}])), Just(json!([1, 2])), Just(json!({"Enabled": "yes"})),
                ],
                0..6,
            ).prop_map(|m| serde_json::to_string(&m).unwrap()),
        ],
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let s = fuzz_server();
        let target = if fuzz_target { raw_target } else { format!("AWSCognitoIdentityProviderService.{op}") };
        let r = rt.block_on(async {
            let mut b = Request::post("/").header("x-amz-target", target.as_str());
            if !ct.is_empty() { b = b.header("content-type", ct); }
            send(&s.app, b.body(Body::from(body.clone())).unwrap()).await
        });
        prop_assert!(r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST, "status {} for {} {}: {}", r.status, target, body, r.text());
        if r.status == StatusCode::BAD_REQUEST {
            prop_assert!(r.json()["__type"].is_string());
        }
    }

    #[test]
    fn random_oauth_requests_never_500(path in prop::sample::select(vec!["/oauth2/token", "/oauth2/revoke", "/login", "/signup", "/confirmUser", "/forgotPassword", "/confirmForgotPassword"]),
                                       body in "[ -~]{0,200}", get in any::<bool>()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let s = fuzz_server();
        let r = rt.block_on(async {
            let req = if get {
                Request::get(format!("{path}?{}", body.replace([' ', '#'], ""))).body(Body::empty())
            } else {
                Request::post(path).header("content-type", "application/x-www-form-urlencoded").header("cookie", "XSRF-TOKEN=x").body(Body::from(body.clone()))
            };
            match req {
                Ok(req) => Some(send(&s.app, req).await),
                Err(_) => None,
            }
        });
        if let Some(r) = r {
            prop_assert!(r.status.as_u16() < 500, "status {} for {path} {body}", r.status);
        }
    }
}

fn fuzz_server() -> &'static Server {
    static S: std::sync::OnceLock<Server> = std::sync::OnceLock::new();
    S.get_or_init(server)
}

#[tokio::test]
async fn state_survives_restart_with_file_db() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = cognito_local::config::Config::default_config().unwrap();
    let (refresh, kid) = {
        let s = server_with(cfg.clone(), Some(dir.path().to_path_buf()));
        sign_up_confirmed(&s.app, "persist", "Passw0rd!abc", "p@example.com").await;
        let r = srp_sign_in(&s, "persist", "Passw0rd!abc").await.unwrap();
        let ar = &r["AuthenticationResult"];
        (
            ar["RefreshToken"].as_str().unwrap().to_string(),
            claims_header(ar["IdToken"].as_str().unwrap()),
        )
    };
    let s = server_with(cfg, Some(dir.path().to_path_buf()));
    // Same signing keys, same user, same refresh token, same outbox.
    let r = ok(&s.app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": refresh}})).await;
    let id = r["AuthenticationResult"]["IdToken"].as_str().unwrap();
    assert_eq!(claims_header(id), kid);
    verify_jwt(&s.app, id).await;
    srp_sign_in(&s, "persist", "Passw0rd!abc").await.unwrap();
    assert!(!last_code(&s.app, "persist").await.is_empty());
    assert!(dir.path().join("cognito-local.sqlite3").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sign_ups_are_all_kept() {
    let dir = tempfile::tempdir().unwrap();
    let s = std::sync::Arc::new(server_with(
        cognito_local::config::Config::default_config().unwrap(),
        Some(dir.path().to_path_buf()),
    ));
    let mut handles = Vec::new();
    for i in 0..40 {
        let s = s.clone();
        handles.push(tokio::spawn(async move {
            ok(
                &s.app,
                "SignUp",
                json!({"ClientId": SPA, "Username": format!("user{i}"), "Password": "Passw0rd!abc",
                "UserAttributes": [{"Name": "email", "Value": format!("u{i}@example.com")}]}),
            )
            .await
        }));
    }
    // The same name twice at once: exactly one wins.
    let dup: Vec<_> = (0..8)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move {
                call(
                    &s.app,
                    "SignUp",
                    json!({"ClientId": SPA, "Username": "samename", "Password": "Passw0rd!abc"}),
                )
                .await
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    let mut wins = 0;
    for h in dup {
        match h.await.unwrap() {
            Ok(_) => wins += 1,
            Err((t, _)) => assert_eq!(t, "UsernameExistsException"),
        }
    }
    assert_eq!(wins, 1);
    for i in 0..40 {
        let g = ok(
            &s.app,
            "AdminGetUser",
            json!({"UserPoolId": POOL, "Username": format!("user{i}")}),
        )
        .await;
        assert_eq!(g["UserStatus"], "UNCONFIRMED");
    }
    let outbox = send(
        &s.app,
        Request::get("/_dev/outbox").body(Body::empty()).unwrap(),
    )
    .await
    .json();
    assert_eq!(outbox["messages"].as_array().unwrap().len(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_srp_sign_ins() {
    let s = std::sync::Arc::new(server());
    let hs: Vec<_> = (0..8)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap() })
        })
        .collect();
    for h in hs {
        assert!(h.await.unwrap()["AuthenticationResult"]["AccessToken"].is_string());
    }
}

#[test]
fn binary_prints_listening_line_and_serves() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cognito-local"))
        .args(["--in-memory", "--bind", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("cognito-local listening on http://")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    write!(conn, "GET /{POOL}/.well-known/openid-configuration HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = String::new();
    conn.read_to_string(&mut resp).unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(
        resp.contains(&format!("\"issuer\":\"http://{addr}/{POOL}\"")),
        "{resp}"
    );
}

/// `--in-memory` keeps its database in a file of its own in RAM (so that reads get their own
/// connections): stopping the server with SIGTERM removes it.
#[cfg(target_os = "linux")]
#[test]
fn in_memory_files_are_removed_when_the_server_stops() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cognito-local"))
        .args(["--in-memory", "--bind", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("cognito-local listening on"), "{line}");
    let prefix = format!("cognito-local-mem-{}-", child.id());
    let files = || -> Vec<String> {
        std::fs::read_dir("/dev/shm")
            .or_else(|_| std::fs::read_dir(std::env::temp_dir()))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(&prefix))
            .collect()
    };
    assert!(!files().is_empty(), "the in-memory store's file");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(files(), Vec::<String>::new());
}

#[tokio::test]
async fn expired_records_are_purged() {
    let s = server();
    let eph = cognito_srp::ClientEphemeral::from_bytes(&[9u8; 128]).unwrap();
    ok(&s.app, "InitiateAuth", json!({"ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "demo", "SRP_A": eph.a_pub_hex()}})).await;
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    let refresh = r["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(s.state.purge_expired().unwrap(), 0);
    s.clock.advance(301);
    assert_eq!(
        s.state.purge_expired().unwrap(),
        1,
        "the unanswered SRP state"
    );
    ok(
        &s.app,
        "GetTokensFromRefreshToken",
        json!({"ClientId": SPA, "RefreshToken": refresh}),
    )
    .await;
    s.clock.advance(30 * 86_400);
    assert_eq!(
        s.state.purge_expired().unwrap(),
        2,
        "the family and its refresh token"
    );
    assert_eq!(
        err(
            &s.app,
            "GetTokensFromRefreshToken",
            json!({"ClientId": SPA, "RefreshToken": refresh})
        )
        .await
        .1,
        "Invalid Refresh Token"
    );
}

async fn admin_get_user(s: &Server, origin: Option<&str>) -> Resp {
    let mut b = Request::post("/")
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.AdminGetUser",
        );
    if let Some(o) = origin {
        b = b.header("origin", o);
    }
    send(
        &s.app,
        b.body(Body::from(
            json!({"UserPoolId": POOL, "Username": "demo"}).to_string(),
        ))
        .unwrap(),
    )
    .await
}

#[tokio::test]
async fn admin_operations_are_refused_from_browsers_by_default() {
    let s = server();
    // A script or SDK (no Origin header) may administer the pool.
    let r = admin_get_user(&s, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["Username"], "demo");
    // A web page (Origin header) may not, whatever the origin.
    for origin in ["https://evil.example", "http://localhost:8080"] {
        let r = admin_get_user(&s, Some(origin)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["__type"], "AccessDeniedException");
        assert_eq!(
            r.header("x-amzn-errortype").as_deref(),
            Some("AccessDeniedException:")
        );
    }
    // Nor can it change a password.
    let r = send(
        &s.app,
        Request::post("/")
            .header("origin", "https://evil.example")
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                "AWSCognitoIdentityProviderService.AdminSetUserPassword",
            )
            .body(Body::from(
                json!({"UserPoolId": POOL, "Username": "demo", "Password": "Evil-Passw0rd!", "Permanent": true})
                    .to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(r.json()["__type"], "AccessDeniedException");
    srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();

    // Public operations from a browser still work (and still get CORS headers).
    let r = send(
        &s.app,
        Request::post("/")
            .header("origin", "http://localhost:8080")
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                "AWSCognitoIdentityProviderService.ForgotPassword",
            )
            .body(Body::from(
                json!({"ClientId": SPA, "Username": "demo"}).to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some("*")
    );

    // The opt-in.
    let cfg = cognito_local::config::Config::parse(
        &cognito_local::config::DEFAULT_CONFIG
            .replace("allow_browser_admin = false", "allow_browser_admin = true"),
    )
    .unwrap();
    assert!(cfg.server.allow_browser_admin);
    let s = server_with(cfg, None);
    let r = admin_get_user(&s, Some("http://localhost:8080")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

#[tokio::test]
async fn dev_outbox_has_no_cors_and_refuses_other_origins() {
    let s = server();
    ok(
        &s.app,
        "ForgotPassword",
        json!({"ClientId": SPA, "Username": "demo"}),
    )
    .await;
    let get = |origin: Option<&'static str>, host: Option<&'static str>| {
        let mut b = Request::get("/_dev/outbox?username=demo");
        if let Some(o) = origin {
            b = b.header("origin", o);
        }
        if let Some(h) = host {
            b = b.header("host", h);
        }
        send(&s.app, b.body(Body::empty()).unwrap())
    };
    // No Origin (curl, Node's fetch, the tests): served, without CORS headers.
    let r = get(None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["messages"].as_array().unwrap().len(), 1);
    assert!(r.header("access-control-allow-origin").is_none());
    // Another origin: refused.
    let r = get(Some("https://evil.example"), Some("localhost:9229")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.text().contains("code"));
    assert!(r.header("access-control-allow-origin").is_none());
    let r = get(Some("http://localhost:8080"), Some("127.0.0.1:9229")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // DNS rebinding: a page on evil.example resolved to this server is same-origin with itself,
    // but not a loopback name: refused.
    let r = get(Some("http://evil.example:9229"), Some("evil.example:9229")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // ... and browsers send no Origin on a same-origin GET: the Host alone must refuse it.
    let r = get(None, Some("evil.example:9229")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.text().contains("code"));
    let r = get(None, Some("[::1]:9229")).await;
    assert_eq!(r.status, StatusCode::OK, "IPv6 loopback Host is served");
    let r = get(None, Some("localhost:9229")).await;
    assert_eq!(r.status, StatusCode::OK, "loopback name is served");
    // The server's own origin (by loopback Host or issuer base): served.
    let r = get(Some("http://127.0.0.1:9229"), Some("127.0.0.1:9229")).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = get(Some("http://localhost:9229"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("access-control-allow-origin").is_none());
    // A preflight gets no CORS grant either.
    let r = send(
        &s.app,
        Request::options("/_dev/outbox")
            .header("origin", "https://evil.example")
            .header("access-control-request-method", "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(r.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_panic_inside_a_transaction_does_not_break_the_store() {
    let s = server();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        s.state
            .store
            .tx(|t| -> Result<(), cognito_local::store::StoreError> {
                t.put_signing_key("test-half-written", "00")?;
                panic!("a bug in a handler");
            })
    }));
    assert!(panicked.is_err());
    // The mutex is poisoned now; the store still serves, and the half-done write was rolled back.
    let v = s
        .state
        .store
        .tx(|t| t.signing_key("test-half-written"))
        .unwrap();
    assert_eq!(v, None);
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    assert!(r["AuthenticationResult"]["AccessToken"].is_string());
}

#[tokio::test]
async fn cors_preflight_grants_any_amz_header_and_nothing_else() {
    let s = server();
    let r = send(
        &s.app,
        Request::options("/")
            .header("origin", "http://localhost:8080")
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, X-Amz-Content-Sha256, x-amz-target, amz-sdk-retry-attempt, x-evil-header",
            )
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.status);
    let allowed: Vec<String> = r
        .header("access-control-allow-headers")
        .unwrap()
        .to_lowercase()
        .split(',')
        .map(|h| h.trim().to_string())
        .collect();
    for h in [
        "content-type",
        "x-amz-content-sha256",
        "x-amz-target",
        "amz-sdk-retry-attempt",
    ] {
        assert!(allowed.iter().any(|a| a == h), "{h} not in {allowed:?}");
    }
    assert!(!allowed.iter().any(|a| a == "x-evil-header"), "{allowed:?}");
}

#[tokio::test]
async fn purge_keeps_a_family_while_its_latest_access_token_is_valid() {
    let s = server();
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    let refresh = r["AuthenticationResult"]["RefreshToken"].clone();
    // Ten minutes before the refresh token (30 days) expires, refresh: a 1-hour access token.
    s.clock.advance(30 * 86_400 - 600);
    let t = ok(
        &s.app,
        "GetTokensFromRefreshToken",
        json!({"ClientId": SPA, "RefreshToken": refresh}),
    )
    .await;
    let at = t["AuthenticationResult"]["AccessToken"].clone();
    // The refresh token has expired; the access token has 49 minutes left.
    s.clock.advance(660);
    s.state.purge_expired().unwrap();
    assert_eq!(
        err(
            &s.app,
            "GetTokensFromRefreshToken",
            json!({"ClientId": SPA, "RefreshToken": refresh})
        )
        .await
        .1,
        "Refresh Token has expired"
    );
    assert_eq!(
        ok(&s.app, "GetUser", json!({"AccessToken": at})).await["Username"],
        "demo"
    );
    // Once the access token has expired too, the family goes.
    s.clock.advance(3600);
    assert_eq!(
        s.state.purge_expired().unwrap(),
        2,
        "the family and its refresh token"
    );
}

#[tokio::test]
async fn temporary_passwords_never_reach_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let s = server_with(
        cognito_local::config::Config::default_config().unwrap(),
        Some(dir.path().to_path_buf()),
    );
    let temp = "Tmp-Zq8Xw3Secret!";
    ok(
        &s.app,
        "AdminCreateUser",
        json!({"UserPoolId": POOL, "Username": "Tina", "TemporaryPassword": temp,
        "UserAttributes": [{"Name": "email", "Value": "tina@example.com"}]}),
    )
    .await;
    // The developer still sees it in the outbox...
    let r = send(
        &s.app,
        Request::get("/_dev/outbox?username=Tina")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let msgs = r.json()["messages"].as_array().unwrap().clone();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0]["code"], temp);
    assert_eq!(msgs[0]["purpose"], "AdminCreateUser");
    // ...but no file under the data directory (database, WAL) contains it.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(temp.len()).any(|w| w == temp.as_bytes()),
            "{} contains the temporary password",
            path.display()
        );
    }
}

#[test]
fn binary_refuses_an_invalid_config_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        cognito_local::config::DEFAULT_CONFIG.replacen("\"USER_SRP_AUTH\"", "\"USER_SRP\"", 1),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cognito-local"))
        .args(["--in-memory", "--bind", "127.0.0.1:0", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("unknown auth flow \"USER_SRP\""),
        "{err}"
    );
}

#[tokio::test]
async fn outbox_matches_usernames_case_insensitively_and_forgets_after_a_day() {
    let s = server();
    let outbox = |q: &'static str| {
        let app = s.app.clone();
        async move {
            send(
                &app,
                Request::get(format!("/_dev/outbox{q}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .json()["messages"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    ok(
        &s.app,
        "SignUp",
        json!({"ClientId": SPA, "Username": "Olga", "Password": "Passw0rd!x",
        "UserAttributes": [{"Name": "email", "Value": "olga@example.com"}]}),
    )
    .await;
    ok(
        &s.app,
        "AdminCreateUser",
        json!({"UserPoolId": POOL, "Username": "Pavel", "TemporaryPassword": "TempPassw0rd!",
        "UserAttributes": [{"Name": "email", "Value": "pavel@example.com"}]}),
    )
    .await;
    for q in ["?username=olga", "?username=OLGA", "?username=Olga"] {
        assert_eq!(outbox(q).await.len(), 1, "{q}");
    }
    assert_eq!(outbox("?username=pavel").await.len(), 1, "in-memory outbox");
    assert_eq!(outbox("").await.len(), 2);
    // After 24 hours the purge drops them (database and in-memory outbox alike).
    s.clock.advance(24 * 3600 - 1);
    s.state.purge_expired().unwrap();
    assert_eq!(outbox("").await.len(), 2);
    s.clock.advance(2);
    s.state.purge_expired().unwrap();
    assert_eq!(outbox("").await.len(), 0);
}

/// Issue 7, item 6: with a data directory, reads run on read-only connections, so a slow
/// write (here: a transaction held for 800 ms) does not hold up GetUser, AdminGetUser or the
/// unknown-user lookup of a sign-in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_do_not_wait_for_a_slow_write() {
    let dir = tempfile::tempdir().unwrap();
    reads_beside_a_slow_write(Some(dir.path().to_path_buf())).await;
}

/// The same in memory (`--in-memory`): reads have their own connections there too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_reads_do_not_wait_for_a_slow_write() {
    reads_beside_a_slow_write(None).await;
}

async fn reads_beside_a_slow_write(dir: Option<std::path::PathBuf>) {
    let cfg = cognito_local::config::Config::default_config().unwrap();
    let s = server_with(cfg, dir);
    let r = srp_sign_in(&s, "demo", "DemoPassw0rd!").await.unwrap();
    let at = r["AuthenticationResult"]["AccessToken"].clone();
    let st = s.state.clone();
    let (started, wait) = std::sync::mpsc::channel();
    let writer = std::thread::spawn(move || {
        st.store
            .tx(|t| {
                t.put_signing_key("slow", "00")?;
                started.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(800));
                Ok::<_, cognito_local::store::StoreError>(())
            })
            .unwrap();
    });
    wait.recv().unwrap();
    let t = std::time::Instant::now();
    let u = ok(&s.app, "GetUser", json!({"AccessToken": at})).await;
    assert_eq!(u["Username"], "demo");
    ok(
        &s.app,
        "AdminGetUser",
        json!({"UserPoolId": POOL, "Username": "demo"}),
    )
    .await;
    let took = t.elapsed();
    assert!(took < std::time::Duration::from_millis(400), "{took:?}");
    writer.join().unwrap();
    // Writes still go through the writer and are read back afterwards.
    ok(
        &s.app,
        "UpdateUserAttributes",
        json!({"AccessToken": at, "UserAttributes": [{"Name": "name", "Value": "Demo"}]}),
    )
    .await;
    let u = ok(&s.app, "GetUser", json!({"AccessToken": at})).await;
    assert!(u["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["Name"] == "name" && a["Value"] == "Demo"));
}
