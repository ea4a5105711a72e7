//! An async Amazon Cognito user-pool client: `cognito-core`'s protocol pieces put together,
//! once, for every platform.
//!
//! `cognito-core` knows the protocol as values (requests, responses, the sign-in state
//! machine, the storage layout, which refresh failures end a session) and does no I/O. This
//! crate is the layer above it, in the way `quinn` sits over `quinn-proto`: it drives the
//! sign-in loop, stores sessions, refreshes them once between every client that shares a
//! storage, signs out, and emits Amplify v6's auth events. It has no runtime and no `Send`
//! bounds; the platform comes in through small traits ([`Transport`] from core, [`AsyncStorage`],
//! [`Clock`], [`Random`], [`Scheduler`], [`Coordinator`]), so the same code runs in native tests against
//! `cognito-local` and in the browser behind `fetch`, Web Storage, Web Locks and
//! `BroadcastChannel`.
//!
//! Method names and result shapes follow Amplify v6 (`sign_in` → `signIn`,
//! `{ is_signed_in, next_step }`, ...), so the browser module can map them one to one.
//!
//! ```no_run
//! use std::rc::Rc;
//! use cognito_client::{Client, Config, Platform, SignInInput, SystemClock, Transport, Random};
//! use cognito_core::{storage::MemoryStorage, signin::NextStep, types::*, wire::*, Error};
//!
//! # struct Fetch; impl Transport for Fetch {
//! #   async fn send(&self, _: HttpRequest) -> Result<HttpResponse, Error> { unimplemented!() } }
//! # struct Os; impl Random for Os { fn fill(&self, _: &mut [u8]) -> Result<(), Error> { Ok(()) } }
//! # async fn run() -> Result<(), Error> {
//! let config = Config::new(ClientConfig::new(
//!     UserPoolId::parse("eu-west-1_Abc123")?,
//!     ClientId::new("app-client-id"),
//! ));
//! let platform = Platform::new(Fetch, MemoryStorage::new(), Rc::new(SystemClock), Rc::new(Os));
//! let client = Client::new(config, platform);
//! let _events = client.listen(|e| println!("auth event: {}", e.name()));
//! let out = client
//!     .sign_in(SignInInput::new("alice", Password::new("correct horse")))
//!     .await?;
//! if let NextStep::ConfirmSignInWithTotpCode = out.next_step {
//!     client.confirm_sign_in_text("123456", vec![]).await?;
//! }
//! let session = client.fetch_auth_session(false).await?; // refreshed when due
//! # Ok(()) }
//! ```
//!
//! The rules that are easy to get wrong live here, once:
//! - **One refresh between tabs.** [`Client::fetch_auth_session`] refreshes under the
//!   coordinator's lock and reads the storage again once it holds it: whoever waited uses the
//!   tokens the other stored, so overlapping calls and tabs send one request, and with
//!   refresh-token rotation nobody sends a spent token.
//! - **A session is never lost by accident.** A network error, a timeout, a 5xx or an
//!   unreadable answer during refresh keeps the stored tokens and returns the error; only a
//!   dead refresh token ([`cognito_core::Error::is_session_ended`]) clears them.
//! - **Secrets stay out of errors.** Passwords, codes, tokens, challenge sessions and PKCE
//!   verifiers are newtypes that print `[redacted]`; core's errors keep no secret-bearing raw
//!   text.
#![forbid(unsafe_code)]

mod client;
mod events;
pub mod lease;
mod outputs;
mod platform;
mod store;

pub use client::{
    BoxedFuture, Client, Config, Platform, CATCH_UP_ATTEMPTS, CATCH_UP_INTERVAL_MS,
    DEFAULT_SRP_EPHEMERAL_BYTES, FOLLOW_SIGN_IN_ATTEMPTS, FOLLOW_SIGN_IN_INTERVAL_MS,
    MAX_SRP_EPHEMERAL_BYTES,
};
pub use events::{AuthEvent, Subscription};
pub use outputs::{
    AuthSession, AuthUser, MfaPreference, MfaPreferenceOutput, RedirectOutput, ResetPasswordOutput,
    ResetPasswordStep, SignInInput, SignInOutput, SignOutOutput, SignUpInput, SignUpOutput,
    SignUpStep, UpdateAttributeStep, UpdateMfaPreferenceInput, UpdateUserAttributeOutput,
    UserAttributes,
};
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use platform::SystemClock;
pub use platform::{
    AsyncStorage, Clock, Coordinator, Inline, LocalTask, ManualClock, MemoryCoordinator,
    MemoryGuard, Random, Scheduler, SessionChange, SessionMark, Tasks,
};

/// The one piece of HTTP I/O: core's trait, implemented by the browser's `fetch` adapter and by
/// the tests' in-process server.
pub use cognito_core::wire::Transport;

pub use cognito_core;
pub use cognito_core::Error;
