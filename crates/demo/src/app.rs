//! The app shell: header, notices, routes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use crate::auth::{self, use_auth, AuthCtx, AuthState};
use crate::pages::{
    confirm::ConfirmSignUp, forgot::ForgotPassword, home::Home, notes::Notes, profile::Profile,
    signin::SignIn, signup::SignUp,
};
use crate::widgets::Protected;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let ctx = auth::start();
    view! {
        <Router>
            <Boot ctx/>
            <Header/>
            <main class="container">
                <Notice/>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/signup") view=SignUp/>
                    <Route path=path!("/confirm") view=ConfirmSignUp/>
                    <Route path=path!("/signin") view=SignIn/>
                    <Route path=path!("/forgot") view=ForgotPassword/>
                    <Route path=path!("/notes") view=|| view! { <Protected><Notes/></Protected> }/>
                    <Route path=path!("/profile") view=|| view! { <Protected><Profile/></Protected> }/>
                </Routes>
            </main>
            <footer class="footer">
                "Signed in with "<a href="https://github.com/cognito-wasm/cognito-wasm">"cognito-wasm"</a>
                ": Rust compiled to WebAssembly, talking to Amazon Cognito's API."
            </footer>
        </Router>
    }
}

/// On load: finishes a hosted-UI sign-in when the page is its callback, reads the session,
/// and goes where the sign-in was started from.
#[component]
fn Boot(ctx: AuthCtx) -> impl IntoView {
    let navigate = use_navigate();
    spawn_local(async move {
        let next = auth::finish_redirect(ctx).await;
        auth::refresh_state(ctx).await;
        if let Some(next) = next {
            navigate(&next, Default::default());
        }
    });
}

#[component]
fn Header() -> impl IntoView {
    let ctx = use_auth();
    let navigate = use_navigate();
    let busy = RwSignal::new(false);
    let sign_out = move |_| {
        busy.set(true);
        // Home first (showing the wait): a protected page would otherwise ask to sign in again.
        ctx.set_state(AuthState::Loading);
        navigate("/", Default::default());
        spawn_local(async move {
            let _ = auth::sign_out(ctx, false).await;
            busy.set(false);
        });
    };
    view! {
        <header class="topbar">
            <div class="topbar-inner">
                <A href="/" attr:class="brand">
                    <span class="logo" aria-hidden="true">"◆"</span>
                    " cognito-wasm demo"
                </A>
                <nav aria-label="Main">
                    <A href="/notes">"Notes"</A>
                    <A href="/profile">"Profile"</A>
                </nav>
                <div class="session">
                    {move || match ctx.state() {
                        AuthState::SignedIn(user) => view! {
                            <span class="who" data-testid="who">{user.display()}</span>
                            <button type="button" class="ghost small" on:click=sign_out.clone() disabled=move || busy.get()>
                                {move || if busy.get() { "Signing out…" } else { "Sign out" }}
                            </button>
                        }.into_any(),
                        AuthState::Loading => view! { <span class="muted">"…"</span> }.into_any(),
                        _ => view! {
                            <A href="/signin" attr:class="button ghost small">"Sign in"</A>
                            <A href="/signup" attr:class="button primary small">"Create account"</A>
                        }.into_any(),
                    }}
                </div>
            </div>
        </header>
    }
}

#[component]
fn Notice() -> impl IntoView {
    let ctx = use_auth();
    move || {
        ctx.notice.get().map(|n| {
            view! {
                <div class="notice" role="status">
                    <span>{n}</span>
                    <button type="button" class="ghost small" aria-label="Dismiss" on:click=move |_| ctx.notice.set(None)>"×"</button>
                </div>
            }
        })
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p><A href="/">"Back to the start"</A></p>
        </section>
    }
}
