//! Two tabs over a storage that shows each tab's writes to the other one late, as Chromium's
//! `localStorage` does between renderer processes, with refresh-token rotation on: a tab must
//! never spend a refresh token the other has already spent (Cognito refuses it, and the
//! session would be cleared for nothing), nor hand out a session the other signed out.
//!
//! Time is tokio's paused clock: a write reaches the other tab `LAG_MS` after it was made,
//! and the client's catch-up sleeps are tokio sleeps, so the waits are real waits on a clock
//! that the runtime moves on whenever everything is idle.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use cognito_client::{
    AuthEvent, Client, Clock, Coordinator, LocalTask, MemoryCoordinator, Platform, SessionChange,
    Tasks, CATCH_UP_ATTEMPTS, CATCH_UP_INTERVAL_MS,
};
use cognito_core::signout::SignOutOptions;
use cognito_core::storage::{MemoryStorage, Storage};
use cognito_core::Error;
use common::*;
use tokio::time::Instant;

/// How late a tab's write shows in the other tab.
const LAG_MS: u64 = 300;

enum Op {
    Set(String, String),
    Remove(String),
}

/// One tab's view of the shared storage: its own writes at once, the other tabs' after
/// `LAG_MS`, in the order they were made.
struct View {
    mine: MemoryStorage,
    inbox: RefCell<VecDeque<(Instant, Op)>>,
}

#[derive(Clone)]
struct LaggingStore {
    me: Rc<View>,
    all: Rc<RefCell<Vec<Rc<View>>>>,
    /// Extra lag of `clockDrift` writes (and, as writes arrive in order, of what follows
    /// them): another tab then sees a refresh half-written, the new tokens with the old drift.
    drift_lag_ms: Rc<Cell<u64>>,
}

impl LaggingStore {
    fn new() -> Self {
        let me = Rc::new(View {
            mine: MemoryStorage::new(),
            inbox: RefCell::default(),
        });
        Self {
            all: Rc::new(RefCell::new(vec![me.clone()])),
            me,
            drift_lag_ms: Rc::default(),
        }
    }

    /// Another tab's view of the same storage (starting empty: join before any write).
    fn join(&self) -> Self {
        let me = Rc::new(View {
            mine: MemoryStorage::new(),
            inbox: RefCell::default(),
        });
        self.all.borrow_mut().push(me.clone());
        Self {
            me,
            all: self.all.clone(),
            drift_lag_ms: self.drift_lag_ms.clone(),
        }
    }

    fn deliver(&self) {
        let now = Instant::now();
        let mut inbox = self.me.inbox.borrow_mut();
        while inbox.front().is_some_and(|(due, _)| *due <= now) {
            let Some((_, op)) = inbox.pop_front() else {
                break;
            };
            let _ = match op {
                Op::Set(k, v) => self.me.mine.set(&k, &v),
                Op::Remove(k) => self.me.mine.remove(&k),
            };
        }
    }

    fn send(&self, key: &str, op: impl Fn() -> Op) {
        let extra = if key.ends_with(".clockDrift") {
            self.drift_lag_ms.get()
        } else {
            0
        };
        let due = Instant::now() + Duration::from_millis(LAG_MS + extra);
        for view in self.all.borrow().iter() {
            if !Rc::ptr_eq(view, &self.me) {
                view.inbox.borrow_mut().push_back((due, op()));
            }
        }
    }
}

impl Storage for LaggingStore {
    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        self.deliver();
        self.me.mine.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        self.deliver();
        self.send(key, || Op::Set(key.to_owned(), value.to_owned()));
        self.me.mine.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), Error> {
        self.deliver();
        self.send(key, || Op::Remove(key.to_owned()));
        self.me.mine.remove(key)
    }
}

/// Tokio local tasks and tokio sleeps.
struct TokioTasks;

impl Tasks for TokioTasks {
    fn spawn(&self, task: LocalTask) {
        tokio::task::spawn_local(task);
    }
    fn sleep(&self, ms: u32) -> LocalTask {
        Box::pin(tokio::time::sleep(Duration::from_millis(u64::from(ms))))
    }
}

/// A tab that shares the refresh lock but hears no announcement (they all come too late).
struct Deaf(MemoryCoordinator);

impl Coordinator for Deaf {
    type Guard = <MemoryCoordinator as Coordinator>::Guard;
    fn lock(&self, name: &str) -> impl std::future::Future<Output = Result<Self::Guard, Error>> {
        self.0.lock(name)
    }
    fn publish(&self, change: &SessionChange) {
        self.0.publish(change);
    }
    fn set_listener(&self, _listener: Box<dyn Fn(SessionChange)>) {}
}

type Tab<K> = Client<InProcess, LaggingStore, K>;

fn tab<K: Coordinator + 'static>(local: &Rc<Local>, store: LaggingStore, coordinator: K) -> Tab<K> {
    tab_with_clock(
        local,
        store,
        coordinator,
        Rc::new(ServerClock(local.clone())),
    )
}

fn tab_with_clock<K: Coordinator + 'static>(
    local: &Rc<Local>,
    store: LaggingStore,
    coordinator: K,
    clock: Rc<dyn Clock>,
) -> Tab<K> {
    let platform = Platform::new(InProcess(local.clone()), store, clock, Rc::new(OsRandom))
        .with_coordinator(coordinator)
        .with_tasks(Rc::new(TokioTasks));
    Client::new(spa_config(), platform)
}

fn events<K: Coordinator>(client: &Tab<K>) -> Rc<RefCell<Vec<String>>> {
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let s = seen.clone();
    // The subscription lives as long as the client's listeners: dropping it does not
    // unsubscribe.
    let _sub = client.listen(move |e: &AuthEvent<'_>| s.borrow_mut().push(e.name().to_owned()));
    seen
}

async fn lag_passes() {
    tokio::time::sleep(Duration::from_millis(LAG_MS + 50)).await;
}

/// A signed in on a rotating client with 300-second tokens, B's storage showing it by now.
async fn setup() -> (Rc<Local>, LaggingStore, LaggingStore) {
    let local = Local::with_client_settings(true, 300);
    seed_user(&local, "lag", "lag@example.com").await;
    let a_store = LaggingStore::new();
    let b_store = a_store.join();
    (local, a_store, b_store)
}

async fn run(test: impl std::future::Future<Output = ()>) {
    tokio::task::LocalSet::new().run_until(test).await;
}

#[tokio::test(start_paused = true)]
async fn a_tab_that_reads_a_refresh_late_waits_for_it_instead_of_spending_the_token_again() {
    run(async {
        let (local, a_store, b_store) = setup().await;
        let group = MemoryCoordinator::new();
        let b = tab(&local, b_store.clone(), group.join());
        let a = tab(&local, a_store.clone(), group);
        let (a_events, b_events) = (events(&a), events(&b));
        a.sign_in(with_password("lag")).await.unwrap();
        lag_passes().await;
        assert_eq!(b.get_current_user().await.unwrap().username, "lag");

        for round in 0..3 {
            local.advance(301);
            let before = local.refreshes();
            // A refreshes first; B takes the lock right after, while its storage still shows
            // the session A just replaced (and A's spent refresh token).
            let (ra, rb) = tokio::join!(a.fetch_auth_session(false), b.fetch_auth_session(false));
            let (sa, sb) = (ra.unwrap().tokens.unwrap(), rb.unwrap().tokens.unwrap());
            assert_eq!(local.refreshes() - before, 1, "round {round}: one refresh");
            assert_eq!(
                sa.access_token().secret(),
                sb.access_token().secret(),
                "round {round}: B took A's tokens"
            );
            assert!(sb.is_valid(local.now()));
            lag_passes().await;
        }
        for (who, events) in [("A", &a_events), ("B", &b_events)] {
            let bad: Vec<_> = events
                .borrow()
                .iter()
                .filter(|e| e.ends_with("_failure") || *e == "signedOut")
                .cloned()
                .collect();
            assert!(bad.is_empty(), "{who}: {bad:?}");
        }
        // The session survived in both views.
        for store in [&a_store, &b_store] {
            assert!(store
                .get(&format!(
                    "CognitoIdentityServiceProvider.{SPA}.LastAuthUser"
                ))
                .unwrap()
                .is_some());
        }
        assert!(a.fetch_auth_session(true).await.unwrap().tokens.is_some());
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_refresh_refused_for_a_token_another_tab_spent_adopts_that_tabs_session() {
    run(async {
        let (local, a_store, b_store) = setup().await;
        let group = MemoryCoordinator::new();
        // B hears nothing from A in time: only the storage can tell it A refreshed.
        let b = tab(&local, b_store, Deaf(group.join()));
        let a = tab(&local, a_store, group);
        let b_events = events(&b);
        a.sign_in(with_password("lag")).await.unwrap();
        lag_passes().await;

        local.advance(301);
        let before = local.refreshes();
        let (ra, rb) = tokio::join!(a.fetch_auth_session(false), b.fetch_auth_session(false));
        let (sa, sb) = (ra.unwrap().tokens.unwrap(), rb.unwrap().tokens.unwrap());
        assert_eq!(
            local.refreshes() - before,
            2,
            "B sent the spent token (it could not know better): {:?}",
            local.log.borrow()
        );
        assert_eq!(
            sa.refresh_token().unwrap().secret(),
            sb.refresh_token().unwrap().secret(),
            "B adopted the session A stored"
        );
        assert!(sb.is_valid(local.now()));
        assert!(
            !b_events.borrow().iter().any(|e| e == "signedOut"),
            "{:?}",
            b_events.borrow()
        );
        lag_passes().await;
        // Nothing was cleared: both tabs go on with the session, and it still refreshes.
        local.advance(301);
        assert!(a.fetch_auth_session(false).await.unwrap().tokens.is_some());
        lag_passes().await;
        assert!(b.fetch_auth_session(true).await.unwrap().tokens.is_some());
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_refresh_token_refused_while_still_stored_ends_the_session_after_a_bounded_wait() {
    run(async {
        let (local, a_store, _) = setup().await;
        let a = tab(&local, a_store.clone(), MemoryCoordinator::new());
        let a_events = events(&a);
        a.sign_in(with_password("lag")).await.unwrap();
        let session = tokens(&a, false).await;
        let (status, _) = local
            .call(
                "RevokeToken",
                serde_json::json!({
                    "ClientId": SPA,
                    "Token": session.refresh_token().unwrap().secret(),
                }),
            )
            .await;
        assert_eq!(status, 200);

        local.advance(301);
        let started = Instant::now();
        let result = a.fetch_auth_session(false).await.unwrap();
        assert!(result.tokens.is_none());
        let waited = started.elapsed();
        let bound =
            Duration::from_millis(u64::from(CATCH_UP_INTERVAL_MS * (CATCH_UP_ATTEMPTS - 1)));
        assert!(
            waited >= bound && waited < bound + Duration::from_millis(500),
            "{waited:?}"
        );
        assert_eq!(
            a_store
                .get(&format!(
                    "CognitoIdentityServiceProvider.{SPA}.LastAuthUser"
                ))
                .unwrap(),
            None,
            "cleared"
        );
        assert_eq!(
            *a_events.borrow(),
            ["signedIn", "tokenRefresh_failure", "signedOut"]
        );
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn after_another_tabs_sign_out_a_late_storage_does_not_hand_out_the_old_tokens() {
    run(async {
        let (local, a_store, b_store) = setup().await;
        let group = MemoryCoordinator::new();
        let b = tab(&local, b_store.clone(), group.join());
        let a = tab(&local, a_store, group);
        let b_events = events(&b);
        a.sign_in(with_password("lag")).await.unwrap();
        lag_passes().await;
        assert!(b.fetch_auth_session(false).await.unwrap().tokens.is_some());

        a.sign_out(SignOutOptions::default()).await.unwrap();
        assert_eq!(*b_events.borrow(), ["signedIn", "signedOut"]);
        // B's storage still holds the session A ended; the announcement wins.
        assert!(b_store
            .get(&format!(
                "CognitoIdentityServiceProvider.{SPA}.LastAuthUser"
            ))
            .unwrap()
            .is_some());
        assert!(b.fetch_auth_session(false).await.unwrap().tokens.is_none());
        assert!(b.fetch_auth_session(true).await.unwrap().tokens.is_none());
        assert_eq!(
            b.get_current_user().await.unwrap_err().name(),
            "NoSessionError"
        );
        lag_passes().await;
        assert!(b.fetch_auth_session(false).await.unwrap().tokens.is_none());
        // A new sign-in in B (once A's removals reached it) is its own, and counts.
        b.sign_in(with_password("lag")).await.unwrap();
        assert!(b.fetch_auth_session(false).await.unwrap().tokens.is_some());
        lag_passes().await;
        assert!(a.fetch_auth_session(false).await.unwrap().tokens.is_some());
    })
    .await;
}

/// The server's clock plus an offset: a device clock that is wrong.
struct SkewedClock {
    local: Rc<Local>,
    offset: Rc<Cell<i64>>,
}

impl Clock for SkewedClock {
    fn now(&self) -> i64 {
        self.local.now() + self.offset.get()
    }
}

#[tokio::test(start_paused = true)]
async fn a_refresh_seen_half_written_is_waited_for_not_refreshed_again() {
    // tests/web/tabs.test.mjs (once the clock-skew reproducer) natively: signed in with a right clock, then the device
    // clock jumps two hours ahead. A refreshes (its tokens look expired) and stores the new
    // tokens with a drift of -2 h; B, taking the lock next, sees the new tokens before their
    // drift: with the old drift (0) they look expired too.
    run(async {
        let (local, a_store, b_store) = setup().await;
        b_store.drift_lag_ms.set(200);
        let offset = Rc::new(Cell::new(0));
        let clock = || {
            Rc::new(SkewedClock {
                local: local.clone(),
                offset: offset.clone(),
            })
        };
        let group = MemoryCoordinator::new();
        let b = tab_with_clock(&local, b_store.clone(), group.join(), clock());
        let a = tab_with_clock(&local, a_store, group, clock());
        let b_events = events(&b);
        a.sign_in(with_password("lag")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(LAG_MS + 250)).await;
        assert!(b.fetch_auth_session(false).await.unwrap().tokens.is_some());

        offset.set(2 * 3600);
        let before = local.refreshes();
        let (ra, rb) = tokio::join!(a.fetch_auth_session(false), b.fetch_auth_session(false));
        let (sa, sb) = (ra.unwrap().tokens.unwrap(), rb.unwrap().tokens.unwrap());
        assert_eq!(local.refreshes() - before, 1, "{:?}", local.log.borrow());
        assert_eq!(sa.access_token().secret(), sb.access_token().secret());
        assert_eq!(sb.clock_drift(), sa.clock_drift(), "B waited for the drift");
        assert!(
            !b_events.borrow().iter().any(|e| e.ends_with("_failure")),
            "{:?}",
            b_events.borrow()
        );
    })
    .await;
}
