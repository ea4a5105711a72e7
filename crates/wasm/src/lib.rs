//! Amazon Cognito user-pool sign-in for the browser: the npm package `cognito-wasm`.
//!
//! This crate only adapts. The protocol is `cognito-core`'s and the orchestration (sign-in
//! loop, single-flight refresh, storage, events, tab rules) is `cognito-client`'s; here they
//! get `fetch` ([`FetchTransport`]), Web Storage ([`WebStorage`], [`JsStorage`]),
//! `Date.now()`, `crypto.getRandomValues`, Web Locks + `BroadcastChannel`
//! ([`WebCoordinator`]), and JS conversions. The one exported class, [`Auth`], has Amplify
//! v6's method names:
//!
//! ```js
//! import { Auth } from 'cognito-wasm';
//! const auth = new Auth({ userPoolId: 'eu-west-1_Abc123', userPoolClientId: 'app-client-id' });
//! const { nextStep } = await auth.signIn({ username: 'alice', password: 'correct horse' });
//! if (nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_TOTP_CODE') {
//!   await auth.confirmSignIn({ challengeResponse: '123456' });
//! }
//! const { tokens } = await auth.fetchAuthSession();
//! fetch('/api', { headers: { Authorization: `Bearer ${tokens.idToken}` } });
//! ```
//!
//! From Rust (the Leptos demo), build it with [`Auth::with_config`] and call
//! [`Auth::client`]'s async methods directly.
//!
//! Every rejection is a real JS `Error` whose `name` is [`cognito_core::Error::name`]
//! (`NotAuthorizedException`, `NetworkError`, `InvalidStateError`, `NoSessionError`,
//! `ConfigError`, ...). Methods take `&self` and hold no borrow across an `.await`, so calls
//! may overlap.
#![forbid(unsafe_code)]

#[cfg(feature = "bench")]
mod bench;
mod config;
mod convert;
mod js;
mod platform;
mod storage;
mod transport;
mod typescript;

/// The package's allocator: talc instead of std's dlmalloc, 7 KB smaller in the optimised
/// `.wasm` (≈ 2.2 KB brotli) and no slower for what a sign-in allocates (short strings, a few
/// 384-byte integers). Its wasm constructor is safe; `disable-realloc-in-place` trades some
/// speed when a buffer grows for a further 120 B. Single-threaded wasm only, as this package is
/// (the `cfg`), and a Rust app linking this crate (the demo) gets it too.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use cognito_client::{
    Client, Config, MfaPreference, Platform, SignInInput, SignUpInput, UpdateMfaPreferenceInput,
};
use cognito_core::oauth::AuthorizeOptions;
use cognito_core::ops::{AttributeType, ParamMap};
use cognito_core::signin::{SignInFlow, SignInOptions};
use cognito_core::signout::SignOutOptions;
use cognito_core::types::Password;
use cognito_core::Error;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

pub use config::{BrowserOptions, StorageChoice, MAX_TIMEOUT_MS};
pub use convert::TotpSetupDetails;
pub use platform::{
    BrowserTasks, CryptoRandom, DateClock, EventLoop, LeaseGuard, WebCoordinator, WebGuard,
};
pub use storage::{BrowserStorage, JsStorage, WebStorage, WebStorageKind};
pub use transport::{FetchTransport, DEFAULT_TIMEOUT_MS};

use crate::js::{
    get, obj, opt_bool, opt_str, opt_string, opt_string_list, opt_string_map, req_string,
    to_js_error,
};

/// The client [`Auth`] wraps.
pub type BrowserClient = Client<FetchTransport, BrowserStorage, WebCoordinator>;

/// `EVENT_NAMES` and, for the error message, the same names as one string, from one list:
/// joined at compile time, not by `join` at run time.
macro_rules! event_names {
    ($first:literal $(, $rest:literal)* $(,)?) => {
        /// The events `on` accepts (Amplify v6's Hub `auth` channel names).
        pub const EVENT_NAMES: [&str; 1 + [$($rest),*].len()] = [$first $(, $rest)*];
        const EVENT_LIST: &str = concat!($first $(, ", ", $rest)*);
    };
}
event_names!(
    "signedIn",
    "signedOut",
    "tokenRefresh",
    "tokenRefresh_failure",
    "customOAuthState",
    "signInWithRedirect",
    "signInWithRedirect_failure",
);

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            web_sys::console::error_1(&JsValue::from_str(&format!(
                "cognito-wasm panicked (a bug, please report it): {info}"
            )));
        }));
    });
}

/// An Amazon Cognito user-pool client for one app client, exported to JS as `Auth`.
#[wasm_bindgen(skip_typescript)]
#[derive(Debug, Clone)]
pub struct Auth {
    client: BrowserClient,
    /// The hosted-UI callback handled at construction, if the page was loaded on one.
    redirect: Option<Promise>,
}

type JsResultFuture = Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>;

/// Runs `f` as a Promise; an [`Error`] becomes a rejection with a JS `Error`.
///
/// Boxed so that the Promise glue exists once, not once per method (a few kB each).
fn run(f: impl Future<Output = Result<JsValue, Error>> + 'static) -> Promise {
    run_boxed(Box::pin(f))
}

fn run_boxed(f: JsResultFuture) -> Promise {
    future_to_promise(async move { f.await.map_err(|e| to_js_error(&e)) })
}

fn attributes(pairs: Vec<(String, String)>) -> Vec<AttributeType> {
    pairs
        .into_iter()
        .map(|(k, v)| AttributeType::new(k, v))
        .collect()
}

fn param_map(pairs: Option<Vec<(String, String)>>) -> Option<ParamMap> {
    pairs.map(|p| {
        p.into_iter()
            .fold(ParamMap::new(), |m, (k, v)| m.with(k, v))
    })
}

fn mfa_setting(input: &JsValue, key: &str) -> Result<Option<MfaPreference>, Error> {
    opt_string(input, key)?
        .map(|s| {
            MfaPreference::parse(&s).ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "{key} must be ENABLED, DISABLED, PREFERRED or NOT_PREFERRED"
                ))
            })
        })
        .transpose()
}

fn navigate(url: &str) -> Result<(), Error> {
    match js::assign(url) {
        Ok(true) => Ok(()),
        Ok(false) => Err(Error::InvalidState("no window to navigate".into())),
        Err(e) => Err(Error::InvalidState(format!(
            "cannot navigate: {}",
            js::describe(&e)
        ))),
    }
}

fn redirect_output(out: cognito_client::RedirectOutput) -> Result<JsValue, Error> {
    Ok(obj(&[
        ("username", JsValue::from_str(&out.username)),
        ("customState", opt_str(out.custom_state.as_deref())),
    ]))
}

fn unsupported_flow(flow: &str) -> Error {
    Error::InvalidArgument(format!(
        "authFlowType {} is not supported (USER_SRP_AUTH or USER_PASSWORD_AUTH)",
        js::quoted(flow)
    ))
}

const UNIT: Result<JsValue, Error> = Ok(JsValue::UNDEFINED);

impl Auth {
    /// An `Auth` for `config`, keeping tokens where `storage` says, with the default request
    /// timeout. Redirect state (PKCE verifier, `state`, nonce) always goes to `sessionStorage`
    /// (memory if unusable).
    ///
    /// # Errors
    /// [`Error::Config`] when a custom storage object lacks a method.
    pub fn with_config(config: Config, storage: StorageChoice) -> Result<Auth, Error> {
        Auth::with_options(config, BrowserOptions::new(storage))
    }

    /// An `Auth` for `config` with the browser-side `options` (storage, request timeout).
    ///
    /// # Errors
    /// [`Error::Config`] when a custom storage object lacks a method.
    pub fn with_options(config: Config, options: BrowserOptions) -> Result<Auth, Error> {
        install_panic_hook();
        let BrowserOptions {
            storage,
            timeout_ms,
        } = options;
        // Tabs coordinate only over a storage they share: localStorage, and an app's own store
        // (typically IndexedDB-backed). sessionStorage and memory belong to one tab / client.
        // Nothing here touches Web Storage (a synchronous round trip to the browser process):
        // localStorage is opened at the first read, and the tabs are coordinated if it was
        // usable then (`WebCoordinator::over`).
        let tabs = || {
            WebCoordinator::new(&format!(
                "cognito-wasm:{}",
                config.client.client_id.as_str()
            ))
        };
        let (storage, coordinator) = match storage {
            StorageChoice::LocalStorage => {
                let local = Rc::new(WebStorage::open(WebStorageKind::Local));
                (BrowserStorage::Web(local.clone()), tabs().over(local))
            }
            StorageChoice::SessionStorage => (
                BrowserStorage::Web(Rc::new(WebStorage::open(WebStorageKind::Session))),
                WebCoordinator::isolated(),
            ),
            StorageChoice::Memory => (
                BrowserStorage::Web(Rc::new(WebStorage::memory())),
                WebCoordinator::isolated(),
            ),
            StorageChoice::Custom(obj) => (BrowserStorage::Js(JsStorage::new(obj)?), tabs()),
        };
        let platform = Platform::new(
            FetchTransport::new(timeout_ms),
            storage,
            Rc::new(DateClock),
            Rc::new(CryptoRandom),
        )
        .with_transient_storage(Rc::new(WebStorage::open(WebStorageKind::Session)))
        .with_tasks(Rc::new(BrowserTasks))
        .with_scheduler(Rc::new(EventLoop))
        .with_coordinator(coordinator);
        Ok(Auth {
            client: Client::new(config, platform),
            redirect: None,
        })
    }

    /// The page's URL when it is the hosted UI's redirect back for a sign-in pending here
    /// (a `code` or `error` with a `state`), after removing `code`, `state`, `error` and
    /// `error_description` from the address bar and the history entry: the code is single-use
    /// and the state spent, so neither should stay in the history or be bookmarked.
    fn take_callback_url(&self) -> Option<String> {
        self.client.config().oauth.as_ref()?;
        let href = js::href()?;
        if !cognito_core::oauth::is_callback(&href) || !self.client.is_redirect_pending().ok()? {
            return None;
        }
        js::forget_callback(&href);
        Some(href)
    }

    /// Finishes a hosted-UI sign-in when this page load is its redirect back: `None` when it is
    /// not (no hosted UI configured, no `code`/`error` with a `state` in the URL, or no
    /// sign-in pending in this tab, e.g. a replayed or foreign callback, which is left alone).
    /// Otherwise the callback parameters are removed from the address bar at once (before the
    /// returned future is polled), and the future completes the sign-in as
    /// [`Client::handle_redirect`] does, with its events.
    ///
    /// `new Auth()` in JS calls this itself; a Rust app built with [`Auth::with_config`] calls
    /// it once on start.
    pub fn complete_redirect_on_load(
        &self,
    ) -> Option<impl Future<Output = Result<cognito_client::RedirectOutput, Error>> + 'static> {
        let href = self.take_callback_url()?;
        let c = self.client.clone();
        Some(async move { c.handle_redirect(&href).await })
    }

    /// The Rust client, for calling its async methods directly.
    #[must_use]
    pub fn client(&self) -> &BrowserClient {
        &self.client
    }
}

#[wasm_bindgen]
impl Auth {
    /// `new Auth(config)`: throws a `ConfigError` for a bad config.
    ///
    /// With `oauth` configured, a page loaded on the hosted UI's redirect back (a `code` or
    /// `error` with a `state`, and a sign-in pending in this tab) is handled at once: the
    /// `signInWithRedirect` / `signInWithRedirect_failure` events tell the outcome,
    /// `handleRedirect()` without a URL returns the same result, and `code` / `state` are
    /// removed from the address bar.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Auth, JsValue> {
        install_panic_hook();
        let mut auth = config::parse(&config)
            .and_then(|(c, o)| Auth::with_options(c, o))
            .map_err(|e| to_js_error(&e))?;
        auth.redirect = auth
            .complete_redirect_on_load()
            .map(|done| run(async move { redirect_output(done.await?) }));
        Ok(auth)
    }

    /// `signUp({ username, password, options: { userAttributes, clientMetadata, validationData } })`.
    #[wasm_bindgen(js_name = signUp)]
    pub fn sign_up(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let options = get(&input, "options");
            let mut req = SignUpInput::new(
                req_string(&input, "username")?,
                Password::new(req_string(&input, "password")?),
                attributes(opt_string_map(&options, "userAttributes")?.unwrap_or_default()),
            );
            req.client_metadata = param_map(opt_string_map(&options, "clientMetadata")?);
            req.validation_data = opt_string_map(&options, "validationData")?.map(attributes);
            Ok(convert::sign_up_output(c.sign_up(req).await?))
        })
    }

    /// `confirmSignUp({ username, confirmationCode })`.
    #[wasm_bindgen(js_name = confirmSignUp)]
    pub fn confirm_sign_up(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let username = req_string(&input, "username")?;
            let code = req_string(&input, "confirmationCode")?;
            Ok(convert::sign_up_output(
                c.confirm_sign_up(&username, &code).await?,
            ))
        })
    }

    /// `resendSignUpCode({ username })`: where the new code went.
    #[wasm_bindgen(js_name = resendSignUpCode)]
    pub fn resend_sign_up_code(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let username = req_string(&input, "username")?;
            Ok(convert::code_delivery(
                &c.resend_sign_up_code(&username).await?,
            ))
        })
    }

    /// `signIn({ username, password, options: { authFlowType, clientMetadata } })`.
    #[wasm_bindgen(js_name = signIn)]
    pub fn sign_in(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let options = get(&input, "options");
            let flow = match opt_string(&options, "authFlowType")?.as_deref() {
                None | Some("USER_SRP_AUTH") => SignInFlow::UserSrpAuth,
                Some("USER_PASSWORD_AUTH") => SignInFlow::UserPasswordAuth,
                Some(other) => return Err(unsupported_flow(other)),
            };
            let mut opts = SignInOptions::default().with_flow(flow);
            if let Some(m) = param_map(opt_string_map(&options, "clientMetadata")?) {
                opts = opts.with_client_metadata(m);
            }
            let req = SignInInput::new(
                req_string(&input, "username")?,
                Password::new(opt_string(&input, "password")?.unwrap_or_default()),
            )
            .with_options(opts);
            Ok(convert::sign_in_output(c.sign_in(req).await?))
        })
    }

    /// `confirmSignIn({ challengeResponse, options: { userAttributes } })`: a code, a new
    /// password, an MFA type (`TOTP`, `SMS`, `EMAIL`) or an email address, as the step asks.
    #[wasm_bindgen(js_name = confirmSignIn)]
    pub fn confirm_sign_in(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let response = req_string(&input, "challengeResponse")?;
            let attrs = opt_string_map(&get(&input, "options"), "userAttributes")?;
            Ok(convert::sign_in_output(
                c.confirm_sign_in_text(&response, attributes(attrs.unwrap_or_default()))
                    .await?,
            ))
        })
    }

    /// `signInWithRedirect({ provider, customState, options: { lang, loginHint, prompt },
    /// navigate })`: resolves with the hosted UI's `/oauth2/authorize` URL, after navigating
    /// to it unless `navigate` is `false`.
    #[wasm_bindgen(js_name = signInWithRedirect)]
    pub fn sign_in_with_redirect(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let provider = get(&input, "provider");
            let mut o = AuthorizeOptions::default();
            if let Some(p) = provider.as_string() {
                o = o.identity_provider(match p.as_str() {
                    "Amazon" => "LoginWithAmazon",
                    "Apple" => "SignInWithApple",
                    other => other,
                });
            } else if let Some(custom) = opt_string(&provider, "custom")? {
                o = o.identity_provider(custom);
            }
            if let Some(s) = opt_string(&input, "customState")? {
                o = o.custom_state(s);
            }
            let options = get(&input, "options");
            if let Some(v) = opt_string(&options, "lang")? {
                o = o.lang(v);
            }
            if let Some(v) = opt_string(&options, "loginHint")? {
                o = o.login_hint(v);
            }
            if let Some(v) = opt_string(&options, "prompt")? {
                o = o.prompt(v);
            }
            let url = c.sign_in_with_redirect(&o).await?;
            if opt_bool(&input, "navigate")? != Some(false) {
                navigate(&url)?;
            }
            Ok(JsValue::from_str(&url))
        })
    }

    /// `handleRedirect(url?)`: completes a hosted-UI sign-in from the callback URL (the
    /// page's own by default): `{ username, customState? }`.
    #[wasm_bindgen(js_name = handleRedirect)]
    pub fn handle_redirect(&self, url: Option<String>) -> Promise {
        if let (None, Some(started)) = (&url, &self.redirect) {
            return started.clone();
        }
        let c = self.client.clone();
        run(async move {
            let url = match url {
                Some(u) => u,
                None => js::href()
                    .ok_or_else(|| Error::InvalidArgument("no URL given and no window".into()))?,
            };
            redirect_output(c.handle_redirect(&url).await?)
        })
    }

    /// `fetchAuthSession({ forceRefresh })`: `{ tokens?: { accessToken, idToken }, userSub }`,
    /// refreshed first when due. Nobody signed in resolves with no `tokens`.
    #[wasm_bindgen(js_name = fetchAuthSession)]
    pub fn fetch_auth_session(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let force = opt_bool(&input, "forceRefresh")?.unwrap_or(false);
            Ok(convert::auth_session(&c.fetch_auth_session(force).await?))
        })
    }

    /// `getCurrentUser()`: `{ username, userId }`; rejects with `NoSessionError`.
    #[wasm_bindgen(js_name = getCurrentUser)]
    pub fn get_current_user(&self) -> Promise {
        let c = self.client.clone();
        run(async move { Ok(convert::auth_user(&c.get_current_user().await?)) })
    }

    /// `signOut({ global })`: for a hosted-UI session, then navigates to its `/logout` unless
    /// `navigate` is `false`.
    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let global = opt_bool(&input, "global")?.unwrap_or(false);
            let out = c.sign_out(SignOutOptions::global(global)).await?;
            if let (Some(url), true) = (
                &out.logout_url,
                opt_bool(&input, "navigate")? != Some(false),
            ) {
                navigate(url)?;
            }
            UNIT
        })
    }

    /// `resetPassword({ username })`.
    #[wasm_bindgen(js_name = resetPassword)]
    pub fn reset_password(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let username = req_string(&input, "username")?;
            Ok(convert::reset_password_output(
                c.reset_password(&username).await?,
            ))
        })
    }

    /// `confirmResetPassword({ username, confirmationCode, newPassword })`.
    #[wasm_bindgen(js_name = confirmResetPassword)]
    pub fn confirm_reset_password(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let username = req_string(&input, "username")?;
            let code = req_string(&input, "confirmationCode")?;
            let new = Password::new(req_string(&input, "newPassword")?);
            c.confirm_reset_password(&username, &code, new).await?;
            UNIT
        })
    }

    /// `updatePassword({ oldPassword, newPassword })`.
    #[wasm_bindgen(js_name = updatePassword)]
    pub fn update_password(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let old = Password::new(req_string(&input, "oldPassword")?);
            let new = Password::new(req_string(&input, "newPassword")?);
            c.update_password(old, new).await?;
            UNIT
        })
    }

    /// `fetchUserAttributes()`: `{ email: '...', email_verified: 'true', ... }`.
    #[wasm_bindgen(js_name = fetchUserAttributes)]
    pub fn fetch_user_attributes(&self) -> Promise {
        let c = self.client.clone();
        run(async move {
            let attrs = c.fetch_user_attributes().await?;
            let pairs: Vec<(&str, JsValue)> = attrs
                .iter()
                .map(|(k, v)| (k.as_str(), JsValue::from_str(v)))
                .collect();
            Ok(obj(&pairs))
        })
    }

    /// `updateUserAttributes({ userAttributes })`: per attribute, `{ isUpdated, nextStep }`.
    #[wasm_bindgen(js_name = updateUserAttributes)]
    pub fn update_user_attributes(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let attrs = opt_string_map(&input, "userAttributes")?
                .ok_or_else(|| Error::InvalidArgument("userAttributes is required".into()))?;
            let out = c.update_user_attributes(attributes(attrs)).await?;
            let pairs: Vec<(&str, JsValue)> = out
                .iter()
                .map(|(k, v)| (k.as_str(), convert::update_attribute_output(v)))
                .collect();
            Ok(obj(&pairs))
        })
    }

    /// `sendUserAttributeVerificationCode({ userAttributeKey })`.
    #[wasm_bindgen(js_name = sendUserAttributeVerificationCode)]
    pub fn send_user_attribute_verification_code(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let key = req_string(&input, "userAttributeKey")?;
            Ok(convert::code_delivery(
                &c.send_user_attribute_verification_code(&key).await?,
            ))
        })
    }

    /// `confirmUserAttribute({ userAttributeKey, confirmationCode })`.
    #[wasm_bindgen(js_name = confirmUserAttribute)]
    pub fn confirm_user_attribute(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let key = req_string(&input, "userAttributeKey")?;
            let code = req_string(&input, "confirmationCode")?;
            c.confirm_user_attribute(&key, &code).await?;
            UNIT
        })
    }

    /// `deleteUserAttributes({ userAttributeKeys })`.
    #[wasm_bindgen(js_name = deleteUserAttributes)]
    pub fn delete_user_attributes(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let keys = opt_string_list(&input, "userAttributeKeys")?
                .ok_or_else(|| Error::InvalidArgument("userAttributeKeys is required".into()))?;
            c.delete_user_attributes(keys).await?;
            UNIT
        })
    }

    /// `setUpTOTP()`: `{ sharedSecret, getSetupUri(appName, accountName?) }`.
    #[wasm_bindgen(js_name = setUpTOTP)]
    pub fn set_up_totp(&self) -> Promise {
        let c = self.client.clone();
        run(async move { Ok(convert::totp_setup(c.set_up_totp().await?)) })
    }

    /// `verifyTOTPSetup({ code, options: { friendlyDeviceName } })`.
    #[wasm_bindgen(js_name = verifyTOTPSetup)]
    pub fn verify_totp_setup(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let code = req_string(&input, "code")?;
            let name = opt_string(&get(&input, "options"), "friendlyDeviceName")?;
            c.verify_totp_setup(&code, name).await?;
            UNIT
        })
    }

    /// `updateMFAPreference({ sms, totp, email })`, each `ENABLED` / `DISABLED` /
    /// `PREFERRED` / `NOT_PREFERRED`, or left out to keep.
    #[wasm_bindgen(js_name = updateMFAPreference)]
    pub fn update_mfa_preference(&self, input: JsValue) -> Promise {
        let c = self.client.clone();
        run(async move {
            let prefs = UpdateMfaPreferenceInput {
                sms: mfa_setting(&input, "sms")?,
                totp: mfa_setting(&input, "totp")?,
                email: mfa_setting(&input, "email")?,
            };
            c.update_mfa_preference(prefs).await?;
            UNIT
        })
    }

    /// `fetchMFAPreference()`: `{ enabled?, preferred? }`.
    #[wasm_bindgen(js_name = fetchMFAPreference)]
    pub fn fetch_mfa_preference(&self) -> Promise {
        let c = self.client.clone();
        run(async move { Ok(convert::mfa_preference(&c.fetch_mfa_preference().await?)) })
    }

    /// `deleteUser()`: deletes the signed-in user and signs out.
    #[wasm_bindgen(js_name = deleteUser)]
    pub fn delete_user(&self) -> Promise {
        let c = self.client.clone();
        run(async move {
            c.delete_user().await?;
            UNIT
        })
    }

    /// `on(event, callback)`: calls `callback({ event, data })` for each such event, here or
    /// in another tab; returns the function that unsubscribes. Throws an
    /// `InvalidArgumentError` for an unknown event name.
    pub fn on(&self, event: &str, callback: Function) -> Result<Function, JsValue> {
        if !EVENT_NAMES.contains(&event) {
            return Err(to_js_error(&Error::InvalidArgument(format!(
                "unknown event {}; expected one of {EVENT_LIST}",
                js::quoted(event)
            ))));
        }
        let name = event.to_owned();
        let sub = self.client.listen(move |e| {
            if e.name() == name {
                if let Err(err) = callback.call1(&JsValue::UNDEFINED, &convert::event_payload(e)) {
                    web_sys::console::error_2(
                        &JsValue::from_str("cognito-wasm: an auth listener threw"),
                        &err,
                    );
                }
            }
        });
        let unsubscribe = Closure::<dyn Fn()>::new(move || sub.unsubscribe());
        Ok(unsubscribe.into_js_value().unchecked_into())
    }
}
