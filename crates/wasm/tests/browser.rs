//! The JS API of `Auth` in a real browser (headless Chromium via `wasm-pack test`), against
//! the cognito-local that `tests/wasm/run.sh` starts. The tests call the same exported methods
//! a page calls, with JS objects in and Promises out.
#![cfg(target_arch = "wasm32")]
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::rc::Rc;

use cognito_client::{Coordinator, MemoryCoordinator, MemoryGuard};
use cognito_wasm::Auth;
use js_sys::{Array, Function, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const POOL_ID: &str = "us-east-1_LocalPool1";
const CLIENT_ID: &str = "localspaclient000000000001";
const PASSWORD: &str = "Br0wser-Passw0rd!";
/// The seeded user of cognito-local's default configuration.
const DEMO_USER: &str = "demo";
const DEMO_PASSWORD: &str = "DemoPassw0rd!";

#[wasm_bindgen(inline_js = "
export function asyncStore() {
  const map = new Map();
  return {
    map,
    getItem: async (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => new Promise((r) => setTimeout(() => { map.set(k, v); r(); }, 1)),
    removeItem: async (k) => { map.delete(k); },
  };
}
// RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) of a base32 secret at Unix time `t`, as an
// authenticator app computes it.
export async function totp(secret, t) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = new Uint8Array(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++) key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = new DataView(new ArrayBuffer(8));
  counter.setBigUint64(0, BigInt(Math.floor(t / 30)));
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const h = new Uint8Array(await crypto.subtle.sign('HMAC', k, counter.buffer));
  const o = h[19] & 15;
  const bin = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1000000).padStart(6, '0');
}
export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
export function blockLocalStorage() {
  const saved = Object.getOwnPropertyDescriptor(window, 'localStorage');
  Object.defineProperty(window, 'localStorage', {
    configurable: true,
    get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
  });
  return () => Object.defineProperty(window, 'localStorage', saved);
}
")]
extern "C" {
    fn asyncStore() -> JsValue;
    fn blockLocalStorage() -> Function;
    fn totp(secret: &str, unix: f64) -> Promise;
    fn sleep(ms: u32) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_url(url: &str) -> Promise;
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with(url: &str, init: &JsValue) -> Promise;
}

fn endpoint() -> &'static str {
    match option_env!("COGNITO_LOCAL_URL") {
        Some(url) => url,
        None => panic!("COGNITO_LOCAL_URL is set at build time by tests/wasm/run.sh"),
    }
}

fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap_or_else(|e| panic!("bad test JSON {json}: {e:?}"))
}

fn prop(v: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(v.clone(), |v, k| {
        Reflect::get(&v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
    })
}

fn prop_str(v: &JsValue, path: &str) -> String {
    prop(v, path)
        .as_string()
        .unwrap_or_else(|| panic!("{path} is not a string in {}", stringify(v)))
}

/// `String(token)`: calls the token's own `toString()`.
fn jwt_string(v: &JsValue) -> String {
    assert!(v.is_object(), "a token object");
    String::from(v.unchecked_ref::<js_sys::Object>().to_string())
}

/// Runs the tests one at a time: the harness runs async tests concurrently, and they share the
/// origin's `localStorage` and the app client's `BroadcastChannel` (whose events they count).
async fn one_at_a_time() -> MemoryGuard {
    thread_local! {
        static TURN: &'static MemoryCoordinator = Box::leak(Box::new(MemoryCoordinator::new()));
    }
    TURN.with(|t| *t).lock("test").await.unwrap()
}

fn stringify(v: &JsValue) -> String {
    JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{v:?}"))
}

async fn ok(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!(
            "rejected: {}: {}",
            prop(&e, "name").as_string().unwrap_or_default(),
            prop(&e, "message").as_string().unwrap_or_default()
        ),
    }
}

/// Awaits a promise that must reject with a real JS `Error` named `name`.
async fn rejects(p: Promise, name: &str) -> js_sys::Error {
    let e = match JsFuture::from(p).await {
        Ok(v) => panic!("expected {name}, resolved with {}", stringify(&v)),
        Err(e) => e,
    };
    let err: js_sys::Error = e
        .dyn_into()
        .unwrap_or_else(|e| panic!("rejected with a non-Error: {e:?}"));
    assert_eq!(
        String::from(err.name()),
        name,
        "message: {}",
        String::from(err.message())
    );
    assert!(
        !String::from(err.message()).is_empty(),
        "{name} has a message"
    );
    err
}

fn config(storage: &str, extra: &str) -> JsValue {
    js(&format!(
        r#"{{"userPoolId":"{POOL_ID}","userPoolClientId":"{CLIENT_ID}","endpoint":"{}","storage":"{storage}"{extra}}}"#,
        endpoint()
    ))
}

fn auth(storage: &str) -> Auth {
    Auth::new(config(storage, "")).expect("valid config")
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}{}{}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e6) as u64
    )
}

/// Records the events `auth` emits.
fn record(auth: &Auth, names: &[&str]) -> Rc<RefCell<Vec<String>>> {
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    for name in names {
        let seen = seen.clone();
        let cb = Closure::<dyn Fn(JsValue)>::new(move |payload: JsValue| {
            seen.borrow_mut().push(prop_str(&payload, "event"));
        });
        auth.on(name, cb.into_js_value().unchecked_into())
            .expect("known event");
    }
    seen
}

async fn latest_code(username: &str) -> String {
    let Some(relay) = option_env!("OUTBOX_RELAY_URL") else {
        panic!("OUTBOX_RELAY_URL is set at build time by tests/wasm/run.sh")
    };
    let resp: web_sys::Response = ok(fetch_url(&format!("{relay}/outbox?username={username}")))
        .await
        .unchecked_into();
    assert_eq!(resp.status(), 200, "outbox relay");
    let body = ok(resp.json().unwrap()).await;
    let messages: Array = prop(&body, "messages").unchecked_into();
    let last = messages.iter().last().expect("a message in the outbox");
    prop_str(&last, "code")
}

/// The user's half of a hosted-UI sign-in (see tests/wasm/relay.mjs): the callback URL
/// the hosted UI redirects back to after the form is filled in.
async fn hosted_ui_login(authorize_url: &str, username: &str, password: &str) -> String {
    let relay = option_env!("OUTBOX_RELAY_URL").unwrap_or_default();
    let body = obj_json(&[
        ("url", authorize_url),
        ("username", username),
        ("password", password),
    ]);
    let init = js(r#"{"method":"POST","headers":{"content-type":"text/plain"}}"#);
    Reflect::set(&init, &"body".into(), &body.into()).unwrap();
    let resp: web_sys::Response = ok(fetch_with(&format!("{relay}/hosted-ui-login"), &init))
        .await
        .unchecked_into();
    let text = ok(resp.text().unwrap())
        .await
        .as_string()
        .unwrap_or_default();
    assert_eq!(resp.status(), 200, "hosted-ui login: {text}");
    prop_str(&js(&text), "callback")
}

/// `JSON.stringify` of string pairs.
fn obj_json(pairs: &[(&str, &str)]) -> String {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
    }
    stringify(&o)
}

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn key(rest: &str) -> String {
    format!("CognitoIdentityServiceProvider.{CLIENT_ID}.{rest}")
}

async fn code_at(secret: &str, offset_secs: f64) -> String {
    let now = (js_sys::Date::now() / 1000.0).floor();
    ok(totp(secret, now + offset_secs))
        .await
        .as_string()
        .unwrap()
}

/// A new confirmed user, signed in on `auth`.
async fn new_user(auth: &Auth, prefix: &str) -> String {
    let username = unique(prefix);
    ok(auth.sign_up(js(&format!(
        r#"{{"username":"{username}","password":"{PASSWORD}","options":{{"userAttributes":{{"email":"{username}@example.com"}}}}}}"#
    ))))
    .await;
    let code = latest_code(&username).await;
    ok(auth.confirm_sign_up(js(&format!(
        r#"{{"username":"{username}","confirmationCode":"{code}"}}"#
    ))))
    .await;
    let out = ok(auth.sign_in(js(&format!(
        r#"{{"username":"{username}","password":"{PASSWORD}"}}"#
    ))))
    .await;
    assert_eq!(prop_str(&out, "nextStep.signInStep"), "DONE");
    username
}

async fn sign_in_demo(auth: &Auth) {
    let out = ok(auth.sign_in(js(&format!(
        r#"{{"username":"{DEMO_USER}","password":"{DEMO_PASSWORD}"}}"#
    ))))
    .await;
    assert_eq!(
        prop(&out, "isSignedIn"),
        JsValue::TRUE,
        "{}",
        stringify(&out)
    );
}

#[wasm_bindgen_test]
async fn sign_up_confirm_srp_sign_in_refresh_and_sign_out() {
    let _turn = one_at_a_time().await;
    local_storage().clear().unwrap();
    let auth = auth("localStorage");
    let events = record(&auth, &["signedIn", "tokenRefresh", "signedOut"]);
    let username = unique("browser");

    let out = ok(auth.sign_up(js(&format!(
        r#"{{"username":"{username}","password":"{PASSWORD}","options":{{"userAttributes":{{"email":"{username}@example.com"}}}}}}"#
    ))))
    .await;
    assert_eq!(prop(&out, "isSignUpComplete"), JsValue::FALSE);
    assert_eq!(prop_str(&out, "nextStep.signUpStep"), "CONFIRM_SIGN_UP");
    assert!(prop(&out, "userId").is_string());

    let code = latest_code(&username).await;
    let out = ok(auth.confirm_sign_up(js(&format!(
        r#"{{"username":"{username}","confirmationCode":"{code}"}}"#
    ))))
    .await;
    assert_eq!(prop(&out, "isSignUpComplete"), JsValue::TRUE);

    let out = ok(auth.sign_in(js(&format!(
        r#"{{"username":"{username}","password":"{PASSWORD}"}}"#
    ))))
    .await;
    assert_eq!(prop(&out, "isSignedIn"), JsValue::TRUE);
    assert_eq!(prop_str(&out, "nextStep.signInStep"), "DONE");

    // The amazon-cognito-identity-js / Amplify v6 key layout.
    let ls = local_storage();
    assert_eq!(
        ls.get_item(&key("LastAuthUser")).unwrap().as_deref(),
        Some(username.as_str())
    );
    for name in ["idToken", "accessToken", "refreshToken"] {
        let v = ls.get_item(&key(&format!("{username}.{name}"))).unwrap();
        assert!(v.is_some_and(|v| !v.is_empty()), "{name} stored");
    }

    let session = ok(auth.fetch_auth_session(JsValue::UNDEFINED)).await;
    let access = prop(&session, "tokens.accessToken");
    assert_eq!(prop_str(&access, "payload.username"), username);
    assert_eq!(
        prop_str(&session, "tokens.idToken.payload.email"),
        format!("{username}@example.com")
    );
    let id_jwt = jwt_string(&prop(&session, "tokens.idToken"));
    assert_eq!(
        id_jwt.split('.').count(),
        3,
        "String(idToken) is the compact JWT"
    );
    assert_eq!(
        ls.get_item(&key(&format!("{username}.idToken"))).unwrap(),
        Some(id_jwt.clone())
    );

    let user = ok(auth.get_current_user()).await;
    assert_eq!(prop_str(&user, "username"), username);
    assert_eq!(prop_str(&user, "userId"), prop_str(&session, "userSub"));
    let attrs = ok(auth.fetch_user_attributes()).await;
    assert_eq!(prop_str(&attrs, "email"), format!("{username}@example.com"));

    let refreshed = ok(auth.fetch_auth_session(js(r#"{"forceRefresh":true}"#))).await;
    assert_eq!(
        prop_str(&refreshed, "tokens.accessToken.payload.username"),
        username
    );
    assert_eq!(
        ls.get_item(&key(&format!("{username}.accessToken")))
            .unwrap(),
        Some(jwt_string(&prop(&refreshed, "tokens.accessToken"))),
        "the refreshed token is stored"
    );

    ok(auth.sign_out(JsValue::UNDEFINED)).await;
    let after = ok(auth.fetch_auth_session(JsValue::UNDEFINED)).await;
    assert!(
        prop(&after, "tokens").is_undefined(),
        "{}",
        stringify(&after)
    );
    assert_eq!(ls.get_item(&key("LastAuthUser")).unwrap(), None);
    assert_eq!(
        ls.get_item(&key(&format!("{username}.refreshToken")))
            .unwrap(),
        None
    );
    rejects(auth.get_current_user(), "NoSessionError").await;
    assert_eq!(*events.borrow(), ["signedIn", "tokenRefresh", "signedOut"]);
}

#[wasm_bindgen_test]
async fn wrong_password_rejects_with_a_js_error_named_after_cognito() {
    let _turn = one_at_a_time().await;
    let auth = auth("memory");
    let err = rejects(
        auth.sign_in(js(&format!(
            r#"{{"username":"{DEMO_USER}","password":"Wrong-Passw0rd!"}}"#
        ))),
        "NotAuthorizedException",
    )
    .await;
    assert!(
        !String::from(err.message()).contains("Wrong-Passw0rd"),
        "no secret in the message"
    );
    // Unknown flows and missing fields are argument errors, also real Errors.
    rejects(
        auth.sign_in(js(
            r#"{"username":"demo","password":"x","options":{"authFlowType":"CUSTOM_WITHOUT_SRP"}}"#,
        )),
        "InvalidArgumentError",
    )
    .await;
    rejects(auth.sign_in(JsValue::UNDEFINED), "InvalidArgumentError").await;
    rejects(
        auth.confirm_sign_in(js(r#"{"challengeResponse":"123456"}"#)),
        "InvalidStateError",
    )
    .await;
}

#[wasm_bindgen_test]
async fn user_password_auth_and_already_signed_in() {
    let _turn = one_at_a_time().await;
    let auth = auth("memory");
    let out = ok(auth.sign_in(js(&format!(
        r#"{{"username":"{DEMO_USER}","password":"{DEMO_PASSWORD}","options":{{"authFlowType":"USER_PASSWORD_AUTH"}}}}"#
    ))))
    .await;
    assert_eq!(prop_str(&out, "nextStep.signInStep"), "DONE");
    rejects(
        auth.sign_in(js(&format!(
            r#"{{"username":"{DEMO_USER}","password":"{DEMO_PASSWORD}"}}"#
        ))),
        "UserAlreadyAuthenticatedException",
    )
    .await;
}

#[wasm_bindgen_test]
async fn overlapping_calls_share_one_refresh() {
    let _turn = one_at_a_time().await;
    let auth = auth("memory");
    sign_in_demo(&auth).await;
    let events = record(&auth, &["tokenRefresh"]);
    let both = Promise::all(&Array::of2(
        &auth.fetch_auth_session(js(r#"{"forceRefresh":true}"#)),
        &auth.fetch_auth_session(js(r#"{"forceRefresh":true}"#)),
    ));
    let results: Array = ok(both).await.unchecked_into();
    let a = jwt_string(&prop(&results.get(0), "tokens.accessToken"));
    let b = jwt_string(&prop(&results.get(1), "tokens.accessToken"));
    assert_eq!(
        a, b,
        "the waiting call uses the tokens the first one stored"
    );
    assert_eq!(
        events.borrow().len(),
        1,
        "one refresh for two overlapping calls"
    );
    // Different methods at once: nothing is borrowed across an await.
    let mixed = Promise::all(&Array::of3(
        &auth.fetch_auth_session(JsValue::UNDEFINED),
        &auth.get_current_user(),
        &auth.fetch_user_attributes(),
    ));
    ok(mixed).await;
}

#[wasm_bindgen_test]
async fn a_network_error_during_refresh_keeps_the_tokens() {
    let _turn = one_at_a_time().await;
    local_storage().clear().unwrap();
    let online = auth("localStorage");
    sign_in_demo(&online).await;
    let stored = local_storage()
        .get_item(&key(&format!("{DEMO_USER}.refreshToken")))
        .unwrap();
    assert!(stored.is_some());

    // Another Auth over the same storage whose endpoint is a closed port.
    let offline = Auth::new(js(&format!(
        r#"{{"userPoolId":"{POOL_ID}","userPoolClientId":"{CLIENT_ID}","endpoint":"http://127.0.0.1:1/"}}"#
    )))
    .unwrap();
    let events = record(&offline, &["tokenRefresh_failure", "signedOut"]);
    let err = rejects(
        offline.fetch_auth_session(js(r#"{"forceRefresh":true}"#)),
        "NetworkError",
    )
    .await;
    assert!(prop(&err, "recoverySuggestion").is_string());
    assert_eq!(*events.borrow(), ["tokenRefresh_failure"]);
    assert_eq!(
        local_storage()
            .get_item(&key(&format!("{DEMO_USER}.refreshToken")))
            .unwrap(),
        stored,
        "tokens kept"
    );
    let user = ok(offline.get_current_user()).await;
    assert_eq!(prop_str(&user, "username"), DEMO_USER);
    // The online one still refreshes with them.
    ok(online.fetch_auth_session(js(r#"{"forceRefresh":true}"#))).await;
    ok(online.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn a_session_in_the_amazon_cognito_identity_js_layout_is_picked_up() {
    let _turn = one_at_a_time().await;
    // Sign in elsewhere (memory), then write the tokens as amazon-cognito-identity-js does.
    let other = auth("memory");
    sign_in_demo(&other).await;
    let session = ok(other.fetch_auth_session(JsValue::UNDEFINED)).await;
    let id = jwt_string(&prop(&session, "tokens.idToken"));
    let access = jwt_string(&prop(&session, "tokens.accessToken"));
    let ls = local_storage();
    ls.clear().unwrap();
    ls.set_item(&key("LastAuthUser"), DEMO_USER).unwrap();
    ls.set_item(&key(&format!("{DEMO_USER}.idToken")), &id)
        .unwrap();
    ls.set_item(&key(&format!("{DEMO_USER}.accessToken")), &access)
        .unwrap();
    ls.set_item(
        &key(&format!("{DEMO_USER}.refreshToken")),
        "a-refresh-token",
    )
    .unwrap();
    ls.set_item(&key(&format!("{DEMO_USER}.clockDrift")), "0")
        .unwrap();

    let auth = auth("localStorage");
    let user = ok(auth.get_current_user()).await;
    assert_eq!(prop_str(&user, "username"), DEMO_USER);
    let mine = ok(auth.fetch_auth_session(JsValue::UNDEFINED)).await;
    assert_eq!(jwt_string(&prop(&mine, "tokens.idToken")), id);
    ls.clear().unwrap();
}

#[wasm_bindgen_test]
async fn malformed_stored_tokens_read_as_signed_out_without_a_panic() {
    let _turn = one_at_a_time().await;
    let ls = local_storage();
    ls.clear().unwrap();
    ls.set_item(&key("LastAuthUser"), "mallory").unwrap();
    ls.set_item(&key("mallory.idToken"), "not.a.jwt").unwrap();
    ls.set_item(&key("mallory.accessToken"), "%%%").unwrap();
    ls.set_item(&key("mallory.refreshToken"), "x").unwrap();
    ls.set_item(&key("mallory.clockDrift"), "NaN").unwrap();
    let auth = auth("localStorage");
    let session = ok(auth.fetch_auth_session(js(r#"{"forceRefresh":true}"#))).await;
    assert!(
        prop(&session, "tokens").is_undefined(),
        "{}",
        stringify(&session)
    );
    rejects(auth.get_current_user(), "NoSessionError").await;
    rejects(auth.fetch_user_attributes(), "NoSessionError").await;
    // The module still works afterwards (a panic would have poisoned it).
    sign_in_demo(&auth).await;
    ok(auth.sign_out(JsValue::UNDEFINED)).await;
    ls.clear().unwrap();
}

#[wasm_bindgen_test]
async fn callback_urls_malformed_tampered_or_replayed_reject() {
    let _turn = one_at_a_time().await;
    let oauth = format!(
        r#","oauth":{{"domain":"{}","redirectSignIn":["http://localhost:8080/"],"redirectSignOut":"http://localhost:8080/","scopes":["openid","email"],"responseType":"code"}}"#,
        endpoint().trim_end_matches('/')
    );
    let auth = Auth::new(config("memory", &oauth)).unwrap();
    let events = record(&auth, &["signInWithRedirect_failure"]);
    rejects(
        auth.handle_redirect(Some("http://localhost:8080/?code=c&state=s".into())),
        "InvalidStateError",
    )
    .await;

    let url = ok(auth.sign_in_with_redirect(js(r#"{"navigate":false}"#))).await;
    let url = url.as_string().unwrap();
    assert!(
        url.starts_with(&format!(
            "{}/oauth2/authorize?",
            endpoint().trim_end_matches('/')
        )),
        "{url}"
    );
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    let err = JsFuture::from(auth.handle_redirect(Some("::: not a url".into())))
        .await
        .unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());

    ok(auth.sign_in_with_redirect(js(r#"{"navigate":false}"#))).await;
    rejects(
        auth.handle_redirect(Some(
            "http://localhost:8080/?code=abc&state=tampered".into(),
        )),
        "InvalidStateError",
    )
    .await;
    // The pending sign-in was used once: the same callback again is a replay.
    rejects(
        auth.handle_redirect(Some(
            "http://localhost:8080/?code=abc&state=tampered".into(),
        )),
        "InvalidStateError",
    )
    .await;
    assert_eq!(events.borrow().len(), 4);
}

#[wasm_bindgen_test]
fn a_bad_config_throws_a_config_error() {
    for bad in [
        r#"null"#,
        r#"{"userPoolClientId":"x"}"#,
        r#"{"userPoolId":"not-a-pool","userPoolClientId":"x"}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":""}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","endpoint":"ftp://x"}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","storage":"cookies"}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","storage":{"getItem":1}}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","oauth":{"domain":"auth.example.com","redirectSignIn":"http://localhost/","responseType":"token"}}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","oauth":{"domain":"auth.example.com"}}"#,
    ] {
        let err = Auth::new(js(bad)).expect_err(bad);
        let err: js_sys::Error = err.dyn_into().expect("a JS Error");
        assert_eq!(String::from(err.name()), "ConfigError", "{bad}");
    }
    let a = auth("memory");
    let noop = Closure::<dyn Fn(JsValue)>::new(|_| ()).into_js_value();
    let err = a
        .on("signIn", noop.unchecked_ref::<Function>().clone())
        .unwrap_err();
    assert_eq!(prop_str(&err, "name"), "InvalidArgumentError");
    let unsubscribe = a.on("signedIn", noop.unchecked_into()).unwrap();
    unsubscribe.call0(&JsValue::UNDEFINED).unwrap();
    unsubscribe.call0(&JsValue::UNDEFINED).unwrap();
}

#[wasm_bindgen_test]
async fn a_custom_async_storage_holds_the_session() {
    let _turn = one_at_a_time().await;
    let store = asyncStore();
    let cfg = config("memory", "");
    Reflect::set(&cfg, &"storage".into(), &store).unwrap();
    let auth = Auth::new(cfg).unwrap();
    sign_in_demo(&auth).await;
    let map: js_sys::Map = prop(&store, "map").unchecked_into();
    assert_eq!(
        map.get(&key("LastAuthUser").into()).as_string().as_deref(),
        Some(DEMO_USER)
    );
    let session = ok(auth.fetch_auth_session(JsValue::UNDEFINED)).await;
    assert_eq!(
        prop_str(&session, "tokens.accessToken.payload.username"),
        DEMO_USER
    );
    ok(auth.sign_out(JsValue::UNDEFINED)).await;
    assert!(map.get(&key("LastAuthUser").into()).is_undefined());
}

#[wasm_bindgen_test]
async fn a_blocked_local_storage_falls_back_to_memory() {
    let _turn = one_at_a_time().await;
    let restore = blockLocalStorage();
    let auth = auth("localStorage");
    restore.call0(&JsValue::UNDEFINED).unwrap();
    local_storage().clear().unwrap();
    sign_in_demo(&auth).await;
    let session = ok(auth.fetch_auth_session(JsValue::UNDEFINED)).await;
    assert!(prop(&session, "tokens").is_object());
    assert_eq!(
        local_storage().get_item(&key("LastAuthUser")).unwrap(),
        None,
        "kept in memory"
    );
    ok(auth.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn totp_setup_then_a_sign_in_with_a_totp_step() {
    let _turn = one_at_a_time().await;
    let auth = auth("memory");
    let username = new_user(&auth, "totp").await;

    let details = ok(auth.set_up_totp()).await;
    let secret = prop_str(&details, "sharedSecret");
    let get_uri: Function = prop(&details, "getSetupUri").unchecked_into();
    let uri = get_uri.call1(&details, &"CognitoWasm".into()).unwrap();
    let href = prop_str(&uri, "href");
    assert!(href.starts_with("otpauth://totp/CognitoWasm:"), "{href}");
    assert!(href.contains(&format!("secret={secret}")), "{href}");

    rejects(
        auth.verify_totp_setup(js(r#"{"code":"12"}"#)),
        "EnableSoftwareTokenMFAException",
    )
    .await;
    let code = code_at(&secret, 0.0).await;
    ok(auth.verify_totp_setup(js(&format!(r#"{{"code":"{code}"}}"#)))).await;
    ok(auth.update_mfa_preference(js(r#"{"totp":"PREFERRED"}"#))).await;
    let mfa = ok(auth.fetch_mfa_preference()).await;
    assert_eq!(prop_str(&mfa, "preferred"), "TOTP", "{}", stringify(&mfa));
    assert_eq!(stringify(&prop(&mfa, "enabled")), r#"["TOTP"]"#);
    rejects(
        auth.update_mfa_preference(js(r#"{"totp":"yes"}"#)),
        "InvalidArgumentError",
    )
    .await;
    ok(auth.sign_out(JsValue::UNDEFINED)).await;

    let out = ok(auth.sign_in(js(&format!(
        r#"{{"username":"{username}","password":"{PASSWORD}"}}"#
    ))))
    .await;
    assert_eq!(prop(&out, "isSignedIn"), JsValue::FALSE);
    assert_eq!(
        prop_str(&out, "nextStep.signInStep"),
        "CONFIRM_SIGN_IN_WITH_TOTP_CODE"
    );
    // A code of the next 30-second step: the one above was spent (no replay).
    let code = code_at(&secret, 30.0).await;
    let out = ok(auth.confirm_sign_in(js(&format!(r#"{{"challengeResponse":"{code}"}}"#)))).await;
    assert_eq!(
        prop_str(&out, "nextStep.signInStep"),
        "DONE",
        "{}",
        stringify(&out)
    );

    let events = record(&auth, &["signedOut"]);
    ok(auth.delete_user()).await;
    assert_eq!(*events.borrow(), ["signedOut"]);
    rejects(
        auth.sign_in(js(&format!(
            r#"{{"username":"{username}","password":"{PASSWORD}"}}"#
        ))),
        "UserNotFoundException",
    )
    .await;
}

#[wasm_bindgen_test]
async fn attributes_and_password_change() {
    let _turn = one_at_a_time().await;
    let auth = auth("memory");
    let username = new_user(&auth, "attrs").await;
    let out = ok(auth.update_user_attributes(js(r#"{"userAttributes":{"name":"Ada"}}"#))).await;
    assert_eq!(
        prop(&out, "name.isUpdated"),
        JsValue::TRUE,
        "{}",
        stringify(&out)
    );
    assert_eq!(prop_str(&out, "name.nextStep.updateAttributeStep"), "DONE");
    let attrs = ok(auth.fetch_user_attributes()).await;
    assert_eq!(prop_str(&attrs, "name"), "Ada");
    ok(auth.delete_user_attributes(js(r#"{"userAttributeKeys":["name"]}"#))).await;
    let attrs = ok(auth.fetch_user_attributes()).await;
    assert!(prop(&attrs, "name").is_undefined());

    rejects(
        auth.update_password(js(&format!(
            r#"{{"oldPassword":"Not-{PASSWORD}","newPassword":"N3w-{PASSWORD}"}}"#
        ))),
        "NotAuthorizedException",
    )
    .await;
    ok(auth.update_password(js(&format!(
        r#"{{"oldPassword":"{PASSWORD}","newPassword":"N3w-{PASSWORD}"}}"#
    ))))
    .await;
    ok(auth.sign_out(js(r#"{"global":true}"#))).await;
    let out = ok(auth.sign_in(js(&format!(
        r#"{{"username":"{username}","password":"N3w-{PASSWORD}"}}"#
    ))))
    .await;
    assert_eq!(prop(&out, "isSignedIn"), JsValue::TRUE);
    ok(auth.delete_user()).await;
}

#[wasm_bindgen_test]
async fn two_clients_over_one_storage_refresh_once_and_hear_each_other() {
    let _turn = one_at_a_time().await;
    assert!(
        cognito_wasm::WebCoordinator::has_web_locks(),
        "Chromium has navigator.locks"
    );
    local_storage().clear().unwrap();
    // Two `Auth`s over the same localStorage stand in for two tabs: they share the Web Lock and
    // the BroadcastChannel of the app client, as tabs do.
    let a = auth("localStorage");
    let b = auth("localStorage");
    let heard = record(&b, &["signedIn", "signedOut"]);
    sign_in_demo(&a).await;
    ok(sleep(100)).await;
    assert_eq!(*heard.borrow(), ["signedIn"], "b hears a's sign-in");

    let both = Promise::all(&Array::of2(
        &a.fetch_auth_session(js(r#"{"forceRefresh":true}"#)),
        &b.fetch_auth_session(js(r#"{"forceRefresh":true}"#)),
    ));
    let results: Array = ok(both).await.unchecked_into();
    assert_eq!(
        jwt_string(&prop(&results.get(0), "tokens.accessToken")),
        jwt_string(&prop(&results.get(1), "tokens.accessToken")),
        "the one that waited for the lock took the other's new tokens: one refresh"
    );

    ok(a.sign_out(JsValue::UNDEFINED)).await;
    ok(sleep(100)).await;
    assert_eq!(
        *heard.borrow(),
        ["signedIn", "signedOut"],
        "b hears a's sign-out"
    );
    let after = ok(b.fetch_auth_session(JsValue::UNDEFINED)).await;
    assert!(prop(&after, "tokens").is_undefined());
}

#[wasm_bindgen_test]
async fn hosted_ui_round_trip_with_pkce_then_refresh_and_sign_out() {
    let _turn = one_at_a_time().await;
    let base = endpoint().trim_end_matches('/');
    let oauth = format!(
        r#","oauth":{{"domain":"{base}","redirectSignIn":"http://localhost:8080/","redirectSignOut":"http://localhost:8080/","scopes":["openid","email","profile","aws.cognito.signin.user.admin"],"responseType":"code"}}"#
    );
    let auth = Auth::new(config("memory", &oauth)).unwrap();
    let events = record(
        &auth,
        &[
            "signInWithRedirect",
            "signedIn",
            "tokenRefresh",
            "signedOut",
        ],
    );
    let url = ok(auth.sign_in_with_redirect(js(
        r#"{"navigate":false,"customState":"back-to=/settings"}"#,
    )))
    .await
    .as_string()
    .unwrap();
    let callback = hosted_ui_login(&url, DEMO_USER, DEMO_PASSWORD).await;
    assert!(
        callback.starts_with("http://localhost:8080/?"),
        "{callback}"
    );

    let out = ok(auth.handle_redirect(Some(callback.clone()))).await;
    assert_eq!(prop_str(&out, "username"), DEMO_USER);
    assert_eq!(prop_str(&out, "customState"), "back-to=/settings");
    let session = ok(auth.fetch_auth_session(JsValue::UNDEFINED)).await;
    assert_eq!(
        prop_str(&session, "tokens.idToken.payload.cognito:username"),
        DEMO_USER
    );
    assert!(
        prop(&session, "tokens.idToken.payload.nonce").is_string(),
        "the nonce came back"
    );
    // The same callback again is a replay: the pending sign-in was used once.
    rejects(auth.handle_redirect(Some(callback)), "InvalidStateError").await;

    // Hosted-UI sessions refresh through /oauth2/token, from the page (CORS).
    let refreshed = ok(auth.fetch_auth_session(js(r#"{"forceRefresh":true}"#))).await;
    assert_eq!(
        prop_str(&refreshed, "tokens.accessToken.payload.username"),
        DEMO_USER
    );
    let user = ok(auth.fetch_user_attributes()).await;
    assert_eq!(prop_str(&user, "email"), "demo@example.com");
    ok(auth.sign_out(js(r#"{"navigate":false}"#))).await;
    assert_eq!(
        *events.borrow(),
        [
            "signInWithRedirect",
            "signedIn",
            "tokenRefresh",
            "signedOut"
        ]
    );
}

#[wasm_bindgen_test]
async fn a_revoked_refresh_token_clears_the_session() {
    let _turn = one_at_a_time().await;
    let here = auth("memory");
    let username = new_user(&here, "revoked").await;
    // The same user elsewhere signs out everywhere, which revokes this browser's refresh token.
    let elsewhere = auth("memory");
    ok(elsewhere.sign_in(js(&format!(
        r#"{{"username":"{username}","password":"{PASSWORD}"}}"#
    ))))
    .await;
    ok(elsewhere.sign_out(js(r#"{"global":true}"#))).await;

    let events = record(&here, &["tokenRefresh_failure", "signedOut"]);
    rejects(
        here.fetch_auth_session(js(r#"{"forceRefresh":true}"#)),
        "NotAuthorizedException",
    )
    .await;
    assert_eq!(*events.borrow(), ["tokenRefresh_failure", "signedOut"]);
    let after = ok(here.fetch_auth_session(JsValue::UNDEFINED)).await;
    assert!(prop(&after, "tokens").is_undefined(), "cleared");
    rejects(here.get_current_user(), "NoSessionError").await;
}

#[wasm_bindgen_test]
async fn a_page_loaded_on_the_redirect_back_is_handled_on_start() {
    let _turn = one_at_a_time().await;
    let base = endpoint().trim_end_matches('/');
    let oauth = format!(
        r#","oauth":{{"domain":"{base}","redirectSignIn":"http://localhost:8080/","scopes":["openid","email"]}}"#
    );
    // The page before the redirect: it starts the sign-in (state and verifier in sessionStorage).
    let before = Auth::new(config("memory", &oauth)).unwrap();
    let url = ok(before.sign_in_with_redirect(js(r#"{"navigate":false}"#)))
        .await
        .as_string()
        .unwrap();
    let callback = hosted_ui_login(&url, DEMO_USER, DEMO_PASSWORD).await;
    let query = callback.split_once('?').map(|(_, q)| q).unwrap().to_owned();

    // The page after it: loaded with ?code=...&state=... in its address.
    let window = web_sys::window().unwrap();
    let original = window.location().href().unwrap();
    let history = window.history().unwrap();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&format!("?keep=1&{query}")))
        .unwrap();
    let auth = Auth::new(config("memory", &oauth)).unwrap();
    let events = record(&auth, &["signInWithRedirect", "signedIn"]);
    let search = window.location().search().unwrap();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&original))
        .unwrap();
    assert_eq!(
        search, "?keep=1",
        "code and state are gone from the address bar"
    );

    let out = ok(auth.handle_redirect(None)).await;
    assert_eq!(prop_str(&out, "username"), DEMO_USER);
    assert_eq!(*events.borrow(), ["signInWithRedirect", "signedIn"]);
    let session = ok(auth.fetch_auth_session(JsValue::UNDEFINED)).await;
    assert!(prop(&session, "tokens.idToken").is_object());
    ok(auth.sign_out(js(r#"{"navigate":false}"#))).await;

    // A page loaded on a callback with no sign-in pending is left alone.
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&format!("?{query}")))
        .unwrap();
    let idle = Auth::new(config("memory", &oauth)).unwrap();
    let search = window.location().search().unwrap();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&original))
        .unwrap();
    assert_eq!(search, format!("?{query}"));
    rejects(idle.handle_redirect(None), "InvalidStateError").await;
}
