//! The TOML configuration: user pools, app clients, password policy, token lifetimes, seed users.

use cognito_core::types::{ClientId, ClientSecret, UserPoolId};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The configuration shipped with the binary (`crates/server/cognito-local.toml`).
pub const DEFAULT_CONFIG: &str = include_str!("../cognito-local.toml");

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The TOML did not parse.
    #[error("config: {0}")]
    Toml(#[from] toml::de::Error),
    /// The TOML parsed but is inconsistent.
    #[error("config: {0}")]
    Invalid(String),
}

/// `auth_flows` values (AWS ExplicitAuthFlows), each also accepted with an `ALLOW_` prefix.
pub const KNOWN_AUTH_FLOWS: &[&str] = &[
    "USER_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
];

/// Seed-user `status` values.
pub const SEED_STATUSES: &[&str] = &[
    "CONFIRMED",
    "UNCONFIRMED",
    "FORCE_CHANGE_PASSWORD",
    "RESET_REQUIRED",
];

/// Longest token lifetime accepted (10 years, AWS's refresh-token maximum).
pub const MAX_VALIDITY_SECS: i64 = 10 * 365 * 86_400;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Server-wide settings (`[server]`).
    #[serde(default)]
    pub server: ServerConfig,
    /// User pools served.
    pub pools: Vec<PoolConfig>,
}

/// Server-wide settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Milliseconds a client has to send a request's headers (from its first byte).
    #[serde(default = "default_header_timeout")]
    pub header_timeout_ms: u64,
    /// Milliseconds a client has to send a request's whole body; then 408.
    #[serde(default = "default_body_timeout")]
    pub body_timeout_ms: u64,
    /// Milliseconds without a byte in either direction before a connection is closed.
    #[serde(default = "default_idle_timeout")]
    pub idle_timeout_ms: u64,
    /// Accept `Admin*` operations from browsers (requests with an `Origin` header). Off by
    /// default: the local server has no SigV4/IAM, so with CORS open to every origin any web
    /// page the developer visits could otherwise call `AdminSetUserPassword`.
    #[serde(default)]
    pub allow_browser_admin: bool,
    /// Accept PKCE `code_challenge_method=plain` (and a `code_challenge` without a method,
    /// which RFC 7636 reads as plain). Off by default: AWS takes S256 only, and discovery then
    /// advertises S256 only.
    #[serde(default)]
    pub allow_pkce_plain: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            header_timeout_ms: default_header_timeout(),
            body_timeout_ms: default_body_timeout(),
            idle_timeout_ms: default_idle_timeout(),
            allow_browser_admin: false,
            allow_pkce_plain: false,
        }
    }
}

fn default_header_timeout() -> u64 {
    10_000
}
fn default_body_timeout() -> u64 {
    30_000
}
fn default_idle_timeout() -> u64 {
    60_000
}

/// One user pool.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolConfig {
    /// `<region>_<name>`, e.g. `us-east-1_LocalPool1`.
    pub id: String,
    /// Allow signing in with a verified email address instead of the username.
    #[serde(default)]
    pub email_alias: bool,
    /// Attributes verified automatically by sending a code (`email`).
    #[serde(default = "default_auto_verified")]
    pub auto_verified_attributes: Vec<String>,
    /// `OFF`, `OPTIONAL` or `ON`.
    #[serde(default = "default_mfa")]
    pub mfa: String,
    /// AWS's PreventUserExistenceErrors: an unknown user looks like a wrong password or code
    /// (default off, so a developer sees `UserNotFoundException`).
    #[serde(default)]
    pub prevent_user_existence_errors: bool,
    /// Password rules.
    #[serde(default)]
    pub password_policy: PasswordPolicy,
    /// Per-user abuse limits.
    #[serde(default)]
    pub limits: Limits,
    /// The pool schema's custom attributes (`custom:<name>`); others are refused, as AWS.
    #[serde(default)]
    pub custom_attributes: Vec<CustomAttribute>,
    /// App clients.
    #[serde(default)]
    pub clients: Vec<ClientConfig>,
    /// Users created at start-up if they do not exist yet.
    #[serde(default)]
    pub users: Vec<SeedUser>,
}

fn default_auto_verified() -> Vec<String> {
    vec!["email".into()]
}
fn default_mfa() -> String {
    "OPTIONAL".into()
}

/// AWS's most custom attributes per pool.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;
/// AWS's longest attribute value.
pub const MAX_ATTRIBUTE_VALUE: usize = 2048;

/// A custom attribute of the pool schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomAttribute {
    /// The name without `custom:` (1 to 20 characters, as AWS).
    pub name: String,
    /// Longest value (1 to 2048 characters; default 2048).
    #[serde(default = "default_max_length")]
    pub max_length: usize,
}

fn default_max_length() -> usize {
    MAX_ATTRIBUTE_VALUE
}

/// Per-user abuse limits (AWS does not publish its own; these are of the same order).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Codes sent to one user (sign-up, resend, forgot password, attribute verification) per
    /// window; more answer `LimitExceededException`.
    pub code_deliveries: u32,
    /// The window of `code_deliveries`, in seconds.
    pub code_delivery_window_seconds: i64,
    /// Wrong MFA codes of one user, across all sign-in sessions, per window; more (even a
    /// right code) answer `TooManyRequestsException` until the window has passed.
    pub mfa_failures: u32,
    /// The window of `mfa_failures`, in seconds.
    pub mfa_failure_window_seconds: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            code_deliveries: 10,
            code_delivery_window_seconds: 3600,
            mfa_failures: 10,
            mfa_failure_window_seconds: 900,
        }
    }
}

/// Password rules (defaults as AWS).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordPolicy {
    /// Minimum length.
    pub minimum_length: usize,
    /// Needs an upper-case letter.
    pub require_uppercase: bool,
    /// Needs a lower-case letter.
    pub require_lowercase: bool,
    /// Needs a digit.
    pub require_numbers: bool,
    /// Needs a symbol.
    pub require_symbols: bool,
    /// Days a temporary password from AdminCreateUser stays valid.
    pub temporary_password_validity_days: i64,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
        }
    }
}

/// One app client.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// Client id.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Client secret; if set, SECRET_HASH / client authentication is required.
    #[serde(default)]
    pub secret: Option<String>,
    /// Allowed `AuthFlow`s (`USER_SRP_AUTH`, `USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH`).
    #[serde(default = "default_flows")]
    pub auth_flows: Vec<String>,
    /// Registered OAuth redirect URIs (matched exactly).
    #[serde(default)]
    pub callback_urls: Vec<String>,
    /// Registered sign-out URLs (matched exactly).
    #[serde(default)]
    pub logout_urls: Vec<String>,
    /// Allowed OAuth scopes.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// ID token lifetime.
    #[serde(default = "default_hour")]
    pub id_token_validity_seconds: i64,
    /// Access token lifetime.
    #[serde(default = "default_hour")]
    pub access_token_validity_seconds: i64,
    /// Refresh token lifetime.
    #[serde(default = "default_refresh")]
    pub refresh_token_validity_seconds: i64,
    /// GetTokensFromRefreshToken returns a new refresh token and retires the old one.
    #[serde(default)]
    pub refresh_token_rotation: bool,
    /// With rotation: seconds a rotated-out refresh token keeps working, for client retries
    /// (AWS's `RetryGracePeriodSeconds`, 0 to 60; default 0: spent at once).
    #[serde(default)]
    pub refresh_token_grace_seconds: i64,
    /// Attributes this client may read (GetUser, the ID token, `/oauth2/userInfo`, the
    /// NEW_PASSWORD_REQUIRED challenge). Absent: AWS's default, every standard attribute, the
    /// `email_verified` / `phone_number_verified` flags and every custom attribute.
    #[serde(default)]
    pub read_attributes: Option<Vec<String>>,
    /// Attributes this client may write (SignUp, UpdateUserAttributes, DeleteUserAttributes,
    /// the NEW_PASSWORD_REQUIRED answer). Absent: AWS's default, every standard attribute and
    /// every custom attribute. The verification flags are never client-writable: they are set
    /// by verifying (or by an administrator), so they may not be listed.
    #[serde(default)]
    pub write_attributes: Option<Vec<String>>,
}

/// The standard (OIDC) attributes of a user pool, without `sub` and the verification flags.
pub const STANDARD_ATTRIBUTES: &[&str] = &[
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "address",
    "updated_at",
];

/// The verification flags: set by verifying a code, never by a client.
pub const VERIFICATION_FLAGS: &[&str] = &["email_verified", "phone_number_verified"];

fn default_flows() -> Vec<String> {
    vec!["USER_SRP_AUTH".into(), "REFRESH_TOKEN_AUTH".into()]
}
fn default_scopes() -> Vec<String> {
    [
        "openid",
        "email",
        "profile",
        "aws.cognito.signin.user.admin",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect()
}
fn default_hour() -> i64 {
    3600
}
fn default_refresh() -> i64 {
    30 * 24 * 3600
}

/// A user created at start-up.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    /// Username.
    pub username: String,
    /// Password (only its SRP verifier is stored).
    pub password: String,
    /// Attributes (`email`, `email_verified`, `name`, `custom:x`, ...).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Groups (`cognito:groups` claim).
    #[serde(default)]
    pub groups: Vec<String>,
    /// `CONFIRMED` (default), `UNCONFIRMED` or `FORCE_CHANGE_PASSWORD`.
    #[serde(default = "default_status")]
    pub status: String,
}

fn default_status() -> String {
    "CONFIRMED".into()
}

impl Config {
    /// Parses and checks a TOML configuration.
    ///
    /// # Errors
    /// Bad TOML, a malformed pool id, duplicate or missing ids.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let cfg: Config = toml::from_str(text)?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// The built-in default configuration.
    ///
    /// # Errors
    /// Never for the shipped file (a test checks it).
    pub fn default_config() -> Result<Self, ConfigError> {
        Self::parse(DEFAULT_CONFIG)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.pools.is_empty() {
            return Err(ConfigError::Invalid(
                "at least one [[pools]] entry is needed".into(),
            ));
        }
        let s = &self.server;
        for (what, v) in [
            ("header_timeout_ms", s.header_timeout_ms),
            ("body_timeout_ms", s.body_timeout_ms),
            ("idle_timeout_ms", s.idle_timeout_ms),
        ] {
            if !(1..=3_600_000).contains(&v) {
                return Err(ConfigError::Invalid(format!(
                    "[server] {what} must be between 1 and 3600000"
                )));
            }
        }
        let mut clients = std::collections::HashSet::new();
        let mut pools = std::collections::HashSet::new();
        for p in &self.pools {
            let ok = p.id.split_once('_').is_some_and(|(region, name)| {
                !region.is_empty()
                    && region
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric())
            });
            if !ok {
                return Err(ConfigError::Invalid(format!(
                    "pool id {:?} is not of the form <region>_<name>",
                    p.id
                )));
            }
            if !pools.insert(p.id.clone()) {
                return Err(ConfigError::Invalid(format!("duplicate pool id {}", p.id)));
            }
            if !["OFF", "OPTIONAL", "ON"].contains(&p.mfa.as_str()) {
                return Err(ConfigError::Invalid(format!(
                    "pool {}: mfa must be OFF, OPTIONAL or ON",
                    p.id
                )));
            }
            for c in &p.clients {
                if c.id.is_empty() || !clients.insert(c.id.clone()) {
                    return Err(ConfigError::Invalid(format!(
                        "empty or duplicate client id {:?}",
                        c.id
                    )));
                }
                for f in &c.auth_flows {
                    if !KNOWN_AUTH_FLOWS.contains(&f.strip_prefix("ALLOW_").unwrap_or(f)) {
                        return Err(ConfigError::Invalid(format!(
                            "client {}: unknown auth flow {f:?} (known: {}, each also with an ALLOW_ prefix)",
                            c.id,
                            KNOWN_AUTH_FLOWS.join(", ")
                        )));
                    }
                }
                for (what, urls) in [
                    ("callback_urls", &c.callback_urls),
                    ("logout_urls", &c.logout_urls),
                ] {
                    for u in urls {
                        let problem = match url::Url::parse(u) {
                            Err(e) => Some(e.to_string()),
                            // Web URLs need a host; native-app schemes (`myapp://`,
                            // RFC 8252's `com.example.app:/cb`) are compared as exact strings.
                            Ok(p) if matches!(p.scheme(), "http" | "https") && !p.has_host() => {
                                Some("no host".into())
                            }
                            // `localhost:8080/` parses as scheme `localhost`: a forgotten
                            // `http://`, not an app scheme.
                            Ok(p)
                                if !p.has_host()
                                    && p.path().starts_with(|c: char| c.is_ascii_digit()) =>
                            {
                                Some("looks like host:port without http://".into())
                            }
                            Ok(_) => None,
                        };
                        if let Some(e) = problem {
                            return Err(ConfigError::Invalid(format!(
                                "client {}: {what}: {u:?} is not an absolute URL (with a host, for http/https) ({e})",
                                c.id
                            )));
                        }
                    }
                }
                for (what, list) in [
                    ("read_attributes", &c.read_attributes),
                    ("write_attributes", &c.write_attributes),
                ] {
                    for a in list.iter().flatten() {
                        let known = STANDARD_ATTRIBUTES.contains(&a.as_str())
                            || VERIFICATION_FLAGS.contains(&a.as_str())
                            || a.starts_with("custom:");
                        if !known {
                            return Err(ConfigError::Invalid(format!(
                                "client {}: {what}: unknown attribute {a:?} (standard attributes, the verification flags or custom:<name>)",
                                c.id
                            )));
                        }
                        if what == "write_attributes" && VERIFICATION_FLAGS.contains(&a.as_str()) {
                            return Err(ConfigError::Invalid(format!(
                                "client {}: write_attributes: {a} is set by verification, never by a client",
                                c.id
                            )));
                        }
                    }
                }
                if !(0..=60).contains(&c.refresh_token_grace_seconds) {
                    return Err(ConfigError::Invalid(format!(
                        "client {}: refresh_token_grace_seconds must be between 0 and 60",
                        c.id
                    )));
                }
                for (what, v) in [
                    ("id_token_validity_seconds", c.id_token_validity_seconds),
                    (
                        "access_token_validity_seconds",
                        c.access_token_validity_seconds,
                    ),
                    (
                        "refresh_token_validity_seconds",
                        c.refresh_token_validity_seconds,
                    ),
                ] {
                    if !(1..=MAX_VALIDITY_SECS).contains(&v) {
                        return Err(ConfigError::Invalid(format!(
                            "client {}: {what} must be between 1 and {MAX_VALIDITY_SECS}",
                            c.id
                        )));
                    }
                }
            }
            for u in &p.users {
                if p.email_alias && crate::auth::is_email(&u.username) {
                    return Err(ConfigError::Invalid(format!(
                        "pool {}: seed user {:?}: a username cannot be of email format when email_alias is on",
                        p.id, u.username
                    )));
                }
                if !SEED_STATUSES.contains(&u.status.as_str()) {
                    return Err(ConfigError::Invalid(format!(
                        "pool {}: seed user {:?}: unknown status {:?} (known: {})",
                        p.id,
                        u.username,
                        u.status,
                        SEED_STATUSES.join(", ")
                    )));
                }
            }
            if p.custom_attributes.len() > MAX_CUSTOM_ATTRIBUTES {
                return Err(ConfigError::Invalid(format!(
                    "pool {}: at most {MAX_CUSTOM_ATTRIBUTES} custom_attributes (AWS's limit)",
                    p.id
                )));
            }
            let mut names = std::collections::HashSet::new();
            for a in &p.custom_attributes {
                let ok_name = (1..=20).contains(&a.name.chars().count())
                    && a.name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
                if !ok_name || !names.insert(a.name.as_str()) {
                    return Err(ConfigError::Invalid(format!(
                        "pool {}: custom attribute {:?}: names are 1-20 of [A-Za-z0-9_.-], unique, without custom:",
                        p.id, a.name
                    )));
                }
                if !(1..=MAX_ATTRIBUTE_VALUE).contains(&a.max_length) {
                    return Err(ConfigError::Invalid(format!(
                        "pool {}: custom attribute {}: max_length must be between 1 and {MAX_ATTRIBUTE_VALUE}",
                        p.id, a.name
                    )));
                }
            }
            for u in &p.users {
                for k in u.attributes.keys() {
                    if k.starts_with("custom:") && p.custom_attribute(k).is_none() {
                        return Err(ConfigError::Invalid(format!(
                            "pool {}: seed user {:?}: {k} is not in custom_attributes",
                            p.id, u.username
                        )));
                    }
                }
            }
            let l = &p.limits;
            if l.code_deliveries == 0
                || l.mfa_failures == 0
                || !(1..=86_400).contains(&l.code_delivery_window_seconds)
                || !(1..=86_400).contains(&l.mfa_failure_window_seconds)
            {
                return Err(ConfigError::Invalid(format!(
                    "pool {}: limits must be at least 1, windows between 1 and 86400 seconds",
                    p.id
                )));
            }
            if !(0..=365).contains(&p.password_policy.temporary_password_validity_days) {
                return Err(ConfigError::Invalid(format!(
                    "pool {}: temporary_password_validity_days must be between 0 and 365",
                    p.id
                )));
            }
        }
        Ok(())
    }
}

impl PoolConfig {
    /// The schema entry of `custom:<name>`, if declared.
    #[must_use]
    pub fn custom_attribute(&self, attribute: &str) -> Option<&CustomAttribute> {
        let name = attribute.strip_prefix("custom:")?;
        self.custom_attributes.iter().find(|a| a.name == name)
    }

    /// The region, the part of the pool id before `_`.
    #[must_use]
    pub fn region(&self) -> &str {
        self.id.split_once('_').map_or("", |(r, _)| r)
    }

    /// The pool name used in SRP, the part of the pool id after `_`.
    #[must_use]
    pub fn srp_pool_name(&self) -> &str {
        self.id.split_once('_').map_or("", |(_, n)| n)
    }
}

impl ClientConfig {
    /// Whether this client may read `name` ([`ClientConfig::read_attributes`]).
    #[must_use]
    pub fn can_read(&self, name: &str) -> bool {
        match &self.read_attributes {
            Some(list) => list.iter().any(|a| a == name),
            None => {
                STANDARD_ATTRIBUTES.contains(&name)
                    || VERIFICATION_FLAGS.contains(&name)
                    || name.starts_with("custom:")
            }
        }
    }

    /// Whether this client may write `name` ([`ClientConfig::write_attributes`]); never a
    /// verification flag.
    #[must_use]
    pub fn can_write(&self, name: &str) -> bool {
        if VERIFICATION_FLAGS.contains(&name) {
            return false;
        }
        match &self.write_attributes {
            Some(list) => list.iter().any(|a| a == name),
            None => STANDARD_ATTRIBUTES.contains(&name) || name.starts_with("custom:"),
        }
    }

    /// This app client as `cognito-core` describes it (pool, client id, secret), to build
    /// requests exactly as a client does (the hosted UI's pages call the API that way).
    ///
    /// # Errors
    /// A pool id `cognito-core` refuses; [`Config::parse`] only lets valid ones through.
    pub fn core_config(
        &self,
        pool: &PoolConfig,
    ) -> Result<cognito_core::wire::ClientConfig, cognito_core::Error> {
        let config = cognito_core::wire::ClientConfig::new(
            UserPoolId::parse(&pool.id)?,
            ClientId::new(self.id.as_str()),
        );
        Ok(match &self.secret {
            Some(secret) => config.with_client_secret(ClientSecret::new(secret.as_str())),
            None => config,
        })
    }

    /// `SECRET_HASH` of `username` for this client, computed as clients compute it
    /// ([`cognito_core::wire::secret_hash`]); `None` for a client without a secret.
    #[must_use]
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.secret.as_ref().map(|secret| {
            cognito_core::wire::secret_hash(
                &ClientSecret::new(secret.as_str()),
                username,
                &ClientId::new(self.id.as_str()),
            )
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn default_config_parses() {
        let c = Config::default_config().expect("default config");
        assert_eq!(c.pools[0].id, "us-east-1_LocalPool1");
        assert_eq!(c.pools[0].srp_pool_name(), "LocalPool1");
        assert_eq!(c.pools[0].clients.len(), 2);
    }

    #[test]
    fn absurd_lifetimes_rejected() {
        let base = DEFAULT_CONFIG.replace(
            "refresh_token_validity_seconds = 2592000",
            "refresh_token_validity_seconds = 9223372036854775807",
        );
        assert!(Config::parse(&base).is_err());
        let zero = DEFAULT_CONFIG.replace(
            "access_token_validity_seconds = 3600",
            "access_token_validity_seconds = 0",
        );
        assert!(Config::parse(&zero).is_err());
    }

    #[test]
    fn unknown_flows_bad_urls_and_unknown_statuses_rejected() {
        let msg = |text: &str| match Config::parse(text) {
            Err(ConfigError::Invalid(m)) => m,
            other => panic!("expected Invalid, got {other:?}"),
        };
        let m = msg(&DEFAULT_CONFIG.replacen("\"USER_PASSWORD_AUTH\"", "\"USER_PASWORD_AUTH\"", 1));
        assert!(m.contains("unknown auth flow \"USER_PASWORD_AUTH\""), "{m}");
        let m = msg(&DEFAULT_CONFIG.replacen(
            "callback_urls = [\"http://localhost:8080/\"",
            "callback_urls = [\"localhost:8080/\"",
            1,
        ));
        assert!(m.contains("callback_urls"), "{m}");
        let m = msg(&DEFAULT_CONFIG.replacen(
            "logout_urls = [\"http://localhost:8080/\"",
            "logout_urls = [\"/signed-out\"",
            1,
        ));
        assert!(m.contains("logout_urls"), "{m}");
        let m = msg(&DEFAULT_CONFIG.replace(
            "password = \"DemoPassw0rd!\"",
            "password = \"DemoPassw0rd!\"\nstatus = \"CONFIRMD\"",
        ));
        assert!(m.contains("unknown status \"CONFIRMD\""), "{m}");
        // The ALLOW_ spelling of a known flow and every known status are fine.
        let ok = DEFAULT_CONFIG
            .replacen("\"USER_SRP_AUTH\"", "\"ALLOW_USER_SRP_AUTH\"", 1)
            .replace(
                "password = \"DemoPassw0rd!\"",
                "password = \"DemoPassw0rd!\"\nstatus = \"FORCE_CHANGE_PASSWORD\"",
            );
        Config::parse(&ok).expect("valid");
        // Native-app redirect URIs (private-use schemes, RFC 8252 §7.1) are accepted.
        for native in [
            "myapp://",
            "myapp://callback",
            "com.example.app:/oauth2redirect",
        ] {
            let cfg = DEFAULT_CONFIG.replacen(
                "callback_urls = [\"http://localhost:8080/\"",
                &format!("callback_urls = [\"{native}\", \"http://localhost:8080/\""),
                1,
            );
            Config::parse(&cfg).unwrap_or_else(|e| panic!("{native}: {e:?}"));
        }
    }

    #[test]
    fn bad_pool_id_rejected() {
        assert!(Config::parse("[[pools]]\nid = \"nounderscore\"\n").is_err());
    }
}
