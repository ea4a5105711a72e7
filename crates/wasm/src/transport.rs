//! The HTTP transport: `fetch`, with an `AbortController` timeout.

use cognito_client::Transport;
use cognito_core::wire::{HttpRequest, HttpResponse};
use cognito_core::Error;
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::js::{describe, remember_cause};

// One JS function for the whole exchange: each `web-sys` call would be an import of its own
// (a shim in the module and in the glue), and `RequestInit`, `Headers`, `AbortController`,
// `Response` and the header iterator come to about twenty of them. Aborted with a reason,
// `fetch` rejects with it, so the rejection's `cause` says `TimeoutError` rather than a bare
// `AbortError`. The body is copied (`slice`): the bytes are a view into the module's memory.
// Kept short (no comments inside): it ships as it is written.
#[wasm_bindgen(
    inline_js = "export async function exchange(url, method, headers, body, ms) {
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
    /// `fetch(url, { method, headers, body, signal })`, aborted after `ms` milliseconds;
    /// resolves with `[status, body, name, value, name, value, ...]` once the whole body is
    /// in, rejects with what `fetch` or the body read threw.
    fn exchange(url: &str, method: &str, headers: Array, body: &[u8], ms: i32) -> Promise;
}

/// How long one request may take before it is aborted, by default.
pub const DEFAULT_TIMEOUT_MS: i32 = 30_000;

/// Sends requests with `fetch` (CORS mode, no credentials: Cognito needs no cookies), aborting
/// each after a timeout.
///
/// Every failure to get an HTTP answer (offline, DNS, CORS refused, the timeout, an abort, a
/// body cut short) is [`Error::Transport`], so the client keeps the tokens and reports
/// `NetworkError`. A 4xx/5xx is a response.
#[derive(Debug, Clone)]
pub struct FetchTransport {
    timeout_ms: i32,
}

impl Default for FetchTransport {
    fn default() -> Self {
        Self::new(DEFAULT_TIMEOUT_MS)
    }
}

impl FetchTransport {
    /// A transport aborting requests after `timeout_ms` milliseconds (at least 1).
    #[must_use]
    pub fn new(timeout_ms: i32) -> Self {
        Self {
            timeout_ms: timeout_ms.max(1),
        }
    }

    /// The timeout, in milliseconds.
    #[must_use]
    pub fn timeout_ms(&self) -> i32 {
        self.timeout_ms
    }

    async fn exchange(&self, req: HttpRequest) -> Result<HttpResponse, JsValue> {
        let headers = Array::new();
        for (name, value) in &req.headers {
            headers.push(&JsValue::from_str(name));
            headers.push(&JsValue::from_str(value));
        }
        let promise = exchange(
            &req.url,
            req.method.as_str(),
            headers,
            &req.body,
            self.timeout_ms,
        );
        let out: Array = JsFuture::from(promise).await?.unchecked_into();
        // A status is a whole number from 200 to 599 (fetch rejects the rest).
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let status = out.get(0).as_f64().unwrap_or(0.0) as u16;
        let body = out.get(1).unchecked_into::<Uint8Array>().to_vec();
        let mut headers = Vec::new();
        let mut i = 2;
        while i + 1 < out.length() {
            if let (Some(k), Some(v)) = (out.get(i).as_string(), out.get(i + 1).as_string()) {
                headers.push((k, v));
            }
            i += 2;
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

impl Transport for FetchTransport {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, Error> {
        let url = req.url.clone();
        self.exchange(req).await.map_err(|e| {
            let message = format!("{url}: {}", describe(&e));
            remember_cause(&message, e);
            Error::Transport(message)
        })
    }
}
