//! Amazon Cognito's SRP-6a variant (`USER_SRP_AUTH`), client and server side, as pure functions.
//!
//! The browser client uses it to answer Cognito's `PASSWORD_VERIFIER` challenge without sending
//! the password; the local Cognito-compatible server uses it to store verifiers and check those
//! answers. The math is exactly what amazon-cognito-identity-js's `AuthenticationHelper` does:
//! RFC 5054's 3072-bit prime `N` with `g = 2`, SHA-256, `k = H(PAD(N) | PAD(g))`, Cognito's
//! variable-width `PAD`, an HKDF-derived key and an HMAC "password claim" signature.
//!
//! Nothing here draws random numbers, reads a clock or does I/O: the ephemeral secrets, the salt
//! and the timestamp string are arguments. Big integers cross the API as hex strings (the wire
//! format) or byte slices.
//!
//! # Example
//! ```
//! use cognito_srp::{
//!     cognito_timestamp, make_verifier, password_claim, verify_password_claim, ClaimCheck,
//!     ClaimInput, ClientEphemeral, ServerEphemeral, SrpError,
//! };
//!
//! # fn main() -> Result<(), SrpError> {
//! // Sign-up, on the server: store a verifier instead of the password.
//! let verifier = make_verifier("AbC123xyz", "alice", "correct horse", &[0x5a; 16]);
//!
//! // InitiateAuth: the client sends A; the server answers with SALT, SRP_B and SECRET_BLOCK.
//! let client = ClientEphemeral::from_bytes(&[0x11; 128])?; // use 128 random bytes
//! let server = ServerEphemeral::new(&[0x22; 32], &verifier)?; // use random bytes
//! let a_pub = client.a_pub_hex();
//! let b_pub = server.b_pub_hex();
//! let secret_block = "c2VjcmV0IGJsb2Nr";
//!
//! // RespondToAuthChallenge: the client signs…
//! let timestamp = cognito_timestamp(1_779_440_707);
//! assert_eq!(timestamp, "Fri May 22 09:05:07 UTC 2026");
//! let claim = password_claim(&client, &ClaimInput {
//!     pool_name: "AbC123xyz",
//!     user_id_for_srp: "alice",
//!     password: "correct horse",
//!     salt_hex: &verifier.salt_hex,
//!     b_pub_hex: &b_pub,
//!     secret_block_b64: secret_block,
//!     timestamp: &timestamp,
//! })?;
//!
//! // …and the server checks the signature.
//! let check = ClaimCheck {
//!     pool_name: "AbC123xyz",
//!     user_id_for_srp: "alice",
//!     a_pub_hex: &a_pub,
//!     secret_block_b64: secret_block,
//!     timestamp: &timestamp,
//!     signature_b64: &claim.signature_b64,
//! };
//! verify_password_claim(&server, &verifier, &check)?;
//!
//! // A wrong password gives a different signature.
//! let wrong = make_verifier("AbC123xyz", "alice", "Tr0ub4dor&3", &[0x5a; 16]);
//! let server = ServerEphemeral::new(&[0x22; 32], &wrong)?;
//! assert_eq!(verify_password_claim(&server, &wrong, &check), Err(SrpError::BadSignature));
//! # Ok(())
//! # }
//! ```
//!
//! # Ephemeral size
//! The crate takes the bytes of `a` (and of the server's `b`) and reads them as one big-endian
//! integer; the caller picks the length. [`ClientEphemeral::from_bytes`] and
//! [`ServerEphemeral::new`] accept any length from [`MIN_EPHEMERAL_BYTES`] = 32 bytes
//! (256 bits, RFC 5054 §3.1's minimum) up, and reject a value of 0 or 1
//! ([`SrpError::WeakEphemeral`]), which is what an RNG that filled the buffer with zeros would
//! give.
//!
//! How long should `a` be? The 3072-bit group offers about 128-bit security (NIST SP 800-57).
//! The best generic attack on a secret exponent of `n` bits costs about `2^(n/2)` group
//! operations (Pollard's rho / kangaroo), so an exponent twice the security level —
//! 256 bits, as NIST SP 800-56A sizes private keys for finite-field groups — already matches
//! the group; longer exponents add no security against known attacks. **32 bytes is the
//! recommended length** on those grounds, and it halves the client's work (see the benchmark in
//! `crates/srp/BENCHMARK.md`). amazon-cognito-identity-js and Amplify v6 draw 128 bytes
//! (1024 bits); [`RECOMMENDED_EPHEMERAL_BYTES`] = 128 is that compatibility choice.
//! `cognito-client` draws 32 by default (its `DEFAULT_SRP_EPHEMERAL_BYTES`, configurable up to
//! 512). Both lengths, and anything between, work and give the same results as the reference
//! client for the same `a`.
//!
//! # Splitting the work
//! [`password_claim`] does two of the client's three exponentiations (`g^x` and `S`).
//! [`ClaimInProgress`] does the same in three calls of about equal work (`g^x`, then each half
//! of `S`: the windowed exponentiation stops after about half of its windows, at a point that
//! depends on the exponent's length only, so the schedule stays constant-time), so that a
//! browser can give its event loop a turn in between; `A = g^a`
//! ([`ClientEphemeral::from_bytes`]) needs nothing from the server or the user and can be
//! computed before the sign-in starts.
//!
//! # Security
//! - **The big-number kernel is constant-time with respect to the secret exponents** (`a`,
//!   `x`, `a + u·x`, and the server's `b`): each exponentiation follows a fixed schedule over the
//!   exponent's byte length rounded up to 8 bytes, with no branch and no memory index that
//!   depends on an exponent bit. `2^e` (`A = g^a`, `g^x`, `g^b`) is one Montgomery squaring per
//!   bit plus a doubling that is always computed and kept or dropped by a constant-time select;
//!   a general `base^e` (`S`) uses fixed 5-bit windows, each read from the 32-entry table by
//!   scanning all entries, and multiplies even for a zero window. The final subtraction of
//!   every Montgomery product, the modular subtraction `B − k·g^x` and `k·g^x` itself are
//!   branch-free (`subtle` selects). What timing can show is the exponent's length in 64-bit
//!   words (for a random 32- or 128-byte `a`, its byte length, except with probability 2⁻⁶⁴).
//! - **What it costs**: measured natively and in wasm (`crates/srp/BENCHMARK.md`), the
//!   constant-time schedule is within a few per cent of the same kernel on a variable-time one
//!   (sliding over zero bits, direct table index): the doublings of `2^e` cost about 2 % of a
//!   squaring, and the table scan about 3 % of a multiplication per window.
//! - **The glue** around the kernel is the crate's own integer (`src/big/nat.rs`, which
//!   replaced `num-bigint`): the integer `a + u·x` (schoolbook multiplication and addition,
//!   carries arithmetic), `x mod N` (shift and subtract with a masked conditional subtraction)
//!   and the byte conversions of `a`, `x`, `S` and the exponent are constant-time in the
//!   values' bits for fixed lengths.
//! - **Not covered**: the time of that glue depends on the values' lengths (32-bit limbs, and
//!   for byte conversions the number of leading zero bytes), and parsing and printing hex
//!   branch on the digits (hex carries public values on the Cognito path, and the secrets only
//!   in the test-only `hazmat` functions and intermediates). Cognito's own `PAD`
//!   makes the HKDF input one byte longer when the top bit of `S` is set, which no
//!   implementation of this protocol can hide. The compiler is trusted not to turn the
//!   branch-free selects into branches; the code has not been checked at the machine-code
//!   level or by a timing-leak tool (dudect and the like).
//! - **wasm32**: the kernel multiplies in radix 2^28 with wasm SIMD (`src/big/r28.rs`, two
//!   32×32→64-bit products per instruction, carries moved once per row instead of per
//!   product). That keeps the schedule above: its loops run over the modulus's length, the
//!   quotient digit of each row is arithmetic, and the SIMD multiply and add take the same
//!   time for every value. It also means the wasm32 build needs an engine with wasm SIMD
//!   (Chrome 91, Firefox 89, Safari 16.4, Node 16.4 or later); older ones refuse the module.
//! - `num-bigint` stays in the crate only behind the test-only `hazmat` feature (and as a
//!   dev-dependency): the reference implementation the kernel is tested against, and the
//!   backend for a group the kernel does not take (an even modulus or one over 3072 bits: only
//!   the `hazmat` functions can ask for one). Without `hazmat` it is not a dependency, so the
//!   browser package does not link it.
//! - The server's final signature comparison is constant-time (`subtle`).
//! - Secret values are not zeroized on drop.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

pub mod base64;
mod big;
mod client;
mod group;
mod hashes;
pub mod hex;
mod server;
mod timestamp;

pub use client::{password_claim, ClaimInProgress, ClaimInput, ClientEphemeral, PasswordClaim};
pub use hashes::{hmac_sha256, sha256};
pub use server::{
    check_client_public, make_verifier, verify_password_claim, ClaimCheck, ServerEphemeral,
    Verifier,
};
pub use timestamp::cognito_timestamp;
pub use timestamp::parse_cognito_timestamp;

/// Ephemeral secret size of amazon-cognito-identity-js and Amplify v6: 128 bytes (1024 bits),
/// the compatibility choice. 32 bytes ([`MIN_EPHEMERAL_BYTES`]) already matches the group's
/// 128-bit security and halves the client's work; see the crate docs, "Ephemeral size".
pub const RECOMMENDED_EPHEMERAL_BYTES: usize = 128;

/// Smallest ephemeral secret accepted: 32 bytes (256 bits), RFC 5054 §3.1's minimum, and twice
/// the 3072-bit group's 128-bit security level (the recommended length; see the crate docs).
pub const MIN_EPHEMERAL_BYTES: usize = 32;

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
    /// The ephemeral secret is long enough but its value is 0 or 1 (all-zero bytes from a
    /// broken RNG, say): `A = g^a` or `g^b` would be 1 or `g`, and the session key guessable.
    #[error("weak ephemeral secret: its value is 0 or 1")]
    WeakEphemeral,
    /// The client's password claim signature does not match (wrong password).
    #[error("password claim signature does not match")]
    BadSignature,
    /// The group modulus is zero (or, without the test-only `hazmat` feature, one the kernel
    /// does not take: even or over 3072 bits). Cannot happen with Cognito's group; only the
    /// `hazmat` functions take a caller's modulus.
    #[error("illegal group: modulus is zero")]
    IllegalGroup,
}

/// Test-only door, behind the `hazmat` cargo feature (this crate's tests and benchmark turn it
/// on; nothing else should): group arithmetic over a caller-chosen group, for testing against
/// RFC 5054 Appendix B (which uses the 1024-bit group), and the reference (`num-bigint`)
/// backend, for testing and measuring the kernel. Not part of the stable API.
///
/// Each group function is the one the Cognito code path runs, with `N`, `g`, `k` as hex
/// arguments. Hex in, lowercase unpadded hex out; `None` on bad hex, a zero modulus, or an
/// illegal public value.
#[cfg(feature = "hazmat")]
#[doc(hidden)]
pub mod hazmat {
    use crate::big::{Big, Modulus};
    use crate::client::{self, ClaimInput, ClientEphemeral, PasswordClaim};
    use crate::group::Group;
    use crate::SrpError;

    fn group(n: &str, g: &str, k: &str) -> Option<Group> {
        Some(Group {
            n: Modulus::new(Big::from_hex(n)?),
            g: Big::from_hex(g)?,
            k: Big::from_hex(k)?,
        })
    }

    /// Which implementation runs a [`mod_pow`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[non_exhaustive]
    pub enum Backend {
        /// `num-bigint`'s `modpow`: the reference, and what the crate used before the kernel.
        Reference,
        /// The kernel, constant-time in the exponent: what the crate uses.
        Kernel,
        /// The kernel on a variable-time schedule (direct table index, zero windows and zero
        /// bits skipped), only to measure what constant time costs.
        KernelVartime,
    }

    /// `base^e mod n` on `backend`; for `base = 2` the kernel squares and doubles (no table).
    /// `None` on bad hex or `n = 0`.
    #[must_use]
    pub fn mod_pow(n: &str, base: &str, e: &str, backend: Backend) -> Option<String> {
        let n = Big::from_hex(n)?;
        let m = match backend {
            Backend::Reference => Modulus::reference(n),
            Backend::Kernel | Backend::KernelVartime => Modulus::new(n),
        };
        let (base, e) = (Big::from_hex(base)?, Big::from_hex(e)?);
        let vartime = backend == Backend::KernelVartime;
        if base == Big::from_u32(2) {
            m.pow2_with(&e, vartime)
        } else {
            m.pow_with(&base, &e, vartime)
        }
        .map(|r| r.to_hex())
    }

    /// [`ClientEphemeral::from_bytes`] with Cognito's group on the reference backend.
    ///
    /// # Errors
    /// As [`ClientEphemeral::from_bytes`].
    pub fn reference_client_ephemeral(a: &[u8]) -> Result<ClientEphemeral, SrpError> {
        ClientEphemeral::from_bytes_in(Group::cognito_reference(), a)
    }

    /// [`password_claim`](crate::password_claim) with Cognito's group on the reference backend.
    ///
    /// # Errors
    /// As [`password_claim`](crate::password_claim).
    pub fn reference_password_claim(
        eph: &ClientEphemeral,
        input: &ClaimInput<'_>,
    ) -> Result<PasswordClaim, SrpError> {
        client::password_claim_in(Group::cognito_reference(), eph, input)
    }

    /// `g^a mod N` (both `A` from `a` and `v` from `x`).
    #[must_use]
    pub fn client_public(n: &str, g: &str, a: &str) -> Option<String> {
        let grp = group(n, g, "0")?;
        grp.client_public(&Big::from_hex(a)?)
            .ok()
            .map(|x| x.to_hex())
    }

    /// `B = (k·v + g^b) mod N`.
    #[must_use]
    pub fn server_public(n: &str, g: &str, k: &str, v: &str, b: &str) -> Option<String> {
        let grp = group(n, g, k)?;
        grp.server_public(&Big::from_hex(v)?, &Big::from_hex(b)?)
            .ok()
            .map(|x| x.to_hex())
    }

    /// `S = (B − k·g^x)^(a + u·x) mod N`.
    #[must_use]
    pub fn client_premaster(
        n: &str,
        g: &str,
        k: &str,
        b_pub: &str,
        x: &str,
        a: &str,
        u: &str,
    ) -> Option<String> {
        let grp = group(n, g, k)?;
        let f = Big::from_hex;
        grp.client_premaster(&f(b_pub)?, &f(x)?, &f(a)?, &f(u)?)
            .ok()
            .map(|x| x.to_hex())
    }

    /// `S = (A·v^u)^b mod N`.
    #[must_use]
    pub fn server_premaster(n: &str, a_pub: &str, v: &str, u: &str, b: &str) -> Option<String> {
        let grp = group(n, "2", "0")?;
        let f = Big::from_hex;
        grp.server_premaster(&f(a_pub)?, &f(v)?, &f(u)?, &f(b)?)
            .ok()
            .map(|x| x.to_hex())
    }
}
