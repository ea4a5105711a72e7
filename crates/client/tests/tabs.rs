//! "Two tabs": two clients over one storage and one coordinator group.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use cognito_client::{
    AuthEvent, Client, LocalTask, MemoryCoordinator, Platform, Tasks, FOLLOW_SIGN_IN_ATTEMPTS,
};
use cognito_core::signout::SignOutOptions;
use cognito_core::storage::{MemoryStorage, Storage};
use common::*;

struct Tabs {
    local: Rc<Local>,
    a: TestClient,
    b: TestClient,
    b_events: Rc<RefCell<Vec<String>>>,
}

async fn two_tabs(rotation: bool) -> Tabs {
    let local = Local::with_client_settings(rotation, 300);
    seed_user(&local, "tab", "tab@example.com").await;
    let storage = Rc::new(MemoryStorage::new());
    let group = MemoryCoordinator::new();
    let b_coordinator = group.join();
    let a = client_on(
        &local,
        spa_config(),
        InProcess(local.clone()),
        storage.clone(),
        group,
    );
    let b = client_on(
        &local,
        spa_config(),
        InProcess(local.clone()),
        storage,
        b_coordinator,
    );
    let b_events: Rc<RefCell<Vec<String>>> = Rc::default();
    let e = b_events.clone();
    let _sub = b.listen(move |ev: &AuthEvent<'_>| e.borrow_mut().push(ev.name().to_owned()));
    a.sign_in(with_password("tab")).await.unwrap();
    Tabs {
        local,
        a,
        b,
        b_events,
    }
}

#[tokio::test]
async fn two_tabs_with_expired_tokens_send_one_refresh() {
    let t = two_tabs(false).await;
    assert_eq!(*t.b_events.borrow(), ["signedIn"], "B heard A's sign-in");
    t.local.advance(301);
    let before = t.local.refreshes();
    let (ra, rb) = tokio::join!(t.a.fetch_auth_session(false), t.b.fetch_auth_session(false));
    let (sa, sb) = (ra.unwrap().tokens.unwrap(), rb.unwrap().tokens.unwrap());
    assert_eq!(
        t.local.refreshes() - before,
        1,
        "{:?}",
        t.local.log.borrow()
    );
    assert_eq!(sa.access_token().secret(), sb.access_token().secret());
    assert!(sa.is_valid(t.local.now()));

    // Overlapping calls in one tab share one request too.
    t.local.advance(301);
    let (r1, r2, r3) = tokio::join!(
        t.a.fetch_auth_session(false),
        t.a.fetch_auth_session(false),
        t.a.fetch_auth_session(false)
    );
    assert!(r1.is_ok() && r2.is_ok() && r3.is_ok());
    assert_eq!(t.local.refreshes() - before, 2);
    // A forced call refreshes even fresh tokens, once. (Whether a forced call that overlaps
    // an unforced one shares its request depends on which finishes first: it takes only
    // tokens issued since it began.)
    t.local.advance(1);
    tokens(&t.a, true).await;
    assert_eq!(t.local.refreshes() - before, 3);

    // A signs out; B follows.
    t.a.sign_out(SignOutOptions::default()).await.unwrap();
    assert_eq!(
        *t.b_events.borrow(),
        [
            "signedIn",
            "tokenRefresh",
            "tokenRefresh",
            "tokenRefresh",
            "signedOut"
        ]
    );
    assert_eq!(
        t.b.get_current_user().await.unwrap_err().name(),
        "NoSessionError"
    );
    assert!(t
        .b
        .fetch_auth_session(false)
        .await
        .unwrap()
        .tokens
        .is_none());
}

#[tokio::test]
async fn rotation_never_spends_a_token_twice_across_tabs() {
    let t = two_tabs(true).await;
    let before = t.local.refreshes();
    for round in 0..50 {
        // Alternate who expires first, forced and unforced.
        t.local.advance(if round % 3 == 0 { 301 } else { 1 });
        let (first, second) = if round % 2 == 0 {
            (&t.a, &t.b)
        } else {
            (&t.b, &t.a)
        };
        let force = round % 3 != 0;
        let (r1, r2) = tokio::join!(
            first.fetch_auth_session(force),
            second.fetch_auth_session(false)
        );
        let (s1, s2) = (r1.unwrap(), r2.unwrap());
        let (s1, s2) = (s1.tokens.unwrap(), s2.tokens.unwrap());
        assert!(
            s1.is_valid(t.local.now()) && s2.is_valid(t.local.now()),
            "round {round}"
        );
    }
    // Exactly one refresh per round: the waiting tab always took the other's tokens.
    assert_eq!(t.local.refreshes() - before, 50);
    let errors: Vec<_> = t
        .b_events
        .borrow()
        .iter()
        .filter(|e| e.ends_with("_failure"))
        .cloned()
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[tokio::test]
async fn a_sign_out_during_a_refresh_stays_signed_out() {
    for forced in [false, true] {
        let t = two_tabs(false).await;
        t.local.advance(if forced { 1 } else { 301 });
        let (refreshed, signed_out) = tokio::join!(
            t.a.fetch_auth_session(forced),
            t.b.sign_out(SignOutOptions::default())
        );
        signed_out.unwrap();
        let _ = refreshed;
        assert!(t
            .a
            .fetch_auth_session(false)
            .await
            .unwrap()
            .tokens
            .is_none());
        assert_eq!(
            t.b.get_current_user().await.unwrap_err().name(),
            "NoSessionError"
        );
    }
}

/// Tab B's view of a shared store that shows the other tab's writes late, as Chromium's
/// `localStorage` between renderer processes: while `hidden` is above zero, each read of
/// `LastAuthUser` finds nothing (and counts down).
struct Lagging {
    shared: Rc<MemoryStorage>,
    hidden: Rc<Cell<u32>>,
}

impl Storage for Lagging {
    fn get(&self, key: &str) -> Result<Option<String>, cognito_core::Error> {
        if key.ends_with(".LastAuthUser") && self.hidden.get() > 0 {
            self.hidden.set(self.hidden.get() - 1);
            return Ok(None);
        }
        self.shared.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), cognito_core::Error> {
        self.shared.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), cognito_core::Error> {
        self.shared.remove(key)
    }
}

/// Tokio local tasks; a sleep is one yield (the follow-up reads count, not the time).
struct LocalTasks;

impl Tasks for LocalTasks {
    fn spawn(&self, task: LocalTask) {
        tokio::task::spawn_local(task);
    }
    fn sleep(&self, _ms: u32) -> LocalTask {
        Box::pin(tokio::task::yield_now())
    }
}

async fn settle() {
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn another_tabs_sign_in_is_announced_once_this_tab_can_read_it() {
    tokio::task::LocalSet::new()
        .run_until(async {
            let local = Local::new();
            seed_user(&local, "lag", "lag@example.com").await;
            let shared = Rc::new(MemoryStorage::new());
            let hidden = Rc::new(Cell::new(0));
            let group = MemoryCoordinator::new();
            let b_coordinator = group.join();
            let a = client_on(
                &local,
                spa_config(),
                InProcess(local.clone()),
                shared.clone(),
                group,
            );
            let platform = Platform::new(
                InProcess(local.clone()),
                Lagging {
                    shared,
                    hidden: hidden.clone(),
                },
                Rc::new(ServerClock(local.clone())),
                Rc::new(OsRandom),
            )
            .with_coordinator(b_coordinator)
            .with_tasks(Rc::new(LocalTasks));
            let b = Client::new(spa_config(), platform);
            // Each event B emits, and whether B's storage showed the user at that moment.
            let seen: Rc<RefCell<Vec<(String, bool)>>> = Rc::default();
            let (s, h) = (seen.clone(), hidden.clone());
            let _sub = b.listen(move |e: &AuthEvent<'_>| {
                s.borrow_mut().push((e.name().to_owned(), h.get() == 0));
            });

            hidden.set(3);
            a.sign_in(with_password("lag")).await.unwrap();
            settle().await;
            assert_eq!(
                *seen.borrow(),
                [("signedIn".to_owned(), true)],
                "signedIn once B's storage shows the user, not before"
            );
            assert_eq!(b.get_current_user().await.unwrap().username, "lag");

            // A sign-in B's storage never shows (undone at once, or the storage is not shared
            // after all): no signedIn, and B stops reading after a bounded number of tries.
            a.sign_out(SignOutOptions::default()).await.unwrap();
            hidden.set(1_000);
            a.sign_in(with_password("lag")).await.unwrap();
            settle().await;
            assert_eq!(
                *seen.borrow(),
                [
                    ("signedIn".to_owned(), true),
                    ("signedOut".to_owned(), true)
                ]
            );
            assert_eq!(
                1_000 - hidden.get(),
                FOLLOW_SIGN_IN_ATTEMPTS,
                "bounded re-reads"
            );
        })
        .await;
}
