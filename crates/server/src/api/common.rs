//! Checks and helpers shared by the operations: clients and secret hashes, usernames,
//! passwords and attributes, unknown users under PreventUserExistenceErrors, SRP challenges
//! and challenge sessions.

use super::*;

// ---------------------------------------------------------------------------------------------
// Shared checks

pub(super) fn client<'s>(
    state: &'s AppState,
    r: &Req<'_>,
) -> Result<(&'s PoolConfig, &'s ClientConfig), ApiError> {
    let id = r.req_str("ClientId", 128)?;
    state.client(id).ok_or_else(|| ApiError::unknown_client(id))
}

pub(super) fn check_secret_hash(
    client: &ClientConfig,
    usernames: &[&str],
    given: Option<&str>,
) -> Result<(), ApiError> {
    if client.secret.is_none() {
        return Ok(());
    }
    let Some(given) = given.filter(|g| !g.is_empty()) else {
        return Err(ApiError::not_authorized(format!(
            "Client {} is configured for secret but secret was not received",
            client.id
        )));
    };
    if usernames.iter().any(|u| {
        client
            .secret_hash(u)
            .is_some_and(|h| util::ct_eq(&h, given))
    }) {
        Ok(())
    } else {
        Err(ApiError::not_authorized(format!(
            "Unable to verify secret hash for client {}",
            client.id
        )))
    }
}

/// Checks the SECRET_HASH of an MFA challenge answer: computed over the answer's `USERNAME`
/// (the session's user when absent) or over the session's user.
pub(super) fn check_challenge_secret_hash(
    client: &ClientConfig,
    resp: &BTreeMap<String, String>,
    user: &User,
) -> Result<(), ApiError> {
    let username = resp
        .get("USERNAME")
        .map_or(user.username.as_str(), String::as_str);
    check_secret_hash(
        client,
        &[username, &user.username],
        resp.get("SECRET_HASH").map(String::as_str),
    )
}

pub(super) fn check_client_secret(
    client: &ClientConfig,
    given: Option<&str>,
) -> Result<(), ApiError> {
    match (&client.secret, given) {
        (None, _) => Ok(()),
        (Some(s), Some(g)) if util::ct_eq(s, g) => Ok(()),
        (Some(_), _) => Err(ApiError::not_authorized(format!(
            "Unable to verify secret hash for client {}",
            client.id
        ))),
    }
}

pub(super) fn check_username(name: &str) -> Result<(), ApiError> {
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiError::invalid_param(
            "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
        ));
    }
    Ok(())
}

/// InvalidPasswordException `Password does not conform to policy: <rule>`.
pub(super) fn check_password_policy(pool: &PoolConfig, pw: &str) -> Result<(), ApiError> {
    util::check_password_policy(&pool.password_policy, pw)
        .map_err(|m| ApiError::new(CognitoErrorCode::InvalidPasswordException, m))
}

pub(super) fn validate_attributes(
    pool: &PoolConfig,
    attrs: &[(String, String)],
) -> Result<(), ApiError> {
    // Every name is in the schema, so a longer list can only repeat names.
    let most = STANDARD_ATTRIBUTES.len() + VERIFICATION_FLAGS.len() + MAX_CUSTOM_ATTRIBUTES;
    if attrs.len() > most {
        return Err(ApiError::invalid_param(format!(
            "Attributes did not conform to the schema: at most {most} attributes"
        )));
    }
    for (n, v) in attrs {
        if let Some(name) = n.strip_prefix("custom:") {
            let Some(decl) = pool.custom_attribute(n) else {
                return Err(ApiError::invalid_param(format!(
                    "Attributes did not conform to the schema: custom:{name}: Attribute does not exist in the schema."
                )));
            };
            if v.chars().count() > decl.max_length {
                return Err(ApiError::invalid_param(format!(
                    "Attributes did not conform to the schema: {n}: String must be no longer than {} characters",
                    decl.max_length
                )));
            }
        }
        if n == "sub" {
            return Err(ApiError::invalid_param(format!(
                "{n}: Attribute cannot be updated."
            )));
        }
        let known =
            STANDARD_ATTRIBUTES.contains(&n.as_str()) || VERIFICATION_FLAGS.contains(&n.as_str());
        if !known && !n.starts_with("custom:") {
            return Err(ApiError::invalid_param(format!(
                "Attributes did not conform to the schema: {n}: Attribute does not exist in the schema."
            )));
        }
        if n == "email" && !is_email(v) {
            return Err(ApiError::invalid_param("Invalid email address format."));
        }
    }
    Ok(())
}

/// NotAuthorizedException `A client attempted to write unauthorized attribute` (AWS's answer)
/// unless `client` may write every one of `names`: never a verification flag, and only what
/// its `write_attributes` allow.
pub(super) fn check_writable<'n>(
    client: &ClientConfig,
    names: impl IntoIterator<Item = &'n str>,
) -> Result<(), ApiError> {
    for n in names {
        if !client.can_write(n) {
            tracing::info!(client = %client.id, attribute = n, "refused a write of an attribute the client may not write");
            return Err(ApiError::not_authorized(
                "A client attempted to write unauthorized attribute",
            ));
        }
    }
    Ok(())
}

/// The user's attributes `client` may read, `sub` first (GetUser).
pub(super) fn readable_attributes(
    user: &User,
    client: Option<&ClientConfig>,
) -> Vec<ops::AttributeType> {
    user.attribute_list()
        .into_iter()
        .filter(|a| a.name == "sub" || client.is_none_or(|c| c.can_read(&a.name)))
        .collect()
}

pub(super) fn is_email(v: &str) -> bool {
    auth::is_email(v)
}

/// With `email_alias`, a username may not look like an email (AWS), or it would shadow the
/// sign-in of the user whose verified email it is.
pub(super) fn check_username_for_pool(pool: &PoolConfig, name: &str) -> Result<(), ApiError> {
    check_username(name)?;
    if pool.email_alias && is_email(name) {
        return Err(ApiError::invalid_param(
            "Username cannot be of email format, since user pool is configured for email alias.",
        ));
    }
    Ok(())
}

pub(super) fn load_user(tx: &Tx<'_>, pool: &PoolConfig, name: &str) -> Result<User, ApiError> {
    auth::find_user(tx, pool, name)?.ok_or_else(ApiError::user_not_found)
}

/// Loads a user; `None` for an unknown one where the pool hides that
/// (`prevent_user_existence_errors`), so the caller can answer as if the user existed.
pub(super) fn load_user_unless_hidden(
    tx: &Tx<'_>,
    pool: &PoolConfig,
    name: &str,
) -> Result<Option<User>, ApiError> {
    match load_user(tx, pool, name) {
        Err(e)
            if pool.prevent_user_existence_errors
                && e.code == CognitoErrorCode::UserNotFoundException =>
        {
            Ok(None)
        }
        r => r.map(Some),
    }
}

/// With `prevent_user_existence_errors`, turns UserNotFoundException into `hidden`.
pub(super) fn hide_unknown(pool: &PoolConfig, e: ApiError, hidden: fn() -> ApiError) -> ApiError {
    if pool.prevent_user_existence_errors && e.code == CognitoErrorCode::UserNotFoundException {
        hidden()
    } else {
        e
    }
}

/// A `CodeDeliveryDetails` for a user that does not exist (PreventUserExistenceErrors),
/// shaped like a real one: for an email-shaped name the mask of that address (what a real
/// user found by their email alias shows), otherwise the name's first letter and a domain
/// letter that is stable per pool and name, never one constant a prober could recognise.
pub(super) fn fake_delivery(
    state: &AppState,
    tx: &Tx<'_>,
    pool: &PoolConfig,
    username: &str,
) -> Result<Value, ApiError> {
    auth::count_delivery(state, tx, pool, username)?;
    if auth::is_email(username) {
        return code_sent(auth::delivery(username, "email"));
    }
    let mac = fake_user_mac(state, pool, "destination", username);
    let letters = b"abcdefghijklmnopqrstuvwxyz";
    let domain = letters[usize::from(mac.first().copied().unwrap_or(0)) % letters.len()];
    let first: String = username.chars().take(1).collect::<String>().to_lowercase();
    let fake = format!("{first}@{}.example", char::from(domain));
    code_sent(auth::delivery(&fake, "email"))
}

/// The answer of the operations that send a code: where it went.
pub(super) fn code_sent(details: ops::CodeDeliveryDetails) -> Result<Value, ApiError> {
    reply(&ops::CodeDeliveryResponse {
        code_delivery_details: Some(details),
    })
}

/// The JSON of a response body, from `cognito-core`'s `ops` types: the ones clients parse.
pub(super) fn reply<T: serde::Serialize>(resp: &T) -> Result<Value, ApiError> {
    serde_json::to_value(resp)
        .map_err(|e| ApiError::internal(format!("cannot serialize the response: {e}")))
}

/// HMAC-SHA256 of `label|name` (lowercased) under the pool's fake-user secret.
pub(super) fn fake_user_mac(
    state: &AppState,
    pool: &PoolConfig,
    label: &str,
    name: &str,
) -> Vec<u8> {
    use hmac::Mac as _;
    let secret = state
        .keys
        .get(&pool.id)
        .map_or(&[][..], |k| k.fake_user_secret.as_slice());
    let Ok(mut m) = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret) else {
        return Vec::new();
    };
    m.update(label.as_bytes());
    m.update(b"|");
    m.update(name.to_lowercase().as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// The USER_ID_FOR_SRP shown for a user that does not exist: the lowercased name (usernames are
/// case-insensitive), or for an email-shaped name a UUID that is stable per pool and name, as an
/// email-as-username pool shows for real users.
pub(super) fn fake_user_id(state: &AppState, pool: &PoolConfig, username: &str) -> String {
    if username.contains('@') {
        let mac = fake_user_mac(state, pool, "uuid", username);
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&mac[..16]);
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    } else {
        username.to_lowercase()
    }
}

/// A PASSWORD_VERIFIER challenge for a user that does not exist (PreventUserExistenceErrors):
/// a salt and USER_ID_FOR_SRP that are stable per pool and name (across restarts), and a B from a
/// throw-away verifier.
pub(super) fn fake_srp_challenge(
    state: &AppState,
    pool: &PoolConfig,
    client: &ClientConfig,
    username: &str,
    a_pub: &str,
) -> Result<Value, ApiError> {
    let salt = fake_user_mac(state, pool, "salt", username)[..16].to_vec();
    let user_id = fake_user_id(state, pool, username);
    // B from the dummy user's verifier (the same one modular exponentiation a real user's
    // challenge costs) under the stable fake salt, which no password can match anyway.
    let dummy = state
        .dummy_user(pool)
        .ok_or_else(|| ApiError::internal("no keys for the pool"))?;
    let v = cognito_srp::Verifier {
        salt_hex: util::salt_hex(&salt),
        verifier_hex: dummy.verifier_hex.clone(),
    };
    srp_challenge(state, pool, client, a_pub, &v, "", &user_id)
}

/// A PASSWORD_VERIFIER challenge, real or fake alike: a new `b` and SECRET_BLOCK, the SRP state
/// stored under the block's hash. `username` is the stored user (empty for one that does not
/// exist), `user_id` the USER_ID_FOR_SRP shown.
pub(super) fn srp_challenge(
    state: &AppState,
    pool: &PoolConfig,
    client: &ClientConfig,
    a_pub: &str,
    verifier: &cognito_srp::Verifier,
    username: &str,
    user_id: &str,
) -> Result<Value, ApiError> {
    // b: 256 bits, RFC 5054's minimum; the modular exponentiation runs outside the store lock.
    let b = util::random_bytes(32);
    let eph = cognito_srp::ServerEphemeral::new(&b, verifier)
        .map_err(|e| ApiError::internal(format!("SRP: {e}")))?;
    let secret_block = STANDARD.encode(util::random_bytes(128));
    let rec = SrpRec {
        pool: pool.id.clone(),
        client_id: client.id.clone(),
        username: username.to_string(),
        b_hex: hex::encode(&b),
        a_pub_hex: a_pub.to_string(),
        expires: state.now() + SESSION_SECS,
    };
    state
        .store
        .tx(|tx| tx.put(Kind::Srp, &util::sha256_hex(&secret_block), &rec))?;
    // No Session: the SECRET_BLOCK names the SRP state (AWS reportedly sends none here either).
    reply(&challenge(
        ChallengeName::PasswordVerifier,
        None,
        &[
            ("SALT", &verifier.salt_hex),
            ("SRP_B", &eph.b_pub_hex()),
            ("SECRET_BLOCK", &secret_block),
            ("USERNAME", user_id),
            ("USER_ID_FOR_SRP", user_id),
        ],
    ))
}

/// A challenge to answer: its name, the session to echo (if the step has one) and its
/// parameters.
pub(super) fn challenge(
    name: ChallengeName,
    session: Option<String>,
    params: &[(&str, &str)],
) -> ops::InitiateAuthResponse {
    ops::InitiateAuthResponse {
        challenge_name: Some(name),
        session: session.map(ChallengeSession::new),
        challenge_parameters: Some(params.iter().copied().collect()),
        ..ops::InitiateAuthResponse::default()
    }
}

/// Stores a challenge session under the hash of a new opaque token and returns the token.
pub(super) fn new_session(tx: &Tx<'_>, rec: &SessionRec) -> Result<String, ApiError> {
    let s = util::random_token(192);
    tx.put(Kind::Session, &util::sha256_hex(&s), rec)?;
    Ok(s)
}

pub(super) fn take_session(
    state: &AppState,
    tx: &Tx<'_>,
    session: &str,
    client_id: &str,
) -> Result<SessionRec, ApiError> {
    let key = util::sha256_hex(session);
    let Some(rec) = tx.get::<SessionRec>(Kind::Session, &key)? else {
        return Err(ApiError::not_authorized("Invalid session for the user."));
    };
    if rec.client_id != client_id {
        return Err(ApiError::not_authorized("Invalid session for the user."));
    }
    if state.now() > rec.expires {
        tx.delete(Kind::Session, &key)?;
        return Err(ApiError::not_authorized(
            "Invalid session for the user, session is expired.",
        ));
    }
    Ok(rec)
}

/// The username of a challenge session, read without consuming it (to compute an SRP verifier
/// before the write transaction).
pub(super) fn peek_session_user(
    state: &AppState,
    session: &str,
) -> Result<Option<String>, ApiError> {
    let key = util::sha256_hex(session);
    state.store.read(|tx| {
        Ok(tx
            .get::<SessionRec>(Kind::Session, &key)?
            .map(|r| r.username))
    })
}

/// The stored username a request's name resolves to, if any (to compute an SRP verifier before
/// the write transaction; the write transaction looks the user up again).
pub(super) fn peek_username(
    state: &AppState,
    pool: &PoolConfig,
    name: &str,
) -> Result<Option<String>, ApiError> {
    state
        .store
        .read(|tx| Ok(auth::find_user(tx, pool, name)?.map(|u| u.username)))
}
