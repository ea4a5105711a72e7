//! The one file that knows the bignum backend.
//!
//! Everything else in the crate works with [`Big`] and never names `num_bigint`, so swapping the
//! backend (for a constant-time one, say) means rewriting this file only.
//!
//! # Security
//! `num-bigint` is not constant-time: `mod_pow` and friends leak timing that depends on the
//! exponent and operand values.

use num_bigint::BigUint;
use num_traits::Zero;

/// A non-negative integer of any size.
///
/// No `Debug`: values are often secrets (`a`, `b`, `x`, `S`).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Big(BigUint);

impl Big {
    /// The integer whose big-endian bytes are `bytes` (empty means zero).
    pub(crate) fn from_be_bytes(bytes: &[u8]) -> Self {
        Self(BigUint::from_bytes_be(bytes))
    }

    /// Parses hex digits (either case, any length, leading zeros allowed), like JS
    /// `new BigInteger(s, 16)` on well-formed input. `None` if empty or not all hex digits
    /// (no sign, no `0x`, no `_`, no whitespace).
    pub(crate) fn from_hex(s: &str) -> Option<Self> {
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        BigUint::parse_bytes(s.as_bytes(), 16).map(Self)
    }

    /// A small integer.
    pub(crate) fn from_u32(n: u32) -> Self {
        Self(BigUint::from(n))
    }

    /// Lowercase hex without leading zeros; zero is `"0"` (JS `BigInteger.toString(16)`).
    pub(crate) fn to_hex(&self) -> String {
        self.0.to_str_radix(16)
    }

    /// Minimal big-endian bytes; zero is `[0]`.
    pub(crate) fn to_be_bytes(&self) -> Vec<u8> {
        self.0.to_bytes_be()
    }

    /// `self == 0`.
    pub(crate) fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// `self mod m`; `None` if `m == 0`.
    pub(crate) fn modulo(&self, m: &Self) -> Option<Self> {
        if m.is_zero() {
            return None;
        }
        Some(Self(&self.0 % &m.0))
    }

    /// `self^e mod m`; `None` if `m == 0`.
    pub(crate) fn mod_pow(&self, e: &Self, m: &Self) -> Option<Self> {
        if m.is_zero() {
            return None;
        }
        Some(Self(self.0.modpow(&e.0, &m.0)))
    }

    /// `self · o`.
    pub(crate) fn mul(&self, o: &Self) -> Self {
        Self(&self.0 * &o.0)
    }

    /// `self + o`.
    pub(crate) fn add(&self, o: &Self) -> Self {
        Self(&self.0 + &o.0)
    }

    /// `(self − o) mod m`, the non-negative representative; `None` if `m == 0`.
    pub(crate) fn mod_sub(&self, o: &Self, m: &Self) -> Option<Self> {
        let a = self.modulo(m)?;
        let b = o.modulo(m)?;
        Some(Self((&a.0 + &m.0 - &b.0) % &m.0))
    }
}

#[cfg(test)]
mod tests {
    use super::Big;

    #[test]
    fn hex_round_trip_and_rejects() {
        assert_eq!(
            Big::from_hex("00Ab").map(|b| b.to_hex()).as_deref(),
            Some("ab")
        );
        assert_eq!(Big::from_hex("0").map(|b| b.to_hex()).as_deref(), Some("0"));
        for bad in ["", "+1", "0x1", "1_0", " 1", "g", "é"] {
            assert!(Big::from_hex(bad).is_none(), "accepted {bad:?}");
        }
    }

    #[test]
    fn mod_sub_wraps() {
        let m = Big::from_u32(7);
        let r = Big::from_u32(2).mod_sub(&Big::from_u32(20), &m);
        assert_eq!(r.map(|b| b.to_hex()).as_deref(), Some("3"));
        assert!(Big::from_u32(2)
            .mod_sub(&Big::from_u32(1), &Big::from_u32(0))
            .is_none());
    }
}
