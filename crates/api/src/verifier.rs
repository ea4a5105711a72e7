//! Verifying Cognito user-pool JWTs: RS256 signatures against the pool's JWKS, and the claims
//! AWS documents (`iss`, `aud` / `client_id`, `token_use`, `exp`, `iat`, `nbf`).
//!
//! Every check is on by default; turning one off is a named call on [`VerifierConfig`]
//! ([`VerifierConfig::any_client`], [`VerifierConfig::any_token_use`]), never a default. The
//! JWKS is fetched from `<issuer>/.well-known/jwks.json`, cached, and fetched again for an
//! unknown `kid` at most once per back-off period (as aws-jwt-verify's penalty box does), so a
//! flood of tokens with made-up key ids cannot turn into a flood of JWKS requests.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use cognito_core::jwt::{Claims, Jwt};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier as _;
use rsa::{BigUint, RsaPublicKey};
use serde::Deserialize;
use sha2::Sha256;

/// Why a token was refused. The variants are for logs; HTTP answers say only `invalid_token`.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// Not a compact JWT with a JSON header and payload.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// `alg` is not `RS256` (this includes `none` and `HS256`).
    #[error("algorithm {0:?} is not accepted (RS256 only)")]
    Algorithm(String),
    /// No `kid`, or one the JWKS does not have even after a refetch.
    #[error("unknown key id {0:?}")]
    UnknownKey(String),
    /// The signature does not verify with the key.
    #[error("bad signature")]
    Signature,
    /// `iss` is not the configured issuer.
    #[error("wrong issuer {0:?}")]
    Issuer(String),
    /// `aud` (ID token) or `client_id` (access token) is not an accepted app client.
    #[error("wrong audience {0:?}")]
    Audience(String),
    /// `token_use` is not the expected one (an access token where an ID token is required).
    #[error("wrong token_use {0:?}")]
    TokenUse(String),
    /// `exp` is past (with the leeway), or missing.
    #[error("expired")]
    Expired,
    /// `iat` or `nbf` is in the future (with the leeway).
    #[error("not yet valid")]
    NotYetValid,
    /// The JWKS could not be fetched or read.
    #[error("JWKS unavailable: {0}")]
    Jwks(String),
}

/// Which `token_use` to accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenUse {
    /// ID tokens (`token_use = id`, client in `aud`): what an API gets from a browser app.
    Id,
    /// Access tokens (`token_use = access`, client in `client_id`).
    Access,
}

impl TokenUse {
    fn as_str(self) -> &'static str {
        match self {
            TokenUse::Id => "id",
            TokenUse::Access => "access",
        }
    }
}

/// What a [`Verifier`] checks.
#[derive(Clone, Debug)]
pub struct VerifierConfig {
    issuer: String,
    clients: Option<Vec<String>>,
    token_use: Option<TokenUse>,
    leeway_secs: i64,
    refetch_backoff: Duration,
}

impl VerifierConfig {
    /// ID tokens of `client_id` issued by `issuer`: for AWS,
    /// `https://cognito-idp.<region>.amazonaws.com/<poolId>` (see [`VerifierConfig::for_pool`]).
    #[must_use]
    pub fn new(issuer: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into().trim_end_matches('/').to_owned(),
            clients: Some(vec![client_id.into()]),
            token_use: Some(TokenUse::Id),
            leeway_secs: 5,
            refetch_backoff: Duration::from_secs(10),
        }
    }

    /// The issuer of an AWS user pool (`us-east-1_AbC123` → `https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123`).
    ///
    /// # Errors
    /// A pool id without a region.
    pub fn for_pool(
        pool_id: &str,
        client_id: impl Into<String>,
    ) -> Result<Self, cognito_core::Error> {
        let pool = cognito_core::types::UserPoolId::parse(pool_id)?;
        let domain = if pool.region().starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        Ok(Self::new(
            format!(
                "https://cognito-idp.{}.{domain}/{}",
                pool.region(),
                pool.as_str()
            ),
            client_id,
        ))
    }

    /// Accepts access tokens instead of ID tokens.
    #[must_use]
    pub fn access_tokens(mut self) -> Self {
        self.token_use = Some(TokenUse::Access);
        self
    }

    /// Also accepts tokens of another app client.
    #[must_use]
    pub fn also_client(mut self, client_id: impl Into<String>) -> Self {
        if let Some(c) = &mut self.clients {
            c.push(client_id.into());
        }
        self
    }

    /// Opt-out: accepts tokens of any app client of the pool.
    #[must_use]
    pub fn any_client(mut self) -> Self {
        self.clients = None;
        self
    }

    /// Opt-out: accepts ID and access tokens alike.
    #[must_use]
    pub fn any_token_use(mut self) -> Self {
        self.token_use = None;
        self
    }

    /// Clock skew allowed on `exp`, `iat` and `nbf`, in seconds (default 5).
    #[must_use]
    pub fn leeway_secs(mut self, secs: i64) -> Self {
        self.leeway_secs = secs.max(0);
        self
    }

    /// The least time between two JWKS fetches caused by unknown key ids (default 10 s).
    #[must_use]
    pub fn refetch_backoff(mut self, backoff: Duration) -> Self {
        self.refetch_backoff = backoff;
        self
    }

    /// The issuer.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `<issuer>/.well-known/jwks.json`.
    #[must_use]
    pub fn jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.issuer)
    }
}

/// A boxed future, for the object-safe [`JwksSource`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where the JWKS comes from: HTTP in production ([`HttpJwks`]), anything in tests.
pub trait JwksSource: Send + Sync {
    /// The JWKS document (`{"keys": [...]}`) at `url`.
    fn fetch<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, String>>;
}

/// Fetches the JWKS over HTTPS (or HTTP, for a local server) with a 5-second timeout.
#[derive(Debug, Clone)]
pub struct HttpJwks {
    client: reqwest::Client,
}

impl HttpJwks {
    /// A fetcher with its own connection pool.
    ///
    /// # Errors
    /// When the TLS backend cannot start.
    pub fn new() -> Result<Self, String> {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map(|client| Self { client })
            .map_err(|e| e.to_string())
    }
}

impl JwksSource for HttpJwks {
    fn fetch<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, String>> {
        Box::pin(async move {
            let resp = self
                .client
                .get(url)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !resp.status().is_success() {
                return Err(format!("HTTP {}", resp.status()));
            }
            resp.bytes()
                .await
                .map(|b| b.to_vec())
                .map_err(|e| e.to_string())
        })
    }
}

#[derive(Deserialize)]
struct JwksDoc {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kid: Option<String>,
    kty: String,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

fn parse_jwks(body: &[u8]) -> Result<HashMap<String, RsaPublicKey>, String> {
    let doc: JwksDoc = serde_json::from_slice(body).map_err(|e| format!("JWKS: {e}"))?;
    let mut keys = HashMap::new();
    for k in doc.keys {
        // Only RSA signing keys for RS256; anything else in the set is ignored.
        let usable = k.kty == "RSA"
            && k.alg.as_deref().is_none_or(|a| a == "RS256")
            && k.use_.as_deref().is_none_or(|u| u == "sig");
        let (Some(kid), Some(n), Some(e), true) = (k.kid, k.n, k.e, usable) else {
            continue;
        };
        let n = URL_SAFE_NO_PAD
            .decode(n.trim_end_matches('='))
            .map_err(|e| e.to_string())?;
        let e = URL_SAFE_NO_PAD
            .decode(e.trim_end_matches('='))
            .map_err(|e| e.to_string())?;
        let key = RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e))
            .map_err(|e| format!("JWKS key {kid}: {e}"))?;
        keys.insert(kid, key);
    }
    Ok(keys)
}

struct Cache {
    keys: HashMap<String, RsaPublicKey>,
    last_fetch: Option<Instant>,
}

/// The clock a [`Verifier`] reads, Unix seconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Verifies tokens of one user pool. Cheap to clone; clones share the JWKS cache.
#[derive(Clone)]
pub struct Verifier {
    config: Arc<VerifierConfig>,
    source: Arc<dyn JwksSource>,
    cache: Arc<RwLock<Cache>>,
    /// Serializes JWKS fetches, so concurrent unknown-kid tokens cause one.
    fetching: Arc<tokio::sync::Mutex<()>>,
    clock: Clock,
    fetches: Arc<Mutex<u64>>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier fetching the JWKS from `source`, on the system clock.
    pub fn new(config: VerifierConfig, source: Arc<dyn JwksSource>) -> Self {
        Self {
            config: Arc::new(config),
            source,
            cache: Arc::new(RwLock::new(Cache {
                keys: HashMap::new(),
                last_fetch: None,
            })),
            fetching: Arc::new(tokio::sync::Mutex::new(())),
            clock: Arc::new(system_now),
            fetches: Arc::new(Mutex::new(0)),
        }
    }

    /// The same verifier on another clock (tests).
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// What it checks.
    #[must_use]
    pub fn config(&self) -> &VerifierConfig {
        &self.config
    }

    /// How many times the JWKS was fetched.
    #[must_use]
    pub fn jwks_fetches(&self) -> u64 {
        self.fetches.lock().map_or(0, |n| *n)
    }

    fn key(&self, kid: &str) -> Option<RsaPublicKey> {
        self.cache.read().ok()?.keys.get(kid).cloned()
    }

    /// The key `kid`, fetching the JWKS when it is unknown and the back-off allows.
    async fn key_for(&self, kid: &str) -> Result<RsaPublicKey, VerifyError> {
        if let Some(k) = self.key(kid) {
            return Ok(k);
        }
        let _one_fetch = self.fetching.lock().await;
        if let Some(k) = self.key(kid) {
            return Ok(k);
        }
        let due = self
            .cache
            .read()
            .map_err(|_| VerifyError::Jwks("cache poisoned".into()))?
            .last_fetch
            .is_none_or(|t| t.elapsed() >= self.config.refetch_backoff);
        if !due {
            return Err(VerifyError::UnknownKey(kid.to_owned()));
        }
        if let Ok(mut n) = self.fetches.lock() {
            *n += 1;
        }
        let fetched = self.source.fetch(&self.config.jwks_url()).await;
        let mut cache = self
            .cache
            .write()
            .map_err(|_| VerifyError::Jwks("cache poisoned".into()))?;
        cache.last_fetch = Some(Instant::now());
        let keys = fetched
            .and_then(|body| parse_jwks(&body))
            .map_err(VerifyError::Jwks)?;
        cache.keys = keys;
        cache
            .keys
            .get(kid)
            .cloned()
            .ok_or_else(|| VerifyError::UnknownKey(kid.to_owned()))
    }

    /// Verifies `token` and returns its claims.
    ///
    /// # Errors
    /// The first check that fails, as a [`VerifyError`].
    pub async fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        let jwt =
            Jwt::decode_unverified(token).map_err(|e| VerifyError::Malformed(e.to_string()))?;
        if jwt.header.alg != "RS256" {
            return Err(VerifyError::Algorithm(jwt.header.alg));
        }
        let kid = jwt
            .header
            .kid
            .clone()
            .ok_or_else(|| VerifyError::UnknownKey(String::new()))?;
        let key = self.key_for(&kid).await?;
        let (signed, sig) = token
            .rsplit_once('.')
            .ok_or_else(|| VerifyError::Malformed("no signature".into()))?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig)
            .map_err(|_| VerifyError::Signature)?;
        let sig = Signature::try_from(sig.as_slice()).map_err(|_| VerifyError::Signature)?;
        VerifyingKey::<Sha256>::new(key)
            .verify(signed.as_bytes(), &sig)
            .map_err(|_| VerifyError::Signature)?;
        self.check_claims(&jwt.claims)?;
        Ok(jwt.claims)
    }

    fn check_claims(&self, c: &Claims) -> Result<(), VerifyError> {
        let config = &self.config;
        let iss = c.iss.as_deref().unwrap_or_default();
        if iss != config.issuer {
            return Err(VerifyError::Issuer(iss.to_owned()));
        }
        let token_use = c.token_use.as_deref().unwrap_or_default();
        if !matches!(token_use, "id" | "access") {
            return Err(VerifyError::TokenUse(token_use.to_owned()));
        }
        if let Some(expected) = config.token_use {
            if token_use != expected.as_str() {
                return Err(VerifyError::TokenUse(token_use.to_owned()));
            }
        }
        if let Some(clients) = &config.clients {
            let audience: Vec<&str> = if token_use == "id" {
                c.aud.iter().map(String::as_str).collect()
            } else {
                c.client_id.as_deref().into_iter().collect()
            };
            if !audience.iter().any(|a| clients.iter().any(|c| c == a)) {
                return Err(VerifyError::Audience(audience.join(",")));
            }
        }
        let now = (self.clock)();
        let leeway = config.leeway_secs;
        match c.exp {
            Some(exp) if now <= exp.saturating_add(leeway) => {}
            _ => return Err(VerifyError::Expired),
        }
        for t in [c.iat, c.nbf].into_iter().flatten() {
            if t > now.saturating_add(leeway) {
                return Err(VerifyError::NotYetValid);
            }
        }
        Ok(())
    }
}
