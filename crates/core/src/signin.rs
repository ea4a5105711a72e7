//! Sign-in as a state machine the caller drives.
//!
//! Cognito's sign-in is a chain of `InitiateAuth` / `RespondToAuthChallenge` calls (plus
//! `AssociateSoftwareToken` / `VerifySoftwareToken` while setting up TOTP), each returning a new
//! opaque `Session`. [`SignIn`] holds what the chain needs between calls and never does I/O: it
//! hands out [`HttpRequest`]s, takes back [`HttpResponse`]s with the current time, and stops at
//! the points where the user must act, named like Amplify v6's `nextStep.signInStep` so that apps
//! switching from Amplify find the same steps.
//!
//! ```no_run
//! # use cognito_core::{signin::*, wire::*, types::*, Error};
//! # fn send(_: HttpRequest) -> HttpResponse { unimplemented!() }
//! # fn now() -> i64 { 0 } fn random_128_bytes() -> Vec<u8> { vec![7; 128] }
//! # fn ask_user(_: &NextStep) -> ChallengeAnswer { unimplemented!() }
//! # fn run(config: &ClientConfig) -> Result<(), Error> {
//! # let storage = cognito_core::storage::MemoryStorage::new();
//! let (mut signin, first) = SignIn::start(
//!     config, Username::new("alice"), Password::new("pw"),
//!     SignInOptions::default(), &random_128_bytes())?;
//! let mut step = signin.handle(&send(first), now())?;
//! loop {
//!     step = match step {
//!         Step::Send(req) => signin.handle(&send(req), now())?,
//!         // A browser yields to its event loop here: each call is one modexp, its own task.
//!         Step::Compute => signin.compute()?,
//!         Step::Next(NextStep::Done(tokens)) => {
//!             let session = signin.session(tokens, now())?;
//!             cognito_core::storage::save_session(&storage, &config.client_id, &session)?;
//!             break;
//!         }
//!         Step::Next(next) if next.is_terminal() => break, // CONFIRM_SIGN_UP, RESET_PASSWORD
//!         Step::Next(next) => signin.confirm(ask_user(&next))?,
//!     };
//! }
//! # Ok(()) }
//! ```
//!
//! Details that matter (and that clients get wrong):
//! - `PASSWORD_VERIFIER` uses `USER_ID_FOR_SRP`, Cognito's internal username, not the alias
//!   the user typed, in `x`, in the signature and as `USERNAME`.
//! - `Session` is echoed only when the previous response had one.
//! - Tokens belong to [`SignIn::username`]: `ChallengeParameters.USERNAME`, else
//!   `USER_ID_FOR_SRP`, else the typed name. [`SignIn::session`] turns `DONE`'s tokens into
//!   the [`Session`] to store.
//! - `SECRET_HASH` in challenge answers hashes that internal username.
//! - The password is dropped as soon as `x` is computed, the SRP ephemeral as soon as the
//!   password claim is; an ephemeral answers one sign-in only.
//! - The `PASSWORD_VERIFIER` answer is computed in three [`Step::Compute`] pieces (`g^x`, then
//!   `S` in two halves), so a browser driver can yield between them (no long task), and `A`
//!   can be computed before the sign-in starts ([`SrpEphemeral`],
//!   [`SignIn::start_with_ephemeral`]).

use std::fmt;

use crate::error::{CognitoErrorCode, Error};
use crate::json::{self, Fields, FromJson, JsonError, ObjectWriter, ToJson, Value};
use crate::map::Map;
use crate::ops::{
    AssociateSoftwareToken, AssociateSoftwareTokenRequest, AttributeType, AuthFlow,
    AuthenticationResult, ChallengeName, CodeDeliveryDetails, DeliveryMedium, InitiateAuth,
    InitiateAuthRequest, InitiateAuthResponse, ParamMap, RespondToAuthChallenge,
    RespondToAuthChallengeRequest, VerifySoftwareToken, VerifySoftwareTokenRequest,
    VerifySoftwareTokenStatus,
};
use crate::session::Session;
use crate::types::{ChallengeSession, OneTimeCode, Password, TotpSecret, Username};
use crate::wire::{parse_response, request, ClientConfig, HttpRequest, HttpResponse};

/// The first factor, as Amplify's `authFlowType`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignInFlow {
    /// `USER_SRP_AUTH`: the password never leaves the client (the default, as in Amplify).
    #[default]
    UserSrpAuth,
    /// `USER_PASSWORD_AUTH`: the password is sent to Cognito over TLS (needed for user
    /// migration Lambdas).
    UserPasswordAuth,
}

/// Options of [`SignIn::start`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignInOptions {
    /// The first factor.
    pub flow: SignInFlow,
    /// `ClientMetadata` for Lambda triggers, sent with every step.
    pub client_metadata: Option<ParamMap>,
    /// `FriendlyDeviceName` sent when verifying a TOTP set up during sign-in.
    pub friendly_device_name: Option<String>,
}

impl SignInOptions {
    /// Options with this flow.
    #[must_use]
    pub fn with_flow(mut self, flow: SignInFlow) -> Self {
        self.flow = flow;
        self
    }

    /// Options with this client metadata.
    #[must_use]
    pub fn with_client_metadata(mut self, metadata: ParamMap) -> Self {
        self.client_metadata = Some(metadata);
        self
    }

    /// Options with this `FriendlyDeviceName` for a TOTP set up during sign-in.
    #[must_use]
    pub fn with_friendly_device_name(mut self, name: impl Into<String>) -> Self {
        self.friendly_device_name = Some(name.into());
        self
    }
}

/// An MFA method, named like Amplify's `AllowedMFATypes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MfaType {
    /// SMS (`SMS_MFA`).
    Sms,
    /// Authenticator app (`SOFTWARE_TOKEN_MFA`).
    Totp,
    /// Email (`EMAIL_OTP`).
    Email,
}

impl MfaType {
    /// Amplify's name: `SMS`, `TOTP`, `EMAIL`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            MfaType::Sms => "SMS",
            MfaType::Totp => "TOTP",
            MfaType::Email => "EMAIL",
        }
    }

    /// Cognito's name, as in `MFAS_CAN_CHOOSE` and the `ANSWER` to `SELECT_MFA_TYPE`.
    #[must_use]
    pub fn cognito_name(self) -> &'static str {
        match self {
            MfaType::Sms => "SMS_MFA",
            MfaType::Totp => "SOFTWARE_TOKEN_MFA",
            MfaType::Email => "EMAIL_OTP",
        }
    }

    /// Reads Amplify's or Cognito's name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "SMS" | "SMS_MFA" => Some(MfaType::Sms),
            "TOTP" | "SOFTWARE_TOKEN_MFA" => Some(MfaType::Totp),
            "EMAIL" | "EMAIL_OTP" | "EMAIL_MFA" => Some(MfaType::Email),
            _ => None,
        }
    }
}

impl fmt::Display for MfaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an authenticator app needs to add the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TotpSetupDetails {
    /// The base32 shared secret from `AssociateSoftwareToken`; `Debug` redacts it.
    pub shared_secret: TotpSecret,
    /// The username the account is labelled with by default.
    pub username: String,
}

impl TotpSetupDetails {
    /// `otpauth://totp/<app>:<account>?secret=<secret>&issuer=<app>` for a QR code, as Amplify's
    /// `getSetupUri`; `account` defaults to the username.
    #[must_use]
    pub fn setup_uri(&self, app_name: &str, account_name: Option<&str>) -> String {
        // Pushed piece by piece rather than through `format!`: the formatting path is code the
        // browser package would carry for this one string.
        let parts = [
            ("otpauth://totp/", app_name),
            (":", account_name.unwrap_or(&self.username)),
            ("?secret=", self.shared_secret.secret()),
            ("&issuer=", app_name),
        ];
        let mut out = String::new();
        for (literal, value) in parts {
            out.push_str(literal);
            crate::uri::push_encoded(&mut out, value, b"");
        }
        out
    }
}

/// Where the sign-in stopped, named like Amplify v6's `nextStep.signInStep`
/// (see [`NextStep::sign_in_step`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NextStep {
    /// `CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED`: answer with
    /// [`ChallengeAnswer::NewPassword`].
    ConfirmSignInWithNewPasswordRequired {
        /// Required attributes the user has no value for (without the `userAttributes.` prefix).
        missing_attributes: Vec<String>,
        /// The user's current attributes, from the `userAttributes` parameter.
        user_attributes: Map,
    },
    /// `CONFIRM_SIGN_IN_WITH_SMS_CODE`: answer with [`ChallengeAnswer::Code`].
    ConfirmSignInWithSmsCode {
        /// Where the code went.
        code_delivery_details: CodeDeliveryDetails,
    },
    /// `CONFIRM_SIGN_IN_WITH_TOTP_CODE`: answer with [`ChallengeAnswer::Code`].
    ConfirmSignInWithTotpCode,
    /// `CONFIRM_SIGN_IN_WITH_EMAIL_CODE`: answer with [`ChallengeAnswer::Code`].
    ConfirmSignInWithEmailCode {
        /// Where the code went.
        code_delivery_details: CodeDeliveryDetails,
    },
    /// `CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE`: answer with [`ChallengeAnswer::Code`].
    ConfirmSignInWithCustomChallenge {
        /// The Lambda's public challenge parameters.
        additional_info: ParamMap,
    },
    /// `CONTINUE_SIGN_IN_WITH_MFA_SELECTION`: answer with [`ChallengeAnswer::Mfa`].
    ContinueSignInWithMfaSelection {
        /// The methods the user may pick.
        allowed_mfa_types: Vec<MfaType>,
    },
    /// `CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION`: answer with [`ChallengeAnswer::Mfa`].
    ContinueSignInWithMfaSetupSelection {
        /// The methods the user may set up (TOTP, email).
        allowed_mfa_types: Vec<MfaType>,
    },
    /// `CONTINUE_SIGN_IN_WITH_TOTP_SETUP`: add the secret to an app, answer with its first code
    /// ([`ChallengeAnswer::Code`]).
    ContinueSignInWithTotpSetup(TotpSetupDetails),
    /// `CONTINUE_SIGN_IN_WITH_EMAIL_SETUP`: answer with [`ChallengeAnswer::Email`].
    ContinueSignInWithEmailSetup,
    /// `CONFIRM_SIGN_UP`: the user is not confirmed (`UserNotConfirmedException`). Terminal.
    ConfirmSignUp,
    /// `RESET_PASSWORD`: the password must be reset (`PasswordResetRequiredException`). Terminal.
    ResetPassword,
    /// `DONE`: signed in. Terminal.
    Done(AuthenticationResult),
}

impl NextStep {
    /// Amplify v6's `signInStep` string.
    #[must_use]
    pub fn sign_in_step(&self) -> &'static str {
        match self {
            NextStep::ConfirmSignInWithNewPasswordRequired { .. } => {
                "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"
            }
            NextStep::ConfirmSignInWithSmsCode { .. } => "CONFIRM_SIGN_IN_WITH_SMS_CODE",
            NextStep::ConfirmSignInWithTotpCode => "CONFIRM_SIGN_IN_WITH_TOTP_CODE",
            NextStep::ConfirmSignInWithEmailCode { .. } => "CONFIRM_SIGN_IN_WITH_EMAIL_CODE",
            NextStep::ConfirmSignInWithCustomChallenge { .. } => {
                "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"
            }
            NextStep::ContinueSignInWithMfaSelection { .. } => {
                "CONTINUE_SIGN_IN_WITH_MFA_SELECTION"
            }
            NextStep::ContinueSignInWithMfaSetupSelection { .. } => {
                "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION"
            }
            NextStep::ContinueSignInWithTotpSetup(_) => "CONTINUE_SIGN_IN_WITH_TOTP_SETUP",
            NextStep::ContinueSignInWithEmailSetup => "CONTINUE_SIGN_IN_WITH_EMAIL_SETUP",
            NextStep::ConfirmSignUp => "CONFIRM_SIGN_UP",
            NextStep::ResetPassword => "RESET_PASSWORD",
            NextStep::Done(_) => "DONE",
        }
    }

    /// Whether the sign-in ends here (`DONE`, `CONFIRM_SIGN_UP`, `RESET_PASSWORD`): no
    /// [`SignIn::confirm`] follows.
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            NextStep::Done(_) | NextStep::ConfirmSignUp | NextStep::ResetPassword
        )
    }
}

/// What the caller does next.
///
/// Deliberately exhaustive: a driver loop is sending, computing or stopped, and a `_` arm in
/// every caller would hide a forgotten case rather than prepare for a new one.
#[derive(Debug)]
#[must_use]
pub enum Step {
    /// Send this request and feed the response to [`SignIn::handle`].
    Send(HttpRequest),
    /// SRP work is due: call [`SignIn::compute`]. Each call is about one 256-bit modular
    /// exponentiation over the 3072-bit group (the `PASSWORD_VERIFIER` answer takes three:
    /// `g^x`, the first half of `S`, the rest), so a browser that yields to its event loop
    /// before each call runs them as separate tasks and never blocks the page for the whole
    /// claim.
    Compute,
    /// Stop: tell the user, then [`SignIn::confirm`] (unless [`NextStep::is_terminal`]).
    Next(NextStep),
}

/// The user's answer to a [`NextStep`], as Amplify's `confirmSignIn({ challengeResponse })`.
///
/// `Debug` prints codes and passwords as `[redacted]`.
#[non_exhaustive]
pub enum ChallengeAnswer {
    /// An SMS / email / TOTP code, a TOTP-setup code, or a custom challenge answer.
    Code(String),
    /// A new password, with values for missing required attributes.
    NewPassword {
        /// The new password.
        password: Password,
        /// Attributes to set (`name` without the `userAttributes.` prefix; a name that already
        /// has it is sent as is).
        attributes: Vec<AttributeType>,
    },
    /// The MFA method picked (selection or setup selection).
    Mfa(MfaType),
    /// The email address to set up email MFA with.
    Email(String),
}

impl fmt::Debug for ChallengeAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChallengeAnswer::Code(_) => f.write_str("Code([redacted])"),
            ChallengeAnswer::NewPassword {
                password,
                attributes,
            } => f
                .debug_struct("NewPassword")
                .field("password", password)
                .field("attributes", attributes)
                .finish(),
            ChallengeAnswer::Mfa(t) => f.debug_tuple("Mfa").field(t).finish(),
            ChallengeAnswer::Email(e) => f.debug_tuple("Email").field(e).finish(),
        }
    }
}

/// The client's SRP ephemeral: the secret `a` and `A = g^a mod N` (`SRP_A`).
///
/// Computing `A` is one 3072-bit modular exponentiation, a third of the client's SRP work;
/// [`SrpEphemeral::new`] can run before the user submits the form (when the page is idle), and
/// [`SignIn::start_with_ephemeral`] then takes it, so the sign-in itself does only the claim.
///
/// # Security
/// One ephemeral is for one sign-in: it is not `Clone`, and the sign-in consumes it. Build it
/// from fresh CSPRNG bytes, keep it in memory only (never store it), and drop it when unused.
/// `Debug` prints `A` only.
pub struct SrpEphemeral(cognito_srp::ClientEphemeral);

impl SrpEphemeral {
    /// `A = g^a mod N` for the secret `a` (big-endian random bytes; 32 to 512 of them, see
    /// `cognito_srp`'s "Ephemeral size").
    ///
    /// # Errors
    /// [`Error::Srp`] when `a` is shorter than 32 bytes or its value is 0 or 1.
    pub fn new(a: &[u8]) -> Result<Self, Error> {
        Ok(Self(cognito_srp::ClientEphemeral::from_bytes(a)?))
    }

    /// `SRP_A`: `A` as lowercase hex.
    #[must_use]
    pub fn a_pub_hex(&self) -> String {
        self.0.a_pub_hex()
    }
}

impl fmt::Debug for SrpEphemeral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SrpEphemeral").field(&self.0).finish()
    }
}

struct SrpSecrets {
    ephemeral: cognito_srp::ClientEphemeral,
    password: Password,
}

impl fmt::Debug for SrpSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SrpSecrets([redacted])")
    }
}

/// The `PASSWORD_VERIFIER` answer being computed, one exponentiation per [`SignIn::compute`].
#[derive(Debug)]
struct ClaimWork {
    stage: ClaimStage,
    session: Option<ChallengeSession>,
    user_id_for_srp: String,
    secret_block: String,
    timestamp: String,
}

#[derive(Debug)]
enum ClaimStage {
    /// The challenge is read; `g^x` is next.
    Ready {
        srp: SrpSecrets,
        salt_hex: String,
        b_pub_hex: String,
    },
    /// `B − k·g^x` is known; the first half of `S` is next.
    Half(cognito_srp::ClaimInProgress),
    /// Half of `S` is done; the rest and the signature are next.
    Advanced(cognito_srp::ClaimInProgress),
}

/// A stop waiting for the user, with what answering it needs.
#[derive(Clone, Debug)]
struct Pause {
    step: NextStep,
    challenge: ChallengeName,
    session: Option<ChallengeSession>,
}

#[derive(Debug)]
enum Expect {
    /// `InitiateAuth` or `RespondToAuthChallenge`.
    Auth,
    /// `AssociateSoftwareToken` (MFA setup, TOTP).
    Associate { session: Option<ChallengeSession> },
    /// `VerifySoftwareToken` (MFA setup, TOTP).
    VerifyTotp { session: Option<ChallengeSession> },
}

#[derive(Debug)]
enum State {
    /// A request is out; `retry` is the pause to return to if the answer was rejected.
    Awaiting {
        expect: Expect,
        retry: Option<Pause>,
    },
    Paused(Pause),
    /// The `PASSWORD_VERIFIER` answer is being computed ([`SignIn::compute`]).
    Computing(Box<ClaimWork>),
    Finished,
}

/// One sign-in attempt. See the [module docs](self).
#[derive(Debug)]
pub struct SignIn {
    config: ClientConfig,
    typed_username: Username,
    username: String,
    flow: SignInFlow,
    client_metadata: Option<ParamMap>,
    friendly_device_name: Option<String>,
    srp: Option<SrpSecrets>,
    state: State,
}

impl SignIn {
    /// Starts a sign-in and returns the `InitiateAuth` request to send.
    ///
    /// `a` is the SRP ephemeral secret: 128 random bytes from the platform's CSPRNG (the browser's
    /// `crypto.getRandomValues`). It is ignored by [`SignInFlow::UserPasswordAuth`].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an empty username or password; [`Error::Srp`] when `a` is
    /// too short.
    pub fn start(
        config: &ClientConfig,
        username: Username,
        password: Password,
        options: SignInOptions,
        a: &[u8],
    ) -> Result<(Self, HttpRequest), Error> {
        check_credentials(&username, &password)?;
        let ephemeral = match options.flow {
            SignInFlow::UserSrpAuth => Some(SrpEphemeral::new(a)?),
            SignInFlow::UserPasswordAuth => None,
        };
        Self::start_with_ephemeral(config, username, password, options, ephemeral)
    }

    /// [`SignIn::start`] with `A` computed ahead of time ([`SrpEphemeral::new`]), so that the
    /// sign-in does only the claim. The ephemeral is consumed: it answers this sign-in only.
    /// [`SignInFlow::UserPasswordAuth`] ignores it (and drops it).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an empty username or password, or for
    /// [`SignInFlow::UserSrpAuth`] without an ephemeral.
    pub fn start_with_ephemeral(
        config: &ClientConfig,
        username: Username,
        password: Password,
        options: SignInOptions,
        ephemeral: Option<SrpEphemeral>,
    ) -> Result<(Self, HttpRequest), Error> {
        check_credentials(&username, &password)?;
        let mut params = ParamMap::new().with("USERNAME", username.as_str());
        if let Some(h) = config.secret_hash(username.as_str()) {
            params.insert("SECRET_HASH", h);
        }
        let (auth_flow, srp) = match options.flow {
            SignInFlow::UserSrpAuth => {
                let Some(SrpEphemeral(ephemeral)) = ephemeral else {
                    return Err(Error::InvalidArgument(
                        "USER_SRP_AUTH needs an SRP ephemeral".into(),
                    ));
                };
                params.insert("SRP_A", ephemeral.a_pub_hex());
                (
                    AuthFlow::UserSrpAuth,
                    Some(SrpSecrets {
                        ephemeral,
                        password,
                    }),
                )
            }
            SignInFlow::UserPasswordAuth => {
                params.insert("PASSWORD", password.secret());
                (AuthFlow::UserPasswordAuth, None)
            }
        };
        let req = request::<InitiateAuth>(
            config,
            &InitiateAuthRequest {
                auth_flow,
                client_id: config.client_id.clone(),
                auth_parameters: Some(params),
                client_metadata: options.client_metadata.clone(),
                session: None,
            },
        )?;
        let signin = Self {
            config: config.clone(),
            username: username.as_str().to_owned(),
            typed_username: username,
            flow: options.flow,
            client_metadata: options.client_metadata,
            friendly_device_name: options.friendly_device_name,
            srp,
            state: State::Awaiting {
                expect: Expect::Auth,
                retry: None,
            },
        };
        Ok((signin, req))
    }

    /// The username tokens belong to: `ChallengeParameters.USERNAME`, else `USER_ID_FOR_SRP`,
    /// else the typed name. Store tokens (and `LastAuthUser`) under this name.
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The session to store once the sign-in reached [`NextStep::Done`] with `result`, measuring
    /// the clock drift at `now`: [`Session::from_sign_in`] with [`SignIn::username`]. Save it
    /// with [`crate::storage::save_session`].
    ///
    /// # Errors
    /// As [`Session::from_sign_in`]: [`Error::Parse`] when the tokens are not Cognito JWTs.
    pub fn session(&self, result: AuthenticationResult, now: i64) -> Result<Session, Error> {
        Session::from_sign_in(result, &self.username, now)
    }

    /// The username as the user typed it (`loginId` in Amplify's `signInDetails`).
    #[must_use]
    pub fn typed_username(&self) -> &Username {
        &self.typed_username
    }

    /// The first factor used.
    #[must_use]
    pub fn flow(&self) -> SignInFlow {
        self.flow
    }

    /// The step the sign-in is paused at, if it is waiting for [`SignIn::confirm`].
    #[must_use]
    pub fn pending_step(&self) -> Option<&NextStep> {
        match &self.state {
            State::Paused(p) => Some(&p.step),
            _ => None,
        }
    }

    /// Whether the sign-in has ended (done, failed, or a terminal step).
    #[must_use]
    pub fn is_finished(&self) -> bool {
        matches!(self.state, State::Finished)
    }

    /// The request [`SignIn::confirm`] handed out got no answer (a network error): go back to
    /// the step it answered, so the user can send the answer again. Cognito refuses a session
    /// that was used after all, and the error then says so. Returns whether the sign-in is
    /// paused again; a request from [`SignIn::start`] has no step to go back to, and the
    /// sign-in ends.
    pub fn request_failed(&mut self) -> bool {
        self.srp = None;
        match std::mem::replace(&mut self.state, State::Finished) {
            State::Awaiting {
                retry: Some(pause), ..
            } => {
                self.state = State::Paused(pause);
                true
            }
            State::Paused(pause) => {
                self.state = State::Paused(pause);
                true
            }
            _ => false,
        }
    }

    /// Feeds the response to the last request; `now` (Unix seconds) is the `TIMESTAMP` of the
    /// SRP password claim.
    ///
    /// # Errors
    /// - [`Error::InvalidState`] when no request is outstanding, or for a challenge this client
    ///   cannot answer.
    /// - [`Error::Service`] for a Cognito error, except `UserNotConfirmedException` and
    ///   `PasswordResetRequiredException`, which are the steps `CONFIRM_SIGN_UP` and
    ///   `RESET_PASSWORD`. A rejected code (`CodeMismatchException`) or new password
    ///   (`InvalidPasswordException`, or `InvalidParameterException` for a missing or bad
    ///   required attribute) goes back to the previous step, so the user can retry.
    ///   A `VerifySoftwareToken` answered with `Status: ERROR` is reported the same way, as a
    ///   `CodeMismatchException` carrying the HTTP status of that (2xx) answer.
    /// - [`Error::Parse`] for a malformed response; [`Error::Srp`] for bad SRP values.
    pub fn handle(&mut self, resp: &HttpResponse, now: i64) -> Result<Step, Error> {
        let state = std::mem::replace(&mut self.state, State::Finished);
        let (expect, retry) = match state {
            State::Awaiting { expect, retry } => (expect, retry),
            other => {
                self.state = other;
                return Err(Error::InvalidState(
                    "no sign-in request is waiting for a response".into(),
                ));
            }
        };
        let result = match expect {
            Expect::Auth => match parse_response::<InitiateAuth>(resp) {
                Ok(r) => self.on_auth_response(r, now),
                Err(e) => Err(e),
            },
            Expect::Associate { session } => match parse_response::<AssociateSoftwareToken>(resp) {
                Ok(r) => {
                    let step = NextStep::ContinueSignInWithTotpSetup(TotpSetupDetails {
                        shared_secret: r.secret_code,
                        username: self.username.clone(),
                    });
                    Ok(self.pause(step, ChallengeName::MfaSetup, r.session.or(session)))
                }
                Err(e) => Err(e),
            },
            Expect::VerifyTotp { session } => match parse_response::<VerifySoftwareToken>(resp) {
                Ok(r) if r.status == Some(VerifySoftwareTokenStatus::Error) => {
                    Err(Error::Service {
                        code: CognitoErrorCode::CodeMismatchException,
                        message: "VerifySoftwareToken returned ERROR".into(),
                        status: resp.status,
                    })
                }
                Ok(r) => {
                    let responses = self.responses();
                    let req =
                        self.respond(ChallengeName::MfaSetup, r.session.or(session), responses);
                    if req.is_ok() {
                        self.state = State::Awaiting {
                            expect: Expect::Auth,
                            retry: None,
                        };
                    }
                    req.map(Step::Send)
                }
                Err(e) => Err(e),
            },
        };
        match result {
            Ok(step) => Ok(step),
            Err(e) => self.fail(e, retry),
        }
    }

    /// Answers the step the sign-in is paused at.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when not paused; [`Error::InvalidArgument`] when the answer does
    /// not fit the step (the pause is kept, so a right answer can follow).
    pub fn confirm(&mut self, answer: ChallengeAnswer) -> Result<Step, Error> {
        let State::Paused(pause) = &self.state else {
            return Err(Error::InvalidState(
                "confirmSignIn called with no sign-in step waiting for an answer".into(),
            ));
        };
        let pause = pause.clone();
        let mut responses = self.responses();
        let wrong = |step: &NextStep| {
            let what = match step {
                NextStep::ConfirmSignInWithNewPasswordRequired { .. } => "a new password",
                NextStep::ContinueSignInWithMfaSelection { .. }
                | NextStep::ContinueSignInWithMfaSetupSelection { .. } => "an MFA type",
                NextStep::ContinueSignInWithEmailSetup => "an email address",
                _ => "a code",
            };
            Error::InvalidArgument(format!("{} expects {what}", step.sign_in_step()))
        };
        let req = match (&pause.step, answer) {
            (NextStep::ContinueSignInWithTotpSetup(_), ChallengeAnswer::Code(code)) => {
                let code = non_empty(code, "code")?;
                let req = request::<VerifySoftwareToken>(
                    &self.config,
                    &VerifySoftwareTokenRequest {
                        access_token: None,
                        session: pause.session.clone(),
                        user_code: OneTimeCode::new(code),
                        friendly_device_name: self.friendly_device_name.clone(),
                    },
                )?;
                self.state = State::Awaiting {
                    expect: Expect::VerifyTotp {
                        session: pause.session.clone(),
                    },
                    retry: Some(pause),
                };
                return Ok(Step::Send(req));
            }
            (
                step @ (NextStep::ConfirmSignInWithSmsCode { .. }
                | NextStep::ConfirmSignInWithTotpCode
                | NextStep::ConfirmSignInWithEmailCode { .. }
                | NextStep::ConfirmSignInWithCustomChallenge { .. }),
                ChallengeAnswer::Code(code),
            ) => {
                let key = match step {
                    NextStep::ConfirmSignInWithSmsCode { .. }
                        if pause.challenge == ChallengeName::SmsOtp =>
                    {
                        "SMS_OTP_CODE"
                    }
                    NextStep::ConfirmSignInWithSmsCode { .. } => "SMS_MFA_CODE",
                    NextStep::ConfirmSignInWithTotpCode => "SOFTWARE_TOKEN_MFA_CODE",
                    NextStep::ConfirmSignInWithEmailCode { .. } => "EMAIL_OTP_CODE",
                    _ => "ANSWER",
                };
                responses.insert(key, non_empty(code, "code")?);
                self.respond(pause.challenge.clone(), pause.session.clone(), responses)?
            }
            (
                NextStep::ConfirmSignInWithNewPasswordRequired { .. },
                ChallengeAnswer::NewPassword {
                    password,
                    attributes,
                },
            ) => {
                if password.secret().is_empty() {
                    return Err(Error::InvalidArgument("new password is empty".into()));
                }
                for attr in attributes {
                    if let Some(v) = attr.value {
                        // Accept names given with the prefix too (as `requiredAttributes` lists
                        // them), without doubling it.
                        let key = if attr.name.starts_with("userAttributes.") {
                            attr.name
                        } else {
                            format!("userAttributes.{}", attr.name)
                        };
                        responses.insert(key, v);
                    }
                }
                responses.insert("NEW_PASSWORD", password.secret());
                self.respond(pause.challenge.clone(), pause.session.clone(), responses)?
            }
            (
                NextStep::ContinueSignInWithMfaSelection { allowed_mfa_types },
                ChallengeAnswer::Mfa(t),
            ) => {
                if !allowed_mfa_types.contains(&t) {
                    return Err(Error::InvalidArgument(format!(
                        "MFA type {t} is not among the allowed ones"
                    )));
                }
                responses.insert("ANSWER", t.cognito_name());
                self.respond(pause.challenge.clone(), pause.session.clone(), responses)?
            }
            (
                NextStep::ContinueSignInWithMfaSetupSelection { allowed_mfa_types },
                ChallengeAnswer::Mfa(t),
            ) => {
                if !allowed_mfa_types.contains(&t) {
                    return Err(Error::InvalidArgument(format!(
                        "MFA type {t} is not among the allowed ones"
                    )));
                }
                return match t {
                    MfaType::Email => Ok(self.pause(
                        NextStep::ContinueSignInWithEmailSetup,
                        pause.challenge.clone(),
                        pause.session.clone(),
                    )),
                    _ => self.associate(pause.session.clone(), Some(pause)),
                };
            }
            (NextStep::ContinueSignInWithEmailSetup, ChallengeAnswer::Email(email)) => {
                responses.insert("EMAIL", non_empty(email, "email")?);
                self.respond(pause.challenge.clone(), pause.session.clone(), responses)?
            }
            (step, _) => return Err(wrong(step)),
        };
        self.state = State::Awaiting {
            expect: Expect::Auth,
            retry: Some(pause),
        };
        Ok(Step::Send(req))
    }

    /// Answers with plain text, as Amplify's `confirmSignIn({ challengeResponse })`: the text is
    /// a code, a new password (with `attributes`), an MFA type (`SMS`, `TOTP`, `EMAIL`) or an
    /// email address, depending on the step.
    ///
    /// # Errors
    /// As [`SignIn::confirm`]; [`Error::InvalidArgument`] for an unknown MFA type.
    pub fn confirm_text(
        &mut self,
        response: &str,
        attributes: Vec<AttributeType>,
    ) -> Result<Step, Error> {
        let answer = match self.pending_step() {
            Some(NextStep::ConfirmSignInWithNewPasswordRequired { .. }) => {
                ChallengeAnswer::NewPassword {
                    password: Password::new(response),
                    attributes,
                }
            }
            Some(
                NextStep::ContinueSignInWithMfaSelection { .. }
                | NextStep::ContinueSignInWithMfaSetupSelection { .. },
            ) => ChallengeAnswer::Mfa(MfaType::parse(response).ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "unknown MFA type {}",
                    crate::error::quoted(response)
                ))
            })?),
            Some(NextStep::ContinueSignInWithEmailSetup) => {
                ChallengeAnswer::Email(response.to_owned())
            }
            _ => ChallengeAnswer::Code(response.to_owned()),
        };
        self.confirm(answer)
    }

    fn pause(
        &mut self,
        step: NextStep,
        challenge: ChallengeName,
        session: Option<ChallengeSession>,
    ) -> Step {
        self.state = State::Paused(Pause {
            step: step.clone(),
            challenge,
            session,
        });
        Step::Next(step)
    }

    fn fail(&mut self, e: Error, retry: Option<Pause>) -> Result<Step, Error> {
        self.srp = None;
        match e.service_code() {
            Some(CognitoErrorCode::UserNotConfirmedException) => {
                self.state = State::Finished;
                Ok(Step::Next(NextStep::ConfirmSignUp))
            }
            Some(CognitoErrorCode::PasswordResetRequiredException) => {
                self.state = State::Finished;
                Ok(Step::Next(NextStep::ResetPassword))
            }
            // `EnableSoftwareTokenMFAException` is how Cognito refuses a wrong first code
            // while setting up TOTP (`VerifySoftwareToken`): the same secret can be tried again.
            Some(
                CognitoErrorCode::CodeMismatchException
                | CognitoErrorCode::InvalidPasswordException
                | CognitoErrorCode::EnableSoftwareTokenMFAException,
            ) if retry.is_some() => {
                if let Some(p) = retry {
                    self.state = State::Paused(p);
                }
                Err(e)
            }
            // A new password sent without a required attribute (or with a malformed one): the
            // user can fill it in and try again.
            Some(CognitoErrorCode::InvalidParameterException)
                if retry.as_ref().is_some_and(|p| {
                    matches!(
                        p.step,
                        NextStep::ConfirmSignInWithNewPasswordRequired { .. }
                    )
                }) =>
            {
                if let Some(p) = retry {
                    self.state = State::Paused(p);
                }
                Err(e)
            }
            _ => {
                self.state = State::Finished;
                Err(e)
            }
        }
    }

    /// `USERNAME` (+ `SECRET_HASH`) for a challenge answer.
    fn responses(&self) -> ParamMap {
        let mut m = ParamMap::new().with("USERNAME", self.username.as_str());
        if let Some(h) = self.config.secret_hash(&self.username) {
            m.insert("SECRET_HASH", h);
        }
        m
    }

    fn respond(
        &self,
        challenge: ChallengeName,
        session: Option<ChallengeSession>,
        responses: ParamMap,
    ) -> Result<HttpRequest, Error> {
        request::<RespondToAuthChallenge>(
            &self.config,
            &RespondToAuthChallengeRequest {
                client_id: self.config.client_id.clone(),
                challenge_name: challenge,
                session,
                challenge_responses: Some(responses),
                client_metadata: self.client_metadata.clone(),
            },
        )
    }

    fn associate(
        &mut self,
        session: Option<ChallengeSession>,
        retry: Option<Pause>,
    ) -> Result<Step, Error> {
        let req = request::<AssociateSoftwareToken>(
            &self.config,
            &AssociateSoftwareTokenRequest {
                access_token: None,
                session: session.clone(),
            },
        )?;
        self.state = State::Awaiting {
            expect: Expect::Associate { session },
            retry,
        };
        Ok(Step::Send(req))
    }

    fn on_auth_response(&mut self, r: InitiateAuthResponse, now: i64) -> Result<Step, Error> {
        if let Some(result) = r.authentication_result {
            self.srp = None;
            self.state = State::Finished;
            return Ok(Step::Next(NextStep::Done(result)));
        }
        let params = r.challenge_parameters.unwrap_or_default();
        if let Some(u) = params
            .get("USERNAME")
            .or_else(|| params.get("USER_ID_FOR_SRP"))
            .filter(|u| !u.is_empty())
        {
            self.username = u.to_owned();
        }
        let Some(challenge) = r.challenge_name else {
            return Err(Error::parse(
                "sign-in response",
                "neither AuthenticationResult nor ChallengeName",
                "",
            ));
        };
        let session = r.session;
        let delivery = || CodeDeliveryDetails {
            destination: params.get("CODE_DELIVERY_DESTINATION").map(str::to_owned),
            delivery_medium: params
                .get("CODE_DELIVERY_DELIVERY_MEDIUM")
                .map(DeliveryMedium::from_wire),
            attribute_name: None,
        };
        let step = match &challenge {
            ChallengeName::PasswordVerifier => {
                return self.password_verifier(&params, session, now);
            }
            ChallengeName::NewPasswordRequired => NextStep::ConfirmSignInWithNewPasswordRequired {
                missing_attributes: json_string_list(params.get("requiredAttributes"))
                    .into_iter()
                    .map(|a| match a.strip_prefix("userAttributes.") {
                        Some(s) => s.to_owned(),
                        None => a,
                    })
                    .collect(),
                user_attributes: json_string_map(params.get("userAttributes")),
            },
            ChallengeName::SmsMfa | ChallengeName::SmsOtp => NextStep::ConfirmSignInWithSmsCode {
                code_delivery_details: delivery(),
            },
            ChallengeName::EmailOtp => NextStep::ConfirmSignInWithEmailCode {
                code_delivery_details: delivery(),
            },
            ChallengeName::SoftwareTokenMfa => NextStep::ConfirmSignInWithTotpCode,
            ChallengeName::CustomChallenge => NextStep::ConfirmSignInWithCustomChallenge {
                additional_info: params.clone(),
            },
            ChallengeName::SelectMfaType => NextStep::ContinueSignInWithMfaSelection {
                allowed_mfa_types: mfa_types(params.get("MFAS_CAN_CHOOSE")),
            },
            ChallengeName::MfaSetup => {
                let allowed: Vec<MfaType> = mfa_types(params.get("MFAS_CAN_SETUP"))
                    .into_iter()
                    .filter(|t| matches!(t, MfaType::Totp | MfaType::Email))
                    .collect();
                match allowed.as_slice() {
                    [MfaType::Totp] => return self.associate(session, None),
                    [MfaType::Email] => NextStep::ContinueSignInWithEmailSetup,
                    [] => {
                        return Err(Error::InvalidState(
                            "MFA_SETUP offers no method a client can set up during sign-in \
                             (TOTP or email)"
                                .into(),
                        ))
                    }
                    _ => NextStep::ContinueSignInWithMfaSetupSelection {
                        allowed_mfa_types: allowed,
                    },
                }
            }
            other => {
                return Err(Error::InvalidState(format!(
                    "unsupported sign-in challenge {other}"
                )))
            }
        };
        Ok(self.pause(step, challenge, session))
    }

    /// Reads the `PASSWORD_VERIFIER` challenge; the claim itself is [`SignIn::compute`]'s.
    fn password_verifier(
        &mut self,
        params: &ParamMap,
        session: Option<ChallengeSession>,
        now: i64,
    ) -> Result<Step, Error> {
        let Some(srp) = self.srp.take() else {
            return Err(Error::InvalidState(
                "PASSWORD_VERIFIER outside of USER_SRP_AUTH".into(),
            ));
        };
        let need = |key: &str| {
            params.get(key).map(str::to_owned).ok_or_else(|| {
                // The names of the parameters that did come, not their values.
                let mut present = String::from("parameters:");
                for (k, _) in params.iter() {
                    present.push(' ');
                    present.push_str(k);
                }
                Error::parse(
                    "PASSWORD_VERIFIER challenge",
                    format!("missing {key}"),
                    present,
                )
            })
        };
        let user_id_for_srp = params
            .get("USER_ID_FOR_SRP")
            .or_else(|| params.get("USERNAME"))
            .unwrap_or(self.typed_username.as_str())
            .to_owned();
        self.state = State::Computing(Box::new(ClaimWork {
            stage: ClaimStage::Ready {
                srp,
                salt_hex: need("SALT")?,
                b_pub_hex: need("SRP_B")?,
            },
            session,
            user_id_for_srp,
            secret_block: need("SECRET_BLOCK")?,
            timestamp: cognito_srp::cognito_timestamp(now),
        }));
        Ok(Step::Compute)
    }

    /// Does the SRP work [`Step::Compute`] asked for, about one 256-bit exponentiation per
    /// call. After the `PASSWORD_VERIFIER` challenge the first call computes `g^x` (and drops
    /// the password), the second the first half of `S`, each returning [`Step::Compute`]
    /// again; the third the rest of `S` and the signature: it drops the ephemeral and returns
    /// the `RespondToAuthChallenge` to send.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when no work is due; [`Error::Srp`] for bad SRP values from the
    /// server (the sign-in then ends).
    pub fn compute(&mut self) -> Result<Step, Error> {
        let work = match std::mem::replace(&mut self.state, State::Finished) {
            State::Computing(work) => work,
            other => {
                self.state = other;
                return Err(Error::InvalidState("no SRP work is due".into()));
            }
        };
        let ClaimWork {
            stage,
            session,
            user_id_for_srp,
            secret_block,
            timestamp,
        } = *work;
        match stage {
            ClaimStage::Ready {
                srp,
                salt_hex,
                b_pub_hex,
            } => {
                let SrpSecrets {
                    ephemeral,
                    password,
                } = srp;
                let half = cognito_srp::ClaimInProgress::start(
                    ephemeral,
                    &cognito_srp::ClaimInput {
                        pool_name: self.config.pool_id.pool_name(),
                        user_id_for_srp: &user_id_for_srp,
                        password: password.secret(),
                        salt_hex: &salt_hex,
                        b_pub_hex: &b_pub_hex,
                        secret_block_b64: &secret_block,
                        timestamp: &timestamp,
                    },
                );
                drop(password);
                match half {
                    Ok(half) => {
                        self.state = State::Computing(Box::new(ClaimWork {
                            stage: ClaimStage::Half(half),
                            session,
                            user_id_for_srp,
                            secret_block,
                            timestamp,
                        }));
                        Ok(Step::Compute)
                    }
                    Err(e) => self.fail(e.into(), None),
                }
            }
            ClaimStage::Half(mut half) => match half.advance() {
                Ok(()) => {
                    self.state = State::Computing(Box::new(ClaimWork {
                        stage: ClaimStage::Advanced(half),
                        session,
                        user_id_for_srp,
                        secret_block,
                        timestamp,
                    }));
                    Ok(Step::Compute)
                }
                Err(e) => self.fail(e.into(), None),
            },
            ClaimStage::Advanced(half) => {
                let claim = match half.finish() {
                    Ok(claim) => claim,
                    Err(e) => return self.fail(e.into(), None),
                };
                let mut responses = ParamMap::new()
                    .with("USERNAME", user_id_for_srp.as_str())
                    .with("PASSWORD_CLAIM_SECRET_BLOCK", secret_block)
                    .with("PASSWORD_CLAIM_SIGNATURE", claim.signature_b64)
                    .with("TIMESTAMP", timestamp);
                if let Some(h) = self.config.secret_hash(&user_id_for_srp) {
                    responses.insert("SECRET_HASH", h);
                }
                match self.respond(ChallengeName::PasswordVerifier, session, responses) {
                    Ok(req) => {
                        self.state = State::Awaiting {
                            expect: Expect::Auth,
                            retry: None,
                        };
                        Ok(Step::Send(req))
                    }
                    Err(e) => self.fail(e, None),
                }
            }
        }
    }
}

/// How long a suspended sign-in can be resumed: Cognito's default challenge session lifetime
/// (3 minutes; Amplify v6 expires its persisted sign-in state after the same time).
pub const SUSPEND_LIFETIME_SECS: i64 = 180;

/// A paused step in a form that survives a page reload.
enum SavedStep {
    NewPassword {
        missing: Vec<String>,
        attributes: Map,
    },
    SmsCode {
        destination: Option<String>,
        medium: Option<DeliveryMedium>,
    },
    TotpCode,
    EmailCode {
        destination: Option<String>,
        medium: Option<DeliveryMedium>,
    },
    Custom {
        info: ParamMap,
    },
    MfaSelection {
        allowed: Vec<String>,
    },
    MfaSetupSelection {
        allowed: Vec<String>,
    },
    TotpSetup {
        secret: TotpSecret,
    },
    EmailSetup,
}

struct Saved {
    version: u32,
    pool_id: String,
    client_id: String,
    username: String,
    typed_username: String,
    password_flow: bool,
    challenge: ChallengeName,
    session: Option<ChallengeSession>,
    step: SavedStep,
    expires_at: i64,
    client_metadata: Option<ParamMap>,
    friendly_device_name: Option<String>,
}

json_object!(Saved {
    req version: "version",
    req pool_id: "pool_id",
    req client_id: "client_id",
    req username: "username",
    req typed_username: "typed_username",
    req password_flow: "password_flow",
    req challenge: "challenge",
    opt session: "session",
    req step: "step",
    req expires_at: "expires_at",
    opt client_metadata: "client_metadata",
    opt friendly_device_name: "friendly_device_name",
});

/// `{"step": "<Variant>", <its fields>}`: the layout `serde(tag = "step")` wrote before, so a
/// sign-in suspended by an older build still resumes.
impl ToJson for SavedStep {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        match self {
            SavedStep::NewPassword {
                missing,
                attributes,
            } => {
                w.field("step", "NewPassword");
                w.field("missing", missing);
                w.field("attributes", attributes);
            }
            SavedStep::SmsCode {
                destination,
                medium,
            }
            | SavedStep::EmailCode {
                destination,
                medium,
            } => {
                let tag = if matches!(self, SavedStep::SmsCode { .. }) {
                    "SmsCode"
                } else {
                    "EmailCode"
                };
                w.field("step", tag);
                w.opt_field("destination", destination.as_ref());
                w.opt_field("medium", medium.as_ref());
            }
            SavedStep::TotpCode => w.field("step", "TotpCode"),
            SavedStep::Custom { info } => {
                w.field("step", "Custom");
                w.field("info", info);
            }
            SavedStep::MfaSelection { allowed } => {
                w.field("step", "MfaSelection");
                w.field("allowed", allowed);
            }
            SavedStep::MfaSetupSelection { allowed } => {
                w.field("step", "MfaSetupSelection");
                w.field("allowed", allowed);
            }
            SavedStep::TotpSetup { secret } => {
                w.field("step", "TotpSetup");
                w.field("secret", secret);
            }
            SavedStep::EmailSetup => w.field("step", "EmailSetup"),
        }
        w.end();
    }
}

impl FromJson for SavedStep {
    fn from_json(v: Value) -> Result<Self, JsonError> {
        let mut f = Fields::new(v)?;
        let tag: String = f.required("step")?;
        Ok(match tag.as_str() {
            "NewPassword" => SavedStep::NewPassword {
                missing: f.required("missing")?,
                attributes: f.required("attributes")?,
            },
            "SmsCode" => SavedStep::SmsCode {
                destination: f.optional("destination")?,
                medium: f.optional("medium")?,
            },
            "EmailCode" => SavedStep::EmailCode {
                destination: f.optional("destination")?,
                medium: f.optional("medium")?,
            },
            "TotpCode" => SavedStep::TotpCode,
            "Custom" => SavedStep::Custom {
                info: f.required("info")?,
            },
            "MfaSelection" => SavedStep::MfaSelection {
                allowed: f.required("allowed")?,
            },
            "MfaSetupSelection" => SavedStep::MfaSetupSelection {
                allowed: f.required("allowed")?,
            },
            "TotpSetup" => SavedStep::TotpSetup {
                secret: f.required("secret")?,
            },
            "EmailSetup" => SavedStep::EmailSetup,
            _ => return Err(JsonError::new("unknown step").at("step")),
        })
    }
}

fn save_mfa(types: &[MfaType]) -> Vec<String> {
    types.iter().map(|t| t.as_str().to_owned()).collect()
}

fn load_mfa(types: &[String]) -> Vec<MfaType> {
    types.iter().filter_map(|t| MfaType::parse(t)).collect()
}

impl SignIn {
    /// Saves a paused sign-in as JSON, to resume it after a page reload with
    /// [`SignIn::resume`]; `None` unless paused at a step waiting for the user.
    ///
    /// # Security
    /// The JSON holds the challenge session (and, at `CONTINUE_SIGN_IN_WITH_TOTP_SETUP`, the
    /// TOTP secret being set up) but never the password. Keep it in `sessionStorage`, not
    /// `localStorage`; it expires after [`SUSPEND_LIFETIME_SECS`].
    #[must_use]
    pub fn suspend(&self, now: i64) -> Option<String> {
        let State::Paused(pause) = &self.state else {
            return None;
        };
        let delivery = |d: &CodeDeliveryDetails| (d.destination.clone(), d.delivery_medium.clone());
        let step = match &pause.step {
            NextStep::ConfirmSignInWithNewPasswordRequired {
                missing_attributes,
                user_attributes,
            } => SavedStep::NewPassword {
                missing: missing_attributes.clone(),
                attributes: user_attributes.clone(),
            },
            NextStep::ConfirmSignInWithSmsCode {
                code_delivery_details,
            } => {
                let (destination, medium) = delivery(code_delivery_details);
                SavedStep::SmsCode {
                    destination,
                    medium,
                }
            }
            NextStep::ConfirmSignInWithTotpCode => SavedStep::TotpCode,
            NextStep::ConfirmSignInWithEmailCode {
                code_delivery_details,
            } => {
                let (destination, medium) = delivery(code_delivery_details);
                SavedStep::EmailCode {
                    destination,
                    medium,
                }
            }
            NextStep::ConfirmSignInWithCustomChallenge { additional_info } => SavedStep::Custom {
                info: additional_info.clone(),
            },
            NextStep::ContinueSignInWithMfaSelection { allowed_mfa_types } => {
                SavedStep::MfaSelection {
                    allowed: save_mfa(allowed_mfa_types),
                }
            }
            NextStep::ContinueSignInWithMfaSetupSelection { allowed_mfa_types } => {
                SavedStep::MfaSetupSelection {
                    allowed: save_mfa(allowed_mfa_types),
                }
            }
            NextStep::ContinueSignInWithTotpSetup(d) => SavedStep::TotpSetup {
                secret: d.shared_secret.clone(),
            },
            NextStep::ContinueSignInWithEmailSetup => SavedStep::EmailSetup,
            NextStep::ConfirmSignUp | NextStep::ResetPassword | NextStep::Done(_) => return None,
        };
        let saved = Saved {
            version: 1,
            pool_id: self.config.pool_id.as_str().to_owned(),
            client_id: self.config.client_id.as_str().to_owned(),
            username: self.username.clone(),
            typed_username: self.typed_username.as_str().to_owned(),
            password_flow: self.flow == SignInFlow::UserPasswordAuth,
            challenge: pause.challenge.clone(),
            session: pause.session.clone(),
            step,
            expires_at: now.saturating_add(SUSPEND_LIFETIME_SECS),
            client_metadata: self.client_metadata.clone(),
            friendly_device_name: self.friendly_device_name.clone(),
        };
        Some(json::to_string(&saved))
    }

    /// Restores a sign-in saved by [`SignIn::suspend`], paused at the same step.
    ///
    /// # Errors
    /// [`Error::Parse`] for malformed JSON; [`Error::InvalidState`] when it has expired or was
    /// saved for another user pool or app client.
    pub fn resume(config: &ClientConfig, saved: &str, now: i64) -> Result<(Self, NextStep), Error> {
        // The saved JSON holds the challenge Session and possibly a TOTP secret: it is never
        // kept in the error, only its length.
        let redacted = || format!("[{} bytes redacted: a suspended sign-in]", saved.len());
        let s: Saved =
            json::from_str(saved).map_err(|e| Error::parse("suspended sign-in", e, redacted()))?;
        if s.version != 1 {
            return Err(Error::parse(
                "suspended sign-in",
                format!("unknown version {}", s.version),
                redacted(),
            ));
        }
        if s.pool_id != config.pool_id.as_str() || s.client_id != config.client_id.as_str() {
            return Err(Error::InvalidState(
                "the suspended sign-in belongs to another user pool or app client".into(),
            ));
        }
        if now > s.expires_at {
            return Err(Error::InvalidState(
                "the suspended sign-in has expired".into(),
            ));
        }
        let step = match s.step {
            SavedStep::NewPassword {
                missing,
                attributes,
            } => NextStep::ConfirmSignInWithNewPasswordRequired {
                missing_attributes: missing,
                user_attributes: attributes,
            },
            SavedStep::SmsCode {
                destination,
                medium,
            } => NextStep::ConfirmSignInWithSmsCode {
                code_delivery_details: CodeDeliveryDetails {
                    destination,
                    delivery_medium: medium,
                    attribute_name: None,
                },
            },
            SavedStep::TotpCode => NextStep::ConfirmSignInWithTotpCode,
            SavedStep::EmailCode {
                destination,
                medium,
            } => NextStep::ConfirmSignInWithEmailCode {
                code_delivery_details: CodeDeliveryDetails {
                    destination,
                    delivery_medium: medium,
                    attribute_name: None,
                },
            },
            SavedStep::Custom { info } => NextStep::ConfirmSignInWithCustomChallenge {
                additional_info: info,
            },
            SavedStep::MfaSelection { allowed } => NextStep::ContinueSignInWithMfaSelection {
                allowed_mfa_types: load_mfa(&allowed),
            },
            SavedStep::MfaSetupSelection { allowed } => {
                NextStep::ContinueSignInWithMfaSetupSelection {
                    allowed_mfa_types: load_mfa(&allowed),
                }
            }
            SavedStep::TotpSetup { secret } => {
                NextStep::ContinueSignInWithTotpSetup(TotpSetupDetails {
                    shared_secret: secret,
                    username: s.username.clone(),
                })
            }
            SavedStep::EmailSetup => NextStep::ContinueSignInWithEmailSetup,
        };
        let signin = Self {
            config: config.clone(),
            typed_username: Username::new(s.typed_username),
            username: s.username,
            flow: if s.password_flow {
                SignInFlow::UserPasswordAuth
            } else {
                SignInFlow::UserSrpAuth
            },
            client_metadata: s.client_metadata,
            friendly_device_name: s.friendly_device_name,
            srp: None,
            state: State::Paused(Pause {
                step: step.clone(),
                challenge: s.challenge,
                session: s.session,
            }),
        };
        Ok((signin, step))
    }
}

fn check_credentials(username: &Username, password: &Password) -> Result<(), Error> {
    if username.as_str().is_empty() {
        return Err(Error::InvalidArgument("username is empty".into()));
    }
    if password.secret().is_empty() {
        return Err(Error::InvalidArgument("password is empty".into()));
    }
    Ok(())
}

fn non_empty(s: String, what: &str) -> Result<String, Error> {
    let t = s.trim();
    if t.is_empty() {
        Err(Error::InvalidArgument(format!("{what} is empty")))
    } else {
        Ok(t.to_owned())
    }
}

/// A JSON array of strings inside a string parameter; anything else reads as empty.
fn json_string_list(s: Option<&str>) -> Vec<String> {
    match s.map(json::parse_str) {
        Some(Ok(Value::Array(items))) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A JSON object inside a string parameter, non-string values rendered as JSON.
fn json_string_map(s: Option<&str>) -> Map {
    match s.map(json::parse_str) {
        // A repeated key keeps its last value.
        Some(Ok(Value::Object(members))) => {
            let mut map = Map::new();
            for (k, v) in members {
                let v = match v {
                    Value::String(s) => s,
                    other => json::to_string(&other),
                };
                map.insert(k, v);
            }
            map
        }
        _ => Map::new(),
    }
}

fn mfa_types(s: Option<&str>) -> Vec<MfaType> {
    let mut out = Vec::new();
    for t in json_string_list(s).iter().filter_map(|t| MfaType::parse(t)) {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ClientId, UserPoolId};

    fn config() -> ClientConfig {
        #[allow(clippy::unwrap_used)]
        ClientConfig::new(
            UserPoolId::parse("us-east-1_P").unwrap(),
            ClientId::new("c"),
        )
    }

    fn ok(body: &str) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    fn body(req: &HttpRequest) -> serde_json::Value {
        serde_json::from_slice(&req.body).unwrap_or(serde_json::Value::Null)
    }

    fn start_password() -> Result<(SignIn, HttpRequest), Error> {
        SignIn::start(
            &config(),
            Username::new("alice"),
            Password::new("pw"),
            SignInOptions::default().with_flow(SignInFlow::UserPasswordAuth),
            &[],
        )
    }

    #[test]
    fn password_flow_sends_password_and_username() -> Result<(), Error> {
        let (_, req) = start_password()?;
        let b = body(&req);
        assert_eq!(b["AuthFlow"], "USER_PASSWORD_AUTH");
        assert_eq!(b["AuthParameters"]["USERNAME"], "alice");
        assert_eq!(b["AuthParameters"]["PASSWORD"], "pw");
        assert!(b["AuthParameters"].get("SECRET_HASH").is_none());
        Ok(())
    }

    #[test]
    fn srp_flow_rejects_short_ephemeral_and_empty_input() {
        let short = SignIn::start(
            &config(),
            Username::new("alice"),
            Password::new("pw"),
            SignInOptions::default(),
            &[1; 4],
        );
        assert!(matches!(short, Err(Error::Srp(_))));
        let empty = SignIn::start(
            &config(),
            Username::new(""),
            Password::new("pw"),
            SignInOptions::default(),
            &[1; 128],
        );
        assert!(matches!(empty, Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn confirm_without_pause_is_invalid_state() -> Result<(), Error> {
        let (mut s, _) = start_password()?;
        assert!(matches!(
            s.confirm(ChallengeAnswer::Code("1".into())),
            Err(Error::InvalidState(_))
        ));
        Ok(())
    }

    #[test]
    fn handle_after_done_is_invalid_state() -> Result<(), Error> {
        let (mut s, _) = start_password()?;
        let step = s.handle(
            &ok(r#"{"AuthenticationResult":{"AccessToken":"a","ExpiresIn":1,"TokenType":"Bearer"}}"#),
            0,
        )?;
        assert!(matches!(step, Step::Next(NextStep::Done(_))));
        assert!(s.is_finished());
        assert!(matches!(
            s.handle(&ok("{}"), 0),
            Err(Error::InvalidState(_))
        ));
        Ok(())
    }

    #[test]
    fn wrong_answer_kind_keeps_the_pause() -> Result<(), Error> {
        let (mut s, _) = start_password()?;
        let step = s.handle(
            &ok(
                r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"s1","ChallengeParameters":{}}"#,
            ),
            0,
        )?;
        assert!(matches!(
            step,
            Step::Next(NextStep::ConfirmSignInWithTotpCode)
        ));
        assert!(matches!(
            s.confirm(ChallengeAnswer::Mfa(MfaType::Sms)),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            s.confirm(ChallengeAnswer::Code("  ".into())),
            Err(Error::InvalidArgument(_))
        ));
        let Step::Send(req) = s.confirm(ChallengeAnswer::Code("123456".into()))? else {
            panic!("expected a request");
        };
        let b = body(&req);
        assert_eq!(b["ChallengeName"], "SOFTWARE_TOKEN_MFA");
        assert_eq!(b["Session"], "s1");
        assert_eq!(b["ChallengeResponses"]["SOFTWARE_TOKEN_MFA_CODE"], "123456");
        assert_eq!(b["ChallengeResponses"]["USERNAME"], "alice");
        Ok(())
    }

    #[test]
    fn sms_otp_uses_its_own_key_and_delivery_details() -> Result<(), Error> {
        let (mut s, _) = start_password()?;
        let step = s.handle(
            &ok(r#"{"ChallengeName":"SMS_OTP","ChallengeParameters":{"CODE_DELIVERY_DELIVERY_MEDIUM":"SMS","CODE_DELIVERY_DESTINATION":"+*******12","USERNAME":"u-1"}}"#),
            0,
        )?;
        match step {
            Step::Next(NextStep::ConfirmSignInWithSmsCode {
                code_delivery_details,
            }) => {
                assert_eq!(
                    code_delivery_details.delivery_medium,
                    Some(DeliveryMedium::Sms)
                );
                assert_eq!(
                    code_delivery_details.destination.as_deref(),
                    Some("+*******12")
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(s.username(), "u-1");
        let Step::Send(req) = s.confirm_text("42", vec![])? else {
            panic!("expected a request");
        };
        let b = body(&req);
        assert_eq!(b["ChallengeResponses"]["SMS_OTP_CODE"], "42");
        assert_eq!(b["ChallengeResponses"]["USERNAME"], "u-1");
        assert!(b.get("Session").is_none(), "no session to echo");
        Ok(())
    }

    #[test]
    fn unsupported_challenge_is_an_error_not_a_panic() -> Result<(), Error> {
        let (mut s, _) = start_password()?;
        let r = s.handle(&ok(r#"{"ChallengeName":"DEVICE_SRP_AUTH"}"#), 0);
        assert!(matches!(r, Err(Error::InvalidState(_))));
        let (mut s, _) = start_password()?;
        let r = s.handle(&ok(r#"{}"#), 0);
        assert!(matches!(r, Err(Error::Parse { .. })));
        Ok(())
    }

    #[test]
    fn password_verifier_in_password_flow_is_invalid_state() -> Result<(), Error> {
        let (mut s, _) = start_password()?;
        let r = s.handle(
            &ok(r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SALT":"ab","SRP_B":"cd","SECRET_BLOCK":"AA=="}}"#),
            0,
        );
        assert!(matches!(r, Err(Error::InvalidState(_))));
        Ok(())
    }

    #[test]
    fn custom_challenge_answers_with_answer_and_echoes_session() -> Result<(), Error> {
        let (mut s, _) = start_password()?;
        let step = s.handle(
            &ok(r#"{"ChallengeName":"CUSTOM_CHALLENGE","Session":"c1","ChallengeParameters":{"question":"2+2"}}"#),
            0,
        )?;
        let Step::Next(next) = step else {
            panic!("expected a pause");
        };
        assert_eq!(next.sign_in_step(), "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE");
        let Step::Send(req) = s.confirm_text("4", vec![])? else {
            panic!("expected a request");
        };
        let b = body(&req);
        assert_eq!(b["ChallengeName"], "CUSTOM_CHALLENGE");
        assert_eq!(b["Session"], "c1");
        assert_eq!(b["ChallengeResponses"]["ANSWER"], "4");
        Ok(())
    }

    #[test]
    fn rejected_new_password_returns_to_the_step() -> Result<(), Error> {
        let (mut s, _) = start_password()?;
        let _ = s.handle(
            &ok(r#"{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"n1","ChallengeParameters":{"userAttributes":"{}","requiredAttributes":"[]"}}"#),
            0,
        )?;
        let Step::Send(req) = s.confirm(ChallengeAnswer::NewPassword {
            password: Password::new("short"),
            attributes: vec![AttributeType::new("given_name", "Al")],
        })?
        else {
            panic!("expected a request");
        };
        let b = body(&req);
        assert_eq!(b["ChallengeResponses"]["NEW_PASSWORD"], "short");
        assert_eq!(b["ChallengeResponses"]["userAttributes.given_name"], "Al");
        let rejected = HttpResponse {
            status: 400,
            headers: vec![],
            body: br#"{"__type":"InvalidPasswordException","message":"Password does not conform to policy"}"#.to_vec(),
        };
        let e = s.handle(&rejected, 0);
        assert!(matches!(e, Err(Error::Service { .. })));
        assert_eq!(
            s.pending_step().map(NextStep::sign_in_step),
            Some("CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED")
        );
        // Any other failure ends the attempt.
        let _ = s.confirm_text("Longer password 1!", vec![])?;
        let expired = HttpResponse {
            status: 400,
            headers: vec![("x-amzn-errortype".into(), "NotAuthorizedException:".into())],
            body: br#"{"message":"Invalid session for the user."}"#.to_vec(),
        };
        assert!(s.handle(&expired, 0).is_err());
        assert!(s.is_finished());
        Ok(())
    }

    #[test]
    fn missing_required_attribute_returns_to_the_new_password_step() -> Result<(), Error> {
        let (mut s, _) = start_password()?;
        let _ = s.handle(
            &ok(r#"{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"n1","ChallengeParameters":{"userAttributes":"{}","requiredAttributes":"[\"userAttributes.name\"]"}}"#),
            0,
        )?;
        let _ = s.confirm(ChallengeAnswer::NewPassword {
            password: Password::new("Long enough 1!"),
            attributes: vec![],
        })?;
        let missing = HttpResponse {
            status: 400,
            headers: vec![],
            body: br#"{"__type":"InvalidParameterException","message":"Invalid attributes given, name is missing"}"#.to_vec(),
        };
        let e = s.handle(&missing, 0);
        assert!(
            matches!(
                e,
                Err(Error::Service {
                    code: CognitoErrorCode::InvalidParameterException,
                    ..
                })
            ),
            "{e:?}"
        );
        assert_eq!(
            s.pending_step().map(NextStep::sign_in_step),
            Some("CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"),
            "the user can add the attribute and retry"
        );
        // Names with and without the prefix both end up prefixed once.
        let Step::Send(req) = s.confirm(ChallengeAnswer::NewPassword {
            password: Password::new("Long enough 1!"),
            attributes: vec![
                AttributeType::new("userAttributes.name", "Al"),
                AttributeType::new("family_name", "Bo"),
            ],
        })?
        else {
            panic!("expected a request");
        };
        let b = body(&req);
        let r = &b["ChallengeResponses"];
        assert_eq!(r["userAttributes.name"], "Al");
        assert_eq!(r["userAttributes.family_name"], "Bo");
        assert!(r.get("userAttributes.userAttributes.name").is_none(), "{r}");
        assert_eq!(b["Session"], "n1");
        Ok(())
    }

    #[test]
    fn invalid_parameter_elsewhere_still_ends_the_attempt() -> Result<(), Error> {
        let (mut s, _) = start_password()?;
        let _ = s.handle(
            &ok(
                r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"s1","ChallengeParameters":{}}"#,
            ),
            0,
        )?;
        let _ = s.confirm(ChallengeAnswer::Code("123456".into()))?;
        let bad = HttpResponse {
            status: 400,
            headers: vec![],
            body: br#"{"__type":"InvalidParameterException","message":"x"}"#.to_vec(),
        };
        assert!(s.handle(&bad, 0).is_err());
        assert!(s.is_finished());
        Ok(())
    }

    #[test]
    fn secret_hash_in_answers_uses_the_internal_username() -> Result<(), Error> {
        let cfg = config().with_client_secret(crate::types::ClientSecret::new("k"));
        let (mut s, first) = SignIn::start(
            &cfg,
            Username::new("alias@example.com"),
            Password::new("pw"),
            SignInOptions::default().with_flow(SignInFlow::UserPasswordAuth),
            &[],
        )?;
        assert_eq!(
            body(&first)["AuthParameters"]["SECRET_HASH"],
            cfg.secret_hash("alias@example.com").unwrap_or_default()
        );
        let _ = s.handle(
            &ok(r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"s","ChallengeParameters":{"USERNAME":"internal-1"}}"#),
            0,
        )?;
        let Step::Send(req) = s.confirm(ChallengeAnswer::Code("1".into()))? else {
            panic!("expected a request");
        };
        let b = body(&req);
        assert_eq!(b["ChallengeResponses"]["USERNAME"], "internal-1");
        assert_eq!(
            b["ChallengeResponses"]["SECRET_HASH"],
            cfg.secret_hash("internal-1").unwrap_or_default()
        );
        Ok(())
    }

    #[test]
    fn suspend_and_resume_a_paused_step() -> Result<(), Error> {
        let (mut s, _) = start_password()?;
        assert_eq!(s.suspend(0), None, "nothing to save while a request is out");
        let _ = s.handle(
            &ok(r#"{"ChallengeName":"SELECT_MFA_TYPE","Session":"m1","ChallengeParameters":{"USERNAME":"u-9","MFAS_CAN_CHOOSE":"[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"}}"#),
            100,
        )?;
        let saved = s.suspend(100).unwrap_or_default();
        assert!(!saved.contains("\"pw\""), "the password is never saved");

        let expired = SignIn::resume(&config(), &saved, 100 + SUSPEND_LIFETIME_SECS + 1);
        assert!(matches!(expired, Err(Error::InvalidState(_))));
        let other_client = ClientConfig::new(
            UserPoolId::parse("us-east-1_P")?,
            ClientId::new("someone-else"),
        );
        assert!(matches!(
            SignIn::resume(&other_client, &saved, 100),
            Err(Error::InvalidState(_))
        ));
        assert!(matches!(
            SignIn::resume(&config(), "{not json", 100),
            Err(Error::Parse { .. })
        ));

        let (mut r, step) = SignIn::resume(&config(), &saved, 150)?;
        assert_eq!(
            step,
            NextStep::ContinueSignInWithMfaSelection {
                allowed_mfa_types: vec![MfaType::Sms, MfaType::Totp]
            }
        );
        assert_eq!(r.username(), "u-9");
        let Step::Send(req) = r.confirm(ChallengeAnswer::Mfa(MfaType::Totp))? else {
            panic!("expected a request");
        };
        let b = body(&req);
        assert_eq!(b["Session"], "m1");
        assert_eq!(b["ChallengeResponses"]["ANSWER"], "SOFTWARE_TOKEN_MFA");
        assert_eq!(b["ChallengeResponses"]["USERNAME"], "u-9");
        Ok(())
    }

    #[test]
    fn resumes_what_the_serde_build_saved() -> Result<(), Error> {
        // Written by the build before crate::json (serde's derive: `null` for `None`, the step
        // tagged inside its own object); a reload across the upgrade still resumes it.
        let old = r#"{"version":1,"pool_id":"us-east-1_P","client_id":"c","username":"u-9","typed_username":"alice","password_flow":false,"challenge":"SELECT_MFA_TYPE","session":"m1","step":{"step":"MfaSelection","allowed":["SMS_MFA","SOFTWARE_TOKEN_MFA"]},"expires_at":280,"client_metadata":null,"friendly_device_name":null}"#;
        let (r, step) = SignIn::resume(&config(), old, 150)?;
        assert_eq!(
            step,
            NextStep::ContinueSignInWithMfaSelection {
                allowed_mfa_types: vec![MfaType::Sms, MfaType::Totp]
            }
        );
        assert_eq!(r.username(), "u-9");
        let totp = old.replace(
            r#"{"step":"MfaSelection","allowed":["SMS_MFA","SOFTWARE_TOKEN_MFA"]}"#,
            r#"{"step":"TotpCode"}"#,
        );
        let (_, step) = SignIn::resume(&config(), &totp, 150)?;
        assert_eq!(step, NextStep::ConfirmSignInWithTotpCode);
        // An unknown step is a parse error that keeps nothing of the saved text.
        let bad = old.replace("\"MfaSelection\"", "\"Teleport\"");
        match SignIn::resume(&config(), &bad, 150) {
            Err(Error::Parse { reason, raw, .. }) => {
                assert!(reason.contains("step"), "{reason}");
                assert!(!raw.contains("m1"), "{raw}");
            }
            other => panic!("expected a parse error, got {other:?}"),
        }
        Ok(())
    }

    #[test]
    fn totp_setup_uri_is_encoded() {
        let d = TotpSetupDetails {
            shared_secret: TotpSecret::new("ABC"),
            username: "a b".into(),
        };
        assert_eq!(
            d.setup_uri("My App", None),
            "otpauth://totp/My%20App:a%20b?secret=ABC&issuer=My%20App"
        );
    }

    #[test]
    fn debug_hides_codes_and_the_challenge_session() -> Result<(), Error> {
        let answer = ChallengeAnswer::Code("987654".into());
        assert_eq!(format!("{answer:?}"), "Code([redacted])");
        let answer = ChallengeAnswer::NewPassword {
            password: Password::new("n3w-Secret"),
            attributes: vec![AttributeType::new("name", "Al")],
        };
        let shown = format!("{answer:?}");
        assert!(
            !shown.contains("n3w-Secret") && shown.contains("Al"),
            "{shown}"
        );

        let (mut s, _) = start_password()?;
        let step = s.handle(
            &ok(r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"AYABeSecretSession","ChallengeParameters":{}}"#),
            0,
        )?;
        let shown = format!("{step:?} {s:?}");
        assert!(!shown.contains("AYABeSecretSession"), "{shown}");
        let Step::Send(req) = s.confirm(ChallengeAnswer::Code("987654".into()))? else {
            panic!("expected a request");
        };
        assert_eq!(body(&req)["Session"], "AYABeSecretSession", "still sent");
        assert!(!format!("{s:?}").contains("AYABeSecretSession"));
        Ok(())
    }

    #[test]
    fn mfa_lists_parse_leniently() {
        assert_eq!(
            mfa_types(Some(
                r#"["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP","X","SMS_MFA"]"#
            )),
            vec![MfaType::Sms, MfaType::Totp, MfaType::Email]
        );
        assert!(mfa_types(Some("not json")).is_empty());
        assert!(mfa_types(None).is_empty());
    }
}
