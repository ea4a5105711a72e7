//! `/confirm?username=&email=`: the code from the sign-up email, with a resend button; the
//! sign-in that follows is offered with the email (an alias once it is confirmed).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::auth::{self, use_auth};
use crate::pages::query;
use crate::widgets::{Field, FormError, Submit};

/// The confirmation form.
#[component]
pub fn ConfirmSignUp() -> impl IntoView {
    let ctx = use_auth();
    let navigate = use_navigate();
    let username = RwSignal::new(query("username").get_untracked().unwrap_or_default());
    let email = query("email").get_untracked();
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
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
        error.set(None);
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
                Err(e) => error.set(Some(auth::friendly(&e))),
            }
        });
    };
    let resend = move |_| {
        let user = username.get_untracked().trim().to_owned();
        resending.set(true);
        error.set(None);
        resent.set(None);
        spawn_local(async move {
            let result = async { auth::client()?.resend_sign_up_code(&user).await }.await;
            resending.set(false);
            match result {
                Ok(d) => resent.set(Some(format!(
                    "A new code is on its way to {}.",
                    d.destination.unwrap_or(user)
                ))),
                Err(e) => error.set(Some(auth::friendly(&e))),
            }
        });
    };
    view! {
        <section class="card narrow">
            <h1>"Confirm your email"</h1>
            <p class="muted">"Enter the 6-digit code we emailed you."</p>
            <form on:submit=submit>
                <Field id="username" label="Email or username" value=username autocomplete="username"/>
                <Field id="code" label="Confirmation code" value=code autocomplete="one-time-code" inputmode="numeric" autofocus=true/>
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
