//! Domain logic shared by the user-pool API and the hosted UI: user lookup, lockout, codes and
//! the outbox, token minting, refresh-token families, access-token validation.

use cognito_core::oauth::TokenResponse;
use cognito_core::ops::{AuthenticationResult, CodeDeliveryDetails, DeliveryMedium};
use cognito_core::types::{AccessToken, IdToken, RefreshToken};
use cognito_core::CognitoErrorCode;
use serde_json::{json, Map, Value};

use crate::config::{ClientConfig, PoolConfig};
use crate::error::ApiError;
use crate::state::{family_key, user_key, AppState, CodeRec, Family, SessionRec, User, UserStatus};
use crate::store::{Kind, Tx};
use crate::util;

/// Failed attempts before the lockout starts (AWS: 5).
pub const LOCKOUT_AFTER: u32 = 5;
/// Wrong guesses of a code (or MFA code) before it is invalidated.
pub const MAX_CODE_ATTEMPTS: u32 = 5;
/// Longest lockout (AWS: about 15 minutes).
pub const LOCKOUT_MAX_SECS: i64 = 900;

/// Finds a user by username, or by verified email when the pool allows email sign-in.
///
/// # Errors
/// Storage failure.
pub fn find_user(tx: &Tx<'_>, pool: &PoolConfig, name: &str) -> Result<Option<User>, ApiError> {
    if let Some(u) = tx.user(&pool.id, name)? {
        return Ok(Some(u));
    }
    if pool.email_alias && name.contains('@') {
        return find_by_email_alias(tx, pool, name);
    }
    Ok(None)
}

/// The user whose verified email is `email`, through the alias index (one key lookup, never a
/// scan). An index entry is only a hint: the user it names must still hold that verified email.
///
/// # Errors
/// Storage failure.
pub fn find_by_email_alias(
    tx: &Tx<'_>,
    pool: &PoolConfig,
    email: &str,
) -> Result<Option<User>, ApiError> {
    let Some(username) = tx.alias(&pool.id, "email", email)? else {
        return Ok(None);
    };
    Ok(tx.user(&pool.id, &username)?.filter(|u| {
        u.verified_email()
            .is_some_and(|e| e.eq_ignore_ascii_case(email))
    }))
}

/// Saves a user, and points the email alias index at them while their email is verified.
///
/// # Errors
/// Storage failure.
pub fn save_user(tx: &Tx<'_>, pool: &PoolConfig, user: &User) -> Result<(), ApiError> {
    tx.put_user(&pool.id, user)?;
    tx.index_aliases(&pool.id, user)?;
    Ok(())
}

/// Before `user`'s `email` becomes verified in an `email_alias` pool: the address may be no
/// other user's verified email (AWS's alias uniqueness). With `force` (ConfirmSignUp's
/// `ForceAliasCreation`) the alias moves: the other user's email becomes unverified.
///
/// # Errors
/// AliasExistsException `An account with the given email already exists.`; storage failure.
pub fn claim_email_alias(
    tx: &Tx<'_>,
    pool: &PoolConfig,
    user: &User,
    email: &str,
    force: bool,
) -> Result<(), ApiError> {
    if !pool.email_alias {
        return Ok(());
    }
    let Some(mut other) = find_by_email_alias(tx, pool, email)? else {
        return Ok(());
    };
    if other.sub == user.sub {
        return Ok(());
    }
    if !force {
        return Err(ApiError::new(
            CognitoErrorCode::AliasExistsException,
            "An account with the given email already exists.",
        ));
    }
    other
        .attributes
        .insert("email_verified".into(), "false".into());
    save_user(tx, pool, &other)?;
    Ok(())
}

/// Whether `name` has the form of an email address (`local@domain.tld`).
#[must_use]
pub fn is_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((l, d)) => {
            !l.is_empty()
                && d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
                && !v.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Refuses while locked out after repeated wrong passwords.
///
/// # Errors
/// NotAuthorizedException `Password attempts exceeded`.
pub fn check_lockout(user: &User, now: i64) -> Result<(), ApiError> {
    if now < user.lockout_until {
        return Err(ApiError::not_authorized("Password attempts exceeded"));
    }
    Ok(())
}

/// Refuses to go on after a correct password while an administrator's demand stands: a
/// password reset (`RESET_REQUIRED`), or a new password for an expired temporary one
/// (`FORCE_CHANGE_PASSWORD`). Shared by the user-pool API and the hosted UI.
///
/// # Errors
/// PasswordResetRequiredException; NotAuthorizedException `Temporary password has expired …`.
pub fn check_password_status(user: &User, now: i64) -> Result<(), ApiError> {
    match user.status {
        UserStatus::ResetRequired => Err(ApiError::new(
            CognitoErrorCode::PasswordResetRequiredException,
            "Password reset required for the user",
        )),
        UserStatus::ForceChangePassword if user.temp_password_expires.is_some_and(|e| now > e) => {
            Err(ApiError::not_authorized(
                "Temporary password has expired and must be reset by an administrator.",
            ))
        }
        _ => Ok(()),
    }
}

/// Counts a wrong MFA code against the challenge session stored under `key` (the hash of the
/// session token): the session ends at the [`MAX_CODE_ATTEMPTS`]th wrong code.
///
/// # Errors
/// Storage failure.
pub fn count_wrong_session_code(
    tx: &Tx<'_>,
    key: &str,
    mut rec: SessionRec,
) -> Result<(), ApiError> {
    rec.attempts += 1;
    if rec.attempts >= MAX_CODE_ATTEMPTS {
        tx.delete(Kind::Session, key)?;
    } else {
        tx.put(Kind::Session, key, &rec)?;
    }
    Ok(())
}

/// Events of one user within a sliding window (code deliveries, wrong MFA codes), stored under
/// the user's key; `expires` lets the purge drop it once the last event is out of the window.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Window {
    times: Vec<i64>,
    expires: i64,
}

fn load_window(
    tx: &Tx<'_>,
    kind: Kind,
    key: &str,
    now: i64,
    secs: i64,
) -> Result<Window, ApiError> {
    let mut w: Window = tx.get(kind, key)?.unwrap_or_default();
    w.times.retain(|t| *t > now - secs);
    Ok(w)
}

fn push_window(
    tx: &Tx<'_>,
    kind: Kind,
    key: &str,
    mut w: Window,
    now: i64,
    secs: i64,
) -> Result<(), ApiError> {
    w.times.push(now);
    w.expires = now + secs;
    tx.put(kind, key, &w)?;
    Ok(())
}

/// Counts a code delivery to the user (or to a probed name that does not exist: the same
/// limit, so a throttled answer does not tell them apart).
///
/// # Errors
/// LimitExceededException `Attempt limit exceeded, please try after some time.` once the
/// pool's `limits.code_deliveries` per window are used; storage failure.
pub fn count_delivery(
    state: &AppState,
    tx: &Tx<'_>,
    pool: &PoolConfig,
    name: &str,
) -> Result<(), ApiError> {
    let (now, secs) = (state.now(), pool.limits.code_delivery_window_seconds);
    let key = user_key(&pool.id, name);
    let w = load_window(tx, Kind::Deliveries, &key, now, secs)?;
    if w.times.len() >= pool.limits.code_deliveries as usize {
        tracing::info!(pool = %pool.id, username = name, "code delivery limit reached");
        return Err(ApiError::new(
            CognitoErrorCode::LimitExceededException,
            "Attempt limit exceeded, please try after some time.",
        ));
    }
    push_window(tx, Kind::Deliveries, &key, w, now, secs)
}

/// Refuses MFA answers for a user with too many wrong MFA codes in the window, across all
/// sessions (a session alone allows [`MAX_CODE_ATTEMPTS`], but a known password opens new
/// ones).
///
/// # Errors
/// TooManyRequestsException; storage failure.
pub fn check_mfa_throttle(
    state: &AppState,
    tx: &Tx<'_>,
    pool: &PoolConfig,
    user: &User,
) -> Result<(), ApiError> {
    let w = load_window(
        tx,
        Kind::MfaFailures,
        &user_key(&pool.id, &user.username),
        state.now(),
        pool.limits.mfa_failure_window_seconds,
    )?;
    if w.times.len() >= pool.limits.mfa_failures as usize {
        return Err(ApiError::new(
            CognitoErrorCode::TooManyRequestsException,
            "Too many failed MFA attempts for the user, please try after some time.",
        ));
    }
    Ok(())
}

/// Counts a wrong MFA code against the user ([`check_mfa_throttle`]); a right one clears the
/// count (`ok`).
///
/// # Errors
/// Storage failure.
pub fn record_mfa_result(
    state: &AppState,
    tx: &Tx<'_>,
    pool: &PoolConfig,
    user: &User,
    ok: bool,
) -> Result<(), ApiError> {
    let key = user_key(&pool.id, &user.username);
    if ok {
        tx.delete(Kind::MfaFailures, &key)?;
        return Ok(());
    }
    let (now, secs) = (state.now(), pool.limits.mfa_failure_window_seconds);
    let w = load_window(tx, Kind::MfaFailures, &key, now, secs)?;
    push_window(tx, Kind::MfaFailures, &key, w, now, secs)
}

/// Counts a wrong password: from the 5th failure on, a lockout of 1 s doubling up to 15 min.
pub fn record_failure(user: &mut User, now: i64) {
    user.failed_attempts = user.failed_attempts.saturating_add(1);
    if user.failed_attempts >= LOCKOUT_AFTER {
        let exp = (user.failed_attempts - LOCKOUT_AFTER).min(20);
        user.lockout_until = now + (1i64 << exp).min(LOCKOUT_MAX_SECS);
    }
}

/// Creates a code, stores it under `purpose`, writes it to the outbox and the log, and returns
/// the `CodeDeliveryDetails`.
///
/// # Errors
/// InvalidParameterException when the user has no email; storage failure.
#[allow(clippy::too_many_arguments)]
pub fn send_code(
    state: &AppState,
    tx: &Tx<'_>,
    pool: &PoolConfig,
    client_id: &str,
    user: &User,
    purpose: &str,
    attribute: &str,
    lifetime: i64,
) -> Result<CodeDeliveryDetails, ApiError> {
    let Some(dest) = user.attr(attribute).map(str::to_string) else {
        return Err(ApiError::invalid_param(format!(
            "Cannot send a code: the user has no {attribute} attribute"
        )));
    };
    count_delivery(state, tx, pool, &user.username)?;
    let code = util::random_code();
    let now = state.now();
    let key = format!(
        "{}|{}",
        user_key(&pool.id, &user.username),
        purpose_key(purpose, attribute)
    );
    tx.put(
        Kind::Code,
        &key,
        &CodeRec {
            code: code.clone(),
            expires: now + lifetime,
            attribute: Some(attribute.into()),
            value: Some(dest.clone()),
            attempts: 0,
        },
    )?;
    outbox(
        state, tx, pool, client_id, user, &dest, attribute, purpose, &code,
    )?;
    Ok(delivery(&dest, attribute))
}

fn purpose_key(purpose: &str, attribute: &str) -> String {
    match purpose {
        "SignUp" | "ResendConfirmationCode" => "signup".into(),
        "ForgotPassword" => "forgot".into(),
        _ => format!("verify:{attribute}"),
    }
}

/// How a code for `attribute` travels: by SMS to `phone_number`, else by email.
fn medium(attribute: &str) -> DeliveryMedium {
    if attribute == "phone_number" {
        DeliveryMedium::Sms
    } else {
        DeliveryMedium::Email
    }
}

/// `CodeDeliveryDetails` for a destination.
#[must_use]
pub fn delivery(dest: &str, attribute: &str) -> CodeDeliveryDetails {
    CodeDeliveryDetails {
        destination: Some(util::mask_destination(dest)),
        delivery_medium: Some(medium(attribute)),
        attribute_name: Some(attribute.to_owned()),
    }
}

/// Writes a message to the dev outbox and the log.
///
/// # Errors
/// Storage failure.
#[allow(clippy::too_many_arguments)]
pub fn outbox(
    state: &AppState,
    tx: &Tx<'_>,
    pool: &PoolConfig,
    client_id: &str,
    user: &User,
    dest: &str,
    attribute: &str,
    purpose: &str,
    code: &str,
) -> Result<(), ApiError> {
    tracing::info!(
        pool = %pool.id, username = %user.username, purpose, destination = dest,
        "code for {} ({purpose}): {code}", user.username
    );
    tx.outbox_push(
        &user.username,
        &json!({
            "poolId": pool.id,
            "clientId": client_id,
            "username": user.username,
            "destination": dest,
            "deliveryMedium": medium(attribute).as_str(),
            "attributeName": attribute,
            "purpose": purpose,
            "code": code,
            "createdAt": state.now(),
        }),
    )?;
    Ok(())
}

/// A refusal whose writes must be committed (a counted wrong guess), inside `Ok` so that the
/// transaction commits: `Ok(Err(e))` commits then answers `e`; a plain `Err` rolls back.
pub type Counted<T> = Result<T, ApiError>;

/// Logs a temporary password and keeps it in the in-memory outbox only (never in SQLite): a
/// deliberate development-only exception, since the point of the outbox is to show it.
pub fn outbox_in_memory(
    state: &AppState,
    pool: &PoolConfig,
    user: &User,
    dest: &str,
    purpose: &str,
    secret: &str,
) {
    tracing::info!(
        pool = %pool.id, username = %user.username, purpose, destination = dest,
        "temporary password for {} ({purpose}): {secret}", user.username
    );
    state.memory_outbox_push(
        &user.username,
        json!({
            "poolId": pool.id,
            "clientId": "",
            "username": user.username,
            "destination": dest,
            "deliveryMedium": DeliveryMedium::Email.as_str(),
            "attributeName": "email",
            "purpose": purpose,
            "code": secret,
            "createdAt": state.now(),
        }),
    );
}

/// Checks and consumes a code. A wrong guess is counted: `Ok(Err(CodeMismatchException /
/// LimitExceededException))`, to be committed and then returned.
///
/// # Errors
/// CodeMismatchException (no such code), ExpiredCodeException; storage failure.
pub fn take_code(
    state: &AppState,
    tx: &Tx<'_>,
    pool: &PoolConfig,
    user: &User,
    purpose: &str,
    attribute: &str,
    given: &str,
) -> Result<Counted<()>, ApiError> {
    let key = format!(
        "{}|{}",
        user_key(&pool.id, &user.username),
        purpose_key(purpose, attribute)
    );
    let Some(mut rec) = tx.get::<CodeRec>(Kind::Code, &key)? else {
        return Err(ApiError::code_mismatch());
    };
    if !util::ct_eq(&rec.code, given) {
        rec.attempts += 1;
        if rec.attempts >= MAX_CODE_ATTEMPTS {
            tx.delete(Kind::Code, &key)?;
            return Ok(Err(ApiError::new(
                CognitoErrorCode::LimitExceededException,
                "Attempt limit exceeded, please try after some time.",
            )));
        }
        tx.put(Kind::Code, &key, &rec)?;
        return Ok(Err(ApiError::code_mismatch()));
    }
    if state.now() > rec.expires {
        return Err(ApiError::expired_code());
    }
    // An attribute-verification code proves the value it was sent to, not whatever the
    // attribute holds now (e.g. an email changed afterwards without a new code).
    if purpose == "VerifyUserAttribute" {
        if let Some(sent_to) = &rec.value {
            if user.attr(attribute) != Some(sent_to.as_str()) {
                tx.delete(Kind::Code, &key)?;
                return Ok(Err(ApiError::code_mismatch()));
            }
        }
    }
    tx.delete(Kind::Code, &key)?;
    Ok(Ok(()))
}

/// The tokens of a sign-in or refresh as `/oauth2/token` sends them: the same tokens as the
/// API's `AuthenticationResult`, in the OAuth shape `cognito-core` reads.
#[must_use]
pub fn token_response(t: AuthenticationResult) -> TokenResponse {
    // Lifetimes are at least 1 s (the config is checked), so never negative.
    let mut r = TokenResponse::new(t.access_token, u64::try_from(t.expires_in).unwrap_or(0));
    r.id_token = t.id_token;
    r.refresh_token = t.refresh_token;
    r
}

/// The native API scope.
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Tokens recorded in the store but not signed yet: RS256 signing is slow, so it happens after
/// the transaction has committed and released the store lock ([`Unsigned::sign`]).
#[derive(Debug, Clone)]
#[must_use = "the tokens still have to be signed"]
pub struct Unsigned<'s> {
    pool: &'s PoolConfig,
    client: &'s ClientConfig,
    user: User,
    family: Family,
    nonce: Option<String>,
    with_id_token: bool,
    with_at_hash: bool,
    refresh_token: Option<String>,
    /// `iat`, fixed in the transaction that recorded the family's `access_expires`.
    now: i64,
}

impl Unsigned<'_> {
    /// Signs the ID and access tokens: the API's `AuthenticationResult`.
    ///
    /// # Errors
    /// InternalErrorException if the pool has no signing keys (cannot happen for a configured
    /// pool: [`AppState::new`] makes them).
    pub fn sign(self, state: &AppState) -> Result<AuthenticationResult, ApiError> {
        let mut t = mint(
            state,
            self.now,
            self.pool,
            self.client,
            &self.user,
            &self.family,
            self.nonce.as_deref(),
            self.with_id_token,
            self.with_at_hash,
        )?;
        t.refresh_token = self.refresh_token.map(RefreshToken::new);
        Ok(t)
    }

    /// Adds a (rotated) refresh token to the result.
    pub fn with_refresh_token(mut self, token: String) -> Self {
        self.refresh_token = Some(token);
        self
    }
}

/// Starts a new refresh-token family (stored in `tx`) for ID, access and refresh tokens; sign
/// them with [`Unsigned::sign`] after the transaction commits.
///
/// # Errors
/// NotAuthorizedException `User is disabled.`; storage failure.
#[allow(clippy::too_many_arguments)]
pub fn issue<'s>(
    state: &AppState,
    tx: &Tx<'_>,
    pool: &'s PoolConfig,
    client: &'s ClientConfig,
    user: &User,
    auth_time: i64,
    scope: Vec<String>,
    nonce: Option<&str>,
    with_id_token: bool,
    with_at_hash: bool,
) -> Result<Unsigned<'s>, ApiError> {
    if !user.enabled {
        return Err(ApiError::not_authorized("User is disabled."));
    }
    let now = state.now();
    let family = Family {
        pool: pool.id.clone(),
        client_id: client.id.clone(),
        username: user.username.clone(),
        origin_jti: uuid::Uuid::new_v4().to_string(),
        auth_time,
        scope,
        revoked: false,
        expires: now + client.refresh_token_validity_seconds,
        access_expires: now + client.access_token_validity_seconds,
    };
    let fkey = family_key(&pool.id, &user.username, &family.origin_jti);
    tx.put(Kind::Family, &fkey, &family)?;
    let refresh = util::random_token(96);
    tx.put_refresh_token(&util::sha256_hex(&refresh), &fkey)?;
    Ok(Unsigned {
        pool,
        client,
        user: user.clone(),
        family,
        nonce: nonce.map(str::to_string),
        with_id_token,
        with_at_hash,
        refresh_token: Some(refresh),
        now,
    })
}

/// A refresh token rotated out within its client's grace period (`spent` records): it keeps
/// working until `expires`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct SpentRefresh {
    family: String,
    expires: i64,
}

/// The family key of a refresh token that still works: a live one, or one rotated out whose
/// grace period has not ended.
///
/// # Errors
/// Storage failure.
pub fn refresh_family_key(
    state: &AppState,
    tx: &Tx<'_>,
    token: &str,
) -> Result<Option<String>, ApiError> {
    let key = util::sha256_hex(token);
    if let Some(fkey) = tx.refresh_token(&key)? {
        return Ok(Some(fkey));
    }
    Ok(tx
        .get::<SpentRefresh>(Kind::Spent, &key)?
        .filter(|s| state.now() <= s.expires)
        .map(|s| s.family))
}

/// Refresh-token rotation: `t` gets a new refresh token in the same family, and `old` is spent
/// at once, or after the client's `refresh_token_grace_seconds` (a retry within them works).
///
/// # Errors
/// Storage failure.
pub fn rotate<'s>(
    state: &AppState,
    tx: &Tx<'_>,
    client: &ClientConfig,
    old: &str,
    t: Unsigned<'s>,
) -> Result<Unsigned<'s>, ApiError> {
    let Some(fkey) = refresh_family_key(state, tx, old)? else {
        return Err(ApiError::not_authorized("Invalid Refresh Token"));
    };
    let new = util::random_token(96);
    tx.put_refresh_token(&util::sha256_hex(&new), &fkey)?;
    let old_key = util::sha256_hex(old);
    if tx.delete_refresh_token(&old_key)? && client.refresh_token_grace_seconds > 0 {
        tx.put(
            Kind::Spent,
            &old_key,
            &SpentRefresh {
                family: fkey,
                expires: state.now() + client.refresh_token_grace_seconds,
            },
        )?;
    }
    Ok(t.with_refresh_token(new))
}

/// Looks up a live refresh token: its family key and family.
///
/// # Errors
/// NotAuthorizedException `Invalid Refresh Token` / `User is disabled.` /
/// `Refresh Token has been revoked`.
pub fn refresh_family(
    state: &AppState,
    tx: &Tx<'_>,
    client_id: &str,
    token: &str,
) -> Result<(String, Family), ApiError> {
    let invalid = || ApiError::not_authorized("Invalid Refresh Token");
    let Some(fkey) = refresh_family_key(state, tx, token)? else {
        return Err(invalid());
    };
    let Some(family) = tx.get::<Family>(Kind::Family, &fkey)? else {
        return Err(invalid());
    };
    if family.client_id != client_id {
        return Err(invalid());
    }
    let user = tx.user(&family.pool, &family.username)?;
    if user.is_some_and(|u| !u.enabled) {
        return Err(ApiError::not_authorized("User is disabled."));
    }
    if family.revoked {
        return Err(ApiError::not_authorized("Refresh Token has been revoked"));
    }
    if state.now() >= family.expires {
        return Err(ApiError::not_authorized("Refresh Token has expired"));
    }
    Ok((fkey, family))
}

/// New ID and access tokens from a refresh token (the refresh token is not rotated); sign them
/// with [`Unsigned::sign`] after the transaction.
///
/// # Errors
/// As [`refresh_family`]; NotAuthorizedException if the user is gone or disabled.
pub fn refresh<'s>(
    state: &AppState,
    tx: &Tx<'_>,
    pool: &'s PoolConfig,
    client: &'s ClientConfig,
    token: &str,
) -> Result<Unsigned<'s>, ApiError> {
    let (fkey, mut family) = refresh_family(state, tx, &client.id, token)?;
    let Some(user) = tx.user(&pool.id, &family.username)? else {
        return Err(ApiError::not_authorized("Refresh Token has been revoked"));
    };
    if !user.enabled {
        return Err(ApiError::not_authorized("User is disabled."));
    }
    let with_id = family
        .scope
        .iter()
        .any(|s| s == "openid" || s == ADMIN_SCOPE);
    let now = state.now();
    let access_expires = now + client.access_token_validity_seconds;
    if access_expires > family.access_expires {
        family.access_expires = access_expires;
        tx.put(Kind::Family, &fkey, &family)?;
    }
    Ok(Unsigned {
        pool,
        client,
        user,
        family,
        nonce: None,
        with_id_token: with_id,
        with_at_hash: false,
        refresh_token: None,
        now,
    })
}

/// `at_hash` of an access token (OIDC Core 3.1.3.6): the left half of its SHA-256, base64url.
#[must_use]
pub fn at_hash(access_token: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let h = sha2::Sha256::digest(access_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&h[..16])
}

/// Signs an ID token and an access token for a family, issued at `now`; `with_at_hash` puts the
/// access token's `at_hash` into the ID token (hosted-UI authorization-code grant, as AWS).
///
/// # Errors
/// InternalErrorException if the pool has no signing keys.
#[allow(clippy::too_many_arguments)]
pub fn mint(
    state: &AppState,
    now: i64,
    pool: &PoolConfig,
    client: &ClientConfig,
    user: &User,
    family: &Family,
    nonce: Option<&str>,
    with_id_token: bool,
    with_at_hash: bool,
) -> Result<AuthenticationResult, ApiError> {
    let iss = state.issuer(&pool.id);
    let event_id = uuid::Uuid::new_v4().to_string();
    let keys = state.keys.get(&pool.id).ok_or_else(|| {
        tracing::error!(pool = %pool.id, "no signing keys for the pool");
        ApiError::internal("Internal server error.")
    })?;

    let mut access = Map::new();
    access.insert("sub".into(), json!(user.sub));
    if !user.groups.is_empty() {
        access.insert("cognito:groups".into(), json!(user.groups));
    }
    access.insert("iss".into(), json!(iss));
    access.insert("client_id".into(), json!(client.id));
    access.insert("origin_jti".into(), json!(family.origin_jti));
    access.insert("event_id".into(), json!(event_id));
    access.insert("token_use".into(), json!("access"));
    access.insert("scope".into(), json!(family.scope.join(" ")));
    access.insert("auth_time".into(), json!(family.auth_time));
    access.insert(
        "exp".into(),
        json!(now + client.access_token_validity_seconds),
    );
    access.insert("iat".into(), json!(now));
    access.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
    access.insert("version".into(), json!(2));
    access.insert("username".into(), json!(user.username));
    let access_token = keys.access.sign(&access);

    let id_token = with_id_token.then(|| {
        let mut id = Map::new();
        id.insert("sub".into(), json!(user.sub));
        if !user.groups.is_empty() {
            id.insert("cognito:groups".into(), json!(user.groups));
        }
        for (k, v) in user.attributes.iter().filter(|(k, _)| client.can_read(k)) {
            let val = if k.ends_with("_verified") {
                json!(v == "true")
            } else {
                json!(v)
            };
            id.insert(k.clone(), val);
        }
        id.insert("iss".into(), json!(iss));
        id.insert("cognito:username".into(), json!(user.username));
        if let Some(n) = nonce {
            id.insert("nonce".into(), json!(n));
        }
        if with_at_hash {
            id.insert("at_hash".into(), json!(at_hash(&access_token)));
        }
        id.insert("origin_jti".into(), json!(family.origin_jti));
        id.insert("aud".into(), json!(client.id));
        id.insert("event_id".into(), json!(event_id));
        id.insert("token_use".into(), json!("id"));
        id.insert("auth_time".into(), json!(family.auth_time));
        id.insert("exp".into(), json!(now + client.id_token_validity_seconds));
        id.insert("iat".into(), json!(now));
        id.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
        keys.id.sign(&id)
    });

    Ok(AuthenticationResult {
        access_token: AccessToken::new(access_token),
        expires_in: client.access_token_validity_seconds,
        token_type: "Bearer".to_owned(),
        refresh_token: None,
        id_token: id_token.map(IdToken::new),
        new_device_metadata: None,
    })
}

/// A validated access token.
#[derive(Debug, Clone)]
pub struct AccessContext {
    /// Pool id.
    pub pool_id: String,
    /// The user (fresh from the store).
    pub user: User,
    /// The token's claims.
    pub claims: Map<String, Value>,
}

/// Validates an access token: signature, `token_use`, `exp`, not revoked, user exists and is
/// enabled.
///
/// # Errors
/// NotAuthorizedException (`Invalid Access Token`, `Access Token has expired`,
/// `Access Token has been revoked`, `User is disabled.`), UserNotFoundException.
pub fn validate_access(
    state: &AppState,
    tx: &Tx<'_>,
    token: &str,
) -> Result<AccessContext, ApiError> {
    let invalid = || ApiError::not_authorized("Invalid Access Token");
    let Some((pool_id, claims)) = state
        .keys
        .iter()
        .find_map(|(pid, k)| k.access.verify(token).map(|c| (pid.clone(), c)))
    else {
        return Err(invalid());
    };
    if claims.get("token_use").and_then(Value::as_str) != Some("access")
        || claims.get("iss").and_then(Value::as_str) != Some(state.issuer(&pool_id).as_str())
    {
        return Err(invalid());
    }
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    if state.now() >= exp {
        return Err(ApiError::not_authorized("Access Token has expired"));
    }
    let username = claims
        .get("username")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let origin = claims
        .get("origin_jti")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let user = tx
        .user(&pool_id, username)?
        .filter(|u| claims.get("sub").and_then(Value::as_str) == Some(u.sub.as_str()));
    // Disabling also revokes, but the disabled state is the more useful answer.
    if user.as_ref().is_some_and(|u| !u.enabled) {
        return Err(ApiError::not_authorized("User is disabled."));
    }
    let family: Option<Family> = tx.get(Kind::Family, &family_key(&pool_id, username, origin))?;
    if family.is_none_or(|f| f.revoked) {
        return Err(ApiError::not_authorized("Access Token has been revoked"));
    }
    let Some(user) = user else {
        return Err(ApiError::user_not_found());
    };
    Ok(AccessContext {
        pool_id,
        user,
        claims,
    })
}

/// Ends the sign-ins of a user who is disabled (`deleted = false`) or deleted: refresh-token
/// families are revoked, hosted-UI sessions and authorization codes deleted; for a deleted
/// user also challenge sessions, SRP states and one-time codes, which a re-created username
/// would otherwise inherit. (A disabled user's challenge sessions are refused at the next
/// step and expire within minutes.)
///
/// # Errors
/// Storage failure.
pub fn forget_sign_ins(
    tx: &Tx<'_>,
    pool_id: &str,
    username: &str,
    deleted: bool,
) -> Result<(), ApiError> {
    revoke_all(tx, pool_id, username)?;
    tx.delete_user_records(pool_id, username, deleted)?;
    Ok(())
}

/// Revokes every refresh-token family of a user (GlobalSignOut, DeleteUser).
///
/// # Errors
/// Storage failure.
pub fn revoke_all(tx: &Tx<'_>, pool_id: &str, username: &str) -> Result<(), ApiError> {
    let fams: Vec<(String, Family)> = tx.owned(Kind::Family, pool_id, username)?;
    let lname = username.to_lowercase();
    for (k, mut f) in fams {
        if !f.revoked && f.username.to_lowercase() == lname {
            f.revoked = true;
            tx.put(Kind::Family, &k, &f)?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn password_status_refuses_reset_and_expired_temporary_password() {
        let mut user = User::new("u", 0);
        for status in [
            UserStatus::Unconfirmed,
            UserStatus::Confirmed,
            UserStatus::ForceChangePassword,
        ] {
            user.status = status;
            assert!(check_password_status(&user, 100).is_ok(), "{status}");
        }
        user.temp_password_expires = Some(100);
        assert!(check_password_status(&user, 100).is_ok(), "at expiry");
        let e = check_password_status(&user, 101).unwrap_err();
        assert_eq!(e.code, CognitoErrorCode::NotAuthorizedException);
        assert_eq!(
            e.message,
            "Temporary password has expired and must be reset by an administrator."
        );
        user.status = UserStatus::ResetRequired;
        let e = check_password_status(&user, 0).unwrap_err();
        assert_eq!(e.code, CognitoErrorCode::PasswordResetRequiredException);
        assert_eq!(e.message, "Password reset required for the user");
    }
}
