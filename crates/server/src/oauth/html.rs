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

/// The pages' style sheet (inline: the CSP allows `style-src 'unsafe-inline'` and nothing else).
const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}\
main{max-width:360px;margin:4em auto;background:#fff;padding:2em;border-radius:8px;box-shadow:0 1px 4px #0002}\
label{display:block;margin:.8em 0 .2em}input{width:100%;padding:.5em;box-sizing:border-box}\
button{margin-top:1.2em;width:100%;padding:.6em;background:#1f6feb;color:#fff;border:0;border-radius:4px}\
.error{color:#b00020;background:#fde7ea;padding:.6em;border-radius:4px}\
.notice{color:#0a5;background:#e6f6ee;padding:.6em;border-radius:4px}\
nav a{display:block;margin-top:.6em}";

/// A hosted-UI page. Everything interpolated into `body` was escaped when `body` was built
/// (maud escapes every `(value)`; only [`STYLE`], a constant, goes in unescaped).
pub(super) fn page(status: StatusCode, title: &str, body: Markup, cookies: &[String]) -> Response {
    let doc = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " - cognito-local" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    h1 { (title) }
                    (body)
                    p { small { "cognito-local (development server)" } }
                }
            }
        }
    };
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        doc.into_string(),
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
        html! { p class="error" id="error" { (msg) } },
        &[],
    )
}

/// The authorize parameters, carried through a form.
pub(super) fn hidden(raw: &[(String, String)]) -> Markup {
    html! {
        @for (k, v) in raw {
            input type="hidden" name=(k) value=(v);
        }
    }
}

pub(super) fn messages(error: Option<&str>, notice: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error {
            p class="error" id="error" { (e) }
        }
        @if let Some(n) = notice {
            p class="notice" id="notice" { (n) }
        }
    }
}

pub(super) fn field(name: &str, label: &str, kind: &str, value: &str) -> Markup {
    let auto = match name {
        "password" | "new_password" => Some("current-password"),
        "username" => Some("username"),
        _ => None,
    };
    html! {
        label for=(name) { (label) }
        input id=(name) name=(name) type=(kind) value=(value) required autocomplete=[auto];
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_in_text_and_attributes() {
        let h = hidden(&[("a\"b".into(), "\"><script>x</script>".into())]).into_string();
        assert!(!h.contains("<script>"), "{h}");
        assert_eq!(
            h,
            "<input type=\"hidden\" name=\"a&quot;b\" value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">"
        );
        assert_eq!(
            field("username", "Name <b>", "text", "x\"y&").into_string(),
            "<label for=\"username\">Name &lt;b&gt;</label><input id=\"username\" \
             name=\"username\" type=\"text\" value=\"x&quot;y&amp;\" required autocomplete=\"username\">"
        );
        assert_eq!(
            messages(Some("<i>e</i>"), None).into_string(),
            "<p class=\"error\" id=\"error\">&lt;i&gt;e&lt;/i&gt;</p>"
        );
    }
}
