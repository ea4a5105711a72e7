//! "Two tabs": two clients over one storage and one coordinator group.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use cognito_client::{AuthEvent, MemoryCoordinator};
use cognito_core::signout::SignOutOptions;
use cognito_core::storage::MemoryStorage;
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
