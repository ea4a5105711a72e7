//! What the client needs from the platform it runs on: one HTTP exchange, a key-value store,
//! the time, random bytes, a way to split CPU work into tasks ([`Scheduler`]) and, for several
//! clients sharing one store (browser tabs), a lock and a broadcast.
//!
//! None of the traits has a `Send` bound and none needs a runtime: the browser adapter
//! implements them with `fetch`, Web Storage, `Date.now()`, `crypto.getRandomValues`, Web
//! Locks and `BroadcastChannel`; the native tests with an in-process server and
//! [`MemoryCoordinator`].

use std::cell::{Cell, RefCell};
use std::future::{ready, Future};
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use cognito_core::storage::Storage;
use cognito_core::Error;

/// A string key-value store that may answer later: Amplify v6's `KeyValueStorageInterface`
/// (`getItem` returns a Promise) fits, and so does every synchronous [`Storage`]
/// (`localStorage`, [`cognito_core::storage::MemoryStorage`]) through the blanket impl, whose
/// futures are ready at once.
pub trait AsyncStorage {
    /// The value at `key`, or `None` (`getItem`).
    fn get_item(&self, key: &str) -> impl Future<Output = Result<Option<String>, Error>>;
    /// Stores `value` at `key` (`setItem`).
    fn set_item(&self, key: &str, value: &str) -> impl Future<Output = Result<(), Error>>;
    /// Removes `key`; a missing key is not an error (`removeItem`).
    fn remove_item(&self, key: &str) -> impl Future<Output = Result<(), Error>>;
}

impl<S: Storage + ?Sized> AsyncStorage for S {
    fn get_item(&self, key: &str) -> impl Future<Output = Result<Option<String>, Error>> {
        ready(self.get(key))
    }
    fn set_item(&self, key: &str, value: &str) -> impl Future<Output = Result<(), Error>> {
        ready(self.set(key, value))
    }
    fn remove_item(&self, key: &str) -> impl Future<Output = Result<(), Error>> {
        ready(self.remove(key))
    }
}

/// The wall clock, Unix seconds. Tests pass a manual one.
pub trait Clock {
    /// Seconds since 1970-01-01 UTC.
    fn now(&self) -> i64;
}

/// The system clock (`std::time`). Not for `wasm32-unknown-unknown`, where `std::time` has no
/// clock and panics: there, pass one that reads `Date.now()`.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

/// A clock that moves only when told to, shareable between clients.
#[derive(Debug, Default)]
pub struct ManualClock(Cell<i64>);

impl ManualClock {
    /// A clock showing `now`.
    #[must_use]
    pub fn new(now: i64) -> Self {
        Self(Cell::new(now))
    }
    /// Moves the clock by `secs`.
    pub fn advance(&self, secs: i64) {
        self.0.set(self.0.get().saturating_add(secs));
    }
    /// Sets the clock.
    pub fn set(&self, now: i64) {
        self.0.set(now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.get()
    }
}

/// A cryptographically secure random-number source (`crypto.getRandomValues`, the OS).
///
/// # Security
/// The bytes become the SRP ephemeral secret, the OAuth `state`, the nonce and the PKCE
/// verifier: they must come from a CSPRNG.
pub trait Random {
    /// Fills `dest` with random bytes.
    ///
    /// # Errors
    /// [`Error::Config`] (or any error) when no secure source is available; the client then
    /// refuses the operation rather than go on with weak randomness.
    fn fill(&self, dest: &mut [u8]) -> Result<(), Error>;
}

/// A boxed local future, as [`Tasks`] takes and gives them.
pub type LocalTask = Pin<Box<dyn Future<Output = ()>>>;

/// Running work on the platform's own event loop, for the little the client does unasked:
/// following another client's sign-in (see [`Client::new`](crate::Client::new)). The browser
/// adapter uses `spawn_local` and `setTimeout`; native code its runtime's local tasks.
///
/// Optional: a platform without it gets events from other clients as they arrive.
pub trait Tasks {
    /// Runs `task` to completion in the background, on this thread.
    fn spawn(&self, task: LocalTask);
    /// A future that completes after `ms` milliseconds.
    fn sleep(&self, ms: u32) -> LocalTask;
}

/// When the client's CPU-heavy work runs.
///
/// A sign-in's SRP work is three 3072-bit modular exponentiations (`A = g^a`, `g^x`, `S`) of a
/// few milliseconds each in wasm, and four times that on a slow phone. Run back to back in one
/// task they block a page's main thread for longer than the 50 ms that make a "long task"
/// (input waits, animations stall). So the client computes `A` ahead of time with
/// [`Scheduler::idle`] (see [`Config::srp_precompute`](crate::Config::srp_precompute)) and
/// calls [`Scheduler::yield_now`] before `g^x` and before each half of `S`, and before and after
/// an `A` it computes in the sign-in, so each piece is a task of its own.
///
/// The browser adapter implements it with `scheduler.yield()` / `setTimeout` and
/// `requestIdleCallback`; [`Inline`] (the default) does the work at once, which is right
/// wherever nothing else shares the thread (native code, tests).
pub trait Scheduler {
    /// Completes in a later task of the event loop, so that what follows runs as a task of its
    /// own and the page can handle input and paint in between.
    fn yield_now(&self) -> Pin<Box<dyn Future<Output = ()>>>;

    /// Runs `work` later, when the platform is idle. It may never run (the page is closed
    /// first); the client copes.
    fn idle(&self, work: Box<dyn FnOnce()>);
}

/// A [`Scheduler`] that never waits: [`Scheduler::yield_now`] is ready at once and
/// [`Scheduler::idle`] runs the work on the spot.
#[derive(Clone, Copy, Debug, Default)]
pub struct Inline;

impl Scheduler for Inline {
    fn yield_now(&self) -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(ready(()))
    }

    fn idle(&self, work: Box<dyn FnOnce()>) {
        work();
    }
}

/// A short fingerprint of a stored session: the first 8 bytes of SHA-256 over its username,
/// tokens and clock drift, in hex. It names one exact state of the stored session, so a client
/// can tell whether its storage already shows what another client announced, without the
/// tokens going over the broadcast: the tokens are high-entropy, so the fingerprint reveals
/// nothing of them. Two states differ in it whenever any of the keys a refresh writes differ
/// (a read that sees the new tokens but the old `clockDrift` does not match).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SessionMark(String);

/// Length of [`SessionMark`]'s text form (16 hex digits).
const MARK_LEN: usize = 16;

impl SessionMark {
    /// The fingerprint of `session`.
    #[must_use]
    pub fn of(session: &cognito_core::session::Session) -> Self {
        let drift = session.clock_drift().to_string();
        let fields: [&[u8]; 5] = [
            session.username().as_bytes(),
            session.access_token().secret().as_bytes(),
            session.id_token().map_or("", |t| t.secret()).as_bytes(),
            session
                .refresh_token()
                .map_or("", |t| t.secret())
                .as_bytes(),
            drift.as_bytes(),
        ];
        // Each part length-prefixed, so no two sessions share an encoding.
        let lens = fields.map(|f| (f.len() as u64).to_be_bytes());
        let mut parts: Vec<&[u8]> = Vec::with_capacity(2 * fields.len());
        for (len, field) in lens.iter().zip(fields) {
            parts.push(len);
            parts.push(field);
        }
        let digest = cognito_srp::sha256(&parts);
        Self(cognito_srp::hex::encode(&digest[..MARK_LEN / 2]))
    }

    /// The text form (16 lowercase hex digits).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Reads the text form; anything else is `None`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == MARK_LEN && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(text.to_owned()))
    }
}

/// A change another client of the same storage made, carried by [`Coordinator::publish`].
///
/// The marks say what the storage shows after the change, for a client whose storage shows
/// other clients' writes late (see [`Client::new`](crate::Client::new)). `None` where the
/// sender did not know (or an older version of this crate sent the message).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionChange {
    /// A user signed in (or signed in through the hosted UI).
    SignedIn {
        /// The username the tokens are stored under.
        username: String,
    },
    /// The user signed out, was deleted, or their session ended.
    SignedOut {
        /// The session that ended: the storage no longer holds it, and it must not be used.
        ended: Option<SessionMark>,
    },
    /// The tokens were refreshed and stored.
    TokenRefresh {
        /// The session the refresh replaced (its refresh token may be spent).
        replaced: Option<SessionMark>,
        /// The session stored now.
        current: Option<SessionMark>,
    },
}

impl SessionChange {
    /// A compact text form for a message channel: `signedIn:<username>`,
    /// `signedOut[:<ended>]`, `tokenRefresh[:<replaced>:<current>]`.
    #[must_use]
    pub fn to_message(&self) -> String {
        match self {
            SessionChange::SignedIn { username } => format!("signedIn:{username}"),
            SessionChange::SignedOut { ended: None } => "signedOut".to_owned(),
            SessionChange::SignedOut { ended: Some(m) } => format!("signedOut:{}", m.as_str()),
            SessionChange::TokenRefresh {
                replaced: Some(r),
                current: Some(c),
            } => format!("tokenRefresh:{}:{}", r.as_str(), c.as_str()),
            SessionChange::TokenRefresh { .. } => "tokenRefresh".to_owned(),
        }
    }

    /// Reads [`SessionChange::to_message`]'s form; anything else is `None` (messages come from
    /// other pages and are not trusted to be well-formed).
    #[must_use]
    pub fn from_message(message: &str) -> Option<Self> {
        match message {
            "signedOut" => Some(SessionChange::SignedOut { ended: None }),
            "tokenRefresh" => Some(SessionChange::TokenRefresh {
                replaced: None,
                current: None,
            }),
            m => {
                if let Some(rest) = m.strip_prefix("signedIn:") {
                    return (!rest.is_empty()).then(|| SessionChange::SignedIn {
                        username: rest.to_owned(),
                    });
                }
                if let Some(rest) = m.strip_prefix("signedOut:") {
                    return SessionMark::parse(rest)
                        .map(|m| SessionChange::SignedOut { ended: Some(m) });
                }
                let (r, c) = m.strip_prefix("tokenRefresh:")?.split_once(':')?;
                Some(SessionChange::TokenRefresh {
                    replaced: Some(SessionMark::parse(r)?),
                    current: Some(SessionMark::parse(c)?),
                })
            }
        }
    }
}

/// What several clients sharing one storage (tabs of one origin) use to act as one: an
/// exclusive named lock held around every refresh, so only one of them spends a refresh
/// token, and a broadcast of [`SessionChange`]s so each follows the others' sign-in and
/// sign-out.
///
/// The browser adapter implements it with Web Locks (`navigator.locks.request`) and
/// `BroadcastChannel`; [`MemoryCoordinator`] does it in memory for one client or for tests.
pub trait Coordinator {
    /// Held while the lock is; dropping it releases the lock.
    type Guard;

    /// Waits for the exclusive lock `name`, shared by every client of the same storage.
    ///
    /// # Errors
    /// Whatever stops the lock from being taken (the implementation's own failure).
    fn lock(&self, name: &str) -> impl Future<Output = Result<Self::Guard, Error>>;

    /// Tells every *other* client of the same storage about `change`.
    fn publish(&self, change: &SessionChange);

    /// Sets the function that receives what other clients publish. The client sets it once,
    /// when it is built.
    fn set_listener(&self, listener: Box<dyn Fn(SessionChange)>);
}

type Listener = Rc<dyn Fn(SessionChange)>;

#[derive(Default)]
struct Group {
    locks: RefCell<Locks>,
    members: RefCell<Vec<(u64, Weak<Member>)>>,
    next_id: Cell<u64>,
    next_waiter: Cell<u64>,
}

/// The locks by name: a list, since an app holds one or two names. (A `HashMap` brought
/// hashbrown and SipHash into the browser package, a `BTreeMap` of its own about 3 KB.)
#[derive(Default)]
struct Locks(Vec<(String, LockState)>);

impl Locks {
    fn get_mut(&mut self, name: &str) -> Option<&mut LockState> {
        self.0.iter_mut().find(|(n, _)| n == name).map(|(_, s)| s)
    }

    fn entry(&mut self, name: &str) -> &mut LockState {
        let at = match self.0.iter().position(|(n, _)| n == name) {
            Some(at) => at,
            None => {
                self.0.push((name.to_owned(), LockState::default()));
                self.0.len() - 1
            }
        };
        &mut self.0[at].1
    }
}

#[derive(Default)]
struct LockState {
    held: bool,
    /// One waker per waiting future (by its id), replaced when it is polled again.
    waiters: Vec<(u64, Waker)>,
}

#[derive(Default)]
struct Member {
    listener: RefCell<Option<Listener>>,
}

/// An in-memory [`Coordinator`]: every coordinator made by [`MemoryCoordinator::join`] from the
/// same one shares its locks and hears the others' broadcasts, as the tabs of one origin do.
///
/// A client built with its own `MemoryCoordinator::new()` still gets one refresh at a time
/// between its own overlapping calls.
pub struct MemoryCoordinator {
    group: Rc<Group>,
    id: u64,
    member: Rc<Member>,
}

impl std::fmt::Debug for MemoryCoordinator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryCoordinator")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Default for MemoryCoordinator {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryCoordinator {
    /// A coordinator in a group of its own.
    #[must_use]
    pub fn new() -> Self {
        Self::in_group(Rc::new(Group::default()))
    }

    /// Another member of this coordinator's group ("another tab").
    #[must_use]
    pub fn join(&self) -> Self {
        Self::in_group(self.group.clone())
    }

    fn in_group(group: Rc<Group>) -> Self {
        let id = group.next_id.get();
        group.next_id.set(id + 1);
        let member = Rc::new(Member::default());
        group
            .members
            .borrow_mut()
            .push((id, Rc::downgrade(&member)));
        Self { group, id, member }
    }
}

/// The guard of a [`MemoryCoordinator`] lock.
pub struct MemoryGuard {
    group: Rc<Group>,
    name: String,
}

impl std::fmt::Debug for MemoryGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryGuard")
            .field("name", &self.name)
            .finish()
    }
}

impl Drop for MemoryGuard {
    fn drop(&mut self) {
        let waiters = {
            let mut locks = self.group.locks.borrow_mut();
            match locks.get_mut(&self.name) {
                Some(state) => {
                    state.held = false;
                    std::mem::take(&mut state.waiters)
                }
                None => Vec::new(),
            }
        };
        // Every waiter polls again; the first one takes the lock, the others wait anew. Waking
        // all of them means a waiter whose future was dropped cannot strand the rest.
        for (_, w) in waiters {
            w.wake();
        }
    }
}

struct LockFuture {
    group: Rc<Group>,
    name: String,
    id: u64,
}

impl Future for LockFuture {
    type Output = Result<MemoryGuard, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut locks = self.group.locks.borrow_mut();
        let state = locks.entry(&self.name);
        if state.held {
            match state.waiters.iter_mut().find(|(id, _)| *id == self.id) {
                Some((_, w)) => w.clone_from(cx.waker()),
                None => state.waiters.push((self.id, cx.waker().clone())),
            }
            return Poll::Pending;
        }
        state.held = true;
        state.waiters.retain(|(id, _)| *id != self.id);
        drop(locks);
        Poll::Ready(Ok(MemoryGuard {
            group: self.group.clone(),
            name: self.name.clone(),
        }))
    }
}

impl Drop for LockFuture {
    fn drop(&mut self) {
        // A waiter that gives up leaves no waker behind.
        if let Ok(mut locks) = self.group.locks.try_borrow_mut() {
            if let Some(state) = locks.get_mut(&self.name) {
                state.waiters.retain(|(id, _)| *id != self.id);
            }
        }
    }
}

impl Coordinator for MemoryCoordinator {
    type Guard = MemoryGuard;

    fn lock(&self, name: &str) -> impl Future<Output = Result<MemoryGuard, Error>> {
        let id = self.group.next_waiter.get();
        self.group.next_waiter.set(id.wrapping_add(1));
        LockFuture {
            group: self.group.clone(),
            name: name.to_owned(),
            id,
        }
    }

    fn publish(&self, change: &SessionChange) {
        let listeners: Vec<Listener> = {
            let mut members = self.group.members.borrow_mut();
            members.retain(|(_, m)| m.strong_count() > 0);
            members
                .iter()
                .filter(|(id, _)| *id != self.id)
                .filter_map(|(_, m)| m.upgrade())
                .filter_map(|m| m.listener.borrow().clone())
                .collect()
        };
        for l in listeners {
            l(change.clone());
        }
    }

    fn set_listener(&self, listener: Box<dyn Fn(SessionChange)>) {
        *self.member.listener.borrow_mut() = Some(Rc::from(listener));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_junk_is_ignored() {
        let m = |c: char| SessionMark::parse(&c.to_string().repeat(16)).unwrap();
        for c in [
            SessionChange::SignedIn {
                username: "alice.b".into(),
            },
            SessionChange::SignedOut { ended: None },
            SessionChange::SignedOut {
                ended: Some(m('a')),
            },
            SessionChange::TokenRefresh {
                replaced: None,
                current: None,
            },
            SessionChange::TokenRefresh {
                replaced: Some(m('0')),
                current: Some(m('f')),
            },
        ] {
            assert_eq!(SessionChange::from_message(&c.to_message()), Some(c));
        }
        for junk in [
            "",
            "signedIn:",
            "signedin:x",
            "{}",
            "tokenRefresh ",
            "signedOut:",
            "signedOut:0123",
            "signedOut:0123456789ABCDEF",
            "tokenRefresh:0123456789abcdef",
            "tokenRefresh:0123456789abcdef:",
            "tokenRefresh:0123456789abcdef:0123456789abcdeg",
        ] {
            assert_eq!(SessionChange::from_message(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn publish_reaches_the_other_members_only() {
        let a = MemoryCoordinator::new();
        let b = a.join();
        let c = MemoryCoordinator::new();
        let seen: Rc<RefCell<Vec<(char, SessionChange)>>> = Rc::default();
        for (name, m) in [('a', &a), ('b', &b), ('c', &c)] {
            let seen = seen.clone();
            m.set_listener(Box::new(move |ch| seen.borrow_mut().push((name, ch))));
        }
        a.publish(&SessionChange::SignedOut { ended: None });
        assert_eq!(
            *seen.borrow(),
            vec![('b', SessionChange::SignedOut { ended: None })]
        );
    }

    #[test]
    fn the_lock_is_exclusive_across_members() {
        let a = MemoryCoordinator::new();
        let b = a.join();
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut first = Box::pin(a.lock("refresh"));
        let Poll::Ready(Ok(guard)) = first.as_mut().poll(&mut cx) else {
            unreachable!("a free lock is taken at once")
        };
        let mut second = Box::pin(b.lock("refresh"));
        assert!(second.as_mut().poll(&mut cx).is_pending());
        let mut other = Box::pin(b.lock("another"));
        assert!(matches!(other.as_mut().poll(&mut cx), Poll::Ready(Ok(_))));
        drop(guard);
        assert!(matches!(second.as_mut().poll(&mut cx), Poll::Ready(Ok(_))));
    }
}
