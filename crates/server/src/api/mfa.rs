//! TOTP MFA: AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference.

use super::*;

// ---------------------------------------------------------------------------------------------
// TOTP

pub(super) fn associate_software_token(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn mfa_setup_session(
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

pub(super) fn verify_software_token(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn set_user_mfa_preference(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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
