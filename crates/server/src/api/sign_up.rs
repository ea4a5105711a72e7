//! Sign-up: SignUp, ConfirmSignUp, ResendConfirmationCode.

use super::*;

// ---------------------------------------------------------------------------------------------
// Sign-up

pub(super) fn sign_up(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn confirm_sign_up(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn resend_confirmation_code(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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
