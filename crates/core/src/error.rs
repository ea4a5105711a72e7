//! The crate's one error type, and Cognito's error codes.

use std::fmt;

/// Everything that can go wrong in `cognito-core`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Cognito answered with an error (HTTP 4xx/5xx and an `x-amzn-errortype` / `__type`).
    #[error("{code}: {message}")]
    Service {
        /// The exception name, e.g. `NotAuthorizedException`.
        code: CognitoErrorCode,
        /// Cognito's human-readable message.
        message: String,
        /// The HTTP status code.
        status: u16,
    },
    /// An OAuth 2.0 endpoint (`/oauth2/token`, the authorize callback) answered with an error.
    #[error("OAuth error {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    OAuth {
        /// The `error` code, e.g. `invalid_grant`.
        error: String,
        /// `error_description`, when given.
        description: Option<String>,
    },
    /// The request never got an HTTP answer (network down, CORS, DNS). Tokens must be kept.
    #[error("network error: {0}")]
    Transport(String),
    /// A response, token, URL or stored value could not be parsed. `raw` keeps what was read,
    /// except that a response body which may carry tokens or secrets is replaced by a
    /// placeholder (see [`crate::wire::redacted_excerpt`]).
    #[error("could not parse {what}: {reason}")]
    Parse {
        /// What was being parsed (e.g. `InitiateAuth response`).
        what: String,
        /// Why it failed.
        reason: String,
        /// The raw input, kept for diagnosis.
        raw: String,
    },
    /// The SRP computation rejected a value from the server (or the inputs were malformed).
    #[error("SRP error: {0}")]
    Srp(#[from] cognito_srp::SrpError),
    /// The configuration is invalid (bad pool id, missing redirect URI, ...).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A method was called in a state where it makes no sense (e.g. `confirmSignIn` with no
    /// sign-in in progress, or an OAuth callback whose `state` does not match).
    #[error("invalid state: {0}")]
    InvalidState(String),
    /// The caller passed an invalid argument (empty username, missing challenge answer, ...).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A token storage backend failed.
    #[error("storage error: {0}")]
    Storage(String),
    /// The call needs a signed-in user and there is none (never signed in, signed out, or the
    /// session ended). Amplify v6 reports the same case as `UserUnAuthenticatedException`.
    #[error("no signed-in user: {0}")]
    NoSession(String),
    /// `signIn` was called while a user is signed in; sign out first (Amplify v6's
    /// `UserAlreadyAuthenticatedException`).
    #[error("a user is already signed in: sign out before signing in again")]
    AlreadySignedIn,
}

/// `"text"`, for naming a value in an error message, without escaping. Not `{:?}`: `str`'s
/// `Debug` would bring its escaping code and Unicode tables into the browser package for a few
/// error messages. Shared by this crate and the browser adapter.
#[must_use]
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    out.push_str(text);
    out.push('"');
    out
}

impl Error {
    /// A parse error that keeps (some of) the raw input.
    ///
    /// # Security
    /// `raw` goes through [`crate::wire::redacted_excerpt`] whatever the caller passed: cut to
    /// 512 bytes, and replaced by its length when it mentions a token, a session, a secret code
    /// or a password. Callers still redact what the markers cannot see (a callback URL's code,
    /// a suspended sign-in).
    pub fn parse(
        what: impl Into<String>,
        reason: impl fmt::Display,
        raw: impl Into<String>,
    ) -> Self {
        Error::Parse {
            what: what.into(),
            reason: reason.to_string(),
            raw: crate::wire::redacted_excerpt(&raw.into()),
        }
    }

    /// The Cognito error code, when this is a service error.
    pub fn service_code(&self) -> Option<&CognitoErrorCode> {
        match self {
            Error::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether the refresh token (and so the whole session) is dead: Cognito refused it
    /// (`NotAuthorizedException`, e.g. `Refresh Token has been revoked`;
    /// `UserNotFoundException` for a deleted user; `RefreshTokenReuseException` for a rotated
    /// token sent again; `PasswordResetRequiredException` and `UserNotConfirmedException`,
    /// which Amplify v6 also treats as ending the session), or `/oauth2/token` answered
    /// `invalid_grant`.
    /// Only then should an adapter clear the stored tokens and report the user signed out.
    ///
    /// `NotAuthorizedException` also covers `Unable to verify secret hash for client`: a
    /// misconfigured client whose refresh can never succeed either.
    ///
    /// Everything else keeps the stored session: network failures and throttling (see
    /// [`Error::is_transient`]) can be retried, and configuration or state errors are not the
    /// user's session's fault.
    #[must_use]
    pub fn is_session_ended(&self) -> bool {
        match self {
            // A server fault never ends a session, whatever its body says.
            Error::Service { code, status, .. } => {
                *status < 500
                    && (matches!(
                        code,
                        CognitoErrorCode::NotAuthorizedException
                            | CognitoErrorCode::UserNotFoundException
                            | CognitoErrorCode::PasswordResetRequiredException
                            | CognitoErrorCode::UserNotConfirmedException
                    ) || code.as_str() == "RefreshTokenReuseException")
            }
            Error::OAuth { error, .. } => error == "invalid_grant",
            _ => false,
        }
    }

    /// Whether trying again later may succeed: no HTTP answer ([`Error::Transport`]), a server
    /// fault (HTTP 5xx, `InternalErrorException`, OAuth `server_error` /
    /// `temporarily_unavailable`), throttling (`TooManyRequestsException`,
    /// `LimitExceededException`, HTTP 429) or an unreadable answer ([`Error::Parse`]: a proxy's
    /// HTML page, a truncated body). Amplify v6 retries the same set.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport(_) | Error::Parse { .. } => true,
            Error::Service { code, status, .. } => {
                *status >= 500
                    || *status == 429
                    || matches!(
                        code,
                        CognitoErrorCode::InternalErrorException
                            | CognitoErrorCode::TooManyRequestsException
                            | CognitoErrorCode::LimitExceededException
                    )
            }
            Error::OAuth { error, .. } => {
                matches!(error.as_str(), "server_error" | "temporarily_unavailable")
            }
            _ => false,
        }
    }

    /// The name a JavaScript `Error` should carry: the Cognito exception name for service
    /// errors, the OAuth `error` for OAuth errors, otherwise a stable name of our own.
    pub fn name(&self) -> &str {
        match self {
            Error::Service { code, .. } => code.as_str(),
            Error::OAuth { error, .. } => error,
            Error::Transport(_) => "NetworkError",
            Error::Parse { .. } => "ParseError",
            Error::Srp(_) => "SrpError",
            Error::Config(_) => "ConfigError",
            Error::InvalidState(_) => "InvalidStateError",
            Error::InvalidArgument(_) => "InvalidArgumentError",
            Error::Storage(_) => "StorageError",
            Error::NoSession(_) => "NoSessionError",
            Error::AlreadySignedIn => "UserAlreadyAuthenticatedException",
        }
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// Cognito's exception names (botocore `cognito-idp` shapes with `"exception": true`).
        ///
        /// Unknown names are kept in [`CognitoErrorCode::Other`], so a new service error is
        /// still reported with its real name.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum CognitoErrorCode {
            $($(#[$doc])* #[allow(missing_docs)] $name,)*
            /// Any other code, as sent.
            Other(String),
        }

        impl CognitoErrorCode {
            /// The exception name as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(CognitoErrorCode::$name => stringify!($name),)*
                    CognitoErrorCode::Other(s) => s,
                }
            }

            /// Maps an exception name (already stripped of any `ns#` prefix and `:` suffix).
            pub fn from_name(name: &str) -> Self {
                // A search through `as_str` rather than a `match` on the names: the `match`
                // compiled to one string comparison per name, inlined where it is called.
                const KNOWN: &[CognitoErrorCode] = &[$(CognitoErrorCode::$name,)*];
                match KNOWN.iter().find(|c| c.as_str() == name) {
                    Some(code) => code.clone(),
                    None => CognitoErrorCode::Other(name.to_owned()),
                }
            }
        }
    };
}

codes!(
    /// Not in the user-pool model: AWS's answer to a caller its IAM policy does not allow (the
    /// local server sends it for `Admin*` calls from a browser).
    AccessDeniedException,
    AliasExistsException,
    CodeDeliveryFailureException,
    CodeMismatchException,
    ConcurrentModificationException,
    EnableSoftwareTokenMFAException,
    ExpiredCodeException,
    ForbiddenException,
    InternalErrorException,
    InvalidEmailRoleAccessPolicyException,
    InvalidLambdaResponseException,
    InvalidParameterException,
    InvalidPasswordException,
    InvalidSmsRoleAccessPolicyException,
    InvalidSmsRoleTrustRelationshipException,
    InvalidUserPoolConfigurationException,
    LimitExceededException,
    MFAMethodNotFoundException,
    NotAuthorizedException,
    PasswordHistoryPolicyViolationException,
    PasswordResetRequiredException,
    ResourceNotFoundException,
    /// Not in the user-pool model: the JSON 1.1 protocol's answer to a body that is not JSON or
    /// has a member of the wrong type.
    SerializationException,
    SoftwareTokenMFANotFoundException,
    TooManyFailedAttemptsException,
    TooManyRequestsException,
    UnauthorizedException,
    UnexpectedLambdaException,
    UnknownOperationException,
    UnsupportedOperationException,
    UnsupportedTokenTypeException,
    UnsupportedUserStateException,
    UserLambdaValidationException,
    UserNotConfirmedException,
    UserNotFoundException,
    UsernameExistsException,
    WebAuthnNotEnabledException,
);

impl fmt::Display for CognitoErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: CognitoErrorCode, status: u16) -> Error {
        Error::Service {
            code,
            message: String::new(),
            status,
        }
    }

    fn oauth(error: &str) -> Error {
        Error::OAuth {
            error: error.to_owned(),
            description: None,
        }
    }

    #[test]
    fn known_codes_read_back_from_their_names_and_others_are_kept() {
        use CognitoErrorCode as C;
        for code in [
            C::AccessDeniedException,
            C::NotAuthorizedException,
            C::UserNotFoundException,
            C::MFAMethodNotFoundException,
        ] {
            assert_eq!(C::from_name(code.as_str()), code);
        }
        assert_eq!(
            C::from_name("NotAuthorizedException"),
            C::NotAuthorizedException
        );
        assert_eq!(
            C::from_name("NotAuthorizedExceptionX"),
            C::Other("NotAuthorizedExceptionX".into())
        );
        assert_eq!(
            C::from_name("notauthorizedexception"),
            C::Other("notauthorizedexception".into())
        );
        assert_eq!(C::from_name(""), C::Other(String::new()));
    }

    #[test]
    fn session_ended_versus_transient() {
        use CognitoErrorCode as C;
        let ended = [
            service(C::NotAuthorizedException, 400),
            service(C::UserNotFoundException, 400),
            service(C::PasswordResetRequiredException, 400),
            service(C::UserNotConfirmedException, 400),
            service(C::Other("RefreshTokenReuseException".into()), 400),
            oauth("invalid_grant"),
        ];
        for e in &ended {
            assert!(e.is_session_ended(), "{e:?}");
            assert!(!e.is_transient(), "{e:?}");
        }
        let transient = [
            Error::Transport("offline".into()),
            Error::parse("x", "y", "<html>"),
            service(C::InternalErrorException, 500),
            service(C::Other("ServiceUnavailable".into()), 503),
            service(C::TooManyRequestsException, 400),
            service(C::LimitExceededException, 400),
            oauth("server_error"),
        ];
        for e in &transient {
            assert!(e.is_transient(), "{e:?}");
            assert!(!e.is_session_ended(), "{e:?}");
        }
        let odd = service(C::NotAuthorizedException, 503);
        assert!(odd.is_transient() && !odd.is_session_ended());
        let neither = [
            service(C::ResourceNotFoundException, 400),
            oauth("invalid_client"),
            Error::Config("x".into()),
            Error::InvalidState("x".into()),
            Error::Storage("x".into()),
        ];
        for e in &neither {
            assert!(!e.is_transient() && !e.is_session_ended(), "{e:?}");
        }
    }
}
