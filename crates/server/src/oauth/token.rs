//! `/oauth2/token`: client authentication and the grants.

use super::*;

// ---------------------------------------------------------------------------------------------
// /oauth2/token

pub(super) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"error": error, "error_description": description}).to_string(),
    )
        .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[allow(clippy::result_large_err)]
/// Client authentication: HTTP Basic or `client_id` (+ `client_secret`) in the body.
pub(super) fn authenticate_client<'s>(
    state: &'s AppState,
    headers: &HeaderMap,
    f: &Params,
) -> Result<(&'s PoolConfig, &'s ClientConfig), Response> {
    let invalid = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_client", d);
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .map(|b| {
            let decoded = STANDARD
                .decode(b.trim())
                .ok()
                .and_then(|d| String::from_utf8(d).ok());
            decoded.and_then(|s| {
                s.split_once(':').map(|(i, p)| {
                    let dec = |x: &str| {
                        percent_encoding::percent_decode_str(x)
                            .decode_utf8_lossy()
                            .into_owned()
                    };
                    (dec(i), dec(p))
                })
            })
        });
    let (id, secret) = match basic {
        Some(Some((i, p))) => (i, Some(p)),
        Some(None) => return Err(invalid("malformed Basic authorization")),
        None => match f.get("client_id") {
            Some(i) => (i.clone(), f.get("client_secret").cloned()),
            None => return Err(invalid("client authentication required")),
        },
    };
    if let Some(body_id) = f.get("client_id") {
        if *body_id != id {
            return Err(invalid("client_id does not match the authenticated client"));
        }
    }
    let Some((pool, client)) = state.client(&id) else {
        return Err(invalid("unknown client"));
    };
    match (&client.secret, secret) {
        (None, _) => Ok((pool, client)),
        (Some(s), Some(g)) if util::ct_eq(s, &g) => Ok((pool, client)),
        (Some(_), _) => Err(invalid("client authentication failed")),
    }
}

pub(super) async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    let f = match read_form(form) {
        Ok(f) => f,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", e),
    };
    let (pool, client) = match authenticate_client(&state, &headers, &f) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let st = state.clone();
    let (pool, client) = (pool.clone(), client.clone());
    let result = tokio::task::spawn_blocking(move || token_grant(&st, &pool, &client, &f)).await;
    match result.map(|r| r.map(|tokens| serde_json::to_string(&tokens))) {
        Ok(Ok(Ok(body))) => {
            let mut r = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r.headers_mut()
                .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            r
        }
        Ok(Err((e, d))) => oauth_error(StatusCode::BAD_REQUEST, e, &d),
        Ok(Ok(Err(_))) | Err(_) => oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "internal error",
        ),
    }
}

pub(super) type GrantResult = Result<TokenResponse, (&'static str, String)>;

pub(super) fn token_grant(
    state: &AppState,
    pool: &PoolConfig,
    client: &ClientConfig,
    f: &Params,
) -> GrantResult {
    let internal = |e: ApiError| ("server_error", e.message);
    match f.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let code = f
                .get("code")
                .filter(|c| !c.is_empty())
                .ok_or(("invalid_request", "code is required".into()))?;
            let redirect_uri = f
                .get("redirect_uri")
                .filter(|c| !c.is_empty())
                .ok_or(("invalid_request", "redirect_uri is required".into()))?;
            let now = state.now();
            state
                .store
                .tx(
                    |tx| -> Result<Result<auth::Unsigned<'_>, (&'static str, String)>, ApiError> {
                        let key = util::sha256_hex(code);
                        // Single use: the code is consumed by any redemption attempt.
                        let Some(rec) = tx.get::<AuthCode>(Kind::AuthCode, &key)? else {
                            return Ok(Err((
                                "invalid_grant",
                                "invalid or already used code".into(),
                            )));
                        };
                        tx.delete(Kind::AuthCode, &key)?;
                        if rec.client_id != client.id || rec.pool != pool.id {
                            return Ok(Err((
                                "invalid_grant",
                                "code was issued to another client".into(),
                            )));
                        }
                        if rec.redirect_uri != *redirect_uri {
                            return Ok(Err((
                                "invalid_grant",
                                "redirect_uri does not match".into(),
                            )));
                        }
                        if now > rec.expires {
                            return Ok(Err(("invalid_grant", "code expired".into())));
                        }
                        if let Some(ch) = &rec.code_challenge {
                            let Some(v) = f.get("code_verifier") else {
                                return Ok(Err((
                                    "invalid_grant",
                                    "code_verifier is required".into(),
                                )));
                            };
                            let computed = match rec.code_challenge_method.as_deref() {
                                Some("S256") => {
                                    URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes()))
                                }
                                _ => v.clone(),
                            };
                            if !util::ct_eq(&computed, ch) {
                                return Ok(Err((
                                    "invalid_grant",
                                    "code_verifier does not match the code_challenge".into(),
                                )));
                            }
                        }
                        // By `sub`: the user who signed in, whatever their name is now bound to.
                        let Some(user) = tx.user_by_sub(&pool.id, &rec.sub)? else {
                            return Ok(Err(("invalid_grant", "user no longer exists".into())));
                        };
                        if user.sub != rec.sub {
                            // Deleted and re-created under the same name: not the user who
                            // signed in.
                            return Ok(Err(("invalid_grant", "user no longer exists".into())));
                        }
                        if !user.enabled {
                            return Ok(Err(("invalid_grant", "User is disabled.".into())));
                        }
                        let with_id = rec.scope.iter().any(|s| s == "openid");
                        let t = auth::issue(
                            state,
                            tx,
                            pool,
                            client,
                            &user,
                            rec.auth_time,
                            rec.scope.clone(),
                            rec.nonce.as_deref(),
                            with_id,
                            true,
                        )?;
                        Ok(Ok(t))
                    },
                )
                .map_err(internal)?
                // Signed after the commit, outside the store lock.
                .and_then(|t| t.sign(state).map(auth::token_response).map_err(internal))
        }
        Some("refresh_token") => {
            let rt = f
                .get("refresh_token")
                .filter(|c| !c.is_empty())
                .ok_or(("invalid_request", "refresh_token is required".into()))?;
            state
                .store
                .tx(|tx| match auth::refresh(state, tx, pool, client, rt) {
                    // The token endpoint rotates too (AWS), spending the old token.
                    Ok(t) if client.refresh_token_rotation => {
                        auth::rotate(state, tx, client, rt, t).map(Ok)
                    }
                    Ok(t) => Ok(Ok(t)),
                    Err(e) if e.code == CognitoErrorCode::NotAuthorizedException => {
                        Ok(Err(("invalid_grant", e.message)))
                    }
                    Err(e) => Err(e),
                })
                .map_err(internal)?
                .and_then(|t| t.sign(state).map(auth::token_response).map_err(internal))
        }
        Some("client_credentials") => Err((
            "unauthorized_client",
            "client_credentials is not supported for this client".into(),
        )),
        Some(_) => Err(("unsupported_grant_type", "unsupported grant_type".into())),
        None => Err(("invalid_request", "grant_type is required".into())),
    }
}
