//! `/forgot`: a code by email, then a new password.

use cognito_core::types::Password;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::auth::{self, use_auth};
use crate::errors::{Action, Concern};
use crate::pages::query;
use crate::widgets::{password_ok, Errors, Field, FormError, PasswordPolicy, Submit};

/// The password-reset page.
#[component]
pub fn ForgotPassword() -> impl IntoView {
    let ctx = use_auth();
    let navigate = use_navigate();
    let username = RwSignal::new(query("username").get_untracked().unwrap_or_default());
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sent_to = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let errors = Errors::new();
    let error = errors.form;

    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let user = username.get_untracked().trim().to_owned();
        busy.set(true);
        errors.clear();
        spawn_local(async move {
            let result = async { auth::client()?.reset_password(&user).await }.await;
            busy.set(false);
            match result {
                Ok(out) => sent_to.set(Some(match out.next_step {
                    cognito_client::ResetPasswordStep::ConfirmResetPasswordWithCode {
                        code_delivery_details: Some(d),
                    } => d.destination.unwrap_or(user),
                    _ => user,
                })),
                Err(e) => errors.show(
                    Action::SendResetCode,
                    &e,
                    &[(Concern::Username, "username")],
                ),
            }
        });
    };
    let reset = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let user = username.get_untracked().trim().to_owned();
        let code = code.get_untracked().trim().to_owned();
        let pass = password.get_untracked();
        busy.set(true);
        errors.clear();
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = async {
                auth::client()?
                    .confirm_reset_password(&user, &code, Password::new(pass))
                    .await
            }
            .await;
            busy.set(false);
            match result {
                Ok(()) => {
                    ctx.notice.set(Some(
                        "Your password is changed. Sign in with the new one.".into(),
                    ));
                    navigate(
                        &format!("/signin?username={}", js_sys::encode_uri_component(&user)),
                        Default::default(),
                    );
                }
                Err(e) => errors.show(
                    Action::ResetPassword,
                    &e,
                    &[
                        (Concern::Code, "code"),
                        (Concern::NewPassword, "new-password"),
                    ],
                ),
            }
        });
    };
    let invalid = Signal::derive(move || !password_ok(&password.get()));
    view! {
        <section class="card narrow">
            <h1>"Reset your password"</h1>
            {move || match sent_to.get() {
                None => view! {
                    <form on:submit=send>
                        <Field id="username" label="Email or username" value=username autocomplete="username" autofocus=true errors/>
                        <FormError error/>
                        <Submit busy label="Email me a code" busy_label="Sending…"/>
                    </form>
                }.into_any(),
                Some(to) => view! {
                    <p class="muted">"We sent a code to " {to} "."</p>
                    <form on:submit=reset.clone()>
                        <Field id="code" label="Code" value=code autocomplete="one-time-code" inputmode="numeric" autofocus=true errors/>
                        <Field id="new-password" label="New password" value=password kind="password" autocomplete="new-password" errors/>
                        <PasswordPolicy password/>
                        <FormError error/>
                        <Submit busy label="Change password" busy_label="Changing…" disabled=invalid/>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}
