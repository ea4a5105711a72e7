//! The cognito-wasm demo: a Leptos (client-side rendered) app that signs users in with
//! `cognito-wasm`'s Rust API and calls a protected API with their ID token.
//!
//! `main` only mounts [`app::App`]; the pool, client and API it talks to are in [`config`].
//! Build and serve it with `trunk serve` (or `./scripts/demo.sh`, which starts everything).
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod auth;
#[cfg(target_arch = "wasm32")]
mod config;
// Pure (no browser API): also built natively, for its unit tests.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod errors;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod widgets;

#[cfg(target_arch = "wasm32")]
fn main() {
    leptos::mount::mount_to_body(app::App);
}

/// The app only runs in a browser; natively there is nothing to do.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("cognito-demo runs in the browser: build it with `trunk build` (see README)");
}
