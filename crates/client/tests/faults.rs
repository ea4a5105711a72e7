//! A refresh that cannot reach Cognito keeps the session; only a dead refresh token ends it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use cognito_client::{AuthEvent, MemoryCoordinator};
use cognito_core::refresh::RefreshMethod;
use cognito_core::storage::{Keys, MemoryStorage, Storage};
use cognito_core::types::ClientId;
use common::*;
use serde_json::json;

fn snapshot(storage: &MemoryStorage) -> Vec<(String, Option<String>)> {
    storage
        .keys()
        .into_iter()
        .map(|k| {
            let v = storage.get(&k).unwrap();
            (k, v)
        })
        .collect()
}

#[tokio::test]
async fn network_faults_during_refresh_keep_the_session() {
    for method in [
        RefreshMethod::GetTokensFromRefreshToken,
        RefreshMethod::InitiateAuth,
    ] {
        let local = Local::with_client_settings(false, 300);
        seed_user(&local, "hal", "hal@example.com").await;
        let storage = Rc::new(MemoryStorage::new());
        let transport = Faulty::refreshes(InProcess(local.clone()));
        let client = client_on(
            &local,
            spa_config().with_refresh_method(method.clone()),
            transport.clone(),
            storage.clone(),
            MemoryCoordinator::new(),
        );
        let events: Rc<RefCell<Vec<String>>> = Rc::default();
        let e2 = events.clone();
        let _sub = client.listen(move |e: &AuthEvent<'_>| {
            let text = match e {
                AuthEvent::TokenRefreshFailure { error } => {
                    format!("{}:{}", e.name(), error.name())
                }
                _ => e.name().to_owned(),
            };
            e2.borrow_mut().push(text);
        });
        client.sign_in(with_password("hal")).await.unwrap();
        local.advance(301); // expired: the next fetch must refresh
        let stored = snapshot(&storage);

        for fault in [
            Fault::Drop,
            Fault::Timeout,
            Fault::Unavailable,
            Fault::Truncated,
        ] {
            transport.fault.set(fault);
            let err = client.fetch_auth_session(false).await.unwrap_err();
            assert!(
                err.is_transient() && !err.is_session_ended(),
                "{method:?} {fault:?}: {err:?}"
            );
            assert_eq!(
                snapshot(&storage),
                stored,
                "{method:?} {fault:?}: storage untouched"
            );
            assert!(client.get_current_user().await.is_ok(), "still signed in");
            let text = format!("{err} {err:?}");
            let rt = storage
                .get(&Keys::new(&ClientId::new(SPA)).refresh_token("hal"))
                .unwrap()
                .unwrap();
            assert!(!text.contains(&rt), "no refresh token in the error");
        }
        assert_eq!(
            *events.borrow(),
            [
                "signedIn",
                "tokenRefresh_failure:NetworkError",
                "tokenRefresh_failure:NetworkError",
                "tokenRefresh_failure:NetworkError",
                // A complete answer whose JSON is cut: unreadable, transient, kept.
                "tokenRefresh_failure:ParseError",
            ],
            "{method:?}"
        );

        // Back online: the same session refreshes.
        transport.fault.set(Fault::None);
        let s = tokens(&client, false).await;
        assert!(s.is_valid(local.now()));
        assert_eq!(
            events.borrow().last().map(String::as_str),
            Some("tokenRefresh")
        );
    }
}

#[tokio::test]
async fn a_revoked_refresh_token_ends_the_session() {
    let local = Local::with_client_settings(false, 300);
    seed_user(&local, "ivy", "ivy@example.com").await;
    let storage = Rc::new(MemoryStorage::new());
    let client = spa_client_over(&local, storage.clone());
    let events = record_events(&client);
    client.sign_in(with_password("ivy")).await.unwrap();
    // Signed out everywhere from another device.
    let access = tokens(&client, false)
        .await
        .access_token()
        .secret()
        .to_owned();
    let (status, _) = local
        .call("GlobalSignOut", json!({"AccessToken": access}))
        .await;
    assert_eq!(status, 200);
    local.advance(301);
    let err = client.fetch_auth_session(false).await.unwrap_err();
    assert!(err.is_session_ended(), "{err:?}");
    assert!(storage.is_empty(), "{:?}", storage.keys());
    assert!(client
        .fetch_auth_session(false)
        .await
        .unwrap()
        .tokens
        .is_none());
    assert_eq!(
        *events.borrow(),
        ["signedIn", "tokenRefresh_failure", "signedOut"]
    );
}

#[tokio::test]
async fn unreadable_stored_tokens_read_as_signed_out_and_are_not_deleted() {
    let local = Local::new();
    let storage = Rc::new(MemoryStorage::new());
    let keys = Keys::new(&ClientId::new(SPA));
    storage.set(&keys.last_auth_user(), "zed").unwrap();
    storage.set(&keys.access_token("zed"), "not-a-jwt").unwrap();
    let client = spa_client_over(&local, storage.clone());
    assert!(client
        .fetch_auth_session(true)
        .await
        .unwrap()
        .tokens
        .is_none());
    assert_eq!(
        client.get_current_user().await.unwrap_err().name(),
        "NoSessionError"
    );
    assert_eq!(storage.len(), 2);
    assert!(local.log.borrow().is_empty(), "nothing was sent");
}
