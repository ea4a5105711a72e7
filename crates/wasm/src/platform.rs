//! The clock, the random source, the event loop and the tab coordinator of the browser.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

use cognito_client::{
    Clock, Coordinator, MemoryCoordinator, MemoryGuard, Random, Scheduler, SessionChange,
};
use cognito_core::Error;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{BroadcastChannel, MessageEvent};

use crate::js::{describe, get};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// `Date.now()`, in seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct DateClock;

impl Clock for DateClock {
    fn now(&self) -> i64 {
        // Date.now() is a whole number of milliseconds well inside i64.
        #[allow(clippy::cast_possible_truncation)]
        let secs = (js_sys::Date::now() / 1000.0).floor() as i64;
        secs
    }
}

/// `crypto.getRandomValues` (a CSPRNG in every browser and worker).
#[derive(Debug, Clone, Copy, Default)]
pub struct CryptoRandom;

impl Random for CryptoRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), Error> {
        // getRandomValues refuses more than 65536 bytes per call.
        for chunk in dest.chunks_mut(65_536) {
            get_random_values(chunk).map_err(|e| {
                Error::Config(format!(
                    "crypto.getRandomValues is unavailable: {}",
                    describe(&e)
                ))
            })?;
        }
        Ok(())
    }
}

/// The page's event loop, so that no SRP exponentiation shares a task with another.
///
/// - `yield_now`: `scheduler.yield()` where the browser has it (the continuation runs ahead
///   of other queued tasks), else a `setTimeout(…, 0)`: either way what follows runs in a
///   new task, after the page has had a turn at input and rendering.
/// - `idle`: `requestIdleCallback` with a 1-second timeout (so it runs even on a busy page),
///   else `setTimeout(…, 0)` (Safari before 18.2 has no `requestIdleCallback`).
///
/// Both read the global object, so they work in a worker as well as in a window.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventLoop;

/// How long an idle callback may wait for an idle period, in milliseconds.
const IDLE_TIMEOUT_MS: u32 = 1000;

/// `setTimeout(callback, 0)` on the global object.
fn set_timeout(callback: &JsValue) -> Result<(), JsValue> {
    let global = js_sys::global();
    let set: Function = get(&global, "setTimeout").dyn_into()?;
    set.call2(&global, callback, &JsValue::from(0))?;
    Ok(())
}

/// A promise that settles in a later task.
fn next_task() -> Result<Promise, JsValue> {
    let scheduler = get(&js_sys::global(), "scheduler");
    if let Ok(yield_fn) = get(&scheduler, "yield").dyn_into::<Function>() {
        if let Ok(p) = yield_fn
            .call0(&scheduler)
            .and_then(|p| p.dyn_into::<Promise>())
        {
            return Ok(p);
        }
    }
    let (promise, resolve, _) = deferred();
    set_timeout(&resolve)?;
    Ok(promise)
}

impl Scheduler for EventLoop {
    fn yield_now(&self) -> Pin<Box<dyn Future<Output = ()>>> {
        // Without a timer (an odd embedding) the work runs without yielding, as natively.
        let next = next_task().ok();
        Box::pin(async move {
            if let Some(p) = next {
                let _ = JsFuture::from(p).await;
            }
        })
    }

    fn idle(&self, work: Box<dyn FnOnce()>) {
        let callback = Closure::once_into_js(move |_deadline: JsValue| work());
        let global = js_sys::global();
        if let Ok(request) = get(&global, "requestIdleCallback").dyn_into::<Function>() {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &options,
                &JsValue::from_str("timeout"),
                &JsValue::from(IDLE_TIMEOUT_MS),
            );
            if request.call2(&global, &callback, &options).is_ok() {
                return;
            }
        }
        // Without either the ephemeral is not precomputed; the sign-in computes its own.
        let _ = set_timeout(&callback);
    }
}

/// Tabs of one origin acting as one: refreshes under a Web Lock, sign-in / sign-out / refresh
/// announced on a `BroadcastChannel` named after the app client.
///
/// # Without Web Locks
/// Where `navigator.locks` is missing (old browsers, some embedded web views, insecure origins)
/// the lock is held in memory, shared by every [`WebCoordinator`] of this page: calls in one
/// tab still refresh once, and the client still re-reads the storage under the lock, but two
/// tabs may refresh at the same moment. Without refresh-token rotation that is harmless (both
/// get valid tokens); with rotation one of them may send a token the other just spent, and
/// Cognito refuses it, which ends the session. A storage-based lock for that case is not done yet.
///
/// # Without `BroadcastChannel`
/// Other tabs are not told; each still reads the shared storage on every call, so it notices a
/// sign-out at its next call, without the event.
///
/// # Storage that is not shared
/// For `sessionStorage`, memory or anything else no other tab reads, [`WebCoordinator::isolated`]
/// has no channel and a lock of its own: announcing a sign-out to tabs whose sessions live
/// elsewhere would be wrong.
#[derive(Debug)]
pub struct WebCoordinator {
    channel: Option<BroadcastChannel>,
    web_locks: bool,
    memory: MemoryCoordinator,
    on_message: RefCell<Option<MessageHandler>>,
}

type MessageHandler = Closure<dyn Fn(MessageEvent)>;

thread_local! {
    /// The in-page lock group of the no-Web-Locks fallback.
    static PAGE_LOCKS: MemoryCoordinator = MemoryCoordinator::new();
}

impl WebCoordinator {
    /// A coordinator for the tabs sharing a storage, and `channel_name`.
    #[must_use]
    pub fn new(channel_name: &str) -> Self {
        let channel = BroadcastChannel::new(channel_name).ok();
        Self {
            channel,
            web_locks: true,
            memory: PAGE_LOCKS.with(MemoryCoordinator::join),
            on_message: RefCell::new(None),
        }
    }

    /// A coordinator for a client whose storage nobody else reads: a lock of its own (its
    /// overlapping calls still refresh once), no broadcast.
    #[must_use]
    pub fn isolated() -> Self {
        Self {
            channel: None,
            web_locks: false,
            memory: MemoryCoordinator::new(),
            on_message: RefCell::new(None),
        }
    }

    /// Whether `navigator.locks` is present.
    #[must_use]
    pub fn has_web_locks() -> bool {
        get(&get(&js_sys::global(), "navigator"), "locks").is_object()
    }
}

impl Drop for WebCoordinator {
    fn drop(&mut self) {
        if let Some(c) = &self.channel {
            c.set_onmessage(None);
            c.close();
        }
    }
}

/// Held while a lock is.
#[derive(Debug)]
pub enum WebGuard {
    /// A Web Lock: resolving `release` ends the callback's promise, which releases the lock.
    WebLock {
        /// Resolves the promise the lock callback returned.
        release: Function,
    },
    /// The in-page fallback.
    Memory(MemoryGuard),
}

impl Drop for WebGuard {
    fn drop(&mut self) {
        if let WebGuard::WebLock { release } = self {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

/// A promise and its resolve / reject functions.
fn deferred() -> (Promise, Function, Function) {
    let mut slots: Option<(Function, Function)> = None;
    let promise = Promise::new(&mut |resolve, reject| slots = Some((resolve, reject)));
    // The executor runs synchronously inside `new Promise`, so the slots are always set.
    let (resolve, reject) = slots.unwrap_or_else(|| {
        (
            JsValue::UNDEFINED.unchecked_into(),
            JsValue::UNDEFINED.unchecked_into(),
        )
    });
    (promise, resolve, reject)
}

async fn web_lock(locks: &JsValue, name: &str) -> Result<WebGuard, JsValue> {
    let request: Function = get(locks, "request").dyn_into()?;
    let (acquired, on_acquired, on_failed) = deferred();
    let (held, release, _) = deferred();
    // locks.request(name, cb): the lock is held until the promise cb returns settles.
    let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        let _ = on_acquired.call0(&JsValue::UNDEFINED);
        held.into()
    });
    let done: Promise = request
        .call2(locks, &JsValue::from_str(name), &callback)?
        .dyn_into()?;
    // If the request fails (e.g. a SecurityError) the callback never runs: reject `acquired`.
    let on_error = Closure::once_into_js(move |e: JsValue| {
        let _ = on_failed.call1(&JsValue::UNDEFINED, &e);
    });
    let catch: Function = get(&done, "catch").dyn_into()?;
    catch.call1(&done, &on_error)?;
    JsFuture::from(acquired).await?;
    Ok(WebGuard::WebLock { release })
}

impl Coordinator for WebCoordinator {
    type Guard = WebGuard;

    async fn lock(&self, name: &str) -> Result<WebGuard, Error> {
        let locks = get(&get(&js_sys::global(), "navigator"), "locks");
        if self.web_locks && locks.is_object() {
            return web_lock(&locks, name).await.map_err(|e| {
                Error::Storage(format!("navigator.locks.request failed: {}", describe(&e)))
            });
        }
        self.memory.lock(name).await.map(WebGuard::Memory)
    }

    fn publish(&self, change: &SessionChange) {
        if let Some(c) = &self.channel {
            let _ = c.post_message(&JsValue::from_str(&change.to_message()));
        }
    }

    fn set_listener(&self, listener: Box<dyn Fn(SessionChange)>) {
        let Some(channel) = &self.channel else {
            return;
        };
        let closure = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
            // Messages come from other pages of the origin: anything unexpected is ignored.
            if let Some(change) = ev
                .data()
                .as_string()
                .and_then(|m| SessionChange::from_message(&m))
            {
                listener(change);
            }
        });
        channel.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        *self.on_message.borrow_mut() = Some(closure);
    }
}
