//! `/signup`: email and password, the policy checked as the user types.

use cognito_client::{SignUpInput, SignUpStep};
use cognito_core::ops::AttributeType;
use cognito_core::types::Password;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::auth::{self, use_auth};
use crate::errors::{Action, Concern};
use crate::widgets::{password_ok, Errors, Field, FormError, PasswordPolicy, Submit};

/// Whether `s` looks like an email address (the server has the last word).
pub fn looks_like_email(s: &str) -> bool {
    s.split_once('@').is_some_and(|(user, domain)| {
        !user.is_empty() && domain.contains('.') && !domain.ends_with('.')
    })
}

/// A new username for `email`'s account. The local pool (like most real ones) lets people sign
/// in with their email as an alias, and such a pool refuses email-shaped usernames, as AWS
/// does; so the account gets a random, never-shown username and the email as an attribute.
fn new_username() -> String {
    let part = || (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("user-{:08x}{:08x}", part(), part())
}

/// The sign-up form.
#[component]
pub fn SignUp() -> impl IntoView {
    let ctx = use_auth();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let errors = Errors::new();
    let error = errors.form;
    let invalid = Signal::derive(move || {
        !looks_like_email(email.get().trim()) || !password_ok(&password.get())
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let email = email.get_untracked().trim().to_owned();
        let username = new_username();
        let password = password.get_untracked();
        busy.set(true);
        errors.clear();
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = async {
                let c = auth::client()?;
                c.sign_up(SignUpInput::new(
                    username.clone(),
                    Password::new(password),
                    vec![AttributeType::new("email", email.clone())],
                ))
                .await
            }
            .await;
            busy.set(false);
            match result {
                Ok(out) if matches!(out.next_step, SignUpStep::Done) => {
                    ctx.notice
                        .set(Some("Your account is ready. Sign in.".into()));
                    navigate(
                        &format!("/signin?username={}", js_sys::encode_uri_component(&email)),
                        Default::default(),
                    );
                }
                Ok(out) => {
                    let to = match &out.next_step {
                        SignUpStep::ConfirmSignUp {
                            code_delivery_details: Some(d),
                        } => d.destination.clone(),
                        _ => None,
                    };
                    ctx.notice.set(Some(format!(
                        "We sent a confirmation code to {}.",
                        to.unwrap_or_else(|| email.clone())
                    )));
                    navigate(
                        &format!(
                            "/confirm?username={}&email={}",
                            js_sys::encode_uri_component(&username),
                            js_sys::encode_uri_component(&email)
                        ),
                        Default::default(),
                    );
                }
                Err(e) => errors.show(
                    Action::SignUp,
                    &e,
                    &[(Concern::Email, "email"), (Concern::Password, "password")],
                ),
            }
        });
    };
    view! {
        <section class="card narrow">
            <h1>"Create an account"</h1>
            <form on:submit=submit novalidate=true>
                <Field id="email" label="Email" value=email kind="email" autocomplete="email" inputmode="email" autofocus=true errors/>
                <Field id="password" label="Password" value=password kind="password" autocomplete="new-password" errors/>
                <PasswordPolicy password/>
                <FormError error/>
                <Submit busy label="Create account" busy_label="Creating your account…" disabled=invalid/>
            </form>
            <p class="alt">"Already have an account? " <A href="/signin">"Sign in"</A></p>
        </section>
    }
}
