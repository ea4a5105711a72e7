//! `POST /`: the user-pool JSON API (`X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`).
//!
//! Requests are parsed by hand from `serde_json::Value` so that every missing, oversized or
//! mistyped parameter gets AWS's exception name rather than a generic error.
//!
//! `Admin*` operations are accepted without SigV4 (a local server has no IAM); do not expose
//! this server beyond loopback.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use cognito_core::ops::{self, AuthFlow, ChallengeName, Operation as _, VerifySoftwareTokenStatus};
use cognito_core::types::{ChallengeSession, TotpSecret, Username};
use cognito_core::wire::{self, CONTENT_TYPE_JSON_1_1};
use cognito_core::CognitoErrorCode;

use crate::auth::{self, ADMIN_SCOPE};
use crate::config::{
    ClientConfig, PoolConfig, MAX_CUSTOM_ATTRIBUTES, STANDARD_ATTRIBUTES, VERIFICATION_FLAGS,
};
use crate::error::ApiError;
use crate::state::{AppState, NewPassword, SessionRec, SrpRec, User, UserStatus};
use crate::store::{Kind, Tx};
use crate::util;

/// Allowed clock difference for the SRP TIMESTAMP.
pub const TIMESTAMP_SKEW_SECS: i64 = 300;
/// Lifetime of SRP state and challenge sessions.
pub const SESSION_SECS: i64 = 300;

const SIGNUP_CODE_SECS: i64 = 24 * 3600;
const RESET_CODE_SECS: i64 = 3600;

/// Handles one API call given the target header, the content type and the raw body.
///
/// # Errors
/// Any AWS-style exception.
pub fn handle(
    state: &AppState,
    target: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Value, ApiError> {
    let ct_ok = content_type.is_some_and(|ct| {
        let base = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        base == CONTENT_TYPE_JSON_1_1
            || base == "application/json"
            || base == "application/x-amz-json-1.0"
    });
    let Some(op) = target.and_then(wire::operation_of_target) else {
        return Err(ApiError::new(
            CognitoErrorCode::UnknownOperationException,
            "Unknown operation",
        ));
    };
    if !ct_ok {
        return Err(ApiError::new(
            CognitoErrorCode::UnknownOperationException,
            format!("Unsupported content type; expected {CONTENT_TYPE_JSON_1_1}"),
        ));
    }
    let Some(&(_, handler)) = ROUTES.iter().find(|(name, _)| *name == op) else {
        return Err(ApiError::new(
            CognitoErrorCode::UnknownOperationException,
            format!("Unknown operation {op}"),
        ));
    };
    let v: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(body).map_err(|_| {
            ApiError::new(
                CognitoErrorCode::SerializationException,
                "Malformed request body: not valid JSON",
            )
        })?
    };
    let Value::Object(m) = v else {
        return Err(ApiError::new(
            CognitoErrorCode::SerializationException,
            "Start of structure or map expected",
        ));
    };
    handler(state, &Req(&m))
}

/// One operation's handler.
type Handler = fn(&AppState, &Req<'_>) -> Result<Value, ApiError>;

/// The operations this server implements, by `X-Amz-Target` name: first every operation
/// `cognito-core` defines (its names, so client and server cannot drift apart), then the ones
/// only the server knows (`Admin*`).
const ROUTES: &[(&str, Handler)] = &[
    (ops::SignUp::NAME, sign_up),
    (ops::ConfirmSignUp::NAME, confirm_sign_up),
    (ops::ResendConfirmationCode::NAME, resend_confirmation_code),
    (ops::InitiateAuth::NAME, initiate_auth),
    (ops::RespondToAuthChallenge::NAME, respond_to_auth_challenge),
    (
        ops::GetTokensFromRefreshToken::NAME,
        get_tokens_from_refresh_token,
    ),
    (ops::GetUser::NAME, get_user),
    (ops::UpdateUserAttributes::NAME, update_user_attributes),
    (ops::VerifyUserAttribute::NAME, verify_user_attribute),
    (
        ops::GetUserAttributeVerificationCode::NAME,
        get_user_attribute_verification_code,
    ),
    (ops::ForgotPassword::NAME, forgot_password),
    (ops::ConfirmForgotPassword::NAME, confirm_forgot_password),
    (ops::ChangePassword::NAME, change_password),
    (ops::GlobalSignOut::NAME, global_sign_out),
    (ops::RevokeToken::NAME, revoke_token),
    (ops::AssociateSoftwareToken::NAME, associate_software_token),
    (ops::VerifySoftwareToken::NAME, verify_software_token),
    (ops::SetUserMFAPreference::NAME, set_user_mfa_preference),
    (ops::DeleteUser::NAME, delete_user),
    (ops::DeleteUserAttributes::NAME, delete_user_attributes),
    // Server-only operations: core has no types for them.
    ("AdminCreateUser", admin_create_user),
    ("AdminGetUser", admin_get_user),
    ("AdminDeleteUser", admin_delete_user),
    ("AdminConfirmSignUp", admin_confirm_sign_up),
    ("AdminSetUserPassword", admin_set_user_password),
    ("AdminDisableUser", |s, r| admin_set_enabled(s, r, false)),
    ("AdminEnableUser", |s, r| admin_set_enabled(s, r, true)),
    ("AdminAddUserToGroup", |s, r| admin_group(s, r, true)),
    ("AdminRemoveUserFromGroup", |s, r| admin_group(s, r, false)),
    ("AdminUserGlobalSignOut", admin_user_global_sign_out),
];

/// The names of the operations this server implements (core's [`ops::OPERATION_NAMES`] and
/// the server-only ones), in routing order.
pub fn operations() -> impl Iterator<Item = &'static str> {
    ROUTES.iter().map(|(name, _)| *name)
}

// ---------------------------------------------------------------------------------------------
// Request parsing

struct Req<'a>(&'a Map<String, Value>);

fn member(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// InvalidParameterException, in AWS's wording, unless `value` is one of the member's `allowed`.
fn check_enum(name: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(ApiError::invalid_param(format!(
        "1 validation error detected: Value '{value}' at '{}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
        member(name),
        allowed.join(", ")
    )))
}

/// SerializationException with the Coral phrasing for what was found instead.
fn type_error(found: Option<&Value>, expected: &str) -> ApiError {
    let message = match (found, expected) {
        (_, "map") => "Expected map or null",
        (_, "list") => "Expected list or null",
        (Some(Value::Object(_)), _) => "Start of structure or map found where not expected.",
        (Some(Value::Array(_)), _) => "Start of list found where not expected.",
        _ => "Unexpected field type",
    };
    ApiError::new(CognitoErrorCode::SerializationException, message)
}

fn too_long(name: &str, max: usize) -> ApiError {
    ApiError::invalid_param(format!(
        "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must have length less than or equal to {max}",
        member(name)
    ))
}

impl Req<'_> {
    /// A password member (AWS's `PasswordType`: at most 256 characters, pattern
    /// `^[\S]+.*[\S]+$`), refused with the validation error AWS sends.
    fn password(&self, name: &str) -> Result<&str, ApiError> {
        let pw = self.req_str(name, util::MAX_PASSWORD_CHARS)?;
        check_password_member(name, pw)?;
        Ok(pw)
    }

    fn opt_str(&self, name: &str, max: usize) -> Result<Option<&str>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                if s.chars().count() > max {
                    Err(too_long(name, max))
                } else {
                    Ok(Some(s))
                }
            }
            Some(v) => Err(type_error(Some(v), "string")),
        }
    }

    fn req_str(&self, name: &str, max: usize) -> Result<&str, ApiError> {
        match self.opt_str(name, max)? {
            None => Err(ApiError::invalid_param(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                member(name)
            ))),
            Some("") => Err(ApiError::invalid_param(format!(
                "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must have length greater than or equal to 1",
                member(name)
            ))),
            Some(s) => Ok(s),
        }
    }

    fn opt_bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(type_error(Some(v), "boolean")),
        }
    }

    /// A string map (`AuthParameters`, `ChallengeResponses`); `null` values are dropped.
    fn map(&self, name: &str) -> Result<BTreeMap<String, String>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(BTreeMap::new()),
            Some(Value::Object(m)) => {
                let mut out = BTreeMap::new();
                for (k, v) in m {
                    match v {
                        Value::Null => {}
                        Value::String(s) => {
                            if s.len() > 131_072 {
                                return Err(too_long(name, 131_072));
                            }
                            out.insert(k.clone(), s.clone());
                        }
                        other => return Err(type_error(Some(other), "string")),
                    }
                }
                Ok(out)
            }
            Some(v) => Err(type_error(Some(v), "map")),
        }
    }

    /// A list of strings, each 1..=`max` characters (`UserAttributeNames`).
    fn opt_str_list(&self, name: &str, max: usize) -> Result<Option<Vec<String>>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => a
                .iter()
                .map(|item| match item {
                    Value::String(s) if !s.is_empty() && s.chars().count() <= max => Ok(s.clone()),
                    Value::String(_) => Err(ApiError::invalid_param(format!(
                        "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to {max}, Member must have length greater than or equal to 1]",
                        member(name)
                    ))),
                    other => Err(type_error(Some(other), "string")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(v) => Err(type_error(Some(v), "list")),
        }
    }

    /// `[{Name, Value}]`.
    fn attributes(&self, name: &str) -> Result<Option<Vec<(String, String)>>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => {
                let mut out = Vec::new();
                for item in a {
                    let Value::Object(o) = item else {
                        return Err(type_error(Some(item), "structure"));
                    };
                    let n = match o.get("Name") {
                        Some(Value::String(s)) if !s.is_empty() && s.len() <= 32 => s.clone(),
                        Some(Value::String(_)) => {
                            return Err(ApiError::invalid_param(format!(
                                "1 validation error detected: Value at '{}.member.name' failed to satisfy constraint: Member must have length between 1 and 32",
                                member(name)
                            )))
                        }
                        None | Some(Value::Null) => {
                            return Err(ApiError::invalid_param(format!(
                                "1 validation error detected: Value null at '{}.member.name' failed to satisfy constraint: Member must not be null",
                                member(name)
                            )))
                        }
                        Some(v) => return Err(type_error(Some(v), "string")),
                    };
                    let val = match o.get("Value") {
                        Some(Value::String(s)) if s.len() <= 2048 => s.clone(),
                        Some(Value::String(_)) => return Err(too_long("Value", 2048)),
                        None | Some(Value::Null) => String::new(),
                        Some(v) => return Err(type_error(Some(v), "string")),
                    };
                    out.push((n, val));
                }
                Ok(Some(out))
            }
            Some(v) => Err(type_error(Some(v), "list")),
        }
    }
}

fn check_password_member(name: &str, pw: &str) -> Result<(), ApiError> {
    if util::password_pattern_ok(pw) {
        return Ok(());
    }
    Err(ApiError::invalid_param(format!(
        "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must satisfy regular expression pattern: {}",
        member(name),
        util::PASSWORD_PATTERN
    )))
}

fn missing_auth_param(name: &str) -> ApiError {
    ApiError::invalid_param(format!("Missing required parameter {name}"))
}

fn need<'m>(m: &'m BTreeMap<String, String>, name: &str) -> Result<&'m str, ApiError> {
    match m.get(name).map(String::as_str) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(missing_auth_param(name)),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared checks

fn client<'s>(
    state: &'s AppState,
    r: &Req<'_>,
) -> Result<(&'s PoolConfig, &'s ClientConfig), ApiError> {
    let id = r.req_str("ClientId", 128)?;
    state.client(id).ok_or_else(|| ApiError::unknown_client(id))
}

fn check_secret_hash(
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
fn check_challenge_secret_hash(
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

fn check_client_secret(client: &ClientConfig, given: Option<&str>) -> Result<(), ApiError> {
    match (&client.secret, given) {
        (None, _) => Ok(()),
        (Some(s), Some(g)) if util::ct_eq(s, g) => Ok(()),
        (Some(_), _) => Err(ApiError::not_authorized(format!(
            "Unable to verify secret hash for client {}",
            client.id
        ))),
    }
}

fn check_username(name: &str) -> Result<(), ApiError> {
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiError::invalid_param(
            "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
        ));
    }
    Ok(())
}

/// InvalidPasswordException `Password does not conform to policy: <rule>`.
fn check_password_policy(pool: &PoolConfig, pw: &str) -> Result<(), ApiError> {
    util::check_password_policy(&pool.password_policy, pw)
        .map_err(|m| ApiError::new(CognitoErrorCode::InvalidPasswordException, m))
}

fn validate_attributes(pool: &PoolConfig, attrs: &[(String, String)]) -> Result<(), ApiError> {
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
fn check_writable<'n>(
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
fn readable_attributes(user: &User, client: Option<&ClientConfig>) -> Vec<ops::AttributeType> {
    user.attribute_list()
        .into_iter()
        .filter(|a| a.name == "sub" || client.is_none_or(|c| c.can_read(&a.name)))
        .collect()
}

fn is_email(v: &str) -> bool {
    auth::is_email(v)
}

/// With `email_alias`, a username may not look like an email (AWS), or it would shadow the
/// sign-in of the user whose verified email it is.
fn check_username_for_pool(pool: &PoolConfig, name: &str) -> Result<(), ApiError> {
    check_username(name)?;
    if pool.email_alias && is_email(name) {
        return Err(ApiError::invalid_param(
            "Username cannot be of email format, since user pool is configured for email alias.",
        ));
    }
    Ok(())
}

fn load_user(tx: &Tx<'_>, pool: &PoolConfig, name: &str) -> Result<User, ApiError> {
    auth::find_user(tx, pool, name)?.ok_or_else(ApiError::user_not_found)
}

/// Loads a user; `None` for an unknown one where the pool hides that
/// (`prevent_user_existence_errors`), so the caller can answer as if the user existed.
fn load_user_unless_hidden(
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
fn hide_unknown(pool: &PoolConfig, e: ApiError, hidden: fn() -> ApiError) -> ApiError {
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
fn fake_delivery(
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
fn code_sent(details: ops::CodeDeliveryDetails) -> Result<Value, ApiError> {
    reply(&ops::CodeDeliveryResponse {
        code_delivery_details: Some(details),
    })
}

/// The JSON of a response body, from `cognito-core`'s `ops` types: the ones clients parse.
fn reply<T: serde::Serialize>(resp: &T) -> Result<Value, ApiError> {
    serde_json::to_value(resp)
        .map_err(|e| ApiError::internal(format!("cannot serialize the response: {e}")))
}

/// HMAC-SHA256 of `label|name` (lowercased) under the pool's fake-user secret.
fn fake_user_mac(state: &AppState, pool: &PoolConfig, label: &str, name: &str) -> Vec<u8> {
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
fn fake_user_id(state: &AppState, pool: &PoolConfig, username: &str) -> String {
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
fn fake_srp_challenge(
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
fn srp_challenge(
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
fn challenge(
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
fn new_session(tx: &Tx<'_>, rec: &SessionRec) -> Result<String, ApiError> {
    let s = util::random_token(192);
    tx.put(Kind::Session, &util::sha256_hex(&s), rec)?;
    Ok(s)
}

fn take_session(
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
fn peek_session_user(state: &AppState, session: &str) -> Result<Option<String>, ApiError> {
    let key = util::sha256_hex(session);
    state.store.read(|tx| {
        Ok(tx
            .get::<SessionRec>(Kind::Session, &key)?
            .map(|r| r.username))
    })
}

/// The stored username a request's name resolves to, if any (to compute an SRP verifier before
/// the write transaction; the write transaction looks the user up again).
fn peek_username(
    state: &AppState,
    pool: &PoolConfig,
    name: &str,
) -> Result<Option<String>, ApiError> {
    state
        .store
        .read(|tx| Ok(auth::find_user(tx, pool, name)?.map(|u| u.username)))
}

// ---------------------------------------------------------------------------------------------
// Sign-up

fn sign_up(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let (pool, client) = client(state, r)?;
    let username = r.req_str("Username", 128)?;
    let password = r.password("Password")?;
    let secret_hash = r.opt_str("SecretHash", 128)?;
    let attrs = r.attributes("UserAttributes")?.unwrap_or_default();
    let _ = r.attributes("ValidationData")?;
    check_username_for_pool(pool, username)?;
    check_secret_hash(client, &[username], secret_hash)?;
    validate_attributes(pool, &attrs)?;
    check_writable(client, attrs.iter().map(|(n, _)| n.as_str()))?;
    // SignUp words it differently from the other operations (as observed from AWS).
    check_password_policy(pool, password).map_err(|e| ApiError {
        message: e.message.replace(
            "Password does not conform to policy",
            "Password did not conform with policy",
        ),
        ..e
    })?;
    let now = state.now();
    let mut user = User::new(username, now);
    for (n, v) in attrs {
        user.attributes.insert(n, v);
    }
    if user.attr("email").is_some() {
        user.attributes
            .insert("email_verified".into(), "false".into());
    }
    user.set_password(pool.srp_pool_name(), password);
    state.store.tx(|tx| {
        if !tx.insert_user(&pool.id, &user)? {
            return Err(ApiError::new(
                CognitoErrorCode::UsernameExistsException,
                "User already exists",
            ));
        }
        let mut out = ops::SignUpResponse {
            user_confirmed: false,
            user_sub: user.sub.clone(),
            code_delivery_details: None,
            session: None,
        };
        if pool.auto_verified_attributes.iter().any(|a| a == "email")
            && user.attr("email").is_some()
        {
            let d = auth::send_code(
                state,
                tx,
                pool,
                &client.id,
                &user,
                "SignUp",
                "email",
                SIGNUP_CODE_SECS,
            )?;
            out.code_delivery_details = Some(d);
        }
        reply(&out)
    })
}

fn confirm_sign_up(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let (pool, client) = client(state, r)?;
    let username = r.req_str("Username", 128)?;
    let code = r.req_str("ConfirmationCode", 2048)?;
    let secret_hash = r.opt_str("SecretHash", 128)?;
    let force_alias = r.opt_bool("ForceAliasCreation")?.unwrap_or(false);
    check_secret_hash(client, &[username], secret_hash)?;
    state
        .store
        .tx(|tx| -> Result<auth::Counted<Value>, ApiError> {
            let mut user = load_user(tx, pool, username)
                .map_err(|e| hide_unknown(pool, e, ApiError::code_mismatch))?;
            if user.status != UserStatus::Unconfirmed {
                return Err(ApiError::not_authorized(format!(
                    "User cannot be confirmed. Current status is {}",
                    user.status
                )));
            }
            if let Err(wrong) = auth::take_code(state, tx, pool, &user, "SignUp", "email", code)? {
                return Ok(Err(wrong));
            }
            user.status = UserStatus::Confirmed;
            if let Some(email) = user.attr("email").map(str::to_string) {
                auth::claim_email_alias(tx, pool, &user, &email, force_alias)?;
                user.attributes
                    .insert("email_verified".into(), "true".into());
            }
            user.modified = state.now();
            auth::save_user(tx, pool, &user)?;
            Ok(Ok(json!({})))
        })?
}

fn resend_confirmation_code(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let (pool, client) = client(state, r)?;
    let username = r.req_str("Username", 128)?;
    let secret_hash = r.opt_str("SecretHash", 128)?;
    check_secret_hash(client, &[username], secret_hash)?;
    state.store.tx(|tx| {
        let Some(user) = load_user_unless_hidden(tx, pool, username)? else {
            return fake_delivery(state, tx, pool, username);
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(ApiError::invalid_param("User is already confirmed."));
        }
        let d = auth::send_code(
            state,
            tx,
            pool,
            &client.id,
            &user,
            "ResendConfirmationCode",
            "email",
            SIGNUP_CODE_SECS,
        )?;
        code_sent(d)
    })
}

// ---------------------------------------------------------------------------------------------
// Sign-in

/// `AuthFlow`'s enum value set as AWS lists it in its validation message (in AWS's order; the
/// admin flows belong to `AdminInitiateAuth`, which core does not model). The flows this server
/// runs are matched as `cognito-core`'s [`AuthFlow`].
const AUTH_FLOWS: &[&str] = &[
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
];

fn initiate_auth(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let (pool, client) = client(state, r)?;
    let flow = r.req_str("AuthFlow", 64)?;
    let params = r.map("AuthParameters")?;
    let _ = r.map("ClientMetadata")?;
    check_enum("AuthFlow", flow, AUTH_FLOWS)?;
    let enabled = |f: &AuthFlow| {
        client
            .auth_flows
            .iter()
            .any(|a| a == f.as_str() || a.strip_prefix("ALLOW_") == Some(f.as_str()))
    };
    match AuthFlow::from_wire(flow) {
        AuthFlow::RefreshTokenAuth | AuthFlow::RefreshToken if client.refresh_token_rotation => {
            // AWS: rotation must go through GetTokensFromRefreshToken; REFRESH_TOKEN_AUTH would
            // keep the old token alive.
            Err(ApiError::invalid_param(format!(
                "{flow} flow not enabled for this client: refresh token rotation is on, use GetTokensFromRefreshToken"
            )))
        }
        AuthFlow::RefreshTokenAuth | AuthFlow::RefreshToken => {
            let token = need(&params, "REFRESH_TOKEN")?;
            state
                .store
                .tx(|tx| {
                    if client.secret.is_some() {
                        let (_, fam) = auth::refresh_family(state, tx, &client.id, token)?;
                        // The hash may be over the username, the sub, or the email the user signed in with.
                        let user = tx.user(&pool.id, &fam.username)?;
                        let sub = user.as_ref().map(|u| u.sub.clone()).unwrap_or_default();
                        let email = user
                            .as_ref()
                            .and_then(User::verified_email)
                            .unwrap_or_default()
                            .to_string();
                        let names = [fam.username.as_str(), sub.as_str(), email.as_str()];
                        let names: Vec<&str> =
                            names.into_iter().filter(|n| !n.is_empty()).collect();
                        check_secret_hash(
                            client,
                            &names,
                            params.get("SECRET_HASH").map(String::as_str),
                        )?;
                    }
                    auth::refresh(state, tx, pool, client, token)
                })
                .and_then(|t| Next::Tokens(Box::new(t)).finish(state))
        }
        AuthFlow::UserSrpAuth if enabled(&AuthFlow::UserSrpAuth) => {
            let username = need(&params, "USERNAME")?;
            let a_pub = need(&params, "SRP_A")?;
            if a_pub.len() > 2048 || !a_pub.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(ApiError::invalid_param("Invalid SRP_A"));
            }
            // SRP-6a: A ≡ 0 (mod N) would make the session key independent of the password.
            // (Bad hex cannot reach here: the line above let only non-empty hex digits through.)
            if cognito_srp::check_client_public(a_pub).is_err() {
                return Err(ApiError::invalid_param("SRP_A cannot be 0 mod N"));
            }
            check_secret_hash(
                client,
                &[username],
                params.get("SECRET_HASH").map(String::as_str),
            )?;
            let Some(user) = state
                .store
                .read(|tx| load_user_unless_hidden(tx, pool, username))?
            else {
                return fake_srp_challenge(state, pool, client, username, a_pub);
            };
            // With PreventUserExistenceErrors, `User is disabled.` only follows a correct
            // password (password_result), or it would confirm the user exists.
            if !user.enabled && !pool.prevent_user_existence_errors {
                return Err(ApiError::not_authorized("User is disabled."));
            }
            auth::check_lockout(&user, state.now())?;
            srp_challenge(
                state,
                pool,
                client,
                a_pub,
                &user.verifier(),
                &user.username,
                &user.username,
            )
        }
        AuthFlow::UserPasswordAuth if enabled(&AuthFlow::UserPasswordAuth) => {
            let username = need(&params, "USERNAME")?;
            let password = need(&params, "PASSWORD")?;
            check_secret_hash(
                client,
                &[username],
                params.get("SECRET_HASH").map(String::as_str),
            )?;
            let Some(user) = state
                .store
                .read(|tx| load_user_unless_hidden(tx, pool, username))?
            else {
                // The same password work (and a store round trip) as for a real user.
                state.dummy_password_check(pool, password);
                state
                    .store
                    .read(|tx| load_user_unless_hidden(tx, pool, username))?;
                return Err(ApiError::bad_credentials());
            };
            if !user.enabled && !pool.prevent_user_existence_errors {
                return Err(ApiError::not_authorized("User is disabled."));
            }
            auth::check_lockout(&user, state.now())?;
            let ok = user.check_password(pool.srp_pool_name(), password);
            password_result(state, pool, client, &user.username, ok)
        }
        AuthFlow::UserSrpAuth | AuthFlow::UserPasswordAuth => Err(ApiError::invalid_param(
            format!("{flow} flow not enabled for this client"),
        )),
        _ => Err(ApiError::invalid_param(format!(
            "{flow} flow is not supported by this local server"
        ))),
    }
}

/// After a password check: count the failure, or continue to the next step.
fn password_result(
    state: &AppState,
    pool: &PoolConfig,
    client: &ClientConfig,
    username: &str,
    ok: bool,
) -> Result<Value, ApiError> {
    let now = state.now();
    state
        .store
        .tx(|tx| {
            let Some(mut user) = tx.user(&pool.id, username)? else {
                return Err(ApiError::user_not_found());
            };
            auth::check_lockout(&user, now)?;
            if !ok {
                auth::record_failure(&mut user, now);
                auth::save_user(tx, pool, &user)?;
                return Ok(Err(ApiError::bad_credentials()));
            }
            if !user.enabled {
                return Ok(Err(ApiError::not_authorized("User is disabled.")));
            }
            if user.failed_attempts != 0 || user.lockout_until != 0 {
                user.failed_attempts = 0;
                user.lockout_until = 0;
                auth::save_user(tx, pool, &user)?;
            }
            Ok(Ok(next_step(state, tx, pool, client, &user)?))
        })?
        .and_then(|next| next.finish(state))
}

/// What a sign-in step answers: a challenge, or tokens recorded in the transaction and signed
/// after it has committed (RSA signing stays outside the store lock).
enum Next<'s> {
    Reply(Box<ops::InitiateAuthResponse>),
    Tokens(Box<auth::Unsigned<'s>>),
}

impl Next<'_> {
    fn finish(self, state: &AppState) -> Result<Value, ApiError> {
        reply(&match self {
            Next::Reply(r) => *r,
            Next::Tokens(t) => ops::InitiateAuthResponse {
                authentication_result: Some(t.sign(state)?),
                challenge_parameters: Some(ops::ParamMap::new()),
                ..ops::InitiateAuthResponse::default()
            },
        })
    }
}

/// The step after a correct password: a challenge or tokens.
fn next_step<'s>(
    state: &AppState,
    tx: &Tx<'_>,
    pool: &'s PoolConfig,
    client: &'s ClientConfig,
    user: &User,
) -> Result<Next<'s>, ApiError> {
    let now = state.now();
    // A challenge with a new session for it.
    let ask = |name: ChallengeName, params: &[(&str, &str)]| -> Result<Next<'s>, ApiError> {
        let rec = SessionRec {
            pool: pool.id.clone(),
            client_id: client.id.clone(),
            username: user.username.clone(),
            challenge: name.as_str().to_owned(),
            expires: now + SESSION_SECS,
            totp_verified: false,
            attempts: 0,
        };
        let session = new_session(tx, &rec)?;
        Ok(Next::Reply(Box::new(challenge(
            name,
            Some(session),
            params,
        ))))
    };
    auth::check_password_status(user, now)?;
    match user.status {
        UserStatus::Unconfirmed => {
            return Err(ApiError::new(
                CognitoErrorCode::UserNotConfirmedException,
                "User is not confirmed.",
            ))
        }
        UserStatus::ForceChangePassword => {
            let attrs: Map<String, Value> = user
                .attributes
                .iter()
                .filter(|(k, _)| !k.ends_with("_verified") && client.can_read(k))
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            return ask(
                ChallengeName::NewPasswordRequired,
                &[
                    ("USER_ID_FOR_SRP", &user.username),
                    ("requiredAttributes", "[]"),
                    ("userAttributes", &Value::Object(attrs).to_string()),
                ],
            );
        }
        _ => {}
    }
    if user.totp_enabled && user.totp_secret.is_some() && pool.mfa != "OFF" {
        return ask(
            ChallengeName::SoftwareTokenMfa,
            &[("USER_ID_FOR_SRP", &user.username)],
        );
    }
    if pool.mfa == "ON" {
        let can_setup = json!([ChallengeName::SoftwareTokenMfa]).to_string();
        return ask(
            ChallengeName::MfaSetup,
            &[
                ("MFAS_CAN_SETUP", &can_setup),
                ("USER_ID_FOR_SRP", &user.username),
            ],
        );
    }
    let t = api_tokens(state, tx, pool, client, user, now)?;
    Ok(Next::Tokens(Box::new(t)))
}

/// The tokens of a sign-in through the user-pool API (not the hosted UI): scope
/// `aws.cognito.signin.user.admin`, an ID token, no nonce, no `at_hash`; signed after the
/// transaction.
fn api_tokens<'s>(
    state: &AppState,
    tx: &Tx<'_>,
    pool: &'s PoolConfig,
    client: &'s ClientConfig,
    user: &User,
    auth_time: i64,
) -> Result<auth::Unsigned<'s>, ApiError> {
    auth::issue(
        state,
        tx,
        pool,
        client,
        user,
        auth_time,
        vec![ADMIN_SCOPE.into()],
        None,
        true,
        false,
    )
}

/// `ChallengeName`'s enum value set as AWS lists it in its validation message (in AWS's order:
/// each is one of `cognito-core`'s [`ChallengeName`]s, which the answers are matched as).
const CHALLENGES: &[&str] = &[
    "SMS_MFA",
    "EMAIL_OTP",
    "SOFTWARE_TOKEN_MFA",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "PASSWORD_VERIFIER",
    "CUSTOM_CHALLENGE",
    "SELECT_CHALLENGE",
    "DEVICE_SRP_AUTH",
    "DEVICE_PASSWORD_VERIFIER",
    "ADMIN_NO_SRP_AUTH",
    "NEW_PASSWORD_REQUIRED",
    "SMS_OTP",
    "PASSWORD",
    "WEB_AUTHN",
    "PASSWORD_SRP",
];

fn respond_to_auth_challenge(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let (pool, client) = client(state, r)?;
    let name = r.req_str("ChallengeName", 64)?;
    let resp = r.map("ChallengeResponses")?;
    let session = r.opt_str("Session", 2048)?;
    let _ = r.map("ClientMetadata")?;
    check_enum("ChallengeName", name, CHALLENGES)?;
    match ChallengeName::from_wire(name) {
        ChallengeName::PasswordVerifier => password_verifier(state, pool, client, &resp),
        ChallengeName::NewPasswordRequired => {
            let session = session.ok_or_else(|| missing_auth_param("Session"))?;
            let new_pw = need(&resp, "NEW_PASSWORD")?;
            let username = need(&resp, "USERNAME")?;
            check_password_policy(pool, new_pw)?;
            // The SRP verifier is computed before the write transaction, outside the store lock.
            let pre = peek_session_user(state, session)?
                .map(|u| NewPassword::compute(pool.srp_pool_name(), &u, new_pw));
            state
                .store
                .tx(|tx| {
                    let rec = take_session(state, tx, session, &client.id)?;
                    if rec.challenge != ChallengeName::NewPasswordRequired.as_str() {
                        return Err(ApiError::not_authorized("Invalid session for the user."));
                    }
                    let mut user = load_user(tx, pool, &rec.username)?;
                    check_secret_hash(
                        client,
                        &[username, &user.username],
                        resp.get("SECRET_HASH").map(String::as_str),
                    )?;
                    let attrs: Vec<(String, String)> = resp
                        .iter()
                        .filter_map(|(k, v)| {
                            k.strip_prefix("userAttributes.")
                                .map(|n| (n.to_string(), v.clone()))
                        })
                        .collect();
                    validate_attributes(pool, &attrs)?;
                    check_writable(client, attrs.iter().map(|(n, _)| n.as_str()))?;
                    set_attributes(&mut user, attrs);
                    user.apply_password(pool.srp_pool_name(), new_pw, pre.as_ref());
                    user.status = UserStatus::Confirmed;
                    user.temp_password_expires = None;
                    user.modified = state.now();
                    auth::save_user(tx, pool, &user)?;
                    tx.delete(Kind::Session, &util::sha256_hex(session))?;
                    next_step(state, tx, pool, client, &user)
                })
                .and_then(|next| next.finish(state))
        }
        ChallengeName::SoftwareTokenMfa => {
            let session = session.ok_or_else(|| missing_auth_param("Session"))?;
            let code = need(&resp, "SOFTWARE_TOKEN_MFA_CODE")?;
            state
                .store
                .tx(
                    |tx| -> Result<auth::Counted<auth::Unsigned<'_>>, ApiError> {
                        let rec = take_session(state, tx, session, &client.id)?;
                        if rec.challenge != ChallengeName::SoftwareTokenMfa.as_str() {
                            return Err(ApiError::not_authorized("Invalid session for the user."));
                        }
                        let mut user = load_user(tx, pool, &rec.username)?;
                        check_challenge_secret_hash(client, &resp, &user)?;
                        auth::check_mfa_throttle(state, tx, pool, &user)?;
                        // A code is good once: replaying it within its ±30 s window is refused.
                        let right = user.take_totp(code, state.now());
                        auth::record_mfa_result(state, tx, pool, &user, right)?;
                        if !right {
                            auth::count_wrong_session_code(tx, &util::sha256_hex(session), rec)?;
                            return Ok(Err(ApiError::new(
                                CognitoErrorCode::CodeMismatchException,
                                "Invalid code or auth state for the user.",
                            )));
                        }
                        auth::save_user(tx, pool, &user)?;
                        tx.delete(Kind::Session, &util::sha256_hex(session))?;
                        api_tokens(state, tx, pool, client, &user, state.now()).map(Ok)
                    },
                )?
                .and_then(|t| Next::Tokens(Box::new(t)).finish(state))
        }
        ChallengeName::MfaSetup => {
            let session = session.ok_or_else(|| missing_auth_param("Session"))?;
            state
                .store
                .tx(|tx| {
                    let rec = take_session(state, tx, session, &client.id)?;
                    if rec.challenge != ChallengeName::MfaSetup.as_str() || !rec.totp_verified {
                        return Err(ApiError::not_authorized("Invalid session for the user."));
                    }
                    let mut user = load_user(tx, pool, &rec.username)?;
                    check_challenge_secret_hash(client, &resp, &user)?;
                    user.totp_enabled = true;
                    auth::save_user(tx, pool, &user)?;
                    tx.delete(Kind::Session, &util::sha256_hex(session))?;
                    api_tokens(state, tx, pool, client, &user, state.now())
                })
                .and_then(|t| Next::Tokens(Box::new(t)).finish(state))
        }
        _ => Err(ApiError::invalid_param(format!(
            "Challenge {name} is not supported by this local server"
        ))),
    }
}

fn decode_block(b: &str) -> Option<Vec<u8>> {
    STANDARD
        .decode(b)
        .ok()
        .or_else(|| URL_SAFE_NO_PAD.decode(b.trim_end_matches('=')).ok())
}

fn password_verifier(
    state: &AppState,
    pool: &PoolConfig,
    client: &ClientConfig,
    resp: &BTreeMap<String, String>,
) -> Result<Value, ApiError> {
    let block = need(resp, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let signature = need(resp, "PASSWORD_CLAIM_SIGNATURE")?;
    let timestamp = need(resp, "TIMESTAMP")?;
    let username = need(resp, "USERNAME")?;
    let block_key = decode_block(block)
        .map(|b| util::sha256_hex(&STANDARD.encode(b)))
        .ok_or_else(|| ApiError::not_authorized("Invalid session for the user."))?;
    let now = state.now();
    // Take the SRP state (single use) and the user in one transaction; verify outside the lock.
    let (rec, user) = state.store.tx(|tx| {
        let Some(rec) = tx.get::<SrpRec>(Kind::Srp, &block_key)? else {
            return Err(ApiError::not_authorized("Invalid session for the user."));
        };
        tx.delete(Kind::Srp, &block_key)?;
        if rec.client_id != client.id || rec.pool != pool.id {
            return Err(ApiError::not_authorized("Invalid session for the user."));
        }
        if now > rec.expires {
            return Err(ApiError::not_authorized(
                "Invalid session for the user, session is expired.",
            ));
        }
        if rec.username.is_empty() {
            // The challenge of a user that does not exist (PreventUserExistenceErrors).
            return Ok((rec, None));
        }
        let user = load_user(tx, pool, &rec.username)?;
        Ok((rec, Some(user)))
    })?;
    let Some(user) = user else {
        // The same verification work as for a real user, then the answer of a wrong password.
        if let Some(dummy) = state.dummy_user(pool) {
            let _ = srp_claim_ok(
                pool,
                &rec,
                dummy,
                &dummy.username,
                block,
                timestamp,
                signature,
            );
        }
        return Err(ApiError::bad_credentials());
    };
    if username.to_lowercase() != user.username.to_lowercase() {
        let alias_ok = user
            .verified_email()
            .is_some_and(|e| e.eq_ignore_ascii_case(username));
        if !alias_ok {
            return Err(ApiError::not_authorized("Incorrect username or password."));
        }
    }
    check_secret_hash(
        client,
        &[username, &user.username],
        resp.get("SECRET_HASH").map(String::as_str),
    )?;
    auth::check_lockout(&user, now)?;
    let ts_ok = cognito_srp::parse_cognito_timestamp(timestamp)
        .is_some_and(|t| (t - now).abs() <= TIMESTAMP_SKEW_SECS);
    if !ts_ok {
        tracing::info!(username = %user.username, timestamp, "SRP TIMESTAMP malformed or too far from the server clock");
        return Err(ApiError::not_authorized("Incorrect username or password."));
    }
    let ok = srp_claim_ok(
        pool,
        &rec,
        &user,
        &user.username,
        block,
        timestamp,
        signature,
    );
    password_result(state, pool, client, &user.username, ok)
}

/// Verifies a PASSWORD_CLAIM_SIGNATURE against `user`'s verifier and the stored SRP state.
fn srp_claim_ok(
    pool: &PoolConfig,
    rec: &SrpRec,
    user: &User,
    user_id_for_srp: &str,
    block: &str,
    timestamp: &str,
    signature: &str,
) -> bool {
    let Ok(b) = hex::decode(&rec.b_hex) else {
        return false;
    };
    let verifier = user.verifier();
    cognito_srp::ServerEphemeral::new(&b, &verifier)
        .ok()
        .is_some_and(|eph| {
            let check = cognito_srp::ClaimCheck {
                pool_name: pool.srp_pool_name(),
                user_id_for_srp,
                a_pub_hex: &rec.a_pub_hex,
                secret_block_b64: block,
                timestamp,
                signature_b64: signature,
            };
            cognito_srp::verify_password_claim(&eph, &verifier, &check).is_ok()
        })
}

fn get_tokens_from_refresh_token(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let (pool, client) = client(state, r)?;
    let token = r.req_str("RefreshToken", 131_072)?;
    let secret = r.opt_str("ClientSecret", 64)?;
    let _ = r.opt_str("DeviceKey", 55)?;
    check_client_secret(client, secret)?;
    state
        .store
        .tx(|tx| {
            let t = auth::refresh(state, tx, pool, client, token)?;
            if client.refresh_token_rotation {
                auth::rotate(state, tx, client, token, t)
            } else {
                Ok(t)
            }
        })
        .and_then(|t| {
            reply(&ops::GetTokensFromRefreshTokenResponse {
                authentication_result: t.sign(state)?,
            })
        })
}

// ---------------------------------------------------------------------------------------------
// Signed-in user operations (AccessToken)

fn with_access<T>(
    state: &AppState,
    r: &Req<'_>,
    f: impl FnOnce(&Tx<'_>, &PoolConfig, User) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    with_access_in(state, r, false, f)
}

/// [`with_access`] for an operation that only reads (GetUser): on a read connection.
fn with_access_read<T>(
    state: &AppState,
    r: &Req<'_>,
    f: impl FnOnce(&Tx<'_>, &PoolConfig, User) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    with_access_in(state, r, true, f)
}

fn with_access_in<T>(
    state: &AppState,
    r: &Req<'_>,
    read_only: bool,
    f: impl FnOnce(&Tx<'_>, &PoolConfig, User) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let token = r.req_str("AccessToken", 131_072)?;
    let run = |tx: &Tx<'_>| {
        let ctx = auth::validate_access(state, tx, token)?;
        let pool = state
            .pool(&ctx.pool_id)
            .ok_or_else(|| ApiError::internal("pool vanished"))?;
        let scope = ctx
            .claims
            .get("scope")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !scope.split(' ').any(|s| s == ADMIN_SCOPE) {
            return Err(ApiError::not_authorized(
                "Access Token does not have required scopes",
            ));
        }
        f(tx, pool, ctx.user)
    };
    if read_only {
        state.store.read(run)
    } else {
        state.store.tx(run)
    }
}

fn client_of_token(r: &Req<'_>) -> String {
    r.opt_str("AccessToken", 131_072)
        .ok()
        .flatten()
        .and_then(crate::jwt::peek_claims)
        .and_then(|c| {
            c.get("client_id")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// The app client an access token was issued to (its `client_id` claim).
fn token_client<'s>(state: &'s AppState, client_id: &str) -> Result<&'s ClientConfig, ApiError> {
    state
        .client(client_id)
        .map(|(_, c)| c)
        .ok_or_else(|| ApiError::not_authorized("Invalid Access Token"))
}

/// Writes attributes (an empty value removes one); a changed `email` or `phone_number` loses
/// its verification. Returns which of the two changed.
fn set_attributes(user: &mut User, attrs: Vec<(String, String)>) -> Vec<&'static str> {
    let mut changed = Vec::new();
    for (n, v) in attrs {
        for verifiable in ["email", "phone_number"] {
            if n == verifiable && user.attr(verifiable) != Some(v.as_str()) {
                changed.push(verifiable);
            }
        }
        if v.is_empty() {
            user.attributes.remove(&n);
        } else {
            user.attributes.insert(n, v);
        }
    }
    for c in &changed {
        if user.attr(c).is_some() {
            user.attributes
                .insert(format!("{c}_verified"), "false".into());
        } else {
            user.attributes.remove(&format!("{c}_verified"));
        }
    }
    changed
}

fn mfa_settings(user: &User) -> (Option<&'static str>, Vec<&'static str>) {
    if user.totp_enabled {
        (Some("SOFTWARE_TOKEN_MFA"), vec!["SOFTWARE_TOKEN_MFA"])
    } else {
        (None, vec![])
    }
}

fn get_user(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let client_id = client_of_token(r);
    with_access_read(state, r, |_, _, user| {
        let (pref, list) = mfa_settings(&user);
        let client = token_client(state, &client_id)?;
        reply(&ops::GetUserResponse {
            username: Username::new(user.username.as_str()),
            user_attributes: readable_attributes(&user, Some(client)),
            mfa_options: None,
            preferred_mfa_setting: pref.map(str::to_owned),
            user_mfa_setting_list: pref.map(|_| list.into_iter().map(str::to_owned).collect()),
        })
    })
}

fn update_user_attributes(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let attrs = r
        .attributes("UserAttributes")?
        .ok_or_else(|| ApiError::invalid_param("1 validation error detected: Value null at 'userAttributes' failed to satisfy constraint: Member must not be null"))?;
    let client_id = client_of_token(r);
    with_access(state, r, |tx, pool, mut user| {
        validate_attributes(pool, &attrs)?;
        check_writable(
            token_client(state, &client_id)?,
            attrs.iter().map(|(n, _)| n.as_str()),
        )?;
        let mut list = Vec::new();
        let email_changed = set_attributes(&mut user, attrs).contains(&"email");
        user.modified = state.now();
        auth::save_user(tx, pool, &user)?;
        if email_changed && pool.auto_verified_attributes.iter().any(|a| a == "email") {
            list.push(auth::send_code(
                state,
                tx,
                pool,
                &client_id,
                &user,
                "VerifyUserAttribute",
                "email",
                SIGNUP_CODE_SECS,
            )?);
        }
        reply(&ops::UpdateUserAttributesResponse {
            code_delivery_details_list: Some(list),
        })
    })
}

fn get_user_attribute_verification_code(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let attr = r.req_str("AttributeName", 32)?.to_string();
    let client_id = client_of_token(r);
    with_access(state, r, |tx, pool, user| {
        if attr != "email" && attr != "phone_number" {
            return Err(ApiError::invalid_param(format!(
                "Attribute {attr} cannot be verified"
            )));
        }
        let d = auth::send_code(
            state,
            tx,
            pool,
            &client_id,
            &user,
            "VerifyUserAttribute",
            &attr,
            SIGNUP_CODE_SECS,
        )?;
        code_sent(d)
    })
}

fn verify_user_attribute(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let attr = r.req_str("AttributeName", 32)?.to_string();
    let code = r.req_str("Code", 2048)?.to_string();
    with_access(state, r, |tx, pool, mut user| {
        if let Err(wrong) =
            auth::take_code(state, tx, pool, &user, "VerifyUserAttribute", &attr, &code)?
        {
            return Ok(Err(wrong));
        }
        if attr == "email" {
            if let Some(email) = user.attr("email").map(str::to_string) {
                auth::claim_email_alias(tx, pool, &user, &email, false)?;
            }
        }
        user.attributes
            .insert(format!("{attr}_verified"), "true".into());
        user.modified = state.now();
        auth::save_user(tx, pool, &user)?;
        Ok(Ok(json!({})))
    })?
}

fn change_password(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let previous = r.password("PreviousPassword")?.to_string();
    let proposed = r.password("ProposedPassword")?.to_string();
    let (pool_id, user) = with_access(state, r, |_, pool, user| Ok((pool.id.clone(), user)))?;
    let pool = state
        .pool(&pool_id)
        .ok_or_else(|| ApiError::internal("pool vanished"))?;
    let now = state.now();
    auth::check_lockout(&user, now)?;
    let ok = user.check_password(pool.srp_pool_name(), &previous);
    if ok {
        check_password_policy(pool, &proposed)?;
    }
    let mut fresh = User::new(&user.username, now);
    if ok {
        fresh.set_password(pool.srp_pool_name(), &proposed);
    }
    state
        .store
        .tx(|tx| -> Result<Result<Value, ApiError>, ApiError> {
            let mut u = load_user(tx, pool, &user.username)?;
            if !ok {
                auth::record_failure(&mut u, now);
                auth::save_user(tx, pool, &u)?;
                return Ok(Err(ApiError::bad_credentials()));
            }
            u.salt_raw = fresh.salt_raw;
            u.salt_hex = fresh.salt_hex;
            u.verifier_hex = fresh.verifier_hex;
            u.failed_attempts = 0;
            u.lockout_until = 0;
            u.modified = now;
            auth::save_user(tx, pool, &u)?;
            Ok(Ok(json!({})))
        })?
}

fn global_sign_out(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    with_access(state, r, |tx, pool, user| {
        auth::revoke_all(tx, &pool.id, &user.username)?;
        Ok(json!({}))
    })
}

fn revoke_token(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let (_, client) = client(state, r)?;
    let token = r.req_str("Token", 131_072)?;
    let secret = r.opt_str("ClientSecret", 64)?;
    check_client_secret(client, secret)?;
    if token.split('.').count() == 3 {
        return Err(ApiError::new(
            CognitoErrorCode::UnsupportedTokenTypeException,
            "Unsupported token type",
        ));
    }
    state.store.tx(|tx| {
        if let Some(fkey) = auth::refresh_family_key(state, tx, token)? {
            if let Some(mut fam) = tx.get::<crate::state::Family>(Kind::Family, &fkey)? {
                if fam.client_id != client.id {
                    return Err(ApiError::new(
                        CognitoErrorCode::UnauthorizedException,
                        "Token does not belong to this client",
                    ));
                }
                fam.revoked = true;
                tx.put(Kind::Family, &fkey, &fam)?;
            }
        }
        Ok(json!({}))
    })
}

/// DeleteUserAttributes: removes attributes of the signed-in user. `sub` cannot be removed;
/// removing `email` / `phone_number` also removes its `_verified` flag.
fn delete_user_attributes(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let names = r.opt_str_list("UserAttributeNames", 32)?.ok_or_else(|| {
        ApiError::invalid_param("1 validation error detected: Value null at 'userAttributeNames' failed to satisfy constraint: Member must not be null")
    })?;
    if let Some(n) = names.iter().find(|n| n.as_str() == "sub") {
        return Err(ApiError::invalid_param(format!(
            "Cannot delete the non-mutable attribute {n}"
        )));
    }
    let client_id = client_of_token(r);
    with_access(state, r, |tx, pool, mut user| {
        check_writable(
            token_client(state, &client_id)?,
            names.iter().map(String::as_str),
        )?;
        for n in &names {
            user.attributes.remove(n);
            if n == "email" || n == "phone_number" {
                user.attributes.remove(&format!("{n}_verified"));
            }
        }
        user.modified = state.now();
        auth::save_user(tx, pool, &user)?;
        Ok(json!({}))
    })
}

fn delete_user(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    with_access(state, r, |tx, pool, user| {
        auth::forget_sign_ins(tx, &pool.id, &user.username, true)?;
        tx.delete_user(&pool.id, &user.username)?;
        Ok(json!({}))
    })
}

// ---------------------------------------------------------------------------------------------
// Forgot password

fn forgot_password(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let (pool, client) = client(state, r)?;
    let username = r.req_str("Username", 128)?;
    let secret_hash = r.opt_str("SecretHash", 128)?;
    check_secret_hash(client, &[username], secret_hash)?;
    state.store.tx(|tx| {
        let Some(user) = load_user_unless_hidden(tx, pool, username)? else {
            return fake_delivery(state, tx, pool, username);
        };
        if user.attr("email").is_none() || (user.verified_email().is_none() && user.status == UserStatus::Confirmed) {
            return Err(ApiError::invalid_param(
                "Cannot reset password for the user as there is no registered/verified email or phone_number",
            ));
        }
        let d = auth::send_code(state, tx, pool, &client.id, &user, "ForgotPassword", "email", RESET_CODE_SECS)?;
        code_sent(d)
    })
}

fn confirm_forgot_password(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let (pool, client) = client(state, r)?;
    let username = r.req_str("Username", 128)?;
    let code = r.req_str("ConfirmationCode", 2048)?;
    let password = r.password("Password")?;
    let secret_hash = r.opt_str("SecretHash", 128)?;
    check_secret_hash(client, &[username], secret_hash)?;
    check_password_policy(pool, password)?;
    let pre = peek_username(state, pool, username)?
        .map(|u| NewPassword::compute(pool.srp_pool_name(), &u, password));
    state
        .store
        .tx(|tx| -> Result<auth::Counted<Value>, ApiError> {
            let mut user = load_user(tx, pool, username)
                .map_err(|e| hide_unknown(pool, e, ApiError::code_mismatch))?;
            if let Err(wrong) =
                auth::take_code(state, tx, pool, &user, "ForgotPassword", "email", code)?
            {
                return Ok(Err(wrong));
            }
            user.apply_password(pool.srp_pool_name(), password, pre.as_ref());
            if user.status != UserStatus::Unconfirmed {
                user.status = UserStatus::Confirmed;
            }
            user.failed_attempts = 0;
            user.lockout_until = 0;
            user.modified = state.now();
            auth::save_user(tx, pool, &user)?;
            Ok(Ok(json!({})))
        })?
}

// ---------------------------------------------------------------------------------------------
// TOTP

fn associate_software_token(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let secret = util::base32_encode(&util::random_bytes(20));
    if r.opt_str("AccessToken", 131_072)?.is_some() {
        return with_access(state, r, |tx, pool, mut user| {
            user.totp_pending = Some(secret.clone());
            auth::save_user(tx, pool, &user)?;
            reply(&ops::AssociateSoftwareTokenResponse {
                secret_code: TotpSecret::new(secret.as_str()),
                session: None,
            })
        });
    }
    let session = r
        .opt_str("Session", 2048)?
        .ok_or_else(|| ApiError::invalid_param("Either AccessToken or Session must be provided"))?;
    state.store.tx(|tx| {
        let (rec, key) = mfa_setup_session(state, tx, session)?;
        let pool = state
            .pool(&rec.pool)
            .ok_or_else(|| ApiError::internal("pool vanished"))?;
        let mut user = load_user(tx, pool, &rec.username)?;
        user.totp_pending = Some(secret.clone());
        auth::save_user(tx, pool, &user)?;
        tx.delete(Kind::Session, &key)?;
        let s = new_session(tx, &rec)?;
        reply(&ops::AssociateSoftwareTokenResponse {
            secret_code: TotpSecret::new(secret.as_str()),
            session: Some(ChallengeSession::new(s)),
        })
    })
}

fn mfa_setup_session(
    state: &AppState,
    tx: &Tx<'_>,
    session: &str,
) -> Result<(SessionRec, String), ApiError> {
    let key = util::sha256_hex(session);
    let rec = tx
        .get::<SessionRec>(Kind::Session, &key)?
        .filter(|s| s.challenge == ChallengeName::MfaSetup.as_str())
        .ok_or_else(|| ApiError::not_authorized("Invalid session for the user."))?;
    if state.now() > rec.expires {
        return Err(ApiError::not_authorized(
            "Invalid session for the user, session is expired.",
        ));
    }
    Ok((rec, key))
}

fn verify_software_token(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let code = r.req_str("UserCode", 6)?.to_string();
    let _ = r.opt_str("FriendlyDeviceName", 131_072)?;
    let now = state.now();
    let verify = |user: &mut User| -> Result<(), ApiError> {
        let pending = user.totp_pending.clone().ok_or_else(|| {
            ApiError::invalid_param(
                "Software token has not been associated; call AssociateSoftwareToken first",
            )
        })?;
        let Some(step) = util::totp_step(&pending, &code, now) else {
            return Err(ApiError::new(
                CognitoErrorCode::EnableSoftwareTokenMFAException,
                "Code mismatch and fail enable Software Token MFA",
            ));
        };
        user.totp_secret = Some(pending);
        user.totp_pending = None;
        // The code that proved the new secret cannot also answer the next sign-in.
        user.totp_last_step = Some(step);
        Ok(())
    };
    if r.opt_str("AccessToken", 131_072)?.is_some() {
        return with_access(state, r, |tx, pool, mut user| {
            verify(&mut user)?;
            auth::save_user(tx, pool, &user)?;
            reply(&ops::VerifySoftwareTokenResponse {
                status: Some(VerifySoftwareTokenStatus::Success),
                session: None,
            })
        });
    }
    let session = r
        .opt_str("Session", 2048)?
        .ok_or_else(|| ApiError::invalid_param("Either AccessToken or Session must be provided"))?;
    state.store.tx(|tx| {
        let (mut rec, key) = mfa_setup_session(state, tx, session)?;
        let pool = state
            .pool(&rec.pool)
            .ok_or_else(|| ApiError::internal("pool vanished"))?;
        let mut user = load_user(tx, pool, &rec.username)?;
        verify(&mut user)?;
        auth::save_user(tx, pool, &user)?;
        tx.delete(Kind::Session, &key)?;
        rec.totp_verified = true;
        let s = new_session(tx, &rec)?;
        reply(&ops::VerifySoftwareTokenResponse {
            status: Some(VerifySoftwareTokenStatus::Success),
            session: Some(ChallengeSession::new(s)),
        })
    })
}

fn set_user_mfa_preference(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let totp = match r.0.get("SoftwareTokenMfaSettings") {
        None | Some(Value::Null) => None,
        Some(Value::Object(o)) => {
            let sub = Req(o);
            Some((
                sub.opt_bool("Enabled")?.unwrap_or(false),
                sub.opt_bool("PreferredMfa")?.unwrap_or(false),
            ))
        }
        Some(v) => return Err(type_error(Some(v), "structure")),
    };
    for other in ["SMSMfaSettings", "EmailMfaSettings"] {
        if let Some(Value::Object(o)) = r.0.get(other) {
            if Req(o).opt_bool("Enabled")? == Some(true) {
                return Err(ApiError::invalid_param(format!(
                    "{other}: SMS and email MFA are not supported by this local server"
                )));
            }
        }
    }
    with_access(state, r, |tx, pool, mut user| {
        if let Some((enabled, _preferred)) = totp {
            if enabled && user.totp_secret.is_none() {
                return Err(ApiError::invalid_param(
                    "User has not verified software token mfa",
                ));
            }
            if !enabled && pool.mfa == "ON" {
                return Err(ApiError::invalid_param(
                    "MFA is required for this user pool",
                ));
            }
            user.totp_enabled = enabled;
            auth::save_user(tx, pool, &user)?;
        }
        Ok(json!({}))
    })
}

// ---------------------------------------------------------------------------------------------
// Admin operations (no SigV4 locally)

fn admin_pool<'s>(state: &'s AppState, r: &Req<'_>) -> Result<&'s PoolConfig, ApiError> {
    let id = r.req_str("UserPoolId", 55)?;
    state.pool(id).ok_or_else(|| {
        ApiError::new(
            CognitoErrorCode::ResourceNotFoundException,
            format!("User pool {id} does not exist."),
        )
    })
}

fn user_type(user: &User, attr_key: &str) -> Value {
    json!({
        "Username": user.username,
        attr_key: user.attribute_list(),
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status,
    })
}

fn admin_create_user(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let pool = admin_pool(state, r)?;
    let username = r.req_str("Username", 128)?;
    let temp = r.opt_str("TemporaryPassword", util::MAX_PASSWORD_CHARS)?;
    if let Some(t) = temp {
        check_password_member("TemporaryPassword", t)?;
    }
    let attrs = r.attributes("UserAttributes")?.unwrap_or_default();
    let _ = r.attributes("ValidationData")?;
    let action = r.opt_str("MessageAction", 16)?;
    let force_alias = r.opt_bool("ForceAliasCreation")?.unwrap_or(false);
    check_username_for_pool(pool, username)?;
    validate_attributes(pool, &attrs)?;
    if let Some(a) = action {
        check_enum("MessageAction", a, &["RESEND", "SUPPRESS"])?;
    }
    let temp = match temp {
        Some(t) => {
            check_password_policy(pool, t)?;
            t.to_string()
        }
        None => util::temporary_password(),
    };
    let now = state.now();
    let pre = NewPassword::compute(pool.srp_pool_name(), username, &temp);
    let user = state.store.tx(|tx| {
        let existing = tx.user(&pool.id, username)?;
        let mut user = match (existing, action) {
            (Some(u), Some("RESEND")) if u.status == UserStatus::ForceChangePassword => u,
            (Some(_), Some("RESEND")) => {
                return Err(ApiError::new(
                    CognitoErrorCode::UnsupportedUserStateException,
                    "User status is not FORCE_CHANGE_PASSWORD",
                ))
            }
            (Some(_), _) => {
                return Err(ApiError::new(
                    CognitoErrorCode::UsernameExistsException,
                    "User account already exists",
                ))
            }
            (None, Some("RESEND")) => return Err(ApiError::user_not_found()),
            (None, _) => {
                let mut u = User::new(username, now);
                for (n, v) in &attrs {
                    u.attributes.insert(n.clone(), v.clone());
                }
                u
            }
        };
        if let Some(email) = user.verified_email().map(str::to_string) {
            auth::claim_email_alias(tx, pool, &user, &email, force_alias)?;
        }
        user.status = UserStatus::ForceChangePassword;
        user.temp_password_expires =
            Some(now + pool.password_policy.temporary_password_validity_days * 86_400);
        user.apply_password(pool.srp_pool_name(), &temp, Some(&pre));
        user.modified = now;
        auth::save_user(tx, pool, &user)?;
        Ok(user)
    })?;
    if action != Some("SUPPRESS") {
        // The temporary password is a secret: it goes to the log and the in-memory outbox
        // only, never into the database (and only once the user is committed).
        let dest = user
            .attr("email")
            .unwrap_or("(no email; see outbox)")
            .to_string();
        auth::outbox_in_memory(state, pool, &user, &dest, "AdminCreateUser", &temp);
    }
    Ok(json!({"User": user_type(&user, "Attributes")}))
}

fn admin_get_user(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let pool = admin_pool(state, r)?;
    let username = r.req_str("Username", 128)?;
    state.store.read(|tx| {
        let user = load_user(tx, pool, username)?;
        let mut v = user_type(&user, "UserAttributes");
        let (pref, list) = mfa_settings(&user);
        if let Some(p) = pref {
            v["PreferredMfaSetting"] = json!(p);
            v["UserMFASettingList"] = json!(list);
        }
        Ok(v)
    })
}

fn admin_delete_user(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let pool = admin_pool(state, r)?;
    let username = r.req_str("Username", 128)?;
    state.store.tx(|tx| {
        let user = load_user(tx, pool, username)?;
        auth::forget_sign_ins(tx, &pool.id, &user.username, true)?;
        tx.delete_user(&pool.id, &user.username)?;
        Ok(json!({}))
    })
}

fn admin_confirm_sign_up(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let pool = admin_pool(state, r)?;
    let username = r.req_str("Username", 128)?;
    state.store.tx(|tx| {
        let mut user = load_user(tx, pool, username)?;
        if user.status != UserStatus::Unconfirmed {
            return Err(ApiError::not_authorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status
            )));
        }
        user.status = UserStatus::Confirmed;
        user.modified = state.now();
        auth::save_user(tx, pool, &user)?;
        Ok(json!({}))
    })
}

fn admin_set_user_password(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let pool = admin_pool(state, r)?;
    let username = r.req_str("Username", 128)?;
    let password = r.password("Password")?;
    let permanent = r.opt_bool("Permanent")?.unwrap_or(false);
    check_password_policy(pool, password)?;
    let pre = peek_username(state, pool, username)?
        .map(|u| NewPassword::compute(pool.srp_pool_name(), &u, password));
    state.store.tx(|tx| {
        let mut user = load_user(tx, pool, username)?;
        user.apply_password(pool.srp_pool_name(), password, pre.as_ref());
        if permanent {
            user.status = UserStatus::Confirmed;
            user.temp_password_expires = None;
        } else {
            user.status = UserStatus::ForceChangePassword;
            user.temp_password_expires =
                Some(state.now() + pool.password_policy.temporary_password_validity_days * 86_400);
        }
        user.failed_attempts = 0;
        user.lockout_until = 0;
        user.modified = state.now();
        auth::save_user(tx, pool, &user)?;
        Ok(json!({}))
    })
}

fn admin_set_enabled(state: &AppState, r: &Req<'_>, enabled: bool) -> Result<Value, ApiError> {
    let pool = admin_pool(state, r)?;
    let username = r.req_str("Username", 128)?;
    state.store.tx(|tx| {
        let mut user = load_user(tx, pool, username)?;
        user.enabled = enabled;
        user.modified = state.now();
        auth::save_user(tx, pool, &user)?;
        if !enabled {
            // AWS: "deactivates a user and revokes all access tokens for the user"; the
            // hosted-UI sessions and pending codes go too, so re-enabling revives none of them.
            auth::forget_sign_ins(tx, &pool.id, &user.username, false)?;
        }
        Ok(json!({}))
    })
}

/// Groups are created on first use (there is no CreateGroup locally).
fn admin_group(state: &AppState, r: &Req<'_>, add: bool) -> Result<Value, ApiError> {
    let pool = admin_pool(state, r)?;
    let username = r.req_str("Username", 128)?;
    let group = r.req_str("GroupName", 128)?;
    state.store.tx(|tx| {
        let mut user = load_user(tx, pool, username)?;
        user.groups.retain(|g| g != group);
        if add {
            user.groups.push(group.to_string());
        }
        user.modified = state.now();
        auth::save_user(tx, pool, &user)?;
        Ok(json!({}))
    })
}

fn admin_user_global_sign_out(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let pool = admin_pool(state, r)?;
    let username = r.req_str("Username", 128)?;
    state.store.tx(|tx| {
        let user = load_user(tx, pool, username)?;
        auth::revoke_all(tx, &pool.id, &user.username)?;
        Ok(json!({}))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_operation_is_routed_once() {
        let names: Vec<&str> = operations().collect();
        for op in ops::OPERATION_NAMES {
            assert!(names.contains(op), "{op} is not routed");
        }
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "an operation is routed twice");
    }

    #[test]
    fn validation_enums_are_core_names() {
        for name in CHALLENGES {
            assert!(
                !matches!(ChallengeName::from_wire(name), ChallengeName::Other(_)),
                "{name} is not one of core's challenge names"
            );
        }
        for flow in AUTH_FLOWS.iter().filter(|f| !f.starts_with("ADMIN_")) {
            assert!(
                !matches!(AuthFlow::from_wire(flow), AuthFlow::Other(_)),
                "{flow} is not one of core's auth flows"
            );
        }
    }
}
