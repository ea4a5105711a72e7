//! [`Big`]: the crate's own non-negative integer of any size, for the glue around the
//! Montgomery kernel (parsing and printing hex, bytes ⇄ integer, `a + u·x`, reductions of
//! public values and of `x`). It replaced `num-bigint` there, which cost the browser package
//! about 22 KB of `.wasm` for these few operations; `num-bigint` is now only the reference
//! the tests compare against.
//!
//! Little-endian `u32` limbs with `u64` intermediate products, so one code path runs natively
//! and on wasm32 (which multiplies 64-bit integers natively but has no 128-bit product).
//! Always normalised: no zero limb at the top, zero is no limbs, so the derived `PartialEq`
//! compares values.
//!
//! # Security
//! Which of these see secrets on the Cognito path: [`Big::mul`] and [`Big::add`] (the
//! exponent `a + u·x`), [`Big::modulo`] (`x mod N`, and the server's reductions of values
//! built from `v`), the byte conversions (`a`, `b`, `x`, `S`, the exponent), and the hex
//! functions only through the test-only `hazmat` door (its functions and a claim's secret
//! intermediates).
//! `mul`, `add`, `modulo` and the byte conversions are constant-time in the values' bits for
//! fixed limb counts: loops run over the lengths, carries and borrows are arithmetic, and the
//! conditional subtraction of `modulo` is a mask select, with no branch or memory index that
//! depends on a bit. Their time does depend on the lengths (the number of 32-bit limbs, and
//! for the byte conversions the number of leading zero bytes), as `num-bigint`'s did. Parsing
//! and printing hex branch on the digits. Normalisation (dropping top zero limbs) shows how many
//! top limbs of a result are zero. `==` (used to reject `a` or `b` equal to 1) may stop at the
//! first differing limb. The compiler is trusted not to turn the mask selects into branches.

/// A non-negative integer of any size.
///
/// No `Debug`: values are often secrets (`a`, `b`, `x`, `S`).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Big {
    /// Little-endian limbs, no zero limb at the top (zero is empty).
    limbs: Vec<u32>,
}

impl Big {
    fn normalised(mut limbs: Vec<u32>) -> Self {
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
        Self { limbs }
    }

    /// The integer whose big-endian bytes are `bytes` (empty means zero).
    pub(crate) fn from_be_bytes(bytes: &[u8]) -> Self {
        let limbs = bytes
            .rchunks(4)
            .map(|c| c.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b)))
            .collect();
        Self::normalised(limbs)
    }

    /// The integer whose little-endian bytes are `bytes` (empty means zero).
    pub(crate) fn from_le_bytes(bytes: &[u8]) -> Self {
        let limbs = bytes
            .chunks(4)
            .map(|c| c.iter().rev().fold(0u32, |acc, &b| acc << 8 | u32::from(b)))
            .collect();
        Self::normalised(limbs)
    }

    /// Parses hex digits (either case, any length, leading zeros allowed), like JS
    /// `new BigInteger(s, 16)` on well-formed input. `None` if empty or not all hex digits
    /// (no sign, no `0x`, no `_`, no whitespace).
    pub(crate) fn from_hex(s: &str) -> Option<Self> {
        if s.is_empty() {
            return None;
        }
        let mut limbs = Vec::with_capacity(s.len().div_ceil(8));
        // Eight digits a limb, from the least significant end.
        for chunk in s.as_bytes().rchunks(8) {
            let mut limb = 0u32;
            for &c in chunk {
                limb = limb << 4 | char::from(c).to_digit(16)?;
            }
            limbs.push(limb);
        }
        Some(Self::normalised(limbs))
    }

    /// A small integer.
    pub(crate) fn from_u32(n: u32) -> Self {
        Self::normalised(vec![n])
    }

    /// Lowercase hex without leading zeros; zero is `"0"` (JS `BigInteger.toString(16)`).
    pub(crate) fn to_hex(&self) -> String {
        let mut s = crate::hex::encode(&self.to_be_bytes());
        // At most one leading zero digit (the top byte is nonzero, or the value is zero).
        if s.len() > 1 && s.starts_with('0') {
            s.remove(0);
        }
        s
    }

    /// Minimal big-endian bytes; zero is `[0]`.
    pub(crate) fn to_be_bytes(&self) -> Vec<u8> {
        let mut bytes: Vec<u8> = self
            .limbs
            .iter()
            .rev()
            .flat_map(|l| l.to_be_bytes())
            .collect();
        let zeros = bytes.iter().take_while(|&&b| b == 0).count();
        bytes.drain(..zeros.min(bytes.len().saturating_sub(1)));
        if bytes.is_empty() {
            bytes.push(0);
        }
        bytes
    }

    /// Minimal little-endian bytes; zero is `[0]`.
    pub(crate) fn to_le_bytes(&self) -> Vec<u8> {
        let mut bytes = self.to_be_bytes();
        bytes.reverse();
        bytes
    }

    /// `self == 0`.
    pub(crate) fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    /// The number of significant bits (0 for zero).
    fn bits(&self) -> usize {
        self.limbs.last().map_or(0, |top| {
            self.limbs.len() * 32 - top.leading_zeros() as usize
        })
    }

    /// `self mod m`; `None` if `m == 0`.
    ///
    /// Shift and subtract: one bit of `self` at a time, from the top, into a remainder `r < m`
    /// (`r ← 2r + bit`, then `r − m` kept if it did not borrow, by a mask); when `self` has no
    /// more bits than `m`, one masked subtraction instead. The time depends on the lengths of
    /// `self` and `m` only.
    pub(crate) fn modulo(&self, m: &Self) -> Option<Self> {
        if m.is_zero() {
            return None;
        }
        if self.limbs.len() < m.limbs.len() {
            // Fewer limbs: smaller than m (m's top limb is nonzero).
            return Some(self.clone());
        }
        if self.bits() <= m.bits() {
            // self < 2^bits(m) ≤ 2m: one subtraction, kept by a mask if it did not borrow. This
            // is the common case (an `SRP_B` checked against `N`), and it spares the bit loop
            // below, about a millisecond in wasm for 3072 bits.
            let mut d = vec![0u32; self.limbs.len()];
            let borrow = sub_into(&self.limbs, &m.limbs, &mut d);
            let keep_d = borrow.wrapping_sub(1);
            let r = self
                .limbs
                .iter()
                .zip(&d)
                .map(|(&s, &d)| (d & keep_d) | (s & !keep_d))
                .collect();
            return Some(Self::normalised(r));
        }
        // r < m, so 2r + 1 < 2m fits in one limb more than m.
        let len = m.limbs.len() + 1;
        let mut r = vec![0u32; len];
        let mut d = vec![0u32; len];
        for i in (0..self.limbs.len() * 32).rev() {
            let bit = (self.limbs[i / 32] >> (i % 32)) & 1;
            let mut carry = bit;
            for limb in r.iter_mut() {
                let next = *limb >> 31;
                *limb = *limb << 1 | carry;
                carry = next;
            }
            let borrow = sub_into(&r, &m.limbs, &mut d);
            // No borrow: r ≥ m, take r − m.
            let keep_d = borrow.wrapping_sub(1);
            for (ri, di) in r.iter_mut().zip(&d) {
                *ri = (*di & keep_d) | (*ri & !keep_d);
            }
        }
        Some(Self::normalised(r))
    }

    /// `self · o` (schoolbook).
    pub(crate) fn mul(&self, o: &Self) -> Self {
        let mut out = vec![0u32; self.limbs.len() + o.limbs.len()];
        for (i, &a) in self.limbs.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in o.limbs.iter().enumerate() {
                // At most (2³² − 1)² + 2·(2³² − 1) = 2⁶⁴ − 1: no overflow.
                let t = u64::from(out[i + j]) + u64::from(a) * u64::from(b) + carry;
                out[i + j] = t as u32;
                carry = t >> 32;
            }
            out[i + o.limbs.len()] = carry as u32;
        }
        Self::normalised(out)
    }

    /// `self + o`.
    pub(crate) fn add(&self, o: &Self) -> Self {
        let (long, short) = if self.limbs.len() >= o.limbs.len() {
            (&self.limbs, &o.limbs)
        } else {
            (&o.limbs, &self.limbs)
        };
        let mut out = Vec::with_capacity(long.len() + 1);
        let mut carry = 0u64;
        for (i, &a) in long.iter().enumerate() {
            let t = u64::from(a) + u64::from(short.get(i).copied().unwrap_or(0)) + carry;
            out.push(t as u32);
            carry = t >> 32;
        }
        out.push(carry as u32);
        Self::normalised(out)
    }

    /// `(self − o) mod m`, the non-negative representative; `None` if `m == 0`. Only the tests
    /// need it: the crate's modular subtractions run on the kernel ([`super::Modulus::sub`]).
    #[cfg(test)]
    pub(crate) fn mod_sub(&self, o: &Self, m: &Self) -> Option<Self> {
        let a = self.modulo(m)?;
        let b = o.modulo(m)?;
        // a + m − b is in (0, 2m): never negative.
        let t = a.add(m);
        let mut d = vec![0u32; t.limbs.len()];
        sub_into(&t.limbs, &b.limbs, &mut d);
        Self::normalised(d).modulo(m)
    }
}

/// `out = a − b` over `a`'s length (`b` no longer than `a`, zero-extended); returns the
/// borrow out of the top limb (1 if `a < b`). No branch on the values.
fn sub_into(a: &[u32], b: &[u32], out: &mut [u32]) -> u32 {
    let mut borrow = 0u32;
    for (i, (&x, o)) in a.iter().zip(out.iter_mut()).enumerate() {
        let y = b.get(i).copied().unwrap_or(0);
        let (d1, b1) = x.overflowing_sub(y);
        let (d2, b2) = d1.overflowing_sub(borrow);
        *o = d2;
        borrow = u32::from(b1) | u32::from(b2);
    }
    borrow
}

#[cfg(test)]
mod tests {
    use super::Big;
    use num_bigint::BigUint;
    use proptest::prelude::*;

    fn to_ref(x: &Big) -> BigUint {
        BigUint::from_bytes_le(&x.to_le_bytes())
    }

    fn from_ref(x: &BigUint) -> Big {
        Big::from_be_bytes(&x.to_bytes_be())
    }

    /// Every operation of `Big` on `a`, `b`, `m` against num-bigint.
    fn check(a: &BigUint, b: &BigUint, m: &BigUint) {
        let (x, y, z) = (from_ref(a), from_ref(b), from_ref(m));
        assert_eq!(to_ref(&x), *a, "from_be_bytes / to_le_bytes");
        assert_eq!(x.to_be_bytes(), a.to_bytes_be(), "to_be_bytes");
        assert_eq!(x.to_le_bytes(), a.to_bytes_le(), "to_le_bytes");
        assert!(Big::from_le_bytes(&a.to_bytes_le()) == x, "from_le_bytes");
        assert_eq!(x.to_hex(), a.to_str_radix(16), "to_hex");
        let upper = a.to_str_radix(16).to_uppercase();
        assert!(Big::from_hex(&upper) == Some(x.clone()), "from_hex upper");
        assert!(
            Big::from_hex(&format!("000{}", a.to_str_radix(16))) == Some(x.clone()),
            "from_hex leading zeros"
        );
        assert_eq!(x.is_zero(), *a == BigUint::ZERO, "is_zero");
        assert_eq!(to_ref(&x.add(&y)), a + b, "add");
        assert_eq!(to_ref(&x.mul(&y)), a * b, "mul");
        if *m == BigUint::ZERO {
            assert!(x.modulo(&z).is_none(), "modulo 0");
            assert!(x.mod_sub(&y, &z).is_none(), "mod_sub 0");
        } else {
            assert_eq!(x.modulo(&z).map(|r| to_ref(&r)), Some(a % m), "modulo");
            let want = ((a % m) + m - (b % m)) % m;
            assert_eq!(x.mod_sub(&y, &z).map(|r| to_ref(&r)), Some(want), "mod_sub");
        }
    }

    /// 0, 1, `m − 1`, `m`, `m + 1`, `2^k`, `2^k − 1` for `k` around limb and byte boundaries.
    fn edges(m: &BigUint) -> Vec<BigUint> {
        let one = BigUint::from(1u32);
        let mut v = vec![BigUint::ZERO, one.clone(), m + &one, m.clone()];
        if *m > BigUint::ZERO {
            v.push(m - &one);
        }
        for k in [
            1, 7, 8, 31, 32, 33, 63, 64, 65, 256, 3071, 3072, 3073, 6144, 8000,
        ] {
            v.push(&one << k);
            v.push((&one << k) - &one);
        }
        v
    }

    #[test]
    fn edge_values() {
        let cognito = BigUint::parse_bytes(crate::group::N_HEX.as_bytes(), 16).unwrap_or_default();
        let one = BigUint::from(1u32);
        let moduli = [
            cognito.clone(),
            &cognito + &one,
            one.clone(),
            BigUint::from(2u32),
            BigUint::from(u32::MAX),
            (&one << 32) + &one,
            &one << 64,
            (&one << 3072) - &one,
            &one << 6144,
            BigUint::ZERO,
        ];
        for m in &moduli {
            let values = edges(m);
            for a in &values {
                for b in [&values[0], &values[2], &values[4], a] {
                    check(a, b, m);
                }
            }
        }
        // The server's k·v mod N: a 6144-bit product.
        let k_v = (&cognito - &one) * (&cognito - &one);
        check(&k_v, &cognito, &cognito);
    }

    #[test]
    fn hex_rejects() {
        for bad in ["", "+1", "-1", "0x1", "1_0", " 1", "1 ", "g", "é", "00é0"] {
            assert!(Big::from_hex(bad).is_none(), "accepted {bad:?}");
        }
        assert!(Big::from_hex("000") == Some(Big::from_u32(0)), "zeros");
        assert_eq!(Big::from_u32(0).to_hex(), "0");
        assert_eq!(Big::from_u32(0).to_be_bytes(), [0]);
        assert_eq!(Big::from_be_bytes(&[]).to_be_bytes(), [0]);
        assert_eq!(Big::from_u32(0x0abc).to_hex(), "abc");
        assert_eq!(Big::from_u32(0x100).to_be_bytes(), [1, 0]);
    }

    /// Up to 8000 bits (1000 bytes), lengths drawn independently.
    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(any::<u8>(), 0..=1000)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn matches_num_bigint(a in bytes(), b in bytes(), m in bytes(), m_short in 0usize..=1000) {
            let (a, b) = (BigUint::from_bytes_be(&a), BigUint::from_bytes_be(&b));
            // Moduli of every length, not only as long as the draw.
            let m = BigUint::from_bytes_be(&m[..m_short.min(m.len())]);
            check(&a, &b, &m);
        }
    }
}
