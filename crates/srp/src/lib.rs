//! Amazon Cognito's SRP-6a variant. (Being written: see issue 2.)
#![forbid(unsafe_code)]

/// Why an SRP computation or verification failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SrpError {
    /// The server's public value `B` is `0 mod N` (RFC 5054 §2.5.4: abort).
    #[error("illegal server public value: B mod N is zero")]
    IllegalServerPublic,
    /// The client's public value `A` is `0 mod N` (RFC 5054 §2.5.4: abort).
    #[error("illegal client public value: A mod N is zero")]
    IllegalClientPublic,
    /// The scrambling parameter `u = H(PAD(A) | PAD(B))` is zero.
    #[error("scrambling parameter u is zero")]
    ZeroScrambler,
    /// A hex input (named) is not valid hex or is empty.
    #[error("invalid hex in {0}")]
    InvalidHex(&'static str),
    /// A base64 input (named) is not valid base64.
    #[error("invalid base64 in {0}")]
    InvalidBase64(&'static str),
    /// The ephemeral secret is shorter than RFC 5054's minimum of 256 bits.
    #[error("ephemeral secret too short: {0} bytes, at least 32 needed")]
    EphemeralTooShort(usize),
    /// The client's password claim signature does not match (wrong password).
    #[error("password claim signature does not match")]
    BadSignature,
}
