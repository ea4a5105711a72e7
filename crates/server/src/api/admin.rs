//! `Admin*` operations (no SigV4 locally).

use super::*;

// ---------------------------------------------------------------------------------------------
// Admin operations (no SigV4 locally)

pub(super) fn admin_pool<'s>(state: &'s AppState, r: &Req<'_>) -> Result<&'s PoolConfig, ApiError> {
    let id = r.req_str("UserPoolId", 55)?;
    state.pool(id).ok_or_else(|| {
        ApiError::new(
            CognitoErrorCode::ResourceNotFoundException,
            format!("User pool {id} does not exist."),
        )
    })
}

pub(super) fn user_type(user: &User, attr_key: &str) -> Value {
    json!({
        "Username": user.username,
        attr_key: user.attribute_list(),
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status,
    })
}

pub(super) fn admin_create_user(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn admin_get_user(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn admin_delete_user(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let pool = admin_pool(state, r)?;
    let username = r.req_str("Username", 128)?;
    state.store.tx(|tx| {
        let user = load_user(tx, pool, username)?;
        auth::forget_sign_ins(tx, &pool.id, &user.username, true)?;
        tx.delete_user(&pool.id, &user.username)?;
        Ok(json!({}))
    })
}

pub(super) fn admin_confirm_sign_up(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn admin_set_user_password(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
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

pub(super) fn admin_set_enabled(
    state: &AppState,
    r: &Req<'_>,
    enabled: bool,
) -> Result<Value, ApiError> {
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
pub(super) fn admin_group(state: &AppState, r: &Req<'_>, add: bool) -> Result<Value, ApiError> {
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

pub(super) fn admin_user_global_sign_out(state: &AppState, r: &Req<'_>) -> Result<Value, ApiError> {
    let pool = admin_pool(state, r)?;
    let username = r.req_str("Username", 128)?;
    state.store.tx(|tx| {
        let user = load_user(tx, pool, username)?;
        auth::revoke_all(tx, &pool.id, &user.username)?;
        Ok(json!({}))
    })
}
