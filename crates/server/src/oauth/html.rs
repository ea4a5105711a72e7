//! HTML pages and redirects of the hosted UI.

use super::*;

// ---------------------------------------------------------------------------------------------
// HTML

pub(super) fn redirect(location: &str, cookies: &[String]) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

pub(super) fn page(status: StatusCode, title: &str, body: &str, cookies: &[String]) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{t} - cognito-local</title><style>\
body{{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}}\
main{{max-width:360px;margin:4em auto;background:#fff;padding:2em;border-radius:8px;box-shadow:0 1px 4px #0002}}\
label{{display:block;margin:.8em 0 .2em}}input{{width:100%;padding:.5em;box-sizing:border-box}}\
button{{margin-top:1.2em;width:100%;padding:.6em;background:#1f6feb;color:#fff;border:0;border-radius:4px}}\
.error{{color:#b00020;background:#fde7ea;padding:.6em;border-radius:4px}}\
.notice{{color:#0a5;background:#e6f6ee;padding:.6em;border-radius:4px}}\
nav a{{display:block;margin-top:.6em}}</style></head>\
<body><main><h1>{t}</h1>{body}<p><small>cognito-local (development server)</small></p></main></body></html>\n",
        t = html_escape(title)
    );
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // No `form-action`: browsers apply it to the redirect after the POST, which goes to the app.
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    r
}

pub(super) fn error_page(status: StatusCode, msg: &str) -> Response {
    page(
        status,
        "Error",
        &format!("<p class=\"error\" id=\"error\">{}</p>", html_escape(msg)),
        &[],
    )
}

pub(super) fn hidden(raw: &[(String, String)]) -> String {
    raw.iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                html_escape(k),
                html_escape(v)
            )
        })
        .collect()
}

pub(super) fn messages(error: Option<&str>, notice: Option<&str>) -> String {
    let mut s = String::new();
    if let Some(e) = error {
        s.push_str(&format!(
            "<p class=\"error\" id=\"error\">{}</p>",
            html_escape(e)
        ));
    }
    if let Some(n) = notice {
        s.push_str(&format!(
            "<p class=\"notice\" id=\"notice\">{}</p>",
            html_escape(n)
        ));
    }
    s
}

pub(super) fn field(name: &str, label: &str, kind: &str, value: &str) -> String {
    let auto = match (name, kind) {
        ("password", _) | ("new_password", _) => " autocomplete=\"current-password\"",
        ("username", _) => " autocomplete=\"username\"",
        _ => "",
    };
    format!(
        "<label for=\"{n}\">{l}</label><input id=\"{n}\" name=\"{n}\" type=\"{k}\" value=\"{v}\" required{auto}>",
        n = html_escape(name),
        l = html_escape(label),
        k = kind,
        v = html_escape(value)
    )
}

pub(super) fn notice_text(code: Option<&String>) -> Option<&'static str> {
    match code.map(String::as_str) {
        Some("confirmed") => Some("Your account is confirmed. Sign in."),
        Some("reset") => Some("Your password has been reset. Sign in."),
        Some("signed_out") => Some("You have been signed out."),
        Some("code_sent") => Some("We sent a code to your email (see /_dev/outbox)."),
        _ => None,
    }
}
