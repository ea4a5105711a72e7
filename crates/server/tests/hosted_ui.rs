//! Hosted UI and OAuth 2.0 code + PKCE, in process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use common::*;
use serde_json::json;
use sha2::{Digest, Sha256};

const REDIRECT: &str = "http://localhost:8080/";

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn pkce() -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn authorize_url(client: &str, redirect: &str, challenge: &str, state: &str) -> String {
    format!(
        "/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&state={}&scope={}&code_challenge={challenge}&code_challenge_method=S256&nonce=n-123",
        enc(redirect),
        enc(state),
        enc("openid email profile")
    )
}

fn set_cookie(r: &Resp, name: &str) -> Option<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| {
            c.split(';')
                .next()
                .unwrap()
                .split_once('=')
                .unwrap()
                .1
                .to_string()
        })
}

fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let i = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    let j = html[i..].find('"').unwrap();
    html[i..i + j].replace("&amp;", "&")
}

fn location(r: &Resp) -> String {
    r.header("location")
        .unwrap_or_else(|| panic!("no location; status {} body {}", r.status, r.text()))
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let u = url::Url::parse(url).unwrap();
    u.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn get(app: &axum::Router, uri: &str, cookies: &str) -> Resp {
    let mut b = Request::get(uri);
    if !cookies.is_empty() {
        b = b.header("cookie", cookies);
    }
    send(app, b.body(Body::empty()).unwrap()).await
}

async fn post_form(app: &axum::Router, uri: &str, cookies: &str, body: String) -> Resp {
    let mut b = Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if !cookies.is_empty() {
        b = b.header("cookie", cookies);
    }
    send(app, b.body(Body::from(body)).unwrap()).await
}

/// Follows authorize → /login, submits the form, returns (redirect location, session cookie).
async fn sign_in_via_form(
    app: &axum::Router,
    authorize: &str,
    username: &str,
    password: &str,
) -> (Resp, String) {
    let r = get(app, authorize, "").await;
    assert_eq!(r.status, StatusCode::FOUND);
    let login = location(&r);
    assert!(login.starts_with("/login?"), "{login}");
    let page = get(app, &login, "").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<form method=\"post\" action=\"/login\""));
    assert!(
        html.contains("/signup?")
            && html.contains("/forgotPassword?")
            && html.contains("/confirmUser?")
    );
    let csrf = set_cookie(&page, "XSRF-TOKEN").unwrap();
    assert_eq!(hidden_value(&html, "_csrf"), csrf);
    let q: Vec<(String, String)> =
        url::form_urlencoded::parse(login.split_once('?').unwrap().1.as_bytes())
            .into_owned()
            .collect();
    let mut pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.extend([
        ("username", username),
        ("password", password),
        ("_csrf", csrf.as_str()),
    ]);
    let r = post_form(app, "/login", &format!("XSRF-TOKEN={csrf}"), form(&pairs)).await;
    (r, csrf)
}

async fn token_request(
    app: &axum::Router,
    body: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> Resp {
    let mut b =
        Request::post("/oauth2/token").header("content-type", "application/x-www-form-urlencoded");
    if let Some((id, secret)) = basic {
        b = b.header(
            "authorization",
            format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))),
        );
    }
    send(app, b.body(Body::from(form(body))).unwrap()).await
}

#[tokio::test]
async fn code_pkce_s256_full_flow() {
    let s = server();
    let app = &s.app;
    let (verifier, challenge) = pkce();
    let state_param = "st<&>\"'=1";
    let (r, _) = sign_in_via_form(
        app,
        &authorize_url(SPA, REDIRECT, &challenge, state_param),
        "demo",
        "DemoPassw0rd!",
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text());
    let loc = location(&r);
    assert!(loc.starts_with(REDIRECT));
    assert_eq!(query_param(&loc, "state").unwrap(), state_param);
    let code = query_param(&loc, "code").unwrap();
    let session = set_cookie(&r, "cognito-local-session").expect("hosted-UI session cookie");

    // Wrong verifier → invalid_grant, and the code is gone.
    let (v2, _) = pkce();
    let bad = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &v2),
        ],
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"], "invalid_grant");

    // A second authorize with the session cookie skips the form.
    let r = get(
        app,
        &authorize_url(SPA, REDIRECT, &challenge, "two"),
        &format!("cognito-local-session={session}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND);
    let loc = location(&r);
    assert!(loc.starts_with(REDIRECT), "{loc}");
    assert_eq!(query_param(&loc, "state").unwrap(), "two");
    let code = query_param(&loc, "code").unwrap();

    // Redeem with the right verifier.
    let ok = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
        None,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    assert_eq!(ok.header("cache-control").as_deref(), Some("no-store"));
    let t = ok.json();
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"], 3600);
    let id = verify_jwt(app, t["id_token"].as_str().unwrap()).await;
    assert_eq!(id["nonce"], "n-123");
    assert_eq!(id["aud"], SPA);
    assert_eq!(id["cognito:username"], "demo");
    // at_hash = base64url(left half of SHA-256(access_token)), recomputed here.
    let at = t["access_token"].as_str().unwrap();
    let expected_at_hash = URL_SAFE_NO_PAD.encode(&Sha256::digest(at.as_bytes())[..16]);
    assert_eq!(id["at_hash"], expected_at_hash.as_str());
    let access = verify_jwt(app, t["access_token"].as_str().unwrap()).await;
    assert_eq!(access["scope"], "openid email profile");
    assert_eq!(access["client_id"], SPA);
    let refresh = t["refresh_token"].as_str().unwrap().to_string();

    // Replay → invalid_grant.
    let replay = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
        None,
    )
    .await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert_eq!(replay.json()["error"], "invalid_grant");

    // userInfo.
    let ui = send(
        app,
        Request::get("/oauth2/userInfo")
            .header(
                "authorization",
                format!("Bearer {}", t["access_token"].as_str().unwrap()),
            )
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(ui.status, StatusCode::OK);
    assert_eq!(ui.json()["email"], "demo@example.com");
    assert_eq!(ui.json()["username"], "demo");
    let ui = send(
        app,
        Request::get("/oauth2/userInfo")
            .header("authorization", "Bearer nope")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(ui.status, StatusCode::UNAUTHORIZED);
    assert!(ui
        .header("www-authenticate")
        .unwrap()
        .contains("invalid_token"));

    // refresh_token grant, then revoke, then invalid_grant.
    let r = token_request(
        app,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", SPA),
            ("refresh_token", &refresh),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json().get("refresh_token").is_none());
    // The refresh grant's ID token carries no at_hash (only the code grant's does).
    assert!(claims(r.json()["id_token"].as_str().unwrap())
        .get("at_hash")
        .is_none());
    assert_eq!(
        claims(r.json()["id_token"].as_str().unwrap())["auth_time"],
        id["auth_time"]
    );
    let rv = post_form(
        app,
        "/oauth2/revoke",
        "",
        form(&[("token", &refresh), ("client_id", SPA)]),
    )
    .await;
    assert_eq!(rv.status, StatusCode::OK);
    let r = token_request(
        app,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", SPA),
            ("refresh_token", &refresh),
        ],
        None,
    )
    .await;
    assert_eq!(r.json()["error"], "invalid_grant");

    // Logout to an unregistered URI: no redirect.
    let lo = get(
        app,
        &format!(
            "/logout?client_id={SPA}&logout_uri={}",
            enc("https://evil.example/")
        ),
        &format!("cognito-local-session={session}"),
    )
    .await;
    assert_eq!(lo.status, StatusCode::BAD_REQUEST);
    assert!(lo.header("location").is_none());
    // Registered: redirect and the session is gone.
    let lo = get(
        app,
        &format!("/logout?client_id={SPA}&logout_uri={}", enc(REDIRECT)),
        &format!("cognito-local-session={session}"),
    )
    .await;
    assert_eq!(lo.status, StatusCode::FOUND);
    assert_eq!(location(&lo), REDIRECT);
    assert!(lo
        .headers
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().contains("Max-Age=0")));
    let r = get(
        app,
        &authorize_url(SPA, REDIRECT, &challenge, "three"),
        &format!("cognito-local-session={session}"),
    )
    .await;
    assert!(location(&r).starts_with("/login?"));
}

#[tokio::test]
async fn plain_pkce_and_code_binding() {
    // `plain` is refused by default (as AWS); this server can be told to allow it.
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.server.allow_pkce_plain = true;
    let s = server_with(cfg, None);
    let app = &s.app;
    let verifier = "a".repeat(50);
    let url = format!(
        "/oauth2/authorize?response_type=code&client_id={SPA}&redirect_uri={}&scope=openid&code_challenge={verifier}&code_challenge_method=plain",
        enc(REDIRECT)
    );
    let (r, _) = sign_in_via_form(app, &url, "demo", "DemoPassw0rd!").await;
    let code = query_param(&location(&r), "code").unwrap();
    assert!(query_param(&location(&r), "state").is_none());
    // Bound to redirect_uri.
    let bad = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:8080/"),
            ("code_verifier", &verifier),
        ],
        None,
    )
    .await;
    assert_eq!(bad.json()["error"], "invalid_grant");

    let (r, _) = sign_in_via_form(app, &url, "demo", "DemoPassw0rd!").await;
    let code = query_param(&location(&r), "code").unwrap();
    // Bound to client: the confidential client cannot redeem it.
    let bad = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
        Some((CONF, CONF_SECRET)),
    )
    .await;
    assert_eq!(bad.json()["error"], "invalid_grant");

    // Expiry after 5 minutes.
    let (r, _) = sign_in_via_form(app, &url, "demo", "DemoPassw0rd!").await;
    let code = query_param(&location(&r), "code").unwrap();
    s.clock.advance(301);
    let bad = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
        None,
    )
    .await;
    assert_eq!(bad.json()["error"], "invalid_grant");

    // Missing verifier.
    let (r, _) = sign_in_via_form(app, &url, "demo", "DemoPassw0rd!").await;
    let code = query_param(&location(&r), "code").unwrap();
    let bad = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
        None,
    )
    .await;
    assert_eq!(bad.json()["error"], "invalid_grant");

    // Plain verifier works.
    let (r, _) = sign_in_via_form(app, &url, "demo", "DemoPassw0rd!").await;
    let code = query_param(&location(&r), "code").unwrap();
    let good = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
        None,
    )
    .await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.text());
}

#[tokio::test]
async fn confidential_client_authentication() {
    let s = server();
    let app = &s.app;
    let url = format!(
        "/oauth2/authorize?response_type=code&client_id={CONF}&redirect_uri={}&scope=openid",
        enc(REDIRECT)
    );
    let (r, _) = sign_in_via_form(app, &url, "demo", "DemoPassw0rd!").await;
    let code = query_param(&location(&r), "code").unwrap();
    let no_secret = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CONF),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
        None,
    )
    .await;
    assert_eq!(no_secret.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_secret.json()["error"], "invalid_client");
    let wrong = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
        Some((CONF, "wrong")),
    )
    .await;
    assert_eq!(wrong.json()["error"], "invalid_client");
    let good = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
        Some((CONF, CONF_SECRET)),
    )
    .await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.text());
    // Secret in the body also works (new code).
    let (r, _) = sign_in_via_form(app, &url, "demo", "DemoPassw0rd!").await;
    let code = query_param(&location(&r), "code").unwrap();
    let good = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CONF),
            ("client_secret", CONF_SECRET),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
        None,
    )
    .await;
    assert_eq!(good.status, StatusCode::OK);
    assert_eq!(
        token_request(app, &[("grant_type", "password"), ("client_id", SPA)], None)
            .await
            .json()["error"],
        "unsupported_grant_type"
    );
    assert_eq!(
        token_request(
            app,
            &[("grant_type", "client_credentials")],
            Some((CONF, CONF_SECRET))
        )
        .await
        .json()["error"],
        "unauthorized_client"
    );
    let not_form = send(
        app,
        Request::post("/oauth2/token")
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(not_form.json()["error"], "invalid_request");
}

#[tokio::test]
async fn authorize_errors_never_redirect_to_unknown_uris() {
    let s = server();
    let app = &s.app;
    let (_, challenge) = pkce();
    for url in [
        authorize_url(SPA, "https://evil.example/cb", &challenge, "x"),
        authorize_url(SPA, "http://localhost:8080", &challenge, "x"), // no trailing slash: not exact
        authorize_url("unknownclient", REDIRECT, &challenge, "x"),
        format!("/oauth2/authorize?response_type=code&client_id={SPA}"),
        format!(
            "/login?response_type=code&client_id={SPA}&redirect_uri={}",
            enc("https://evil.example/")
        ),
    ] {
        let r = get(app, &url, "").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}");
        assert!(r.header("location").is_none(), "{url}");
        assert!(r.text().contains("id=\"error\""));
    }
    // Errors a registered redirect URI may receive.
    let r = get(
        app,
        &format!(
            "/oauth2/authorize?response_type=token&client_id={SPA}&redirect_uri={}&state=s1",
            enc(REDIRECT)
        ),
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(
        query_param(&location(&r), "error").unwrap(),
        "unsupported_response_type"
    );
    assert_eq!(query_param(&location(&r), "state").unwrap(), "s1");
    let r = get(
        app,
        &format!(
            "/oauth2/authorize?response_type=code&client_id={SPA}&redirect_uri={}&scope=admin",
            enc(REDIRECT)
        ),
        "",
    )
    .await;
    assert_eq!(
        query_param(&location(&r), "error").unwrap(),
        "invalid_scope"
    );
    let r = get(app, &format!("/oauth2/authorize?response_type=code&client_id={SPA}&redirect_uri={}&code_challenge={challenge}&code_challenge_method=S512", enc(REDIRECT)), "").await;
    assert_eq!(
        query_param(&location(&r), "error").unwrap(),
        "invalid_request"
    );
}

#[tokio::test]
async fn login_page_errors_csrf_and_escaping() {
    let s = server();
    let app = &s.app;
    let (_, challenge) = pkce();
    let evil = "<script>alert(1)</script>";
    let url = authorize_url(SPA, REDIRECT, &challenge, evil);
    let (r, _) = sign_in_via_form(app, &url, "demo", "wrong-password").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.text();
    assert!(html.contains("Incorrect username or password."));
    assert!(!html.contains(evil));
    assert!(html.contains("&lt;script&gt;"));
    assert!(r.header("location").is_none());

    // No CSRF token → refused.
    let login = location(&get(app, &url, "").await);
    let q = login.split_once('?').unwrap().1;
    let r = post_form(
        app,
        "/login",
        "",
        format!("{q}&username=demo&password=DemoPassw0rd%21"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.header("location").is_none());
    let r = post_form(
        app,
        "/login",
        "XSRF-TOKEN=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        format!(
            "{q}&username=demo&password=DemoPassw0rd%21&_csrf=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn hosted_sign_up_confirm_and_forgot_password() {
    let s = server();
    let app = &s.app;
    let base = format!(
        "response_type=code&client_id={SPA}&redirect_uri={}&scope=openid",
        enc(REDIRECT)
    );
    let page = get(app, &format!("/signup?{base}"), "").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = set_cookie(&page, "XSRF-TOKEN").unwrap();
    let ck = format!("XSRF-TOKEN={csrf}");
    // Policy error shown on the page.
    let r = post_form(
        app,
        "/signup",
        &ck,
        format!("{base}&_csrf={csrf}&username=zoe&email=zoe%40example.com&password=weak"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("Password did not conform with policy"));
    let r = post_form(
        app,
        "/signup",
        &ck,
        format!("{base}&_csrf={csrf}&username=zoe&email=zoe%40example.com&password=Passw0rd%21zz"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text());
    assert!(location(&r).starts_with("/confirmUser?"));
    let code = last_code(app, "zoe").await;
    let r = post_form(
        app,
        "/confirmUser",
        &ck,
        format!("{base}&_csrf={csrf}&username=zoe&code=000000x"),
    )
    .await;
    assert!(r.text().contains("Invalid verification code provided"));
    let r = post_form(
        app,
        "/confirmUser",
        &ck,
        format!("{base}&_csrf={csrf}&username=zoe&code={code}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND);
    let login = location(&r);
    assert!(login.starts_with("/login?"));
    let page = get(app, &login, &ck).await;
    assert!(page.text().contains("Your account is confirmed"));

    // Forgot password.
    let r = post_form(
        app,
        "/forgotPassword",
        &ck,
        format!("{base}&_csrf={csrf}&username=zoe"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert!(location(&r).starts_with("/confirmForgotPassword?"));
    let code = last_code(app, "zoe").await;
    let r = post_form(
        app,
        "/confirmForgotPassword",
        &ck,
        format!("{base}&_csrf={csrf}&username=zoe&code={code}&password=NewPassw0rd%21"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND);
    let url = format!("/oauth2/authorize?{base}");
    let (r, _) = sign_in_via_form(app, &url, "zoe", "NewPassw0rd!").await;
    assert!(location(&r).starts_with(REDIRECT));
}

#[tokio::test]
async fn hosted_ui_new_password_and_totp() {
    let s = server();
    let app = &s.app;
    ok(app, "AdminCreateUser", json!({"UserPoolId": POOL, "Username": "temp", "TemporaryPassword": "TempPassw0rd!", "MessageAction": "SUPPRESS"})).await;
    let url = format!(
        "/oauth2/authorize?response_type=code&client_id={SPA}&redirect_uri={}&scope=openid",
        enc(REDIRECT)
    );
    let (r, csrf) = sign_in_via_form(app, &url, "temp", "TempPassw0rd!").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("new_password"));
    let session = hidden_value(&html, "session");
    let q = location(&get(app, &url, "").await)
        .split_once('?')
        .unwrap()
        .1
        .to_string();
    let ck = format!("XSRF-TOKEN={csrf}");
    let r = post_form(
        app,
        "/login",
        &ck,
        format!(
            "{q}&_csrf={csrf}&session={}&new_password=NewPassw0rd%21",
            enc(&session)
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text());
    assert!(location(&r).starts_with(REDIRECT));

    // TOTP via the API, then the hosted UI asks for the code.
    let t = srp_sign_in(&s, "temp", "NewPassw0rd!").await.unwrap();
    let at = t["AuthenticationResult"]["AccessToken"].clone();
    let key = set_up_totp(&s, &at).await;
    ok(
        app,
        "SetUserMFAPreference",
        json!({"AccessToken": at, "SoftwareTokenMfaSettings": {"Enabled": true}}),
    )
    .await;
    let (r, csrf) = sign_in_via_form(app, &url, "temp", "NewPassw0rd!").await;
    let html = r.text();
    assert!(html.contains("totp_code"));
    let session = hidden_value(&html, "session");
    let ck = format!("XSRF-TOKEN={csrf}");
    let r = post_form(
        app,
        "/login",
        &ck,
        format!(
            "{q}&_csrf={csrf}&session={}&totp_code=000000",
            enc(&session)
        ),
    )
    .await;
    assert!(r.text().contains("Invalid code"));
    // The setup code's time step is spent: the code of the same step is refused as a replay.
    let spent = cognito_local::util::totp(&key, s.clock_now());
    let r = post_form(
        app,
        "/login",
        &ck,
        format!(
            "{q}&_csrf={csrf}&session={}&totp_code={spent}",
            enc(&session)
        ),
    )
    .await;
    assert!(r.text().contains("Invalid code"), "replayed code accepted");
    s.clock.advance(30);
    let code = cognito_local::util::totp(&key, s.clock_now());
    let r = post_form(
        app,
        "/login",
        &ck,
        format!(
            "{q}&_csrf={csrf}&session={}&totp_code={code}",
            enc(&session)
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text());
    assert!(location(&r).starts_with(REDIRECT));

    // A second hosted-UI sign-in cannot reuse the code that was just accepted.
    let (r, csrf) = sign_in_via_form(app, &url, "temp", "NewPassw0rd!").await;
    let session = hidden_value(&r.text(), "session");
    let ck = format!("XSRF-TOKEN={csrf}");
    let r = post_form(
        app,
        "/login",
        &ck,
        format!(
            "{q}&_csrf={csrf}&session={}&totp_code={code}",
            enc(&session)
        ),
    )
    .await;
    assert!(r.text().contains("Invalid code"), "replayed code accepted");
}

#[tokio::test]
async fn hosted_sign_in_of_unconfirmed_user_sends_a_code() {
    let s = server();
    let app = &s.app;
    ok(app, "SignUp", json!({"ClientId": SPA, "Username": "uma", "Password": "Passw0rd!uma", "UserAttributes": [{"Name": "email", "Value": "uma@example.com"}]})).await;
    let url = format!(
        "/oauth2/authorize?response_type=code&client_id={SPA}&redirect_uri={}&scope=openid",
        enc(REDIRECT)
    );
    let (r, csrf) = sign_in_via_form(app, &url, "uma", "Passw0rd!uma").await;
    assert_eq!(r.status, StatusCode::FOUND);
    let confirm = location(&r);
    assert!(
        confirm.starts_with("/confirmUser?") && confirm.contains("username=uma"),
        "{confirm}"
    );
    let outbox = get(app, "/_dev/outbox?username=uma", "").await.json();
    let msgs = outbox["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[1]["purpose"], "ResendConfirmationCode");
    let code = msgs[1]["code"].as_str().unwrap();
    let q = confirm.split_once('?').unwrap().1;
    let r = post_form(
        app,
        "/confirmUser",
        &format!("XSRF-TOKEN={csrf}"),
        format!("{q}&_csrf={csrf}&code={code}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text());
    let (r, _) = sign_in_via_form(app, &url, "uma", "Passw0rd!uma").await;
    assert!(location(&r).starts_with(REDIRECT));
}

#[tokio::test]
async fn discovery_and_jwks() {
    let s = server();
    let d = get(
        &s.app,
        &format!("/{POOL}/.well-known/openid-configuration"),
        "",
    )
    .await
    .json();
    assert_eq!(d["issuer"], format!("{ISSUER_BASE}/{POOL}"));
    assert_eq!(
        d["jwks_uri"],
        format!("{ISSUER_BASE}/{POOL}/.well-known/jwks.json")
    );
    assert_eq!(d["token_endpoint"], format!("{ISSUER_BASE}/oauth2/token"));
    let j = get(&s.app, &format!("/{POOL}/.well-known/jwks.json"), "")
        .await
        .json();
    assert_eq!(j["keys"].as_array().unwrap().len(), 2);
    assert_eq!(
        get(&s.app, "/us-east-1_Nope/.well-known/jwks.json", "")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn prompt_login_login_hint_and_identity_provider() {
    let s = server();
    let app = &s.app;
    let (_, challenge) = pkce();
    let (r, _) = sign_in_via_form(
        app,
        &authorize_url(SPA, REDIRECT, &challenge, "a"),
        "demo",
        "DemoPassw0rd!",
    )
    .await;
    let session = set_cookie(&r, "cognito-local-session").unwrap();
    let url = format!(
        "{}&prompt=login&login_hint=demo%40example.com",
        authorize_url(SPA, REDIRECT, &challenge, "b")
    );
    let r = get(app, &url, &format!("cognito-local-session={session}")).await;
    let login = location(&r);
    assert!(
        login.starts_with("/login?"),
        "prompt=login shows the form: {login}"
    );
    assert!(get(app, &login, "")
        .await
        .text()
        .contains("value=\"demo@example.com\""));
    let r = get(
        app,
        &format!(
            "{}&identity_provider=Google",
            authorize_url(SPA, REDIRECT, &challenge, "c")
        ),
        "",
    )
    .await;
    assert_eq!(
        query_param(&location(&r), "error").unwrap(),
        "invalid_request"
    );
    let r = get(
        app,
        &format!(
            "{}&identity_provider=COGNITO",
            authorize_url(SPA, REDIRECT, &challenge, "c")
        ),
        "",
    )
    .await;
    assert!(location(&r).starts_with("/login?"));
}

#[tokio::test]
async fn disabled_user_gets_no_tokens_from_a_code_or_a_refresh() {
    let s = server();
    let app = &s.app;
    let (verifier, challenge) = pkce();
    let redeem = |code: String| {
        let verifier = verifier.clone();
        async move {
            token_request(
                app,
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", SPA),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", &verifier),
                ],
                None,
            )
            .await
        }
    };
    // First sign-in: tokens, including a refresh token.
    let (r, _) = sign_in_via_form(
        app,
        &authorize_url(SPA, REDIRECT, &challenge, "a"),
        "demo",
        "DemoPassw0rd!",
    )
    .await;
    let t = redeem(query_param(&location(&r), "code").unwrap()).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text());
    let refresh = t.json()["refresh_token"].as_str().unwrap().to_string();
    let access = t.json()["access_token"].as_str().unwrap().to_string();

    // A code issued while enabled, redeemed after AdminDisableUser: invalid_grant.
    let (r, _) = sign_in_via_form(
        app,
        &authorize_url(SPA, REDIRECT, &challenge, "b"),
        "demo",
        "DemoPassw0rd!",
    )
    .await;
    let code = query_param(&location(&r), "code").unwrap();
    ok(
        app,
        "AdminDisableUser",
        json!({"UserPoolId": POOL, "Username": "demo"}),
    )
    .await;
    let bad = redeem(code).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"], "invalid_grant");
    // Disabling drops the user's pending codes (issue 7, item 3).
    assert_eq!(
        bad.json()["error_description"],
        "invalid or already used code"
    );
    let bad = token_request(
        app,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", SPA),
            ("refresh_token", &refresh),
        ],
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"], "invalid_grant");
    let ui = send(
        app,
        Request::get("/oauth2/userInfo")
            .header("authorization", format!("Bearer {access}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(ui.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cookies_are_secure_when_the_issuer_is_https() {
    let login = format!(
        "/login?response_type=code&client_id={SPA}&redirect_uri={}",
        enc(REDIRECT)
    );
    let cookies = |r: &Resp| -> Vec<String> {
        r.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    };
    // http (the default): no Secure, or the browser would drop the cookie.
    let s = server();
    let r = get(&s.app, &login, "").await;
    let c = cookies(&r);
    assert!(!c.is_empty());
    assert!(c.iter().all(|c| !c.contains("Secure")), "{c:?}");
    // Never readable by scripts, not sent on cross-site subrequests, for the whole site.
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(
            c.iter().all(|c| c.split("; ").any(|a| a == attr)),
            "{attr}: {c:?}"
        );
    }
    // https: every cookie, including the session cookie and its deletion, is Secure.
    let clock = std::sync::Arc::new(cognito_local::state::ManualClock::new(now_unix()));
    let state = cognito_local::state::AppState::new(
        cognito_local::config::Config::default_config().unwrap(),
        cognito_local::state::Options {
            data_dir: None,
            issuer_base: "https://auth.example.test".into(),
            clock,
        },
    )
    .unwrap();
    let app = cognito_local::app(state);
    let r = get(&app, &login, "").await;
    let c = cookies(&r);
    assert!(c.iter().any(|c| c.starts_with("XSRF-TOKEN=")));
    assert!(c.iter().all(|c| c.contains("; Secure")), "{c:?}");
    let (_, challenge) = pkce();
    let (r, _) = sign_in_via_form(
        &app,
        &authorize_url(SPA, REDIRECT, &challenge, "s"),
        "demo",
        "DemoPassw0rd!",
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND);
    let c = cookies(&r);
    assert!(c
        .iter()
        .any(|c| c.starts_with("cognito-local-session=") && c.contains("; Secure")));
    let r = get(
        &app,
        &format!("/logout?client_id={SPA}&logout_uri={}", enc(REDIRECT)),
        "",
    )
    .await;
    assert!(cookies(&r).iter().all(|c| c.contains("; Secure")));
}

/// Issue 7, item 1: the hosted-UI sign-up goes through SignUp with only the form's `email`, so
/// extra form fields cannot set a verification flag (or any other attribute).
#[tokio::test]
async fn hosted_sign_up_cannot_set_verification_flags() {
    let s = server();
    let app = &s.app;
    let base = format!(
        "response_type=code&client_id={SPA}&redirect_uri={}&scope=openid",
        enc(REDIRECT)
    );
    let page = get(app, &format!("/signup?{base}"), "").await;
    let csrf = set_cookie(&page, "XSRF-TOKEN").unwrap();
    let r = post_form(
        app,
        "/signup",
        &format!("XSRF-TOKEN={csrf}"),
        format!("{base}&_csrf={csrf}&username=hugo&email=hugo%40example.com&password=Passw0rd%21zz&email_verified=true&userAttributes.email_verified=true&name=Hugo"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text());
    let g = ok(
        app,
        "AdminGetUser",
        json!({"UserPoolId": POOL, "Username": "hugo"}),
    )
    .await;
    let attrs = g["UserAttributes"].as_array().unwrap();
    assert!(attrs
        .iter()
        .any(|a| a["Name"] == "email_verified" && a["Value"] == "false"));
    assert!(!attrs.iter().any(|a| a["Name"] == "name"));
}

// ---------------------------------------------------------------------------------------------
// Hosted-UI sessions and codes belong to the user's `sub` (issue 7, item 3)

async fn recreate_eve(app: &axum::Router) {
    ok(
        app,
        "AdminCreateUser",
        json!({"UserPoolId": POOL, "Username": "eve", "MessageAction": "SUPPRESS",
        "UserAttributes": [{"Name": "email", "Value": "new-eve@example.com"}]}),
    )
    .await;
    ok(app, "AdminSetUserPassword", json!({"UserPoolId": POOL, "Username": "eve", "Password": "Other-passw0rd!", "Permanent": true})).await;
}

/// Signs eve in through the form: (session cookie, an unredeemed code, the PKCE verifier).
async fn eve_signed_in(app: &axum::Router) -> (String, String, String) {
    let (verifier, challenge) = pkce();
    let (r, _) = sign_in_via_form(
        app,
        &authorize_url(SPA, REDIRECT, &challenge, "s"),
        "eve",
        "Passw0rd!one",
    )
    .await;
    let loc = location(&r);
    assert!(loc.starts_with(REDIRECT), "{loc}");
    (
        set_cookie(&r, "cognito-local-session").unwrap(),
        query_param(&loc, "code").unwrap(),
        verifier,
    )
}

async fn authorize_with_cookie(app: &axum::Router, cookie: &str) -> String {
    let (_, challenge) = pkce();
    let r = get(
        app,
        &authorize_url(SPA, REDIRECT, &challenge, "again"),
        &format!("cognito-local-session={cookie}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND);
    location(&r)
}

async fn redeem_code(app: &axum::Router, code: &str, verifier: &str) -> Resp {
    token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
        None,
    )
    .await
}

#[tokio::test]
async fn old_cookie_and_code_never_reach_a_recreated_user() {
    let s = server();
    let app = &s.app;
    sign_up_confirmed(app, "eve", "Passw0rd!one", "eve@example.com").await;
    let (cookie, code, verifier) = eve_signed_in(app).await;
    assert!(authorize_with_cookie(app, &cookie)
        .await
        .starts_with(REDIRECT));
    ok(
        app,
        "AdminDeleteUser",
        json!({"UserPoolId": POOL, "Username": "eve"}),
    )
    .await;
    recreate_eve(app).await;
    // The old browser session shows the sign-in form instead of signing in the new eve...
    let loc = authorize_with_cookie(app, &cookie).await;
    assert!(loc.starts_with("/login?"), "{loc}");
    // ...and the old code gives no tokens.
    let t = redeem_code(app, &code, &verifier).await;
    assert_eq!(t.status, StatusCode::BAD_REQUEST, "{}", t.text());
    assert_eq!(t.json()["error"], "invalid_grant");
}

/// The binding itself: even a session or code left in the store (here: the user record replaced
/// behind the API's back) is refused for a user with another `sub`.
#[tokio::test]
async fn sessions_and_codes_are_bound_to_the_sub() {
    let s = server();
    let app = &s.app;
    sign_up_confirmed(app, "eve", "Passw0rd!one", "eve@example.com").await;
    let (cookie, code, verifier) = eve_signed_in(app).await;
    s.state
        .store
        .tx(|t| t.delete_user(POOL, "eve").map(|_| ()))
        .unwrap();
    recreate_eve(app).await;
    let loc = authorize_with_cookie(app, &cookie).await;
    assert!(loc.starts_with("/login?"), "{loc}");
    let t = redeem_code(app, &code, &verifier).await;
    assert_eq!(t.status, StatusCode::BAD_REQUEST, "{}", t.text());
    assert_eq!(t.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn disabling_drops_hosted_ui_sessions_and_codes() {
    let s = server();
    let app = &s.app;
    sign_up_confirmed(app, "eve", "Passw0rd!one", "eve@example.com").await;
    let (cookie, code, verifier) = eve_signed_in(app).await;
    ok(
        app,
        "AdminDisableUser",
        json!({"UserPoolId": POOL, "Username": "eve"}),
    )
    .await;
    ok(
        app,
        "AdminEnableUser",
        json!({"UserPoolId": POOL, "Username": "eve"}),
    )
    .await;
    let loc = authorize_with_cookie(app, &cookie).await;
    assert!(loc.starts_with("/login?"), "{loc}");
    let t = redeem_code(app, &code, &verifier).await;
    assert_eq!(t.json()["error"], "invalid_grant", "{}", t.text());
}

/// Issue 7, item 4: with rotation, `/oauth2/token` `grant_type=refresh_token` returns a new
/// refresh token and spends the old one (it used to return none and keep the old one).
#[tokio::test]
async fn token_endpoint_rotates_refresh_tokens_for_rotating_clients() {
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.pools[0].clients[0].refresh_token_rotation = true;
    let s = server_with(cfg, None);
    let app = &s.app;
    let (verifier, challenge) = pkce();
    let (r, _) = sign_in_via_form(
        app,
        &authorize_url(SPA, REDIRECT, &challenge, "r"),
        "demo",
        "DemoPassw0rd!",
    )
    .await;
    let code = query_param(&location(&r), "code").unwrap();
    let t = token_request(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SPA),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ],
        None,
    )
    .await;
    let old = t.json()["refresh_token"].as_str().unwrap().to_string();
    let refresh = |rt: String| async move {
        token_request(
            app,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", SPA),
                ("refresh_token", &rt),
            ],
            None,
        )
        .await
    };
    let r1 = refresh(old.clone()).await;
    assert_eq!(r1.status, StatusCode::OK, "{}", r1.text());
    let new = r1.json()["refresh_token"]
        .as_str()
        .expect("a rotated refresh token")
        .to_string();
    assert_ne!(new, old);
    let spent = refresh(old).await;
    assert_eq!(spent.status, StatusCode::BAD_REQUEST);
    assert_eq!(spent.json()["error"], "invalid_grant");
    assert_eq!(refresh(new).await.status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// prompt=none and PKCE methods (issue 7, item 10)

#[tokio::test]
async fn prompt_none_without_a_session_redirects_with_login_required() {
    let s = server();
    let app = &s.app;
    let (_, challenge) = pkce();
    let url = format!(
        "{}&prompt=none",
        authorize_url(SPA, REDIRECT, &challenge, "pn")
    );
    let r = get(app, &url, "").await;
    assert_eq!(r.status, StatusCode::FOUND);
    let loc = location(&r);
    assert!(loc.starts_with(REDIRECT), "{loc}");
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("login_required")
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some("pn"));
    // With a live session, prompt=none signs in silently.
    let (r, _) = sign_in_via_form(
        app,
        &authorize_url(SPA, REDIRECT, &challenge, "a"),
        "demo",
        "DemoPassw0rd!",
    )
    .await;
    let cookie = set_cookie(&r, "cognito-local-session").unwrap();
    let r = get(app, &url, &format!("cognito-local-session={cookie}")).await;
    let loc = location(&r);
    assert!(query_param(&loc, "code").is_some(), "{loc}");
    // A stale cookie is no session.
    let r = get(app, &url, "cognito-local-session=stale").await;
    assert_eq!(
        query_param(&location(&r), "error").as_deref(),
        Some("login_required")
    );
    // none with login is contradictory.
    let r = get(app, &format!("{url}%20login"), "").await;
    assert_eq!(
        query_param(&location(&r), "error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn pkce_plain_is_refused_unless_configured_and_discovery_says_so() {
    let s = server();
    let app = &s.app;
    let verifier = "a".repeat(50);
    for method in ["&code_challenge_method=plain", ""] {
        let url = format!(
            "/oauth2/authorize?response_type=code&client_id={SPA}&redirect_uri={}&scope=openid&state=p&code_challenge={verifier}{method}",
            enc(REDIRECT)
        );
        let loc = location(&get(app, &url, "").await);
        assert!(loc.starts_with(REDIRECT), "{method:?}: {loc}");
        assert_eq!(
            query_param(&loc, "error").as_deref(),
            Some("invalid_request"),
            "{method:?}"
        );
        assert_eq!(
            query_param(&loc, "error_description").as_deref(),
            Some("code_challenge_method must be S256")
        );
    }
    let d = get(
        app,
        &format!("/{POOL}/.well-known/openid-configuration"),
        "",
    )
    .await
    .json();
    assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]));
    // The switch allows it again, and discovery lists it.
    let mut cfg = cognito_local::config::Config::default_config().unwrap();
    cfg.server.allow_pkce_plain = true;
    let s = server_with(cfg, None);
    let d = get(
        &s.app,
        &format!("/{POOL}/.well-known/openid-configuration"),
        "",
    )
    .await
    .json();
    assert_eq!(
        d["code_challenge_methods_supported"],
        json!(["S256", "plain"])
    );
}

/// Forms are read by axum's `Form` extractor; what it refuses gets the same answers as before:
/// a wrong content type or a body over 64 KiB is `invalid_request` at the token endpoint and an
/// error page on the hosted UI, never a handler run on a half-read form.
#[tokio::test]
async fn form_bodies_are_refused_by_content_type_and_size() {
    let s = server();
    let app = &s.app;
    let r = send(
        app,
        Request::post("/oauth2/token")
            .header("content-type", "application/json")
            .body(Body::from(r#"{"grant_type":"refresh_token"}"#))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], "invalid_request", "{}", r.text());
    assert_eq!(
        r.json()["error_description"],
        "Content-Type must be application/x-www-form-urlencoded"
    );
    let big = form(&[
        ("grant_type", "refresh_token"),
        ("pad", &"x".repeat(70 * 1024)),
    ]);
    let r = post_form(app, "/oauth2/token", "", big.clone()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error_description"], "request body too large");
    let r = post_form(app, "/login", "", big).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("request body too large"), "{}", r.text());
}
