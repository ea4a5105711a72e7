//! The clock, the random source, the event loop and the tab coordinator of the browser.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use cognito_client::lease::{self, Lease, LeaseAction};
use cognito_client::{
    Clock, Coordinator, LocalTask, MemoryCoordinator, MemoryGuard, Random, Scheduler,
    SessionChange, Tasks,
};
use cognito_core::Error;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{BroadcastChannel, MessageEvent};

use crate::js::{describe, get, remember_cause};
use crate::storage::WebStorage;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;

    /// The global `setTimeout` (a window's or a worker's), the one timer path of this file;
    /// `Err` where there is none (an odd embedding).
    #[wasm_bindgen(js_name = setTimeout, catch)]
    fn set_timeout(handler: &JsValue, ms: i32) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = setInterval)]
    fn set_interval(handler: &Function, ms: i32) -> JsValue;

    #[wasm_bindgen(js_name = clearInterval)]
    fn clear_interval(id: &JsValue);
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
    set_timeout(&resolve, 0)?;
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
        let _ = set_timeout(&callback, 0);
    }
}

/// Tabs of one origin acting as one: refreshes under a Web Lock, sign-in / sign-out / refresh
/// announced on a `BroadcastChannel` named after the app client. The messages are
/// [`SessionChange::to_message`]'s text: a refresh or sign-out carries fingerprints of the
/// sessions involved (never the tokens), so a tab whose `localStorage` shows the other's write
/// late waits for it (see [`cognito_client::Client::new`]).
///
/// # Without Web Locks
/// Where `navigator.locks` is missing (older Safari, some embedded web views, insecure
/// origins) the lock is a lease in `localStorage` under `cognito-wasm.lock.<name>`, by the
/// rules of [`cognito_client::lease`]: claimed, read back after a moment, renewed while held,
/// removed when done, taken over once expired (a tab closed mid-refresh). Waiters poll it.
/// Each coordinator first takes a lock of its own, so its overlapping calls queue in memory
/// and only one of them at a time competes for the lease. Without `localStorage` either, only
/// that lock of its own remains: calls in one client still refresh once, two tabs may not.
///
/// # Without `BroadcastChannel`
/// Other tabs are not told; each still reads the shared storage on every call, so it notices a
/// sign-out at its next call, without the event.
///
/// # Storage that is not shared
/// For `sessionStorage`, memory or anything else no other tab reads, [`WebCoordinator::isolated`]
/// has no channel and a lock of its own: announcing a sign-out to tabs whose sessions live
/// elsewhere would be wrong. A coordinator of tabs made [`over`](WebCoordinator::over) a
/// [`WebStorage`] acts the same way when that storage turned out unusable at its first use
/// (`localStorage` blocked); the decision is made then, once, so the locking never changes mode
/// under calls already waiting. A later failure (a full quota) keeps it coordinating: the other
/// tabs still read what this one wrote before.
#[derive(Debug)]
pub struct WebCoordinator {
    channel: Option<BroadcastChannel>,
    /// `Some` for a coordinator of tabs: Web Locks, else the storage lease under this owner id.
    shared: Option<String>,
    /// The store the tabs share, when it is Web Storage: shared only if it was usable at its
    /// first use.
    storage: Option<Rc<WebStorage>>,
    memory: MemoryCoordinator,
    on_message: RefCell<Option<MessageHandler>>,
}

type MessageHandler = Closure<dyn Fn(MessageEvent)>;

/// A lease owner id: unique enough between the tabs of one browser (not a secret).
fn owner_id() -> String {
    let mut bytes = [0u8; 12];
    if CryptoRandom.fill(&mut bytes).is_err() {
        for b in &mut bytes {
            // Only uniqueness matters here.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let r = (js_sys::Math::random() * 256.0) as u8;
            *b = r;
        }
    }
    cognito_srp::hex::encode(&bytes)
}

impl WebCoordinator {
    /// A coordinator for the tabs sharing a storage, and `channel_name`.
    #[must_use]
    pub fn new(channel_name: &str) -> Self {
        let channel = BroadcastChannel::new(channel_name).ok();
        Self {
            channel,
            shared: Some(owner_id()),
            storage: None,
            memory: MemoryCoordinator::new(),
            on_message: RefCell::new(None),
        }
    }

    /// A coordinator for a client whose storage nobody else reads: a lock of its own (its
    /// overlapping calls still refresh once), no broadcast.
    #[must_use]
    pub fn isolated() -> Self {
        Self {
            channel: None,
            shared: None,
            storage: None,
            memory: MemoryCoordinator::new(),
            on_message: RefCell::new(None),
        }
    }

    /// This coordinator, acting for the tabs only if `storage` was usable at its first use:
    /// the tabs share `localStorage`, and whether it is usable is known only then.
    #[must_use]
    pub fn over(mut self, storage: Rc<WebStorage>) -> Self {
        self.storage = Some(storage);
        self
    }

    /// The lease owner id while this coordinator acts for the tabs.
    fn owner(&self) -> Option<&str> {
        let usable = self.storage.as_ref().is_none_or(|s| s.was_usable());
        self.shared.as_deref().filter(|_| usable)
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
    /// The storage lease (after this coordinator's own lock).
    Lease {
        /// The lease (dropped first: fields drop in order).
        lease: LeaseGuard,
        /// Released after the lease, so this client's next call starts after it.
        own: MemoryGuard,
    },
    /// A lock of this coordinator (or page) only.
    Memory(MemoryGuard),
}

impl Drop for WebGuard {
    fn drop(&mut self) {
        if let WebGuard::WebLock { release } = self {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

/// `Date.now()` in milliseconds.
fn now_ms() -> i64 {
    // Date.now() is a whole number of milliseconds well inside i64.
    #[allow(clippy::cast_possible_truncation)]
    let ms = js_sys::Date::now() as i64;
    ms
}

/// Waits `ms` milliseconds (not at all without a timer: the caller then polls at once, as
/// natively without [`Tasks`]).
async fn sleep_ms(ms: i64) {
    let ms = i32::try_from(ms.clamp(0, i64::from(i32::MAX))).unwrap_or(i32::MAX);
    let (promise, resolve, _) = deferred();
    if set_timeout(&resolve, ms).is_err() {
        return;
    }
    let _ = JsFuture::from(promise).await;
}

/// Background work in the page: `spawn_local` and `setTimeout` (the client follows another
/// tab's sign-in with them, see [`cognito_client::Client::new`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserTasks;

impl Tasks for BrowserTasks {
    fn spawn(&self, task: LocalTask) {
        wasm_bindgen_futures::spawn_local(task);
    }
    fn sleep(&self, ms: u32) -> LocalTask {
        Box::pin(sleep_ms(i64::from(ms)))
    }
}

/// The `localStorage` of the page, when it is usable.
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Reads the key; an unreadable area reads as no lease.
fn read(area: &web_sys::Storage, key: &str) -> Option<String> {
    area.get_item(key).ok().flatten()
}

/// A held storage lease: renewed by a timer, removed on drop (if still ours).
pub struct LeaseGuard {
    area: web_sys::Storage,
    key: String,
    owner: String,
    timer: JsValue,
    _renew: Closure<dyn Fn()>,
}

impl std::fmt::Debug for LeaseGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaseGuard")
            .field("key", &self.key)
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

impl Drop for LeaseGuard {
    fn drop(&mut self) {
        clear_interval(&self.timer);
        if lease::holds(read(&self.area, &self.key).as_deref(), &self.owner) {
            let _ = self.area.remove_item(&self.key);
        }
    }
}

/// Takes the lease `name` in `area` for `owner` (see [`cognito_client::lease`]); `None` when
/// the area refuses the write (a full quota, storage blocked since the page loaded): then no
/// lease can be kept, and the caller goes on with its own lock only.
async fn storage_lease(area: web_sys::Storage, name: &str, owner: &str) -> Option<LeaseGuard> {
    let key = format!("cognito-wasm.lock.{name}");
    loop {
        let now = now_ms();
        match lease::next_action(read(&area, &key).as_deref(), owner, now) {
            LeaseAction::Wait(ms) => sleep_ms(ms).await,
            LeaseAction::Claim => {
                area.set_item(&key, &Lease::claim(owner, now).to_value())
                    .ok()?;
                sleep_ms(lease::LEASE_SETTLE_MS).await;
                if lease::holds(read(&area, &key).as_deref(), owner) {
                    break;
                }
            }
        }
    }
    let renew = {
        let (area, key, owner) = (area.clone(), key.clone(), owner.to_owned());
        Closure::<dyn Fn()>::new(move || {
            if lease::holds(read(&area, &key).as_deref(), &owner) {
                let _ = area.set_item(&key, &Lease::claim(&owner, now_ms()).to_value());
            }
        })
    };
    let every = i32::try_from(lease::LEASE_RENEW_MS).unwrap_or(i32::MAX);
    let timer = set_interval(renew.as_ref().unchecked_ref(), every);
    Some(LeaseGuard {
        area,
        key,
        owner: owner.to_owned(),
        timer,
        _renew: renew,
    })
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
        let Some(owner) = self.owner() else {
            return self.memory.lock(name).await.map(WebGuard::Memory);
        };
        if locks.is_object() {
            let guard = web_lock(&locks, name).await.map_err(|e| {
                let message = format!("navigator.locks.request failed: {}", describe(&e));
                remember_cause(&message, e);
                Error::Storage(message)
            })?;
            // The previous holder posted its announcement before releasing; the grant resolves
            // a promise (a microtask), the message is a task: one task's wait lets a message
            // already here be heard before the caller reads the storage.
            sleep_ms(0).await;
            return Ok(guard);
        }
        let own = self.memory.lock(name).await?;
        let lease = match local_storage() {
            Some(area) => storage_lease(area, name, owner).await,
            None => None,
        };
        Ok(match lease {
            Some(lease) => WebGuard::Lease { lease, own },
            None => WebGuard::Memory(own),
        })
    }

    fn publish(&self, change: &SessionChange) {
        if self.owner().is_none() {
            return;
        }
        if let Some(c) = &self.channel {
            let _ = c.post_message(&JsValue::from_str(&change.to_message()));
        }
    }

    fn set_listener(&self, listener: Box<dyn Fn(SessionChange)>) {
        let Some(channel) = &self.channel else {
            return;
        };
        let storage = self.storage.clone();
        let closure = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
            // Not about this client's sessions: they were never in the shared storage.
            if storage.as_ref().is_some_and(|s| !s.was_usable()) {
                return;
            }
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
