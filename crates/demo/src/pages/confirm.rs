//! `/confirm?username=&email=`: the code from the sign-up email, with a resend button; the
//! sign-in that follows is offered with the email (an alias once it is confirmed).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::auth::{self, use_auth};
use crate::errors::{Action, Concern};
use crate::pages::query;
use crate::widgets::{Errors, Field, FormError, Submit};

/// The form's fields by concern. The email (when the page knows it) is shown, not edited: it
/// is where a taken address (`AliasExistsException`) is reported.
const FIELDS: &[(Concern, &str)] = &[
    (Concern::Username, "username"),
    (Concern::Email, "email"),
    (Concern::Code, "code"),
];

/// The confirmation form.
#[component]
pub fn ConfirmSignUp() -> impl IntoView {
    let ctx = use_auth();
    let navigate = use_navigate();
    let username = RwSignal::new(query("username").get_untracked().unwrap_or_default());
    let email = query("email").get_untracked();
    let email_shown = RwSignal::new(email.clone().unwrap_or_default());
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let errors = Errors::new();
    let error = errors.form;
    let resending = RwSignal::new(false);
    let resent = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let user = username.get_untracked().trim().to_owned();
        let sign_in_as = email.clone().unwrap_or_else(|| user.clone());
        let code = code.get_untracked().trim().to_owned();
        busy.set(true);
        errors.clear();
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = async { auth::client()?.confirm_sign_up(&user, &code).await }.await;
            busy.set(false);
            match result {
                Ok(_) => {
                    ctx.notice.set(Some(
                        "Your email is confirmed. Sign in with your new password.".into(),
                    ));
                    navigate(
                        &format!(
                            "/signin?username={}",
                            js_sys::encode_uri_component(&sign_in_as)
                        ),
                        Default::default(),
                    );
                }
                Err(e) => errors.show(Action::ConfirmSignUp, &e, FIELDS),
            }
        });
    };
    let resend = move |_| {
        let user = username.get_untracked().trim().to_owned();
        resending.set(true);
        errors.clear();
        resent.set(None);
        spawn_local(async move {
            let result = async { auth::client()?.resend_sign_up_code(&user).await }.await;
            resending.set(false);
            match result {
                Ok(d) => resent.set(Some(format!(
                    "A new code is on its way to {}.",
                    d.destination.unwrap_or(user)
                ))),
                Err(e) => errors.show(Action::ResendCode, &e, FIELDS),
            }
        });
    };
    view! {
        <section class="card narrow">
            <h1>"Confirm your email"</h1>
            <p class="muted">"Enter the 6-digit code we emailed you."</p>
            <form on:submit=submit>
                {if email_shown.get_untracked().is_empty() {
                    view! { <Field id="username" label="Username" value=username autocomplete="username" errors/> }.into_any()
                } else {
                    view! { <Field id="email" label="Email" value=email_shown kind="email" readonly=true errors/> }.into_any()
                }}
                <Field id="code" label="Confirmation code" value=code autocomplete="one-time-code" inputmode="numeric" autofocus=true errors/>
                <FormError error/>
                {move || resent.get().map(|m| view! { <p class="success" role="status">{m}</p> })}
                <Submit busy label="Confirm" busy_label="Confirming…"/>
                <button type="button" class="link" on:click=resend disabled=move || resending.get()>
                    {move || if resending.get() { "Sending a new code…" } else { "Send me a new code" }}
                </button>
            </form>
        </section>
    }
}
