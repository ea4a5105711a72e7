//! Newtypes for the strings that cross the wire, and for secrets.
//!
//! Wire strings are parsed once at the edge ([`UserPoolId`] knows its region and pool name), so
//! the rest of the crate cannot mix up a client id and a username. Secrets print as `[redacted]`
//! in `Debug` and are read through `secret()`, so they do not end up in logs by accident.

use std::fmt;

use crate::error::Error;

/// A user-pool id, `<region>_<name>` (for example `us-east-1_AbCdEf123`).
///
/// The region selects the endpoint (`cognito-idp.<region>.amazonaws.com`, `.amazonaws.com.cn`
/// in China, see [`crate::wire::region_endpoint`]); the part after `_`
/// is the "pool name" that Cognito's SRP mixes into `x` and the password claim signature.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UserPoolId {
    full: String,
    split: usize,
}

impl UserPoolId {
    /// Parses `<region>_<name>`.
    ///
    /// # Errors
    /// [`Error::Config`] when there is no `_`, either side is empty, or a character is outside
    /// `[A-Za-z0-9-]` (region) / `[A-Za-z0-9]` (name).
    pub fn parse(s: &str) -> Result<Self, Error> {
        let bad = || {
            Error::Config(format!(
                "invalid user pool id {}: expected <region>_<id>",
                crate::error::quoted(s)
            ))
        };
        let (region, name) = s.split_once('_').ok_or_else(bad)?;
        let region_ok = !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric());
        if !region_ok || !name_ok {
            return Err(bad());
        }
        Ok(Self {
            full: s.to_owned(),
            split: region.len(),
        })
    }

    /// The region, the part before `_`.
    pub fn region(&self) -> &str {
        crate::uri::part(&self.full, ..self.split)
    }

    /// The pool name, the part after `_`, as SRP uses it.
    pub fn pool_name(&self) -> &str {
        crate::uri::part(&self.full, self.split + 1..)
    }

    /// The whole id.
    pub fn as_str(&self) -> &str {
        &self.full
    }
}

impl fmt::Debug for UserPoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserPoolId({})", self.full)
    }
}

impl fmt::Display for UserPoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

macro_rules! wire_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(transparent))]
        pub struct $name(String);

        json_string_newtype!($name);

        impl $name {
            /// Wraps a string as it appears on the wire.
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            /// The string as it appears on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(transparent))]
        pub struct $name(String);

        json_string_newtype!($name);

        impl $name {
            /// Wraps a secret value.
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            /// The secret itself; the only way to read it.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

wire_string!(
    /// An app client id.
    ClientId
);
wire_string!(
    /// A username as typed, or Cognito's internal one (`USER_ID_FOR_SRP`).
    Username
);

/// An opaque challenge session, echoed back on the next step.
///
/// # Security
/// Whoever holds it can answer the pending challenge (a code, a new password) in the user's
/// place for a few minutes, so `Debug` prints `ChallengeSession([redacted])`. Read it with
/// [`ChallengeSession::as_str`].
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct ChallengeSession(String);

json_string_newtype!(ChallengeSession);

impl ChallengeSession {
    /// Wraps a session as it appears on the wire.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    /// The session as it appears on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ChallengeSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChallengeSession([redacted])")
    }
}

secret_string!(
    /// An app client secret. It does not belong in a public browser app: anyone can read it
    /// from the bundle. Cognito uses it for `SECRET_HASH` on confidential (server-side) clients.
    ClientSecret
);
secret_string!(
    /// A user's password.
    Password
);
secret_string!(
    /// A refresh token (opaque, encrypted by Cognito).
    RefreshToken
);
secret_string!(
    /// A JWT access token.
    AccessToken
);
secret_string!(
    /// A JWT ID token.
    IdToken
);
secret_string!(
    /// A one-time code (sign-up confirmation, password reset, attribute verification, TOTP):
    /// valid for minutes, but enough to take the step it was sent for.
    OneTimeCode
);
secret_string!(
    /// A TOTP shared secret (base32), from `AssociateSoftwareToken`: whoever has it can compute
    /// the user's codes.
    TotpSecret
);

impl Clone for RefreshToken {
    // Tokens are stored and re-sent; cloning them is normal (unlike passwords).
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}
impl Clone for AccessToken {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}
impl Clone for IdToken {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}
impl Clone for OneTimeCode {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}
impl Clone for TotpSecret {
    // Shown to the user (QR code) and kept while a sign-in is suspended.
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}
impl Clone for ClientSecret {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn pool_id_splits_region_and_name() {
        let id = UserPoolId::parse("us-east-1_AbC123").expect("valid");
        assert_eq!(id.region(), "us-east-1");
        assert_eq!(id.pool_name(), "AbC123");
        assert_eq!(id.as_str(), "us-east-1_AbC123");
    }

    #[test]
    fn pool_id_rejects_malformed() {
        for bad in [
            "",
            "_",
            "us-east-1",
            "us-east-1_",
            "_abc",
            "us east_1",
            "eu-1_a/b",
        ] {
            assert!(UserPoolId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let p = Password::new("hunter2");
        assert_eq!(format!("{p:?}"), "Password([redacted])");
        assert_eq!(p.secret(), "hunter2");
        let c = OneTimeCode::new("123456");
        assert_eq!(format!("{c:?}"), "OneTimeCode([redacted])");
        assert_eq!(c.secret(), "123456");
        let s = ChallengeSession::new("AYABeSession");
        assert_eq!(format!("{s:?}"), "ChallengeSession([redacted])");
        assert_eq!(s.as_str(), "AYABeSession");
        assert_eq!(crate::json::to_string(&s), "\"AYABeSession\"");
    }
}
