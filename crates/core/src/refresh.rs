//! Refreshing a session's tokens, as values.
//!
//! Three ways to trade a refresh token for new ID and access tokens, picked by
//! [`RefreshMethod`]:
//!
//! | Method | Wire | Used by | Refresh token |
//! |---|---|---|---|
//! | [`InitiateAuth`](RefreshMethod::InitiateAuth) | `InitiateAuth` `REFRESH_TOKEN_AUTH` | amazon-cognito-identity-js, Amplify < 6.14 | kept |
//! | [`GetTokensFromRefreshToken`](RefreshMethod::GetTokensFromRefreshToken) | `GetTokensFromRefreshToken` | Amplify ≥ 6.14 | rotated when the app client rotates |
//! | [`OAuth`](RefreshMethod::OAuth) | `POST /oauth2/token`, `grant_type=refresh_token` | hosted-UI clients | rotated when the app client rotates |
//!
//! [`build_request`] makes the request, [`apply_response`] folds the answer into the session
//! ([`Session::apply_refresh`]: the old refresh token is kept unless a new one came), and
//! [`store_outcome`] writes the result to storage with the one rule adapters must not get wrong:
//!
//! **Only a dead refresh token ends the session.** [`Error::is_session_ended`]
//! (`NotAuthorizedException` such as `Refresh Token has been revoked`, OAuth `invalid_grant`)
//! clears the stored tokens; a network error, a 5xx, throttling or an unreadable answer
//! ([`Error::is_transient`]) leaves them in place, so a user who goes through a tunnel is not
//! signed out.
//!
//! ```
//! use cognito_core::refresh::{apply_response, build_request, store_outcome, RefreshMethod};
//! use cognito_core::session::{Session, Tokens};
//! use cognito_core::storage::MemoryStorage;
//! use cognito_core::types::{AccessToken, ClientId, RefreshToken, UserPoolId};
//! use cognito_core::wire::{ClientConfig, HttpResponse};
//! # use base64::Engine as _;
//! # let jwt = |p: &str| { let b = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
//! #     format!("{}.{}.sig", b(r#"{"alg":"RS256"}"#), b(p)) };
//! # let old = jwt(r#"{"token_use":"access","username":"alice","iat":1000,"exp":4600}"#);
//! # let new = jwt(r#"{"token_use":"access","username":"alice","iat":4500,"exp":8100}"#);
//! let config = ClientConfig::new(UserPoolId::parse("eu-west-1_Abc123")?, ClientId::new("client"));
//! let session = Session::new(
//!     Tokens::new(None, AccessToken::new(old), Some(RefreshToken::new("rt"))),
//!     1000,
//! )?;
//! let method = RefreshMethod::InitiateAuth;
//! let req = build_request(&session, &config, &method)?;
//! // ... send `req` ...
//! let resp = HttpResponse {
//!     status: 200,
//!     headers: vec![],
//!     body: format!(r#"{{"AuthenticationResult":{{"AccessToken":"{new}","ExpiresIn":3600,"TokenType":"Bearer"}}}}"#)
//!         .into_bytes(),
//! };
//! let storage = MemoryStorage::new();
//! let refreshed = store_outcome(
//!     &storage,
//!     &config.client_id,
//!     apply_response(&session, &method, &resp, 4500),
//! )?;
//! assert_eq!(refreshed.expires_at(), 8100);
//! assert_eq!(refreshed.refresh_token().map(RefreshToken::secret), Some("rt"));
//! # Ok::<(), cognito_core::Error>(())
//! ```

use crate::error::Error;
use crate::oauth::{parse_token_response, OAuthConfig};
use crate::ops::{
    GetTokensFromRefreshToken, GetTokensFromRefreshTokenRequest, InitiateAuth, InitiateAuthRequest,
    InitiateAuthResponse, Operation,
};
use crate::session::{Session, SessionSource, Tokens};
use crate::storage::{clear_session, save_session, Storage};
use crate::types::{ClientId, RefreshToken};
use crate::wire::{parse_error, parse_json_body, request, ClientConfig, HttpRequest, HttpResponse};

/// How to refresh tokens (see the [module docs](self) for who uses which).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum RefreshMethod {
    /// `InitiateAuth` with `AuthFlow: REFRESH_TOKEN_AUTH` (amazon-cognito-identity-js, Amplify
    /// < 6.14). The answer has no refresh token; the old one is kept. With a client secret,
    /// `SECRET_HASH` hashes the session's username (the access token's `username` claim,
    /// Cognito's internal username, not an alias the user typed).
    #[default]
    InitiateAuth,
    /// `GetTokensFromRefreshToken` (Amplify ≥ 6.14). With refresh-token rotation on, the
    /// answer carries a new refresh token, which replaces the old (now invalid) one. A client
    /// secret is sent as `ClientSecret`, not hashed.
    GetTokensFromRefreshToken,
    /// The OAuth 2.0 `refresh_token` grant at the hosted UI's `/oauth2/token`. A client secret
    /// goes in `Authorization: Basic`.
    OAuth(OAuthConfig),
}

impl RefreshMethod {
    /// The method for `session`: the OAuth grant for a [`SessionSource::HostedUi`] session when
    /// `oauth` is given, otherwise `user_pool` (Amplify v6 refreshes hosted-UI sessions through
    /// the user-pool API too, which also works).
    #[must_use]
    pub fn for_session(
        session: &Session,
        user_pool: RefreshMethod,
        oauth: Option<&OAuthConfig>,
    ) -> RefreshMethod {
        match (session.source(), oauth) {
            (SessionSource::HostedUi, Some(o)) => RefreshMethod::OAuth(o.clone()),
            _ => user_pool,
        }
    }

    /// The operation or endpoint name, for logs: `InitiateAuth`, `GetTokensFromRefreshToken`
    /// or `oauth2/token`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            RefreshMethod::InitiateAuth => "InitiateAuth",
            RefreshMethod::GetTokensFromRefreshToken => "GetTokensFromRefreshToken",
            RefreshMethod::OAuth(_) => "oauth2/token",
        }
    }
}

fn refresh_token(session: &Session) -> Result<&RefreshToken, Error> {
    session.refresh_token().ok_or_else(|| {
        Error::InvalidState("the session has no refresh token; sign in again".to_owned())
    })
}

/// The request that refreshes `session` with `method`.
///
/// # Errors
/// [`Error::InvalidState`] when the session has no refresh token (nothing is sent; the
/// stored session is still whatever it was).
pub fn build_request(
    session: &Session,
    config: &ClientConfig,
    method: &RefreshMethod,
) -> Result<HttpRequest, Error> {
    let token = refresh_token(session)?;
    match method {
        RefreshMethod::InitiateAuth => request::<InitiateAuth>(
            config,
            &InitiateAuthRequest::refresh(config, token, session.username()),
        ),
        RefreshMethod::GetTokensFromRefreshToken => request::<GetTokensFromRefreshToken>(
            config,
            &GetTokensFromRefreshTokenRequest::new(config, token.clone()),
        ),
        RefreshMethod::OAuth(oauth) => Ok(oauth.refresh_token_request(token)),
    }
}

/// Reads the answer to [`build_request`] and returns the refreshed session, measuring the
/// clock drift again at `now` (Unix seconds, local clock).
///
/// # Errors
/// - [`Error::Service`] / [`Error::OAuth`] for an error answer; check
///   [`Error::is_session_ended`] before dropping the stored tokens.
/// - [`Error::Parse`] for an answer that is not the expected JSON (transient: the stored
///   session is kept).
/// - [`Error::InvalidState`] when `REFRESH_TOKEN_AUTH` or `GetTokensFromRefreshToken` is
///   answered with a challenge instead of tokens: not transient, since asking again gets the
///   same challenge; the stored session is kept, and the user has to sign in to get past it.
/// - As [`Session::apply_refresh`] when the new tokens do not decode or name another user.
pub fn apply_response(
    session: &Session,
    method: &RefreshMethod,
    resp: &HttpResponse,
    now: i64,
) -> Result<Session, Error> {
    let tokens: Tokens = match method {
        RefreshMethod::InitiateAuth => tokens_or_challenge::<InitiateAuth>(resp)?,
        RefreshMethod::GetTokensFromRefreshToken => {
            tokens_or_challenge::<GetTokensFromRefreshToken>(resp)?
        }
        RefreshMethod::OAuth(_) => parse_token_response(resp)?.into(),
    };
    session.apply_refresh(tokens, now)
}

/// The tokens of a Cognito refresh answer, read with the `InitiateAuth` output shape (a
/// superset of `GetTokensFromRefreshToken`'s) so that a challenge is recognised as such
/// instead of failing as a missing `AuthenticationResult`.
fn tokens_or_challenge<O: Operation>(resp: &HttpResponse) -> Result<Tokens, Error> {
    if !resp.is_success() {
        return Err(parse_error(resp));
    }
    let what = format!("{} response", O::NAME);
    let r: InitiateAuthResponse = parse_json_body(&what, &resp.body)?;
    match (r.authentication_result, r.challenge_name) {
        (Some(result), _) => Ok(result.into()),
        (None, Some(challenge)) => Err(Error::InvalidState(format!(
            "refresh ({}) answered with challenge {challenge} instead of tokens",
            O::NAME
        ))),
        (None, None) => Err(Error::parse(
            what,
            "neither AuthenticationResult nor ChallengeName",
            "",
        )),
    }
}

/// Stores the outcome of a refresh (the result of [`apply_response`], or the adapter's
/// transport error) and passes it on.
///
/// - `Ok(session)`: saved with [`save_session`].
/// - An error for which [`Error::is_session_ended`] holds: the stored session is removed with
///   [`clear_session`] (the user is signed out; report it, e.g. Amplify's
///   `tokenRefresh_failure` then `signedOut`).
/// - Any other error: storage is left untouched, so the next attempt can still refresh.
///
/// # Errors
/// The refresh error, unchanged; or [`Error::Storage`] when saving the new session fails.
/// A storage error while clearing an ended session is ignored in favour of the refresh error,
/// which is what the caller must act on.
pub fn store_outcome<S: Storage + ?Sized>(
    storage: &S,
    client_id: &ClientId,
    outcome: Result<Session, Error>,
) -> Result<Session, Error> {
    match outcome {
        Ok(session) => {
            save_session(storage, client_id, &session)?;
            Ok(session)
        }
        Err(e) => {
            if e.is_session_ended() {
                let _ = clear_session(storage, client_id);
            }
            Err(e)
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::error::CognitoErrorCode;
    use crate::storage::{load_session, MemoryStorage};
    use crate::types::{AccessToken, ClientSecret, IdToken, UserPoolId};
    use crate::wire::{secret_hash, target_of, Method};
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use base64::Engine as _;
    use serde_json::{json, Value};

    const CLIENT: &str = "client1";

    fn jwt(payload: &Value) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"k"}"#),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        )
    }

    fn access(iat: i64, exp: i64) -> String {
        jwt(&json!({
            "sub": "sub-1", "token_use": "access", "username": "u-internal",
            "client_id": CLIENT, "iat": iat, "exp": exp, "origin_jti": "o-1",
        }))
    }

    fn id(iat: i64, exp: i64) -> String {
        jwt(&json!({
            "sub": "sub-1", "token_use": "id", "cognito:username": "u-internal",
            "aud": CLIENT, "iat": iat, "exp": exp,
        }))
    }

    fn config() -> ClientConfig {
        ClientConfig::new(
            UserPoolId::parse("us-east-1_Pool1").unwrap(),
            ClientId::new(CLIENT),
        )
    }

    fn oauth() -> OAuthConfig {
        OAuthConfig::new(
            "auth.example.com",
            ClientId::new(CLIENT),
            "https://app.example.com/cb",
        )
        .unwrap()
    }

    fn session() -> Session {
        Session::new(
            Tokens::new(
                Some(IdToken::new(id(1000, 4600))),
                AccessToken::new(access(1000, 4600)),
                Some(RefreshToken::new("rt-1")),
            ),
            1000,
        )
        .unwrap()
    }

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn auth_result(refresh: Option<&str>) -> Value {
        let mut r = json!({
            "AccessToken": access(4500, 8100),
            "IdToken": id(4500, 8100),
            "ExpiresIn": 3600,
            "TokenType": "Bearer",
        });
        if let Some(t) = refresh {
            r["RefreshToken"] = json!(t);
        }
        r
    }

    fn body_json(req: &HttpRequest) -> Value {
        serde_json::from_slice(&req.body).unwrap()
    }

    fn cognito_error(code: &str, message: &str, status: u16) -> HttpResponse {
        resp(
            status,
            &[("x-amzn-ErrorType", &format!("{code}:"))],
            &json!({"__type": code, "message": message}).to_string(),
        )
    }

    #[test]
    fn initiate_auth_keeps_the_refresh_token() {
        let s = session();
        let m = RefreshMethod::InitiateAuth;
        let req = build_request(&s, &config(), &m).unwrap();
        assert_eq!(target_of(&req), Some("InitiateAuth"));
        assert_eq!(
            body_json(&req),
            json!({
                "AuthFlow": "REFRESH_TOKEN_AUTH",
                "ClientId": CLIENT,
                "AuthParameters": {"REFRESH_TOKEN": "rt-1"},
            })
        );
        let answer = json!({"AuthenticationResult": auth_result(None), "ChallengeParameters": {}});
        // The local clock is 20 s ahead now.
        let next = apply_response(&s, &m, &resp(200, &[], &answer.to_string()), 4520).unwrap();
        assert_eq!(next.refresh_token().map(RefreshToken::secret), Some("rt-1"));
        assert_eq!(next.expires_at(), 8100);
        assert_eq!(next.clock_drift(), 20);
        assert_eq!(next.username(), "u-internal");
        assert!(next.is_valid(8000));
    }

    #[test]
    fn initiate_auth_secret_hash_uses_the_internal_username() {
        let cfg = config().with_client_secret(ClientSecret::new("shh"));
        let req = build_request(&session(), &cfg, &RefreshMethod::InitiateAuth).unwrap();
        let expected = secret_hash(&ClientSecret::new("shh"), "u-internal", &cfg.client_id);
        assert_eq!(
            body_json(&req)["AuthParameters"]["SECRET_HASH"],
            json!(expected)
        );
        assert!(!format!("{req:?}").contains("rt-1"));
    }

    #[test]
    fn challenge_instead_of_tokens_is_not_transient() {
        // Retrying would get the same challenge forever: not transient, and not a reason to
        // drop the stored session either.
        for method in [
            RefreshMethod::InitiateAuth,
            RefreshMethod::GetTokensFromRefreshToken,
        ] {
            let e = apply_response(
                &session(),
                &method,
                &resp(
                    200,
                    &[],
                    r#"{"ChallengeName":"SMS_MFA","Session":"s","ChallengeParameters":{}}"#,
                ),
                4500,
            )
            .unwrap_err();
            assert!(
                matches!(&e, Error::InvalidState(m) if m.contains("SMS_MFA")),
                "{method:?}: {e:?}"
            );
            assert!(!e.is_transient() && !e.is_session_ended(), "{method:?}");
        }
        // An answer with neither tokens nor a challenge is still an unreadable (transient) one.
        let e = apply_response(
            &session(),
            &RefreshMethod::InitiateAuth,
            &resp(200, &[], "{}"),
            4500,
        )
        .unwrap_err();
        assert!(
            matches!(e, Error::Parse { .. }) && e.is_transient(),
            "{e:?}"
        );
    }

    #[test]
    fn get_tokens_from_refresh_token_rotates() {
        let s = session();
        let m = RefreshMethod::GetTokensFromRefreshToken;
        let cfg = config().with_client_secret(ClientSecret::new("shh"));
        let req = build_request(&s, &cfg, &m).unwrap();
        assert_eq!(target_of(&req), Some("GetTokensFromRefreshToken"));
        assert_eq!(
            body_json(&req),
            json!({"RefreshToken": "rt-1", "ClientId": CLIENT, "ClientSecret": "shh"})
        );
        let rotated = json!({"AuthenticationResult": auth_result(Some("rt-2"))});
        let next = apply_response(&s, &m, &resp(200, &[], &rotated.to_string()), 4500).unwrap();
        assert_eq!(next.refresh_token().map(RefreshToken::secret), Some("rt-2"));
        // Without rotation the old one stays.
        let kept = json!({"AuthenticationResult": auth_result(None)});
        let next = apply_response(&s, &m, &resp(200, &[], &kept.to_string()), 4500).unwrap();
        assert_eq!(next.refresh_token().map(RefreshToken::secret), Some("rt-1"));
        // No secret, no ClientSecret field.
        let req = build_request(&s, &config(), &m).unwrap();
        assert!(body_json(&req).get("ClientSecret").is_none());
    }

    #[test]
    fn oauth_grant_for_hosted_ui_sessions() {
        let s = session().with_source(SessionSource::HostedUi);
        let oauth = oauth().with_client_secret(ClientSecret::new("shh"));
        let m = RefreshMethod::for_session(&s, RefreshMethod::InitiateAuth, Some(&oauth));
        assert_eq!(m.name(), "oauth2/token");
        assert_eq!(
            RefreshMethod::for_session(&session(), RefreshMethod::InitiateAuth, Some(&oauth))
                .name(),
            "InitiateAuth"
        );
        assert_eq!(
            RefreshMethod::for_session(&s, RefreshMethod::GetTokensFromRefreshToken, None).name(),
            "GetTokensFromRefreshToken"
        );
        let req = build_request(&s, &config(), &m).unwrap();
        assert_eq!(req.method, Method::Post);
        assert_eq!(req.url, "https://auth.example.com/oauth2/token");
        assert_eq!(
            req.body_text(),
            "grant_type=refresh_token&client_id=client1&refresh_token=rt-1"
        );
        assert_eq!(
            req.header("authorization"),
            Some(format!("Basic {}", STANDARD.encode("client1:shh")).as_str())
        );
        let body = json!({
            "access_token": access(4500, 8100), "id_token": id(4500, 8100),
            "token_type": "Bearer", "expires_in": 3600,
        });
        let next = apply_response(&s, &m, &resp(200, &[], &body.to_string()), 4500).unwrap();
        assert_eq!(next.source(), SessionSource::HostedUi);
        assert_eq!(next.refresh_token().map(RefreshToken::secret), Some("rt-1"));
        assert_eq!(next.expires_at(), 8100);
    }

    #[test]
    fn no_refresh_token_is_an_error_before_sending() {
        let s = Session::new(
            Tokens::new(None, AccessToken::new(access(1000, 4600)), None),
            1000,
        )
        .unwrap();
        let e = build_request(&s, &config(), &RefreshMethod::InitiateAuth).unwrap_err();
        assert!(matches!(e, Error::InvalidState(_)));
        assert!(!e.is_session_ended());
    }

    #[test]
    fn dead_refresh_tokens_end_the_session() {
        let s = session();
        let revoked = cognito_error(
            "NotAuthorizedException",
            "Refresh Token has been revoked",
            400,
        );
        for m in [
            RefreshMethod::InitiateAuth,
            RefreshMethod::GetTokensFromRefreshToken,
        ] {
            let e = apply_response(&s, &m, &revoked, 4500).unwrap_err();
            assert_eq!(
                e.service_code(),
                Some(&CognitoErrorCode::NotAuthorizedException)
            );
            assert!(e.is_session_ended(), "{m:?}");
        }
        let e = apply_response(
            &s,
            &RefreshMethod::OAuth(oauth()),
            &resp(400, &[], r#"{"error":"invalid_grant"}"#),
            4500,
        )
        .unwrap_err();
        assert!(e.is_session_ended());
    }

    #[test]
    fn server_faults_throttling_and_garbage_are_transient() {
        let s = session();
        let user_pool = [
            cognito_error("InternalErrorException", "oops", 500),
            cognito_error("TooManyRequestsException", "slow down", 400),
            cognito_error("LimitExceededException", "Attempt limit exceeded", 400),
            resp(502, &[], "<html>Bad Gateway</html>"),
            resp(200, &[], "{\"AuthenticationResult\":"),
            resp(200, &[], "{}"),
        ];
        for r in &user_pool {
            for m in [
                RefreshMethod::InitiateAuth,
                RefreshMethod::GetTokensFromRefreshToken,
            ] {
                let e = apply_response(&s, &m, r, 4500).unwrap_err();
                assert!(e.is_transient(), "{m:?} {r:?}: {e:?}");
                assert!(!e.is_session_ended(), "{m:?} {r:?}: {e:?}");
            }
        }
        for r in [
            resp(503, &[], "Service Unavailable"),
            resp(500, &[], r#"{"error":"server_error"}"#),
            resp(200, &[], "not json"),
        ] {
            let e = apply_response(&s, &RefreshMethod::OAuth(oauth()), &r, 4500).unwrap_err();
            assert!(e.is_transient() && !e.is_session_ended(), "{r:?}: {e:?}");
        }
    }

    #[test]
    fn storage_follows_the_outcome() {
        let cid = ClientId::new(CLIENT);
        let fresh = || {
            let store = MemoryStorage::new();
            save_session(&store, &cid, &session()).unwrap();
            store
        };
        let snapshot = |store: &MemoryStorage| {
            store
                .keys()
                .into_iter()
                .map(|k| {
                    let v = store.get(&k).unwrap();
                    (k, v)
                })
                .collect::<Vec<_>>()
        };
        let s = session();
        let m = RefreshMethod::InitiateAuth;

        // A network error (the adapter's fetch failed) leaves storage untouched.
        for outcome in [
            Error::Transport("TypeError: Failed to fetch".into()),
            apply_response(&s, &m, &cognito_error("InternalErrorException", "", 500), 1)
                .unwrap_err(),
            apply_response(
                &s,
                &m,
                &cognito_error("TooManyRequestsException", "", 400),
                1,
            )
            .unwrap_err(),
            apply_response(&s, &m, &resp(200, &[], "garbage"), 1).unwrap_err(),
        ] {
            let store = fresh();
            let before = snapshot(&store);
            assert!(store_outcome(&store, &cid, Err(outcome)).is_err());
            assert_eq!(snapshot(&store), before);
            let back = load_session(&store, &cid).unwrap().unwrap();
            assert_eq!(back.refresh_token().map(RefreshToken::secret), Some("rt-1"));
        }

        // A revoked refresh token signs the user out.
        let store = fresh();
        let revoked = apply_response(
            &s,
            &m,
            &cognito_error(
                "NotAuthorizedException",
                "Refresh Token has been revoked",
                400,
            ),
            1,
        );
        let e = store_outcome(&store, &cid, revoked).unwrap_err();
        assert!(e.is_session_ended());
        assert!(load_session(&store, &cid).unwrap().is_none());
        assert!(store.is_empty(), "{:?}", store.keys());

        // Success is saved, keeping the refresh token.
        let store = fresh();
        let answer = json!({"AuthenticationResult": auth_result(None)});
        let next = store_outcome(
            &store,
            &cid,
            apply_response(&s, &m, &resp(200, &[], &answer.to_string()), 4500),
        )
        .unwrap();
        let back = load_session(&store, &cid).unwrap().unwrap();
        assert_eq!(back.access_token(), next.access_token());
        assert_eq!(back.expires_at(), 8100);
        assert_eq!(back.refresh_token().map(RefreshToken::secret), Some("rt-1"));
    }
}
