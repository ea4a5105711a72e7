//! The HTTP transport: `fetch`, with an `AbortController` timeout.

use cognito_client::Transport;
use cognito_core::wire::{HttpRequest, HttpResponse};
use cognito_core::Error;
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

use crate::js::{describe, remember_cause};

#[wasm_bindgen]
extern "C" {
    /// `globalThis.fetch`: a window's or a worker's.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Promise;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: i32) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
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
        let init = RequestInit::new();
        init.set_method(req.method.as_str());
        let headers = Headers::new()?;
        for (name, value) in &req.headers {
            headers.append(name, value)?;
        }
        init.set_headers(&headers);
        if !req.body.is_empty() {
            init.set_body(&Uint8Array::from(req.body.as_slice()));
        }
        let controller = AbortController::new()?;
        init.set_signal(Some(&controller.signal()));
        // Aborted with a reason, fetch rejects with it: the rejection's `cause` then says
        // "TimeoutError" rather than a bare AbortError.
        let reason = js_sys::Error::new(&format!("no answer within {} ms", self.timeout_ms));
        reason.set_name("TimeoutError");
        let abort = Closure::once_into_js(move || controller.abort_with_reason(&reason));
        let timer = set_timeout(abort.unchecked_ref(), self.timeout_ms);
        let result = async {
            let resp: Response = JsFuture::from(global_fetch(&req.url, &init))
                .await?
                .dyn_into()?;
            let mut headers = Vec::new();
            if let Some(iter) = js_sys::try_iter(&resp.headers())? {
                for pair in iter {
                    let pair: Array = pair?.dyn_into()?;
                    if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                        headers.push((k, v));
                    }
                }
            }
            let body = JsFuture::from(resp.array_buffer()?).await?;
            Ok(HttpResponse {
                status: resp.status(),
                headers,
                body: Uint8Array::new(&body).to_vec(),
            })
        }
        .await;
        clear_timeout(&timer);
        result
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
