//! Drives [`SignIn`] against a scripted Cognito: a small fake server in this file that checks
//! every request the state machine emits (targets, sessions, usernames, `SECRET_HASH`, and the
//! SRP password claim through `cognito_srp`'s server side) and answers like the service.
//!
//! Only what the real server cannot produce is here: an internal username that differs from
//! every alias (a UUID), `PASSWORD_VERIFIER` without a `Session`, body-only namespaced error
//! types, `SELECT_MFA_TYPE`, SMS codes and email MFA setup. Every other flow runs against
//! `cognito-local` itself, through the client (`crates/client/tests`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use cognito_core::json::ToJson;
use cognito_core::ops::{
    AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse, AuthFlow, AuthenticationResult,
    ChallengeName, GetUser, GetUserRequest, GetUserResponse, InitiateAuthRequest,
    InitiateAuthResponse, ParamMap, RespondToAuthChallengeRequest, VerifySoftwareTokenRequest,
    VerifySoftwareTokenResponse, VerifySoftwareTokenStatus,
};
use cognito_core::session::SessionSource;
use cognito_core::signin::{
    ChallengeAnswer, MfaType, NextStep, SignIn, SignInFlow, SignInOptions, SrpEphemeral, Step,
};
use cognito_core::storage::{load_session, save_session, MemoryStorage, Storage};
use cognito_core::types::{
    AccessToken, ChallengeSession, ClientId, ClientSecret, IdToken, Password, RefreshToken,
    TotpSecret, UserPoolId, Username,
};
use cognito_core::wire::{
    self, secret_hash, target_of, ClientConfig, HttpRequest, HttpResponse, Transport,
};
use cognito_core::{CognitoErrorCode, Error};

const POOL: &str = "us-east-1_FlowPool1";
const CLIENT: &str = "flowclient";
const INTERNAL: &str = "7f3a-user-uuid";
const ALIAS: &str = "alice@example.com";
const PASSWORD: &str = "Correct horse 1!";
/// Tue Mar 5 09:04:07 UTC 2024: the day is not zero-padded in Cognito's TIMESTAMP.
const NOW: i64 = 1_709_629_447;
const TOTP_CODE: &str = "123456";

/// What the fake server asks for after the password is proven.
#[derive(Clone, Debug, PartialEq)]
enum After {
    Tokens,
    Totp,
    SelectMfa,
    MfaSetup(&'static str),
}

struct FakeCognito {
    after: After,
    secret: Option<ClientSecret>,
    /// Whether PASSWORD_VERIFIER comes with a Session (AWS sometimes sends none).
    verifier_session: bool,
    verifier: cognito_srp::Verifier,
    server_eph: RefCell<Option<(cognito_srp::ServerEphemeral, String)>>,
    session_seq: Cell<u32>,
    expected_session: RefCell<Option<String>>,
    log: RefCell<Vec<String>>,
    /// Set once MFA setup picked TOTP and verified it.
    totp_verified: Cell<bool>,
}

fn json_resp<T: ToJson>(v: &T) -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: vec![("Content-Type".into(), "application/x-amz-json-1.1".into())],
        body: cognito_core::json::to_vec(v),
    }
}

fn err_resp(code: &str, message: &str) -> HttpResponse {
    HttpResponse {
        status: 400,
        headers: vec![
            (
                "x-amzn-ErrorType".into(),
                format!("{code}:http://internal.amazon.com/coral/com.amazonaws.cognito.identity.idp.model/"),
            ),
            ("x-amzn-ErrorMessage".into(), message.into()),
        ],
        body: serde_json::to_vec(&serde_json::json!({"__type": code, "message": message}))
            .unwrap(),
    }
}

/// An unsigned JWT with Cognito's claims (the client decodes, never verifies).
fn jwt(claims: &serde_json::Value) -> String {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.fake-signature",
        b64(r#"{"kid":"k1","alg":"RS256"}"#),
        b64(&claims.to_string())
    )
}

/// The server's clock: `NOW` on the client is 5 s ahead of it.
const SERVER_NOW: i64 = NOW - 5;

fn access_jwt() -> String {
    access_jwt_at(SERVER_NOW)
}

/// An access token issued at `iat` (server clock) for an hour.
fn access_jwt_at(iat: i64) -> String {
    jwt(&serde_json::json!({
        "sub": "sub-7f3a", "iss": format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}"),
        "client_id": CLIENT, "origin_jti": "ojti-1", "event_id": "ev-1", "token_use": "access",
        "scope": "aws.cognito.signin.user.admin", "auth_time": SERVER_NOW,
        "exp": iat + 3600, "iat": iat, "jti": format!("jti-a-{iat}"), "username": INTERNAL,
    }))
}

fn id_jwt_at(iat: i64) -> String {
    jwt(&serde_json::json!({
        "sub": "sub-7f3a", "iss": format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}"),
        "cognito:username": INTERNAL, "origin_jti": "ojti-1", "aud": CLIENT, "event_id": "ev-1",
        "token_use": "id", "auth_time": SERVER_NOW, "exp": iat + 3600, "iat": iat,
        "jti": format!("jti-i-{iat}"), "email": ALIAS, "email_verified": true,
    }))
}

/// Tokens issued at `iat` (server clock), with `refresh` as the refresh token.
fn tokens_at(iat: i64, refresh: Option<&str>) -> AuthenticationResult {
    AuthenticationResult {
        access_token: AccessToken::new(access_jwt_at(iat)),
        expires_in: 3600,
        token_type: "Bearer".into(),
        refresh_token: refresh.map(RefreshToken::new),
        id_token: Some(IdToken::new(id_jwt_at(iat))),
        new_device_metadata: None,
    }
}

fn tokens() -> AuthenticationResult {
    tokens_at(SERVER_NOW, Some("refresh-opaque"))
}

impl FakeCognito {
    fn new(after: After) -> Self {
        let pool_name = POOL.split('_').nth(1).unwrap();
        Self {
            after,
            secret: None,
            verifier_session: true,
            verifier: cognito_srp::make_verifier(pool_name, INTERNAL, PASSWORD, &[0x5a; 16]),
            server_eph: RefCell::new(None),
            session_seq: Cell::new(0),
            expected_session: RefCell::new(None),
            log: RefCell::new(Vec::new()),
            totp_verified: Cell::new(false),
        }
    }

    fn config(&self) -> ClientConfig {
        let c = ClientConfig::new(UserPoolId::parse(POOL).unwrap(), ClientId::new(CLIENT));
        match &self.secret {
            Some(s) => c.with_client_secret(s.clone()),
            None => c,
        }
    }

    fn new_session(&self) -> ChallengeSession {
        self.session_seq.set(self.session_seq.get() + 1);
        let s = format!("session-{}", self.session_seq.get());
        *self.expected_session.borrow_mut() = Some(s.clone());
        ChallengeSession::new(s)
    }

    fn check_session(&self, got: Option<&ChallengeSession>) {
        let expected = self.expected_session.borrow().clone();
        assert_eq!(
            got.map(|s| s.as_str().to_owned()),
            expected,
            "the client must echo exactly the last session"
        );
    }

    fn check_secret_hash(&self, params: &ParamMap, username: &str) {
        let expected = self
            .secret
            .as_ref()
            .map(|s| secret_hash(s, username, &ClientId::new(CLIENT)));
        assert_eq!(
            params.get("SECRET_HASH").map(str::to_owned),
            expected,
            "SECRET_HASH must hash {username:?}"
        );
    }

    fn challenge(&self, name: ChallengeName, params: ParamMap) -> HttpResponse {
        json_resp(&InitiateAuthResponse {
            challenge_name: Some(name),
            session: Some(self.new_session()),
            challenge_parameters: Some(params.with("USERNAME", INTERNAL)),
            authentication_result: None,
            available_challenges: None,
        })
    }

    fn done(&self) -> HttpResponse {
        *self.expected_session.borrow_mut() = None;
        json_resp(&InitiateAuthResponse {
            authentication_result: Some(tokens()),
            challenge_parameters: Some(ParamMap::new()),
            ..Default::default()
        })
    }

    fn after_password(&self) -> HttpResponse {
        match &self.after {
            After::Tokens => self.done(),
            After::Totp => self.challenge(ChallengeName::SoftwareTokenMfa, ParamMap::new()),
            After::SelectMfa => self.challenge(
                ChallengeName::SelectMfaType,
                ParamMap::new().with("MFAS_CAN_CHOOSE", r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#),
            ),
            After::MfaSetup(can) => self.challenge(
                ChallengeName::MfaSetup,
                ParamMap::new().with("MFAS_CAN_SETUP", *can),
            ),
        }
    }

    fn handle(&self, req: &HttpRequest) -> HttpResponse {
        assert_eq!(req.url, "http://localhost:9229/");
        assert_eq!(
            req.header("content-type"),
            Some("application/x-amz-json-1.1")
        );
        let op = target_of(req).expect("X-Amz-Target").to_owned();
        self.log.borrow_mut().push(op.clone());
        match op.as_str() {
            "InitiateAuth" => self.initiate(cognito_core::json::from_slice(&req.body).unwrap()),
            "RespondToAuthChallenge" => {
                self.respond(cognito_core::json::from_slice(&req.body).unwrap())
            }
            "AssociateSoftwareToken" => {
                let r: AssociateSoftwareTokenRequest =
                    cognito_core::json::from_slice(&req.body).unwrap();
                self.check_session(r.session.as_ref());
                assert!(r.access_token.is_none());
                json_resp(&AssociateSoftwareTokenResponse {
                    secret_code: TotpSecret::new("JBSWY3DPEHPK3PXP"),
                    session: Some(self.new_session()),
                })
            }
            "VerifySoftwareToken" => {
                let r: VerifySoftwareTokenRequest =
                    cognito_core::json::from_slice(&req.body).unwrap();
                self.check_session(r.session.as_ref());
                if r.user_code.secret() != TOTP_CODE {
                    return json_resp(&VerifySoftwareTokenResponse {
                        status: Some(VerifySoftwareTokenStatus::Error),
                        session: None,
                    });
                }
                self.totp_verified.set(true);
                json_resp(&VerifySoftwareTokenResponse {
                    status: Some(VerifySoftwareTokenStatus::Success),
                    session: Some(self.new_session()),
                })
            }
            "GetUser" => {
                let r: GetUserRequest = cognito_core::json::from_slice(&req.body).unwrap();
                if r.access_token.secret() != access_jwt() {
                    return err_resp("NotAuthorizedException", "Invalid Access Token");
                }
                json_resp(&GetUserResponse {
                    username: Username::new(INTERNAL),
                    user_attributes: vec![],
                    mfa_options: None,
                    preferred_mfa_setting: None,
                    user_mfa_setting_list: None,
                })
            }
            other => err_resp("UnknownOperationException", other),
        }
    }

    fn initiate(&self, r: InitiateAuthRequest) -> HttpResponse {
        assert_eq!(r.client_id.as_str(), CLIENT);
        assert!(r.session.is_none());
        let params = r.auth_parameters.expect("AuthParameters");
        let typed = params.get("USERNAME").expect("USERNAME");
        self.check_secret_hash(&params, typed);
        match typed {
            "nobody" => {
                // Body-only error type, namespaced, as some proxies and older endpoints send.
                return HttpResponse {
                    status: 400,
                    headers: vec![],
                    body: br#"{"__type":"com.amazonaws#UserNotFoundException","message":"User does not exist."}"#.to_vec(),
                };
            }
            "pending" => return err_resp("UserNotConfirmedException", "User is not confirmed."),
            ALIAS | INTERNAL => {}
            _ => panic!("unexpected user {typed}"),
        }
        match r.auth_flow {
            AuthFlow::UserSrpAuth => {
                let a_pub = params.get("SRP_A").expect("SRP_A").to_owned();
                let eph = cognito_srp::ServerEphemeral::new(&[0x42; 64], &self.verifier).unwrap();
                let b_pub = eph.b_pub_hex();
                *self.server_eph.borrow_mut() = Some((eph, a_pub));
                let session = if self.verifier_session {
                    Some(self.new_session())
                } else {
                    *self.expected_session.borrow_mut() = None;
                    None
                };
                json_resp(&InitiateAuthResponse {
                    challenge_name: Some(ChallengeName::PasswordVerifier),
                    session,
                    challenge_parameters: Some(
                        ParamMap::new()
                            .with("SALT", self.verifier.salt_hex.clone())
                            .with("SRP_B", b_pub)
                            .with("SECRET_BLOCK", "c2VjcmV0IGJsb2NrIGJ5dGVz")
                            .with("USERNAME", INTERNAL)
                            .with("USER_ID_FOR_SRP", INTERNAL),
                    ),
                    authentication_result: None,
                    available_challenges: None,
                })
            }
            AuthFlow::UserPasswordAuth => {
                if params.get("PASSWORD") != Some(PASSWORD) {
                    return err_resp("NotAuthorizedException", "Incorrect username or password.");
                }
                self.after_password()
            }
            other => panic!("unexpected flow {other}"),
        }
    }

    fn respond(&self, r: RespondToAuthChallengeRequest) -> HttpResponse {
        assert_eq!(r.client_id.as_str(), CLIENT);
        self.check_session(r.session.as_ref());
        let resp = r.challenge_responses.expect("ChallengeResponses");
        assert_eq!(
            resp.get("USERNAME"),
            Some(INTERNAL),
            "answers use the internal username"
        );
        self.check_secret_hash(&resp, INTERNAL);
        match r.challenge_name {
            ChallengeName::PasswordVerifier => {
                let timestamp = resp.get("TIMESTAMP").expect("TIMESTAMP");
                assert_eq!(timestamp, "Tue Mar 5 09:04:07 UTC 2024");
                assert_eq!(
                    resp.get("PASSWORD_CLAIM_SECRET_BLOCK"),
                    Some("c2VjcmV0IGJsb2NrIGJ5dGVz")
                );
                let guard = self.server_eph.borrow();
                let (eph, a_pub) = guard.as_ref().expect("InitiateAuth first");
                let ok = cognito_srp::verify_password_claim(
                    eph,
                    &self.verifier,
                    &cognito_srp::ClaimCheck {
                        pool_name: POOL.split('_').nth(1).unwrap(),
                        user_id_for_srp: INTERNAL,
                        a_pub_hex: a_pub,
                        secret_block_b64: "c2VjcmV0IGJsb2NrIGJ5dGVz",
                        timestamp,
                        signature_b64: resp.get("PASSWORD_CLAIM_SIGNATURE").expect("signature"),
                    },
                );
                if ok.is_err() {
                    return err_resp("NotAuthorizedException", "Incorrect username or password.");
                }
                self.after_password()
            }
            ChallengeName::NewPasswordRequired => {
                assert_eq!(resp.get("NEW_PASSWORD"), Some("A new password 2!"));
                if resp.get("userAttributes.name").is_none() {
                    return err_resp(
                        "InvalidParameterException",
                        "Missing required attribute name",
                    );
                }
                self.done()
            }
            ChallengeName::SoftwareTokenMfa => {
                if resp.get("SOFTWARE_TOKEN_MFA_CODE") != Some(TOTP_CODE) {
                    // Cognito keeps the session valid for another attempt.
                    let s = self.expected_session.borrow().clone();
                    let r = err_resp(
                        "CodeMismatchException",
                        "Invalid code or auth state for the user.",
                    );
                    *self.expected_session.borrow_mut() = s;
                    return r;
                }
                self.done()
            }
            ChallengeName::SelectMfaType => match resp.get("ANSWER") {
                Some("SOFTWARE_TOKEN_MFA") => {
                    self.challenge(ChallengeName::SoftwareTokenMfa, ParamMap::new())
                }
                Some("SMS_MFA") => self.challenge(
                    ChallengeName::SmsMfa,
                    ParamMap::new()
                        .with("CODE_DELIVERY_DELIVERY_MEDIUM", "SMS")
                        .with("CODE_DELIVERY_DESTINATION", "+*******0100"),
                ),
                other => panic!("bad ANSWER {other:?}"),
            },
            ChallengeName::SmsMfa => {
                assert_eq!(resp.get("SMS_MFA_CODE"), Some("654321"));
                self.done()
            }
            ChallengeName::MfaSetup => {
                if let Some(email) = resp.get("EMAIL") {
                    assert_eq!(email, "alice@example.com");
                    return self.challenge(
                        ChallengeName::EmailOtp,
                        ParamMap::new()
                            .with("CODE_DELIVERY_DELIVERY_MEDIUM", "EMAIL")
                            .with("CODE_DELIVERY_DESTINATION", "a***@e***"),
                    );
                }
                assert!(
                    self.totp_verified.get(),
                    "MFA_SETUP answered before VerifySoftwareToken"
                );
                self.done()
            }
            ChallengeName::EmailOtp => {
                assert_eq!(resp.get("EMAIL_OTP_CODE"), Some("777888"));
                self.done()
            }
            other => panic!("unexpected challenge {other}"),
        }
    }
}

fn config_of(server: &FakeCognito) -> ClientConfig {
    server
        .config()
        .with_endpoint("http://localhost:9229")
        .unwrap()
}

/// Starts a sign-in and feeds it the server's answer to the first request; that step may fail.
fn begin(
    server: &FakeCognito,
    username: &str,
    password: &str,
    flow: SignInFlow,
) -> (SignIn, Result<Step, Error>) {
    let (mut signin, first) = SignIn::start(
        &config_of(server),
        Username::new(username),
        Password::new(password),
        SignInOptions::default().with_flow(flow),
        &[0x17; 128],
    )
    .unwrap();
    let step = signin.handle(&server.handle(&first), NOW);
    (signin, step)
}

/// [`begin`], for a first answer that is not an error.
fn start(server: &FakeCognito, username: &str, password: &str, flow: SignInFlow) -> (SignIn, Step) {
    let (signin, step) = begin(server, username, password, flow);
    (
        signin,
        step.unwrap_or_else(|e| panic!("first response: {e}")),
    )
}

/// Sends requests until the machine stops at a next step (or fails).
fn run(server: &FakeCognito, signin: &mut SignIn, mut step: Step) -> Result<NextStep, Error> {
    loop {
        match step {
            Step::Send(req) => step = signin.handle(&server.handle(&req), NOW)?,
            Step::Compute => step = signin.compute()?,
            Step::Next(next) => return Ok(next),
        }
    }
}

/// Answers the paused step with `code` and runs to the next step (or a failure).
fn confirm_code(server: &FakeCognito, signin: &mut SignIn, code: &str) -> Result<NextStep, Error> {
    let step = signin.confirm(ChallengeAnswer::Code(code.into())).unwrap();
    run(server, signin, step)
}

fn assert_done(next: &NextStep) {
    match next {
        NextStep::Done(tokens) => {
            assert_eq!(tokens.access_token.secret(), access_jwt());
            assert_eq!(next.sign_in_step(), "DONE");
        }
        other => panic!("expected DONE, got {}", other.sign_in_step()),
    }
}

#[test]
fn srp_sign_in_with_alias_reaches_done_and_names_the_internal_user() {
    let server = FakeCognito::new(After::Tokens);
    let (mut signin, step) = start(&server, ALIAS, PASSWORD, SignInFlow::UserSrpAuth);
    let next = run(&server, &mut signin, step).unwrap();
    assert_done(&next);
    assert_eq!(signin.username(), INTERNAL);
    assert_eq!(signin.typed_username().as_str(), ALIAS);
    assert!(signin.is_finished());
    assert_eq!(
        *server.log.borrow(),
        ["InitiateAuth", "RespondToAuthChallenge"]
    );
}

#[test]
fn a_precomputed_ephemeral_is_sent_and_the_claim_is_two_pieces_of_work() {
    let server = FakeCognito::new(After::Tokens);
    let eph = SrpEphemeral::new(&[0x2b; 32]).unwrap();
    let a_pub = eph.a_pub_hex();
    assert!(!format!("{eph:?}").contains("2b2b"), "Debug hides a");
    let (mut signin, first) = SignIn::start_with_ephemeral(
        &config_of(&server),
        Username::new(ALIAS),
        Password::new(PASSWORD),
        SignInOptions::default(),
        Some(eph),
    )
    .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(body["AuthParameters"]["SRP_A"], a_pub.as_str());
    // Nothing to compute before the challenge arrives.
    assert!(matches!(signin.compute(), Err(Error::InvalidState(_))));
    let mut step = signin.handle(&server.handle(&first), NOW).unwrap();
    // g^x, half of S, the rest and the signature; then the answer (the fake server checks it).
    for piece in ["g^x", "S, first half", "S, the rest"] {
        assert!(matches!(step, Step::Compute), "{piece}: expected SRP work");
        step = signin.compute().unwrap();
    }
    let Step::Send(answer) = step else {
        panic!("expected RespondToAuthChallenge")
    };
    assert!(matches!(signin.compute(), Err(Error::InvalidState(_))));
    let step = signin.handle(&server.handle(&answer), NOW).unwrap();
    assert_done(&run(&server, &mut signin, step).unwrap());
}

#[test]
fn srp_without_an_ephemeral_is_refused_and_the_password_flow_needs_none() {
    let server = FakeCognito::new(After::Tokens);
    let start = |flow| {
        SignIn::start_with_ephemeral(
            &config_of(&server),
            Username::new(ALIAS),
            Password::new(PASSWORD),
            SignInOptions::default().with_flow(flow),
            None,
        )
    };
    assert!(matches!(
        start(SignInFlow::UserSrpAuth),
        Err(Error::InvalidArgument(_))
    ));
    assert!(start(SignInFlow::UserPasswordAuth).is_ok());
}

#[test]
fn done_becomes_a_stored_session_under_the_internal_username() {
    let server = FakeCognito::new(After::Tokens);
    let (mut signin, step) = start(&server, ALIAS, PASSWORD, SignInFlow::UserSrpAuth);
    let NextStep::Done(result) = run(&server, &mut signin, step).unwrap() else {
        panic!("expected DONE");
    };
    let session = signin.session(result, NOW).unwrap();
    assert_eq!(session.username(), INTERNAL);
    assert_eq!(session.clock_drift(), 5);
    assert_eq!(session.source(), SessionSource::UserPool);
    assert_eq!(
        session.id_claims().and_then(|c| c.email.as_deref()),
        Some(ALIAS)
    );
    assert!(session.is_valid(NOW));
    assert!(session.check_client(&ClientId::new(CLIENT)).is_ok());

    let storage = MemoryStorage::new();
    let client = ClientId::new(CLIENT);
    save_session(&storage, &client, &session).unwrap();
    let prefix = format!("CognitoIdentityServiceProvider.{CLIENT}");
    assert_eq!(
        storage
            .get(&format!("{prefix}.LastAuthUser"))
            .unwrap()
            .as_deref(),
        Some(INTERNAL),
        "stored under the internal username, not the alias typed"
    );
    let back = load_session(&storage, &client).unwrap().expect("signed in");
    assert_eq!(back.username(), INTERNAL);
    assert_eq!(back.access_token(), session.access_token());
    assert_eq!(
        back.refresh_token().map(RefreshToken::secret),
        Some("refresh-opaque")
    );
    assert_eq!(back.clock_drift(), 5);
    // `exp` is SERVER_NOW + 3600, i.e. NOW + 3600 on the local clock (5 s ahead); the
    // session counts as expired 5 s before that.
    assert!(back.is_valid(NOW + 3594));
    assert!(!back.is_valid(NOW + 3595));
}

#[test]
fn session_username_falls_back_to_the_sign_in_username() {
    // Tokens without a username claim (a minimal local server) are stored under
    // `SignIn::username`.
    let server = FakeCognito::new(After::Tokens);
    let (mut signin, step) = start(&server, ALIAS, PASSWORD, SignInFlow::UserSrpAuth);
    let NextStep::Done(mut result) = run(&server, &mut signin, step).unwrap() else {
        panic!("expected DONE");
    };
    result.access_token = AccessToken::new(jwt(
        &serde_json::json!({"token_use": "access", "iat": SERVER_NOW, "exp": SERVER_NOW + 60}),
    ));
    result.id_token = None;
    let session = signin.session(result, NOW).unwrap();
    assert_eq!(session.username(), INTERNAL);
    let storage = MemoryStorage::new();
    save_session(&storage, &ClientId::new(CLIENT), &session).unwrap();
    let back = load_session(&storage, &ClientId::new(CLIENT))
        .unwrap()
        .expect("signed in");
    assert_eq!(back.username(), INTERNAL);
}

#[test]
fn srp_without_verifier_session_does_not_send_one() {
    let mut server = FakeCognito::new(After::Tokens);
    server.verifier_session = false;
    let (mut signin, step) = start(&server, ALIAS, PASSWORD, SignInFlow::UserSrpAuth);
    assert_done(&run(&server, &mut signin, step).unwrap());
}

#[test]
fn srp_with_client_secret_hashes_typed_then_internal_username() {
    let mut server = FakeCognito::new(After::Totp);
    server.secret = Some(ClientSecret::new("s3cr3t"));
    let (mut signin, step) = start(&server, ALIAS, PASSWORD, SignInFlow::UserSrpAuth);
    let next = run(&server, &mut signin, step).unwrap();
    assert_eq!(next.sign_in_step(), "CONFIRM_SIGN_IN_WITH_TOTP_CODE");
    assert_done(&confirm_code(&server, &mut signin, TOTP_CODE).unwrap());
}

#[test]
fn unknown_user_is_read_from_a_namespaced_body_type() {
    let server = FakeCognito::new(After::Tokens);
    let (_, first) = begin(&server, "nobody", PASSWORD, SignInFlow::UserSrpAuth);
    let err = first.unwrap_err();
    assert_eq!(
        err.service_code(),
        Some(&CognitoErrorCode::UserNotFoundException)
    );
    assert_eq!(err.name(), "UserNotFoundException");
    assert_eq!(
        err.to_string(),
        "UserNotFoundException: User does not exist."
    );
}

#[test]
fn mfa_setup_selection_email_path() {
    let server = FakeCognito::new(After::MfaSetup(r#"["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#));
    let (mut signin, step) = start(&server, ALIAS, PASSWORD, SignInFlow::UserSrpAuth);
    let next = run(&server, &mut signin, step).unwrap();
    assert_eq!(
        next,
        NextStep::ContinueSignInWithMfaSetupSelection {
            allowed_mfa_types: vec![MfaType::Totp, MfaType::Email]
        }
    );
    assert!(matches!(
        signin.confirm(ChallengeAnswer::Mfa(MfaType::Sms)),
        Err(Error::InvalidArgument(_))
    ));
    // Picking email needs no request: the next step asks for the address.
    match signin.confirm_text("EMAIL", vec![]).unwrap() {
        Step::Next(next) => assert_eq!(next.sign_in_step(), "CONTINUE_SIGN_IN_WITH_EMAIL_SETUP"),
        other => panic!("unexpected {other:?}"),
    }
    let step = signin.confirm_text("alice@example.com", vec![]).unwrap();
    let next = run(&server, &mut signin, step).unwrap();
    match &next {
        NextStep::ConfirmSignInWithEmailCode {
            code_delivery_details,
        } => assert_eq!(
            code_delivery_details.destination.as_deref(),
            Some("a***@e***")
        ),
        other => panic!("unexpected {}", other.sign_in_step()),
    }
    assert_done(&confirm_code(&server, &mut signin, "777888").unwrap());
}

#[test]
fn select_mfa_type_then_sms_code() {
    let server = FakeCognito::new(After::SelectMfa);
    let (mut signin, step) = start(&server, ALIAS, PASSWORD, SignInFlow::UserSrpAuth);
    let next = run(&server, &mut signin, step).unwrap();
    assert_eq!(next.sign_in_step(), "CONTINUE_SIGN_IN_WITH_MFA_SELECTION");
    assert_eq!(
        next,
        NextStep::ContinueSignInWithMfaSelection {
            allowed_mfa_types: vec![MfaType::Sms, MfaType::Totp]
        }
    );
    assert!(matches!(
        signin.confirm_text("EMAIL", vec![]),
        Err(Error::InvalidArgument(_))
    ));
    let step = signin.confirm_text("SMS", vec![]).unwrap();
    let next = run(&server, &mut signin, step).unwrap();
    match &next {
        NextStep::ConfirmSignInWithSmsCode {
            code_delivery_details,
        } => assert_eq!(
            code_delivery_details.destination.as_deref(),
            Some("+*******0100")
        ),
        other => panic!("unexpected {}", other.sign_in_step()),
    }
    assert_done(&confirm_code(&server, &mut signin, "654321").unwrap());
}

#[test]
fn select_mfa_type_then_totp() {
    let server = FakeCognito::new(After::SelectMfa);
    let (mut signin, step) = start(&server, ALIAS, PASSWORD, SignInFlow::UserSrpAuth);
    run(&server, &mut signin, step).unwrap();
    let step = signin.confirm(ChallengeAnswer::Mfa(MfaType::Totp)).unwrap();
    assert_eq!(
        run(&server, &mut signin, step).unwrap(),
        NextStep::ConfirmSignInWithTotpCode
    );
    assert_done(&confirm_code(&server, &mut signin, TOTP_CODE).unwrap());
}

// ---------------------------------------------------------------------------------------------
// The Transport trait with a native adapter and a minimal executor.
// ---------------------------------------------------------------------------------------------

struct Loopback<'a>(&'a FakeCognito);

impl Transport for Loopback<'_> {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, Error> {
        Ok(self.0.handle(&req))
    }
}

struct NoopWake;
impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

fn block_on<F: Future>(f: F) -> F::Output {
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[test]
fn call_sends_through_a_transport_and_parses_errors() {
    let server = FakeCognito::new(After::Tokens);
    let config = config_of(&server);
    let user = block_on(wire::call::<GetUser, _>(
        &Loopback(&server),
        &config,
        &GetUserRequest {
            access_token: AccessToken::new(access_jwt()),
        },
    ))
    .unwrap();
    assert_eq!(user.username.as_str(), INTERNAL);
    let err = block_on(wire::call::<GetUser, _>(
        &Loopback(&server),
        &config,
        &GetUserRequest {
            access_token: AccessToken::new("revoked"),
        },
    ))
    .unwrap_err();
    assert_eq!(
        err.service_code(),
        Some(&CognitoErrorCode::NotAuthorizedException)
    );
}
