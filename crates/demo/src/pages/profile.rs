//! `/profile`: the ID token's claims, its expiry counting down, refresh, change password,
//! MFA on/off, sign out everywhere.

use std::time::Duration;

use cognito_client::{AuthSession, MfaPreference, UpdateMfaPreferenceInput};
use cognito_core::signin::MfaType;
use cognito_core::types::Password;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::auth::{self, use_auth, AuthState};
use crate::config::APP_NAME;
use crate::errors::{Action, Concern};
use crate::widgets::{
    password_ok, Errors, Field, FormError, Loading, PasswordPolicy, Submit, TotpSecret,
};

/// What the page shows of the session.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Info {
    claims: Vec<(&'static str, String)>,
    /// `exp` in local seconds.
    expires_local: i64,
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn time(secs: Option<i64>) -> String {
    secs.map(|s| {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(s as f64 * 1000.0));
        String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
    })
    .unwrap_or_else(|| "—".into())
}

fn info(session: &AuthSession) -> Option<Info> {
    let s = session.tokens.as_ref()?;
    let c = s.id_claims()?;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    Some(Info {
        claims: vec![
            ("sub", opt(&c.sub)),
            ("cognito:username", opt(&c.cognito_username)),
            ("email", opt(&c.email)),
            (
                "email_verified",
                c.email_verified.map_or("—".into(), |v| v.to_string()),
            ),
            (
                "cognito:groups",
                if c.cognito_groups.is_empty() {
                    "—".into()
                } else {
                    c.cognito_groups.join(", ")
                },
            ),
            ("iss", opt(&c.iss)),
            ("aud", c.aud.join(", ")),
            ("token_use", opt(&c.token_use)),
            ("auth_time", time(c.auth_time)),
            ("iat", time(c.iat)),
            ("exp", time(c.exp)),
        ],
        expires_local: s.expires_at() + s.clock_drift(),
    })
}

fn countdown(secs: i64) -> String {
    if secs <= 0 {
        return "expired (refreshes on the next call)".into();
    }
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if h > 0 {
        format!("{h} h {m:02} min {s:02} s")
    } else {
        format!("{m} min {s:02} s")
    }
}

/// The profile page.
#[component]
pub fn Profile() -> impl IntoView {
    view! {
        <div class="grid">
            <Session/>
            <div class="stack">
                <Mfa/>
                <ChangePassword/>
                <SignOutEverywhere/>
            </div>
        </div>
    }
}

#[component]
fn Session() -> impl IntoView {
    let info_sig = RwSignal::new(None::<Info>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let clock = RwSignal::new(now());
    if let Ok(handle) = set_interval_with_handle(move || clock.set(now()), Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    let load = move |force: bool| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = async { auth::client()?.fetch_auth_session(force).await }.await;
            busy.set(false);
            match result {
                Ok(s) => info_sig.set(info(&s)),
                Err(e) => error.set(Some(auth::friendly(&e))),
            }
        });
    };
    load(false);
    view! {
        <section class="card">
            <h2>"Your session"</h2>
            {move || match info_sig.get() {
                None => view! { <Loading what="Reading your tokens…"/> }.into_any(),
                Some(i) => view! {
                    <p class="expiry">
                        "ID token expires in "
                        <strong data-testid="expiry">{move || countdown(i.expires_local - clock.get())}</strong>
                    </p>
                    <table class="claims">
                        <caption class="sr-only">"Claims of the ID token"</caption>
                        <tbody>
                            {i.claims.iter().map(|(k, v)| view! {
                                <tr><th scope="row">{*k}</th><td>{v.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
            <FormError error/>
            <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| load(true)>
                {move || if busy.get() { "Refreshing…" } else { "Refresh tokens now" }}
            </button>
        </section>
    }
}

#[component]
fn Mfa() -> impl IntoView {
    let enabled = RwSignal::new(None::<bool>);
    let setup = RwSignal::new(None::<(String, String)>);
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let errors = Errors::new();
    let error = errors.form;
    let done = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match async { auth::client()?.fetch_mfa_preference().await }.await {
                Ok(p) => enabled.set(Some(p.enabled.contains(&MfaType::Totp))),
                Err(e) => error.set(Some(auth::friendly(&e))),
            }
        });
    };
    load();
    let start = move |_| {
        busy.set(true);
        error.set(None);
        done.set(None);
        spawn_local(async move {
            let result = async { auth::client()?.set_up_totp().await }.await;
            busy.set(false);
            match result {
                Ok(d) => setup.set(Some((
                    d.shared_secret.secret().to_owned(),
                    d.setup_uri(APP_NAME, None),
                ))),
                Err(e) => error.set(Some(auth::friendly(&e))),
            }
        });
    };
    let verify = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let c = code.get_untracked().trim().to_owned();
        busy.set(true);
        errors.clear();
        spawn_local(async move {
            let result = async {
                let client = auth::client()?;
                client
                    .verify_totp_setup(&c, Some("demo app".into()))
                    .await?;
                client
                    .update_mfa_preference(UpdateMfaPreferenceInput {
                        totp: Some(MfaPreference::Preferred),
                        ..Default::default()
                    })
                    .await
            }
            .await;
            busy.set(false);
            match result {
                Ok(()) => {
                    setup.set(None);
                    code.set(String::new());
                    enabled.set(Some(true));
                    done.set(Some(
                        "Two-step verification is on. You will be asked for a code at sign-in."
                            .into(),
                    ));
                }
                Err(e) => errors.show(Action::VerifyTotp, &e, &[(Concern::Code, "totp-verify")]),
            }
        });
    };
    let turn_off = move |_| {
        busy.set(true);
        error.set(None);
        done.set(None);
        spawn_local(async move {
            let result = async {
                auth::client()?
                    .update_mfa_preference(UpdateMfaPreferenceInput {
                        totp: Some(MfaPreference::Disabled),
                        ..Default::default()
                    })
                    .await
            }
            .await;
            busy.set(false);
            match result {
                Ok(()) => {
                    enabled.set(Some(false));
                    done.set(Some("Two-step verification is off.".into()));
                }
                Err(e) => error.set(Some(auth::friendly(&e))),
            }
        });
    };
    view! {
        <section class="card">
            <h2>"Two-step verification"</h2>
            {move || match (enabled.get(), setup.get()) {
                (None, _) => view! { <Loading what="Checking…"/> }.into_any(),
                (Some(_), Some((secret, uri))) => view! {
                    <TotpSecret secret uri/>
                    <form on:submit=verify>
                        <Field id="totp-verify" label="Code from the app" value=code autocomplete="one-time-code" inputmode="numeric" autofocus=true errors/>
                        <Submit busy label="Turn on" busy_label="Verifying…"/>
                        <button type="button" class="link" on:click=move |_| setup.set(None)>"Cancel"</button>
                    </form>
                }.into_any(),
                (Some(true), None) => view! {
                    <p><span class="badge on">"On"</span>" An authenticator app code is asked for at sign-in."</p>
                    <button type="button" class="secondary" disabled=move || busy.get() on:click=turn_off>
                        {move || if busy.get() { "Turning off…" } else { "Turn off" }}
                    </button>
                }.into_any(),
                (Some(false), None) => view! {
                    <p><span class="badge off">"Off"</span>" Add an authenticator app for a second step at sign-in."</p>
                    <button type="button" class="secondary" disabled=move || busy.get() on:click=start>
                        {move || if busy.get() { "Starting…" } else { "Set up an authenticator app" }}
                    </button>
                }.into_any(),
            }}
            <FormError error/>
            {move || done.get().map(|m| view! { <p class="success" role="status">{m}</p> })}
        </section>
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let old = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let errors = Errors::new();
    let error = errors.form;
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (o, n) = (old.get_untracked(), new.get_untracked());
        busy.set(true);
        errors.clear();
        done.set(false);
        spawn_local(async move {
            let result = async {
                auth::client()?
                    .update_password(Password::new(o), Password::new(n))
                    .await
            }
            .await;
            busy.set(false);
            match result {
                Ok(()) => {
                    old.set(String::new());
                    new.set(String::new());
                    done.set(true);
                }
                Err(e) => errors.show(
                    Action::ChangePassword,
                    &e,
                    &[
                        (Concern::CurrentPassword, "old-password"),
                        (Concern::NewPassword, "new-password"),
                    ],
                ),
            }
        });
    };
    let invalid = Signal::derive(move || old.get().is_empty() || !password_ok(&new.get()));
    view! {
        <section class="card">
            <h2>"Change password"</h2>
            <form on:submit=submit>
                <Field id="old-password" label="Current password" value=old kind="password" autocomplete="current-password" errors/>
                <Field id="new-password" label="New password" value=new kind="password" autocomplete="new-password" errors/>
                <PasswordPolicy password=new/>
                <FormError error/>
                {move || done.get().then(|| view! { <p class="success" role="status">"Your password is changed."</p> })}
                <Submit busy label="Change password" busy_label="Changing…" disabled=invalid/>
            </form>
        </section>
    }
}

#[component]
fn SignOutEverywhere() -> impl IntoView {
    let ctx = use_auth();
    let navigate = use_navigate();
    let busy = RwSignal::new(false);
    let go = move |_| {
        busy.set(true);
        // Home first (showing the wait): this page is a protected one and would otherwise ask
        // to sign in again.
        ctx.set_state(AuthState::Loading);
        navigate("/", Default::default());
        spawn_local(async move {
            let result = auth::sign_out(ctx, true).await;
            if let Err(e) = result {
                ctx.notice.set(Some(format!(
                    "You are signed out here, but other devices may still be signed in: {}",
                    auth::friendly(&e)
                )));
            }
        });
    };
    view! {
        <section class="card">
            <h2>"Sign out"</h2>
            <p class="muted">"Signing out everywhere ends your sessions on every device and browser."</p>
            <button type="button" class="danger" disabled=move || busy.get() on:click=go>
                {move || if busy.get() { "Signing out everywhere…" } else { "Sign out everywhere" }}
            </button>
        </section>
    }
}
