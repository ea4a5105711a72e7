//! `/oauth2/revoke`.

use super::*;

pub(super) async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    let f = match read_form(form) {
        Ok(f) => f,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", e),
    };
    let (_, client) = match authenticate_client(&state, &headers, &f) {
        Ok(c) => c,
        Err(_) => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client authentication failed",
            )
        }
    };
    let Some(t) = f.get("token").filter(|t| !t.is_empty()) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
        );
    };
    if t.split('.').count() == 3 {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_token_type",
            "only refresh tokens can be revoked",
        );
    }
    let (t, client_id) = (t.clone(), client.id.clone());
    let r = crate::blocking(&state, move |st| {
        st.store.tx(|tx| {
            if let Some(fkey) = auth::refresh_family_key(st, tx, &t)? {
                if let Some(mut fam) = tx.get::<crate::state::Family>(Kind::Family, &fkey)? {
                    if fam.client_id == client_id {
                        fam.revoked = true;
                        tx.put(Kind::Family, &fkey, &fam)?;
                    }
                }
            }
            Ok::<_, ApiError>(())
        })
    })
    .await;
    match r {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            &e.message,
        ),
    }
}
