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
    /// A response, token, URL or stored value could not be parsed. `raw` keeps what was read.
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
}

impl Error {
    /// A parse error that keeps the raw input.
    pub fn parse(
        what: impl Into<String>,
        reason: impl fmt::Display,
        raw: impl Into<String>,
    ) -> Self {
        Error::Parse {
            what: what.into(),
            reason: reason.to_string(),
            raw: raw.into(),
        }
    }

    /// The Cognito error code, when this is a service error.
    pub fn service_code(&self) -> Option<&CognitoErrorCode> {
        match self {
            Error::Service { code, .. } => Some(code),
            _ => None,
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
                match name {
                    $(stringify!($name) => CognitoErrorCode::$name,)*
                    other => CognitoErrorCode::Other(other.to_owned()),
                }
            }
        }
    };
}

codes!(
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
    SoftwareTokenMFANotFoundException,
    TooManyFailedAttemptsException,
    TooManyRequestsException,
    UnauthorizedException,
    UnexpectedLambdaException,
    UnknownOperationException,
    UnsupportedOperationException,
    UnsupportedTokenTypeException,
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
