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
            let text = format!("{err} {err:?}");
            // A truncated answer carried fresh tokens: none of them (nor any JWT) is kept.
            assert!(!text.contains("eyJ"), "no token in the error: {text}");
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
    // As Amplify v6: the call resolves with no tokens; the failure is in the event.
    let out = client.fetch_auth_session(false).await.unwrap();
    assert!(out.tokens.is_none());
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

#[tokio::test]
async fn a_failed_refresh_inside_the_leeway_keeps_serving_the_valid_tokens() {
    let local = Local::with_client_settings(false, 300);
    seed_user(&local, "kim", "kim@example.com").await;
    let transport = Faulty::refreshes(InProcess(local.clone()));
    let client = fresh_client(&local, spa_config(), transport.clone());
    let events = record_events(&client);
    client.sign_in(with_password("kim")).await.unwrap();
    let before = tokens(&client, false).await;
    local.advance(260); // due (60 s leeway), still valid
    transport.fault.set(Fault::Drop);
    let s = tokens(&client, false).await;
    assert_eq!(s.access_token().secret(), before.access_token().secret());
    assert!(client.get_current_user().await.is_ok());
    // A forced refresh wants new tokens: it reports the failure.
    assert_eq!(
        client.fetch_auth_session(true).await.unwrap_err().name(),
        "NetworkError"
    );
    assert_eq!(
        *events.borrow(),
        [
            "signedIn",
            "tokenRefresh_failure",
            "tokenRefresh_failure",
            "tokenRefresh_failure"
        ]
    );
}

/// A store whose writes fail while `failing` is set.
struct FlakyStorage {
    inner: Rc<MemoryStorage>,
    failing: Rc<std::cell::Cell<bool>>,
}

impl cognito_client::AsyncStorage for FlakyStorage {
    async fn get_item(&self, key: &str) -> Result<Option<String>, cognito_core::Error> {
        self.inner.get(key)
    }
    async fn set_item(&self, key: &str, value: &str) -> Result<(), cognito_core::Error> {
        if self.failing.get() && key.ends_with(".accessToken") {
            return Err(cognito_core::Error::Storage("quota exceeded".into()));
        }
        self.inner.set(key, value)
    }
    async fn remove_item(&self, key: &str) -> Result<(), cognito_core::Error> {
        self.inner.remove(key)
    }
}

#[tokio::test]
async fn a_failed_save_leaves_nobody_half_signed_in() {
    let local = Local::new();
    seed_user(&local, "lou", "lou@example.com").await;
    let inner = Rc::new(MemoryStorage::new());
    let failing = Rc::new(std::cell::Cell::new(true));
    let client = spa_client_over(
        &local,
        FlakyStorage {
            inner: inner.clone(),
            failing: failing.clone(),
        },
    );
    let e = client.sign_in(with_password("lou")).await.unwrap_err();
    assert_eq!(e.name(), "StorageError");
    let keys = Keys::new(&ClientId::new(SPA));
    assert!(
        inner.get(&keys.last_auth_user()).unwrap().is_none(),
        "{:?}",
        inner.keys()
    );
    assert!(client
        .fetch_auth_session(false)
        .await
        .unwrap()
        .tokens
        .is_none());
    failing.set(false);
    assert!(
        client
            .sign_in(with_password("lou"))
            .await
            .unwrap()
            .is_signed_in
    );
}

#[tokio::test]
async fn a_dead_stored_session_does_not_block_a_new_sign_in() {
    let local = Local::with_client_settings(false, 300);
    seed_user(&local, "max", "max@example.com").await;
    let storage = Rc::new(MemoryStorage::new());
    let client = spa_client_over(&local, storage.clone());
    client.sign_in(with_password("max")).await.unwrap();
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
    // The stored tokens are expired and their refresh token is revoked.
    assert!(
        client
            .sign_in(with_password("max"))
            .await
            .unwrap()
            .is_signed_in
    );
    // Expired without a refresh token: dead too.
    let keys = Keys::new(&ClientId::new(SPA));
    storage.remove(&keys.refresh_token("max")).unwrap();
    local.advance(301);
    assert!(client
        .fetch_auth_session(false)
        .await
        .unwrap()
        .tokens
        .is_none());
    assert!(storage.get(&keys.last_auth_user()).unwrap().is_none());
}
