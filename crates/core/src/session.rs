//! A signed-in session: the tokens, what they say, and when to refresh them.
//!
//! The browser's clock is often wrong by minutes, and a token's `exp` is in Cognito's time.
//! Like amazon-cognito-identity-js, the session measures the drift once, when the tokens
//! arrive (`drift = now − min(iat)`), and judges expiry in server time (`now − drift`), with
//! Amplify v6's 5-second safety margin. [`Session::seconds_until_refresh`] tells the browser
//! when to schedule the next refresh; [`Session::apply_refresh`] folds the answer in.
//!
//! ```
//! use cognito_core::session::{Session, Tokens, DEFAULT_REFRESH_LEEWAY_SECS};
//! use cognito_core::types::{AccessToken, RefreshToken};
//! # use base64::Engine as _;
//! # let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
//! # let access = format!("{}.{}.sig", b64(r#"{"alg":"RS256"}"#),
//! #     b64(r#"{"token_use":"access","username":"alice","iat":1000,"exp":4600}"#));
//! // The browser clock is 10 s ahead of Cognito's.
//! let session = Session::new(
//!     Tokens::new(None, AccessToken::new(access), Some(RefreshToken::new("r"))),
//!     1010,
//! )?;
//! assert_eq!(session.username(), "alice");
//! assert_eq!(session.clock_drift(), 10);
//! assert!(session.is_valid(4000));
//! assert_eq!(session.seconds_until_refresh(1010, DEFAULT_REFRESH_LEEWAY_SECS), 3540);
//! # Ok::<(), cognito_core::Error>(())
//! ```

use crate::error::Error;
use crate::jwt::{Claims, Jwt};
use crate::oauth::TokenResponse;
use crate::ops::AuthenticationResult;
use crate::types::{AccessToken, ClientId, IdToken, RefreshToken};

/// Tokens count as expired this many seconds before `exp` (Amplify v6 `isTokenExpired`).
pub const EXPIRY_MARGIN_SECS: i64 = 5;

/// How long before expiry a refresh is due by default.
pub const DEFAULT_REFRESH_LEEWAY_SECS: i64 = 60;

/// Raw tokens as a sign-in or refresh returns them.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Tokens {
    /// The ID token; absent from hosted-UI sign-ins without the `openid` scope.
    pub id_token: Option<IdToken>,
    /// The access token.
    pub access_token: AccessToken,
    /// The refresh token; absent from most refresh answers.
    pub refresh_token: Option<RefreshToken>,
}

impl Tokens {
    /// Bundles raw tokens.
    #[must_use]
    pub fn new(
        id_token: Option<IdToken>,
        access_token: AccessToken,
        refresh_token: Option<RefreshToken>,
    ) -> Self {
        Self {
            id_token,
            access_token,
            refresh_token,
        }
    }
}

impl From<TokenResponse> for Tokens {
    fn from(r: TokenResponse) -> Self {
        Self::new(r.id_token, r.access_token, r.refresh_token)
    }
}

/// The tokens of `InitiateAuth` / `RespondToAuthChallenge` (sign-in's
/// [`NextStep::Done`](crate::signin::NextStep::Done)) or `GetTokensFromRefreshToken`.
/// `ExpiresIn` is dropped: expiry is read from the tokens' `exp`, in Cognito's clock.
impl From<AuthenticationResult> for Tokens {
    fn from(r: AuthenticationResult) -> Self {
        Self::new(r.id_token, r.access_token, r.refresh_token)
    }
}

/// Where a session's tokens came from; it decides how to sign out (the hosted UI has its own
/// session cookie, ended at `/logout`) and may decide how to refresh.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionSource {
    /// The user-pool API: [`crate::signin`] (`InitiateAuth` / `RespondToAuthChallenge`).
    #[default]
    UserPool,
    /// The hosted UI / managed login: [`crate::oauth`] (`/oauth2/token`). Stored like Amplify
    /// v6 marks it, `oauthMetadata = {"oauthSignIn":true}` (see [`crate::storage`]).
    HostedUi,
}

/// A signed-in user's tokens with their decoded claims and the measured clock drift.
///
/// # Security
/// The claims are decoded without signature verification (see [`crate::jwt`]); the tokens
/// print as `[redacted]`.
#[derive(Clone, Debug)]
pub struct Session {
    id_token: Option<(IdToken, Claims)>,
    access_token: AccessToken,
    access_claims: Claims,
    refresh_token: Option<RefreshToken>,
    username: String,
    clock_drift: i64,
    source: SessionSource,
}

fn check_token_use(claims: &Claims, expected: &str, what: &str) -> Result<(), Error> {
    match claims.token_use.as_deref() {
        Some(u) if u != expected => Err(Error::parse(
            what,
            format!(
                "token_use is {}, expected {}",
                crate::error::quoted(u),
                crate::error::quoted(expected)
            ),
            "",
        )),
        _ if claims.exp.is_none() => Err(Error::parse(what, "no exp claim", "")),
        _ => Ok(()),
    }
}

impl Session {
    /// A session from freshly issued tokens, measuring the clock drift against `now` (Unix
    /// seconds on the local clock) like amazon-cognito-identity-js: `now − min(iat)`.
    ///
    /// # Errors
    /// [`Error::Parse`] when a token does not decode, has no `exp`, has the wrong `token_use`,
    /// the two tokens name different users (`sub`), or neither names a username
    /// (`username` in the access token, `cognito:username` in the ID token).
    pub fn new(tokens: Tokens, now: i64) -> Result<Self, Error> {
        Self::build(tokens, now, None)
    }

    /// The session a sign-in ended with: `result` is the [`NextStep::Done`] payload and
    /// `username` is [`SignIn::username`], Cognito's internal username.
    ///
    /// The tokens' own username claim wins (storage keys must match what
    /// [`load_session`](crate::storage::load_session) reads back); `username` is the fallback
    /// for tokens without one.
    ///
    /// # Errors
    /// As [`Session::new`], except that a missing username claim is not an error when
    /// `username` is not empty.
    ///
    /// [`NextStep::Done`]: crate::signin::NextStep::Done
    /// [`SignIn::username`]: crate::signin::SignIn::username
    pub fn from_sign_in(
        result: AuthenticationResult,
        username: &str,
        now: i64,
    ) -> Result<Self, Error> {
        Self::build(result.into(), now, Some(username))
    }

    /// The session a hosted-UI sign-in ended with ([`crate::oauth::CodeExchange::finish`]),
    /// marked [`SessionSource::HostedUi`].
    ///
    /// # Errors
    /// As [`Session::new`].
    pub fn from_hosted_ui(tokens: TokenResponse, now: i64) -> Result<Self, Error> {
        Ok(Self::new(tokens.into(), now)?.with_source(SessionSource::HostedUi))
    }

    fn build(tokens: Tokens, now: i64, fallback_username: Option<&str>) -> Result<Self, Error> {
        let mut s = Self::decode(tokens, 0, fallback_username)?;
        let iats = [
            s.access_claims.iat,
            s.id_token.as_ref().and_then(|(_, c)| c.iat),
        ];
        s.clock_drift = iats
            .into_iter()
            .flatten()
            .min()
            .map_or(0, |iat| now.saturating_sub(iat));
        Ok(s)
    }

    /// A session with a known clock drift, e.g. restored from storage.
    ///
    /// # Errors
    /// As [`Session::new`].
    pub fn with_clock_drift(tokens: Tokens, clock_drift: i64) -> Result<Self, Error> {
        Self::decode(tokens, clock_drift, None)
    }

    /// As [`Session::with_clock_drift`], with `username` as the fallback for tokens without a
    /// username claim (storage passes `LastAuthUser`, matching [`Session::from_sign_in`]).
    pub(crate) fn restore(tokens: Tokens, clock_drift: i64, username: &str) -> Result<Self, Error> {
        Self::decode(tokens, clock_drift, Some(username))
    }

    fn decode(
        tokens: Tokens,
        clock_drift: i64,
        fallback_username: Option<&str>,
    ) -> Result<Self, Error> {
        let access_claims = Jwt::decode_unverified(tokens.access_token.secret())?.claims;
        check_token_use(&access_claims, "access", "access token")?;
        let id_token = match tokens.id_token {
            Some(t) => {
                let c = Jwt::decode_unverified(t.secret())?.claims;
                check_token_use(&c, "id", "ID token")?;
                Some((t, c))
            }
            None => None,
        };
        let id_claims = id_token.as_ref().map(|(_, c)| c);
        if let (Some(a), Some(i)) = (
            access_claims.sub.as_deref(),
            id_claims.and_then(|c| c.sub.as_deref()),
        ) {
            if a != i {
                return Err(Error::parse(
                    "session tokens",
                    "ID and access token belong to different users",
                    "",
                ));
            }
        }
        let username = access_claims
            .username
            .clone()
            .or_else(|| id_claims.and_then(|c| c.cognito_username.clone()))
            .filter(|u| !u.is_empty())
            .or_else(|| {
                fallback_username
                    .filter(|u| !u.is_empty())
                    .map(str::to_owned)
            })
            .ok_or_else(|| Error::parse("session tokens", "no username claim", ""))?;
        Ok(Self {
            id_token,
            access_token: tokens.access_token,
            access_claims,
            refresh_token: tokens.refresh_token,
            username,
            clock_drift,
            source: SessionSource::UserPool,
        })
    }

    /// The same session, marked as coming from `source`.
    #[must_use]
    pub fn with_source(mut self, source: SessionSource) -> Self {
        self.source = source;
        self
    }

    /// Where the tokens came from.
    #[must_use]
    pub fn source(&self) -> SessionSource {
        self.source
    }

    /// The username the tokens name: access-token `username`, else ID-token
    /// `cognito:username`. Storage keys use it (as Amplify v6 does).
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The ID token, if any.
    #[must_use]
    pub fn id_token(&self) -> Option<&IdToken> {
        self.id_token.as_ref().map(|(t, _)| t)
    }

    /// The ID token's claims, if any.
    #[must_use]
    pub fn id_claims(&self) -> Option<&Claims> {
        self.id_token.as_ref().map(|(_, c)| c)
    }

    /// The access token.
    #[must_use]
    pub fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    /// The access token's claims.
    #[must_use]
    pub fn access_claims(&self) -> &Claims {
        &self.access_claims
    }

    /// The refresh token, if any.
    #[must_use]
    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    /// Local clock minus Cognito's clock, in seconds (amazon-cognito-identity-js's
    /// `clockDrift`).
    #[must_use]
    pub fn clock_drift(&self) -> i64 {
        self.clock_drift
    }

    /// The earliest `exp` of the ID and access tokens, in Cognito's time.
    #[must_use]
    pub fn expires_at(&self) -> i64 {
        let access = self.access_claims.exp.unwrap_or(i64::MIN);
        match self.id_claims().and_then(|c| c.exp) {
            Some(id) => id.min(access),
            None => access,
        }
    }

    /// `now` on the local clock, in Cognito's time.
    fn server_now(&self, now: i64) -> i64 {
        now.saturating_sub(self.clock_drift)
    }

    /// Whether both tokens are still usable at `now`: `now − drift + 5 s < exp`.
    #[must_use]
    pub fn is_valid(&self, now: i64) -> bool {
        self.server_now(now).saturating_add(EXPIRY_MARGIN_SECS) < self.expires_at()
    }

    /// Whether it is time to refresh: within `leeway_secs` (at least the 5-second margin) of
    /// expiry, or past it.
    #[must_use]
    pub fn refresh_due(&self, now: i64, leeway_secs: i64) -> bool {
        self.seconds_until_refresh(now, leeway_secs) == 0
    }

    /// Seconds from `now` until a refresh is due (0 when it already is); what the browser
    /// passes to `setTimeout`.
    #[must_use]
    pub fn seconds_until_refresh(&self, now: i64, leeway_secs: i64) -> i64 {
        let leeway = leeway_secs.max(EXPIRY_MARGIN_SECS);
        self.expires_at()
            .saturating_sub(leeway)
            .saturating_sub(self.server_now(now))
            .max(0)
    }

    /// When a refresh is due, as Unix seconds on the local clock.
    #[must_use]
    pub fn refresh_due_at(&self, leeway_secs: i64) -> i64 {
        self.expires_at()
            .saturating_sub(leeway_secs.max(EXPIRY_MARGIN_SECS))
            .saturating_add(self.clock_drift)
    }

    /// Checks that the tokens were issued to `client_id`: the access token's `client_id` and
    /// the ID token's `aud`, where present. Worth calling on tokens read back from storage or
    /// a callback, so one app client never adopts another's tokens.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when a token names another client.
    pub fn check_client(&self, client_id: &ClientId) -> Result<(), Error> {
        let want = client_id.as_str();
        let access_ok = self
            .access_claims
            .client_id
            .as_deref()
            .is_none_or(|c| c == want);
        let id_ok = self
            .id_claims()
            .is_none_or(|c| c.aud.is_empty() || c.aud.iter().any(|a| a == want));
        if access_ok && id_ok {
            Ok(())
        } else {
            Err(Error::InvalidState(format!(
                "tokens were issued to another app client than {want}"
            )))
        }
    }

    /// Whether a refresh is possible (there is a refresh token).
    #[must_use]
    pub fn can_refresh(&self) -> bool {
        self.refresh_token.is_some()
    }

    /// The session after a refresh answered with `tokens` at `now`.
    ///
    /// The new ID and access tokens replace the old ones (an answer without an ID token drops
    /// the old, soon-expired one). The refresh token is kept unless the answer rotates it.
    /// The clock drift is measured again.
    ///
    /// # Errors
    /// As [`Session::new`]; [`Error::InvalidState`] when the new tokens name another user.
    pub fn apply_refresh(&self, tokens: Tokens, now: i64) -> Result<Session, Error> {
        let refresh_token = tokens.refresh_token.or_else(|| self.refresh_token.clone());
        let next = Session::build(
            Tokens::new(tokens.id_token, tokens.access_token, refresh_token),
            now,
            Some(&self.username),
        )?
        .with_source(self.source);
        let same_sub = match (&self.access_claims.sub, &next.access_claims.sub) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        if next.username != self.username || !same_sub {
            return Err(Error::InvalidState(
                "refreshed tokens belong to another user".to_owned(),
            ));
        }
        Ok(next)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    fn jwt(payload: &str) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"k"}"#),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    fn access(user: &str, iat: i64, exp: i64) -> AccessToken {
        AccessToken::new(jwt(&format!(
            r#"{{"sub":"s-{user}","token_use":"access","username":"{user}","iat":{iat},"exp":{exp}}}"#
        )))
    }

    fn id(user: &str, iat: i64, exp: i64) -> IdToken {
        IdToken::new(jwt(&format!(
            r#"{{"sub":"s-{user}","token_use":"id","cognito:username":"{user}","iat":{iat},"exp":{exp}}}"#
        )))
    }

    fn session(now: i64) -> Session {
        Session::new(
            Tokens::new(
                Some(id("alice", 1000, 4600)),
                access("alice", 1000, 4600),
                Some(RefreshToken::new("rt1")),
            ),
            now,
        )
        .expect("valid session")
    }

    #[test]
    fn drift_is_now_minus_earliest_iat() {
        let s = Session::new(
            Tokens::new(
                Some(id("alice", 990, 4590)),
                access("alice", 1000, 4600),
                None,
            ),
            1100,
        )
        .expect("valid");
        assert_eq!(s.clock_drift(), 110);
        assert_eq!(s.expires_at(), 4590);
        assert_eq!(session(900).clock_drift(), -100);
    }

    #[test]
    fn validity_uses_drift_and_margin() {
        // Local clock 100 s ahead of Cognito.
        let s = session(1100);
        // Server time 4594: 4594 + 5 < 4600.
        assert!(s.is_valid(4694));
        // Server time 4595: 4595 + 5 = 4600, expired.
        assert!(!s.is_valid(4695));
        // Without drift handling the local clock would call it expired earlier.
        assert!(s.is_valid(4650));
        // Local clock behind.
        let s = session(900);
        assert!(s.is_valid(4494));
        assert!(!s.is_valid(4495));
    }

    #[test]
    fn refresh_schedule() {
        let s = session(1000);
        assert_eq!(s.seconds_until_refresh(1000, 60), 3540);
        assert!(!s.refresh_due(4539, 60));
        assert!(s.refresh_due(4540, 60));
        assert_eq!(s.seconds_until_refresh(9999, 60), 0);
        assert_eq!(s.refresh_due_at(60), 4540);
        // The leeway is never below the expiry margin.
        assert_eq!(s.seconds_until_refresh(1000, 0), 3595);
        let drifted = session(1100);
        assert_eq!(drifted.refresh_due_at(60), 4640);
        assert_eq!(drifted.seconds_until_refresh(1100, 60), 3540);
    }

    #[test]
    fn username_from_access_or_id() {
        let s = session(1000);
        assert_eq!(s.username(), "alice");
        let only_id = AccessToken::new(jwt(r#"{"token_use":"access","exp":10,"sub":"s-alice"}"#));
        let s = Session::new(Tokens::new(Some(id("alice", 1, 10)), only_id, None), 1)
            .expect("username from the ID token");
        assert_eq!(s.username(), "alice");
        let nobody = AccessToken::new(jwt(r#"{"token_use":"access","exp":10}"#));
        assert!(Session::new(Tokens::new(None, nobody, None), 1).is_err());
    }

    #[test]
    fn rejects_swapped_mismatched_or_undated_tokens() {
        let swapped = Tokens::new(
            Some(IdToken::new(access("alice", 1, 10).secret())),
            AccessToken::new(id("alice", 1, 10).secret()),
            None,
        );
        assert!(matches!(Session::new(swapped, 1), Err(Error::Parse { .. })));
        let mixed = Tokens::new(Some(id("bob", 1, 10)), access("alice", 1, 10), None);
        assert!(Session::new(mixed, 1).is_err());
        let undated = AccessToken::new(jwt(r#"{"token_use":"access","username":"a"}"#));
        assert!(Session::new(Tokens::new(None, undated, None), 1).is_err());
        let garbage = AccessToken::new("not.a.jwt");
        assert!(Session::new(Tokens::new(None, garbage, None), 1).is_err());
    }

    #[test]
    fn refresh_keeps_or_rotates_the_refresh_token() {
        let s = session(1000);
        let kept = s
            .apply_refresh(
                Tokens::new(
                    Some(id("alice", 4500, 8100)),
                    access("alice", 4500, 8100),
                    None,
                ),
                4510,
            )
            .expect("refresh");
        assert_eq!(kept.refresh_token().map(RefreshToken::secret), Some("rt1"));
        assert_eq!(kept.expires_at(), 8100);
        assert_eq!(kept.clock_drift(), 10);
        assert!(kept.is_valid(8000));

        let rotated = s
            .apply_refresh(
                Tokens::new(
                    Some(id("alice", 4500, 8100)),
                    access("alice", 4500, 8100),
                    Some(RefreshToken::new("rt2")),
                ),
                4500,
            )
            .expect("refresh");
        assert_eq!(
            rotated.refresh_token().map(RefreshToken::secret),
            Some("rt2")
        );

        let other = s.apply_refresh(
            Tokens::new(Some(id("bob", 4500, 8100)), access("bob", 4500, 8100), None),
            4500,
        );
        assert!(matches!(other, Err(Error::InvalidState(_))));
    }

    #[test]
    fn sign_in_results_and_hosted_ui_answers_become_sessions() {
        let result = AuthenticationResult {
            access_token: access("alice", 1000, 4600),
            expires_in: 3600,
            token_type: "Bearer".into(),
            refresh_token: Some(RefreshToken::new("rt1")),
            id_token: Some(id("alice", 1000, 4600)),
            new_device_metadata: None,
        };
        let t: Tokens = result.clone().into();
        assert_eq!(
            t.refresh_token.as_ref().map(RefreshToken::secret),
            Some("rt1")
        );
        let s = Session::from_sign_in(result, "typed-alias", 1003).expect("session");
        assert_eq!(s.username(), "alice", "the token's claim wins");
        assert_eq!(s.clock_drift(), 3);
        assert_eq!(s.source(), SessionSource::UserPool);

        let no_claim = AuthenticationResult {
            access_token: AccessToken::new(jwt(r#"{"token_use":"access","exp":10}"#)),
            expires_in: 10,
            token_type: "Bearer".into(),
            refresh_token: None,
            id_token: None,
            new_device_metadata: None,
        };
        let s = Session::from_sign_in(no_claim.clone(), "u-1", 0).expect("fallback");
        assert_eq!(s.username(), "u-1");
        assert!(Session::from_sign_in(no_claim, "", 0).is_err());

        let body = format!(
            r#"{{"access_token":"{}","id_token":"{}","refresh_token":"rt1"}}"#,
            access("alice", 1000, 4600).secret(),
            id("alice", 1000, 4600).secret()
        );
        let resp = crate::wire::HttpResponse {
            status: 200,
            headers: vec![],
            body: body.into_bytes(),
        };
        let tokens = crate::oauth::parse_token_response(&resp).expect("tokens");
        let s = Session::from_hosted_ui(tokens, 1000).expect("session");
        assert_eq!(s.source(), SessionSource::HostedUi);
        let refreshed = s
            .apply_refresh(Tokens::new(None, access("alice", 4500, 8100), None), 4500)
            .expect("refresh");
        assert_eq!(
            refreshed.source(),
            SessionSource::HostedUi,
            "kept across refresh"
        );
    }

    #[test]
    fn client_check() {
        let a = AccessToken::new(jwt(
            r#"{"token_use":"access","username":"u","client_id":"c1","exp":9}"#,
        ));
        let i = IdToken::new(jwt(
            r#"{"token_use":"id","cognito:username":"u","aud":"c1","exp":9}"#,
        ));
        let s = Session::new(Tokens::new(Some(i), a, None), 0).expect("valid");
        assert!(s.check_client(&ClientId::new("c1")).is_ok());
        assert!(matches!(
            s.check_client(&ClientId::new("c2")),
            Err(Error::InvalidState(_))
        ));
        let i2 = IdToken::new(jwt(
            r#"{"token_use":"id","cognito:username":"u","aud":"c2","exp":9}"#,
        ));
        let a2 = AccessToken::new(jwt(r#"{"token_use":"access","username":"u","exp":9}"#));
        let s = Session::new(Tokens::new(Some(i2), a2, None), 0).expect("valid");
        assert!(s.check_client(&ClientId::new("c1")).is_err());
    }

    #[test]
    fn huge_times_do_not_overflow() {
        let s = Session::new(
            Tokens::new(None, access("alice", i64::MIN + 1, i64::MAX), None),
            i64::MAX,
        )
        .expect("valid");
        assert_eq!(s.clock_drift(), i64::MAX);
        let _ = s.is_valid(i64::MIN);
        let _ = s.seconds_until_refresh(i64::MAX, i64::MAX);
        let _ = s.refresh_due_at(i64::MIN);
    }
}
