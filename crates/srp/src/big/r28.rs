//! Montgomery multiplication in radix 2^28 with lazy carries: the wasm32 kernel's multiplier,
//! two 32×32→64-bit products per instruction with wasm SIMD (`i64x2.extmul_{low,high}_i32x4_u`).
//!
//! Why 28 bits: a product of two 28-bit digits is below 2^56, so a 64-bit lane can add up 256
//! of them before it overflows. Each accumulator slot of a Montgomery product receives at most
//! `2·digits` ≤ 220 such products (`a_i·b_j` and `q_i·N_j` for every row `i` that reaches it)
//! plus one carry, so no slot ever needs a carry while the rows run: carries move once per row
//! (the slot that the row's `q` clears) and once at the end (normalising the result). That
//! turns each multiply-add into a multiply and an add, done two lanes at a time, instead of the
//! multiply, add, split and carry of a 32-bit multiply-add; the price is 110 digits for 3072
//! bits instead of 96 limbs (31 % more products).
//!
//! The numbers outside stay the kernel's 32-bit limbs (`limbs.rs`): each multiplication converts
//! its operands to digits and its result back (linear work, a few per cent of the quadratic
//! part). Montgomery's `R` is `2^(28·digits)`, which `limbs.rs` takes from [`Fast::rbits`].
//!
//! The schedule is operand scanning (one row per digit `a_i` of `a`): row `i` adds
//! `a_i·b_j + q_i·N_j` to slot `i + j` for every `j`, with `q_i` chosen so that slot `i` becomes
//! a multiple of 2^28. Slots are 64-bit lanes, two per vector; a row reads `b` and `N` four
//! digits per vector from a copy shifted by `i mod 4` digits, so that every vector lines up with
//! a pair of accumulator vectors whatever `i` is (the four copies of `N` are built once per
//! modulus, those of `b` once per multiplication). The squaring ([`Fast::sqr`]) computes each
//! cross product once: row `i` adds `2a_i·a_j` for `j > i` only (the vector holding `j = i + 1`
//! gets the digits `j ≤ i` zeroed, chosen by the public `i`) and `a_i²` to slot `2i`.
//!
//! In wasm32 the lanes are `core::arch::wasm32`'s `v128` and the multiplication is compiled
//! with `#[target_feature(enable = "simd128")]` (the rest of the crate and of the package is
//! not: no `RUSTFLAGS`); elsewhere (the native tests of the 32-bit kernel) a portable stand-in
//! with the same lane semantics runs the same code, with overflow checks in debug builds.
//! wasm32 tests of the real lanes: `crates/srp/wasm-harness` (`run.sh test`, in
//! `scripts/test.sh`).
//!
//! A module that contains one SIMD instruction needs an engine with wasm SIMD to compile at
//! all, whichever function uses it: Chrome / Edge 91, Firefox 89, Safari 16.4, Node 16.4 and
//! later. Older engines reject the whole package at `WebAssembly.compile`.
//!
//! Measured and not kept (`crates/srp/BENCHMARK.md`): two rows per pass (half the accumulator
//! traffic, but four multiplier vectors: slower in V8, probably register pressure) and product
//! scanning (column by column with `b` and `N` stored reversed, the sums in a register:
//! slower too).
//!
//! # Security
//! No branch and no memory index depends on the value of an operand: every loop runs over the
//! modulus's digit count and the row number, `q_i` is arithmetic, and the SIMD instructions (`pmuludq`, `paddq`
//! on x86) take the same time for every value.

/// Bits per digit.
const DIGIT_BITS: u32 = 28;

const MASK: u32 = (1 << DIGIT_BITS) - 1;

/// Digits of the largest modulus (3072 bits): 110, i.e. 3080 bits.
const MAX_DIGITS: usize = 3072usize.div_ceil(DIGIT_BITS as usize);

/// Four-digit vectors of a shifted copy: room for a shift of up to 3 digits.
const VECS: usize = (MAX_DIGITS + 3).div_ceil(4);

/// Accumulator vectors (two 64-bit slots each): row `i` writes vectors `2(i/4 + w)` and
/// `2(i/4 + w) + 1` for `w < VECS`.
const ACC: usize = 2 * ((MAX_DIGITS - 1) / 4 + VECS);

/// 32-bit limbs of the result of a product: a little more than 3072 bits (the digits' 3080,
/// plus the last carry).
const OUT_LIMBS: usize = 3072 / 32 + 2;

#[cfg(target_arch = "wasm32")]
mod lanes {
    //! wasm SIMD: `Q` is four 32-bit lanes, `D` two 64-bit lanes, both one `v128`.
    use core::arch::wasm32::{
        u32x4, u32x4_splat, u64x2_add, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4,
        u64x2_extract_lane, u64x2_replace_lane, u64x2_splat, v128,
    };

    pub(super) type Q = v128;
    pub(super) type D = v128;

    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn quad(a: u32, b: u32, c: u32, d: u32) -> Q {
        u32x4(a, b, c, d)
    }

    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn splat(x: u32) -> Q {
        u32x4_splat(x)
    }

    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn zero() -> D {
        u64x2_splat(0)
    }

    /// Lanes 0 and 1 of `a` times those of `b`, as two 64-bit products.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn mul_lo(a: Q, b: Q) -> D {
        u64x2_extmul_low_u32x4(a, b)
    }

    /// Lanes 2 and 3 of `a` times those of `b`, as two 64-bit products.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn mul_hi(a: Q, b: Q) -> D {
        u64x2_extmul_high_u32x4(a, b)
    }

    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn add(a: D, b: D) -> D {
        u64x2_add(a, b)
    }

    /// Lane `odd as usize` of `a`.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn lane(a: D, odd: bool) -> u64 {
        if odd {
            u64x2_extract_lane::<1>(a)
        } else {
            u64x2_extract_lane::<0>(a)
        }
    }

    /// `a` with lane `odd as usize` replaced by `x`.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub(super) fn with_lane(a: D, odd: bool, x: u64) -> D {
        if odd {
            u64x2_replace_lane::<1>(a, x)
        } else {
            u64x2_replace_lane::<0>(a, x)
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod lanes {
    //! The portable stand-in for the native tests: the same lanes as plain arrays. Additions are
    //! checked in debug builds, so a test overflows loudly if the no-carry bound is ever wrong.
    pub(super) type Q = [u32; 4];
    pub(super) type D = [u64; 2];

    pub(super) fn quad(a: u32, b: u32, c: u32, d: u32) -> Q {
        [a, b, c, d]
    }

    pub(super) fn splat(x: u32) -> Q {
        [x; 4]
    }

    pub(super) fn zero() -> D {
        [0; 2]
    }

    pub(super) fn mul_lo(a: Q, b: Q) -> D {
        [
            u64::from(a[0]) * u64::from(b[0]),
            u64::from(a[1]) * u64::from(b[1]),
        ]
    }

    pub(super) fn mul_hi(a: Q, b: Q) -> D {
        [
            u64::from(a[2]) * u64::from(b[2]),
            u64::from(a[3]) * u64::from(b[3]),
        ]
    }

    pub(super) fn add(a: D, b: D) -> D {
        [a[0] + b[0], a[1] + b[1]]
    }

    pub(super) fn lane(a: D, odd: bool) -> u64 {
        a[usize::from(odd)]
    }

    pub(super) fn with_lane(mut a: D, odd: bool, x: u64) -> D {
        a[usize::from(odd)] = x;
        a
    }
}

use lanes::{add, lane, mul_hi, mul_lo, quad, splat, with_lane, zero, Q};

/// An odd modulus in radix 2^28, ready for [`Fast::mul`].
#[derive(Clone)]
pub(crate) struct Fast {
    /// Digits of `N` (and of `R = 2^(28·digits)`).
    digits: usize,
    /// `N` shifted up by `s` digits (`s = 0..4`), four digits per vector.
    n: [[Q; VECS]; 4],
    /// `−N⁻¹ mod 2^32` (its low 28 bits are `−N⁻¹ mod 2^28`).
    n0inv: u32,
}

impl Fast {
    /// The multiplier for the modulus with 32-bit little-endian limbs `n` (odd, at most 96
    /// limbs, top limb non-zero); `None` otherwise.
    pub(crate) fn new(n: &[u32]) -> Option<Self> {
        if n.is_empty() || n.len() > 3072 / 32 || n[0] & 1 == 0 {
            return None;
        }
        let digits = (n.len() * 32).div_ceil(DIGIT_BITS as usize);
        let nd = to_digits(n);
        // Newton's iteration doubles the correct low bits of the inverse: 1 → 2 → … → 32.
        let mut inv: u32 = 1;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(n[0].wrapping_mul(inv)));
        }
        Some(Self {
            digits,
            n: shifted(&nd),
            n0inv: inv.wrapping_neg(),
        })
    }

    /// `log2 R`: Montgomery's `R` for this multiplier is `2^(28·digits)`.
    pub(crate) fn rbits(&self) -> usize {
        self.digits * DIGIT_BITS as usize
    }

    /// `a·b·R⁻¹` for `a·b < N·R`, not fully reduced (`< 2N`): writes its low `out.len()` 32-bit
    /// limbs into `out` (the modulus's limb count) and returns the limb above them (0 or 1).
    /// `a` and `b` are 32-bit limbs, at most `out.len()` of them each.
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    pub(crate) fn mul(&self, a: &[u32], b: &[u32], out: &mut [u32]) -> u32 {
        let l = self.digits.min(MAX_DIGITS);
        let ad = to_digits(a);
        let bd = to_digits(b);
        let bs = shifted(&bd);
        let mut acc = [zero(); ACC];
        for (i, &ai) in ad[..l].iter().enumerate() {
            let (p, s) = (i / 4, i % 4);
            // q = −(slot i + a_i·b_0)·N⁻¹ mod 2^28: slot i then ends the row a multiple of 2^28.
            let (v, odd) = (i / 2, i % 2 == 1);
            let t = lane(acc[v], odd) + u64::from(ai) * u64::from(bd[0]);
            let q = (t as u32).wrapping_mul(self.n0inv) & MASK;
            let (va, vq) = (splat(ai), splat(q));
            // Vectors of the shifted copies that hold a digit: 4w ≤ s + l − 1.
            let used = (s + l).div_ceil(4);
            for (pair, (&bv, &nv)) in acc[2 * p..]
                .chunks_exact_mut(2)
                .zip(bs[s].iter().zip(&self.n[s]))
                .take(used)
            {
                // Opaque to LLVM, so that it cannot hoist the multipliers' zero-extension out of
                // the loop: it did, and then selected an extension plus a full 64-bit multiply
                // (`i64x2.mul`, emulated by V8 with three `pmuludq` and shifts) instead of each
                // `extmul`, which made the whole thing no faster than 32-bit scalar code. The
                // price is a store and a load of the two vectors per iteration. `black_box` is
                // best effort: were a later rustc to see through it, the results stay right and
                // only the speed drops back (the wasm benchmark in BENCHMARK.md shows it; count
                // `i64x2.mul` against `extmul` in the module with `wasm-dis`).
                let (va, vq) = core::hint::black_box((va, vq));
                pair[0] = add(pair[0], add(mul_lo(va, bv), mul_lo(vq, nv)));
                pair[1] = add(pair[1], add(mul_hi(va, bv), mul_hi(vq, nv)));
            }
            // Slot i is done: move its carry into slot i + 1.
            let carry = lane(acc[v], odd) >> DIGIT_BITS;
            let (v1, odd1) = (i.div_ceil(2), !odd);
            acc[v1] = with_lane(acc[v1], odd1, lane(acc[v1], odd1) + carry);
        }
        finish(&acc, l, out)
    }

    /// `a²·R⁻¹` for `a < N`, as [`Fast::mul`] gives `a·a·R⁻¹` (same bounds and output), each
    /// cross product `a_i·a_j` computed once: row `i` adds `2a_i·a_j` for `j > i` only, and
    /// `a_i²` to slot `2i`; the reduction half `q_i·N_j` is as in `mul`. About 3/4 of the
    /// multiplications of `mul` (the bound still holds: a slot gets at most `l/2` doubled
    /// products below 2^57, one square and `l` reduction products below 2^56).
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    pub(crate) fn sqr(&self, a: &[u32], out: &mut [u32]) -> u32 {
        let l = self.digits.min(MAX_DIGITS);
        let ad = to_digits(a);
        let as_ = shifted(&ad);
        let mut acc = [zero(); ACC];
        for (i, &ai) in ad[..l].iter().enumerate() {
            let (p, s) = (i / 4, i % 4);
            let sq = u64::from(ai) * u64::from(ai);
            acc[i] = with_lane(acc[i], false, lane(acc[i], false) + sq);
            let (v, odd) = (i / 2, i % 2 == 1);
            let t = lane(acc[v], odd);
            let q = (t as u32).wrapping_mul(self.n0inv) & MASK;
            let (va, vq) = (splat(2 * ai), splat(q));
            let used = (s + l).div_ceil(4);
            // Vector w of copy s holds digits 4w − s .. 4w − s + 3; the first with a j > i:
            let wa = p + usize::from(s >= 2);
            let wa = wa.min(used);
            // Vectors before wa: the reduction half only.
            for (pair, &nv) in acc[2 * p..2 * (p + wa)]
                .chunks_exact_mut(2)
                .zip(&self.n[s][..wa])
            {
                let vq = core::hint::black_box(vq);
                pair[0] = add(pair[0], mul_lo(vq, nv));
                pair[1] = add(pair[1], mul_hi(vq, nv));
            }
            // Vector wa: only the digits j > i of `a`.
            if wa < used {
                let d = |t: usize| {
                    (4 * wa + t)
                        .checked_sub(s)
                        .filter(|&j| j > i)
                        .and_then(|j| ad.get(j))
                        .copied()
                        .unwrap_or(0)
                };
                let av = quad(d(0), d(1), d(2), d(3));
                let nv = self.n[s][wa];
                let (va, vq) = core::hint::black_box((va, vq));
                let k = 2 * (p + wa);
                acc[k] = add(acc[k], add(mul_lo(vq, nv), mul_lo(va, av)));
                acc[k + 1] = add(acc[k + 1], add(mul_hi(vq, nv), mul_hi(va, av)));
            }
            // The rest: both halves, as in `mul`.
            let from = (wa + 1).min(used);
            for (pair, (&av, &nv)) in acc[2 * (p + from)..]
                .chunks_exact_mut(2)
                .zip(as_[s][from..used].iter().zip(&self.n[s][from..used]))
            {
                // As in `mul`: keep LLVM from hoisting the multipliers' zero-extension.
                let (va, vq) = core::hint::black_box((va, vq));
                pair[0] = add(pair[0], add(mul_lo(va, av), mul_lo(vq, nv)));
                pair[1] = add(pair[1], add(mul_hi(va, av), mul_hi(vq, nv)));
            }
            let carry = lane(acc[v], odd) >> DIGIT_BITS;
            let (v1, odd1) = (i.div_ceil(2), !odd);
            acc[v1] = with_lane(acc[v1], odd1, lane(acc[v1], odd1) + carry);
        }
        finish(&acc, l, out)
    }
}

/// The end of a product: the result is slots `l .. 2l` of `acc` (the low `l` are zero);
/// normalised and repacked into 32-bit limbs as [`Fast::mul`] returns them. A slot is below
/// 2^64 and a carry below 2^36, so their sum never overflows.
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn finish(acc: &[lanes::D; ACC], l: usize, out: &mut [u32]) -> u32 {
    let mut limbs = [0u32; OUT_LIMBS];
    let mut carry: u64 = 0;
    let mut buf: u64 = 0;
    let mut bits: u32 = 0;
    let mut k = 0;
    let mut push = |digit: u64, buf: &mut u64, bits: &mut u32| {
        *buf |= digit << *bits;
        *bits += DIGIT_BITS;
        if *bits >= 32 {
            if let Some(x) = limbs.get_mut(k) {
                *x = *buf as u32;
            }
            k += 1;
            *buf >>= 32;
            *bits -= 32;
        }
    };
    for slot in l..2 * l {
        let x = lane(acc[slot / 2], slot % 2 == 1) + carry;
        carry = x >> DIGIT_BITS;
        push(x & u64::from(MASK), &mut buf, &mut bits);
    }
    for _ in 0..2 {
        push(carry & u64::from(MASK), &mut buf, &mut bits);
        carry >>= DIGIT_BITS;
    }
    push(0, &mut buf, &mut bits);
    let n = out.len();
    out.copy_from_slice(&limbs[..n]);
    limbs[n]
}

/// The 28-bit digits of the number with 32-bit little-endian limbs `x` (at most 96 of them).
fn to_digits(x: &[u32]) -> [u32; MAX_DIGITS] {
    let mut d = [0u32; MAX_DIGITS];
    let mut k = 0;
    let mut buf: u64 = 0;
    let mut bits: u32 = 0;
    for &limb in x {
        buf |= u64::from(limb) << bits;
        bits += 32;
        while bits >= DIGIT_BITS {
            if let Some(dk) = d.get_mut(k) {
                *dk = buf as u32 & MASK;
            }
            k += 1;
            buf >>= DIGIT_BITS;
            bits -= DIGIT_BITS;
        }
    }
    if let Some(dk) = d.get_mut(k) {
        *dk = buf as u32;
    }
    d
}

/// `x` shifted up by `s = 0..4` digits, four digits per vector (zeros shifted in).
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn shifted(x: &[u32; MAX_DIGITS]) -> [[Q; VECS]; 4] {
    let digit = |k: usize, s: usize| {
        k.checked_sub(s)
            .and_then(|j| x.get(j))
            .copied()
            .unwrap_or(0)
    };
    let mut out = [[quad(0, 0, 0, 0); VECS]; 4];
    for (s, copy) in out.iter_mut().enumerate() {
        for (w, v) in copy.iter_mut().enumerate() {
            let k = 4 * w;
            *v = quad(
                digit(k, s),
                digit(k + 1, s),
                digit(k + 2, s),
                digit(k + 3, s),
            );
        }
    }
    out
}
