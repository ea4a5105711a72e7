//! Small pieces the pages share: fields, the submit button, errors, the password policy, the
//! protected-route guard, the hosted-UI button and the QR code.

use cognito_core::oauth::AuthorizeOptions;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use cognito_core::Error;
use wasm_bindgen::JsCast;

use crate::auth::{self, use_auth, AuthState};
use crate::config::PASSWORD_MIN_LENGTH;
use crate::errors::{explain, Action, Concern, Problem};

/// A form's errors: one per field at most, shown next to it, and one for the form as a whole.
///
/// A field with an error is `aria-invalid` and `aria-describedby` its message; the first one
/// gets the keyboard focus. Typing in a field clears its error.
#[derive(Clone, Copy, Debug)]
pub struct Errors {
    fields: RwSignal<Vec<(&'static str, String)>>,
    /// The form's own error, shown at the form ([`FormError`]).
    pub form: RwSignal<Option<String>>,
}

impl Errors {
    /// No errors.
    pub fn new() -> Self {
        Errors {
            fields: RwSignal::new(Vec::new()),
            form: RwSignal::new(None),
        }
    }

    /// Clears every error (before a new attempt).
    pub fn clear(&self) {
        self.fields.set(Vec::new());
        self.form.set(None);
    }

    /// The error of the field `id` (tracked).
    pub fn of(&self, id: &str) -> Option<String> {
        self.fields
            .read()
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, m)| m.clone())
    }

    fn clear_field(&self, id: &str) {
        if self.fields.read_untracked().iter().any(|(f, _)| *f == id) {
            self.fields.update(|v| v.retain(|(f, _)| *f != id));
        }
    }

    /// Shows `message` next to the field `id` and moves the focus to it.
    pub fn field(&self, id: &'static str, message: impl Into<String>) {
        self.fields.update(|v| {
            v.retain(|(f, _)| *f != id);
            v.push((id, message.into()));
        });
        focus(id);
    }

    /// Shows `message` at the form.
    pub fn at_form(&self, message: impl Into<String>) {
        self.form.set(Some(message.into()));
    }

    /// Shows why `action` failed: next to the field of its [`Concern`] when `fields` (concern
    /// → the page's element id) has one, at the form otherwise.
    pub fn show(&self, action: Action, e: &Error, fields: &[(Concern, &'static str)]) {
        let Problem { concern, message } = explain(action, e);
        match fields.iter().find(|(c, _)| *c == concern) {
            Some((_, id)) => self.field(id, message),
            None => self.at_form(message),
        }
    }
}

/// Moves the keyboard focus to the element `id` (when it is there).
pub fn focus(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// A labelled text input bound to `value`, with its error (from `errors`) under it.
#[component]
pub fn Field(
    /// The element id (the label points at it).
    id: &'static str,
    /// The label.
    label: &'static str,
    /// The value.
    value: RwSignal<String>,
    /// `type`.
    #[prop(default = "text")]
    kind: &'static str,
    /// `autocomplete`.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// `inputmode`.
    #[prop(default = "text")]
    inputmode: &'static str,
    /// A hint under the field.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Whether it gets the focus when shown (also when it appears later, e.g. the next step of
    /// a sign-in: the `autofocus` attribute alone only acts as a page loads).
    #[prop(optional)]
    autofocus: bool,
    /// The form's errors (this field shows the one for `id`).
    #[prop(optional)]
    errors: Option<Errors>,
    /// Shown, not edited (e.g. the email an account is being confirmed for).
    #[prop(optional)]
    readonly: bool,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    if autofocus {
        Effect::new(move |_| {
            if let Some(el) = input.get() {
                let _ = el.focus();
            }
        });
    }
    let error = move || errors.and_then(|e| e.of(id));
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let ids: Vec<&str> = [
                hint.map(|_| hint_id.as_str()),
                error().map(|_| error_id.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || error().is_some()>
            <label for=id>{label}</label>
            <input
                node_ref=input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                autofocus=autofocus
                readonly=readonly
                required=true
                aria-invalid=move || error().map(|_| "true")
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    if let Some(e) = errors {
                        e.clear_field(id);
                    }
                }
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            // Always there, so that screen readers announce a message put into it.
            <p class="field-error" id=error_id aria-live="polite">{error}</p>
        </div>
    }
}

/// The form's error, in plain words, announced to screen readers.
#[component]
pub fn FormError(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p class="error" role="alert">{e}</p> })
    }
}

/// A submit button that shows `busy_label` and is disabled while `busy`.
#[component]
pub fn Submit(
    busy: RwSignal<bool>,
    label: &'static str,
    busy_label: &'static str,
    #[prop(optional, into)] disabled: Option<Signal<bool>>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="primary"
            disabled=move || busy.get() || disabled.is_some_and(|d| d.get())
            aria-busy=move || busy.get().to_string()
        >
            {move || if busy.get() {
                view! { <span class="spinner" aria-hidden="true"></span>{busy_label} }.into_any()
            } else {
                label.into_any()
            }}
        </button>
    }
}

/// The pool's password rules, each with whether `password` meets it.
pub fn password_rules(password: &str) -> [(&'static str, bool); 5] {
    [
        (
            "At least 8 characters",
            password.chars().count() >= PASSWORD_MIN_LENGTH,
        ),
        (
            "An uppercase letter",
            password.chars().any(|c| c.is_uppercase()),
        ),
        (
            "A lowercase letter",
            password.chars().any(|c| c.is_lowercase()),
        ),
        ("A number", password.chars().any(|c| c.is_ascii_digit())),
        (
            "A symbol (like ! ? # @ $ %)",
            password
                .chars()
                .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
        ),
    ]
}

/// Whether `password` meets every rule.
pub fn password_ok(password: &str) -> bool {
    password_rules(password).iter().all(|(_, ok)| *ok)
}

/// The password policy, ticked off as the user types.
#[component]
pub fn PasswordPolicy(password: RwSignal<String>) -> impl IntoView {
    view! {
        <ul class="policy" aria-label="Password requirements">
            {move || {
                password_rules(&password.get())
                    .into_iter()
                    .map(|(rule, ok)| {
                        view! {
                            <li class:ok=ok>
                                <span aria-hidden="true">{if ok { "✓" } else { "•" }}</span>
                                {rule}
                                <span class="sr-only">{if ok { " (met)" } else { " (not met)" }}</span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

/// Shows `children` to a signed-in user; sends anyone else to the sign-in page, which sends
/// them back here afterwards.
#[component]
pub fn Protected(children: ChildrenFn) -> impl IntoView {
    let ctx = use_auth();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if ctx.state() == AuthState::SignedOut {
            let here = location.pathname.get_untracked();
            let next = js_sys::encode_uri_component(&here);
            navigate(
                &format!("/signin?next={next}"),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    move || match ctx.state() {
        AuthState::SignedIn(_) => children().into_any(),
        AuthState::Loading => view! { <Loading what="Checking your session…"/> }.into_any(),
        AuthState::SignedOut => {
            view! { <p class="muted">"Please sign in to see this page."</p> }.into_any()
        }
        AuthState::Error(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
    }
}

/// A spinner with a message.
#[component]
pub fn Loading(what: &'static str) -> impl IntoView {
    view! {
        <p class="loading" role="status">
            <span class="spinner" aria-hidden="true"></span>
            {what}
        </p>
    }
}

/// "Sign in with the hosted UI": off to Cognito's own page, back on `/` with a code, then to
/// `next`.
#[component]
pub fn HostedUiButton(#[prop(into)] next: Signal<String>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let go = move |_| {
        busy.set(true);
        error.set(None);
        let next = next.get_untracked();
        spawn_local(async move {
            let result = async {
                let c = auth::client()?;
                c.sign_in_with_redirect(&AuthorizeOptions::default().custom_state(next))
                    .await
            }
            .await;
            match result {
                Ok(url) => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().assign(&url);
                    }
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(auth::friendly(&e)));
                }
            }
        });
    };
    view! {
        <button type="button" class="secondary wide" on:click=go disabled=move || busy.get()>
            {move || if busy.get() { "Opening the hosted sign-in…" } else { "Sign in with the hosted UI" }}
        </button>
        <FormError error/>
    }
}

/// A QR code of `data`, drawn here (nothing leaves the page), as inline SVG.
pub fn qr_svg(data: &str) -> Option<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(176, 176)
            .quiet_zone(true)
            .build(),
    )
}

/// The TOTP secret as a QR code and as text.
#[component]
pub fn TotpSecret(secret: String, uri: String) -> impl IntoView {
    let svg = qr_svg(&uri);
    view! {
        <div class="totp">
            {svg.map(|s| view! { <div class="qr" role="img" aria-label="QR code of the authenticator secret" inner_html=s></div> })}
            <div>
                <p>"Scan the code with an authenticator app, or type this key:"</p>
                <code class="secret" data-testid="totp-secret">{secret}</code>
            </div>
        </div>
    }
}
