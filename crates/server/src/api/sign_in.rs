//! Sign-in: InitiateAuth, RespondToAuthChallenge, GetTokensFromRefreshToken; and getting
//! back in: ForgotPassword, ConfirmForgotPassword.

use super::*;

// ---------------------------------------------------------------------------------------------
// Sign-in

/// `AuthFlow`'s enum value set as AWS lists it in its validation message (in AWS's order; the
/// admin flows belong to `AdminInitiateAuth`, which core does not model). The flows this server
/// runs are matched as `cognito-core`'s [`AuthFlow`].
pub(super) const AUTH_FLOWS: &[&str] = &[
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
];

pub(super) fn initiate_auth(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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
            // AWS: rotation must go through GetTokensFromRefreshToken (REFRESH_TOKEN_AUTH would
            // keep the old token alive); a rotating client cannot have the flow enabled, so the
            // answer is AWS's for a flow the client does not allow, word for word. The reason
            // goes to the log.
            tracing::info!(
                client = %client.id,
                "{flow} refused: refresh token rotation is on, use GetTokensFromRefreshToken"
            );
            Err(ApiError::invalid_param(format!(
                "{flow} flow not enabled for this client"
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
pub(super) fn password_result(
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
pub(super) enum Next<'s> {
    Reply(Box<ops::InitiateAuthResponse>),
    Tokens(Box<auth::Unsigned<'s>>),
}

impl Next<'_> {
    pub(super) fn finish(self, state: &AppState) -> Result<Value, ApiError> {
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
pub(super) fn next_step<'s>(
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
pub(super) fn api_tokens<'s>(
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
pub(super) const CHALLENGES: &[&str] = &[
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

pub(super) fn respond_to_auth_challenge(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn decode_block(b: &str) -> Option<Vec<u8>> {
    STANDARD
        .decode(b)
        .ok()
        .or_else(|| URL_SAFE_NO_PAD.decode(b.trim_end_matches('=')).ok())
}

pub(super) fn password_verifier(
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
pub(super) fn srp_claim_ok(
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

pub(super) fn get_tokens_from_refresh_token(
    state: &AppState,
    r: &Req<'_>,
) -> Result<Value, ApiError> {
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
// Forgot password

pub(super) fn forgot_password(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn confirm_forgot_password(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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
