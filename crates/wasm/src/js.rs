//! Small helpers between Rust values and JS values: reading input objects, building result
//! objects, and turning [`Error`] into a real JS `Error`.

use cognito_core::Error;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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

/// The JS `Error` a promise rejects with: `name` is [`Error::name`] (the Cognito exception
/// name, `NetworkError`, `InvalidStateError`, ...), `message` is readable and carries no
/// secret (core's errors keep none), and `recoverySuggestion` is set where one helps.
pub(crate) fn to_js_error(e: &Error) -> JsValue {
    let message = match e {
        Error::Service { message, .. } if !message.is_empty() => message.clone(),
        other => other.to_string(),
    };
    let err = js_sys::Error::new(&message);
    err.set_name(e.name());
    if let Some(hint) = recovery_suggestion(e) {
        set(&err, "recoverySuggestion", &JsValue::from_str(hint));
    }
    err.into()
}

fn recovery_suggestion(e: &Error) -> Option<&'static str> {
    match e {
        Error::Transport(_) => {
            Some("Check the network connection and try again; the session is kept.")
        }
        Error::NoSession(_) => Some("Sign in first."),
        Error::AlreadySignedIn => Some("Call signOut() before signing in again."),
        Error::Config(_) => Some("Check the configuration passed to new Auth()."),
        Error::Service { code, .. } => match code.as_str() {
            "UserNotConfirmedException" => Some("Confirm the sign-up with confirmSignUp()."),
            "PasswordResetRequiredException" => Some("Reset the password with resetPassword()."),
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
