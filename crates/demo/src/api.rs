//! The protected API (`crates/api`), called with the user's ID token.

use js_sys::{Array, Object, Reflect, JSON};
use leptos::prelude::Set;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, RequestMode, Response};

use crate::auth::{self, AuthCtx};
use crate::config;

/// A note, as `GET /notes` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// Its id.
    pub id: i64,
    /// The text.
    pub text: String,
    /// Unix seconds.
    pub created: i64,
}

/// Why a call failed, in plain words.
pub type ApiError = String;

fn js_err(what: &str) -> impl Fn(JsValue) -> ApiError + '_ {
    move |_| format!("The notes API could not be reached ({what}). Is it running?")
}

/// `method path` with `Authorization: Bearer <ID token>`; the session is refreshed first when
/// due. A 401 means the API does not accept the session: it is ended here, and the app goes
/// back to signed out.
async fn call(
    ctx: AuthCtx,
    method: &str,
    path: &str,
    body: Option<String>,
) -> Result<JsValue, ApiError> {
    let c = auth::client().map_err(|e| auth::friendly(&e))?;
    let session = c
        .fetch_auth_session(false)
        .await
        .map_err(|e| auth::friendly(&e))?;
    let token = session
        .tokens
        .as_ref()
        .and_then(|s| s.id_token())
        .map(|t| t.secret().to_owned())
        .ok_or_else(|| "You are signed out. Sign in again.".to_owned())?;
    let headers = Headers::new().map_err(js_err("headers"))?;
    headers
        .set("Authorization", &format!("Bearer {token}"))
        .map_err(js_err("headers"))?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_mode(RequestMode::Cors);
    if let Some(body) = body {
        headers
            .set("Content-Type", "application/json")
            .map_err(js_err("headers"))?;
        init.set_body(&JsValue::from_str(&body));
    }
    init.set_headers(&headers);
    let base = config::backend().map_err(|e| auth::friendly(&e))?.api_base;
    let url = format!("{base}{path}");
    let request = Request::new_with_str_and_init(&url, &init).map_err(js_err("request"))?;
    let window = web_sys::window().ok_or_else(|| "no window".to_owned())?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(js_err("network"))?
        .dyn_into()
        .map_err(js_err("response"))?;
    let status = response.status();
    let text = JsFuture::from(response.text().map_err(js_err("body"))?)
        .await
        .map_err(js_err("body"))?
        .as_string()
        .unwrap_or_default();
    match status {
        200..=299 => Ok(if text.is_empty() {
            JsValue::NULL
        } else {
            JSON::parse(&text).map_err(|_| "The notes API sent an unreadable answer.".to_owned())?
        }),
        401 => {
            let _ = auth::sign_out(ctx, false).await;
            ctx.notice.set(Some(
                "The API did not accept your session, so you were signed out. Please sign in again."
                    .into(),
            ));
            Err("Your session is no longer valid. Please sign in again.".into())
        }
        400 => Err(if text.trim().is_empty() {
            "The API refused the request.".into()
        } else {
            text.trim().to_owned()
        }),
        404 => Err("That note no longer exists.".into()),
        s => Err(format!("The notes API failed (HTTP {s}). Try again.")),
    }
}

fn field(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn note(v: &JsValue) -> Option<Note> {
    Some(Note {
        id: field(v, "id").as_f64()? as i64,
        text: field(v, "text").as_string()?,
        created: field(v, "created").as_f64().unwrap_or(0.0) as i64,
    })
}

/// `GET /notes`: the user's notes, newest first.
pub async fn list(ctx: AuthCtx) -> Result<Vec<Note>, ApiError> {
    let v = call(ctx, "GET", "/notes", None).await?;
    let mut notes: Vec<Note> = Array::from(&field(&v, "notes"))
        .iter()
        .filter_map(|n| note(&n))
        .collect();
    notes.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
    Ok(notes)
}

/// `POST /notes {"text"}`.
pub async fn add(ctx: AuthCtx, text: &str) -> Result<Note, ApiError> {
    let body = Object::new();
    Reflect::set(&body, &"text".into(), &JsValue::from_str(text))
        .map_err(|_| "cannot build the request".to_owned())?;
    let body = JSON::stringify(&body)
        .map_err(|_| "cannot build the request".to_owned())?
        .as_string()
        .unwrap_or_default();
    let v = call(ctx, "POST", "/notes", Some(body)).await?;
    note(&v).ok_or_else(|| "The notes API sent an unreadable answer.".into())
}

/// `DELETE /notes/{id}`.
pub async fn delete(ctx: AuthCtx, id: i64) -> Result<(), ApiError> {
    call(ctx, "DELETE", &format!("/notes/{id}"), None)
        .await
        .map(drop)
}
