//! The one place that knows the bignum backends.
//!
//! Everything else in the crate works with [`Big`] (any non-negative integer, the crate's own,
//! `big/nat.rs`) and [`Modulus`] (modular arithmetic), and never names the kernel or the
//! reference backend, so swapping a backend means rewriting this file and `big/`.
//!
//! - [`Modulus`] runs the modular arithmetic of the SRP formulas (the three 3072-bit
//!   exponentiations of a sign-in, `k·g^x`, `B − k·g^x`) on our Montgomery kernel (`big/mont.rs`,
//!   `big/limbs.rs`) when `N` is odd and at most 3072 bits, which Cognito's group is; otherwise
//!   (only the test-only `hazmat` functions can ask for such a group) on `num-bigint`.
//! - [`Big`] does the glue: parsing, hex, bytes, the integer `a + u·x`, `x mod N`, and the
//!   reduction of a public value too large for the kernel. It replaced `num-bigint` there so
//!   that the browser package does not link `num-bigint` (about 22 KB of `.wasm`).
//! - `num-bigint` is now only the reference implementation every kernel result is tested
//!   against ([`Modulus::reference`]) and the fallback for other groups, both behind the
//!   test-only `hazmat` feature (and in the crate's own tests); without it the crate does not
//!   depend on `num-bigint` at all.
//!
//! # Security
//! The kernel's exponentiations are constant-time in the exponent: a fixed schedule over the
//! exponent's length rounded up to 64 bits, no branch and no table index on its bits (see the
//! crate docs). [`Big`]'s `mul`, `add`, `modulo` and byte conversions, which see `a + u·x`,
//! `x` and the bytes of `S`, are constant-time in the values' bits for fixed lengths (see
//! `big/nat.rs`); their time depends on the lengths. `num-bigint` is not constant-time
//! (`modpow`, `%`, `*` leak timing that depends on the values); it runs only in the test-only
//! reference backend.

mod mont;
mod nat;
#[cfg(any(test, target_arch = "wasm32"))]
mod r28;

use mont::{Elem, Mont, PowState, MAX_LIMBS};
pub(crate) use nat::Big;

/// A modulus `N`, with the kernel's Montgomery constants when `N` suits the kernel.
///
/// All results are fully reduced (`< N`); inputs may be any size. `None` from every operation
/// when `N == 0`.
pub(crate) struct Modulus {
    n: Big,
    kernel: Option<Mont>,
}

impl Modulus {
    /// `N`, on the kernel if it is odd, at least 3 and at most 3072 bits, else on `num-bigint`
    /// (with the `hazmat` feature only; without it, every operation on such an `N` is `None`).
    pub(crate) fn new(n: Big) -> Self {
        let kernel = Mont::new(&n.to_le_bytes());
        Self { n, kernel }
    }

    /// `N` on `num-bigint` only: the reference implementation, for tests and the benchmark.
    #[cfg(any(test, feature = "hazmat"))]
    pub(crate) fn reference(n: Big) -> Self {
        Self { n, kernel: None }
    }

    /// `N` itself.
    pub(crate) fn value(&self) -> &Big {
        &self.n
    }

    /// `base^e mod N`. Constant-time in `e` on the kernel (see the module docs).
    pub(crate) fn pow(&self, base: &Big, e: &Big) -> Option<Big> {
        self.pow_with(base, e, false)
    }

    /// `2^e mod N`: on the kernel, squarings and doublings only. Constant-time in `e` on the
    /// kernel.
    pub(crate) fn pow2(&self, e: &Big) -> Option<Big> {
        self.pow2_with(e, false)
    }

    /// [`Modulus::pow`], or with `vartime` the kernel's variable-time schedule (for measuring
    /// what constant time costs).
    pub(crate) fn pow_with(&self, base: &Big, e: &Big, vartime: bool) -> Option<Big> {
        if self.n.is_zero() {
            return None;
        }
        let Some(k) = &self.kernel else {
            return reference(Op::Pow(base, e), &self.n);
        };
        let b = k.enter(&self.residue(k, base));
        let r = k.pow(&b, &exponent(e, vartime), vartime);
        Some(self.big(k, &k.leave(&r)))
    }

    /// `base^e mod N` in two calls of about half the work each: this one builds the window
    /// table and runs the top windows, [`Modulus::pow_finish`] the rest. The same schedule as
    /// [`Modulus::pow`], so constant-time in `e` in the same way (where it pauses depends on
    /// `e`'s length only).
    pub(crate) fn pow_begin(&self, base: &Big, e: &Big) -> Option<PowInProgress> {
        if self.n.is_zero() {
            return None;
        }
        let Some(k) = &self.kernel else {
            return reference(Op::Pow(base, e), &self.n).map(PowInProgress::Done);
        };
        let b = k.enter(&self.residue(k, base));
        let e = exponent(e, false);
        let mut st = Box::new(k.pow_begin(&b, &e));
        // The table costs about 31 multiplications, a window 5 squarings and 1 multiplication:
        // stop where about half of the whole is done.
        let first = st.left().saturating_sub(5) / 2;
        k.pow_steps(&mut st, &e, first, false);
        Some(PowInProgress::Kernel { st, e })
    }

    /// The rest of a [`Modulus::pow_begin`].
    pub(crate) fn pow_finish(&self, p: PowInProgress) -> Option<Big> {
        match p {
            PowInProgress::Done(r) => Some(r),
            PowInProgress::Kernel { mut st, e } => {
                let k = self.kernel.as_ref()?;
                k.pow_steps(&mut st, &e, usize::MAX, false);
                Some(self.big(k, &k.leave(&st.acc)))
            }
        }
    }

    /// [`Modulus::pow2`], or with `vartime` the kernel's variable-time schedule.
    pub(crate) fn pow2_with(&self, e: &Big, vartime: bool) -> Option<Big> {
        if self.n.is_zero() {
            return None;
        }
        let Some(k) = &self.kernel else {
            return reference(Op::Pow2(e), &self.n);
        };
        let r = k.pow2(&exponent(e, vartime), vartime);
        Some(self.big(k, &k.leave(&r)))
    }

    /// `a·b mod N`.
    pub(crate) fn mul(&self, a: &Big, b: &Big) -> Option<Big> {
        if self.n.is_zero() {
            return None;
        }
        let Some(k) = &self.kernel else {
            return reference(Op::Mul(a, b), &self.n);
        };
        // (a·R)·b·R⁻¹ = a·b: one multiplication enters Montgomery form, the next leaves it.
        let am = k.enter(&self.residue(k, a));
        Some(self.big(k, &k.mul(&am, &self.residue(k, b))))
    }

    /// `(a + b) mod N`.
    pub(crate) fn add(&self, a: &Big, b: &Big) -> Option<Big> {
        let Some(k) = &self.kernel else {
            return reference(Op::Add(a, b), &self.n);
        };
        // a + b = a − (0 − b).
        let minus_b = k.sub(&[0; MAX_LIMBS], &k.enter(&self.residue(k, b)));
        let d = k.sub(&k.enter(&self.residue(k, a)), &minus_b);
        Some(self.big(k, &k.leave(&d)))
    }

    /// `(a − b) mod N`, the non-negative representative.
    pub(crate) fn sub(&self, a: &Big, b: &Big) -> Option<Big> {
        let Some(k) = &self.kernel else {
            return reference(Op::Sub(a, b), &self.n);
        };
        let d = k.sub(&k.enter(&self.residue(k, a)), &k.enter(&self.residue(k, b)));
        Some(self.big(k, &k.leave(&d)))
    }

    /// `x` as a kernel number `< R`; only an `x ≥ R` (a public value sent unreduced, such as
    /// `B + N`) goes through [`Big::modulo`] first.
    fn residue(&self, k: &Mont, x: &Big) -> Elem {
        k.parse(&x.to_le_bytes())
            .or_else(|| k.parse(&x.modulo(&self.n)?.to_le_bytes()))
            .unwrap_or([0; MAX_LIMBS])
    }

    /// A kernel number as a [`Big`].
    fn big(&self, k: &Mont, x: &Elem) -> Big {
        Big::from_le_bytes(&k.to_le_bytes(x))
    }
}

/// A [`Modulus::pow_begin`] waiting for [`Modulus::pow_finish`].
pub(crate) enum PowInProgress {
    /// On the kernel: the table, the accumulator and the exponent's bytes.
    Kernel { st: Box<PowState>, e: Vec<u8> },
    /// On the reference backend, computed at once.
    #[cfg_attr(not(any(test, feature = "hazmat")), allow(dead_code))]
    Done(Big),
}

/// An operation for [`reference`], on `N`.
#[cfg_attr(not(any(test, feature = "hazmat")), allow(dead_code))]
enum Op<'a> {
    /// `base^e`.
    Pow(&'a Big, &'a Big),
    /// `2^e`.
    Pow2(&'a Big),
    /// `a·b`.
    Mul(&'a Big, &'a Big),
    /// `a + b`.
    Add(&'a Big, &'a Big),
    /// `a − b`.
    Sub(&'a Big, &'a Big),
}

/// The reference backend (`num-bigint`): the result of `op` mod `n`, `None` if `n == 0`; for a
/// modulus the kernel does not take (or for [`Modulus::reference`]). Only the test-only
/// `hazmat` door can ask for such a modulus (Cognito's `N` is always on the kernel), so
/// without it the fallback is left out of the build, keeping `num-bigint` out of the wasm
/// package, and the operation fails (`None`, reported as
/// [`SrpError::IllegalGroup`](crate::SrpError::IllegalGroup)).
#[cfg(any(test, feature = "hazmat"))]
fn reference(op: Op<'_>, n: &Big) -> Option<Big> {
    use num_bigint::BigUint;
    let big = |x: &Big| BigUint::from_bytes_le(&x.to_le_bytes());
    let n = big(n);
    if n == BigUint::ZERO {
        return None;
    }
    let r = match op {
        Op::Pow(base, e) => big(base).modpow(&big(e), &n),
        Op::Pow2(e) => BigUint::from(2u32).modpow(&big(e), &n),
        Op::Mul(a, b) => big(a) * big(b) % &n,
        Op::Add(a, b) => (big(a) + big(b)) % &n,
        Op::Sub(a, b) => (big(a) % &n + &n - big(b) % &n) % &n,
    };
    Some(Big::from_le_bytes(&r.to_bytes_le()))
}

/// Without the `hazmat` feature: no fallback (see the other `reference`).
#[cfg(not(any(test, feature = "hazmat")))]
fn reference(_op: Op<'_>, _n: &Big) -> Option<Big> {
    None
}

/// The exponent's big-endian bytes for the kernel. The constant-time schedule runs over its
/// length rounded up to 8 bytes, so timing shows at most which 64-bit word holds the top 1 bit
/// (for a random 1024-bit `a`, the top word is zero with probability 2⁻⁶⁴).
fn exponent(e: &Big, vartime: bool) -> Vec<u8> {
    let bytes = e.to_be_bytes();
    if vartime {
        return bytes;
    }
    let mut padded = vec![0u8; bytes.len().div_ceil(8) * 8 - bytes.len()];
    padded.extend_from_slice(&bytes);
    padded
}

#[cfg(test)]
mod tests {
    use super::{Big, Modulus};
    use proptest::prelude::*;

    fn cognito_n() -> Big {
        Big::from_hex(crate::group::N_HEX).unwrap_or_else(|| Big::from_u32(0))
    }

    /// Every `Modulus` operation, kernel against reference, for inputs of any size.
    fn check(n: &Big, a: &Big, b: &Big, e: &Big) {
        let (k, r) = (Modulus::new(n.clone()), Modulus::reference(n.clone()));
        let hex = |x: Option<Big>| x.map(|x| x.to_hex());
        assert_eq!(hex(k.pow(a, e)), hex(r.pow(a, e)), "pow");
        let split = k.pow_begin(a, e).and_then(|p| k.pow_finish(p));
        assert_eq!(hex(split), hex(r.pow(a, e)), "pow_begin + pow_finish");
        assert_eq!(hex(k.pow2(e)), hex(r.pow2(e)), "pow2");
        assert_eq!(hex(k.mul(a, b)), hex(r.mul(a, b)), "mul");
        assert_eq!(hex(k.sub(a, b)), hex(r.sub(a, b)), "sub");
        assert_eq!(hex(k.add(a, b)), hex(r.add(a, b)), "add");
    }

    #[test]
    fn modulus_edge_cases() {
        let n = cognito_n();
        let n_minus_1 = n
            .mod_sub(&Big::from_u32(1), &n.add(&n))
            .unwrap_or_else(|| n.clone());
        let values = [
            Big::from_u32(0),
            Big::from_u32(1),
            Big::from_u32(2),
            n_minus_1.clone(),
            n.clone(),
            n.add(&Big::from_u32(1)),
            n.add(&n).add(&n_minus_1),
        ];
        for a in &values {
            for b in &values {
                check(&n, a, b, &Big::from_u32(0));
                check(&n, a, b, &n_minus_1);
            }
        }
        assert!(
            Modulus::new(n).kernel.is_some(),
            "Cognito's N is on the kernel"
        );
    }

    #[test]
    fn zero_even_and_tiny_moduli() {
        let zero = Modulus::new(Big::from_u32(0));
        assert!(zero.pow(&Big::from_u32(2), &Big::from_u32(3)).is_none());
        assert!(zero.pow2(&Big::from_u32(3)).is_none());
        assert!(zero.mul(&Big::from_u32(2), &Big::from_u32(3)).is_none());
        assert!(zero.sub(&Big::from_u32(2), &Big::from_u32(3)).is_none());
        assert!(zero.add(&Big::from_u32(2), &Big::from_u32(3)).is_none());
        for n in [1, 2, 3, 4, 1000, 1001] {
            let m = Modulus::new(Big::from_u32(n));
            assert_eq!(m.kernel.is_some(), n % 2 == 1 && n > 1, "kernel for {n}");
            for a in [0, 1, 5, 999_999] {
                for e in [0, 1, 7, 65_537] {
                    let (a, e) = (Big::from_u32(a), Big::from_u32(e));
                    check(&Big::from_u32(n), &a, &Big::from_u32(3), &e);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn modulus_matches_reference(
            n in prop::collection::vec(any::<u8>(), 1..=400),
            a in prop::collection::vec(any::<u8>(), 0..=800),
            b in prop::collection::vec(any::<u8>(), 0..=400),
            e in prop::collection::vec(any::<u8>(), 0..=140),
            cognito: bool,
        ) {
            let n = if cognito { cognito_n() } else { Big::from_be_bytes(&n) };
            check(&n, &Big::from_be_bytes(&a), &Big::from_be_bytes(&b), &Big::from_be_bytes(&e));
        }
    }

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
