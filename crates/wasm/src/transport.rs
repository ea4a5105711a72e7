//! The HTTP transport: `fetch`, with an `AbortController` timeout.

use cognito_client::Transport;
use cognito_core::wire::{HttpRequest, HttpResponse};
use cognito_core::Error;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::js::{describe, exchange, remember_cause};

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
