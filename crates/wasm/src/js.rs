//! Small helpers between Rust values and JS values: reading input objects, building result
//! objects, and turning [`Error`] into a real JS `Error`.

use std::cell::RefCell;
use std::collections::VecDeque;

pub(crate) use cognito_core::error::quoted;
use cognito_core::Error;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A short rendering of a config value for an error message (`"abc"`, `-1`, `2.5`, `NaN`,
/// `an object`).
///
/// A number is rendered by JS (`Number.prototype.toString`), as the app wrote it: Rust's
/// `f64` formatting would cost the package about 14 KB (raw) for one error message.
pub(crate) fn describe_value(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        return quoted(&s);
    }
    if v.as_f64().is_some() {
        return v
            .unchecked_ref::<js_sys::Number>()
            .to_string_with_radix(10)
            .map_or_else(|_| "a number".to_owned(), String::from);
    }
    if let Some(b) = v.as_bool() {
        return if b { "true" } else { "false" }.to_owned();
    }
    "an object".to_owned()
}

/// A readable one-line description of a thrown JS value (`TypeError: Failed to fetch`).
pub(crate) fn describe(v: &JsValue) -> String {
    if let Some(e) = v.dyn_ref::<js_sys::Error>() {
        let name = String::from(e.name());
        let message = String::from(e.message());
        return format!("{name}: {message}");
    }
    if let Some(s) = v.as_string() {
        return s;
    }
    // A DOMException is not a js_sys::Error in every engine; read name/message by hand.
    let name = get(v, "name").as_string();
    let message = get(v, "message").as_string();
    match (name, message) {
        (Some(n), Some(m)) => format!("{n}: {m}"),
        (None, Some(m)) => m,
        (Some(n), None) => n,
        (None, None) => "unknown JavaScript error".to_owned(),
    }
}

// The package's own JS, in one module: each `web-sys` / `js-sys` call is an import of its own
// (a shim in the module and a function in the glue), so where several would do one job a few
// lines of JS are smaller. Kept without comments inside: it ships as it is written.
//
// - `exchange`: one `fetch` with its `AbortController` timeout (`FetchTransport`). Aborted
//   with a reason, `fetch` rejects with it, so the rejection's `cause` says `TimeoutError`
//   rather than a bare `AbortError`. The body is copied (`slice`): the bytes are a view into
//   the module's memory.
// - `jwt`: Amplify v6's `JWT` shape, `{ payload, toString() }`; the payload is base64url JSON
//   (strict UTF-8), and anything undecodable gives `{}`.
// - `href`, `origin`, `assign`, `forgetCallback`: the page's location, where there is a window
//   (none in a worker). `forgetCallback` removes the hosted UI's callback parameters from the
//   address bar and the history entry, ignoring failure.
#[wasm_bindgen(
    inline_js = "const win = () => (typeof window === 'undefined' ? undefined : window);
export const href = () => win()?.location.href;
export const origin = () => win()?.location.origin;
export function assign(url) {
  const w = win();
  if (w) w.location.assign(url);
  return !!w;
}
export function forgetCallback(href) {
  try {
    const u = new URL(href);
    for (const k of ['code', 'state', 'error', 'error_description']) u.searchParams.delete(k);
    win().history.replaceState(null, '', u.href);
  } catch {}
}
export function jwt(token) {
  let payload;
  try {
    const b = atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, ''));
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(b, (c) => c.charCodeAt(0))));
  } catch {}
  if (typeof payload !== 'object' || payload === null) payload = {};
  return { payload, toString() { return token; } };
}
export async function exchange(url, method, headers, body, ms) {
  const c = new AbortController(), reason = new Error(`no answer within ${ms} ms`);
  reason.name = 'TimeoutError';
  const timer = setTimeout(() => c.abort(reason), ms);
  try {
    const h = new Headers();
    for (let i = 0; i < headers.length; i += 2) h.append(headers[i], headers[i + 1]);
    const init = { method, headers: h, signal: c.signal };
    if (body.length) init.body = body.slice();
    const r = await fetch(url, init), out = [r.status, null];
    for (const [k, v] of r.headers) out.push(k, v);
    out[1] = new Uint8Array(await r.arrayBuffer());
    return out;
  } finally {
    clearTimeout(timer);
  }
}"
)]
extern "C" {
    /// The page's URL; `None` without a window.
    pub(crate) fn href() -> Option<String>;
    /// The page's origin; `None` without a window.
    pub(crate) fn origin() -> Option<String>;
    /// `location.assign(url)`: `false` without a window; an `Err` when the browser refuses.
    #[wasm_bindgen(catch)]
    pub(crate) fn assign(url: &str) -> Result<bool, JsValue>;
    /// Removes `code`, `state`, `error` and `error_description` from `href` in the address
    /// bar and the history entry (`history.replaceState`); a failure is ignored.
    #[wasm_bindgen(js_name = forgetCallback)]
    pub(crate) fn forget_callback(href: &str);
    /// `{ payload, toString() }` for a compact JWT.
    pub(crate) fn jwt(token: &str) -> JsValue;
    /// `fetch(url, { method, headers, body, signal })`, aborted after `ms` milliseconds;
    /// resolves with `[status, body, name, value, name, value, ...]` once the whole body is
    /// in, rejects with what `fetch` or the body read threw. `headers` is `[name, value, ...]`.
    pub(crate) fn exchange(
        url: &str,
        method: &str,
        headers: Array,
        body: &[u8],
        ms: i32,
    ) -> js_sys::Promise;
}

thread_local! {
    /// The JS values behind the latest transport and storage failures, by the message of the
    /// [`Error`] they became: core's error type carries text only (it is shared with native
    /// code), so the browser adapters leave the thrown value here and [`to_js_error`] puts it
    /// back as the rejection's `cause`. A few entries suffice: an error is converted right
    /// after it happens (as the rejection, and in a `tokenRefresh_failure` event).
    static CAUSES: RefCell<VecDeque<(String, JsValue)>> = const { RefCell::new(VecDeque::new()) };
}

/// How many thrown values [`remember_cause`] keeps.
const CAUSES_KEPT: usize = 8;

/// Keeps `thrown` as the `cause` of the error whose message is `message` (see `CAUSES`).
pub(crate) fn remember_cause(message: &str, thrown: JsValue) {
    CAUSES.with(|c| {
        let mut c = c.borrow_mut();
        c.retain(|(m, _)| m != message);
        if c.len() >= CAUSES_KEPT {
            c.pop_front();
        }
        c.push_back((message.to_owned(), thrown));
    });
}

fn recall_cause(message: &str) -> Option<JsValue> {
    CAUSES.with(|c| {
        c.borrow()
            .iter()
            .find(|(m, _)| m == message)
            .map(|(_, v)| v.clone())
    })
}

/// A JS `Error` named `name`.
fn error(name: &str, message: &str) -> js_sys::Error {
    let e = js_sys::Error::new(message);
    e.set_name(name);
    e
}

/// `thrown` as an `Error`: itself when it is one (a `TypeError`, a `DOMException`), else an
/// `Error` describing it (a storage may throw a string).
fn as_error(thrown: JsValue) -> JsValue {
    let is_error_like =
        thrown.is_instance_of::<js_sys::Error>() || get(&thrown, "name").is_string();
    if is_error_like {
        thrown
    } else {
        error("Error", &describe(&thrown)).into()
    }
}

/// An `HttpError` cause: the HTTP answer behind a failure, with its status.
fn http_error(status: u16, message: &str) -> JsValue {
    let e = error("HttpError", message);
    set(&e, "httpStatusCode", &JsValue::from(status));
    e.into()
}

/// `HTTP <status>` at the start of a transport message (core's words for a 5xx that no
/// Cognito wrote), as a number.
fn leading_http_status(message: &str) -> Option<u16> {
    let rest = message.strip_prefix("HTTP ")?;
    rest.get(..3)?
        .parse()
        .ok()
        .filter(|s| (100..600).contains(s))
}

/// The failure underneath `e`, for the rejection's `cause`: what `fetch` or the storage threw,
/// or the HTTP answer of a service error. None of it carries a secret: the thrown values are
/// the browser's or the app's own, the rest is built from core's error, which keeps none.
fn cause(e: &Error) -> Option<JsValue> {
    match e {
        Error::Transport(m) => recall_cause(m)
            .map(as_error)
            .or_else(|| leading_http_status(m).map(|s| http_error(s, m))),
        Error::Storage(m) => recall_cause(m).map(as_error),
        Error::Service { code, status, .. } => Some(http_error(
            *status,
            &format!("HTTP {status} with error type {code}"),
        )),
        Error::OAuth {
            error: code,
            description,
        } => {
            let e = error("OAuthError", description.as_deref().unwrap_or(code));
            set(&e, "error", &JsValue::from_str(code));
            Some(e.into())
        }
        Error::Parse { what, reason, .. } => {
            Some(error("SyntaxError", &format!("{what}: {reason}")).into())
        }
        Error::Srp(srp) => Some(error("SrpError", &srp.to_string()).into()),
        _ => None,
    }
}

/// The JS `Error` a promise rejects with: `name` is [`Error::name`] (the Cognito exception
/// name, `NetworkError`, `InvalidStateError`, ...), `message` is readable and carries no
/// secret (core's errors keep none), `cause` is the failure underneath when there is one
/// (see `cause`), and `recoverySuggestion` says what to do where that helps.
pub(crate) fn to_js_error(e: &Error) -> JsValue {
    let message = match e {
        Error::Service { message, .. } if !message.is_empty() => message.clone(),
        other => other.to_string(),
    };
    let err = error(e.name(), &message);
    if let Some(c) = cause(e) {
        set(&err, "cause", &c);
    }
    if let Some(hint) = recovery_suggestion(e) {
        set(&err, "recoverySuggestion", &JsValue::from_str(hint));
    }
    err.into()
}

/// What the app (or its user) can do about `e`, in Amplify v6's spirit.
fn recovery_suggestion(e: &Error) -> Option<&'static str> {
    match e {
        Error::Transport(_) => Some(
            "Check the network connection and try again; the session is kept. If requests \
             time out on a slow link, raise the timeout option.",
        ),
        Error::NoSession(_) => Some("Sign in first."),
        Error::AlreadySignedIn => Some("Call signOut() before signing in again."),
        Error::Config(_) => Some("Check the configuration passed to new Auth()."),
        Error::Storage(_) => Some(
            "Check the storage option: the storage object threw or the browser refused access.",
        ),
        Error::InvalidState(_) => Some(
            "Start the step again (signIn() or signInWithRedirect()); a hosted-UI callback \
             can be used once, in the browser that started it.",
        ),
        Error::Parse { .. } => Some(
            "The answer was not Cognito's (a proxy or captive portal?); check the endpoint and \
             try again.",
        ),
        Error::OAuth { error, .. } => match error.as_str() {
            "invalid_grant" => Some("Sign in again with signInWithRedirect()."),
            "access_denied" => Some("The sign-in was cancelled or refused; start it again."),
            "server_error" | "temporarily_unavailable" => Some("Try again in a moment."),
            _ => None,
        },
        Error::Service { code, .. } => match code.as_str() {
            "UserNotConfirmedException" => Some(
                "Confirm the sign-up with confirmSignUp() (resendSignUpCode() sends a new code).",
            ),
            "PasswordResetRequiredException" => {
                Some("Reset the password with resetPassword() and confirmResetPassword().")
            }
            "CodeMismatchException" => Some("Check the code and enter it again."),
            "ExpiredCodeException" => Some("Ask for a new code and use it instead."),
            "UsernameExistsException" => Some("Sign in, or sign up with another username."),
            "InvalidPasswordException" => {
                Some("Choose a password that meets the user pool's password policy.")
            }
            "UserNotFoundException" => Some("Check the username, or sign up first."),
            "LimitExceededException"
            | "TooManyRequestsException"
            | "TooManyFailedAttemptsException" => Some("Wait a while before trying again."),
            "InternalErrorException" => Some("Try again in a moment."),
            _ => None,
        },
        _ => None,
    }
}

/// A `ConfigError` (thrown by the constructor).
pub(crate) fn config_error(message: impl Into<String>) -> Error {
    Error::Config(message.into())
}

/// `Reflect.get`, `undefined` when `target` is not an object or the getter throws.
pub(crate) fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `Reflect.set`, ignoring failure (only called on plain objects we made).
pub(crate) fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// A plain object from `(key, value)` pairs; `undefined` values are left out.
pub(crate) fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o: JsValue = Object::new().into();
    for (k, v) in pairs {
        if !v.is_undefined() {
            set(&o, k, v);
        }
    }
    o
}

/// A string array.
pub(crate) fn str_array<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> JsValue {
    items
        .into_iter()
        .map(|s| JsValue::from_str(s.as_ref()))
        .collect::<Array>()
        .into()
}

/// `Some(string)` or `undefined`.
pub(crate) fn opt_str(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// An optional string field: missing / `undefined` / `null` → `None`, another type → an
/// `InvalidArgumentError`.
pub(crate) fn opt_string(target: &JsValue, key: &str) -> Result<Option<String>, Error> {
    let v = get(target, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| Error::InvalidArgument(format!("{key} must be a string")))
}

/// A required string field.
pub(crate) fn req_string(target: &JsValue, key: &str) -> Result<String, Error> {
    opt_string(target, key)?.ok_or_else(|| Error::InvalidArgument(format!("{key} is required")))
}

/// An optional boolean field.
pub(crate) fn opt_bool(target: &JsValue, key: &str) -> Result<Option<bool>, Error> {
    let v = get(target, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_bool()
        .map(Some)
        .ok_or_else(|| Error::InvalidArgument(format!("{key} must be a boolean")))
}

/// An optional `Record<string, string>` field, as sorted pairs.
pub(crate) fn opt_string_map(
    target: &JsValue,
    key: &str,
) -> Result<Option<Vec<(String, String)>>, Error> {
    let v = get(target, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if !v.is_object() || Array::is_array(&v) {
        return Err(Error::InvalidArgument(format!(
            "{key} must be an object of strings"
        )));
    }
    let mut out = Vec::new();
    for entry in Object::entries(v.unchecked_ref::<Object>()).iter() {
        let pair: Array = entry.unchecked_into();
        let (Some(k), Some(val)) = (pair.get(0).as_string(), pair.get(1).as_string()) else {
            return Err(Error::InvalidArgument(format!(
                "{key} must be an object of strings"
            )));
        };
        out.push((k, val));
    }
    Ok(Some(out))
}

/// An optional `string[]` field.
pub(crate) fn opt_string_list(target: &JsValue, key: &str) -> Result<Option<Vec<String>>, Error> {
    let v = get(target, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if !Array::is_array(&v) {
        return Err(Error::InvalidArgument(format!(
            "{key} must be an array of strings"
        )));
    }
    let arr: Array = v.unchecked_into();
    arr.iter()
        .map(|s| {
            s.as_string()
                .ok_or_else(|| Error::InvalidArgument(format!("{key} must be an array of strings")))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
