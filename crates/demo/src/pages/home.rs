//! `/`: what the demo is, and the session state.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::auth::{self, use_auth, AuthState};
use crate::widgets::{HostedUiButton, Loading};

/// The start page.
#[component]
pub fn Home() -> impl IntoView {
    let ctx = use_auth();
    view! {
        <section class="hero">
            <h1>"Amazon Cognito sign-in, in Rust and WebAssembly"</h1>
            <p class="lead">
                "Sign up, confirm your email, sign in with SRP (the password never leaves the page), "
                "set up an authenticator app, and call a protected API with your ID token."
            </p>
        </section>
        <section class="card narrow" aria-live="polite">
            {move || match ctx.state() {
                AuthState::Loading => view! { <Loading what="Checking your session…"/> }.into_any(),
                AuthState::SignedIn(user) => view! {
                    <h2>"You are signed in"</h2>
                    <p data-testid="auth-state">"Signed in as " <strong>{user.display()}</strong> "."</p>
                    <div class="actions">
                        <A href="/notes" attr:class="button primary">"Your notes"</A>
                        <A href="/profile" attr:class="button secondary">"Profile and security"</A>
                    </div>
                }.into_any(),
                AuthState::SignedOut => view! {
                    <h2>"Welcome"</h2>
                    <p data-testid="auth-state">"You are signed out."</p>
                    <div class="actions">
                        <A href="/signin" attr:class="button primary">"Sign in"</A>
                        <A href="/signup" attr:class="button secondary">"Create an account"</A>
                    </div>
                    <div class="divider"><span>"or"</span></div>
                    <HostedUiButton next="/notes".to_string()/>
                    <p class="hint">"Try the demo user: " <code>"demo"</code> " / " <code>"DemoPassw0rd!"</code></p>
                }.into_any(),
                AuthState::Error(e) => view! {
                    <h2>"Something went wrong"</h2>
                    <p class="error" role="alert">{e}</p>
                    <button type="button" class="secondary" on:click=move |_| {
                        ctx.set_state(AuthState::Loading);
                        spawn_local(auth::refresh_state(ctx));
                    }>"Try again"</button>
                }.into_any(),
            }}
        </section>
    }
}
