//! `/signin?next=&username=`: the app's own form (SRP), then every step the pool can ask for.

use cognito_client::{SignInInput, SignInOutput};
use cognito_core::signin::NextStep;
use cognito_core::types::Password;
use cognito_core::Error;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::auth::{self, use_auth, AuthCtx};
use crate::config::APP_NAME;
use crate::errors::{Action, Concern};
use crate::pages::{query, safe_next};
use crate::widgets::{
    password_ok, Errors, Field, FormError, HostedUiButton, PasswordPolicy, Submit, TotpSecret,
};

/// Where a sign-in stands.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Credentials,
    NewPassword,
    TotpCode,
    /// An emailed or texted code, and where it went.
    Code(String),
    /// Pick an MFA method (to use, or to set up).
    MfaSelect(Vec<&'static str>, bool),
    TotpSetup {
        secret: String,
        uri: String,
    },
    EmailSetup,
    Custom,
}

fn step_of(n: &NextStep) -> Result<Option<Step>, &'static str> {
    Ok(Some(match n {
        NextStep::Done(_) => return Ok(None),
        NextStep::ConfirmSignInWithNewPasswordRequired { .. } => Step::NewPassword,
        NextStep::ConfirmSignInWithTotpCode => Step::TotpCode,
        NextStep::ConfirmSignInWithSmsCode {
            code_delivery_details,
        }
        | NextStep::ConfirmSignInWithEmailCode {
            code_delivery_details,
        } => Step::Code(
            code_delivery_details
                .destination
                .clone()
                .unwrap_or_else(|| "you".into()),
        ),
        NextStep::ContinueSignInWithMfaSelection { allowed_mfa_types } => Step::MfaSelect(
            allowed_mfa_types.iter().map(|m| m.as_str()).collect(),
            false,
        ),
        NextStep::ContinueSignInWithMfaSetupSelection { allowed_mfa_types } => {
            Step::MfaSelect(allowed_mfa_types.iter().map(|m| m.as_str()).collect(), true)
        }
        NextStep::ContinueSignInWithTotpSetup(details) => Step::TotpSetup {
            secret: details.shared_secret.secret().to_owned(),
            uri: details.setup_uri(APP_NAME, None),
        },
        NextStep::ContinueSignInWithEmailSetup => Step::EmailSetup,
        NextStep::ConfirmSignInWithCustomChallenge { .. } => Step::Custom,
        NextStep::ConfirmSignUp => return Err("confirm"),
        NextStep::ResetPassword => return Err("reset"),
        _ => return Err("unknown"),
    }))
}

/// The call a step's form makes, and its fields by concern (errors go next to them).
fn form_of(step: &Step) -> (Action, &'static [(Concern, &'static str)]) {
    match step {
        Step::Credentials => (
            Action::SignIn,
            &[
                (Concern::Username, "username"),
                (Concern::Password, "password"),
            ],
        ),
        Step::NewPassword => (
            Action::NewPassword,
            &[(Concern::NewPassword, "new-password")],
        ),
        Step::TotpCode => (Action::MfaCode, &[(Concern::Code, "totp-code")]),
        Step::Code(_) => (Action::MfaCode, &[(Concern::Code, "mfa-code")]),
        Step::TotpSetup { .. } => (Action::MfaCode, &[(Concern::Code, "totp-setup-code")]),
        Step::EmailSetup => (Action::MfaCode, &[(Concern::Email, "mfa-email")]),
        Step::MfaSelect(..) | Step::Custom => (Action::MfaCode, &[]),
    }
}

/// The sign-in page.
#[component]
pub fn SignIn() -> impl IntoView {
    let ctx = use_auth();
    let navigate = use_navigate();
    let next = query("next");
    let step = RwSignal::new(Step::Credentials);
    let username = RwSignal::new(query("username").get_untracked().unwrap_or_default());
    let password = RwSignal::new(String::new());
    let answer = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let errors = Errors::new();
    let error = errors.form;

    // Already signed in (e.g. in another tab): go on.
    {
        let navigate = navigate.clone();
        Effect::new(move |_| {
            if ctx.signed_in() && step.get_untracked() == Step::Credentials && !busy.get_untracked()
            {
                navigate(&safe_next(next.get_untracked()), Default::default());
            }
        });
    }

    let finish = {
        let navigate = navigate.clone();
        move |result: Result<SignInOutput, Error>, user: String| {
            let navigate = navigate.clone();
            spawn_local(async move {
                match result.map(|out| step_of(&out.next_step)) {
                    Ok(Ok(None)) => {
                        done(ctx).await;
                        busy.set(false);
                        navigate(&safe_next(next.get_untracked()), Default::default());
                    }
                    Ok(Ok(Some(s))) => {
                        busy.set(false);
                        answer.set(String::new());
                        errors.clear();
                        step.set(s);
                    }
                    Ok(Err("confirm")) => {
                        busy.set(false);
                        ctx.notice.set(Some(
                            "Confirm your email first: enter the code we sent you.".into(),
                        ));
                        navigate(
                            &format!("/confirm?username={}", js_sys::encode_uri_component(&user)),
                            Default::default(),
                        );
                    }
                    Ok(Err("reset")) => {
                        busy.set(false);
                        ctx.notice.set(Some(
                            "Your password must be reset before you can sign in.".into(),
                        ));
                        navigate(
                            &format!("/forgot?username={}", js_sys::encode_uri_component(&user)),
                            Default::default(),
                        );
                    }
                    Ok(Err(_)) => {
                        busy.set(false);
                        error.set(Some(
                            "The pool asked for a step this demo does not know.".into(),
                        ));
                    }
                    Err(e) => {
                        busy.set(false);
                        let (action, fields) = form_of(&step.get_untracked());
                        errors.show(action, &e, fields);
                    }
                }
            });
        }
    };

    let sign_in = {
        let finish = finish.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let user = username.get_untracked().trim().to_owned();
            let pass = password.get_untracked();
            errors.clear();
            if user.is_empty() {
                errors.field("username", "Enter your username or email.");
                return;
            }
            if pass.is_empty() {
                errors.field("password", "Enter your password.");
                return;
            }
            busy.set(true);
            let finish = finish.clone();
            spawn_local(async move {
                let result = async {
                    auth::client()?
                        .sign_in(SignInInput::new(user.clone(), Password::new(pass)))
                        .await
                }
                .await;
                password.set(String::new());
                finish(result, user);
            });
        }
    };

    let confirm = {
        let finish = finish.clone();
        move |text: String| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            errors.clear();
            let finish = finish.clone();
            let user = username.get_untracked();
            spawn_local(async move {
                let result =
                    async { auth::client()?.confirm_sign_in_text(&text, vec![]).await }.await;
                finish(result, user);
            });
        }
    };
    let confirm_form = {
        let confirm = confirm.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            confirm(answer.get_untracked().trim().to_owned());
        }
    };
    let new_password_ok = Signal::derive(move || !password_ok(&answer.get()));

    view! {
        <section class="card narrow">
            {move || {
                let confirm_form = confirm_form.clone();
                let confirm = confirm.clone();
                match step.get() {
                Step::Credentials => view! {
                    <h1>"Sign in"</h1>
                    <form on:submit=sign_in.clone() novalidate=true>
                        <Field id="username" label="Email or username" value=username autocomplete="username" autofocus=true errors/>
                        <Field id="password" label="Password" value=password kind="password" autocomplete="current-password" errors/>
                        <FormError error/>
                        <Submit busy label="Sign in" busy_label="Signing in…"/>
                    </form>
                    <p class="alt"><A href="/forgot">"Forgot your password?"</A></p>
                    <div class="divider"><span>"or"</span></div>
                    <HostedUiButton next=Signal::derive(move || safe_next(next.get()))/>
                    <p class="alt">"New here? " <A href="/signup">"Create an account"</A></p>
                }.into_any(),
                Step::NewPassword => view! {
                    <h1>"Choose a new password"</h1>
                    <p class="muted">"Your account needs a new password before you continue."</p>
                    <form on:submit=confirm_form>
                        <Field id="new-password" label="New password" value=answer kind="password" autocomplete="new-password" autofocus=true errors/>
                        <PasswordPolicy password=answer/>
                        <FormError error/>
                        <Submit busy label="Set password and sign in" busy_label="Saving…" disabled=new_password_ok/>
                    </form>
                }.into_any(),
                Step::TotpCode => view! {
                    <h1>"Two-step verification"</h1>
                    <p class="muted">"Enter the 6-digit code from your authenticator app."</p>
                    <form on:submit=confirm_form>
                        <Field id="totp-code" label="Authentication code" value=answer autocomplete="one-time-code" inputmode="numeric" autofocus=true errors/>
                        <FormError error/>
                        <Submit busy label="Verify" busy_label="Verifying…"/>
                    </form>
                }.into_any(),
                Step::Code(to) => view! {
                    <h1>"Check your messages"</h1>
                    <p class="muted">"We sent a code to " {to} "."</p>
                    <form on:submit=confirm_form>
                        <Field id="mfa-code" label="Code" value=answer autocomplete="one-time-code" inputmode="numeric" autofocus=true errors/>
                        <FormError error/>
                        <Submit busy label="Verify" busy_label="Verifying…"/>
                    </form>
                }.into_any(),
                Step::MfaSelect(kinds, setup) => view! {
                    <h1>{if setup { "Set up two-step verification" } else { "Choose how to verify" }}</h1>
                    <div class="actions column">
                        {kinds.into_iter().map(|k| {
                            let confirm = confirm.clone();
                            let label = match k { "TOTP" => "Authenticator app", "EMAIL" => "Email", "SMS" => "Text message", other => other };
                            view! {
                                <button type="button" class="secondary wide" disabled=move || busy.get()
                                    on:click=move |_| confirm(k.to_owned())>{label}</button>
                            }
                        }).collect_view()}
                    </div>
                    <FormError error/>
                }.into_any(),
                Step::TotpSetup { secret, uri } => view! {
                    <h1>"Set up your authenticator app"</h1>
                    <TotpSecret secret uri/>
                    <form on:submit=confirm_form>
                        <Field id="totp-setup-code" label="Code from the app" value=answer autocomplete="one-time-code" inputmode="numeric" autofocus=true errors/>
                        <FormError error/>
                        <Submit busy label="Verify and sign in" busy_label="Verifying…"/>
                    </form>
                }.into_any(),
                Step::EmailSetup => view! {
                    <h1>"Add an email for verification codes"</h1>
                    <form on:submit=confirm_form>
                        <Field id="mfa-email" label="Email" value=answer kind="email" autocomplete="email" autofocus=true errors/>
                        <FormError error/>
                        <Submit busy label="Send code" busy_label="Sending…"/>
                    </form>
                }.into_any(),
                Step::Custom => view! {
                    <h1>"One more step"</h1>
                    <form on:submit=confirm_form>
                        <Field id="challenge" label="Answer" value=answer autofocus=true/>
                        <FormError error/>
                        <Submit busy label="Continue" busy_label="Checking…"/>
                    </form>
                }.into_any(),
            }}}
        </section>
    }
}

/// After `DONE`: the state is read before leaving, so a protected page sees the user.
async fn done(ctx: AuthCtx) {
    ctx.notice.set(None);
    auth::refresh_state(ctx).await;
}
