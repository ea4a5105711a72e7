//! Signing out, as values: what to send, what to clear, where to go.
//!
//! Like Amplify v6's `signOut`:
//! 1. **Revoke on the server** (best effort). A global sign-out sends `GlobalSignOut` with the
//!    access token (every refresh token of the user dies). Otherwise `RevokeToken` revokes this
//!    session's refresh token, but only when the access token has an `origin_jti` claim:
//!    tokens issued before Cognito's token revocation existed cannot be revoked and Cognito
//!    would reject the call.
//! 2. **Clear local storage** with [`clear_session`], *whatever step 1 returned*: a network
//!    error, a 5xx or an already revoked token must not keep the user signed in on this
//!    device. Sign-out always succeeds locally.
//! 3. **End the hosted-UI session** for a [`SessionSource::HostedUi`] session by navigating to
//!    [`SignOut::logout_url`] (`/logout?client_id=&logout_uri=`); the hosted UI's own cookie
//!    would otherwise sign the user straight back in at the next redirect sign-in. This
//!    navigates away, so it comes last.
//!
//! ```
//! use cognito_core::signout::{SignOut, SignOutOptions};
//! use cognito_core::storage::MemoryStorage;
//! use cognito_core::wire::{ClientConfig, HttpRequest, HttpResponse};
//! # use cognito_core::session::{Session, Tokens};
//! # use cognito_core::types::{AccessToken, ClientId, RefreshToken, UserPoolId};
//! # use base64::Engine as _;
//! # let b = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
//! # let at = format!("{}.{}.sig", b(r#"{"alg":"RS256"}"#),
//! #     b(r#"{"token_use":"access","username":"alice","exp":4600,"origin_jti":"o1"}"#));
//! # let session = Session::new(Tokens::new(None, AccessToken::new(at), Some(RefreshToken::new("rt"))), 0)?;
//! # let config = ClientConfig::new(UserPoolId::parse("eu-west-1_Abc123")?, ClientId::new("client"));
//! # let storage = MemoryStorage::new();
//! # fn send(_: HttpRequest) -> Result<HttpResponse, cognito_core::Error> {
//! #     Err(cognito_core::Error::Transport("offline".into())) }
//! let plan = SignOut::new(&session, &config, None, SignOutOptions::default())?;
//! for req in plan.requests() {
//!     // Best effort: log a failure, carry on.
//!     let _ = send(req.clone()).and_then(|resp| SignOut::parse_response(&resp));
//! }
//! plan.clear_local(&storage, &config.client_id)?;
//! if let Some(url) = plan.logout_url() {
//!     // window.location.assign(url)
//! #   let _ = url;
//! }
//! # Ok::<(), cognito_core::Error>(())
//! ```

use crate::error::Error;
use crate::oauth::OAuthConfig;
use crate::ops::{GlobalSignOut, GlobalSignOutRequest, RevokeToken, RevokeTokenRequest};
use crate::session::{Session, SessionSource};
use crate::storage::{clear_session, Storage};
use crate::types::ClientId;
use crate::wire::{parse_response, request, ClientConfig, HttpRequest, HttpResponse};

/// Options of [`SignOut::new`], as Amplify's `signOut({ global })`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignOutOptions {
    /// Sign out everywhere: `GlobalSignOut` instead of `RevokeToken`.
    pub global: bool,
}

impl SignOutOptions {
    /// Options for a global (`true`) or a local sign-out.
    #[must_use]
    pub fn global(global: bool) -> Self {
        Self { global }
    }
}

/// The steps of one sign-out; see the [module docs](self) for their order.
#[derive(Debug)]
#[must_use = "send the requests, then clear_local, then go to logout_url"]
pub struct SignOut {
    global_sign_out: Option<HttpRequest>,
    revoke_token: Option<HttpRequest>,
    logout_url: Option<String>,
}

impl SignOut {
    /// Plans the sign-out of `session`.
    ///
    /// `oauth` is the hosted-UI config, if the app has one; the `/logout` URL is planned only
    /// for a [`SessionSource::HostedUi`] session and a config with a logout URI
    /// ([`OAuthConfig::with_logout_uri`]).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if a request cannot be serialized (not expected).
    pub fn new(
        session: &Session,
        config: &ClientConfig,
        oauth: Option<&OAuthConfig>,
        options: SignOutOptions,
    ) -> Result<Self, Error> {
        let (global_sign_out, revoke_token) = if options.global {
            let req = request::<GlobalSignOut>(
                config,
                &GlobalSignOutRequest {
                    access_token: session.access_token().clone(),
                },
            )?;
            (Some(req), None)
        } else {
            let revocable = session
                .access_claims()
                .origin_jti
                .as_deref()
                .is_some_and(|j| !j.is_empty());
            let req = match session.refresh_token() {
                Some(rt) if revocable => Some(request::<RevokeToken>(
                    config,
                    &RevokeTokenRequest::new(config, rt.clone()),
                )?),
                _ => None,
            };
            (None, req)
        };
        let logout_url = match (session.source(), oauth) {
            (SessionSource::HostedUi, Some(o)) => o.logout_url().ok(),
            _ => None,
        };
        Ok(Self {
            global_sign_out,
            revoke_token,
            logout_url,
        })
    }

    /// The `GlobalSignOut` request, for a global sign-out.
    #[must_use]
    pub fn global_sign_out(&self) -> Option<&HttpRequest> {
        self.global_sign_out.as_ref()
    }

    /// The `RevokeToken` request, for a local sign-out of a revocable session.
    #[must_use]
    pub fn revoke_token(&self) -> Option<&HttpRequest> {
        self.revoke_token.as_ref()
    }

    /// The server-side requests to send first, in order (zero or one today).
    pub fn requests(&self) -> impl Iterator<Item = &HttpRequest> {
        self.global_sign_out.iter().chain(self.revoke_token.iter())
    }

    /// Reads the answer to a `GlobalSignOut` or `RevokeToken` request (both `{}`).
    ///
    /// # Errors
    /// As [`crate::wire::parse_response`]. The error is for reporting only: clear local
    /// storage anyway.
    pub fn parse_response(resp: &HttpResponse) -> Result<(), Error> {
        parse_response::<GlobalSignOut>(resp).map(|_| ())
    }

    /// Removes the session from `storage` ([`clear_session`]). Call it after the requests,
    /// whatever they returned.
    ///
    /// # Errors
    /// [`Error::Storage`] from the backend (every key is still attempted).
    pub fn clear_local<S: Storage + ?Sized>(
        &self,
        storage: &S,
        client_id: &ClientId,
    ) -> Result<(), Error> {
        clear_session(storage, client_id)
    }

    /// The hosted-UI `/logout` URL to navigate to last, for a hosted-UI session.
    #[must_use]
    pub fn logout_url(&self) -> Option<&str> {
        self.logout_url.as_deref()
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::session::Tokens;
    use crate::storage::{load_session, save_session, MemoryStorage};
    use crate::types::{AccessToken, ClientSecret, RefreshToken, UserPoolId};
    use crate::wire::target_of;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use serde_json::{json, Value};

    fn jwt(payload: &Value) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        )
    }

    fn session(origin_jti: bool) -> Session {
        let mut claims = json!({"token_use": "access", "username": "alice", "exp": 4600});
        if origin_jti {
            claims["origin_jti"] = json!("o-1");
        }
        Session::new(
            Tokens::new(
                None,
                AccessToken::new(jwt(&claims)),
                Some(RefreshToken::new("rt-1")),
            ),
            0,
        )
        .unwrap()
    }

    fn config() -> ClientConfig {
        ClientConfig::new(
            UserPoolId::parse("us-east-1_Pool1").unwrap(),
            ClientId::new("client1"),
        )
    }

    fn oauth() -> OAuthConfig {
        OAuthConfig::new(
            "auth.example.com",
            ClientId::new("client1"),
            "https://app.example.com/cb",
        )
        .unwrap()
        .with_logout_uri("https://app.example.com/bye")
        .unwrap()
    }

    fn body(req: &HttpRequest) -> Value {
        serde_json::from_slice(&req.body).unwrap()
    }

    #[test]
    fn local_sign_out_revokes_only_revocable_sessions() {
        let cfg = config().with_client_secret(ClientSecret::new("shh"));
        let plan = SignOut::new(&session(true), &cfg, None, SignOutOptions::default()).unwrap();
        let reqs: Vec<_> = plan.requests().collect();
        assert_eq!(reqs.len(), 1);
        assert_eq!(target_of(reqs[0]), Some("RevokeToken"));
        assert_eq!(
            body(reqs[0]),
            json!({"Token": "rt-1", "ClientId": "client1", "ClientSecret": "shh"})
        );
        assert!(plan.global_sign_out().is_none());
        assert!(plan.logout_url().is_none());

        let plan = SignOut::new(&session(false), &cfg, None, SignOutOptions::default()).unwrap();
        assert_eq!(
            plan.requests().count(),
            0,
            "no origin_jti: nothing to revoke"
        );
    }

    #[test]
    fn global_sign_out_uses_the_access_token() {
        let s = session(true);
        let plan = SignOut::new(&s, &config(), None, SignOutOptions::global(true)).unwrap();
        let reqs: Vec<_> = plan.requests().collect();
        assert_eq!(reqs.len(), 1);
        assert_eq!(target_of(reqs[0]), Some("GlobalSignOut"));
        assert_eq!(
            body(reqs[0]),
            json!({"AccessToken": s.access_token().secret()})
        );
        assert!(plan.revoke_token().is_none());
    }

    #[test]
    fn hosted_ui_sessions_get_the_logout_url() {
        let s = session(true).with_source(SessionSource::HostedUi);
        let plan = SignOut::new(&s, &config(), Some(&oauth()), SignOutOptions::default()).unwrap();
        assert_eq!(
            plan.logout_url(),
            Some("https://auth.example.com/logout?client_id=client1&logout_uri=https%3A%2F%2Fapp.example.com%2Fbye")
        );
        // A user-pool session does not visit the hosted UI.
        let plan = SignOut::new(
            &session(true),
            &config(),
            Some(&oauth()),
            SignOutOptions::default(),
        )
        .unwrap();
        assert!(plan.logout_url().is_none());
    }

    #[test]
    fn local_clear_happens_even_when_revoke_fails() {
        let store = MemoryStorage::new();
        let cid = ClientId::new("client1");
        let s = session(true);
        save_session(&store, &cid, &s).unwrap();
        let plan = SignOut::new(&s, &config(), None, SignOutOptions::default()).unwrap();
        // The adapter's fetch failed.
        let sent: Result<(), Error> = Err(Error::Transport("offline".into()));
        assert!(sent.is_err());
        plan.clear_local(&store, &cid).unwrap();
        assert!(load_session(&store, &cid).unwrap().is_none());
        assert!(store.is_empty());

        let ok = HttpResponse {
            status: 200,
            headers: vec![],
            body: b"{}".to_vec(),
        };
        assert!(SignOut::parse_response(&ok).is_ok());
        let revoked = HttpResponse {
            status: 400,
            headers: vec![("x-amzn-errortype".into(), "NotAuthorizedException:".into())],
            body: br#"{"message":"Refresh Token has been revoked"}"#.to_vec(),
        };
        assert!(SignOut::parse_response(&revoked).is_err());
    }
}
