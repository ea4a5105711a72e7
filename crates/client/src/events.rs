//! Auth events, as Amplify v6's Hub channel `auth` names them.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use cognito_core::Error;

/// Something that happened to the session, in this client or (through the
/// [`Coordinator`](crate::Coordinator)) in another client of the same storage.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuthEvent<'a> {
    /// `signedIn`: a user signed in (with the app's form, the hosted UI, or in another tab).
    SignedIn {
        /// The username the session is stored under.
        username: String,
    },
    /// `signedOut`: the user signed out, was deleted, or their refresh token died.
    SignedOut,
    /// `tokenRefresh`: new tokens were stored.
    TokenRefresh,
    /// `tokenRefresh_failure`: a refresh failed. The session is kept unless `error`
    /// [`is_session_ended`](Error::is_session_ended), in which case `SignedOut` follows.
    TokenRefreshFailure {
        /// Why.
        error: &'a Error,
    },
    /// `customOAuthState`: the custom state given to `sign_in_with_redirect`, back from the
    /// hosted UI (emitted before `signInWithRedirect`).
    CustomOAuthState {
        /// The state.
        state: &'a str,
    },
    /// `signInWithRedirect`: the hosted-UI redirect came back and the user is signed in.
    SignInWithRedirect,
    /// `signInWithRedirect_failure`: the redirect came back with an error, a wrong state, or
    /// the code exchange failed.
    SignInWithRedirectFailure {
        /// Why.
        error: &'a Error,
    },
}

impl AuthEvent<'_> {
    /// Amplify's event name: `signedIn`, `signedOut`, `tokenRefresh`, `tokenRefresh_failure`,
    /// `customOAuthState`, `signInWithRedirect`, `signInWithRedirect_failure`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            AuthEvent::SignedIn { .. } => "signedIn",
            AuthEvent::SignedOut => "signedOut",
            AuthEvent::TokenRefresh => "tokenRefresh",
            AuthEvent::TokenRefreshFailure { .. } => "tokenRefresh_failure",
            AuthEvent::CustomOAuthState { .. } => "customOAuthState",
            AuthEvent::SignInWithRedirect => "signInWithRedirect",
            AuthEvent::SignInWithRedirectFailure { .. } => "signInWithRedirect_failure",
        }
    }
}

type Callback = Rc<dyn Fn(&AuthEvent<'_>)>;

#[derive(Default)]
pub(crate) struct Listeners {
    list: RefCell<Vec<(u64, Callback)>>,
    next: Cell<u64>,
}

impl Listeners {
    pub(crate) fn add(self: &Rc<Self>, f: Callback) -> Subscription {
        let id = self.next.get();
        self.next.set(id + 1);
        self.list.borrow_mut().push((id, f));
        Subscription {
            listeners: Rc::downgrade(self),
            id,
        }
    }

    /// Calls every listener; the list is copied first, so a listener may subscribe or
    /// unsubscribe while being called.
    pub(crate) fn emit(&self, event: &AuthEvent<'_>) {
        let list: Vec<Callback> = self.list.borrow().iter().map(|(_, f)| f.clone()).collect();
        for f in list {
            f(event);
        }
    }
}

/// A listener registration; [`Subscription::unsubscribe`] removes it. Dropping it does not
/// (Amplify's `Hub.listen` returns a function to call, and so do we in JS).
#[derive(Debug)]
#[must_use = "keep it to unsubscribe later"]
pub struct Subscription {
    listeners: Weak<Listeners>,
    id: u64,
}

impl Subscription {
    /// Removes the listener; calling it twice is harmless.
    pub fn unsubscribe(&self) {
        if let Some(l) = self.listeners.upgrade() {
            l.list.borrow_mut().retain(|(id, _)| *id != self.id);
        }
    }
}
