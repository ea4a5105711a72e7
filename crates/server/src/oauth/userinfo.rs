//! `/oauth2/userInfo`.

use super::*;

// ---------------------------------------------------------------------------------------------
// /oauth2/userInfo, /oauth2/revoke, /logout

pub(super) async fn user_info(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .map(str::to_string);
    let unauthorized = |desc: &str| {
        let mut r = (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            json!({"error": "invalid_token", "error_description": desc}).to_string(),
        )
            .into_response();
        if let Ok(v) = HeaderValue::from_str(&format!(
            "Bearer error=\"invalid_token\", error_description=\"{desc}\""
        )) {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        r
    };
    let Some(token) = bearer else {
        let mut r = oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Bearer access token required",
        );
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_request\""),
        );
        return r;
    };
    let ctx = match crate::blocking(&state, move |st| {
        st.store.read(|tx| auth::validate_access(st, tx, &token))
    })
    .await
    {
        Ok(c) => c,
        Err(e) if e.code == CognitoErrorCode::InternalErrorException => {
            return oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                &e.message,
            )
        }
        Err(e) => return unauthorized(&e.message),
    };
    let scope = ctx
        .claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !scope.split(' ').any(|s| s == "openid" || s == ADMIN_SCOPE) {
        return unauthorized("Access token does not have the openid scope");
    }
    let client = ctx
        .claims
        .get("client_id")
        .and_then(Value::as_str)
        .and_then(|c| state.client(c))
        .map(|(_, c)| c);
    let mut out = serde_json::Map::new();
    out.insert("sub".into(), json!(ctx.user.sub));
    for (k, v) in ctx
        .user
        .attributes
        .iter()
        .filter(|(k, _)| client.is_some_and(|c| c.can_read(k)))
    {
        out.insert(k.clone(), json!(v));
    }
    out.insert("username".into(), json!(ctx.user.username));
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Value::Object(out).to_string(),
    )
        .into_response()
}
