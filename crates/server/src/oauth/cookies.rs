//! Cookies, CSRF (double submit) and form bodies.

use super::*;

// ---------------------------------------------------------------------------------------------
// Cookies and CSRF

/// The value of cookie `name` from the request's `Cookie` headers (parsed by the `cookie`
/// crate; unparsable pairs are skipped).
pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// A `Set-Cookie` value for the hosted UI: `Path=/`, `HttpOnly`, `SameSite=Lax`, `Secure` over
/// https ([`secure_attr`]), and `Max-Age` when given (0 deletes the cookie).
pub(super) fn set_cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    max_age: Option<i64>,
) -> String {
    let mut b = cookie::Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax);
    if !secure_attr(state).is_empty() {
        b = b.secure(true);
    }
    if let Some(secs) = max_age {
        b = b.max_age(cookie::time::Duration::seconds(secs));
    }
    b.build().to_string()
}

/// The CSRF token for this browser, and the Set-Cookie header if it is new.
/// `; Secure` when the server is reached over https (its issuer base), so the browser never
/// sends the session or CSRF cookie over plain http.
pub(super) fn secure_attr(state: &AppState) -> &'static str {
    if state.issuer_base.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}

pub(super) fn csrf(state: &AppState, headers: &HeaderMap) -> (String, Vec<String>) {
    match cookie(headers, CSRF_COOKIE).filter(|c| c.len() >= 20) {
        Some(c) => (c, vec![]),
        None => {
            let t = util::random_token(24);
            let c = set_cookie(state, CSRF_COOKIE, t.clone(), None);
            (t, vec![c])
        }
    }
}

pub(super) fn csrf_ok(headers: &HeaderMap, form: &Params) -> bool {
    match (cookie(headers, CSRF_COOKIE), form.get("_csrf")) {
        (Some(c), Some(f)) => !c.is_empty() && util::ct_eq(&c, f),
        _ => false,
    }
}

pub(super) fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="_csrf" value=(token); }
}

/// A form body as axum's `Form` extractor reads it (`application/x-www-form-urlencoded`; the
/// body is at most [`FORM_LIMIT`] bytes, see [`routes`](super::routes)), or why not.
pub(super) type FormBody = Result<Form<Params>, FormRejection>;

/// Longest form body the hosted UI and the OAuth endpoints read.
pub(super) const FORM_LIMIT: usize = 64 * 1024;

/// The fields of a form, or the message to answer instead: the same wording whichever
/// endpoint (an error page or an OAuth `invalid_request`).
pub(super) fn read_form(form: FormBody) -> Result<Params, &'static str> {
    match form {
        Ok(Form(f)) => Ok(f),
        Err(FormRejection::InvalidFormContentType(_)) => {
            Err("Content-Type must be application/x-www-form-urlencoded")
        }
        Err(FormRejection::BytesRejection(_)) => Err("request body too large"),
        Err(_) => Err("malformed form body"),
    }
}
