//! Shared server state: configuration, store, clock, signing keys; and the stored records.

use cognito_core::ops::AttributeType;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use crate::config::{ClientConfig, Config, PoolConfig};
use crate::jwt::{process_key, KeyPair};
use crate::store::{Store, StoreError};
use crate::util;

/// The source of the current time (injectable so tests never sleep).
pub trait Clock: Send + Sync + Debug {
    /// Unix seconds.
    fn now(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }
}

/// A clock moved by hand (tests).
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// Starts at `unix` seconds.
    #[must_use]
    pub fn new(unix: i64) -> Self {
        Self(AtomicI64::new(unix))
    }
    /// Moves the clock forward.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// How to build the state.
#[derive(Debug, Clone)]
pub struct Options {
    /// Data directory for the SQLite file; `None` = in memory.
    pub data_dir: Option<PathBuf>,
    /// Base URL for `iss` and the hosted-UI / OAuth endpoints, e.g. `http://127.0.0.1:9229`.
    pub issuer_base: String,
    /// Time source.
    pub clock: Arc<dyn Clock>,
}

impl Options {
    /// In memory, system clock, issuer `http://localhost:9229`.
    #[must_use]
    pub fn in_memory() -> Self {
        Self {
            data_dir: None,
            issuer_base: "http://localhost:9229".into(),
            clock: Arc::new(SystemClock),
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Storage.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Signing keys.
    #[error("signing keys: {0}")]
    Keys(String),
    /// Seed users.
    #[error("seed user: {0}")]
    Seed(String),
}

/// ID-token and access-token signing keys of one pool.
#[derive(Debug, Clone)]
pub struct PoolKeys {
    /// Signs ID tokens.
    pub id: KeyPair,
    /// Signs access tokens.
    pub access: KeyPair,
    /// Keys the fake answers for unknown users (PreventUserExistenceErrors), so they are stable
    /// across restarts: SHA-256 of the ID-token key.
    pub fake_user_secret: Vec<u8>,
    /// A user with a random password nobody knows, made on first use: unknown users get the
    /// same password and SRP work as real ones (PreventUserExistenceErrors, the hosted UI).
    pub dummy_user: std::sync::OnceLock<User>,
}

/// Everything a request handler needs (cheap to clone).
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

/// The shared contents of [`AppState`].
#[derive(Debug)]
pub struct Inner {
    /// Configuration.
    pub config: Config,
    /// Database.
    pub store: Store,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Base URL without trailing slash.
    pub issuer_base: String,
    /// Keys per pool id.
    pub keys: HashMap<String, PoolKeys>,
    /// Outbox messages that carry secrets (temporary passwords): memory only, lost on restart.
    memory_outbox: std::sync::Mutex<Vec<(String, serde_json::Value)>>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Opens the store, loads or creates the signing keys and creates missing seed users.
    ///
    /// # Errors
    /// Storage failure, key failure, invalid seed user.
    pub fn new(config: Config, opts: Options) -> Result<Self, StartError> {
        let store = Store::open(opts.data_dir.as_deref())?;
        let mut keys = HashMap::new();
        for pool in &config.pools {
            let load = |usage: &str| -> Result<KeyPair, StartError> {
                let name = format!("{}|{usage}", pool.id);
                let stored: Option<String> = store.tx(|t| t.signing_key(&name))?;
                if let Some(der_hex) = stored {
                    let der = hex::decode(der_hex).map_err(|e| StartError::Keys(e.to_string()))?;
                    return KeyPair::from_der(&der).map_err(StartError::Keys);
                }
                let k = process_key(&name).map_err(StartError::Keys)?;
                let der = k.to_der().map_err(StartError::Keys)?;
                store.tx(|t| t.put_signing_key(&name, &hex::encode(der)))?;
                Ok(k)
            };
            let id = load("id")?;
            let access = load("access")?;
            let fake_user_secret = {
                use sha2::Digest as _;
                let der = id.to_der().map_err(StartError::Keys)?;
                let mut h = sha2::Sha256::new();
                h.update(b"cognito-local fake users|");
                h.update(der);
                h.finalize().to_vec()
            };
            keys.insert(
                pool.id.clone(),
                PoolKeys {
                    id,
                    access,
                    fake_user_secret,
                    dummy_user: std::sync::OnceLock::new(),
                },
            );
        }
        let state = Self(Arc::new(Inner {
            config,
            store,
            clock: opts.clock,
            issuer_base: opts.issuer_base.trim_end_matches('/').to_string(),
            keys,
            memory_outbox: std::sync::Mutex::new(Vec::new()),
        }));
        state.seed()?;
        Ok(state)
    }

    fn seed(&self) -> Result<(), StartError> {
        let now = self.now();
        for pool in &self.config.pools {
            for su in &pool.users {
                let mut u = User::new(&su.username, now);
                u.status = UserStatus::from_wire(&su.status).ok_or_else(|| {
                    StartError::Seed(format!("{}: unknown status {}", su.username, su.status))
                })?;
                u.attributes.extend(su.attributes.clone());
                u.groups.clone_from(&su.groups);
                u.set_password(pool.srp_pool_name(), &su.password);
                self.store.tx(|t| {
                    if t.insert_user(&pool.id, &u)? {
                        t.index_aliases(&pool.id, &u)?;
                    }
                    Ok::<_, StoreError>(())
                })?;
            }
        }
        Ok(())
    }

    /// Deletes expired SRP states, challenge sessions, codes, authorization codes, hosted-UI
    /// sessions and refresh-token families, and outbox messages older than 24 hours; returns how
    /// many records went.
    ///
    /// # Errors
    /// Storage failure.
    pub fn purge_expired(&self) -> Result<usize, StoreError> {
        let now = self.now();
        let n = self.store.tx(|t| t.purge_expired(now))?;
        let mut mem = self
            .memory_outbox
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = mem.len();
        mem.retain(|(_, m)| {
            m.get("createdAt")
                .and_then(serde_json::Value::as_i64)
                .is_some_and(|t| t >= now - crate::store::OUTBOX_KEEP_SECS)
        });
        Ok(n + before - mem.len())
    }

    /// Adds a message to the in-memory outbox.
    pub fn memory_outbox_push(&self, username: &str, message: serde_json::Value) {
        self.memory_outbox
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((username.to_string(), message));
    }

    /// The in-memory outbox, oldest first, optionally for one username (case-insensitive).
    #[must_use]
    pub fn memory_outbox(&self, username: Option<&str>) -> Vec<serde_json::Value> {
        let wanted = username.map(str::to_lowercase);
        self.memory_outbox
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter(|(u, _)| wanted.as_ref().is_none_or(|w| *w == u.to_lowercase()))
            .map(|(_, m)| m.clone())
            .collect()
    }

    /// Current unix time.
    #[must_use]
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// The pool's dummy user ([`PoolKeys::dummy_user`]), created on first use.
    #[must_use]
    pub fn dummy_user(&self, pool: &PoolConfig) -> Option<&User> {
        let keys = self.keys.get(&pool.id)?;
        Some(keys.dummy_user.get_or_init(|| {
            let mut u = User::new("cognito-local-dummy-user", 0);
            u.set_password(pool.srp_pool_name(), &util::random_token(24));
            u
        }))
    }

    /// Does the work of checking `password` for a user that does not exist, so that the answer
    /// takes as long as for one that does (the result is always "wrong").
    pub fn dummy_password_check(&self, pool: &PoolConfig, password: &str) {
        if let Some(u) = self.dummy_user(pool) {
            let _ = u.check_password(pool.srp_pool_name(), password);
        }
    }

    /// A pool by id.
    #[must_use]
    pub fn pool(&self, id: &str) -> Option<&PoolConfig> {
        self.config.pools.iter().find(|p| p.id == id)
    }

    /// A client by id with its pool.
    #[must_use]
    pub fn client(&self, client_id: &str) -> Option<(&PoolConfig, &ClientConfig)> {
        self.config
            .pools
            .iter()
            .find_map(|p| p.clients.iter().find(|c| c.id == client_id).map(|c| (p, c)))
    }

    /// `iss` of a pool: `<issuer-base>/<poolId>`.
    #[must_use]
    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/{pool_id}", self.issuer_base)
    }
}

/// Store key of a user (usernames are case-insensitive, as in new AWS pools).
#[must_use]
pub fn user_key(pool_id: &str, username: &str) -> String {
    format!("{pool_id}|{}", username.to_lowercase())
}

/// A user's status, as AWS's `UserStatusType` names it (stored and sent as those names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    /// Signed up, not confirmed yet.
    Unconfirmed,
    /// Confirmed.
    Confirmed,
    /// Must choose a new password at the next sign-in (AdminCreateUser, a temporary password).
    ForceChangePassword,
    /// An administrator asked for a password reset.
    ResetRequired,
}

impl UserStatus {
    /// The wire name (`CONFIRMED`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ResetRequired => "RESET_REQUIRED",
        }
    }

    /// The status of a wire name; `None` for an unknown one.
    #[must_use]
    pub fn from_wire(s: &str) -> Option<Self> {
        [
            Self::Unconfirmed,
            Self::Confirmed,
            Self::ForceChangePassword,
            Self::ResetRequired,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

impl std::fmt::Display for UserStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user as stored: an SRP salt and verifier, never the password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    /// Username as created.
    pub username: String,
    /// Immutable UUID.
    pub sub: String,
    /// Where the account stands.
    pub status: UserStatus,
    /// Disabled users cannot sign in.
    pub enabled: bool,
    /// Raw salt bytes (hex) given to `make_verifier`.
    pub salt_raw: String,
    /// SALT sent to clients.
    pub salt_hex: String,
    /// v = g^x.
    pub verifier_hex: String,
    /// Attributes other than `sub`.
    pub attributes: BTreeMap<String, String>,
    /// Groups.
    pub groups: Vec<String>,
    /// Creation time.
    pub created: i64,
    /// Last change.
    pub modified: i64,
    /// Expiry of a temporary password.
    pub temp_password_expires: Option<i64>,
    /// TOTP secret being set up (base32).
    pub totp_pending: Option<String>,
    /// Verified TOTP secret (base32).
    pub totp_secret: Option<String>,
    /// TOTP MFA turned on.
    pub totp_enabled: bool,
    /// The last TOTP time step accepted (a code is good once).
    #[serde(default)]
    pub totp_last_step: Option<i64>,
    /// Consecutive failed password attempts.
    pub failed_attempts: u32,
    /// Sign-in refused until this time.
    pub lockout_until: i64,
}

impl User {
    /// A new unconfirmed user without a password.
    #[must_use]
    pub fn new(username: &str, now: i64) -> Self {
        Self {
            username: username.to_string(),
            sub: uuid::Uuid::new_v4().to_string(),
            status: UserStatus::Unconfirmed,
            enabled: true,
            salt_raw: String::new(),
            salt_hex: String::new(),
            verifier_hex: String::new(),
            attributes: BTreeMap::new(),
            groups: Vec::new(),
            created: now,
            modified: now,
            temp_password_expires: None,
            totp_pending: None,
            totp_secret: None,
            totp_enabled: false,
            totp_last_step: None,
            failed_attempts: 0,
            lockout_until: 0,
        }
    }

    /// Sets a new password: a fresh salt and verifier.
    pub fn set_password(&mut self, srp_pool_name: &str, password: &str) {
        let salt = util::random_bytes(16);
        let v = cognito_srp::make_verifier(srp_pool_name, &self.username, password, &salt);
        self.salt_raw = hex::encode(&salt);
        self.salt_hex = v.salt_hex;
        self.verifier_hex = v.verifier_hex;
    }

    /// Sets a new password from a salt and verifier computed beforehand (outside the store lock)
    /// for this user's exact username; otherwise (the user was renamed or recreated meanwhile)
    /// computes them now.
    pub fn apply_password(
        &mut self,
        srp_pool_name: &str,
        password: &str,
        pre: Option<&NewPassword>,
    ) {
        match pre {
            Some(p) if p.username == self.username => {
                self.salt_raw.clone_from(&p.salt_raw);
                self.salt_hex.clone_from(&p.salt_hex);
                self.verifier_hex.clone_from(&p.verifier_hex);
            }
            _ => self.set_password(srp_pool_name, password),
        }
    }

    /// Checks a password by recomputing the verifier (constant-time compare).
    #[must_use]
    pub fn check_password(&self, srp_pool_name: &str, password: &str) -> bool {
        let Ok(salt) = hex::decode(&self.salt_raw) else {
            return false;
        };
        if self.verifier_hex.is_empty() {
            return false;
        }
        let v = cognito_srp::make_verifier(srp_pool_name, &self.username, password, &salt);
        util::ct_eq(&v.verifier_hex, &self.verifier_hex)
    }

    /// Checks a TOTP code against the verified secret and consumes its time step: a code
    /// already used (or an older one) is refused. The caller saves the user.
    pub fn take_totp(&mut self, code: &str, now: i64) -> bool {
        let Some(secret) = self.totp_secret.as_deref() else {
            return false;
        };
        match util::totp_step(secret, code, now) {
            Some(step) if self.totp_last_step.is_none_or(|last| step > last) => {
                self.totp_last_step = Some(step);
                true
            }
            _ => false,
        }
    }

    /// The SRP verifier.
    #[must_use]
    pub fn verifier(&self) -> cognito_srp::Verifier {
        cognito_srp::Verifier {
            salt_hex: self.salt_hex.clone(),
            verifier_hex: self.verifier_hex.clone(),
        }
    }

    /// An attribute.
    #[must_use]
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    /// The email if verified.
    #[must_use]
    pub fn verified_email(&self) -> Option<&str> {
        (self.attr("email_verified") == Some("true"))
            .then(|| self.attr("email"))
            .flatten()
    }

    /// The attribute list as in GetUser (`sub` first).
    #[must_use]
    pub fn attribute_list(&self) -> Vec<AttributeType> {
        let mut v = vec![AttributeType::new("sub", self.sub.as_str())];
        for (k, val) in &self.attributes {
            v.push(AttributeType::new(k.as_str(), val.as_str()));
        }
        v
    }
}

/// A salt and SRP verifier computed for one username before the transaction that stores them
/// (the modular exponentiation is slow; the store lock is global).
#[derive(Debug, Clone)]
pub struct NewPassword {
    username: String,
    salt_raw: String,
    salt_hex: String,
    verifier_hex: String,
}

impl NewPassword {
    /// A fresh salt and the verifier of `password` for `username` (the exact stored spelling).
    #[must_use]
    pub fn compute(srp_pool_name: &str, username: &str, password: &str) -> Self {
        let mut u = User::new(username, 0);
        u.set_password(srp_pool_name, password);
        Self {
            username: username.to_string(),
            salt_raw: u.salt_raw,
            salt_hex: u.salt_hex,
            verifier_hex: u.verifier_hex,
        }
    }
}

/// A one-time code (sign-up, forgot password, attribute verification).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeRec {
    /// The code.
    pub code: String,
    /// Expiry.
    pub expires: i64,
    /// Attribute being verified, if any.
    pub attribute: Option<String>,
    /// The attribute's value the code was sent to: verifying binds the code to it.
    #[serde(default)]
    pub value: Option<String>,
    /// Wrong guesses so far.
    #[serde(default)]
    pub attempts: u32,
}

/// Server-side SRP state, located by the SECRET_BLOCK.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SrpRec {
    /// Pool.
    pub pool: String,
    /// Client.
    pub client_id: String,
    /// Real username.
    pub username: String,
    /// Server ephemeral secret b (hex).
    pub b_hex: String,
    /// Client public A.
    pub a_pub_hex: String,
    /// Expiry.
    pub expires: i64,
}

/// A challenge session (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, MFA_SETUP).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionRec {
    /// Pool.
    pub pool: String,
    /// Client.
    pub client_id: String,
    /// Real username.
    pub username: String,
    /// The challenge this session answers.
    pub challenge: String,
    /// Expiry.
    pub expires: i64,
    /// MFA_SETUP: a TOTP secret was verified in this session.
    #[serde(default)]
    pub totp_verified: bool,
    /// Wrong MFA codes so far.
    #[serde(default)]
    pub attempts: u32,
}

/// A refresh-token family: one sign-in and everything refreshed from it (`origin_jti`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Family {
    /// Pool.
    pub pool: String,
    /// Client.
    pub client_id: String,
    /// Real username.
    pub username: String,
    /// Shared `origin_jti`.
    pub origin_jti: String,
    /// Original authentication time.
    pub auth_time: i64,
    /// Access-token scope.
    pub scope: Vec<String>,
    /// Revoked by GlobalSignOut / RevokeToken.
    pub revoked: bool,
    /// Refresh token expiry.
    pub expires: i64,
    /// Expiry of the latest access token minted in this family: the family (which access
    /// tokens are checked against) is kept until both this and `expires` have passed.
    #[serde(default)]
    pub access_expires: i64,
}

/// Store key of a family.
#[must_use]
pub fn family_key(pool_id: &str, username: &str, origin_jti: &str) -> String {
    format!("{}|{origin_jti}", user_key(pool_id, username))
}

/// An OAuth authorization code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthCode {
    /// Pool.
    pub pool: String,
    /// Client.
    pub client_id: String,
    /// Exact redirect URI.
    pub redirect_uri: String,
    /// Real username.
    pub username: String,
    /// The user's `sub` when the code was issued: a user deleted and re-created under the same
    /// name is another user.
    #[serde(default)]
    pub sub: String,
    /// Granted scopes.
    pub scope: Vec<String>,
    /// OIDC nonce.
    pub nonce: Option<String>,
    /// PKCE challenge.
    pub code_challenge: Option<String>,
    /// `S256` or `plain`.
    pub code_challenge_method: Option<String>,
    /// Authentication time.
    pub auth_time: i64,
    /// Expiry (5 minutes).
    pub expires: i64,
}

/// A hosted-UI sign-in session (cookie).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UiSession {
    /// Pool.
    pub pool: String,
    /// Real username.
    pub username: String,
    /// The user's `sub` at sign-in (see [`AuthCode::sub`]).
    #[serde(default)]
    pub sub: String,
    /// Authentication time.
    pub auth_time: i64,
    /// Expiry.
    pub expires: i64,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn user_status_keeps_the_stored_and_wire_names() {
        for name in crate::config::SEED_STATUSES {
            let st = UserStatus::from_wire(name).expect(name);
            assert_eq!(st.as_str(), *name);
            // Stored users (JSON) keep the strings they had.
            assert_eq!(
                serde_json::to_string(&st).expect("json"),
                format!("\"{name}\"")
            );
            let back: UserStatus = serde_json::from_str(&format!("\"{name}\"")).expect("parse");
            assert_eq!(back, st);
        }
        assert_eq!(UserStatus::from_wire("CONFIRMD"), None);
    }

    #[test]
    fn precomputed_password_is_used_only_for_the_same_username() {
        let pre = NewPassword::compute("Pool1", "alice", "Passw0rd!");
        let mut alice = User::new("alice", 0);
        alice.apply_password("Pool1", "Passw0rd!", Some(&pre));
        assert_eq!(alice.verifier_hex, pre.verifier_hex);
        assert!(alice.check_password("Pool1", "Passw0rd!"));
        // Stored as "Alice": the verifier must be over "Alice", so it is computed afresh.
        let mut other = User::new("Alice", 0);
        other.apply_password("Pool1", "Passw0rd!", Some(&pre));
        assert_ne!(other.verifier_hex, pre.verifier_hex);
        assert!(other.check_password("Pool1", "Passw0rd!"));
        assert!(!other.check_password("Pool1", "wrong"));
    }
}
