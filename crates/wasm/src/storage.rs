//! Token storage: Web Storage with a memory fallback, an app's own JS object, or memory.
//!
//! The keys are core's (amazon-cognito-identity-js / Amplify v6 layout), so a session written
//! by those libraries in `localStorage` is picked up, and ours is read by them.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use cognito_client::AsyncStorage;
use cognito_core::storage::{MemoryStorage, Storage};
use cognito_core::Error;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::js::{describe, get, remember_cause};

/// Which Web Storage area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebStorageKind {
    /// `localStorage`: shared by the tabs of an origin, survives restarts.
    Local,
    /// `sessionStorage`: this tab only, gone when it closes.
    Session,
}

impl WebStorageKind {
    fn name(self) -> &'static str {
        match self {
            WebStorageKind::Local => "localStorage",
            WebStorageKind::Session => "sessionStorage",
        }
    }
}

/// `localStorage` or `sessionStorage`, falling back to memory (with one `console.warn`) when the
/// area is missing or throws: storage blocked by the browser's privacy settings, an opaque
/// origin, a full quota. A failure never reaches the caller, so a sign-in is never refused
/// because of storage; the session then lasts as long as the page.
///
/// The area is opened (and checked with a write) at the first read or write, not when the
/// store is made: the first touch of a Web Storage area in a page is a synchronous round trip
/// to the browser process: with it, the first `new Auth()` on a fresh page took 8 to 10 ms,
/// without it 4 ms (medians, headless Chromium; Amplify's `configure` touches no storage
/// either). An app reads the session soon anyway, so the cost moves to where it is needed.
///
/// After a failure every later read and write goes to memory (a half-written session in Web
/// Storage is never read back).
#[derive(Debug)]
pub struct WebStorage {
    kind: WebStorageKind,
    area: RefCell<Area>,
    /// The area passed its check at the first use (it may have failed later).
    usable: Cell<bool>,
    memory: MemoryStorage,
    warned: Cell<bool>,
}

/// Where a [`WebStorage`]'s reads and writes go.
#[derive(Debug, Clone)]
enum Area {
    /// Not used yet.
    Unopened,
    /// The Web Storage area, checked.
    Open(web_sys::Storage),
    /// Memory, for good.
    Memory,
}

impl WebStorage {
    /// `kind`, opened at its first use; see the type docs for the fallback.
    #[must_use]
    pub fn open(kind: WebStorageKind) -> Self {
        Self {
            kind,
            area: RefCell::new(Area::Unopened),
            usable: Cell::new(false),
            memory: MemoryStorage::new(),
            warned: Cell::new(false),
        }
    }

    /// A store that lives in memory only.
    #[must_use]
    pub fn memory() -> Self {
        Self {
            kind: WebStorageKind::Local,
            area: RefCell::new(Area::Memory),
            usable: Cell::new(false),
            memory: MemoryStorage::new(),
            warned: Cell::new(true),
        }
    }

    /// Whether reads and writes go to Web Storage (false after a fallback to memory); opens
    /// the area if it was not used yet.
    #[must_use]
    pub fn is_persistent(&self) -> bool {
        self.area().is_some()
    }

    /// Whether the area passed its check at its first use (opening it now if it was not used
    /// yet): false when it was unusable from the start, still true after a later failure
    /// (a full quota), when other tabs still read what this one wrote before.
    #[must_use]
    pub fn was_usable(&self) -> bool {
        let _ = self.area();
        self.usable.get()
    }

    /// The area, opened now if this is its first use; `None` once on memory.
    fn area(&self) -> Option<web_sys::Storage> {
        let current = self.area.borrow().clone();
        match current {
            Area::Open(area) => Some(area),
            Area::Memory => None,
            Area::Unopened => match Self::check(self.kind) {
                Ok(area) => {
                    *self.area.borrow_mut() = Area::Open(area.clone());
                    self.usable.set(true);
                    Some(area)
                }
                Err(why) => {
                    self.fall_back(&why);
                    None
                }
            },
        }
    }

    fn check(kind: WebStorageKind) -> Result<web_sys::Storage, String> {
        let window = web_sys::window().ok_or("no window (a worker?)")?;
        let area = match kind {
            WebStorageKind::Local => window.local_storage(),
            WebStorageKind::Session => window.session_storage(),
        }
        .map_err(|e| describe(&e))?
        .ok_or("not available")?;
        // Some browsers hand out an area that throws on the first write (private modes).
        let probe = "cognito-wasm.probe";
        area.set_item(probe, "1").map_err(|e| describe(&e))?;
        area.remove_item(probe).map_err(|e| describe(&e))?;
        Ok(area)
    }

    fn fall_back(&self, why: &str) {
        *self.area.borrow_mut() = Area::Memory;
        if !self.warned.replace(true) {
            web_sys::console::warn_1(&JsValue::from_str(&format!(
                "cognito-wasm: {} is unusable ({why}); keeping the session in memory for this page",
                self.kind.name()
            )));
        }
    }

    /// Runs `op` on the Web Storage area, or on memory once it has failed.
    fn with<R>(
        &self,
        op: impl Fn(&web_sys::Storage) -> Result<R, JsValue>,
        mem: impl Fn(&MemoryStorage) -> Result<R, Error>,
    ) -> Result<R, Error> {
        if let Some(area) = self.area() {
            match op(&area) {
                Ok(r) => return Ok(r),
                Err(e) => self.fall_back(&describe(&e)),
            }
        }
        mem(&self.memory)
    }
}

impl Storage for WebStorage {
    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        self.with(|a| a.get_item(key), |m| m.get(key))
    }
    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        self.with(|a| a.set_item(key, value), |m| m.set(key, value))
    }
    fn remove(&self, key: &str) -> Result<(), Error> {
        self.with(|a| a.remove_item(key), |m| m.remove(key))
    }
}

/// An app's own store: any object with `getItem(key)`, `setItem(key, value)` and
/// `removeItem(key)`, answering at once or with a Promise (Amplify v6's
/// `KeyValueStorageInterface`). A throw or a rejection is a `StorageError`.
#[derive(Debug, Clone)]
pub struct JsStorage {
    target: JsValue,
    get_item: Function,
    set_item: Function,
    remove_item: Function,
}

impl JsStorage {
    /// Wraps `target`.
    ///
    /// # Errors
    /// [`Error::Config`] when one of the three methods is missing.
    pub fn new(target: JsValue) -> Result<Self, Error> {
        let method = |name: &str| {
            get(&target, name).dyn_into::<Function>().map_err(|_| {
                Error::Config(format!(
                    "storage object has no {name}() method (it needs getItem, setItem, removeItem)"
                ))
            })
        };
        Ok(Self {
            get_item: method("getItem")?,
            set_item: method("setItem")?,
            remove_item: method("removeItem")?,
            target,
        })
    }

    async fn call(&self, f: &Function, args: &[&str]) -> Result<JsValue, Error> {
        let fail = |e: JsValue| {
            let message = format!("custom storage: {}", describe(&e));
            remember_cause(&message, e);
            Error::Storage(message)
        };
        let result = match args {
            [k] => f.call1(&self.target, &JsValue::from_str(k)),
            [k, v] => f.call2(&self.target, &JsValue::from_str(k), &JsValue::from_str(v)),
            _ => f.call0(&self.target),
        }
        .map_err(fail)?;
        if result.has_type::<Promise>() || get(&result, "then").is_function() {
            JsFuture::from(Promise::resolve(&result))
                .await
                .map_err(fail)
        } else {
            Ok(result)
        }
    }
}

impl AsyncStorage for JsStorage {
    async fn get_item(&self, key: &str) -> Result<Option<String>, Error> {
        let v = self.call(&self.get_item, &[key]).await?;
        if v.is_null() || v.is_undefined() {
            return Ok(None);
        }
        v.as_string().map(Some).ok_or_else(|| {
            Error::Storage(format!(
                "custom storage: getItem({}) did not return a string",
                crate::js::quoted(key)
            ))
        })
    }
    async fn set_item(&self, key: &str, value: &str) -> Result<(), Error> {
        self.call(&self.set_item, &[key, value]).await.map(drop)
    }
    async fn remove_item(&self, key: &str) -> Result<(), Error> {
        self.call(&self.remove_item, &[key]).await.map(drop)
    }
}

/// The token store an [`Auth`](crate::Auth) uses.
#[derive(Debug, Clone)]
pub enum BrowserStorage {
    /// Web Storage or memory.
    Web(Rc<WebStorage>),
    /// An app's object.
    Js(JsStorage),
}

impl AsyncStorage for BrowserStorage {
    async fn get_item(&self, key: &str) -> Result<Option<String>, Error> {
        match self {
            BrowserStorage::Web(s) => s.get(key),
            BrowserStorage::Js(s) => s.get_item(key).await,
        }
    }
    async fn set_item(&self, key: &str, value: &str) -> Result<(), Error> {
        match self {
            BrowserStorage::Web(s) => s.set(key, value),
            BrowserStorage::Js(s) => s.set_item(key, value).await,
        }
    }
    async fn remove_item(&self, key: &str) -> Result<(), Error> {
        match self {
            BrowserStorage::Web(s) => s.remove(key),
            BrowserStorage::Js(s) => s.remove_item(key).await,
        }
    }
}
