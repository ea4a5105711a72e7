//! Sign-up, confirmation and forgot-password pages: thin pages over the user-pool API.

use super::*;

// ---------------------------------------------------------------------------------------------
// Sign-up, confirmation, forgot password: thin pages over the user-pool API

/// Calls operation `O` of the user-pool API in-process with `req`, the request a client sends.
pub(super) fn call_api<O: Operation>(
    state: &AppState,
    req: &O::Request,
) -> Result<Value, ApiError> {
    let body = serde_json::to_vec(req)
        .map_err(|e| ApiError::internal(format!("cannot serialize {}: {e}", O::NAME)))?;
    crate::api::handle(
        state,
        Some(&wire::target(O::NAME)),
        Some(wire::CONTENT_TYPE_JSON_1_1),
        &body,
    )
}

/// One hosted-UI form's API call: the form's request, built from the app client (as
/// `cognito-core` fills `ClientId` and `SecretHash`) and the form fields, then sent.
pub(super) type FormCall = fn(&AppState, &wire::ClientConfig, &Params) -> Result<Value, ApiError>;

pub(super) struct SimpleForm<'a> {
    pub(super) title: &'a str,
    pub(super) action: &'a str,
    pub(super) fields: Vec<(&'a str, &'a str, &'a str)>,
    pub(super) button: &'a str,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn simple_page(
    a: &Authz<'_>,
    csrf_token: &str,
    cookies: &[String],
    form: &SimpleForm<'_>,
    values: &Params,
    error: Option<&str>,
    notice: Option<&str>,
    status: StatusCode,
) -> Response {
    let q = query_string(&a.raw, &[]);
    let body = html! {
        (messages(error, notice))
        form method="post" action=(form.action) {
            (csrf_field(csrf_token))
            (hidden(&a.raw))
            @for (n, l, k) in &form.fields {
                // A password is never sent back into the page.
                (field(n, l, k, if *k == "password" { "" } else { values.get(*n).map_or("", String::as_str) }))
            }
            button type="submit" { (form.button) }
        }
        nav { a href={ "/login?" (q) } { "Back to sign in" } }
    };
    page(status, form.title, body, cookies)
}

pub(super) fn signup_form() -> SimpleForm<'static> {
    SimpleForm {
        title: "Sign up",
        action: "/signup",
        button: "Sign up",
        fields: vec![
            ("username", "Username", "text"),
            ("email", "Email", "email"),
            ("password", "Password", "password"),
        ],
    }
}
pub(super) fn confirm_form() -> SimpleForm<'static> {
    SimpleForm {
        title: "Confirm your account",
        action: "/confirmUser",
        fields: vec![
            ("username", "Username", "text"),
            ("code", "Confirmation code", "text"),
        ],
        button: "Confirm account",
    }
}
pub(super) fn forgot_form() -> SimpleForm<'static> {
    SimpleForm {
        title: "Forgot your password?",
        action: "/forgotPassword",
        fields: vec![("username", "Username", "text")],
        button: "Reset my password",
    }
}
pub(super) fn confirm_forgot_form() -> SimpleForm<'static> {
    SimpleForm {
        title: "Reset your password",
        action: "/confirmForgotPassword",
        fields: vec![
            ("username", "Username", "text"),
            ("code", "Code", "text"),
            ("password", "New password", "password"),
        ],
        button: "Change password",
    }
}

pub(super) async fn show(
    state: &AppState,
    headers: &HeaderMap,
    p: &Params,
    form: SimpleForm<'_>,
) -> Response {
    let a = match parse_authz(state, p) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, p.get("state")),
    };
    let (token, cookies) = csrf(state, headers);
    simple_page(
        &a,
        &token,
        &cookies,
        &form,
        p,
        None,
        notice_text(p.get("notice")),
        StatusCode::OK,
    )
}

/// The GET route of a simple form page: shows `form` with the query's values and notice.
pub(super) fn form_page(form: fn() -> SimpleForm<'static>) -> MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>, headers: HeaderMap, Query(p): Query<Params>| async move {
            show(&state, &headers, &p, form()).await
        },
    )
}

/// Where a successful form goes: path and extra query parameters.
pub(super) type NextPage = fn(&Params) -> (&'static str, Vec<(&'static str, String)>);

/// Handles a hosted-UI form POST: CSRF check, one API call, then a redirect or the form with
/// the error.
pub(super) async fn handle_post(
    state: AppState,
    headers: HeaderMap,
    body: FormBody,
    form: SimpleForm<'static>,
    call: FormCall,
    next: NextPage,
) -> Response {
    let f = match read_form(body) {
        Ok(f) => f,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, e),
    };
    let a = match parse_authz(&state, &f) {
        Ok(a) => a,
        Err(e) => return authz_error_response(e, f.get("state")),
    };
    let (token, cookies) = csrf(&state, &headers);
    if !csrf_ok(&headers, &f) {
        return simple_page(
            &a,
            &token,
            &cookies,
            &form,
            &f,
            Some("Your session has expired; please try again."),
            None,
            StatusCode::FORBIDDEN,
        );
    }
    let config = match a.client.core_config(a.pool) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("client {}: {e}", a.client.id);
            return error_page(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.");
        }
    };
    let st = state.clone();
    let fields = f.clone();
    let result = tokio::task::spawn_blocking(move || call(&st, &config, &fields)).await;
    match result {
        Ok(Ok(_)) => {
            let (path, extra) = next(&f);
            let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
            redirect(
                &format!("{path}?{}", query_string(&a.raw, &extra)),
                &cookies,
            )
        }
        Ok(Err(e)) => simple_page(
            &a,
            &token,
            &cookies,
            &form,
            &f,
            Some(&e.message),
            None,
            StatusCode::BAD_REQUEST,
        ),
        Err(_) => error_page(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error."),
    }
}

pub(super) fn fv(f: &Params, k: &str) -> String {
    f.get(k).map_or(String::new(), |v| v.trim().to_string())
}

pub(super) async fn signup_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    handle_post(
        state,
        headers,
        form,
        signup_form(),
        |state, config, f| {
            let req = ops::SignUpRequest::new(
                config,
                Username::new(fv(f, "username")),
                Password::new(f.get("password").cloned().unwrap_or_default()),
                vec![ops::AttributeType::new("email", fv(f, "email"))],
            );
            call_api::<ops::SignUp>(state, &req)
        },
        |f| {
            (
                "/confirmUser",
                vec![
                    ("username", fv(f, "username")),
                    ("notice", "code_sent".into()),
                ],
            )
        },
    )
    .await
}

pub(super) async fn confirm_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    handle_post(
        state,
        headers,
        form,
        confirm_form(),
        |state, config, f| {
            let req = ops::ConfirmSignUpRequest::new(
                config,
                Username::new(fv(f, "username")),
                fv(f, "code"),
            );
            call_api::<ops::ConfirmSignUp>(state, &req)
        },
        |f| {
            (
                "/login",
                vec![
                    ("username", fv(f, "username")),
                    ("notice", "confirmed".into()),
                ],
            )
        },
    )
    .await
}

pub(super) async fn forgot_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    handle_post(
        state,
        headers,
        form,
        forgot_form(),
        |state, config, f| {
            let req = ops::ForgotPasswordRequest::new(config, Username::new(fv(f, "username")));
            call_api::<ops::ForgotPassword>(state, &req)
        },
        |f| {
            (
                "/confirmForgotPassword",
                vec![
                    ("username", fv(f, "username")),
                    ("notice", "code_sent".into()),
                ],
            )
        },
    )
    .await
}

pub(super) async fn confirm_forgot_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    handle_post(
        state,
        headers,
        form,
        confirm_forgot_form(),
        |state, config, f| {
            let req = ops::ConfirmForgotPasswordRequest::new(
                config,
                Username::new(fv(f, "username")),
                fv(f, "code"),
                Password::new(f.get("password").cloned().unwrap_or_default()),
            );
            call_api::<ops::ConfirmForgotPassword>(state, &req)
        },
        |f| {
            (
                "/login",
                vec![("username", fv(f, "username")), ("notice", "reset".into())],
            )
        },
    )
    .await
}
