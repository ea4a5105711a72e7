//! The hosted-UI sign-in page (`/login`): password, new password and TOTP steps.

use super::*;

pub(super) fn login_form(
    a: &Authz<'_>,
    csrf: &str,
    username: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> Markup {
    let q = query_string(&a.raw, &[]);
    html! {
        (messages(error, notice))
        form method="post" action="/login" id="login" {
            (csrf_field(csrf))
            (hidden(&a.raw))
            (field("username", "Username or email", "text", username))
            (field("password", "Password", "password", ""))
            button type="submit" { "Sign in" }
        }
        nav {
            a href={ "/forgotPassword?" (q) } id="forgot" { "Forgot your password?" }
            a href={ "/signup?" (q) } id="signup" { "Need an account? Sign up" }
            a href={ "/confirmUser?" (q) } id="confirm" { "Have a confirmation code?" }
        }
    }
}

pub(super) async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    let a = match parse_authz(&state, &p) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, p.get("state")),
    };
    let (token, cookies) = csrf(&state, &headers);
    let username = p
        .get("username")
        .or_else(|| p.get("login_hint"))
        .map_or("", String::as_str);
    let body = login_form(&a, &token, username, None, notice_text(p.get("notice")));
    page(StatusCode::OK, "Sign in", body, &cookies)
}

pub(super) async fn login_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    let f = match read_form(form) {
        Ok(f) => f,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, e),
    };
    let a = match parse_authz(&state, &f) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, f.get("state")),
    };
    let (token, cookies) = csrf(&state, &headers);
    if !csrf_ok(&headers, &f) {
        let body = login_form(
            &a,
            &token,
            "",
            Some("Your session has expired; please sign in again."),
            None,
        );
        return page(StatusCode::FORBIDDEN, "Sign in", body, &cookies);
    }
    let st = state.clone();
    let f2 = f.clone();
    let result = tokio::task::spawn_blocking(move || login_step(&st, &f2)).await;
    let a = match parse_authz(&state, &f) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, f.get("state")),
    };
    match result {
        Ok(Ok(LoginOutcome::Done(user, auth_time))) => {
            let user = *user;
            let sid = util::random_token(32);
            let rec = UiSession {
                pool: a.pool.id.clone(),
                username: user.username.clone(),
                sub: user.sub.clone(),
                auth_time,
                expires: state.now() + UI_SESSION_SECS,
            };
            let key = util::sha256_hex(&sid);
            if let Err(e) = crate::blocking(&state, move |st| {
                Ok(st.store.tx(|tx| tx.put(Kind::UiSession, &key, &rec))?)
            })
            .await
            {
                return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.message);
            }
            let c = set_cookie(&state, SESSION_COOKIE, sid, Some(UI_SESSION_SECS));
            issue_code_redirect(&state, &a, &user, auth_time, vec![c]).await
        }
        Ok(Ok(LoginOutcome::Unconfirmed(username))) => redirect(
            &format!(
                "/confirmUser?{}",
                query_string(&a.raw, &[("username", &username), ("notice", "code_sent")])
            ),
            &cookies,
        ),
        Ok(Ok(LoginOutcome::NewPassword(session, error))) => {
            let body = html! {
                (messages(error.as_deref(), None))
                p { "You must choose a new password." }
                form method="post" action="/login" id="new-password" {
                    (csrf_field(&token))
                    (hidden(&a.raw))
                    input type="hidden" name="session" value=(session);
                    (field("new_password", "New password", "password", ""))
                    button type="submit" { "Set password and sign in" }
                }
            };
            page(StatusCode::OK, "Change password", body, &cookies)
        }
        Ok(Ok(LoginOutcome::Totp(session, error))) => {
            let body = html! {
                (messages(error.as_deref(), None))
                form method="post" action="/login" id="totp" {
                    (csrf_field(&token))
                    (hidden(&a.raw))
                    input type="hidden" name="session" value=(session);
                    (field("totp_code", "Code from your authenticator app", "text", ""))
                    button type="submit" { "Verify" }
                }
            };
            page(
                StatusCode::OK,
                "Multi-factor authentication",
                body,
                &cookies,
            )
        }
        Ok(Err(e)) => {
            let username = f.get("username").map_or("", String::as_str);
            let body = login_form(&a, &token, username, Some(&e.message), None);
            page(StatusCode::BAD_REQUEST, "Sign in", body, &cookies)
        }
        Err(_) => error_page(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error."),
    }
}

pub(super) enum LoginOutcome {
    Done(Box<User>, i64),
    Unconfirmed(String),
    NewPassword(String, Option<String>),
    Totp(String, Option<String>),
}

/// One step of the hosted-UI sign-in: password, new password, or TOTP code.
pub(super) fn login_step(state: &AppState, f: &Params) -> Result<LoginOutcome, ApiError> {
    let (pool, client) = state
        .client(f.get("client_id").map_or("", String::as_str))
        .ok_or_else(|| ApiError::unknown_client(""))?;
    let now = state.now();
    if let Some(session) = f.get("session") {
        let key = util::sha256_hex(session);
        // A new password's SRP verifier is computed before the write transaction.
        let new_pw = f.get("new_password").map_or("", String::as_str);
        let pre = if util::check_password_policy(&pool.password_policy, new_pw).is_ok() {
            state
                .store
                .tx(|tx| Ok::<_, ApiError>(tx.get::<SessionRec>(Kind::Session, &key)?))?
                .filter(|r| r.challenge == "HUI_NEW_PASSWORD")
                .map(|r| NewPassword::compute(pool.srp_pool_name(), &r.username, new_pw))
        } else {
            None
        };
        return state.store.tx(|tx| {
            let rec = tx
                .get::<SessionRec>(Kind::Session, &key)?
                .filter(|r| r.client_id == client.id && r.expires > now)
                .ok_or_else(|| {
                    ApiError::not_authorized(
                        "Your sign-in session has expired; please sign in again.",
                    )
                })?;
            let mut user = tx
                .user(&pool.id, &rec.username)?
                .ok_or_else(ApiError::user_not_found)?;
            match rec.challenge.as_str() {
                "HUI_NEW_PASSWORD" => {
                    let pw = f.get("new_password").map_or("", String::as_str);
                    if let Err(m) = util::check_password_policy(&pool.password_policy, pw) {
                        return Ok(LoginOutcome::NewPassword(session.clone(), Some(m)));
                    }
                    user.apply_password(pool.srp_pool_name(), pw, pre.as_ref());
                    user.status = UserStatus::Confirmed;
                    user.temp_password_expires = None;
                    user.modified = now;
                    auth::save_user(tx, pool, &user)?;
                    tx.delete(Kind::Session, &key)?;
                    after_password(state, tx, pool, client, &user)
                }
                "HUI_TOTP" => {
                    let code = f.get("totp_code").map_or("", String::as_str);
                    // Consumes the code's time step, as the API's SOFTWARE_TOKEN_MFA does:
                    // a code already used (here or there) is refused.
                    if let Err(e) = auth::check_mfa_throttle(state, tx, pool, &user) {
                        return Ok(LoginOutcome::Totp(session.clone(), Some(e.message)));
                    }
                    let right = user.take_totp(code, now);
                    auth::record_mfa_result(state, tx, pool, &user, right)?;
                    if !right {
                        auth::count_wrong_session_code(tx, &key, rec)?;
                        return Ok(LoginOutcome::Totp(
                            session.clone(),
                            Some("Invalid code or auth state for the user.".into()),
                        ));
                    }
                    auth::save_user(tx, pool, &user)?;
                    tx.delete(Kind::Session, &key)?;
                    Ok(LoginOutcome::Done(Box::new(user), now))
                }
                _ => Err(ApiError::not_authorized("Invalid session for the user.")),
            }
        });
    }
    let username = f.get("username").map_or("", String::as_str).trim();
    let password = f.get("password").map_or("", String::as_str);
    if username.is_empty() || password.is_empty() {
        return Err(ApiError::invalid_param("Enter your username and password."));
    }
    let Some(user) = state.store.tx(|tx| auth::find_user(tx, pool, username))? else {
        // The hosted UI never tells unknown users apart: the same password work and store
        // round trip as for a real one, then the answer of a wrong password.
        state.dummy_password_check(pool, password);
        state.store.tx(|tx| auth::find_user(tx, pool, username))?;
        return Err(ApiError::bad_credentials());
    };
    auth::check_lockout(&user, now)?;
    let ok = user.check_password(pool.srp_pool_name(), password);
    // `User is disabled.` only after a correct password: before it, it would confirm that the
    // account exists.
    if !user.enabled {
        return Err(if ok {
            ApiError::not_authorized("User is disabled.")
        } else {
            ApiError::bad_credentials()
        });
    }
    state
        .store
        .tx(|tx| -> Result<Result<LoginOutcome, ApiError>, ApiError> {
            let mut u = tx
                .user(&pool.id, &user.username)?
                .ok_or_else(ApiError::bad_credentials)?;
            auth::check_lockout(&u, now)?;
            if !ok {
                auth::record_failure(&mut u, now);
                auth::save_user(tx, pool, &u)?;
                return Ok(Err(ApiError::bad_credentials()));
            }
            u.failed_attempts = 0;
            u.lockout_until = 0;
            auth::save_user(tx, pool, &u)?;
            Ok(after_password(state, tx, pool, client, &u))
        })?
}

pub(super) fn after_password(
    state: &AppState,
    tx: &crate::store::Tx<'_>,
    pool: &PoolConfig,
    client: &ClientConfig,
    user: &User,
) -> Result<LoginOutcome, ApiError> {
    let now = state.now();
    let mk = |challenge: &str| -> Result<String, ApiError> {
        let s = util::random_token(48);
        tx.put(
            Kind::Session,
            &util::sha256_hex(&s),
            &SessionRec {
                pool: pool.id.clone(),
                client_id: client.id.clone(),
                username: user.username.clone(),
                challenge: challenge.into(),
                expires: now + crate::api::SESSION_SECS,
                totp_verified: false,
                attempts: 0,
            },
        )?;
        Ok(s)
    };
    auth::check_password_status(user, now)?;
    match user.status {
        UserStatus::Unconfirmed => {
            if user.attr("email").is_some() {
                auth::send_code(
                    state,
                    tx,
                    pool,
                    &client.id,
                    user,
                    "ResendConfirmationCode",
                    "email",
                    24 * 3600,
                )?;
            }
            Ok(LoginOutcome::Unconfirmed(user.username.clone()))
        }
        UserStatus::ForceChangePassword => {
            Ok(LoginOutcome::NewPassword(mk("HUI_NEW_PASSWORD")?, None))
        }
        _ if user.totp_enabled && user.totp_secret.is_some() && pool.mfa != "OFF" => {
            Ok(LoginOutcome::Totp(mk("HUI_TOTP")?, None))
        }
        _ if pool.mfa == "ON" => Err(ApiError::invalid_param(
            "MFA setup is required; set up TOTP through the user-pool API (MFA_SETUP) first.",
        )),
        _ => Ok(LoginOutcome::Done(Box::new(user.clone()), now)),
    }
}
