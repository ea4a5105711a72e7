//! The browser's [`EventLoop`] scheduler (the SRP work split into tasks, the ephemeral
//! precomputed when idle) and `srpPrecompute`, in headless Chromium via `tests/wasm/run.sh`.
#![cfg(target_arch = "wasm32")]
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::rc::Rc;

use cognito_client::Scheduler;
use cognito_wasm::{Auth, EventLoop};
use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = "
const saved = {};
// Hides a global (scheduler, requestIdleCallback) until restore(name).
export function hide(name) { saved[name] = globalThis[name]; globalThis[name] = undefined; }
export function restore(name) { globalThis[name] = saved[name]; }
// A flag that a setTimeout(…, 0) queued now sets.
export function timerFlag() { const f = { set: false }; setTimeout(() => { f.set = true; }, 0); return f; }
export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
")]
extern "C" {
    fn hide(name: &str);
    fn restore(name: &str);
    #[wasm_bindgen(js_name = timerFlag)]
    fn timer_flag() -> JsValue;
    fn sleep(ms: u32) -> js_sys::Promise;
}

fn flag_set(f: &JsValue) -> bool {
    Reflect::get(f, &JsValue::from_str("set")).unwrap() == JsValue::TRUE
}

#[wasm_bindgen_test]
async fn without_scheduler_yield_the_yield_is_a_timer_task() {
    hide("scheduler");
    let flag = timer_flag();
    EventLoop.yield_now().await;
    restore("scheduler");
    // A timer queued before the yield ran first: the continuation is a later task, not a
    // microtask of this one.
    assert!(flag_set(&flag));
}

#[wasm_bindgen_test]
async fn with_scheduler_yield_the_yield_is_not_immediate() {
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    let fut = EventLoop.yield_now();
    wasm_bindgen_futures::spawn_local(async move { r.set(true) });
    fut.await;
    // A task spawned after the yield began (it runs as a microtask) ran before it ended.
    assert!(ran.get());
}

#[wasm_bindgen_test]
async fn idle_work_runs_later_with_or_without_request_idle_callback() {
    for hidden in [false, true] {
        if hidden {
            hide("requestIdleCallback");
        }
        let ran = Rc::new(Cell::new(false));
        let r = ran.clone();
        EventLoop.idle(Box::new(move || r.set(true)));
        assert!(!ran.get(), "not on the spot (hidden: {hidden})");
        JsFuture::from(sleep(1200)).await.unwrap();
        if hidden {
            restore("requestIdleCallback");
        }
        assert!(ran.get(), "ran within the idle timeout (hidden: {hidden})");
    }
}

#[wasm_bindgen_test]
fn srp_precompute_must_be_a_boolean() {
    let bad = JSON::parse(
        r#"{"userPoolId":"us-east-1_LocalPool1","userPoolClientId":"c","storage":"memory","srpPrecompute":"yes"}"#,
    )
    .unwrap();
    let err = Auth::new(bad).expect_err("a string is refused");
    let name = Reflect::get(&err, &JsValue::from_str("name")).unwrap();
    assert_eq!(name.as_string().as_deref(), Some("ConfigError"));
    for on in ["true", "false"] {
        let good = JSON::parse(&format!(
            r#"{{"userPoolId":"us-east-1_LocalPool1","userPoolClientId":"c","storage":"memory","srpPrecompute":{on}}}"#
        ))
        .unwrap();
        assert!(Auth::new(good).is_ok(), "{on}");
    }
}
