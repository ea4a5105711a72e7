//! The client driven through every flow against the real `cognito-local`, in process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use cognito_client::{
    AuthEvent, MfaPreference, ResetPasswordStep, SignInInput, SignUpInput, SignUpStep,
    UpdateAttributeStep, UpdateMfaPreferenceInput,
};
use cognito_core::oauth::AuthorizeOptions;
use cognito_core::ops::AttributeType;
use cognito_core::refresh::RefreshMethod;
use cognito_core::session::SessionSource;
use cognito_core::signin::{ChallengeAnswer, MfaType, NextStep, SignInFlow, SignInOptions};
use cognito_core::signout::SignOutOptions;
use cognito_core::storage::{Keys, MemoryStorage, Storage};
use cognito_core::types::{ClientId, Password};
use cognito_core::{CognitoErrorCode, Error};
use common::*;
use serde_json::json;

fn code(e: &Error) -> &str {
    e.service_code()
        .map(CognitoErrorCode::as_str)
        .unwrap_or(e.name())
}

#[tokio::test]
async fn sign_up_confirm_sign_in_refresh_attributes_password_and_global_sign_out() {
    let local = Local::new();
    let storage = Rc::new(MemoryStorage::new());
    let client = spa_client_over(&local, storage.clone());
    let events = record_events(&client);

    // Sign-up, with the code the server "emails".
    let out = client
        .sign_up(sign_up_input("alice", "alice@example.com"))
        .await
        .unwrap();
    assert!(!out.is_sign_up_complete);
    assert!(out.user_id.as_deref().is_some_and(|s| !s.is_empty()));
    let signed_up_sub = out.user_id.clone();
    let SignUpStep::ConfirmSignUp {
        code_delivery_details: Some(d),
    } = &out.next_step
    else {
        panic!("{out:?}")
    };
    assert_eq!(d.attribute_name.as_deref(), Some("email"));
    let wrong = client.confirm_sign_up("alice", "000000").await.unwrap_err();
    assert_eq!(code(&wrong), "CodeMismatchException");
    client.resend_sign_up_code("alice").await.unwrap();
    let c = local.last_code("alice").await;
    let done = client.confirm_sign_up("alice", &c).await.unwrap();
    assert!(done.is_sign_up_complete && done.next_step == SignUpStep::Done);

    // Nobody is signed in yet.
    assert!(client
        .fetch_auth_session(false)
        .await
        .unwrap()
        .tokens
        .is_none());
    assert_eq!(
        client.get_current_user().await.unwrap_err().name(),
        "NoSessionError"
    );

    // SRP sign-in, stored in the amazon-cognito-identity-js / Amplify layout.
    let wrong = client
        .sign_in(SignInInput::new("alice", Password::new("Wrong-passw0rd")))
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), "NotAuthorizedException");
    let out = client
        .sign_in(with_password("alice@example.com"))
        .await
        .unwrap();
    assert!(out.is_signed_in, "{out:?}");
    assert_eq!(out.next_step.sign_in_step(), "DONE");
    let keys = Keys::new(&ClientId::new(SPA));
    assert_eq!(
        storage.get(&keys.last_auth_user()).unwrap().as_deref(),
        Some("alice")
    );
    assert!(storage.get(&keys.refresh_token("alice")).unwrap().is_some());
    let user = client.get_current_user().await.unwrap();
    assert_eq!(user.username, "alice");
    assert_eq!(Some(user.user_id.clone()), signed_up_sub);
    let again = client.sign_in(with_password("alice")).await.unwrap_err();
    assert_eq!(again.name(), "UserAlreadyAuthenticatedException");

    // A fresh session is served from storage; a forced one refreshes, once.
    let before = local.refreshes();
    let s1 = tokens(&client, false).await;
    assert_eq!(local.refreshes(), before);
    local.advance(5);
    let s2 = tokens(&client, true).await;
    assert_eq!(local.count("GetTokensFromRefreshToken"), before + 1);
    assert_ne!(s1.access_token().secret(), s2.access_token().secret());
    assert_eq!(
        s2.refresh_token().map(|t| t.secret()),
        s1.refresh_token().map(|t| t.secret())
    );

    // Attributes: a new email needs its code.
    let updates = client
        .update_user_attributes(vec![
            AttributeType::new("email", "alice2@example.com"),
            AttributeType::new("name", "Alice"),
        ])
        .await
        .unwrap();
    assert!(matches!(
        updates.get("email").unwrap().next_step,
        UpdateAttributeStep::ConfirmAttributeWithCode { .. }
    ));
    assert!(
        updates.get("name").unwrap().is_updated
            && updates.get("name").unwrap().next_step == UpdateAttributeStep::Done
    );
    let wrong = client
        .confirm_user_attribute("email", "000000")
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), "CodeMismatchException");
    client
        .send_user_attribute_verification_code("email")
        .await
        .unwrap();
    let c = local.last_code("alice").await;
    client.confirm_user_attribute("email", &c).await.unwrap();
    let attrs = client.fetch_user_attributes().await.unwrap();
    assert_eq!(attrs.get("email").unwrap(), "alice2@example.com");
    assert_eq!(attrs.get("email_verified").unwrap(), "true");
    assert_eq!(attrs.get("name").unwrap(), "Alice");
    client
        .delete_user_attributes(vec!["name".into()])
        .await
        .unwrap();
    assert!(!client
        .fetch_user_attributes()
        .await
        .unwrap()
        .contains_key("name"));

    // Password change.
    let wrong = client
        .update_password(Password::new("Not-the-0ld"), Password::new("N3w-passw0rd!"))
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), "NotAuthorizedException");
    client
        .update_password(Password::new(PASSWORD), Password::new("N3w-passw0rd!"))
        .await
        .unwrap();

    // Global sign-out: the stored refresh token is dead on the server afterwards.
    let refresh_token = storage.get(&keys.refresh_token("alice")).unwrap().unwrap();
    client.sign_out(SignOutOptions::global(true)).await.unwrap();
    assert!(storage.get(&keys.last_auth_user()).unwrap().is_none());
    assert!(storage.get(&keys.refresh_token("alice")).unwrap().is_none());
    let (status, body) = local
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": SPA, "RefreshToken": refresh_token}),
        )
        .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("NotAuthorizedException"))
    );

    // The new password works, the old one does not.
    let old = client.sign_in(with_password("alice")).await.unwrap_err();
    assert_eq!(code(&old), "NotAuthorizedException");
    assert!(
        client
            .sign_in(SignInInput::new("alice", Password::new("N3w-passw0rd!")))
            .await
            .unwrap()
            .is_signed_in
    );
    assert_eq!(
        *events.borrow(),
        ["signedIn", "tokenRefresh", "signedOut", "signedIn"]
    );
}

#[tokio::test]
async fn refresh_by_initiate_auth_keeps_the_refresh_token() {
    let local = Local::new();
    seed_user(&local, "bob", "bob@example.com").await;
    let client = fresh_client(
        &local,
        spa_config().with_refresh_method(RefreshMethod::InitiateAuth),
        InProcess(local.clone()),
    );
    client.sign_in(with_password("bob")).await.unwrap();
    let s1 = tokens(&client, false).await;
    local.advance(3600);
    // Expired: refreshed without being asked to.
    let s2 = tokens(&client, false).await;
    assert_eq!(local.count("InitiateAuth:REFRESH_TOKEN_AUTH"), 1);
    assert!(s2.is_valid(local.now()));
    assert_eq!(
        s2.refresh_token().map(|t| t.secret()),
        s1.refresh_token().map(|t| t.secret())
    );
}

#[tokio::test]
async fn refresh_token_rotation_spends_each_token_once() {
    let local = Local::with_client_settings(true, 3600);
    seed_user(&local, "rot", "rot@example.com").await;
    let client = spa_client(&local);
    client.sign_in(with_password("rot")).await.unwrap();
    let mut previous = tokens(&client, false).await;
    for _ in 0..3 {
        local.advance(2);
        let next = tokens(&client, true).await;
        let (old_rt, new_rt) = (
            previous.refresh_token().unwrap().secret().to_owned(),
            next.refresh_token().unwrap().secret().to_owned(),
        );
        assert_ne!(old_rt, new_rt, "rotation gives a new refresh token");
        let (status, body) = local
            .call(
                "GetTokensFromRefreshToken",
                json!({"ClientId": SPA, "RefreshToken": old_rt}),
            )
            .await;
        assert_eq!(status, 400, "a spent refresh token is refused: {body}");
        previous = next;
    }
}

#[tokio::test]
async fn new_password_required_for_an_admin_created_user() {
    let local = Local::new();
    let (status, body) = local
        .call(
            "AdminCreateUser",
            json!({"UserPoolId": POOL, "Username": "carol", "TemporaryPassword": "Temp-passw0rd!",
                   "MessageAction": "SUPPRESS",
                   "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let client = spa_client(&local);
    let out = client
        .sign_in(SignInInput::new("carol", Password::new("Temp-passw0rd!")))
        .await
        .unwrap();
    assert_eq!(
        out.next_step.sign_in_step(),
        "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"
    );
    assert!(client
        .fetch_auth_session(false)
        .await
        .unwrap()
        .tokens
        .is_none());
    // A password the policy refuses leaves the step open.
    let weak = client
        .confirm_sign_in(ChallengeAnswer::NewPassword {
            password: Password::new("weak"),
            attributes: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(code(&weak), "InvalidPasswordException");
    assert!(client.pending_sign_in_step().is_some());
    let out = client
        .confirm_sign_in_text("Final-passw0rd!", vec![AttributeType::new("name", "Carol")])
        .await
        .unwrap();
    assert!(out.is_signed_in, "{out:?}");
    assert!(client.pending_sign_in_step().is_none());
    assert_eq!(
        client
            .fetch_user_attributes()
            .await
            .unwrap()
            .get("name")
            .unwrap(),
        "Carol"
    );
    // Nothing is waiting any more.
    let none = client.confirm_sign_in_text("x", vec![]).await.unwrap_err();
    assert_eq!(none.name(), "InvalidStateError");
}

#[tokio::test]
async fn totp_setup_then_a_totp_sign_in() {
    let local = Local::new();
    seed_user(&local, "dave", "dave@example.com").await;
    let client = spa_client(&local);
    client.sign_in(with_password("dave")).await.unwrap();
    let setup = client.set_up_totp().await.unwrap();
    assert!(setup
        .setup_uri("Demo", None)
        .starts_with("otpauth://totp/Demo:dave?secret="));
    let wrong = client.verify_totp_setup("000000", None).await.unwrap_err();
    // What AWS answers a wrong first code with.
    assert_eq!(code(&wrong), "EnableSoftwareTokenMFAException");
    let secret = setup.shared_secret.secret().to_owned();
    client
        .verify_totp_setup(&totp_now(&local, &secret), Some("phone".into()))
        .await
        .unwrap();
    client
        .update_mfa_preference(UpdateMfaPreferenceInput {
            totp: Some(MfaPreference::Preferred),
            ..Default::default()
        })
        .await
        .unwrap();
    let pref = client.fetch_mfa_preference().await.unwrap();
    assert_eq!(
        (pref.enabled, pref.preferred),
        (vec![MfaType::Totp], Some(MfaType::Totp))
    );
    client.sign_out(SignOutOptions::default()).await.unwrap();

    local.advance(30); // the set-up code's time step is spent
    let out = client.sign_in(with_password("dave")).await.unwrap();
    assert_eq!(out.next_step, NextStep::ConfirmSignInWithTotpCode);
    let wrong = client
        .confirm_sign_in(ChallengeAnswer::Code("000000".into()))
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), "CodeMismatchException");
    assert_eq!(
        client.pending_sign_in_step(),
        Some(NextStep::ConfirmSignInWithTotpCode)
    );
    let out = client
        .confirm_sign_in(ChallengeAnswer::Code(totp_now(&local, &secret)))
        .await
        .unwrap();
    assert!(out.is_signed_in);

    // MFA off again: the next sign-in needs no code.
    client
        .update_mfa_preference(UpdateMfaPreferenceInput {
            totp: Some(MfaPreference::Disabled),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(client
        .fetch_mfa_preference()
        .await
        .unwrap()
        .enabled
        .is_empty());
}

#[tokio::test]
async fn forgot_password_and_user_password_auth() {
    let local = Local::new();
    seed_user(&local, "erin", "erin@example.com").await;
    let client = spa_client(&local);
    let out = client.reset_password("erin").await.unwrap();
    assert!(!out.is_password_reset);
    assert!(matches!(
        out.next_step,
        ResetPasswordStep::ConfirmResetPasswordWithCode {
            code_delivery_details: Some(_)
        }
    ));
    let wrong = client
        .confirm_reset_password("erin", "000000", Password::new("Reset-passw0rd!"))
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), "CodeMismatchException");
    let c = local.last_code("erin").await;
    client
        .confirm_reset_password("erin", &c, Password::new("Reset-passw0rd!"))
        .await
        .unwrap();
    let out = client
        .sign_in(
            SignInInput::new("erin", Password::new("Reset-passw0rd!"))
                .with_options(SignInOptions::default().with_flow(SignInFlow::UserPasswordAuth)),
        )
        .await
        .unwrap();
    assert!(out.is_signed_in);
    assert!(local.count("RespondToAuthChallenge") == 0, "no SRP step");
}

#[tokio::test]
async fn delete_user_signs_out() {
    let local = Local::new();
    seed_user(&local, "frank", "frank@example.com").await;
    let client = spa_client(&local);
    let events = record_events(&client);
    client.sign_in(with_password("frank")).await.unwrap();
    client.delete_user().await.unwrap();
    assert!(client
        .fetch_auth_session(false)
        .await
        .unwrap()
        .tokens
        .is_none());
    assert_eq!(*events.borrow(), ["signedIn", "signedOut"]);
    let gone = client.sign_in(with_password("frank")).await.unwrap_err();
    assert!(
        matches!(
            code(&gone),
            "UserNotFoundException" | "NotAuthorizedException"
        ),
        "{gone}"
    );
}

#[tokio::test]
async fn hosted_ui_code_and_pkce_through_the_real_login_form() {
    let local = Local::new();
    seed_user(&local, "gina", "gina@example.com").await;
    let client = spa_client(&local);
    let events = record_events(&client);
    assert!(!client.is_redirect_pending().unwrap());
    let url = client
        .sign_in_with_redirect(&AuthorizeOptions::default().custom_state("/notes"))
        .await
        .unwrap();
    assert!(client.is_redirect_pending().unwrap());
    assert_eq!(
        query_param(&url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    let callback = hosted_ui_login(&local, &url, "gina", PASSWORD).await;
    assert!(callback.starts_with(REDIRECT), "{callback}");

    // A tampered state is refused, and it uses up the pending sign-in.
    let state = query_param(&callback, "state").unwrap();
    let tampered = callback.replace(&state, &format!("{state}0"));
    let e = client.handle_redirect(&tampered).await.unwrap_err();
    assert_eq!(e.name(), "InvalidStateError");
    assert!(!client.is_redirect_pending().unwrap());
    let e = client.handle_redirect(&callback).await.unwrap_err();
    assert_eq!(
        e.name(),
        "InvalidStateError",
        "the real callback cannot be replayed either"
    );
    assert_eq!(
        *events.borrow(),
        ["signInWithRedirect_failure"],
        "a callback with nothing pending is no redirect sign-in: no event"
    );
    events.borrow_mut().clear();

    // A clean round trip.
    let url = client
        .sign_in_with_redirect(&AuthorizeOptions::default().custom_state("/notes"))
        .await
        .unwrap();
    let callback = hosted_ui_login(&local, &url, "gina", PASSWORD).await;
    let out = client.handle_redirect(&callback).await.unwrap();
    assert_eq!(
        (out.username.as_str(), out.custom_state.as_deref()),
        ("gina", Some("/notes"))
    );
    assert_eq!(
        *events.borrow(),
        ["customOAuthState", "signInWithRedirect", "signedIn"]
    );
    let session = tokens(&client, false).await;
    assert_eq!(session.source(), SessionSource::HostedUi);
    let replay = client.handle_redirect(&callback).await.unwrap_err();
    assert_eq!(replay.name(), "InvalidStateError");

    // Hosted-UI sessions refresh through the OAuth grant and sign out at /logout.
    local.advance(5);
    client.fetch_auth_session(true).await.unwrap();
    assert_eq!(local.count("/oauth2/token:refresh_token"), 1);
    let out = client.sign_out(SignOutOptions::default()).await.unwrap();
    let logout = out
        .logout_url
        .expect("a hosted-UI sign-out goes to /logout");
    assert!(logout.starts_with(&format!("{BASE}/logout?")), "{logout}");
    assert_eq!(
        query_param(&logout, "logout_uri").as_deref(),
        Some(REDIRECT)
    );
}

#[tokio::test]
async fn confidential_client_sends_secret_hash() {
    let local = Local::new();
    for method in [
        RefreshMethod::InitiateAuth,
        RefreshMethod::GetTokensFromRefreshToken,
    ] {
        let config = confidential_config().with_refresh_method(method.clone());
        let client = fresh_client(&local, config, InProcess(local.clone()));
        let name = format!("conf-{}", method.name());
        client
            .sign_up(SignUpInput::new(
                name.clone(),
                Password::new(PASSWORD),
                vec![AttributeType::new(
                    "email",
                    format!("{}@example.com", name.to_lowercase()),
                )],
            ))
            .await
            .unwrap();
        let c = local.last_code(&name).await;
        client.confirm_sign_up(&name, &c).await.unwrap();
        client.sign_in(with_password(name.clone())).await.unwrap();
        local.advance(2);
        client.fetch_auth_session(true).await.unwrap();
        client.sign_out(SignOutOptions::default()).await.unwrap();
    }
    // Without the secret the same client id is refused.
    let client = fresh_client(
        &local,
        cognito_client::Config::new(client_config(CONF)),
        InProcess(local.clone()),
    );
    let e = client
        .sign_in(with_password("conf-InitiateAuth"))
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
}

#[tokio::test]
async fn an_unconfirmed_user_gets_the_confirm_sign_up_step() {
    let local = Local::new();
    let client = spa_client(&local);
    client
        .sign_up(sign_up_input("hank", "hank@example.com"))
        .await
        .unwrap();
    let out = client.sign_in(with_password("hank")).await.unwrap();
    assert!(!out.is_signed_in);
    assert_eq!(out.next_step.sign_in_step(), "CONFIRM_SIGN_UP");
    assert!(out.next_step.is_terminal());
    assert!(
        client.pending_sign_in_step().is_none(),
        "nothing to confirm in sign-in"
    );
    let c = local.last_code("hank").await;
    client.confirm_sign_up("hank", &c).await.unwrap();
    assert!(
        client
            .sign_in(with_password("hank"))
            .await
            .unwrap()
            .is_signed_in
    );
}

#[tokio::test]
async fn required_mfa_is_set_up_during_sign_in() {
    let mut config = cognito_local::config::Config::default_config().unwrap();
    config.pools[0].mfa = "ON".into();
    let local = Local::with_config(config);
    seed_user(&local, "ida", "ida@example.com").await;
    let client = spa_client(&local);
    let out = client.sign_in(with_password("ida")).await.unwrap();
    let NextStep::ContinueSignInWithTotpSetup(details) = &out.next_step else {
        panic!("{out:?}")
    };
    let secret = details.shared_secret.secret().to_owned();
    let wrong = client
        .confirm_sign_in(ChallengeAnswer::Code("000000".into()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            code(&wrong),
            "CodeMismatchException" | "EnableSoftwareTokenMFAException"
        ),
        "{wrong}"
    );
    assert!(matches!(
        client.pending_sign_in_step(),
        Some(NextStep::ContinueSignInWithTotpSetup(_))
    ));
    let out = client
        .confirm_sign_in(ChallengeAnswer::Code(totp_now(&local, &secret)))
        .await
        .unwrap();
    assert!(out.is_signed_in, "{out:?}");
    assert_eq!(
        local
            .log
            .borrow()
            .iter()
            .filter(|n| n.contains("SoftwareToken"))
            .count(),
        3,
        "Associate, a refused Verify, a good Verify: {:?}",
        local.log.borrow()
    );
    client.sign_out(SignOutOptions::default()).await.unwrap();
    local.advance(30);
    let out = client.sign_in(with_password("ida")).await.unwrap();
    assert_eq!(out.next_step, NextStep::ConfirmSignInWithTotpCode);
    assert!(
        client
            .confirm_sign_in(ChallengeAnswer::Code(totp_now(&local, &secret)))
            .await
            .unwrap()
            .is_signed_in
    );
}

/// A store that answers later, like Amplify v6's `KeyValueStorageInterface`: every call yields
/// to the runtime before touching the map.
struct LaterStorage(Rc<MemoryStorage>);

impl cognito_client::AsyncStorage for LaterStorage {
    async fn get_item(&self, key: &str) -> Result<Option<String>, Error> {
        tokio::task::yield_now().await;
        self.0.get(key)
    }
    async fn set_item(&self, key: &str, value: &str) -> Result<(), Error> {
        tokio::task::yield_now().await;
        self.0.set(key, value)
    }
    async fn remove_item(&self, key: &str) -> Result<(), Error> {
        tokio::task::yield_now().await;
        self.0.remove(key)
    }
}

#[tokio::test]
async fn an_asynchronous_store_and_unsubscribing() {
    let local = Local::new();
    seed_user(&local, "jay", "jay@example.com").await;
    let memory = Rc::new(MemoryStorage::new());
    let client = spa_client_over(&local, LaterStorage(memory.clone()));
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let s = seen.clone();
    let sub = client.listen(move |e: &AuthEvent<'_>| s.borrow_mut().push(e.name().to_owned()));
    client.sign_in(with_password("jay")).await.unwrap();
    let keys = Keys::new(&ClientId::new(SPA));
    assert_eq!(
        memory.get(&keys.last_auth_user()).unwrap().as_deref(),
        Some("jay")
    );
    local.advance(3);
    client.fetch_auth_session(true).await.unwrap();
    sub.unsubscribe();
    sub.unsubscribe();
    client.sign_out(SignOutOptions::default()).await.unwrap();
    assert!(memory.is_empty(), "{:?}", memory.keys());
    assert_eq!(
        *seen.borrow(),
        ["signedIn", "tokenRefresh"],
        "nothing after unsubscribe"
    );
}

#[tokio::test]
async fn global_sign_out_with_an_expired_access_token_still_revokes() {
    let local = Local::with_client_settings(false, 300);
    seed_user(&local, "ned", "ned@example.com").await;
    let storage = Rc::new(MemoryStorage::new());
    let client = spa_client_over(&local, storage.clone());
    client.sign_in(with_password("ned")).await.unwrap();
    let keys = Keys::new(&ClientId::new(SPA));
    let refresh_token = storage.get(&keys.refresh_token("ned")).unwrap().unwrap();
    local.advance(301);
    client.sign_out(SignOutOptions::global(true)).await.unwrap();
    assert!(storage.is_empty(), "{:?}", storage.keys());
    let (status, _) = local
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": SPA, "RefreshToken": refresh_token}),
        )
        .await;
    assert_eq!(status, 400, "the refresh token is dead on the server");
}

#[tokio::test]
async fn a_network_error_while_confirming_keeps_the_step() {
    let local = Local::new();
    let (status, body) = local
        .call(
            "AdminCreateUser",
            json!({"UserPoolId": POOL, "Username": "olga", "TemporaryPassword": "Temp-passw0rd!",
                   "MessageAction": "SUPPRESS"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let fault = Rc::new(std::cell::Cell::new(Fault::None));
    let transport = Faulty {
        inner: InProcess(local.clone()),
        fault: fault.clone(),
        applies_to: Rc::new(|n: &str| n == "RespondToAuthChallenge"),
    };
    let client = fresh_client(&local, spa_config(), transport);
    let out = client
        .sign_in(SignInInput::new("olga", Password::new("Temp-passw0rd!")))
        .await;
    // The SRP answer itself goes through RespondToAuthChallenge: let it pass first.
    let out = out.unwrap();
    assert_eq!(
        out.next_step.sign_in_step(),
        "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"
    );
    fault.set(Fault::Drop);
    let e = client
        .confirm_sign_in_text("Final-passw0rd!", vec![])
        .await
        .unwrap_err();
    assert_eq!(e.name(), "NetworkError");
    assert_eq!(
        client.pending_sign_in_step().map(|s| s.sign_in_step()),
        Some("CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED")
    );
    fault.set(Fault::None);
    assert!(
        client
            .confirm_sign_in_text("Final-passw0rd!", vec![])
            .await
            .unwrap()
            .is_signed_in
    );
}

#[tokio::test]
async fn every_allowed_ephemeral_length_signs_in_and_others_are_refused() {
    let local = Local::new();
    seed_user(&local, "pam", "pam@example.com").await;
    for (len, ok) in [
        (32, true),
        (128, true),
        (512, true),
        (31, false),
        (513, false),
    ] {
        let mut config = spa_config();
        config.srp_ephemeral_bytes = len;
        let client = fresh_client(&local, config, InProcess(local.clone()));
        let out = client.sign_in(with_password("pam")).await;
        match (ok, out) {
            (true, Ok(o)) => assert!(o.is_signed_in, "{len}"),
            (false, Err(e)) => assert_eq!(e.name(), "ConfigError", "{len}"),
            (_, other) => panic!("{len}: {other:?}"),
        }
    }
}
