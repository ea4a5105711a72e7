//! Operations of the signed-in user (AccessToken): GetUser, attributes, ChangePassword,
//! sign-out and token revocation, DeleteUser.

use super::*;

// ---------------------------------------------------------------------------------------------
// Signed-in user operations (AccessToken)

pub(super) fn with_access<T>(
    state: &AppState,
    r: &Req<'_>,
    f: impl FnOnce(&Tx<'_>, &PoolConfig, User) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    with_access_in(state, r, false, f)
}

/// [`with_access`] for an operation that only reads (GetUser): on a read connection.
pub(super) fn with_access_read<T>(
    state: &AppState,
    r: &Req<'_>,
    f: impl FnOnce(&Tx<'_>, &PoolConfig, User) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    with_access_in(state, r, true, f)
}

pub(super) fn with_access_in<T>(
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

pub(super) fn client_of_token(r: &Req<'_>) -> String {
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
pub(super) fn token_client<'s>(
    state: &'s AppState,
    client_id: &str,
) -> Result<&'s ClientConfig, ApiError> {
    state
        .client(client_id)
        .map(|(_, c)| c)
        .ok_or_else(|| ApiError::not_authorized("Invalid Access Token"))
}

/// Writes attributes (an empty value removes one); a changed `email` or `phone_number` loses
/// its verification. Returns which of the two changed.
pub(super) fn set_attributes(user: &mut User, attrs: Vec<(String, String)>) -> Vec<&'static str> {
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

pub(super) fn mfa_settings(user: &User) -> (Option<&'static str>, Vec<&'static str>) {
    if user.totp_enabled {
        (Some("SOFTWARE_TOKEN_MFA"), vec!["SOFTWARE_TOKEN_MFA"])
    } else {
        (None, vec![])
    }
}

pub(super) fn get_user(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn update_user_attributes(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn get_user_attribute_verification_code(
    state: &AppState,
    r: &Req<'_>,
) -> Result<Value, ApiError> {
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

pub(super) fn verify_user_attribute(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn change_password(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn global_sign_out(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    with_access(state, r, |tx, pool, user| {
        auth::revoke_all(tx, &pool.id, &user.username)?;
        Ok(json!({}))
    })
}

pub(super) fn revoke_token(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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
pub(super) fn delete_user_attributes(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn delete_user(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    with_access(state, r, |tx, pool, user| {
        auth::forget_sign_ins(tx, &pool.id, &user.username, true)?;
        tx.delete_user(&pool.id, &user.username)?;
        Ok(json!({}))
    })
}
