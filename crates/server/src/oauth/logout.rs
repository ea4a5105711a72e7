//! `/logout`.

use super::*;

pub(super) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    let Some((_, client)) = p.get("client_id").and_then(|c| state.client(c)) else {
        return error_page(StatusCode::BAD_REQUEST, "Missing or unknown client_id.");
    };
    let target = if let Some(lu) = p.get("logout_uri") {
        if !client.logout_urls.iter().any(|u| u == lu) {
            return error_page(
                StatusCode::BAD_REQUEST,
                "The logout_uri is not registered for this client.",
            );
        }
        lu.clone()
    } else if p.contains_key("redirect_uri") {
        match parse_authz(&state, &p) {
            Ok(a) => format!(
                "/login?{}",
                query_string(&a.raw, &[("notice", "signed_out")])
            ),
            Err(e) => return authz_error_response(e, p.get("state")),
        }
    } else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Missing required parameter logout_uri.",
        );
    };
    if let Some(sid) = cookie(&headers, SESSION_COOKIE) {
        let key = util::sha256_hex(&sid);
        if let Err(e) = crate::blocking(&state, move |st| {
            Ok(st.store.tx(|tx| tx.delete(Kind::UiSession, &key))?)
        })
        .await
        {
            return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.message);
        }
    }
    let clear = set_cookie(&state, SESSION_COOKIE, String::new(), Some(0));
    redirect(&target, &[clear])
}
