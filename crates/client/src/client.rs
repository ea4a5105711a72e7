//! The client: core's pieces put together over a [`Transport`], an [`AsyncStorage`], a
//! [`Clock`], a [`Random`] source and a [`Coordinator`].

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use cognito_core::map::Map;
use cognito_core::oauth::{AuthorizeOptions, OAuthConfig, AUTHORIZE_RANDOM_LEN};
use cognito_core::ops::{
    AccessTokenRequest, AssociateSoftwareToken, AssociateSoftwareTokenRequest, AttributeType,
    ChangePassword, ChangePasswordRequest, CodeDeliveryDetails, ConfirmForgotPassword,
    ConfirmForgotPasswordRequest, ConfirmSignUp, ConfirmSignUpRequest, DeleteUser,
    DeleteUserAttributes, DeleteUserAttributesRequest, ForgotPassword, GetUser,
    GetUserAttributeVerificationCode, GetUserAttributeVerificationCodeRequest, MfaSettings,
    Operation, ResendConfirmationCode, SetUserMFAPreference, SetUserMfaPreferenceRequest, SignUp,
    SignUpRequest, UpdateUserAttributes, UpdateUserAttributesRequest, UsernameRequest,
    VerifySoftwareToken, VerifySoftwareTokenRequest, VerifySoftwareTokenStatus,
    VerifyUserAttribute, VerifyUserAttributeRequest,
};
use cognito_core::refresh::{self, RefreshMethod};
use cognito_core::session::{Session, DEFAULT_REFRESH_LEEWAY_SECS};
use cognito_core::signin::{
    ChallengeAnswer, MfaType, NextStep, SignIn, SignInFlow, SrpEphemeral, Step, TotpSetupDetails,
};
use cognito_core::signout::{SignOut, SignOutOptions};
use cognito_core::storage::{
    save_pending_authorization, take_pending_authorization, MemoryStorage, Storage,
};
use cognito_core::types::{AccessToken, OneTimeCode, Password, Username};
use cognito_core::wire::{self, ClientConfig, HttpRequest, HttpResponse, Transport};
use cognito_core::{CognitoErrorCode, Error};

use crate::events::{AuthEvent, Listeners, Subscription};
use crate::outputs::{
    AuthSession, AuthUser, MfaPreference, MfaPreferenceOutput, RedirectOutput, ResetPasswordOutput,
    ResetPasswordStep, SignInInput, SignInOutput, SignOutOutput, SignUpInput, SignUpOutput,
    SignUpStep, UpdateAttributeStep, UpdateMfaPreferenceInput, UpdateUserAttributeOutput,
    UserAttributes,
};
use crate::platform::{
    AsyncStorage, Clock, Coordinator, Inline, MemoryCoordinator, Random, Scheduler, SessionChange,
    SessionMark, Tasks,
};
use crate::store;

/// Length of the SRP ephemeral secret `a` drawn for each sign-in, in bytes: 32 (256 bits).
///
/// Why not the 128 bytes (1024 bits) amazon-cognito-identity-js and Amplify v6 draw: the
/// 3072-bit group gives about 128-bit security, and a short exponent is as strong as the group
/// once it has twice the security level in bits (van Oorschot–Wiener; NIST SP 800-56A sizes
/// private keys the same way), which is 256 bits; RFC 5054 asks for at least 256 bits too.
/// Longer exponents add work, not security: with the kernel in `cognito-srp` the client's SRP
/// work in wasm drops from ≈ 25 ms (1024-bit `a`) to ≈ 10 ms. Cognito accepts any `A`; the
/// server cannot tell the length. [`Config::srp_ephemeral_bytes`] sets another length
/// (32 to [`MAX_SRP_EPHEMERAL_BYTES`]), e.g. 128 to match the JavaScript clients exactly.
pub const DEFAULT_SRP_EPHEMERAL_BYTES: usize = 32;

/// How often a client reads its storage again after another client announced a sign-in, until
/// it shows the user (see [`Client::new`]), in milliseconds.
pub const FOLLOW_SIGN_IN_INTERVAL_MS: u32 = 100;

/// How many times a client reads its storage after another client announced a sign-in (about
/// two seconds with [`FOLLOW_SIGN_IN_INTERVAL_MS`]).
pub const FOLLOW_SIGN_IN_ATTEMPTS: u32 = 20;

/// How often a client reads its storage again while it shows less than another client
/// announced (see [`Client::new`]), in milliseconds.
pub const CATCH_UP_INTERVAL_MS: u32 = 50;

/// How many times a client reads its storage while it shows less than another client announced
/// (about two seconds with [`CATCH_UP_INTERVAL_MS`]); after that the storage is taken as it is.
pub const CATCH_UP_ATTEMPTS: u32 = 40;

/// How many times, under the lock and about to refresh a session another client stored, a
/// client reads its storage again after [`CATCH_UP_INTERVAL_MS`] to let a write still arriving
/// settle (see [`Client::fetch_auth_session`]). While another client is known to be live, all
/// of them are made (200 ms) even when a read shows no change: that client's refresh, written
/// and announced just before it released the lock, can reach this tab's storage and channel
/// later than the lock does (seen under load in Chromium: the spent token was sent once, then
/// the session recovered). Alone, one read decides.
const SETTLE_READS: u32 = 4;

/// How many sessions a client remembers as replaced or ended (see [`Heard`]).
const HEARD_CAPACITY: usize = 16;

/// The longest SRP ephemeral secret accepted, in bytes (4096 bits: longer buys nothing).
pub const MAX_SRP_EPHEMERAL_BYTES: usize = 512;

/// What the client talks to and how.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// Pool, app client, optional secret and endpoint.
    pub client: ClientConfig,
    /// The hosted UI, for `sign_in_with_redirect` and hosted-UI sign-out.
    pub oauth: Option<OAuthConfig>,
    /// How user-pool sessions are refreshed: `GetTokensFromRefreshToken` by default (Amplify ≥
    /// 6.14; rotates the refresh token when the app client does), or `InitiateAuth`
    /// (`REFRESH_TOKEN_AUTH`). Hosted-UI sessions use the OAuth grant when `oauth` is set.
    pub refresh_method: RefreshMethod,
    /// Refresh this many seconds before the tokens expire.
    pub refresh_leeway_secs: i64,
    /// Length of the SRP ephemeral secret, in bytes (at least 32).
    pub srp_ephemeral_bytes: usize,
    /// Compute the next sign-in's SRP ephemeral (`a` and `A = g^a`) ahead of time, when the
    /// platform is idle ([`Scheduler::idle`]): after the client is built and after each
    /// sign-in. On by default; see [`Config::with_srp_precompute`] for why.
    pub srp_precompute: bool,
}

impl Config {
    /// Defaults for `client`.
    #[must_use]
    pub fn new(client: ClientConfig) -> Self {
        Self {
            client,
            oauth: None,
            refresh_method: RefreshMethod::GetTokensFromRefreshToken,
            refresh_leeway_secs: DEFAULT_REFRESH_LEEWAY_SECS,
            srp_ephemeral_bytes: DEFAULT_SRP_EPHEMERAL_BYTES,
            srp_precompute: true,
        }
    }

    /// With the SRP ephemeral computed ahead of time (`true`, the default) or during the
    /// sign-in (`false`).
    ///
    /// Why on by default: `A = g^a` is a third of the client's SRP work and needs nothing the
    /// user types, so computing it while the page is idle takes it off the sign-in's critical
    /// path (the sign-in then does `g^x` and `S`, in three tasks of its own). What it
    /// costs: one exponentiation of idle time (a few milliseconds with the default 32-byte
    /// `a`) whenever a client is built or has just signed in, even if nobody signs in next,
    /// and the secret `a` waiting in memory (never stored) until a sign-in takes it. Each
    /// ephemeral answers one sign-in and is dropped then; a sign-in that finds none ready (not
    /// computed yet, or taken by an overlapping sign-in) computes its own. Turn it off for a
    /// client that is built on every page but rarely signs in.
    #[must_use]
    pub fn with_srp_precompute(mut self, on: bool) -> Self {
        self.srp_precompute = on;
        self
    }

    /// With a hosted UI.
    #[must_use]
    pub fn with_oauth(mut self, oauth: OAuthConfig) -> Self {
        self.oauth = Some(oauth);
        self
    }

    /// With another refresh method.
    #[must_use]
    pub fn with_refresh_method(mut self, method: RefreshMethod) -> Self {
        self.refresh_method = method;
        self
    }
}

/// The platform pieces a [`Client`] runs on.
#[non_exhaustive]
pub struct Platform<T, S, K = MemoryCoordinator> {
    /// Sends HTTP requests.
    pub transport: T,
    /// Where tokens live (`localStorage`, an app's async store, memory).
    pub storage: S,
    /// Where a hosted-UI sign-in keeps its state, PKCE verifier and nonce across the redirect:
    /// `sessionStorage` in a browser (they are used once, then deleted).
    pub transient_storage: Rc<dyn Storage>,
    /// Lock and broadcast shared with other clients of the same storage.
    pub coordinator: K,
    /// The wall clock.
    pub clock: Rc<dyn Clock>,
    /// The CSPRNG.
    pub random: Rc<dyn Random>,
    /// Background work (following another client's sign-in); `None` delivers other clients'
    /// events as they arrive.
    pub tasks: Option<Rc<dyn Tasks>>,
    /// Splits the SRP work into tasks and runs the precomputation when idle ([`Inline`] by
    /// default: no waiting, for native code and tests).
    pub scheduler: Rc<dyn Scheduler>,
}

impl<T, S> Platform<T, S, MemoryCoordinator> {
    /// A platform with an in-memory transient store and a coordinator of its own.
    ///
    /// The clock is an argument because no default fits every target: [`SystemClock`] reads
    /// `std::time`, which panics on `wasm32-unknown-unknown` (the browser adapter passes
    /// `Date.now()`).
    pub fn new(transport: T, storage: S, clock: Rc<dyn Clock>, random: Rc<dyn Random>) -> Self {
        Self {
            transport,
            storage,
            transient_storage: Rc::new(MemoryStorage::new()),
            coordinator: MemoryCoordinator::new(),
            clock,
            random,
            tasks: None,
            scheduler: Rc::new(Inline),
        }
    }
}

impl<T, S, K> Platform<T, S, K> {
    /// The same platform with another coordinator.
    pub fn with_coordinator<K2>(self, coordinator: K2) -> Platform<T, S, K2> {
        Platform {
            transport: self.transport,
            storage: self.storage,
            transient_storage: self.transient_storage,
            coordinator,
            clock: self.clock,
            random: self.random,
            tasks: self.tasks,
            scheduler: self.scheduler,
        }
    }

    /// The same platform with a way to run background work (see [`Tasks`]).
    #[must_use]
    pub fn with_tasks(mut self, tasks: Rc<dyn Tasks>) -> Self {
        self.tasks = Some(tasks);
        self
    }

    /// The same platform with another scheduler (the browser's event loop).
    #[must_use]
    pub fn with_scheduler(mut self, scheduler: Rc<dyn Scheduler>) -> Self {
        self.scheduler = scheduler;
        self
    }

    /// The same platform with another clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Rc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The same platform with another store for the hosted-UI redirect state.
    #[must_use]
    pub fn with_transient_storage(mut self, storage: Rc<dyn Storage>) -> Self {
        self.transient_storage = storage;
        self
    }
}

impl<T, S, K> std::fmt::Debug for Platform<T, S, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Platform").finish_non_exhaustive()
    }
}

struct Inner<T, S, K> {
    config: Config,
    platform: Platform<T, S, K>,
    pending: RefCell<Option<SignIn>>,
    listeners: Rc<Listeners>,
    ephemeral: Rc<EphemeralSlot>,
    heard: RefCell<Heard>,
}

/// What a client knows the shared storage must show, from its own writes and the other
/// clients' announcements: which stored sessions are over, and the newest one announced.
/// Only ever more is learnt (announcements may arrive in any order), and only a bounded number
/// of sessions is remembered.
#[derive(Debug, Default)]
struct Heard {
    /// Sessions replaced by a refresh (`false`) or ended (`true`), newest last.
    over: std::collections::VecDeque<(SessionMark, bool)>,
    /// The session another client announced it stored, until this client's storage shows it.
    announced: Option<SessionMark>,
    /// Sessions this client's storage has shown or it wrote itself, newest last: an
    /// announcement of one of them is old news.
    shown: std::collections::VecDeque<SessionMark>,
    /// The session this client stored last.
    own: Option<SessionMark>,
    /// Whether another client has announced anything: the storage is shared with a live one.
    others: bool,
}

/// What a read of the storage is worth, against what the client heard.
#[derive(Debug, PartialEq, Eq)]
enum Freshness {
    /// Nothing heard says otherwise.
    Current,
    /// A session another client replaced, or not yet the one it announced: the storage lags.
    Behind,
    /// A session another client ended (signed out): it must not be handed out.
    Ended,
}

fn push_bounded<V: PartialEq>(list: &mut std::collections::VecDeque<V>, value: V) {
    if !list.contains(&value) {
        if list.len() == HEARD_CAPACITY {
            list.pop_front();
        }
        list.push_back(value);
    }
}

impl Heard {
    fn is_over(&self, mark: &SessionMark) -> Option<bool> {
        self.over.iter().find(|(m, _)| m == mark).map(|(_, e)| *e)
    }

    /// `mark` is over: replaced (`ended == false`) or ended. An end is never downgraded.
    fn over(&mut self, mark: SessionMark, ended: bool) {
        match self.over.iter_mut().find(|(m, _)| *m == mark) {
            Some(entry) => entry.1 |= ended,
            None => {
                if self.over.len() == HEARD_CAPACITY {
                    self.over.pop_front();
                }
                self.over.push_back((mark.clone(), ended));
            }
        }
        if self.announced.as_ref() == Some(&mark) {
            self.announced = None;
        }
    }

    /// This client wrote `mark` (or `None`: cleared) itself: its storage shows it.
    fn wrote(&mut self, mark: Option<SessionMark>) {
        self.announced = None;
        if let Some(m) = &mark {
            push_bounded(&mut self.shown, m.clone());
        }
        self.own = mark;
    }

    /// Whether `session` is what this client stored last.
    fn wrote_last(&self, session: &Session) -> bool {
        self.own.as_ref() == Some(&SessionMark::of(session))
    }

    /// Another client announced `change`.
    fn heard(&mut self, change: &SessionChange) {
        self.others = true;
        match change {
            SessionChange::SignedOut { ended: Some(m) } => self.over(m.clone(), true),
            SessionChange::TokenRefresh { replaced, current } => {
                if let Some(r) = replaced {
                    self.over(r.clone(), false);
                }
                if let Some(c) = current {
                    if self.is_over(c).is_none() && !self.shown.contains(c) {
                        self.announced = Some(c.clone());
                    }
                }
            }
            _ => {}
        }
    }

    /// What `stored` (a read of the storage) is worth; a read that shows the announced session
    /// settles it.
    fn judge(&mut self, stored: Option<&Session>) -> Freshness {
        let Some(session) = stored else {
            // An empty storage is never a lagging refresh (a refresh rewrites a stored
            // session): someone signed out since.
            self.announced = None;
            return Freshness::Current;
        };
        let mark = SessionMark::of(session);
        match self.is_over(&mark) {
            Some(true) => return Freshness::Ended,
            Some(false) => return Freshness::Behind,
            None => {}
        }
        match &self.announced {
            Some(a) if *a != mark => Freshness::Behind,
            _ => {
                self.announced = None;
                push_bounded(&mut self.shown, mark);
                Freshness::Current
            }
        }
    }

    /// The storage did not catch up in time: take it as it is (the announcing client's write
    /// may have failed), except that an ended session stays ended.
    fn give_up(&mut self, stored: Option<&Session>) {
        self.announced = None;
        if let Some(s) = stored {
            let mark = SessionMark::of(s);
            self.over.retain(|(m, ended)| *ended || *m != mark);
        }
    }
}

/// The SRP ephemeral computed ahead of the next sign-in ([`Config::srp_precompute`]).
#[derive(Default)]
struct EphemeralSlot {
    ready: RefCell<Option<SrpEphemeral>>,
    /// A computation is waiting for the scheduler.
    scheduled: Cell<bool>,
}

/// An Amazon Cognito user-pool client. Cheap to clone (clones share everything); every method
/// takes `&self` and no borrow is held across an `.await`, so calls may overlap.
///
/// See the [crate docs](crate) for an example.
pub struct Client<T, S, K = MemoryCoordinator> {
    inner: Rc<Inner<T, S, K>>,
}

impl<T, S, K> Clone for Client<T, S, K> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<T, S, K> std::fmt::Debug for Client<T, S, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// A boxed future of the client's: what the steps every method shares (one request, the
/// lock, a storage read or write, the session) return.
///
/// Why boxed: an `async fn` awaited inside another is laid out inline in the caller's state
/// machine, with its drop glue and moves, once per caller. Behind one pointer each step
/// exists once, and a caller only keeps the box; in the browser package this is several
/// kilobytes.
pub type BoxedFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + 'a>>;

fn lock_name(client: &ClientConfig) -> String {
    format!("cognito-refresh:{}", client.client_id.as_str())
}

impl<T: Transport, S: AsyncStorage, K: Coordinator> Client<T, S, K> {
    /// A client for `config` on `platform`. It starts listening to the coordinator at once,
    /// so other clients' sign-in and sign-out reach its listeners.
    ///
    /// Another client's sign-in is announced as soon as that client has written the session,
    /// but a shared store may show the write here a moment later (Chromium syncs
    /// `localStorage` between renderer processes asynchronously). So with [`Platform::tasks`],
    /// `signedIn` from another client is emitted only once this client's storage shows the
    /// announced user: it reads again every [`FOLLOW_SIGN_IN_INTERVAL_MS`], at most
    /// [`FOLLOW_SIGN_IN_ATTEMPTS`] times, and emits nothing if the user never shows up (the
    /// sign-in was undone meanwhile, or the storage is not shared after all). A listener can
    /// then read the session at once.
    ///
    /// The same lag could make a client that takes the refresh lock just after another one
    /// released it read the session as it was before that refresh, and spend the refresh
    /// token again: with rotation Cognito refuses it, and the session would end for nothing.
    /// So every refresh and sign-out is announced with fingerprints ([`SessionMark`]) of the
    /// session it replaced or ended and of the one it stored, and each client remembers them:
    /// - under the lock, a client whose storage still shows a replaced session, or not yet
    ///   exactly the announced one (a refresh seen half-written), reads again every
    ///   [`CATCH_UP_INTERVAL_MS`], at most [`CATCH_UP_ATTEMPTS`] times, before it decides to
    ///   refresh (with [`Platform::tasks`]; without, it takes the storage as it is);
    /// - a session another client announced as ended is never handed out, whatever the
    ///   storage still shows;
    /// - as the announcement itself may come late, a refresh refused as session-ended reads
    ///   the storage again for as long: if it now holds another refresh token (another client
    ///   refreshed), that session is used; only a storage still holding the refused token is
    ///   cleared.
    pub fn new(config: Config, platform: Platform<T, S, K>) -> Self
    where
        T: 'static,
        S: 'static,
        K: 'static,
    {
        let inner = Rc::new(Inner {
            config,
            platform,
            pending: RefCell::new(None),
            listeners: Rc::default(),
            ephemeral: Rc::default(),
            heard: RefCell::default(),
        });
        let weak: Weak<Inner<T, S, K>> = Rc::downgrade(&inner);
        inner
            .platform
            .coordinator
            .set_listener(Box::new(move |change| {
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                inner.heard.borrow_mut().heard(&change);
                match change {
                    SessionChange::SignedIn { username } => match inner.platform.tasks.clone() {
                        Some(tasks) => {
                            let client = Client { inner };
                            let timer = tasks.clone();
                            tasks.spawn(Box::pin(async move {
                                client.follow_sign_in(username, &*timer).await;
                            }));
                        }
                        None => inner.listeners.emit(&AuthEvent::SignedIn { username }),
                    },
                    SessionChange::SignedOut { .. } => {
                        inner.listeners.emit(&AuthEvent::SignedOut);
                    }
                    SessionChange::TokenRefresh { .. } => {
                        inner.listeners.emit(&AuthEvent::TokenRefresh);
                    }
                }
            }));
        let client = Self { inner };
        client.prepare_ephemeral();
        client
    }

    /// Emits another client's sign-in of `username` once the storage shows it here.
    async fn follow_sign_in(&self, username: String, tasks: &dyn Tasks) {
        for attempt in 0..FOLLOW_SIGN_IN_ATTEMPTS {
            if attempt > 0 {
                tasks.sleep(FOLLOW_SIGN_IN_INTERVAL_MS).await;
            }
            // An unreadable store counts as "not yet".
            if let Ok(Some(session)) = self.load().await {
                if session.username() == username {
                    self.emit(AuthEvent::SignedIn { username });
                    return;
                }
            }
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Calls `listener` for every [`AuthEvent`], until [`Subscription::unsubscribe`].
    pub fn listen(&self, listener: impl Fn(&AuthEvent<'_>) + 'static) -> Subscription {
        self.inner.listeners.add(Rc::new(listener))
    }

    fn client_config(&self) -> &ClientConfig {
        &self.inner.config.client
    }

    fn now(&self) -> i64 {
        self.inner.platform.clock.now()
    }

    fn emit(&self, event: AuthEvent<'_>) {
        self.inner.listeners.emit(&event);
    }

    fn announce(&self, change: SessionChange, event: AuthEvent<'_>) {
        self.inner.platform.coordinator.publish(&change);
        self.emit(event);
    }

    fn send(&self, req: HttpRequest) -> BoxedFuture<'_, HttpResponse> {
        Box::pin(self.inner.platform.transport.send(req))
    }

    /// One operation: [`wire::call`], with the request sent through [`Client::send`].
    async fn call<O: Operation>(&self, req: &O::Request) -> Result<O::Response, Error> {
        let http = wire::request::<O>(self.client_config(), req)?;
        let resp = self.send(http).await?;
        wire::parse_response::<O>(&resp)
    }

    /// One operation with the signed-in user's access token (refreshed first if due), made
    /// into its request by `make`. The request is built and sent by one shared future
    /// ([`Client::send_with_token`]), whatever the operation.
    async fn call_with_token<O: Operation>(
        &self,
        make: impl FnOnce(AccessToken) -> O::Request,
    ) -> Result<O::Response, Error> {
        let resp = self
            .send_with_token(Box::new(|config, token| {
                wire::request::<O>(config, &make(token))
            }))
            .await?;
        wire::parse_response::<O>(&resp)
    }

    #[allow(clippy::type_complexity)]
    fn send_with_token<'a>(
        &'a self,
        build: Box<dyn FnOnce(&ClientConfig, AccessToken) -> Result<HttpRequest, Error> + 'a>,
    ) -> BoxedFuture<'a, HttpResponse> {
        Box::pin(async move {
            let token = self.access_token().await?;
            let req = build(self.client_config(), token)?;
            self.send(req).await
        })
    }

    fn random(&self, len: usize) -> Result<Vec<u8>, Error> {
        let mut buf = vec![0u8; len];
        self.inner.platform.random.fill(&mut buf)?;
        Ok(buf)
    }

    fn load(&self) -> BoxedFuture<'_, Option<Session>> {
        Box::pin(store::load(
            &self.inner.platform.storage,
            &self.client_config().client_id,
        ))
    }

    fn save<'a>(&'a self, session: &'a Session) -> BoxedFuture<'a, ()> {
        Box::pin(async move {
            let saved = store::save(
                &self.inner.platform.storage,
                &self.client_config().client_id,
                session,
            )
            .await;
            if saved.is_ok() {
                self.inner
                    .heard
                    .borrow_mut()
                    .wrote(Some(SessionMark::of(session)));
            }
            saved
        })
    }

    fn clear(&self) -> BoxedFuture<'_, ()> {
        Box::pin(async move {
            let cleared = store::clear(
                &self.inner.platform.storage,
                &self.client_config().client_id,
            )
            .await;
            self.inner.heard.borrow_mut().wrote(None);
            cleared
        })
    }

    /// The stored session, judged against what this client heard (see [`Client::new`]): a
    /// session another client ended reads as none. With `wait` (under the lock), while the
    /// storage lags behind an announcement it is read again, a bounded number of times, then
    /// taken as it is; without, a lagging read is returned as it is.
    fn load_current(&self, wait: bool) -> BoxedFuture<'_, Option<Session>> {
        Box::pin(self.load_current_unboxed(wait))
    }

    async fn load_current_unboxed(&self, wait: bool) -> Result<Option<Session>, Error> {
        let tasks = self.inner.platform.tasks.clone();
        let mut attempt = 1;
        loop {
            let stored = self.load().await?;
            let freshness = self.inner.heard.borrow_mut().judge(stored.as_ref());
            match freshness {
                Freshness::Current => return Ok(stored),
                Freshness::Ended => return Ok(None),
                Freshness::Behind => {}
            }
            match (&tasks, wait) {
                (Some(tasks), true) if attempt < CATCH_UP_ATTEMPTS => {
                    attempt += 1;
                    tasks.sleep(CATCH_UP_INTERVAL_MS).await;
                }
                _ => {
                    if wait {
                        self.inner.heard.borrow_mut().give_up(stored.as_ref());
                    }
                    return Ok(stored);
                }
            }
        }
    }

    /// Notes that `session` is over here: replaced by a refresh, or `ended`.
    fn over(&self, session: &Session, ended: bool) {
        self.inner
            .heard
            .borrow_mut()
            .over(SessionMark::of(session), ended);
    }

    // -----------------------------------------------------------------------------------------
    // Sign-up.
    // -----------------------------------------------------------------------------------------

    /// `signUp`: registers a user. `CONFIRM_SIGN_UP` follows unless the pool confirms at once.
    ///
    /// # Errors
    /// [`Error::Service`] (`UsernameExistsException`, `InvalidPasswordException`,
    /// `InvalidParameterException`, ...), [`Error::Transport`], [`Error::InvalidArgument`]
    /// for an empty username.
    pub async fn sign_up(&self, input: SignUpInput) -> Result<SignUpOutput, Error> {
        let username = non_empty_username(&input.username)?;
        let mut req = SignUpRequest::new(
            self.client_config(),
            username,
            input.password,
            input.attributes,
        );
        req.client_metadata = input.client_metadata;
        req.validation_data = input.validation_data;
        let resp = self.call::<SignUp>(&req).await?;
        let next_step = if resp.user_confirmed {
            SignUpStep::Done
        } else {
            SignUpStep::ConfirmSignUp {
                code_delivery_details: resp.code_delivery_details,
            }
        };
        Ok(SignUpOutput {
            is_sign_up_complete: resp.user_confirmed,
            user_id: Some(resp.user_sub),
            next_step,
        })
    }

    /// `confirmSignUp`: confirms a registration with the emailed or texted code.
    ///
    /// # Errors
    /// [`Error::Service`] (`CodeMismatchException`, `ExpiredCodeException`, ...),
    /// [`Error::Transport`].
    pub async fn confirm_sign_up(&self, username: &str, code: &str) -> Result<SignUpOutput, Error> {
        let username = non_empty_username(username)?;
        let req = ConfirmSignUpRequest::new(self.client_config(), username, code);
        self.call::<ConfirmSignUp>(&req).await?;
        Ok(SignUpOutput {
            is_sign_up_complete: true,
            user_id: None,
            next_step: SignUpStep::Done,
        })
    }

    /// `resendSignUpCode`.
    ///
    /// # Errors
    /// [`Error::Service`] (`LimitExceededException`, ...), [`Error::Transport`].
    pub async fn resend_sign_up_code(&self, username: &str) -> Result<CodeDeliveryDetails, Error> {
        let req = UsernameRequest::new(self.client_config(), non_empty_username(username)?);
        let resp = self.call::<ResendConfirmationCode>(&req).await?;
        Ok(resp.code_delivery_details.unwrap_or_default())
    }

    // -----------------------------------------------------------------------------------------
    // Sign-in.
    // -----------------------------------------------------------------------------------------

    /// `signIn`: SRP by default. Stops at the first step the user must answer (new password,
    /// MFA code, MFA setup, ...) or at `DONE`, with the tokens stored and `signedIn` emitted.
    ///
    /// # Errors
    /// [`Error::AlreadySignedIn`] when a session is stored; [`Error::Service`]
    /// (`NotAuthorizedException` for a wrong password, ...); [`Error::Transport`];
    /// [`Error::Srp`] for bad SRP values from the server.
    ///
    /// The SRP work never runs as one long task: `A` comes precomputed when
    /// [`Config::srp_precompute`] is on and one is ready (else it is computed here, as a task
    /// of its own between two [`Scheduler::yield_now`]s), and each of the claim's three pieces
    /// (`g^x`, each half of `S`) follows a [`Scheduler::yield_now`]. Each sign-in uses its own
    /// ephemeral; the next one is precomputed when the sign-in ends.
    pub async fn sign_in(&self, input: SignInInput) -> Result<SignInOutput, Error> {
        self.assert_signed_out().await?;
        let len = self.ephemeral_len()?;
        // The storage check and the first request are separate tasks: on a cold page each
        // first call of the code compiles it, which makes the first task of a sign-in long.
        self.inner.platform.scheduler.yield_now().await;
        let ephemeral = if input.options.flow == SignInFlow::UserSrpAuth {
            Some(self.take_ephemeral(len).await?)
        } else {
            None
        };
        let result = match SignIn::start_with_ephemeral(
            self.client_config(),
            Username::new(input.username),
            input.password,
            input.options,
            ephemeral,
        ) {
            Ok((signin, first)) => self.drive(signin, Step::Send(first)).await,
            Err(e) => Err(e),
        };
        self.prepare_ephemeral();
        result
    }

    fn ephemeral_len(&self) -> Result<usize, Error> {
        let len = self.inner.config.srp_ephemeral_bytes;
        if !(32..=MAX_SRP_EPHEMERAL_BYTES).contains(&len) {
            return Err(Error::Config(format!(
                "srp_ephemeral_bytes must be 32..={MAX_SRP_EPHEMERAL_BYTES}, not {len}"
            )));
        }
        Ok(len)
    }

    /// The precomputed ephemeral, taken out (so no other sign-in can use it), or a new one.
    async fn take_ephemeral(&self, len: usize) -> Result<SrpEphemeral, Error> {
        let ready = self.inner.ephemeral.ready.borrow_mut().take();
        if let Some(eph) = ready {
            return Ok(eph);
        }
        let a = self.random(len)?;
        self.inner.platform.scheduler.yield_now().await;
        let ephemeral = SrpEphemeral::new(&a)?;
        // `A` and the request that carries it are separate tasks: on a cold page both run code
        // for the first time (compiled as it is first called), and together they made one task
        // over 50 ms at 4x CPU throttling.
        self.inner.platform.scheduler.yield_now().await;
        Ok(ephemeral)
    }

    /// Asks the scheduler to compute the next sign-in's ephemeral when idle, unless
    /// precomputation is off, one is ready or one is on its way.
    fn prepare_ephemeral(&self) {
        let inner = &self.inner;
        let slot = &inner.ephemeral;
        if !inner.config.srp_precompute || slot.scheduled.get() || slot.ready.borrow().is_some() {
            return;
        }
        let Ok(len) = self.ephemeral_len() else {
            return; // the sign-in reports the bad length
        };
        slot.scheduled.set(true);
        let weak = Rc::downgrade(slot);
        let random = inner.platform.random.clone();
        inner.platform.scheduler.idle(Box::new(move || {
            let Some(slot) = weak.upgrade() else {
                return; // the client is gone
            };
            slot.scheduled.set(false);
            if slot.ready.borrow().is_some() {
                return;
            }
            let mut a = vec![0u8; len];
            // On failure nothing is kept: the next sign-in draws its own and reports the error.
            if random.fill(&mut a).is_ok() {
                if let Ok(eph) = SrpEphemeral::new(&a) {
                    *slot.ready.borrow_mut() = Some(eph);
                }
            }
        }));
    }

    /// Amplify's `assertUserNotAuthenticated`: a usable session (valid, or refreshed now) means
    /// someone is signed in; a dead one is cleared on the way and does not count.
    async fn assert_signed_out(&self) -> Result<(), Error> {
        match self.fetch_auth_session(false).await?.tokens {
            Some(_) => Err(Error::AlreadySignedIn),
            None => Ok(()),
        }
    }

    /// `confirmSignIn`: answers the step `sign_in` stopped at. A wrong code or a rejected new
    /// password leaves the step open, so the user can try again.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when no sign-in is waiting; [`Error::InvalidArgument`] when the
    /// answer does not fit the step; as [`Client::sign_in`].
    pub async fn confirm_sign_in(&self, answer: ChallengeAnswer) -> Result<SignInOutput, Error> {
        let mut signin = self.take_pending()?;
        match signin.confirm(answer) {
            Ok(step) => self.drive(signin, step).await,
            Err(e) => {
                self.keep_pending(signin);
                Err(e)
            }
        }
    }

    /// `confirmSignIn({ challengeResponse })` with plain text, read as the step expects: a
    /// code, a new password (with `attributes`), an MFA type (`SMS`, `TOTP`, `EMAIL`) or an
    /// email address.
    ///
    /// # Errors
    /// As [`Client::confirm_sign_in`].
    pub async fn confirm_sign_in_text(
        &self,
        response: &str,
        attributes: Vec<AttributeType>,
    ) -> Result<SignInOutput, Error> {
        let mut signin = self.take_pending()?;
        match signin.confirm_text(response, attributes) {
            Ok(step) => self.drive(signin, step).await,
            Err(e) => {
                self.keep_pending(signin);
                Err(e)
            }
        }
    }

    /// The step a sign-in is waiting at, if any.
    #[must_use]
    pub fn pending_sign_in_step(&self) -> Option<NextStep> {
        self.inner
            .pending
            .borrow()
            .as_ref()
            .and_then(|s| s.pending_step().cloned())
    }

    fn take_pending(&self) -> Result<SignIn, Error> {
        self.inner.pending.borrow_mut().take().ok_or_else(|| {
            Error::InvalidState(
                "confirmSignIn called with no sign-in waiting for an answer (call signIn first)"
                    .into(),
            )
        })
    }

    fn keep_pending(&self, signin: SignIn) {
        if !signin.is_finished() {
            *self.inner.pending.borrow_mut() = Some(signin);
        }
    }

    /// Sends until the sign-in stops; stores the session at `DONE`.
    async fn drive(&self, mut signin: SignIn, mut step: Step) -> Result<SignInOutput, Error> {
        let next = loop {
            step = match step {
                Step::Send(req) => {
                    let resp = match self.send(req).await {
                        Ok(r) => r,
                        // No answer: a step the user answered stays open, so the same answer
                        // can be sent again (Cognito refuses a session used after all).
                        Err(e) => {
                            if signin.request_failed() {
                                self.keep_pending(signin);
                            }
                            return Err(e);
                        }
                    };
                    match signin.handle(&resp, self.now()) {
                        Ok(s) => s,
                        Err(e) => {
                            self.keep_pending(signin);
                            return Err(e);
                        }
                    }
                }
                Step::Compute => {
                    // One piece of SRP work per task: the page gets a turn before each.
                    self.inner.platform.scheduler.yield_now().await;
                    match signin.compute() {
                        Ok(s) => s,
                        Err(e) => {
                            self.keep_pending(signin);
                            return Err(e);
                        }
                    }
                }
                Step::Next(next) => break next,
            }
        };
        match &next {
            NextStep::Done(result) => {
                let session = signin.session(result.clone(), self.now())?;
                {
                    let _guard = self.lock().await?;
                    self.save(&session).await?;
                }
                let username = session.username().to_owned();
                self.announce(
                    SessionChange::SignedIn {
                        username: username.clone(),
                    },
                    AuthEvent::SignedIn { username },
                );
                Ok(SignInOutput {
                    is_signed_in: true,
                    next_step: next,
                })
            }
            _ => {
                self.keep_pending(signin);
                Ok(SignInOutput {
                    is_signed_in: false,
                    next_step: next,
                })
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Hosted UI.
    // -----------------------------------------------------------------------------------------

    fn oauth(&self) -> Result<&OAuthConfig, Error> {
        self.inner.config.oauth.as_ref().ok_or_else(|| {
            Error::Config("no hosted UI configured (oauth: domain, redirect URIs, scopes)".into())
        })
    }

    /// `signInWithRedirect`: the `/oauth2/authorize` URL to open. Its state, nonce and PKCE
    /// verifier are kept in the transient store until [`Client::handle_redirect`].
    ///
    /// # Errors
    /// [`Error::Config`] without a hosted UI; [`Error::AlreadySignedIn`]; [`Error::Storage`].
    pub async fn sign_in_with_redirect(&self, options: &AuthorizeOptions) -> Result<String, Error> {
        let oauth = self.oauth()?;
        self.assert_signed_out().await?;
        let mut random = [0u8; AUTHORIZE_RANDOM_LEN];
        self.inner.platform.random.fill(&mut random)?;
        let auth = oauth.authorize(&random, options);
        save_pending_authorization(
            &*self.inner.platform.transient_storage,
            &self.client_config().client_id,
            &auth.pending,
        )?;
        Ok(auth.url)
    }

    /// Whether a hosted-UI sign-in is waiting for its redirect back.
    ///
    /// # Errors
    /// [`Error::Storage`].
    pub fn is_redirect_pending(&self) -> Result<bool, Error> {
        cognito_core::storage::is_oauth_in_flight(
            &*self.inner.platform.transient_storage,
            &self.client_config().client_id,
        )
    }

    /// Completes a hosted-UI sign-in from the URL the browser came back to: checks the state
    /// (the pending sign-in is used once, whatever happens), exchanges the code with the PKCE
    /// verifier, checks the nonce, stores the session, emits `signInWithRedirect` and
    /// `signedIn` (or `signInWithRedirect_failure`).
    ///
    /// # Errors
    /// [`Error::InvalidState`] with no sign-in pending (a replayed callback), a wrong state or
    /// nonce; [`Error::OAuth`] for an error in the callback or from `/oauth2/token`;
    /// [`Error::Transport`].
    pub async fn handle_redirect(&self, callback_url: &str) -> Result<RedirectOutput, Error> {
        let oauth = self.oauth()?.clone();
        // Read and removed before anything is checked: a callback is usable once.
        let Some(pending) = take_pending_authorization(
            &*self.inner.platform.transient_storage,
            &self.client_config().client_id,
        )?
        else {
            // Not a redirect sign-in of ours (a replay, another browser's link): no event, as
            // an app may call this on every page load.
            return Err(Error::InvalidState(
                "no hosted-UI sign-in is pending (the callback was already used, or came from \
                 another browser)"
                    .into(),
            ));
        };
        let result = self.complete_redirect(&oauth, pending, callback_url).await;
        match &result {
            Ok(out) => {
                if let Some(state) = &out.custom_state {
                    self.emit(AuthEvent::CustomOAuthState { state });
                }
                self.emit(AuthEvent::SignInWithRedirect);
                self.announce(
                    SessionChange::SignedIn {
                        username: out.username.clone(),
                    },
                    AuthEvent::SignedIn {
                        username: out.username.clone(),
                    },
                );
            }
            Err(e) => self.emit(AuthEvent::SignInWithRedirectFailure { error: e }),
        }
        result
    }

    async fn complete_redirect(
        &self,
        oauth: &OAuthConfig,
        pending: cognito_core::oauth::PendingAuthorization,
        callback_url: &str,
    ) -> Result<RedirectOutput, Error> {
        let exchange = pending.complete(oauth, callback_url)?;
        let custom_state = exchange.custom_state.clone();
        let resp = self.send(exchange.request.clone()).await?;
        let tokens = exchange.finish(&resp)?;
        let session = Session::from_hosted_ui(tokens, self.now())?;
        session.check_client(&self.client_config().client_id)?;
        {
            let _guard = self.lock().await?;
            self.save(&session).await?;
        }
        Ok(RedirectOutput {
            username: session.username().to_owned(),
            custom_state,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Session.
    // -----------------------------------------------------------------------------------------

    /// `fetchAuthSession`: the current tokens, refreshed first when they expire within the
    /// leeway (or always, with `force_refresh`). Nobody signed in is not an error: the result
    /// has no tokens.
    ///
    /// One refresh at a time between all clients of the same storage (the coordinator's
    /// lock, which every write of the session takes): a call that waited for another's refresh
    /// uses its result instead of sending its own, so overlapping calls share one request and
    /// a rotated refresh token is never sent twice. A forced call takes only tokens issued
    /// after it began.
    ///
    /// When Cognito says the refresh token is dead, the session is cleared, `tokenRefresh_failure`
    /// and `signedOut` are emitted, and the result has no tokens (as Amplify v6 resolves). A
    /// session that expired without a refresh token is cleared the same way.
    ///
    /// # Errors
    /// [`Error::Transport`] (and other transient errors) when a needed refresh could not reach
    /// Cognito: the stored session is kept and `tokenRefresh_failure` is emitted. While the
    /// tokens are still valid (a refresh inside the leeway), an unforced call returns them
    /// instead of the error. [`Error::Storage`].
    pub fn fetch_auth_session(&self, force_refresh: bool) -> BoxedFuture<'_, AuthSession> {
        Box::pin(self.fetch_auth_session_unboxed(force_refresh))
    }

    async fn fetch_auth_session_unboxed(&self, force_refresh: bool) -> Result<AuthSession, Error> {
        let started = self.now();
        let Some(seen) = self.load_current(false).await? else {
            return Ok(AuthSession::signed_out());
        };
        let leeway = self.inner.config.refresh_leeway_secs;
        if !force_refresh && !seen.refresh_due(started, leeway) {
            return Ok(AuthSession::of(seen));
        }
        let guard = self.lock().await?;
        // Read again under the lock: another call or tab may have refreshed or signed out
        // while this one waited (and the storage may show it late: see `Client::new`).
        let Some(mut current) = self.load_current(true).await? else {
            return Ok(AuthSession::signed_out());
        };
        let mut settles = 0;
        loop {
            // Any change, the clock drift included (the same tokens with another drift).
            if SessionMark::of(&current) != SessionMark::of(&seen) {
                let usable = if force_refresh {
                    // Issued (in local time) no earlier than this call began.
                    current
                        .access_claims()
                        .iat
                        .is_some_and(|iat| iat.saturating_add(current.clock_drift()) >= started)
                } else {
                    current.is_valid(self.now())
                };
                if usable {
                    return Ok(AuthSession::of(current));
                }
            }
            // About to refresh a session another client stored, whose announcement may not
            // have come yet: its write may still be arriving here key by key (the new tokens
            // before their `clockDrift`). Read again after a moment: once when alone, for the
            // whole `SETTLE_READS` while another client is live.
            let own = self.inner.heard.borrow().wrote_last(&current);
            let tasks = self.inner.platform.tasks.clone();
            let Some(tasks) = tasks.filter(|_| !own && settles < SETTLE_READS) else {
                break;
            };
            settles += 1;
            tasks.sleep(CATCH_UP_INTERVAL_MS).await;
            let Some(again) = self.load_current(true).await? else {
                return Ok(AuthSession::signed_out());
            };
            let unchanged = SessionMark::of(&again) == SessionMark::of(&current);
            if unchanged && !self.inner.heard.borrow().others {
                break;
            }
            current = again;
        }
        let now = self.now();
        if !current.can_refresh() {
            if current.is_valid(now) {
                return Ok(AuthSession::of(current));
            }
            self.clear().await?;
            self.over(&current, true);
            self.inner
                .platform
                .coordinator
                .publish(&SessionChange::SignedOut {
                    ended: Some(SessionMark::of(&current)),
                });
            drop(guard);
            self.emit(AuthEvent::SignedOut);
            return Ok(AuthSession::signed_out());
        }
        let result = self.refresh_locked(&current).await;
        // Told to the other clients before the lock goes: the next holder may be one of them,
        // and must know what its storage has to show (see `Client::new`).
        let change = match &result {
            Ok(Refreshed::New { session, stored }) => Some(SessionChange::TokenRefresh {
                replaced: Some(SessionMark::of(&current)),
                current: stored.then(|| SessionMark::of(session)),
            }),
            Err(e) if e.is_session_ended() => Some(SessionChange::SignedOut {
                ended: Some(SessionMark::of(&current)),
            }),
            Ok(Refreshed::Adopted(_)) | Err(_) => None,
        };
        if let Some(change) = &change {
            self.inner.platform.coordinator.publish(change);
        }
        drop(guard);
        match result {
            Ok(Refreshed::New { session, .. }) => {
                self.emit(AuthEvent::TokenRefresh);
                Ok(AuthSession::of(session))
            }
            // Another client refreshed first (its tokenRefresh reaches the listeners here).
            Ok(Refreshed::Adopted(session)) => Ok(AuthSession::of(session)),
            Err(e) => {
                self.emit(AuthEvent::TokenRefreshFailure { error: &e });
                if e.is_session_ended() {
                    self.emit(AuthEvent::SignedOut);
                    Ok(AuthSession::signed_out())
                } else if !force_refresh && current.is_valid(self.now()) {
                    Ok(AuthSession::of(current))
                } else {
                    Err(e)
                }
            }
        }
    }

    /// Takes the lock that every write of the session holds.
    fn lock(&self) -> BoxedFuture<'_, K::Guard> {
        Box::pin(async move {
            let name = lock_name(self.client_config());
            self.inner.platform.coordinator.lock(&name).await
        })
    }

    /// Refreshes `session` and stores the outcome; the caller holds the lock. A refresh token
    /// refused as dead clears the session, unless the storage shows meanwhile that another
    /// client refreshed it (see [`Client::new`]): only a storage still holding the refused
    /// token is cleared.
    async fn refresh_locked(&self, session: &Session) -> Result<Refreshed, Error> {
        let config = &self.inner.config;
        let method = RefreshMethod::for_session(
            session,
            config.refresh_method.clone(),
            config.oauth.as_ref(),
        );
        let req = refresh::build_request(session, &config.client, &method)?;
        let outcome = match self.send(req).await {
            Ok(resp) => refresh::apply_response(session, &method, &resp, self.now()),
            Err(e) => Err(e),
        };
        match outcome {
            Ok(new) => {
                self.over(session, false);
                let stored = match self.save(&new).await {
                    Ok(()) => true,
                    Err(e) => {
                        // The new tokens are good but could not be kept: use them now, and
                        // say so. (With rotation the stored refresh token is spent; the next
                        // refresh ends the session.)
                        self.emit(AuthEvent::TokenRefreshFailure { error: &e });
                        false
                    }
                };
                Ok(Refreshed::New {
                    session: new,
                    stored,
                })
            }
            Err(e) => {
                if !e.is_session_ended() {
                    return Err(e);
                }
                if let Some(other) = self.refreshed_elsewhere(session).await {
                    self.over(session, false);
                    return Ok(Refreshed::Adopted(other));
                }
                // A storage failure here does not hide the refresh error.
                let _ = self.clear().await;
                self.over(session, true);
                Err(e)
            }
        }
    }

    /// After `refused`'s refresh token was refused: the session another client stored in its
    /// place, if the storage shows one within the bound (read at once, then with
    /// [`Platform::tasks`] every [`CATCH_UP_INTERVAL_MS`], at most [`CATCH_UP_ATTEMPTS`]
    /// times). `None` when it still holds the refused token, or nothing (another client
    /// cleared it).
    async fn refreshed_elsewhere(&self, refused: &Session) -> Option<Session> {
        let token = |s: &Session| s.refresh_token().map(|t| t.secret().to_owned());
        let refused_token = token(refused);
        let tasks = self.inner.platform.tasks.clone();
        for attempt in 0..CATCH_UP_ATTEMPTS {
            if attempt > 0 {
                tasks.as_ref()?.sleep(CATCH_UP_INTERVAL_MS).await;
            }
            // An unreadable store counts as "not yet".
            match self.load().await {
                Ok(Some(stored)) if token(&stored) != refused_token => return Some(stored),
                Ok(None) => return None,
                Ok(Some(_)) | Err(_) => {}
            }
        }
        None
    }

    /// A valid access token, refreshing first if due.
    async fn access_token(&self) -> Result<AccessToken, Error> {
        self.signed_in_session()
            .await
            .map(|s| s.access_token().clone())
    }

    /// The current session (refreshed first if due), or [`Error::NoSession`].
    fn signed_in_session(&self) -> BoxedFuture<'_, Session> {
        Box::pin(async move {
            self.fetch_auth_session(false)
                .await?
                .tokens
                .ok_or_else(|| Error::NoSession("nobody is signed in".into()))
        })
    }

    /// `GetUser` for the signed-in user.
    async fn get_user(&self) -> Result<cognito_core::ops::GetUserResponse, Error> {
        self.call_with_token::<GetUser>(|access_token| AccessTokenRequest { access_token })
            .await
    }

    /// `getCurrentUser`: who is signed in, from the tokens (refreshed first if due, so a dead
    /// session does not report a user).
    ///
    /// # Errors
    /// [`Error::NoSession`] when nobody is; as [`Client::fetch_auth_session`].
    pub async fn get_current_user(&self) -> Result<AuthUser, Error> {
        let session = self.fetch_auth_session(false).await?;
        let user_id = session.user_sub.clone();
        let session = session
            .tokens
            .ok_or_else(|| Error::NoSession("nobody is signed in".into()))?;
        Ok(AuthUser {
            username: session.username().to_owned(),
            user_id: user_id.ok_or_else(|| Error::parse("session tokens", "no sub claim", ""))?,
        })
    }

    /// `signOut`: revokes the refresh token (`RevokeToken`), or with `global` every token of
    /// the user (`GlobalSignOut`, after refreshing an expired access token; `RevokeToken` if it
    /// fails); then clears the stored session and any pending hosted-UI sign-in whatever the
    /// server said, and emits `signedOut` here and in the other clients. For a hosted-UI
    /// session the result carries the `/logout` URL to navigate to.
    ///
    /// # Errors
    /// With `global`, the `GlobalSignOut` error, after the local sign-out: unlike Amplify v6,
    /// which swallows it, the caller learns that other devices may still be signed in. A failed
    /// `RevokeToken` is not reported (as in Amplify). [`Error::Storage`].
    pub async fn sign_out(&self, options: SignOutOptions) -> Result<SignOutOutput, Error> {
        self.inner.pending.borrow_mut().take();
        if options.global {
            // GlobalSignOut needs a live access token; a failure here is not fatal.
            let _ = self.fetch_auth_session(false).await;
        }
        let guard = self.lock().await?;
        let session = self.load_current(true).await?;
        let ended = session.as_ref().map(SessionMark::of);
        let mut server_error = None;
        let mut logout_url = None;
        if let Some(session) = &session {
            let plan = SignOut::new(
                session,
                self.client_config(),
                self.inner.config.oauth.as_ref(),
                options,
            )?;
            for req in plan.requests() {
                let result = match self.send(req.clone()).await {
                    Ok(resp) => SignOut::parse_response(&resp),
                    Err(e) => Err(e),
                };
                if let (Err(e), true) = (result, options.global) {
                    server_error = Some(e);
                }
            }
            if server_error.is_some() {
                // At least end this device's refresh token.
                let local = SignOut::new(
                    session,
                    self.client_config(),
                    None,
                    SignOutOptions::global(false),
                )?;
                for req in local.requests() {
                    let _ = self.send(req.clone()).await;
                }
            }
            logout_url = plan.logout_url().map(str::to_owned);
        }
        let cleared = self.clear().await;
        // A half-finished hosted-UI sign-in goes too.
        let _ = take_pending_authorization(
            &*self.inner.platform.transient_storage,
            &self.client_config().client_id,
        );
        if let Some(session) = &session {
            self.over(session, true);
        }
        if cleared.is_ok() {
            // Before the lock goes, as a refresh's (see `fetch_auth_session`).
            self.inner
                .platform
                .coordinator
                .publish(&SessionChange::SignedOut { ended });
        }
        drop(guard);
        cleared?;
        self.emit(AuthEvent::SignedOut);
        match server_error {
            Some(e) => Err(e),
            None => Ok(SignOutOutput { logout_url }),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Passwords.
    // -----------------------------------------------------------------------------------------

    /// `resetPassword`: sends a reset code.
    ///
    /// # Errors
    /// [`Error::Service`] (`UserNotFoundException`, `LimitExceededException`, ...),
    /// [`Error::Transport`].
    pub async fn reset_password(&self, username: &str) -> Result<ResetPasswordOutput, Error> {
        let req = UsernameRequest::new(self.client_config(), non_empty_username(username)?);
        let resp = self.call::<ForgotPassword>(&req).await?;
        Ok(ResetPasswordOutput {
            is_password_reset: false,
            next_step: ResetPasswordStep::ConfirmResetPasswordWithCode {
                code_delivery_details: resp.code_delivery_details,
            },
        })
    }

    /// `confirmResetPassword`: sets the new password with the code.
    ///
    /// # Errors
    /// [`Error::Service`] (`CodeMismatchException`, `InvalidPasswordException`, ...),
    /// [`Error::Transport`].
    pub async fn confirm_reset_password(
        &self,
        username: &str,
        code: &str,
        new_password: Password,
    ) -> Result<(), Error> {
        let req = ConfirmForgotPasswordRequest::new(
            self.client_config(),
            non_empty_username(username)?,
            code,
            new_password,
        );
        self.call::<ConfirmForgotPassword>(&req).await.map(drop)
    }

    /// `updatePassword`: changes the signed-in user's password.
    ///
    /// # Errors
    /// [`Error::NoSession`]; [`Error::Service`] (`NotAuthorizedException` for a wrong old
    /// password, `InvalidPasswordException`, ...); [`Error::Transport`].
    pub async fn update_password(&self, old: Password, new: Password) -> Result<(), Error> {
        self.call_with_token::<ChangePassword>(|access_token| ChangePasswordRequest {
            previous_password: Some(old),
            proposed_password: new,
            access_token,
        })
        .await
        .map(drop)
    }

    // -----------------------------------------------------------------------------------------
    // Attributes.
    // -----------------------------------------------------------------------------------------

    /// `fetchUserAttributes`.
    ///
    /// # Errors
    /// [`Error::NoSession`]; [`Error::Service`]; [`Error::Transport`].
    pub async fn fetch_user_attributes(&self) -> Result<UserAttributes, Error> {
        let user = self.get_user().await?;
        // `insert`, not `collect`: `BTreeMap::from_iter` sorts with a stable sort that would
        // cost the browser package about 2 KB; a repeated name keeps its last value either way.
        let mut out = UserAttributes::new();
        for a in user.user_attributes {
            if let Some(v) = a.value {
                out.insert(a.name, v);
            }
        }
        Ok(out)
    }

    /// `updateUserAttributes`: per attribute, `DONE` or `CONFIRM_ATTRIBUTE_WITH_CODE` when a
    /// verification code was sent for the new value.
    ///
    /// # Errors
    /// [`Error::NoSession`]; [`Error::Service`]; [`Error::Transport`].
    pub async fn update_user_attributes(
        &self,
        attributes: Vec<AttributeType>,
    ) -> Result<Map<UpdateUserAttributeOutput>, Error> {
        let names: Vec<String> = attributes.iter().map(|a| a.name.clone()).collect();
        let resp = self
            .call_with_token::<UpdateUserAttributes>(|access_token| UpdateUserAttributesRequest {
                user_attributes: attributes,
                access_token,
                client_metadata: None,
            })
            .await?;
        let deliveries = resp.code_delivery_details_list.unwrap_or_default();
        // `insert`, not `collect` (no stable sort in the browser package; see
        // `fetch_user_attributes`).
        let mut outputs = Map::new();
        for name in names {
            let delivery = deliveries
                .iter()
                .find(|d| d.attribute_name.as_deref() == Some(name.as_str()));
            let out = match delivery {
                Some(d) => UpdateUserAttributeOutput {
                    is_updated: false,
                    next_step: UpdateAttributeStep::ConfirmAttributeWithCode {
                        code_delivery_details: d.clone(),
                    },
                },
                None => UpdateUserAttributeOutput {
                    is_updated: true,
                    next_step: UpdateAttributeStep::Done,
                },
            };
            outputs.insert(name, out);
        }
        Ok(outputs)
    }

    /// `sendUserAttributeVerificationCode`.
    ///
    /// # Errors
    /// [`Error::NoSession`]; [`Error::Service`]; [`Error::Transport`].
    pub async fn send_user_attribute_verification_code(
        &self,
        attribute_name: &str,
    ) -> Result<CodeDeliveryDetails, Error> {
        let resp = self
            .call_with_token::<GetUserAttributeVerificationCode>(|access_token| {
                GetUserAttributeVerificationCodeRequest {
                    access_token,
                    attribute_name: attribute_name.to_owned(),
                    client_metadata: None,
                }
            })
            .await?;
        Ok(resp.code_delivery_details.unwrap_or_default())
    }

    /// `confirmUserAttribute`: verifies an attribute with its code.
    ///
    /// # Errors
    /// [`Error::NoSession`]; [`Error::Service`] (`CodeMismatchException`, ...);
    /// [`Error::Transport`].
    pub async fn confirm_user_attribute(
        &self,
        attribute_name: &str,
        code: &str,
    ) -> Result<(), Error> {
        self.call_with_token::<VerifyUserAttribute>(|access_token| VerifyUserAttributeRequest {
            access_token,
            attribute_name: attribute_name.to_owned(),
            code: OneTimeCode::new(code),
        })
        .await
        .map(drop)
    }

    /// `deleteUserAttributes`.
    ///
    /// # Errors
    /// [`Error::NoSession`]; [`Error::Service`]; [`Error::Transport`].
    pub async fn delete_user_attributes(&self, names: Vec<String>) -> Result<(), Error> {
        self.call_with_token::<DeleteUserAttributes>(|access_token| DeleteUserAttributesRequest {
            user_attribute_names: names,
            access_token,
        })
        .await
        .map(drop)
    }

    // -----------------------------------------------------------------------------------------
    // MFA.
    // -----------------------------------------------------------------------------------------

    /// `setUpTOTP`: a new TOTP secret for the signed-in user, to show as a QR code
    /// ([`TotpSetupDetails::setup_uri`]); [`Client::verify_totp_setup`] finishes.
    ///
    /// # Errors
    /// [`Error::NoSession`]; [`Error::Service`]; [`Error::Transport`].
    pub async fn set_up_totp(&self) -> Result<TotpSetupDetails, Error> {
        let session = self.signed_in_session().await?;
        let resp = self
            .call::<AssociateSoftwareToken>(&AssociateSoftwareTokenRequest {
                access_token: Some(session.access_token().clone()),
                session: None,
            })
            .await?;
        Ok(TotpSetupDetails {
            shared_secret: resp.secret_code,
            username: session.username().to_owned(),
        })
    }

    /// `verifyTOTPSetup`: the first code from the authenticator app.
    ///
    /// # Errors
    /// [`Error::NoSession`]; [`Error::Service`] (`CodeMismatchException`, ...);
    /// [`Error::Transport`].
    pub async fn verify_totp_setup(
        &self,
        code: &str,
        friendly_device_name: Option<String>,
    ) -> Result<(), Error> {
        let resp = self
            .call_with_token::<VerifySoftwareToken>(|access_token| VerifySoftwareTokenRequest {
                access_token: Some(access_token),
                session: None,
                user_code: OneTimeCode::new(code),
                friendly_device_name,
            })
            .await?;
        if resp.status == Some(VerifySoftwareTokenStatus::Error) {
            return Err(Error::Service {
                code: CognitoErrorCode::CodeMismatchException,
                message: "the code does not match the TOTP secret".into(),
                status: 200,
            });
        }
        Ok(())
    }

    /// `updateMFAPreference`.
    ///
    /// # Errors
    /// [`Error::NoSession`]; [`Error::Service`]; [`Error::Transport`].
    pub async fn update_mfa_preference(
        &self,
        input: UpdateMfaPreferenceInput,
    ) -> Result<(), Error> {
        let settings = |p: Option<MfaPreference>| {
            p.map(|p| match p {
                MfaPreference::Enabled => MfaSettings {
                    enabled: Some(true),
                    preferred_mfa: None,
                },
                MfaPreference::Disabled => MfaSettings {
                    enabled: Some(false),
                    preferred_mfa: None,
                },
                MfaPreference::Preferred => MfaSettings {
                    enabled: Some(true),
                    preferred_mfa: Some(true),
                },
                MfaPreference::NotPreferred => MfaSettings {
                    enabled: Some(true),
                    preferred_mfa: Some(false),
                },
            })
        };
        self.call_with_token::<SetUserMFAPreference>(|access_token| SetUserMfaPreferenceRequest {
            sms_mfa_settings: settings(input.sms),
            software_token_mfa_settings: settings(input.totp),
            email_mfa_settings: settings(input.email),
            access_token,
        })
        .await
        .map(drop)
    }

    /// `fetchMFAPreference`.
    ///
    /// # Errors
    /// [`Error::NoSession`]; [`Error::Service`]; [`Error::Transport`].
    pub async fn fetch_mfa_preference(&self) -> Result<MfaPreferenceOutput, Error> {
        let user = self.get_user().await?;
        Ok(MfaPreferenceOutput {
            enabled: user
                .user_mfa_setting_list
                .unwrap_or_default()
                .iter()
                .filter_map(|m| MfaType::parse(m))
                .collect(),
            preferred: user
                .preferred_mfa_setting
                .as_deref()
                .and_then(MfaType::parse),
        })
    }

    // -----------------------------------------------------------------------------------------
    // Account.
    // -----------------------------------------------------------------------------------------

    /// `deleteUser`: deletes the signed-in user, then signs out here and in the other clients.
    /// For a hosted-UI session the result carries the `/logout` URL, as `signOut`'s does.
    ///
    /// # Errors
    /// [`Error::NoSession`]; [`Error::Service`]; [`Error::Transport`] (nothing is cleared
    /// then: the user still exists).
    pub async fn delete_user(&self) -> Result<SignOutOutput, Error> {
        let session = self.signed_in_session().await?;
        self.call::<DeleteUser>(&AccessTokenRequest {
            access_token: session.access_token().clone(),
        })
        .await?;
        let logout_url = SignOut::new(
            &session,
            self.client_config(),
            self.inner.config.oauth.as_ref(),
            SignOutOptions::default(),
        )?
        .logout_url()
        .map(str::to_owned);
        {
            let _guard = self.lock().await?;
            self.clear().await?;
            self.over(&session, true);
            self.inner
                .platform
                .coordinator
                .publish(&SessionChange::SignedOut {
                    ended: Some(SessionMark::of(&session)),
                });
        }
        self.emit(AuthEvent::SignedOut);
        Ok(SignOutOutput { logout_url })
    }
}

/// What [`Client::refresh_locked`] ended with.
enum Refreshed {
    /// New tokens from Cognito, and whether they were stored.
    New { session: Session, stored: bool },
    /// The session another client stored after refreshing the same one.
    Adopted(Session),
}

fn non_empty_username(username: &str) -> Result<Username, Error> {
    if username.is_empty() {
        return Err(Error::InvalidArgument("username is empty".into()));
    }
    Ok(Username::new(username))
}
