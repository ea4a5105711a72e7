//! Where sessions live between page loads, in the key layout of the JavaScript clients.
//!
//! An app that moves from amazon-cognito-identity-js or Amplify v6 to this client should keep
//! its users signed in, and the other way round. So tokens are stored under the same keys:
//!
//! | Key | Value |
//! |---|---|
//! | `CognitoIdentityServiceProvider.<clientId>.LastAuthUser` | username |
//! | `CognitoIdentityServiceProvider.<clientId>.<username>.idToken` | ID token |
//! | `CognitoIdentityServiceProvider.<clientId>.<username>.accessToken` | access token |
//! | `CognitoIdentityServiceProvider.<clientId>.<username>.refreshToken` | refresh token |
//! | `CognitoIdentityServiceProvider.<clientId>.<username>.clockDrift` | drift, seconds |
//! | `CognitoIdentityServiceProvider.<clientId>.oauthState` | hosted-UI `state` |
//! | `CognitoIdentityServiceProvider.<clientId>.oauthPKCE` | PKCE verifier |
//! | `CognitoIdentityServiceProvider.<clientId>.inflightOAuth` | `true` during a redirect |
//! | `CognitoIdentityServiceProvider.<clientId>.oauthNonce` | hosted-UI `nonce` (ours only) |
//!
//! Usernames are used in keys as they are, with no escaping, exactly like the JavaScript
//! clients do; a username containing `.` or other special characters therefore produces the
//! same (possibly odd-looking) keys they produce, which is what compatibility needs.
//!
//! `clockDrift` is written in amazon-cognito-identity-js's format (seconds, local − server).
//! Amplify v6 writes milliseconds with the opposite sign; [`parse_clock_drift`] reads both.
//!
//! A hosted-UI session ([`SessionSource::HostedUi`]) is written the way Amplify v6 writes one:
//! `<username>.oauthMetadata = {"oauthSignIn":true}` and `clockDrift` in Amplify's milliseconds
//! (amazon-cognito-identity-js has no hosted UI), so the key that marks Amplify's drift format
//! stays truthful and [`load_session`] gets the source back.
//!
//! The [`Storage`] trait takes `&self` so that browser stores (`localStorage`,
//! `sessionStorage`, cookies) can be thin adapters; [`MemoryStorage`] is the default for tests
//! and non-persistent sessions.

use std::cell::RefCell;
use std::rc::Rc;

use crate::error::Error;
use crate::oauth::PendingAuthorization;
use crate::session::{Session, SessionSource, Tokens};
use crate::types::{AccessToken, ClientId, IdToken, RefreshToken};

/// A string key-value store.
///
/// No `Send`/`Sync` bound: browser storage lives on one thread.
pub trait Storage {
    /// The value at `key`, or `None`.
    ///
    /// # Errors
    /// [`Error::Storage`] when the backend fails (e.g. storage disabled).
    fn get(&self, key: &str) -> Result<Option<String>, Error>;

    /// Stores `value` at `key`.
    ///
    /// # Errors
    /// [`Error::Storage`] when the backend fails (e.g. quota exceeded).
    fn set(&self, key: &str, value: &str) -> Result<(), Error>;

    /// Removes `key`; removing a missing key is not an error.
    ///
    /// # Errors
    /// [`Error::Storage`] when the backend fails.
    fn remove(&self, key: &str) -> Result<(), Error>;
}

/// `Storage` for a pointer to a store: each method forwards to the store it points at.
macro_rules! forward_storage {
    ($($ptr:ty),*) => {
        $(
            impl<T: Storage + ?Sized> Storage for $ptr {
                fn get(&self, key: &str) -> Result<Option<String>, Error> {
                    (**self).get(key)
                }
                fn set(&self, key: &str, value: &str) -> Result<(), Error> {
                    (**self).set(key, value)
                }
                fn remove(&self, key: &str) -> Result<(), Error> {
                    (**self).remove(key)
                }
            }
        )*
    };
}

forward_storage!(&T, Rc<T>, Box<T>);

/// An in-memory [`Storage`]; the session ends with the value.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    /// A [`Map`](crate::map::Map) (a sorted list): a session is a dozen keys.
    map: RefCell<crate::map::Map>,
}

impl MemoryStorage {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The stored keys, sorted.
    #[must_use]
    pub fn keys(&self) -> Vec<String> {
        self.map.borrow().keys().cloned().collect()
    }

    /// How many keys are stored.
    #[must_use]
    pub fn len(&self) -> usize {
        self.map.borrow().len()
    }

    /// Whether nothing is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.borrow().is_empty()
    }
}

impl Storage for MemoryStorage {
    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        Ok(self.map.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        let mut map = self.map.borrow_mut();
        match map.get_mut(key) {
            Some(v) => value.clone_into(v),
            None => {
                map.insert(key.to_owned(), value.to_owned());
            }
        }
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<(), Error> {
        self.map.borrow_mut().remove(key);
        Ok(())
    }
}

/// The storage keys of one app client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    /// Keys under `CognitoIdentityServiceProvider.<clientId>`.
    #[must_use]
    pub fn new(client_id: &ClientId) -> Self {
        Self {
            prefix: format!("CognitoIdentityServiceProvider.{}", client_id.as_str()),
        }
    }

    /// `CognitoIdentityServiceProvider.<clientId>`.
    #[must_use]
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn client(&self, name: &str) -> String {
        format!("{}.{name}", self.prefix)
    }

    /// `<prefix>.<username>.<name>`; the username is used as is (see the module docs).
    #[must_use]
    pub fn user(&self, username: &str, name: &str) -> String {
        format!("{}.{username}.{name}", self.prefix)
    }

    /// `<prefix>.LastAuthUser`.
    #[must_use]
    pub fn last_auth_user(&self) -> String {
        self.client("LastAuthUser")
    }
    /// `<prefix>.<username>.idToken`.
    #[must_use]
    pub fn id_token(&self, username: &str) -> String {
        self.user(username, "idToken")
    }
    /// `<prefix>.<username>.accessToken`.
    #[must_use]
    pub fn access_token(&self, username: &str) -> String {
        self.user(username, "accessToken")
    }
    /// `<prefix>.<username>.refreshToken`.
    #[must_use]
    pub fn refresh_token(&self, username: &str) -> String {
        self.user(username, "refreshToken")
    }
    /// `<prefix>.<username>.clockDrift`.
    #[must_use]
    pub fn clock_drift(&self, username: &str) -> String {
        self.user(username, "clockDrift")
    }
    /// `<prefix>.oauthState`.
    #[must_use]
    pub fn oauth_state(&self) -> String {
        self.client("oauthState")
    }
    /// `<prefix>.oauthPKCE`.
    #[must_use]
    pub fn oauth_pkce(&self) -> String {
        self.client("oauthPKCE")
    }
    /// `<prefix>.inflightOAuth`.
    #[must_use]
    pub fn inflight_oauth(&self) -> String {
        self.client("inflightOAuth")
    }
    /// `<prefix>.oauthNonce` (not used by Amplify, which sends no nonce).
    #[must_use]
    pub fn oauth_nonce(&self) -> String {
        self.client("oauthNonce")
    }
}

/// Every per-user key name (`<prefix>.<username>.<name>`) that [`save_session`],
/// [`load_session`] and [`clear_session`] read or write. An adapter over an asynchronous
/// store can read exactly these (and [`Keys::last_auth_user`]) into a [`MemoryStorage`], run
/// the functions of this module on it and write the changes back.
pub const SESSION_KEY_NAMES: [&str; 7] = [
    "idToken",
    "accessToken",
    "refreshToken",
    "clockDrift",
    "userData",
    "signInDetails",
    "oauthMetadata",
];

/// Amplify v6's per-user keys; their presence marks a `clockDrift` in Amplify's format.
const AMPLIFY_V6_MARKERS: [&str; 2] = ["signInDetails", "oauthMetadata"];

/// Amplify v6's per-user key marking a hosted-UI session, and the value it writes.
const OAUTH_METADATA: &str = "oauthMetadata";
const OAUTH_METADATA_VALUE: &str = r#"{"oauthSignIn":true}"#;

/// Whether a stored `oauthMetadata` says the session came from the hosted UI.
fn is_oauth_metadata(value: &str) -> bool {
    crate::json::parse_str(value)
        .ok()
        .and_then(|v| v.get("oauthSignIn").and_then(crate::json::Value::as_bool))
        .unwrap_or(false)
}

/// Larger drifts (in seconds) than this cannot be amazon-cognito-identity-js seconds in
/// practice; they are read as Amplify v6 milliseconds.
const MAX_PLAUSIBLE_DRIFT_SECS: i64 = 24 * 60 * 60;

/// The format of a stored `clockDrift`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DriftFormat {
    /// amazon-cognito-identity-js: seconds, local − server.
    Seconds,
    /// Amplify v6: milliseconds, server − local.
    AmplifyMillis,
    /// Unknown: seconds, unless the value is too large to be seconds.
    Guess,
}

/// Reads a stored `clockDrift` as seconds, local − server (this crate's convention).
///
/// Returns `None` when the value is not a finite number or is absurd (more than a day of
/// drift after conversion).
#[must_use]
pub fn parse_clock_drift(value: &str, format: DriftFormat) -> Option<i64> {
    // JSON's number grammar, which is what both JavaScript clients write (`String(n)` of a
    // finite number), read as an exact decimal: neither `str::parse::<f64>` nor a float
    // printer lands in the browser package for it. Rounding is half away from zero, as
    // `f64::round` did.
    let crate::json::Value::Number(n) = crate::json::parse_str(value.trim()).ok()? else {
        return None;
    };
    let limit = i128::from(MAX_PLAUSIBLE_DRIFT_SECS);
    // Amplify v6 milliseconds, server − local: seconds, local − server.
    let from_millis = |n: &crate::json::Number| n.scaled(-3).map(|x| -x.round());
    let secs = match format {
        DriftFormat::Seconds => n.scaled(0).map(crate::json::Scaled::round),
        DriftFormat::AmplifyMillis => from_millis(&n),
        DriftFormat::Guess => match n.scaled(0) {
            Some(x) if !x.abs_exceeds(limit) => Some(x.round()),
            _ => from_millis(&n),
        },
    }?;
    if secs.abs() > limit {
        return None;
    }
    i64::try_from(secs).ok()
}

/// Runs every removal, returning the first error.
fn remove_all<S: Storage + ?Sized>(storage: &S, keys: &[String]) -> Result<(), Error> {
    let mut first = Ok(());
    for k in keys {
        if let Err(e) = storage.remove(k) {
            if first.is_ok() {
                first = Err(e);
            }
        }
    }
    first
}

/// Stores `session` under its username and makes it the `LastAuthUser`.
///
/// `LastAuthUser` is written last, so a failure half-way leaves the previous user current.
/// Amplify v6's `signInDetails`/`oauthMetadata` of this user are removed: they described an
/// earlier sign-in and would make the drift look like Amplify's format. A hosted-UI session
/// writes `oauthMetadata` back, with its drift in Amplify's format (see the module docs).
///
/// # Errors
/// [`Error::Storage`] from the backend.
pub fn save_session<S: Storage + ?Sized>(
    storage: &S,
    client_id: &ClientId,
    session: &Session,
) -> Result<(), Error> {
    let keys = Keys::new(client_id);
    let user = session.username();
    match session.id_token() {
        Some(t) => storage.set(&keys.id_token(user), t.secret())?,
        None => storage.remove(&keys.id_token(user))?,
    }
    storage.set(&keys.access_token(user), session.access_token().secret())?;
    match session.refresh_token() {
        Some(t) => storage.set(&keys.refresh_token(user), t.secret())?,
        None => storage.remove(&keys.refresh_token(user))?,
    }
    let hosted_ui = session.source() == SessionSource::HostedUi;
    let drift = if hosted_ui {
        // Amplify v6: milliseconds, server − local.
        session.clock_drift().saturating_mul(-1000).to_string()
    } else {
        session.clock_drift().to_string()
    };
    storage.set(&keys.clock_drift(user), &drift)?;
    let markers: Vec<String> = AMPLIFY_V6_MARKERS
        .iter()
        .filter(|m| !(hosted_ui && **m == OAUTH_METADATA))
        .map(|m| keys.user(user, m))
        .collect();
    remove_all(storage, &markers)?;
    if hosted_ui {
        storage.set(&keys.user(user, OAUTH_METADATA), OAUTH_METADATA_VALUE)?;
    }
    storage.set(&keys.last_auth_user(), user)
}

/// Loads the `LastAuthUser`'s session, as written by this crate, amazon-cognito-identity-js
/// or Amplify v6.
///
/// Returns `Ok(None)` when nobody is signed in (no `LastAuthUser` or no access token). A
/// missing or unreadable `clockDrift` counts as no drift. The session is
/// [`SessionSource::HostedUi`] when `oauthMetadata` says `oauthSignIn: true`. Nothing is
/// removed, even on error.
///
/// # Errors
/// [`Error::Storage`] from the backend; [`Error::Parse`] when a stored token is corrupt
/// (see [`Session::with_clock_drift`]; a token without a username claim is read as
/// `LastAuthUser`'s); the caller decides whether to
/// [`clear_session`].
pub fn load_session<S: Storage + ?Sized>(
    storage: &S,
    client_id: &ClientId,
) -> Result<Option<Session>, Error> {
    let keys = Keys::new(client_id);
    let Some(user) = storage
        .get(&keys.last_auth_user())?
        .filter(|u| !u.is_empty())
    else {
        return Ok(None);
    };
    let Some(access) = storage
        .get(&keys.access_token(&user))?
        .filter(|t| !t.is_empty())
    else {
        return Ok(None);
    };
    let id = storage
        .get(&keys.id_token(&user))?
        .filter(|t| !t.is_empty());
    let refresh = storage
        .get(&keys.refresh_token(&user))?
        .filter(|t| !t.is_empty());
    let mut format = DriftFormat::Guess;
    let mut source = SessionSource::UserPool;
    for m in AMPLIFY_V6_MARKERS {
        if let Some(v) = storage.get(&keys.user(&user, m))? {
            format = DriftFormat::AmplifyMillis;
            if m == OAUTH_METADATA && is_oauth_metadata(&v) {
                source = SessionSource::HostedUi;
            }
        }
    }
    let drift = storage
        .get(&keys.clock_drift(&user))?
        .and_then(|v| parse_clock_drift(&v, format))
        .unwrap_or(0);
    let tokens = Tokens::new(
        id.map(IdToken::new),
        AccessToken::new(access),
        refresh.map(RefreshToken::new),
    );
    Session::restore(tokens, drift, &user).map(|s| Some(s.with_source(source)))
}

/// Signs the `LastAuthUser` out locally: removes their tokens, drift, cached user data and
/// `LastAuthUser`. Device keys (`deviceKey`, ...) stay, as in the JavaScript clients.
///
/// Every removal is attempted even if one fails.
///
/// # Errors
/// The first [`Error::Storage`] from the backend.
pub fn clear_session<S: Storage + ?Sized>(storage: &S, client_id: &ClientId) -> Result<(), Error> {
    let keys = Keys::new(client_id);
    let mut to_remove = Vec::new();
    if let Some(user) = storage.get(&keys.last_auth_user())? {
        for name in SESSION_KEY_NAMES {
            to_remove.push(keys.user(&user, name));
        }
    }
    to_remove.push(keys.last_auth_user());
    remove_all(storage, &to_remove)
}

/// Stores a hosted-UI sign-in across the redirect under Amplify v6's keys (`oauthState`,
/// `oauthPKCE`, `inflightOAuth`) plus `oauthNonce`.
///
/// # Errors
/// [`Error::Storage`] from the backend.
///
/// # Security
/// The verifier is a secret; prefer `sessionStorage`, and consume it with
/// [`take_pending_authorization`].
pub fn save_pending_authorization<S: Storage + ?Sized>(
    storage: &S,
    client_id: &ClientId,
    pending: &PendingAuthorization,
) -> Result<(), Error> {
    let keys = Keys::new(client_id);
    storage.set(&keys.oauth_state(), pending.state())?;
    storage.set(&keys.oauth_pkce(), pending.verifier().secret())?;
    match pending.nonce() {
        Some(n) => storage.set(&keys.oauth_nonce(), n)?,
        None => storage.remove(&keys.oauth_nonce())?,
    }
    storage.set(&keys.inflight_oauth(), "true")
}

/// Whether a hosted-UI redirect is in flight (`inflightOAuth` is `true`).
///
/// # Errors
/// [`Error::Storage`] from the backend.
pub fn is_oauth_in_flight<S: Storage + ?Sized>(
    storage: &S,
    client_id: &ClientId,
) -> Result<bool, Error> {
    Ok(storage
        .get(&Keys::new(client_id).inflight_oauth())?
        .is_some_and(|v| v == "true"))
}

/// Reads and removes the pending hosted-UI sign-in: it can be used once.
///
/// Returns `Ok(None)` when none is stored. The keys are removed before the values are
/// checked, so a corrupt entry does not linger.
///
/// # Errors
/// [`Error::Storage`] from the backend; [`Error::Parse`] when the stored state or verifier is
/// missing or invalid.
pub fn take_pending_authorization<S: Storage + ?Sized>(
    storage: &S,
    client_id: &ClientId,
) -> Result<Option<PendingAuthorization>, Error> {
    let keys = Keys::new(client_id);
    let state = storage.get(&keys.oauth_state())?;
    let verifier = storage.get(&keys.oauth_pkce())?;
    let nonce = storage.get(&keys.oauth_nonce())?;
    remove_all(
        storage,
        &[
            keys.oauth_state(),
            keys.oauth_pkce(),
            keys.oauth_nonce(),
            keys.inflight_oauth(),
        ],
    )?;
    match (state, verifier) {
        (None, None) => Ok(None),
        (Some(state), Some(verifier)) => PendingAuthorization::from_parts(state, nonce, verifier)
            .map(Some)
            .map_err(|e| Error::parse("stored OAuth sign-in", e, "")),
        _ => Err(Error::parse(
            "stored OAuth sign-in",
            "oauthState and oauthPKCE must both be present",
            "",
        )),
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::oauth::{AuthorizeOptions, OAuthConfig, AUTHORIZE_RANDOM_LEN};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    const P: &str = "CognitoIdentityServiceProvider.client1";

    proptest::proptest! {
        /// `MemoryStorage` behaves as a `BTreeMap` would: the same answers to `get`, the same
        /// sorted keys, after any run of sets and removes over a few keys.
        #[test]
        fn memory_storage_is_a_sorted_map(
            ops in proptest::collection::vec((0u8..3, "[a-c]{0,2}", "[x-z]{0,2}"), 0..40)
        ) {
            let store = MemoryStorage::new();
            let mut model = std::collections::BTreeMap::new();
            for (op, key, value) in ops {
                match op {
                    0 => {
                        store.set(&key, &value).map_err(|e| e.to_string()).ok();
                        model.insert(key.clone(), value);
                    }
                    1 => {
                        store.remove(&key).map_err(|e| e.to_string()).ok();
                        model.remove(&key);
                    }
                    _ => {}
                }
                proptest::prop_assert_eq!(store.get(&key).ok().flatten(), model.get(&key).cloned());
            }
            proptest::prop_assert_eq!(store.keys(), model.keys().cloned().collect::<Vec<_>>());
            proptest::prop_assert_eq!(store.len(), model.len());
        }
    }

    fn jwt(payload: &str) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    fn tokens(user: &str) -> Tokens {
        Tokens::new(
            Some(IdToken::new(jwt(&format!(
                r#"{{"token_use":"id","cognito:username":"{user}","iat":1000,"exp":4600}}"#
            )))),
            AccessToken::new(jwt(&format!(
                r#"{{"token_use":"access","username":"{user}","iat":1000,"exp":4600}}"#
            ))),
            Some(RefreshToken::new("refresh-1")),
        )
    }

    fn cid() -> ClientId {
        ClientId::new("client1")
    }

    #[test]
    fn save_writes_the_javascript_layout() {
        let store = MemoryStorage::new();
        let s = Session::new(tokens("alice"), 1030).expect("session");
        save_session(&store, &cid(), &s).expect("saved");
        assert_eq!(
            store.keys(),
            [
                format!("{P}.LastAuthUser"),
                format!("{P}.alice.accessToken"),
                format!("{P}.alice.clockDrift"),
                format!("{P}.alice.idToken"),
                format!("{P}.alice.refreshToken"),
            ]
        );
        let get = |k: &str| store.get(k).ok().flatten();
        assert_eq!(get(&format!("{P}.LastAuthUser")).as_deref(), Some("alice"));
        assert_eq!(get(&format!("{P}.alice.clockDrift")).as_deref(), Some("30"));
        assert_eq!(
            get(&format!("{P}.alice.refreshToken")).as_deref(),
            Some("refresh-1")
        );

        let back = load_session(&store, &cid())
            .expect("loads")
            .expect("present");
        assert_eq!(back.username(), "alice");
        assert_eq!(back.clock_drift(), 30);
        assert_eq!(back.access_token(), s.access_token());
        assert_eq!(
            back.refresh_token().map(RefreshToken::secret),
            Some("refresh-1")
        );
    }

    #[test]
    fn usernames_are_used_verbatim() {
        let store = MemoryStorage::new();
        let s = Session::new(tokens("a.b@example.com"), 1000).expect("session");
        save_session(&store, &cid(), &s).expect("saved");
        assert!(store
            .keys()
            .contains(&format!("{P}.a.b@example.com.accessToken")));
        let back = load_session(&store, &cid()).expect("ok").expect("present");
        assert_eq!(back.username(), "a.b@example.com");
    }

    #[test]
    fn nothing_stored_is_none() {
        let store = MemoryStorage::new();
        assert!(load_session(&store, &cid()).expect("ok").is_none());
        store
            .set(&format!("{P}.LastAuthUser"), "alice")
            .expect("set");
        assert!(load_session(&store, &cid()).expect("ok").is_none());
    }

    #[test]
    fn corrupt_token_is_an_error_and_wipes_nothing() {
        let store = MemoryStorage::new();
        save_session(
            &store,
            &cid(),
            &Session::new(tokens("alice"), 1000).expect("s"),
        )
        .expect("saved");
        store
            .set(&format!("{P}.alice.idToken"), "garbage")
            .expect("set");
        let before = store.keys();
        assert!(matches!(
            load_session(&store, &cid()),
            Err(Error::Parse { .. })
        ));
        assert_eq!(store.keys(), before);
        assert_eq!(
            store
                .get(&format!("{P}.alice.refreshToken"))
                .ok()
                .flatten()
                .as_deref(),
            Some("refresh-1")
        );
    }

    #[test]
    fn corrupt_drift_counts_as_zero() {
        let store = MemoryStorage::new();
        save_session(
            &store,
            &cid(),
            &Session::new(tokens("alice"), 1050).expect("s"),
        )
        .expect("saved");
        store
            .set(&format!("{P}.alice.clockDrift"), "NaN")
            .expect("set");
        let s = load_session(&store, &cid()).expect("ok").expect("present");
        assert_eq!(s.clock_drift(), 0);
    }

    #[test]
    fn amplify_v6_drift_is_read_as_negated_millis() {
        let store = MemoryStorage::new();
        let s = Session::new(tokens("alice"), 1000).expect("s");
        save_session(&store, &cid(), &s).expect("saved");
        store
            .set(&format!("{P}.alice.clockDrift"), "-2500")
            .expect("set");
        store
            .set(
                &format!("{P}.alice.signInDetails"),
                r#"{"loginId":"alice","authFlowType":"USER_SRP_AUTH"}"#,
            )
            .expect("set");
        let s = load_session(&store, &cid()).expect("ok").expect("present");
        assert_eq!(s.clock_drift(), 3);
        // Saving again writes our format and drops the marker.
        save_session(&store, &cid(), &s).expect("saved");
        assert!(!store.keys().contains(&format!("{P}.alice.signInDetails")));
        let s = load_session(&store, &cid()).expect("ok").expect("present");
        assert_eq!(s.clock_drift(), 3);
    }

    #[test]
    fn drift_formats() {
        assert_eq!(parse_clock_drift("12", DriftFormat::Seconds), Some(12));
        assert_eq!(parse_clock_drift(" -7 ", DriftFormat::Guess), Some(-7));
        assert_eq!(
            parse_clock_drift("-2500", DriftFormat::AmplifyMillis),
            Some(3)
        );
        assert_eq!(
            parse_clock_drift("4000", DriftFormat::AmplifyMillis),
            Some(-4)
        );
        assert_eq!(
            parse_clock_drift("3600000", DriftFormat::Guess),
            Some(-3600)
        );
        assert_eq!(parse_clock_drift("1.4", DriftFormat::Seconds), Some(1));
        assert_eq!(
            parse_clock_drift("-1.5e3", DriftFormat::AmplifyMillis),
            Some(2)
        );
        for bad in [
            "",
            "x",
            "NaN",
            "inf",
            "1e300",
            "99999999999",
            "\"5\"",
            "[5]",
        ] {
            assert_eq!(parse_clock_drift(bad, DriftFormat::Guess), None, "{bad:?}");
        }
    }

    #[test]
    fn clear_removes_tokens_but_keeps_devices_and_other_users() {
        let store = MemoryStorage::new();
        save_session(
            &store,
            &cid(),
            &Session::new(tokens("bob"), 1000).expect("s"),
        )
        .expect("saved");
        save_session(
            &store,
            &cid(),
            &Session::new(tokens("alice"), 1000).expect("s"),
        )
        .expect("saved");
        store
            .set(&format!("{P}.alice.deviceKey"), "dk")
            .expect("set");
        clear_session(&store, &cid()).expect("cleared");
        let keys = store.keys();
        assert!(keys.contains(&format!("{P}.alice.deviceKey")));
        assert!(keys.contains(&format!("{P}.bob.accessToken")));
        assert!(!keys
            .iter()
            .any(|k| k.starts_with(&format!("{P}.alice.")) && !k.ends_with("deviceKey")));
        assert!(!keys.contains(&format!("{P}.LastAuthUser")));
        assert!(load_session(&store, &cid()).expect("ok").is_none());
    }

    #[test]
    fn hosted_ui_sessions_are_marked_like_amplify_v6() {
        let store = MemoryStorage::new();
        let s = Session::new(tokens("alice"), 1030)
            .expect("s")
            .with_source(SessionSource::HostedUi);
        save_session(&store, &cid(), &s).expect("saved");
        let get = |k: &str| store.get(k).ok().flatten();
        assert_eq!(
            get(&format!("{P}.alice.oauthMetadata")).as_deref(),
            Some(r#"{"oauthSignIn":true}"#)
        );
        assert_eq!(
            get(&format!("{P}.alice.clockDrift")).as_deref(),
            Some("-30000")
        );
        let back = load_session(&store, &cid()).expect("ok").expect("present");
        assert_eq!(back.source(), SessionSource::HostedUi);
        assert_eq!(back.clock_drift(), 30);

        // A later native sign-in of the same user drops the mark.
        let native = Session::new(tokens("alice"), 1030).expect("s");
        save_session(&store, &cid(), &native).expect("saved");
        assert!(!store.keys().contains(&format!("{P}.alice.oauthMetadata")));
        let back = load_session(&store, &cid()).expect("ok").expect("present");
        assert_eq!(back.source(), SessionSource::UserPool);
        assert_eq!(back.clock_drift(), 30);

        // Amplify's metadata with `oauthSignIn: false` is not a hosted-UI session.
        store
            .set(
                &format!("{P}.alice.oauthMetadata"),
                r#"{"oauthSignIn":false}"#,
            )
            .expect("set");
        let back = load_session(&store, &cid()).expect("ok").expect("present");
        assert_eq!(back.source(), SessionSource::UserPool);
    }

    #[test]
    fn session_without_id_or_refresh_token_round_trips() {
        let store = MemoryStorage::new();
        let t = tokens("alice");
        let s = Session::new(Tokens::new(None, t.access_token, None), 1000).expect("s");
        save_session(
            &store,
            &cid(),
            &Session::new(tokens("alice"), 1000).expect("s"),
        )
        .expect("saved");
        save_session(&store, &cid(), &s).expect("saved");
        assert!(!store.keys().contains(&format!("{P}.alice.idToken")));
        let back = load_session(&store, &cid()).expect("ok").expect("present");
        assert!(back.id_token().is_none() && back.refresh_token().is_none());
    }

    #[test]
    fn pending_authorization_is_taken_once() {
        let store = MemoryStorage::new();
        let cfg = OAuthConfig::new("auth.example.com", cid(), "https://app/cb").expect("cfg");
        let auth = cfg.authorize(&[9; AUTHORIZE_RANDOM_LEN], &AuthorizeOptions::default());
        save_pending_authorization(&store, &cid(), &auth.pending).expect("saved");
        assert!(is_oauth_in_flight(&store, &cid()).expect("ok"));
        assert_eq!(
            store
                .get(&format!("{P}.oauthPKCE"))
                .ok()
                .flatten()
                .as_deref(),
            Some(auth.pending.verifier().secret())
        );
        let back = take_pending_authorization(&store, &cid())
            .expect("ok")
            .expect("present");
        assert_eq!(back.state(), auth.pending.state());
        assert_eq!(back.nonce(), auth.pending.nonce());
        assert!(store.is_empty());
        assert!(take_pending_authorization(&store, &cid())
            .expect("ok")
            .is_none());
        assert!(!is_oauth_in_flight(&store, &cid()).expect("ok"));
    }

    #[test]
    fn amplify_pending_without_nonce_and_corrupt_entries() {
        let store = MemoryStorage::new();
        store.set(&format!("{P}.oauthState"), "abc").expect("set");
        store
            .set(&format!("{P}.oauthPKCE"), &"v".repeat(128))
            .expect("set");
        let p = take_pending_authorization(&store, &cid())
            .expect("ok")
            .expect("present");
        assert_eq!(p.nonce(), None);

        store.set(&format!("{P}.oauthState"), "abc").expect("set");
        store.set(&format!("{P}.oauthPKCE"), "short").expect("set");
        assert!(matches!(
            take_pending_authorization(&store, &cid()),
            Err(Error::Parse { .. })
        ));
        assert!(store.is_empty(), "corrupt entries are consumed");

        store.set(&format!("{P}.oauthState"), "abc").expect("set");
        assert!(take_pending_authorization(&store, &cid()).is_err());
    }

    #[derive(Debug)]
    struct Failing;
    impl Storage for Failing {
        fn get(&self, _: &str) -> Result<Option<String>, Error> {
            Err(Error::Storage("disabled".to_owned()))
        }
        fn set(&self, _: &str, _: &str) -> Result<(), Error> {
            Err(Error::Storage("quota".to_owned()))
        }
        fn remove(&self, _: &str) -> Result<(), Error> {
            Err(Error::Storage("disabled".to_owned()))
        }
    }

    #[test]
    fn backend_errors_surface() {
        let s = Session::new(tokens("alice"), 1000).expect("s");
        assert!(matches!(
            save_session(&Failing, &cid(), &s),
            Err(Error::Storage(_))
        ));
        assert!(matches!(
            load_session(&Failing, &cid()),
            Err(Error::Storage(_))
        ));
        assert!(matches!(
            clear_session(&Failing, &cid()),
            Err(Error::Storage(_))
        ));
        let boxed: Box<dyn Storage> = Box::new(MemoryStorage::new());
        assert!(load_session(&boxed, &cid()).expect("ok").is_none());
        let rc = Rc::new(MemoryStorage::new());
        save_session(&rc, &cid(), &s).expect("saved");
        assert_eq!(rc.len(), 5);
    }
}
