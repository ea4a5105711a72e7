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
    static AUTH: Result<Auth, String> = config::client_config()
        .and_then(|c| Auth::with_config(c, StorageChoice::LocalStorage))
        .map_err(|e| e.to_string());
}

/// The Cognito client (cheap to clone: it shares its state).
///
/// # Errors
/// [`Error::Config`] when the page's configuration block or `config.rs` holds an invalid value.
pub fn client() -> Result<BrowserClient, Error> {
    AUTH.with(|a| {
        a.as_ref()
            .map(|a| a.client().clone())
            .map_err(|e| Error::Config(e.clone()))
    })
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
    /// The session state: read with [`AuthCtx::state`], set with [`AuthCtx::set_state`].
    state: RwSignal<AuthState>,
    /// A message to show once (e.g. "Account confirmed, sign in").
    pub notice: RwSignal<Option<String>>,
}

impl AuthCtx {
    /// Sets the state, unless it already is `next`: every `set` of a signal re-renders what
    /// depends on it, and `Protected` then builds its page anew. A silent refresh
    /// (`tokenRefresh`) reads the same state again; rebuilding the notes page then, while a
    /// note was being added, dropped that note from the screen (the add finished into the old
    /// page's signals; tests/demo/short-tokens.test.mjs holds a note back to make that race
    /// happen every time).
    pub fn set_state(&self, next: AuthState) {
        if self.state.get_untracked() != next {
            self.state.set(next);
        }
    }

    /// The session state (tracked: a closure that reads it re-runs when it changes).
    pub fn state(&self) -> AuthState {
        self.state.get()
    }

    /// Whether someone is signed in.
    pub fn signed_in(&self) -> bool {
        matches!(self.state(), AuthState::SignedIn(_))
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
    let next = match result {
        Ok(user) => AuthState::SignedIn(user),
        Err(Error::NoSession(_)) => AuthState::SignedOut,
        Err(e) => AuthState::Error(friendly(&e)),
    };
    ctx.set_state(next);
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
            // A sign-in in another tab is announced once this tab's storage shows it
            // (cognito-client waits for that), so the session can be read at once.
            "signedIn" | "signInWithRedirect" | "tokenRefresh" => spawn_local(refresh_state(ctx)),
            "signedOut" => ctx.set_state(AuthState::SignedOut),
            _ => {}
        });
        std::mem::forget(subscription);
    }
    ctx
}

/// The hosted UI's redirect back: `Some(path to go to)` when this page load was one (for a
/// sign-in started in this tab; `cognito-wasm` removes `code` and `state` from the address bar).
pub async fn finish_redirect(ctx: AuthCtx) -> Option<String> {
    let done = AUTH.with(|a| a.as_ref().ok().and_then(Auth::complete_redirect_on_load))?;
    match done.await {
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
    ctx.set_state(AuthState::SignedOut);
    let out = out?;
    if let Some(url) = out.logout_url {
        if let Some(w) = web_sys::window() {
            let _ = w.location().assign(&url);
        }
    }
    Ok(())
}
