//! The session as the app sees it: one [`AuthState`] in context, kept up to date from the
//! client's events (this tab's and other tabs'), and the one client every page uses.

use cognito_core::signout::SignOutOptions;
use cognito_core::Error;
use cognito_wasm::{Auth, BrowserClient, StorageChoice};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::config;
pub use crate::errors::friendly;

thread_local! {
    /// Built once; the config does not change while the page lives, so an error here is a bad
    /// configuration block in the page or a bad default in `config.rs`.
    static CLIENT: Result<BrowserClient, String> = config::client_config()
        .and_then(|c| Auth::with_config(c, StorageChoice::LocalStorage))
        .map(|a| a.client().clone())
        .map_err(|e| e.to_string());
}

/// The Cognito client (cheap to clone: it shares its state).
///
/// # Errors
/// [`Error::Config`] when `config.rs` holds an invalid value.
pub fn client() -> Result<BrowserClient, Error> {
    CLIENT.with(|c| c.clone().map_err(Error::Config))
}

/// Who is signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The username the session is stored under.
    pub username: String,
    /// The email address from the ID token, when it has one.
    pub email: Option<String>,
}

impl User {
    /// What to call the user in the header.
    pub fn display(&self) -> String {
        self.email.clone().unwrap_or_else(|| self.username.clone())
    }
}

/// The app's view of the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthState {
    /// Reading storage, or finishing a hosted-UI sign-in.
    Loading,
    /// Nobody is signed in.
    SignedOut,
    /// A session is stored (its tokens refresh when due).
    SignedIn(User),
    /// The session could not be read (e.g. the service is unreachable); the message says why.
    Error(String),
}

/// What the pages share: the state, and a one-off notice for the next page.
#[derive(Clone, Copy, Debug)]
pub struct AuthCtx {
    /// The session state.
    pub state: RwSignal<AuthState>,
    /// A message to show once (e.g. "Account confirmed, sign in").
    pub notice: RwSignal<Option<String>>,
}

impl AuthCtx {
    /// Whether someone is signed in.
    pub fn signed_in(&self) -> bool {
        matches!(self.state.get(), AuthState::SignedIn(_))
    }
}

/// The context [`start`] provided.
pub fn use_auth() -> AuthCtx {
    expect_context::<AuthCtx>()
}

/// Reads the session again and sets the state from it.
pub async fn refresh_state(ctx: AuthCtx) {
    let result = async {
        let c = client()?;
        let user = c.get_current_user().await?;
        let session = c.fetch_auth_session(false).await?;
        let email = session
            .tokens
            .as_ref()
            .and_then(|s| s.id_claims())
            .and_then(|c| c.email.clone());
        Ok::<_, Error>(User {
            username: user.username,
            email,
        })
    }
    .await;
    ctx.state.set(match result {
        Ok(user) => AuthState::SignedIn(user),
        Err(Error::NoSession(_)) => AuthState::SignedOut,
        Err(e) => AuthState::Error(friendly(&e)),
    });
}

/// After a `signedIn` event: reads the session, and when it is not there yet, reads again for a
/// moment. Another tab's broadcast can arrive before its `localStorage` write is visible here
/// (Chromium syncs storage between renderer processes asynchronously).
async fn follow_sign_in(ctx: AuthCtx) {
    for _ in 0..20 {
        refresh_state(ctx).await;
        if ctx.state.get_untracked() != AuthState::SignedOut {
            return;
        }
        sleep_ms(100).await;
    }
}

/// Waits `ms` milliseconds (`setTimeout`).
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Provides the context, follows the client's events, finishes a hosted-UI sign-in when the
/// page is its callback, and reads the session. Returns where to go next (the path given to
/// the hosted UI as custom state), if the page was a callback.
pub fn start() -> AuthCtx {
    let ctx = AuthCtx {
        state: RwSignal::new(AuthState::Loading),
        notice: RwSignal::new(None),
    };
    provide_context(ctx);
    if let Ok(c) = client() {
        // The subscription lives as long as the page.
        let subscription = c.listen(move |event| match event.name() {
            "signedIn" => spawn_local(follow_sign_in(ctx)),
            "signInWithRedirect" | "tokenRefresh" => spawn_local(refresh_state(ctx)),
            "signedOut" => ctx.state.set(AuthState::SignedOut),
            _ => {}
        });
        std::mem::forget(subscription);
    }
    ctx
}

/// The hosted UI's redirect back: `Some(path to go to)` when this page load was one.
pub async fn finish_redirect(ctx: AuthCtx) -> Option<String> {
    let window = web_sys::window()?;
    let href = window.location().href().ok()?;
    if !cognito_core::oauth::is_callback(&href) {
        return None;
    }
    // The code and state are single-use: keep them out of the address bar and the history.
    let path = window.location().pathname().unwrap_or_else(|_| "/".into());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    let c = client().ok()?;
    match c.handle_redirect(&href).await {
        Ok(out) => {
            refresh_state(ctx).await;
            Some(
                out.custom_state
                    .filter(|s| s.starts_with('/') && !s.starts_with("//"))
                    .unwrap_or_else(|| "/notes".into()),
            )
        }
        Err(e) => {
            ctx.notice.set(Some(format!(
                "The hosted sign-in did not complete: {}",
                friendly(&e)
            )));
            None
        }
    }
}

/// Signs out (everywhere with `global`); for a hosted-UI session, goes on to its `/logout`.
///
/// # Errors
/// With `global`, when the other devices could not be signed out (this one is).
pub async fn sign_out(ctx: AuthCtx, global: bool) -> Result<(), Error> {
    let c = client()?;
    let out = c.sign_out(SignOutOptions::global(global)).await;
    ctx.state.set(AuthState::SignedOut);
    let out = out?;
    if let Some(url) = out.logout_url {
        if let Some(w) = web_sys::window() {
            let _ = w.location().assign(&url);
        }
    }
    Ok(())
}
