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
// A storage object whose every method throws `error`.
export function throwingStore(error) {
  const fail = () => { throw error; };
  return { getItem: fail, setItem: fail, removeItem: fail };
}
// Counts the requests to Cognito whose X-Amz-Target matches `pattern`, from now on.
export function countRequests(pattern) {
  const counter = { count: 0 };
  const original = globalThis.fetch;
  globalThis.fetch = function (url, init) {
    const target = init?.headers?.get?.('x-amz-target') ?? '';
    if (new RegExp(pattern).test(target)) counter.count += 1;
    return original.call(this, url, init);
  };
  counter.restore = () => { globalThis.fetch = original; };
  return counter;
}
// A copy of a JWT whose `exp` is `secondsAgo` in the past (the signature no longer matches;
// the client reads tokens without checking it, as every browser client does).
export function expiredJwt(token, secondsAgo) {
  const [h, p, s] = token.split('.');
  const json = JSON.parse(atob(p.replace(/-/g, '+').replace(/_/g, '/')));
  json.exp = Math.floor(Date.now() / 1000) - secondsAgo;
  const b64 = btoa(JSON.stringify(json)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  return `${h}.${b64}.${s}`;
}
// Two views of one Map, as two tabs' storage: `a` sees every write at once; `b` misses
// `LastAuthUser` for its next `b.hidden` reads (another renderer's write not visible yet).
export function sharedStores() {
  const map = new Map();
  const store = (lag) => ({
    getItem: (k) => {
      if (lag && lag.hidden > 0 && k.endsWith('.LastAuthUser')) { lag.hidden -= 1; return null; }
      return map.has(k) ? map.get(k) : null;
    },
    setItem: (k, v) => { map.set(k, v); },
    removeItem: (k) => { map.delete(k); },
  });
  const lag = { hidden: 0 };
  const b = store(lag);
  b.lag = lag;
  return { a: store(null), b };
}
// Hides navigator.locks, as in a browser without Web Locks; returns the function that undoes it.
export function hideWebLocks() {
  Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
  return () => { delete navigator.locks; };
}
export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
// Counts reads of `window[name]` (`localStorage`, `sessionStorage`) from now on; `restore()`
// undoes it.
export function countStorage(name) {
  const saved = Object.getOwnPropertyDescriptor(window, name);
  const area = window[name];
  const counter = { count: 0 };
  Object.defineProperty(window, name, {
    configurable: true,
    get() { counter.count += 1; return area; },
  });
  counter.restore = () => {
    if (saved) Object.defineProperty(window, name, saved);
    else delete window[name];
  };
  return counter;
}
// Collects the messages posted on BroadcastChannel `name` from now on; `restore()` closes it.
export function listenChannel(name) {
  const channel = new BroadcastChannel(name);
  const counter = { messages: [] };
  channel.onmessage = (e) => counter.messages.push(String(e.data));
  counter.restore = () => channel.close();
  return counter;
}
// Makes every `Storage#setItem` throw a QuotaExceededError (a full quota); returns the
// function that undoes it.
export function fillQuota() {
  const original = Storage.prototype.setItem;
  Storage.prototype.setItem = function () {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  return () => { Storage.prototype.setItem = original; };
}
// Counts the `console.warn` calls from now on; `restore()` undoes it.
export function countWarnings() {
  const original = console.warn;
  const counter = { messages: [] };
  console.warn = (...args) => { counter.messages.push(args.join(' ')); };
  counter.restore = () => { console.warn = original; };
  return counter;
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
    fn countStorage(name: &str) -> JsValue;
    fn countWarnings() -> JsValue;
    fn listenChannel(name: &str) -> JsValue;
    fn fillQuota() -> Function;
    fn totp(secret: &str, unix: f64) -> Promise;
    fn throwingStore(error: &JsValue) -> JsValue;
    fn countRequests(pattern: &str) -> JsValue;
    fn expiredJwt(token: &str, seconds_ago: u32) -> String;
    fn hideWebLocks() -> Function;
    fn sharedStores() -> JsValue;
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

/// Records the events `auth` emits with their data, as `event` or `event:<JSON of data>`.
fn record_with_data(auth: &Auth, names: &[&str]) -> Rc<RefCell<Vec<String>>> {
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    for name in names {
        let seen = seen.clone();
        let cb = Closure::<dyn Fn(JsValue)>::new(move |payload: JsValue| {
            let data = prop(&payload, "data");
            let event = prop_str(&payload, "event");
            seen.borrow_mut().push(if data.is_undefined() {
                event
            } else {
                format!("{event}:{}", stringify(&data))
            });
        });
        auth.on(name, cb.into_js_value().unchecked_into())
            .expect("known event");
    }
    seen
}

/// The `cause` of a rejection: a real JS `Error`.
fn cause_of(err: &js_sys::Error) -> js_sys::Error {
    let cause = prop(err, "cause");
    cause
        .clone()
        .dyn_into()
        .unwrap_or_else(|_| panic!("cause is not an Error: {}", stringify(&cause)))
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
    // Inputs of the wrong shape are argument errors too, never a panic.
    rejects(auth.sign_in(42.into()), "InvalidArgumentError").await;
    rejects(
        auth.sign_in(js(r#"{"username":["demo"]}"#)),
        "InvalidArgumentError",
    )
    .await;
    rejects(
        auth.sign_in(js(
            r#"{"username":"demo","password":"x","options":{"clientMetadata":[1]}}"#,
        )),
        "InvalidArgumentError",
    )
    .await;
    rejects(
        auth.confirm_sign_in("123456".into()),
        "InvalidArgumentError",
    )
    .await;
    rejects(
        auth.sign_up(js(
            r#"{"username":"u","password":"p","options":{"userAttributes":{"email":1}}}"#,
        )),
        "InvalidArgumentError",
    )
    .await;
    rejects(
        auth.fetch_auth_session(js(r#"{"forceRefresh":"yes"}"#)),
        "InvalidArgumentError",
    )
    .await;
    rejects(
        auth.delete_user_attributes(js(r#"{"userAttributeKeys":"name"}"#)),
        "InvalidArgumentError",
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
    let cause = cause_of(&err);
    assert_eq!(
        String::from(cause.name()),
        "TypeError",
        "the cause is what fetch threw: {}",
        String::from(cause.message())
    );
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
    // A failure event for each callback that met a pending sign-in (the malformed URL, the
    // tampered state); none for the two with nothing pending (the first call, the replay):
    // an app may call handleRedirect on every load.
    assert_eq!(events.borrow().len(), 2);
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
        r#"{"userPoolId":5,"userPoolClientId":"x"}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":["x"]}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","endpoint":{}}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","storage":7}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","oauth":"auth.example.com"}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","oauth":{"domain":"auth.example.com","redirectSignIn":5}}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","oauth":{"domain":"auth.example.com","redirectSignIn":[5]}}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","oauth":{"domain":"auth.example.com","redirectSignIn":"http://x/","scopes":"openid"}}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","oauth":{"domain":"ftp://auth.example.com","redirectSignIn":"http://x/"}}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","oauth":{"domain":"auth.example.com","redirectSignIn":"not a url"}}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","timeout":0}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","timeout":-300}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","timeout":2.5}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","timeout":"3000"}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","timeout":2147483648}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","timeout":true}"#,
        r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","timeout":{}}"#,
    ] {
        let err = Auth::new(js(bad)).expect_err(bad);
        let err: js_sys::Error = err.dyn_into().expect("a JS Error");
        assert_eq!(String::from(err.name()), "ConfigError", "{bad}");
        assert!(prop(&err, "recoverySuggestion").is_string(), "{bad}");
    }
    for not_finite in [f64::NAN, f64::INFINITY] {
        let cfg = js(r#"{"userPoolId":"us-east-1_Abc","userPoolClientId":"x"}"#);
        Reflect::set(&cfg, &"timeout".into(), &not_finite.into()).unwrap();
        let err = Auth::new(cfg).expect_err("not a finite timeout");
        assert_eq!(prop_str(&err, "name"), "ConfigError");
        assert!(prop_str(&err, "message").contains("timeout"));
    }
    for good in ["1", "2147483647", "null"] {
        Auth::new(js(&format!(
            r#"{{"userPoolId":"us-east-1_Abc","userPoolClientId":"x","storage":"memory","timeout":{good}}}"#
        )))
        .unwrap_or_else(|_| panic!("timeout {good} is valid"));
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

/// Calls `restore()` when dropped, at the end of the test (a failed assertion aborts the
/// whole wasm test run, so nothing needs restoring after one).
struct Undo(Function);

impl Drop for Undo {
    fn drop(&mut self) {
        self.0.call0(&JsValue::UNDEFINED).unwrap();
    }
}

fn undo(counter: &JsValue) -> Undo {
    Undo(prop(counter, "restore").unchecked_into())
}

#[wasm_bindgen_test]
async fn a_blocked_local_storage_falls_back_to_memory() {
    let _turn = one_at_a_time().await;
    local_storage().clear().unwrap();
    let warnings = countWarnings();
    let _warnings = undo(&warnings);
    // The tabs' channel: a session that lives in this page's memory is not announced to the
    // other tabs (their sessions are elsewhere).
    let channel = listenChannel(&format!("cognito-wasm:{CLIENT_ID}"));
    let _channel = undo(&channel);
    let blocked = Undo(blockLocalStorage());
    let auth = auth("localStorage");
    sign_in_demo(&auth).await;
    let session = ok(auth.fetch_auth_session(JsValue::UNDEFINED)).await;
    assert!(prop(&session, "tokens").is_object());
    ok(auth.sign_out(JsValue::UNDEFINED)).await;
    JsFuture::from(sleep(50)).await.unwrap();
    drop(blocked);
    let posted = Array::from(&prop(&channel, "messages"));
    assert_eq!(posted.length(), 0, "announced: {}", stringify(&posted));
    assert_eq!(
        local_storage().get_item(&key("LastAuthUser")).unwrap(),
        None,
        "kept in memory"
    );
    let messages: Vec<String> = Array::from(&prop(&warnings, "messages"))
        .iter()
        .filter_map(|m| m.as_string())
        .collect();
    assert_eq!(messages.len(), 1, "one warning: {messages:?}");
    assert!(
        messages[0].contains("localStorage is unusable") && messages[0].contains("SecurityError"),
        "{}",
        messages[0]
    );
}

/// localStorage failing mid-session (a full quota): the refreshed tokens go to memory and the
/// session goes on; the client keeps coordinating with the tabs, which still read what it
/// wrote before (its refresh and sign-out are announced); one warning.
#[wasm_bindgen_test]
async fn a_full_quota_mid_session_keeps_the_session_and_the_tabs_informed() {
    let _turn = one_at_a_time().await;
    local_storage().clear().unwrap();
    let auth = auth("localStorage");
    let events = record(
        &auth,
        &["tokenRefresh", "tokenRefresh_failure", "signedOut"],
    );
    sign_in_demo(&auth).await;
    let stored = local_storage().get_item(&key("LastAuthUser")).unwrap();
    assert_eq!(
        stored.as_deref(),
        Some(DEMO_USER),
        "written to localStorage first"
    );
    let warnings = countWarnings();
    let _warnings = undo(&warnings);
    let channel = listenChannel(&format!("cognito-wasm:{CLIENT_ID}"));
    let _channel = undo(&channel);
    let full = Undo(fillQuota());
    let refreshed = ok(auth.fetch_auth_session(js(r#"{"forceRefresh":true}"#))).await;
    assert!(
        prop(&refreshed, "tokens").is_object(),
        "the session goes on"
    );
    let again = ok(auth.fetch_auth_session(JsValue::UNDEFINED)).await;
    assert_eq!(
        jwt_string(&prop(&again, "tokens.idToken")),
        jwt_string(&prop(&refreshed, "tokens.idToken")),
        "the refreshed tokens are read back from memory"
    );
    ok(auth.sign_out(JsValue::UNDEFINED)).await;
    JsFuture::from(sleep(50)).await.unwrap();
    drop(full);
    assert_eq!(
        *events.borrow(),
        ["tokenRefresh", "signedOut"],
        "events of this client"
    );
    let posted: Vec<String> = Array::from(&prop(&channel, "messages"))
        .iter()
        .filter_map(|m| m.as_string())
        .collect();
    assert_eq!(
        posted.len(),
        2,
        "the refresh and the sign-out announced: {posted:?}"
    );
    // One about localStorage (the override also fails the first write to sessionStorage, the
    // client's store for the hosted UI's state, when it is first opened).
    let about_local: Vec<String> = Array::from(&prop(&warnings, "messages"))
        .iter()
        .filter_map(|m| m.as_string())
        .filter(|m| m.contains("localStorage is unusable (QuotaExceededError"))
        .collect();
    assert_eq!(about_local.len(), 1, "one warning: {about_local:?}");
    local_storage().clear().unwrap();
}

/// `new Auth()` touches no Web Storage: the first touch in a page is a synchronous round trip
/// to the browser process (milliseconds of start-up). localStorage is opened at the first read.
#[wasm_bindgen_test]
async fn new_auth_opens_local_storage_at_its_first_use() {
    let _turn = one_at_a_time().await;
    let counter = countStorage("localStorage");
    let _restore = undo(&counter);
    let count = || prop(&counter, "count").as_f64().unwrap();
    let auth = auth("localStorage");
    assert_eq!(count(), 0.0, "new Auth() read localStorage");
    let _ = JsFuture::from(auth.get_current_user()).await;
    assert!(count() > 0.0, "getCurrentUser() read the session elsewhere");
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
    let states = record_with_data(&auth, &["customOAuthState", "signInWithRedirect"]);
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

    assert!(states.borrow().is_empty(), "nothing before the callback");
    let out = ok(auth.handle_redirect(Some(callback.clone()))).await;
    assert_eq!(prop_str(&out, "username"), DEMO_USER);
    assert_eq!(prop_str(&out, "customState"), "back-to=/settings");
    assert_eq!(
        *states.borrow(),
        [
            r#"customOAuthState:"back-to=/settings""#,
            "signInWithRedirect"
        ],
        "the custom state, as the data, before signInWithRedirect (as Amplify v6)"
    );
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
    // As Amplify v6: the call resolves signed out; the failure is in the events.
    let v = ok(here.fetch_auth_session(js(r#"{"forceRefresh":true}"#))).await;
    assert!(prop(&v, "tokens").is_undefined(), "{}", stringify(&v));
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

#[wasm_bindgen_test]
async fn a_5xx_during_refresh_keeps_the_tokens() {
    let _turn = one_at_a_time().await;
    local_storage().clear().unwrap();
    let online = auth("localStorage");
    sign_in_demo(&online).await;
    let stored = local_storage()
        .get_item(&key(&format!("{DEMO_USER}.refreshToken")))
        .unwrap();

    // Another client over the same storage, behind a proxy that answers 503.
    let relay = option_env!("OUTBOX_RELAY_URL").unwrap_or_default();
    let down = Auth::new(js(&format!(
        r#"{{"userPoolId":"{POOL_ID}","userPoolClientId":"{CLIENT_ID}","endpoint":"{relay}/unavailable/"}}"#
    )))
    .unwrap();
    let events = record(&down, &["tokenRefresh_failure", "signedOut"]);
    let e = JsFuture::from(down.fetch_auth_session(js(r#"{"forceRefresh":true}"#)))
        .await
        .unwrap_err();
    let err: js_sys::Error = e.dyn_into().unwrap();
    // A 503 without a Cognito error type: the request did not get through, so NetworkError
    // (transient: the session stays).
    assert_eq!(
        String::from(err.name()),
        "NetworkError",
        "{}",
        String::from(err.message())
    );
    let cause = cause_of(&err);
    assert_eq!(String::from(cause.name()), "HttpError");
    assert_eq!(prop(&cause, "httpStatusCode").as_f64(), Some(503.0));
    assert_eq!(*events.borrow(), ["tokenRefresh_failure"]);
    assert_eq!(
        local_storage()
            .get_item(&key(&format!("{DEMO_USER}.refreshToken")))
            .unwrap(),
        stored,
        "tokens kept"
    );
    ok(online.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn rejections_carry_a_cause_and_a_recovery_suggestion() {
    let _turn = one_at_a_time().await;
    let auth = auth("memory");
    // A Cognito exception: the HTTP answer is the cause, with its status.
    let err = rejects(
        auth.sign_in(js(&format!(
            r#"{{"username":"{DEMO_USER}","password":"Wr0ng-Secret!"}}"#
        ))),
        "NotAuthorizedException",
    )
    .await;
    let cause = cause_of(&err);
    assert_eq!(String::from(cause.name()), "HttpError");
    assert_eq!(prop(&cause, "httpStatusCode").as_f64(), Some(400.0));
    let everything = format!(
        "{} {} {}",
        String::from(err.message()),
        String::from(cause.message()),
        stringify(&cause)
    );
    assert!(!everything.contains("Wr0ng-Secret"), "{everything}");

    // A username taken, a wrong code: each is told how to go on. (An unconfirmed user's
    // sign-in resolves with the CONFIRM_SIGN_UP step, as Amplify v6.)
    let username = unique("unconfirmed");
    let sign_up = format!(
        r#"{{"username":"{username}","password":"{PASSWORD}","options":{{"userAttributes":{{"email":"{username}@example.com"}}}}}}"#
    );
    ok(auth.sign_up(js(&sign_up))).await;
    let err = rejects(auth.sign_up(js(&sign_up)), "UsernameExistsException").await;
    assert!(prop_str(&err, "recoverySuggestion").contains("another username"));
    assert!(!stringify(&prop(&err, "cause")).contains(PASSWORD));
    let out = ok(auth.sign_in(js(&format!(
        r#"{{"username":"{username}","password":"{PASSWORD}"}}"#
    ))))
    .await;
    assert_eq!(prop_str(&out, "nextStep.signInStep"), "CONFIRM_SIGN_UP");
    let err = rejects(
        auth.confirm_sign_up(js(&format!(
            r#"{{"username":"{username}","confirmationCode":"000000"}}"#
        ))),
        "CodeMismatchException",
    )
    .await;
    assert!(prop_str(&err, "recoverySuggestion").contains("code"));

    // An argument error has no cause (nothing failed underneath).
    let err = rejects(auth.sign_in(JsValue::UNDEFINED), "InvalidArgumentError").await;
    assert!(prop(&err, "cause").is_undefined());

    // What the app's storage threw is the cause, as thrown.
    let thrown: JsValue = js_sys::RangeError::new("disk on fire").into();
    let cfg = config("memory", "");
    Reflect::set(&cfg, &"storage".into(), &throwingStore(&thrown)).unwrap();
    let broken = Auth::new(cfg).unwrap();
    let err = rejects(
        broken.fetch_auth_session(JsValue::UNDEFINED),
        "StorageError",
    )
    .await;
    assert!(
        js_sys::Object::is(&prop(&err, "cause"), &thrown),
        "{}",
        stringify(&prop(&err, "cause"))
    );
    assert!(prop(&err, "recoverySuggestion").is_string());
    // A thrown non-Error becomes an Error describing it.
    let cfg = config("memory", "");
    Reflect::set(&cfg, &"storage".into(), &throwingStore(&"quota".into())).unwrap();
    let broken = Auth::new(cfg).unwrap();
    let err = rejects(
        broken.fetch_auth_session(JsValue::UNDEFINED),
        "StorageError",
    )
    .await;
    assert_eq!(String::from(cause_of(&err).message()), "quota");

    // The failure event carries the same kind of Error.
    let cfg = config("memory", "");
    Reflect::set(&cfg, &"endpoint".into(), &"http://127.0.0.1:1/".into()).unwrap();
    let offline = Auth::new(cfg).unwrap();
    let err = rejects(
        offline.sign_in(js(r#"{"username":"demo","password":"x"}"#)),
        "NetworkError",
    )
    .await;
    assert_eq!(String::from(cause_of(&err).name()), "TypeError");
}

#[wasm_bindgen_test]
async fn a_server_that_does_not_answer_times_out_with_a_network_error_and_keeps_the_tokens() {
    let _turn = one_at_a_time().await;
    local_storage().clear().unwrap();
    let online = auth("localStorage");
    sign_in_demo(&online).await;
    let stored = local_storage()
        .get_item(&key(&format!("{DEMO_USER}.refreshToken")))
        .unwrap();
    assert!(stored.is_some());

    // Another client over the same storage whose endpoint accepts requests and never answers.
    let relay = option_env!("OUTBOX_RELAY_URL").unwrap_or_default();
    let silent = Auth::new(js(&format!(
        r#"{{"userPoolId":"{POOL_ID}","userPoolClientId":"{CLIENT_ID}","endpoint":"{relay}/silent/","timeout":400}}"#
    )))
    .unwrap();
    let events = record(&silent, &["tokenRefresh_failure", "signedOut"]);
    let started = js_sys::Date::now();
    let err = rejects(
        silent.fetch_auth_session(js(r#"{"forceRefresh":true}"#)),
        "NetworkError",
    )
    .await;
    let took = js_sys::Date::now() - started;
    assert!(
        (380.0..10_000.0).contains(&took),
        "rejected after {took} ms, not after the 400 ms timeout"
    );
    let cause = cause_of(&err);
    assert_eq!(String::from(cause.name()), "TimeoutError");
    assert!(String::from(cause.message()).contains("400 ms"));
    assert!(prop_str(&err, "recoverySuggestion").contains("timeout"));
    assert_eq!(*events.borrow(), ["tokenRefresh_failure"]);
    assert_eq!(
        local_storage()
            .get_item(&key(&format!("{DEMO_USER}.refreshToken")))
            .unwrap(),
        stored,
        "tokens kept"
    );
    let user = ok(silent.get_current_user()).await;
    assert_eq!(prop_str(&user, "username"), DEMO_USER);
    ok(online.sign_out(JsValue::UNDEFINED)).await;
}

/// Replaces the stored ID and access tokens of `username` with copies that expired a minute
/// ago: the next `fetchAuthSession()` must refresh.
fn expire_stored_tokens(username: &str) {
    let ls = local_storage();
    for name in ["idToken", "accessToken"] {
        let k = key(&format!("{username}.{name}"));
        let token = ls.get_item(&k).unwrap().expect("a stored token");
        ls.set_item(&k, &expiredJwt(&token, 60)).unwrap();
    }
}

const LEASE_KEY: &str = "cognito-wasm.lock.cognito-refresh:localspaclient000000000001";
const REFRESH_TARGETS: &str = "GetTokensFromRefreshToken|InitiateAuth";

#[wasm_bindgen_test]
async fn without_web_locks_a_storage_lease_keeps_one_refresh_between_tabs() {
    let _turn = one_at_a_time().await;
    local_storage().clear().unwrap();
    let restore = hideWebLocks();
    assert!(!cognito_wasm::WebCoordinator::has_web_locks());
    // Two `Auth`s over the same localStorage, as two tabs: each has its own in-memory lock,
    // so only the lease in localStorage can keep them from refreshing both.
    let a = auth("localStorage");
    let b = auth("localStorage");
    sign_in_demo(&a).await;
    for round in 0..3 {
        expire_stored_tokens(DEMO_USER);
        let counter = countRequests(REFRESH_TARGETS);
        let (first, second) = if round % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let both = Promise::all(&Array::of2(
            &first.fetch_auth_session(JsValue::UNDEFINED),
            &second.fetch_auth_session(JsValue::UNDEFINED),
        ));
        let results = JsFuture::from(both).await;
        let restore_fetch: Function = prop(&counter, "restore").unchecked_into();
        restore_fetch.call0(&JsValue::UNDEFINED).unwrap();
        let results: Array = match results {
            Ok(r) => r.unchecked_into(),
            Err(e) => {
                restore.call0(&JsValue::UNDEFINED).unwrap();
                panic!("round {round}: rejected: {}", stringify(&e));
            }
        };
        assert_eq!(
            prop(&counter, "count").as_f64(),
            Some(1.0),
            "round {round}: one refresh request for two tabs with expired tokens"
        );
        assert_eq!(
            jwt_string(&prop(&results.get(0), "tokens.accessToken")),
            jwt_string(&prop(&results.get(1), "tokens.accessToken")),
            "round {round}: the tab that waited took the other's tokens"
        );
        assert_eq!(
            local_storage().get_item(LEASE_KEY).unwrap(),
            None,
            "round {round}: the lease is removed when done"
        );
    }

    // A lease left by a tab that closed mid-refresh is taken over once it expires.
    let now = js_sys::Date::now() as i64;
    let dead = cognito_client::lease::Lease {
        owner: "closed-tab".into(),
        expires_at_ms: now + 600,
    };
    local_storage()
        .set_item(LEASE_KEY, &dead.to_value())
        .unwrap();
    let started = js_sys::Date::now();
    let out = JsFuture::from(a.fetch_auth_session(js(r#"{"forceRefresh":true}"#))).await;
    let took = js_sys::Date::now() - started;
    // Junk under the key is no lease at all.
    local_storage().set_item(LEASE_KEY, "not a lease").unwrap();
    let junk = JsFuture::from(b.fetch_auth_session(js(r#"{"forceRefresh":true}"#))).await;
    restore.call0(&JsValue::UNDEFINED).unwrap();
    assert!(out.is_ok() && junk.is_ok());
    assert!(took >= 550.0, "waited for the dead tab's lease: {took} ms");
    assert!(took < 5_000.0, "took over once it expired: {took} ms");
    assert!(cognito_wasm::WebCoordinator::has_web_locks());
    ok(a.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn malformed_answers_and_storage_values_reject_without_a_panic() {
    let _turn = one_at_a_time().await;
    let relay = option_env!("OUTBOX_RELAY_URL").unwrap_or_default();
    for (path, name) in [("garbage/", "ParseError"), ("garbage/json/", "ParseError")] {
        let cfg = config("memory", "");
        Reflect::set(&cfg, &"endpoint".into(), &format!("{relay}/{path}").into()).unwrap();
        let auth = Auth::new(cfg).unwrap();
        for flow in ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"] {
            let err = rejects(
                auth.sign_in(js(&format!(
                    r#"{{"username":"demo","password":"{DEMO_PASSWORD}","options":{{"authFlowType":"{flow}"}}}}"#
                ))),
                name,
            )
            .await;
            assert_eq!(
                String::from(cause_of(&err).name()),
                "SyntaxError",
                "{path} {flow}"
            );
            assert!(!stringify(&err).contains(DEMO_PASSWORD));
        }
        if path == "garbage/" {
            rejects(
                auth.sign_up(js(r#"{"username":"x","password":"Y-passw0rd!"}"#)),
                name,
            )
            .await;
            rejects(auth.reset_password(js(r#"{"username":"x"}"#)), name).await;
        }
    }

    // A custom storage that answers with something other than a string.
    let store = js("{}");
    let number = Closure::<dyn Fn(JsValue) -> JsValue>::new(|_| JsValue::from(7)).into_js_value();
    let noop = Closure::<dyn Fn(JsValue)>::new(|_| ()).into_js_value();
    Reflect::set(&store, &"getItem".into(), &number).unwrap();
    Reflect::set(&store, &"setItem".into(), &noop).unwrap();
    Reflect::set(&store, &"removeItem".into(), &noop).unwrap();
    let cfg = config("memory", "");
    Reflect::set(&cfg, &"storage".into(), &store).unwrap();
    let auth = Auth::new(cfg).unwrap();
    rejects(auth.fetch_auth_session(JsValue::UNDEFINED), "StorageError").await;
    rejects(auth.get_current_user(), "StorageError").await;

    // The module still works afterwards (a panic would have poisoned it).
    let fine = auth_ok().await;
    ok(fine.sign_out(JsValue::UNDEFINED)).await;
}

async fn auth_ok() -> Auth {
    let a = auth("memory");
    sign_in_demo(&a).await;
    a
}

#[wasm_bindgen_test]
async fn complete_redirect_on_load_from_rust_finishes_the_callback_once_and_cleans_the_url() {
    use cognito_core::oauth::OAuthConfig;
    use cognito_core::types::{ClientId, UserPoolId};
    use cognito_core::wire::ClientConfig;
    let _turn = one_at_a_time().await;
    let base = endpoint().trim_end_matches('/');
    let client_id = ClientId::new(CLIENT_ID);
    let config = cognito_client::Config::new(
        ClientConfig::new(UserPoolId::parse(POOL_ID).unwrap(), client_id.clone())
            .with_endpoint(endpoint())
            .unwrap(),
    )
    .with_oauth(
        OAuthConfig::new(base, client_id, "http://localhost:8080/")
            .unwrap()
            .with_scopes(["openid", "email"]),
    );
    // As the Leptos demo builds it: no JS constructor, so nothing ran on construction.
    let auth = Auth::with_config(config, cognito_wasm::StorageChoice::Memory).unwrap();
    assert!(
        auth.complete_redirect_on_load().is_none(),
        "not a callback page"
    );
    let url = ok(auth.sign_in_with_redirect(js(r#"{"navigate":false,"customState":"/notes/7"}"#)))
        .await
        .as_string()
        .unwrap();
    let callback = hosted_ui_login(&url, DEMO_USER, DEMO_PASSWORD).await;
    let query = callback.split_once('?').map(|(_, q)| q).unwrap().to_owned();

    let window = web_sys::window().unwrap();
    let original = window.location().href().unwrap();
    let history = window.history().unwrap();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&format!("?tab=2&{query}")))
        .unwrap();
    let events = record(&auth, &["signInWithRedirect", "signedIn"]);
    let done = auth.complete_redirect_on_load();
    let search = window.location().search().unwrap();
    let again = auth.complete_redirect_on_load().is_some();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&original))
        .unwrap();
    assert_eq!(search, "?tab=2", "cleaned before the future is polled");
    assert!(!again, "the cleaned page is no callback any more");
    let out = done
        .expect("a callback for a pending sign-in")
        .await
        .unwrap();
    assert_eq!(out.username, DEMO_USER);
    assert_eq!(out.custom_state.as_deref(), Some("/notes/7"));
    assert_eq!(*events.borrow(), ["signInWithRedirect", "signedIn"]);
    ok(auth.sign_out(js(r#"{"navigate":false}"#))).await;
}

#[wasm_bindgen_test]
async fn another_tabs_sign_in_fires_once_this_tab_can_read_the_session() {
    let _turn = one_at_a_time().await;
    let stores = sharedStores();
    let with_store = |store: &JsValue| {
        let cfg = config("memory", "");
        Reflect::set(&cfg, &"storage".into(), store).unwrap();
        Auth::new(cfg).unwrap()
    };
    let (a, b) = (
        with_store(&prop(&stores, "a")),
        with_store(&prop(&stores, "b")),
    );
    let lag = prop(&stores, "b.lag");
    // What B's listener sees: whether B's storage shows the user when signedIn fires.
    let seen: Rc<RefCell<Vec<bool>>> = Rc::default();
    {
        let (seen, lag) = (seen.clone(), lag.clone());
        let cb = Closure::<dyn Fn(JsValue)>::new(move |_: JsValue| {
            seen.borrow_mut()
                .push(prop(&lag, "hidden").as_f64() == Some(0.0));
        });
        b.on("signedIn", cb.into_js_value().unchecked_into())
            .unwrap();
    }
    Reflect::set(&lag, &"hidden".into(), &3.into()).unwrap();
    let started = js_sys::Date::now();
    sign_in_demo(&a).await;
    for _ in 0..40 {
        if !seen.borrow().is_empty() {
            break;
        }
        ok(sleep(50)).await;
    }
    let took = js_sys::Date::now() - started;
    assert_eq!(
        *seen.borrow(),
        [true],
        "signedIn once B can read the session"
    );
    assert!(took >= 250.0, "B read again, 100 ms apart: {took} ms");
    let user = ok(b.get_current_user()).await;
    assert_eq!(prop_str(&user, "username"), DEMO_USER);
    ok(a.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn start_up_leaves_session_storage_alone_until_a_redirect_sign_in_needs_it() {
    // The first touch of a Web Storage area is a synchronous trip to the browser process:
    // `new Auth()` on a page load that is no hosted-UI callback must not pay it for the
    // redirect state it does not read.
    let _turn = one_at_a_time().await;
    let base = endpoint().trim_end_matches('/');
    let oauth = format!(
        r#","oauth":{{"domain":"{base}","redirectSignIn":"http://localhost:8080/","scopes":["openid","email"]}}"#
    );
    let area = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    let keys = |a: &web_sys::Storage| -> Vec<String> {
        (0..a.length().unwrap())
            .filter_map(|i| a.key(i).unwrap())
            .collect()
    };
    let before = keys(&area);
    let counter = countStorage("sessionStorage");
    let count = || prop(&counter, "count").as_f64().unwrap();
    let auth = Auth::new(config("memory", &oauth)).unwrap();
    let at_start = count();
    // The redirect sign-in keeps its state there: the area is opened then.
    let url = JsFuture::from(auth.sign_in_with_redirect(js(r#"{"navigate":false}"#))).await;
    let after_redirect = count();
    let restore: Function = prop(&counter, "restore").unchecked_into();
    restore.call0(&JsValue::UNDEFINED).unwrap();
    // No sign-in left pending for the other tests of this page.
    for k in keys(&area) {
        if !before.contains(&k) {
            area.remove_item(&k).unwrap();
        }
    }
    assert!(url.is_ok(), "signInWithRedirect: {:?}", url.err());
    assert_eq!(at_start, 0.0, "new Auth() read sessionStorage");
    assert!(after_redirect > 0.0, "the redirect state went elsewhere");
}
