//! `/oauth2/authorize`: its parameters, checked against the client, and the redirect back
//! with a code (or an error).

use super::*;

// ---------------------------------------------------------------------------------------------
// Authorize parameters

/// Validated `/oauth2/authorize` parameters.
#[derive(Debug, Clone)]
pub(super) struct Authz<'s> {
    pub(super) pool: &'s PoolConfig,
    pub(super) client: &'s ClientConfig,
    pub(super) redirect_uri: String,
    pub(super) scope: Vec<String>,
    pub(super) state: Option<String>,
    pub(super) nonce: Option<String>,
    pub(super) code_challenge: Option<String>,
    pub(super) code_challenge_method: Option<String>,
    /// The raw parameters, carried through the hosted-UI pages.
    pub(super) raw: Vec<(String, String)>,
}

pub(super) const AUTHZ_KEYS: &[&str] = &[
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "identity_provider",
    "lang",
    "login_hint",
    "prompt",
];

pub(super) enum AuthzError {
    /// Shown as a page: the redirect URI cannot be trusted.
    Page(String),
    /// Sent back to the (registered) redirect URI.
    Redirect(String, &'static str, String),
}

pub(super) fn parse_authz<'s>(state: &'s AppState, p: &Params) -> Result<Authz<'s>, AuthzError> {
    let Some(client_id) = p.get("client_id").filter(|s| !s.is_empty()) else {
        return Err(AuthzError::Page(
            "Missing required parameter client_id.".into(),
        ));
    };
    let Some((pool, client)) = state.client(client_id) else {
        return Err(AuthzError::Page(format!("Unknown client_id {client_id}.")));
    };
    let Some(redirect_uri) = p.get("redirect_uri").filter(|s| !s.is_empty()) else {
        return Err(AuthzError::Page(
            "Missing required parameter redirect_uri.".into(),
        ));
    };
    if !client.callback_urls.iter().any(|u| u == redirect_uri) {
        return Err(AuthzError::Page(
            "redirect_mismatch: the redirect_uri is not registered for this client.".into(),
        ));
    }
    let st = p.get("state").cloned();
    let redirect_err =
        |e: &'static str, d: &str| AuthzError::Redirect(redirect_uri.clone(), e, d.to_string());
    match p.get("response_type").map(String::as_str) {
        Some("code") => {}
        None | Some("") => {
            return Err(redirect_err("invalid_request", "response_type is required"))
        }
        Some(_) => {
            return Err(redirect_err(
                "unsupported_response_type",
                "only response_type=code is supported",
            ))
        }
    }
    let scope: Vec<String> = match p.get("scope").filter(|s| !s.trim().is_empty()) {
        Some(s) => s
            .split(' ')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect(),
        None => client.scopes.clone(),
    };
    if scope.iter().any(|s| !client.scopes.contains(s)) {
        return Err(redirect_err(
            "invalid_scope",
            "a requested scope is not allowed for this client",
        ));
    }
    if let Some(idp) = p.get("identity_provider").filter(|s| !s.is_empty()) {
        if idp != "COGNITO" {
            return Err(redirect_err(
                "invalid_request",
                "only identity_provider=COGNITO is available locally",
            ));
        }
    }
    let code_challenge = p.get("code_challenge").filter(|s| !s.is_empty()).cloned();
    let mut code_challenge_method = p
        .get("code_challenge_method")
        .filter(|s| !s.is_empty())
        .cloned();
    if let Some(c) = &code_challenge {
        let m = code_challenge_method.get_or_insert_with(|| "plain".into());
        let plain_ok = state.config.server.allow_pkce_plain;
        if m != "S256" && !(m == "plain" && plain_ok) {
            return Err(redirect_err(
                "invalid_request",
                if plain_ok {
                    "code_challenge_method must be S256 or plain"
                } else {
                    "code_challenge_method must be S256"
                },
            ));
        }
        let valid = (43..=128).contains(&c.len())
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
        if !valid {
            return Err(redirect_err("invalid_request", "malformed code_challenge"));
        }
    } else if code_challenge_method.is_some() {
        code_challenge_method = None;
    }
    let raw = AUTHZ_KEYS
        .iter()
        .filter_map(|k| p.get(*k).map(|v| ((*k).to_string(), v.clone())))
        .collect();
    Ok(Authz {
        pool,
        client,
        redirect_uri: redirect_uri.clone(),
        scope,
        state: st,
        nonce: p.get("nonce").cloned(),
        code_challenge,
        code_challenge_method,
        raw,
    })
}

pub(super) fn authz_error_response(e: AuthzError, state_param: Option<&String>) -> Response {
    match e {
        AuthzError::Page(msg) => error_page(StatusCode::BAD_REQUEST, &msg),
        AuthzError::Redirect(uri, err, desc) => {
            let mut pairs = vec![("error", err.to_string()), ("error_description", desc)];
            if let Some(s) = state_param {
                pairs.push(("state", s.clone()));
            }
            redirect(&with_query(&uri, &pairs), &[])
        }
    }
}

pub(super) fn with_query(uri: &str, pairs: &[(&str, String)]) -> String {
    match url::Url::parse(uri) {
        Ok(mut u) => {
            {
                let mut q = u.query_pairs_mut();
                for (k, v) in pairs {
                    q.append_pair(k, v);
                }
            }
            u.to_string()
        }
        Err(_) => uri.to_string(),
    }
}

pub(super) fn query_string(raw: &[(String, String)], extra: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in raw {
        s.append_pair(k, v);
    }
    for (k, v) in extra {
        s.append_pair(k, v);
    }
    s.finish()
}

// ---------------------------------------------------------------------------------------------
// /oauth2/authorize and the sign-in page

pub(super) async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    let a = match parse_authz(&state, &p) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, p.get("state")),
    };
    // A live hosted-UI session for this pool skips the form (unless `prompt=login`);
    // `prompt=none` never shows it (OIDC Core 3.1.2.1): no session, `error=login_required`.
    let prompt = |value: &str| {
        p.get("prompt")
            .is_some_and(|v| v.split(' ').any(|x| x == value))
    };
    let (force_login, no_prompt) = (prompt("login"), prompt("none"));
    if force_login && no_prompt {
        return authz_error_response(
            AuthzError::Redirect(
                a.redirect_uri.clone(),
                "invalid_request",
                "prompt=none cannot be combined with other values".into(),
            ),
            a.state.as_ref(),
        );
    }
    if let Some(sid) = cookie(&headers, SESSION_COOKIE).filter(|_| !force_login) {
        let now = state.now();
        let pool_id = a.pool.id.clone();
        let found = crate::blocking(&state, move |state| {
            state.store.read(|tx| {
                let s: Option<UiSession> = tx.get(Kind::UiSession, &util::sha256_hex(&sid))?;
                let Some(s) = s.filter(|s| s.pool == pool_id && s.expires > now) else {
                    return Ok::<_, ApiError>(None);
                };
                // Bound to the `sub` (found by it): a user deleted and re-created under the same
                // name is another person, whom this browser never signed in as.
                let user = tx.user_by_sub(&s.pool, &s.sub)?;
                Ok(user
                    .filter(|u| u.enabled && u.status == UserStatus::Confirmed && u.sub == s.sub)
                    .map(|u| (u, s.auth_time)))
            })
        })
        .await;
        match found {
            Ok(Some((user, auth_time))) => {
                return issue_code_redirect(&state, &a, &user, auth_time, vec![]).await
            }
            Ok(None) => {}
            Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.message),
        }
    }
    if no_prompt {
        return authz_error_response(
            AuthzError::Redirect(
                a.redirect_uri.clone(),
                "login_required",
                "no signed-in session and prompt=none".into(),
            ),
            a.state.as_ref(),
        );
    }
    redirect(&format!("/login?{}", query_string(&a.raw, &[])), &[])
}

pub(super) async fn issue_code_redirect(
    state: &AppState,
    a: &Authz<'_>,
    user: &User,
    auth_time: i64,
    cookies: Vec<String>,
) -> Response {
    let code = uuid::Uuid::new_v4().to_string();
    let rec = AuthCode {
        pool: a.pool.id.clone(),
        client_id: a.client.id.clone(),
        redirect_uri: a.redirect_uri.clone(),
        username: user.username.clone(),
        sub: user.sub.clone(),
        scope: a.scope.clone(),
        nonce: a.nonce.clone(),
        code_challenge: a.code_challenge.clone(),
        code_challenge_method: a.code_challenge_method.clone(),
        auth_time,
        expires: state.now() + CODE_SECS,
    };
    let key = util::sha256_hex(&code);
    if let Err(e) = crate::blocking(state, move |st| {
        Ok(st.store.tx(|tx| tx.put(Kind::AuthCode, &key, &rec))?)
    })
    .await
    {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.message);
    }
    let mut pairs = vec![("code", code)];
    if let Some(s) = &a.state {
        pairs.push(("state", s.clone()));
    }
    redirect(&with_query(&a.redirect_uri, &pairs), &cookies)
}
