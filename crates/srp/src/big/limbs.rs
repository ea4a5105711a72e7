// Montgomery arithmetic on fixed arrays of limbs, written once for any limb width.
//
// `mont.rs` includes this file inside a module that defines `Limb` (the limb type), `Wide`
// (twice as wide, for products) and `Fast` (a faster multiplier for this width, if any):
// `u32`/`u64`/`r28::Fast` for wasm32, which has no 64×64→128 multiply, and `u64`/`u128`/none
// elsewhere. Numbers are little-endian arrays of `MAX_LIMBS` limbs (3072 bits);
// a modulus uses its first `len` limbs and the rest stay zero.
//
// The arithmetic does not branch on, or index memory by, the value of an operand or of an
// exponent bit; the exceptions are the `vartime` modes (kept to measure what constant time
// costs), `Mont::new` (the modulus is public) and `parse`, whose time depends on how many
// leading zero bytes its input has.

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// Bits per limb.
const BITS: u32 = Limb::BITS;

/// Limbs of the largest modulus the kernel takes: 3072 bits.
pub(crate) const MAX_LIMBS: usize = 3072 / BITS as usize;

/// A residue: `MAX_LIMBS` little-endian limbs, only the modulus's `len` of them used.
pub(crate) type Elem = [Limb; MAX_LIMBS];

/// Window width of the general exponentiation: 2^5 = 32 table entries. For the exponents of
/// SRP (256 to 1 100 bits) 5 needs the fewest multiplications (4 and 6 are within 2 %).
const WINDOW: usize = 5;

const ZERO: Elem = [0; MAX_LIMBS];

/// An odd modulus `N` of at most 3072 bits with its Montgomery constants, `R = 2^(BITS·len)`.
#[derive(Clone)]
pub(crate) struct Mont {
    n: Elem,
    len: usize,
    /// `−N⁻¹ mod 2^BITS`.
    n0inv: Limb,
    /// `R mod N`: 1 in Montgomery form.
    one: Elem,
    /// `R² mod N`: multiplying by it enters Montgomery form.
    r2: Elem,
    /// The multiplier in radix 2^28 (`r28.rs`) when this width has one (32-bit limbs); `R` is
    /// then `2^(28·digits)` instead of `2^(BITS·len)`. Read through [`Mont::fast`].
    fast: FastSlot,
}

// In the browser build the faster multiplier is the only one: it takes every modulus `Mont`
// does (odd, at most 3072 bits), so this file's own multiplication and squaring could never
// run there, and holding `Fast` itself rather than an `Option` lets the compiler see that and
// leave them out of the package (0.9 KB brotli, measured). Native builds have no `Fast`; tests
// build both kinds of context.
#[cfg(all(target_arch = "wasm32", not(test)))]
type FastSlot = Fast;
#[cfg(not(all(target_arch = "wasm32", not(test))))]
type FastSlot = Option<Fast>;

impl Mont {
    /// The context for the modulus with little-endian bytes `n_le`; `None` unless `N` is odd,
    /// at least 3 and at most 3072 bits.
    pub(crate) fn new(n_le: &[u8]) -> Option<Self> {
        Self::with_fast(n_le, true)
    }

    /// [`Mont::new`] without the faster multiplier (to test this file's own multiplication
    /// and squaring in the width that has one).
    #[cfg(test)]
    pub(crate) fn new_plain(n_le: &[u8]) -> Option<Self> {
        Self::with_fast(n_le, false)
    }

    fn with_fast(n_le: &[u8], fast: bool) -> Option<Self> {
        let n = from_le_bytes(n_le, MAX_LIMBS)?;
        let len = n.iter().rposition(|&l| l != 0)? + 1;
        if n[0] & 1 == 0 || (len == 1 && n[0] < 3) {
            return None;
        }
        // Newton's iteration doubles the correct low bits of the inverse: 1 → 2 → … → 64.
        let mut inv: Limb = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul((2 as Limb).wrapping_sub(n[0].wrapping_mul(inv)));
        }
        let mut m = Self {
            n,
            len,
            n0inv: inv.wrapping_neg(),
            one: ZERO,
            r2: ZERO,
            fast: Self::fast_slot(&n[..len], fast)?,
        };
        let rbits = m.fast().map_or(len * BITS as usize, Fast::rbits);
        // R mod N: from 2^(bits(N) − 1) < N, double up to R = 2^rbits.
        let top_bits = BITS - n[len - 1].leading_zeros();
        let bits = (len - 1) * BITS as usize + top_bits as usize;
        let mut x = ZERO;
        x[(bits - 1) / BITS as usize] = 1 << ((bits - 1) % BITS as usize);
        for _ in bits - 1..rbits {
            x = m.dbl(&x);
        }
        m.one = x;
        // R² mod N: with rbits = t·2^s, double R t times to 2^t·R, then square s times in
        // Montgomery form (each squaring doubles the power of two): 2^(t·2^s)·R = R².
        let s = rbits.trailing_zeros();
        for _ in 0..rbits >> s {
            x = m.dbl(&x);
        }
        for _ in 0..s {
            x = m.sqr(&x);
        }
        m.r2 = x;
        Some(m)
    }

    #[cfg(all(target_arch = "wasm32", not(test)))]
    fn fast_slot(n: &[Limb], _wanted: bool) -> Option<FastSlot> {
        Fast::new(n)
    }

    #[cfg(not(all(target_arch = "wasm32", not(test))))]
    #[allow(clippy::unnecessary_wraps)]
    fn fast_slot(n: &[Limb], wanted: bool) -> Option<FastSlot> {
        Some(if wanted { Fast::new(n) } else { None })
    }

    /// The faster multiplier, if this context has one.
    #[cfg(all(target_arch = "wasm32", not(test)))]
    #[allow(clippy::unnecessary_wraps)]
    fn fast(&self) -> Option<&Fast> {
        Some(&self.fast)
    }

    /// The faster multiplier, if this context has one.
    #[cfg(not(all(target_arch = "wasm32", not(test))))]
    fn fast(&self) -> Option<&Fast> {
        self.fast.as_ref()
    }

    /// The integer with little-endian bytes `x_le` as a plain `Elem`; `None` if it needs more
    /// than the modulus's limbs (it is then at least `R`, and must be reduced first).
    pub(crate) fn parse(&self, x_le: &[u8]) -> Option<Elem> {
        from_le_bytes(x_le, self.len)
    }

    /// Little-endian bytes of a plain `Elem` (`len` limbs, high zero bytes included).
    pub(crate) fn to_le_bytes(&self, x: &Elem) -> Vec<u8> {
        x[..self.len].iter().flat_map(|l| l.to_le_bytes()).collect()
    }

    /// `x·R mod N` for any `x < R`: into Montgomery form, fully reduced.
    pub(crate) fn enter(&self, x: &Elem) -> Elem {
        self.mul(x, &self.r2)
    }

    /// `x·R⁻¹ mod N`: out of Montgomery form, fully reduced.
    pub(crate) fn leave(&self, x: &Elem) -> Elem {
        let mut one = ZERO;
        one[0] = 1;
        self.mul(x, &one)
    }

    /// `a·b·R⁻¹ mod N` (CIOS, the two inner loops fused), for `a·b < N·R` (e.g. `a < R` and
    /// `b < N`, or the other way round). The result is `< N`.
    pub(crate) fn mul(&self, a: &Elem, b: &Elem) -> Elem {
        let n = self.len.min(MAX_LIMBS);
        if let Some(f) = self.fast() {
            let mut t = ZERO;
            let hi = f.mul(&a[..n], &b[..n], &mut t[..n]);
            return self.sub_n_if_ge(&t[..n], hi);
        }
        let m = &self.n;
        // t < a + N < 2R throughout, so one limb above `n` holds at most 1.
        let mut t = [0 as Limb; MAX_LIMBS + 1];
        for &bi in &b[..n] {
            let bi = Wide::from(bi);
            let s = Wide::from(t[0]) + Wide::from(a[0]) * bi;
            let q = Wide::from((s as Limb).wrapping_mul(self.n0inv));
            let r = Wide::from(s as Limb) + q * Wide::from(m[0]);
            let mut c1 = s >> BITS;
            let mut c2 = r >> BITS;
            for j in 1..n {
                let s = Wide::from(t[j]) + Wide::from(a[j]) * bi + c1;
                c1 = s >> BITS;
                let r = Wide::from(s as Limb) + q * Wide::from(m[j]) + c2;
                c2 = r >> BITS;
                t[j - 1] = r as Limb;
            }
            let s = Wide::from(t[n]) + c1 + c2;
            t[n - 1] = s as Limb;
            t[n] = (s >> BITS) as Limb;
        }
        self.sub_n_if_ge(&t[..n], t[n])
    }

    /// `a²·R⁻¹ mod N` for `a < N`, each cross product `a[i]·a[j]` computed once and doubled:
    /// about 3/4 of the multiplications of [`Mont::mul`]. With 32-bit limbs (wasm32) by columns,
    /// which measured ≈ 18 % faster there; with 64-bit limbs by rows, ≈ 7 % faster natively.
    pub(crate) fn sqr(&self, a: &Elem) -> Elem {
        if let Some(f) = self.fast() {
            let n = self.len.min(MAX_LIMBS);
            let mut t = ZERO;
            let hi = f.sqr(&a[..n], &mut t[..n]);
            self.sub_n_if_ge(&t[..n], hi)
        } else if BITS == 32 {
            self.sqr_columns(a)
        } else {
            self.sqr_rows(a)
        }
    }

    /// [`Mont::sqr`] by columns (product scanning) with the Montgomery reduction interleaved
    /// column by column (FIPS): no intermediate array to load and store.
    fn sqr_columns(&self, a: &Elem) -> Elem {
        let n = self.len.min(MAX_LIMBS);
        let m = &self.n;
        let mut q = ZERO;
        let mut out = ZERO;
        // The running column sum is lo + hi·2^BITS; products are split into their halves, so
        // neither accumulator can overflow for n ≤ MAX_LIMBS.
        let mut lo: Wide = 0;
        let mut hi: Wide = 0;
        for k in 0..2 * n - 1 {
            let jlo = (k + 1).saturating_sub(n);
            // Cross products a[j]·a[k − j], j < k − j, doubled.
            let jend = k.div_ceil(2);
            if jend > jlo {
                let (mut clo, mut chi): (Wide, Wide) = (0, 0);
                for (&x, &y) in a[jlo..jend]
                    .iter()
                    .zip(a[k + 1 - jend..=k - jlo].iter().rev())
                {
                    let p = Wide::from(x) * Wide::from(y);
                    clo += Wide::from(p as Limb);
                    chi += p >> BITS;
                }
                lo += clo << 1;
                hi += chi << 1;
            }
            if k % 2 == 0 {
                let p = Wide::from(a[k / 2]) * Wide::from(a[k / 2]);
                lo += Wide::from(p as Limb);
                hi += p >> BITS;
            }
            // Reduction terms q[j]·N[k − j] for the q already known.
            let jq = k.min(n);
            if jq > jlo {
                for (&x, &y) in q[jlo..jq].iter().zip(m[k + 1 - jq..=k - jlo].iter().rev()) {
                    let p = Wide::from(x) * Wide::from(y);
                    lo += Wide::from(p as Limb);
                    hi += p >> BITS;
                }
            }
            if k < n {
                // Choose q[k] so that this column's low limb becomes zero.
                let qk = (lo as Limb).wrapping_mul(self.n0inv);
                q[k] = qk;
                let p = Wide::from(qk) * Wide::from(m[0]);
                lo += Wide::from(p as Limb);
                hi += p >> BITS;
            } else {
                out[k - n] = lo as Limb;
            }
            lo = (lo >> BITS) + hi;
            hi = 0;
        }
        out[n - 1] = lo as Limb;
        self.sub_n_if_ge(&out[..n], (lo >> BITS) as Limb)
    }

    /// [`Mont::sqr`] by rows (operand scanning): the cross products once, doubled, plus the
    /// squares, into a 2n-limb array, then a Montgomery reduction row by row.
    fn sqr_rows(&self, a: &Elem) -> Elem {
        let n = self.len.min(MAX_LIMBS);
        let mut t = [0 as Limb; 2 * MAX_LIMBS];
        // Cross products a[i]·a[j], i < j.
        for i in 0..n {
            let ai = Wide::from(a[i]);
            let mut c: Wide = 0;
            for (tk, &aj) in t[2 * i + 1..i + n].iter_mut().zip(&a[i + 1..n]) {
                let s = Wide::from(*tk) + ai * Wide::from(aj) + c;
                *tk = s as Limb;
                c = s >> BITS;
            }
            t[i + n] = c as Limb;
        }
        // Double them and add the squares a[i]².
        let mut top: Limb = 0;
        let mut c: Wide = 0;
        for (i, &ai) in a[..n].iter().enumerate() {
            let (lo, hi) = (t[2 * i], t[2 * i + 1]);
            let lo2 = (lo << 1) | top;
            let hi2 = (hi << 1) | (lo >> (BITS - 1));
            top = hi >> (BITS - 1);
            let sq = Wide::from(ai) * Wide::from(ai);
            let s = Wide::from(lo2) + Wide::from(sq as Limb) + c;
            t[2 * i] = s as Limb;
            let s = Wide::from(hi2) + (sq >> BITS) + (s >> BITS);
            t[2 * i + 1] = s as Limb;
            c = s >> BITS;
        }
        // Montgomery reduction of the 2n-limb square (< N², so the result is < 2N).
        let m = &self.n;
        let mut extra: Wide = 0;
        for i in 0..n {
            let q = Wide::from(t[i].wrapping_mul(self.n0inv));
            let mut c: Wide = 0;
            for (tk, &mj) in t[i..i + n].iter_mut().zip(&m[..n]) {
                let s = Wide::from(*tk) + q * Wide::from(mj) + c;
                *tk = s as Limb;
                c = s >> BITS;
            }
            let s = Wide::from(t[i + n]) + c + extra;
            t[i + n] = s as Limb;
            extra = s >> BITS;
        }
        self.sub_n_if_ge(&t[n..2 * n], extra as Limb)
    }

    /// `2a mod N` for `a < N`: a shift and a conditional subtraction.
    pub(crate) fn dbl(&self, a: &Elem) -> Elem {
        let n = self.len.min(MAX_LIMBS);
        let mut t = ZERO;
        let mut carry: Limb = 0;
        for (tj, &aj) in t[..n].iter_mut().zip(&a[..n]) {
            *tj = (aj << 1) | carry;
            carry = aj >> (BITS - 1);
        }
        self.sub_n_if_ge(&t[..n], carry)
    }

    /// `(a − b) mod N` for `a, b < N`.
    pub(crate) fn sub(&self, a: &Elem, b: &Elem) -> Elem {
        let n = self.len.min(MAX_LIMBS);
        let mut d = ZERO;
        let mut borrow: Limb = 0;
        for ((dj, &aj), &bj) in d[..n].iter_mut().zip(&a[..n]).zip(&b[..n]) {
            let (x, b1) = aj.overflowing_sub(bj);
            let (y, b2) = x.overflowing_sub(borrow);
            *dj = y;
            borrow = Limb::from(b1 | b2);
        }
        // Negative: add N back (the addend is N or 0, chosen without a branch).
        let negative = Choice::from(borrow as u8);
        let mut carry: Wide = 0;
        for (dj, &mj) in d[..n].iter_mut().zip(&self.n[..n]) {
            let add = Limb::conditional_select(&0, &mj, negative);
            let s = Wide::from(*dj) + Wide::from(add) + carry;
            *dj = s as Limb;
            carry = s >> BITS;
        }
        d
    }

    /// `t + hi·R` reduced once: `t + hi·R − N` if that is not negative, else `t`, for
    /// `t + hi·R < 2N`.
    fn sub_n_if_ge(&self, t: &[Limb], hi: Limb) -> Elem {
        let mut d = ZERO;
        let mut borrow: Limb = 0;
        for ((dj, &tj), &mj) in d.iter_mut().zip(t).zip(&self.n) {
            let (x, b1) = tj.overflowing_sub(mj);
            let (y, b2) = x.overflowing_sub(borrow);
            *dj = y;
            borrow = Limb::from(b1 | b2);
        }
        // Keep `t` only if the subtraction borrowed past the top limb.
        let keep = Choice::from((borrow & !hi & 1) as u8);
        for (dj, &tj) in d.iter_mut().zip(t) {
            *dj = Limb::conditional_select(dj, &tj, keep);
        }
        d
    }

    /// `base^e` in Montgomery form, `base` in Montgomery form (`< N`), `e` big-endian bytes.
    ///
    /// Fixed windows of [`WINDOW`] bits over all of `e`'s bytes, leading zeros included: every
    /// window costs the same squarings, one scan of the whole table and one multiplication,
    /// whatever its bits. `vartime` indexes the table directly and skips the multiplication for
    /// a zero window instead (for measuring; it leaks the exponent through timing and cache).
    pub(crate) fn pow(&self, base: &Elem, e: &[u8], vartime: bool) -> Elem {
        let mut st = self.pow_begin(base, e);
        self.pow_steps(&mut st, e, usize::MAX, vartime);
        st.acc
    }

    /// The table and accumulator of a [`Mont::pow`] that [`Mont::pow_steps`] runs a few
    /// windows at a time (so the caller can stop in between); `e` must be the same each call.
    pub(crate) fn pow_begin(&self, base: &Elem, e: &[u8]) -> PowState {
        let mut table = [ZERO; 1 << WINDOW];
        table[0] = self.one;
        table[1] = *base;
        for i in 2..table.len() {
            table[i] = if i % 2 == 0 {
                self.sqr(&table[i / 2])
            } else {
                self.mul(&table[i - 1], base)
            };
        }
        let windows = (e.len() * 8).div_ceil(WINDOW);
        PowState {
            table,
            acc: self.one,
            windows,
            left: windows,
        }
    }

    /// Runs up to `steps` more windows of `st` (the top ones first); `st.acc` is `base^e`
    /// once no window is [left](PowState::left). The schedule is [`Mont::pow`]'s: where it stops depends on
    /// `steps` and the exponent's length only.
    pub(crate) fn pow_steps(&self, st: &mut PowState, e: &[u8], steps: usize, vartime: bool) {
        for _ in 0..steps {
            if st.left == 0 {
                return;
            }
            st.left -= 1;
            let w = st.left;
            let d = digit(e, w * WINDOW, WINDOW);
            if w + 1 == st.windows {
                st.acc = if vartime {
                    st.table[d]
                } else {
                    self.lookup(&st.table, d)
                };
                continue;
            }
            for _ in 0..WINDOW {
                st.acc = self.sqr(&st.acc);
            }
            if !vartime {
                st.acc = self.mul(&st.acc, &self.lookup(&st.table, d));
            } else if d != 0 {
                st.acc = self.mul(&st.acc, &st.table[d]);
            }
        }
    }

    /// `2^e` in Montgomery form, `e` big-endian bytes: per bit one squaring and a doubling kept
    /// or dropped by a constant-time select (a doubling costs about 2 % of a squaring at 3072
    /// bits, so no table is needed). `vartime` doubles only for the 1 bits and skips the
    /// leading zeros.
    pub(crate) fn pow2(&self, e: &[u8], vartime: bool) -> Elem {
        let bits = e.len() * 8;
        let mut acc = self.one;
        let mut started = !vartime;
        for i in (0..bits).rev() {
            let b = bit(e, i);
            if i + 1 != bits && started {
                acc = self.sqr(&acc);
            }
            if vartime {
                if b == 1 {
                    acc = self.dbl(&acc);
                    started = true;
                }
            } else {
                let d = self.dbl(&acc);
                acc = select(&acc, &d, Choice::from(b as u8));
            }
        }
        acc
    }

    /// `table[d]`, reading every entry (constant-time in `d`).
    fn lookup(&self, table: &[Elem], d: usize) -> Elem {
        let n = self.len.min(MAX_LIMBS);
        let mut out = ZERO;
        for (i, row) in table.iter().enumerate() {
            let hit = (i as u32).ct_eq(&(d as u32));
            for (o, r) in out[..n].iter_mut().zip(&row[..n]) {
                o.conditional_assign(r, hit);
            }
        }
        out
    }
}

/// A [`Mont::pow`] under way ([`Mont::pow_begin`], [`Mont::pow_steps`]).
#[derive(Clone)]
pub(crate) struct PowState {
    table: [Elem; 1 << WINDOW],
    /// `base` to the windows done so far, in Montgomery form.
    pub(crate) acc: Elem,
    windows: usize,
    left: usize,
}

impl PowState {
    /// How many windows are left (none: `acc` is `base^e`).
    // The other limb width's copy of this file is compiled for its tests only.
    #[cfg_attr(test, allow(dead_code))]
    pub(crate) fn left(&self) -> usize {
        self.left
    }
}

/// `b` if `c` is set, else `a`, limb by limb without a branch.
fn select(a: &Elem, b: &Elem, c: Choice) -> Elem {
    let mut out = ZERO;
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = Limb::conditional_select(x, y, c);
    }
    out
}

/// Bit `i` (0 = least significant) of the big-endian bytes `e`; 0 past the top.
fn bit(e: &[u8], i: usize) -> usize {
    match e.len().checked_sub(1 + i / 8) {
        Some(k) => usize::from((e[k] >> (i % 8)) & 1),
        None => 0,
    }
}

/// The `w` bits of `e` from bit `lsb` up, as a number.
fn digit(e: &[u8], lsb: usize, w: usize) -> usize {
    (0..w).rev().fold(0, |d, k| (d << 1) | bit(e, lsb + k))
}

/// Little-endian bytes into at most `limbs` limbs; `None` if the value needs more.
fn from_le_bytes(bytes: &[u8], limbs: usize) -> Option<Elem> {
    let size = (BITS / 8) as usize;
    let used = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    if used > limbs * size {
        return None;
    }
    let mut x = ZERO;
    for (xl, chunk) in x.iter_mut().zip(bytes[..used].chunks(size)) {
        *xl = chunk
            .iter()
            .rev()
            .fold(0, |acc, &b| (acc << 8) | Limb::from(b));
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;
    use proptest::prelude::*;

    fn cognito_n() -> BigUint {
        BigUint::parse_bytes(crate::group::N_HEX.as_bytes(), 16).unwrap_or_default()
    }

    fn ctx(n: &BigUint) -> Mont {
        Mont::new(&n.to_bytes_le()).unwrap_or_else(|| panic!("no context for {n:x}"))
    }

    fn elem(m: &Mont, x: &BigUint) -> Elem {
        m.parse(&x.to_bytes_le())
            .unwrap_or_else(|| panic!("{x:x} too wide"))
    }

    fn big(m: &Mont, x: &Elem) -> BigUint {
        BigUint::from_bytes_le(&m.to_le_bytes(x))
    }

    /// An odd modulus ≥ 3 from random bytes (at most 3072 bits).
    fn odd_modulus(bytes: &[u8]) -> BigUint {
        let n = BigUint::from_bytes_le(bytes) | BigUint::from(1u32);
        if n < BigUint::from(3u32) {
            BigUint::from(3u32)
        } else {
            n
        }
    }

    /// `x mod n` for random bytes, plus the edge cases by index.
    fn residue(n: &BigUint, bytes: &[u8], pick: u8) -> BigUint {
        match pick % 8 {
            0 => BigUint::from(0u32),
            1 => BigUint::from(1u32),
            2 => n - 1u32,
            3 => n - 2u32,
            _ => BigUint::from_bytes_le(bytes) % n,
        }
    }

    /// The contexts to test: with this width's faster multiplier (what the kernel uses) and
    /// without it (this file's own `mul` and `sqr`); just the one if there is none.
    fn contexts(n: &BigUint) -> Vec<Mont> {
        let m = ctx(n);
        if m.fast().is_none() {
            return vec![m];
        }
        let plain = Mont::new_plain(&n.to_bytes_le())
            .unwrap_or_else(|| panic!("no context for {n:x}"));
        vec![m, plain]
    }

    fn check_ops(n: &BigUint, a: &BigUint, b: &BigUint) {
        for m in contexts(n) {
            check_ops_in(&m, n, a, b);
        }
    }

    fn check_ops_in(m: &Mont, n: &BigUint, a: &BigUint, b: &BigUint) {
        let (ae, be) = (elem(m, a), elem(m, b));
        let (am, bm) = (m.enter(&ae), m.enter(&be));
        assert_eq!(big(m, &m.leave(&am)), a % n, "round trip");
        assert_eq!(big(m, &m.leave(&m.mul(&am, &bm))), a * b % n, "mul");
        assert_eq!(big(m, &m.leave(&m.sqr(&am))), a * a % n, "sqr");
        assert_eq!(big(m, &m.sqr(&am)), big(m, &m.mul(&am, &am)), "sqr = mul");
        assert_eq!(
            big(m, &m.sqr_rows(&am)),
            big(m, &m.sqr_columns(&am)),
            "rows = columns"
        );
        assert_eq!(big(m, &m.dbl(&ae)), (a * 2u32) % n, "dbl");
        assert_eq!(big(m, &m.sub(&ae, &be)), (a + n - b) % n, "sub");
    }

    fn check_pow(n: &BigUint, base: &BigUint, e: &BigUint) {
        for m in contexts(n) {
            check_pow_in(&m, n, base, e);
        }
    }

    fn check_pow_in(m: &Mont, n: &BigUint, base: &BigUint, e: &BigUint) {
        let eb = e.to_bytes_be();
        let want = base.modpow(e, n);
        let bm = m.enter(&elem(m, base));
        for vartime in [false, true] {
            let got = big(m, &m.leave(&m.pow(&bm, &eb, vartime)));
            assert_eq!(got, want, "pow (vartime: {vartime})");
        }
        let want2 = BigUint::from(2u32).modpow(e, n);
        for vartime in [false, true] {
            let got = big(m, &m.leave(&m.pow2(&eb, vartime)));
            assert_eq!(got, want2, "pow2 (vartime: {vartime})");
        }
        // Leading zero bytes (the constant-time width) change nothing.
        let mut padded = vec![0u8; 9];
        padded.extend_from_slice(&eb);
        assert_eq!(big(m, &m.leave(&m.pow(&bm, &padded, false))), want);
        assert_eq!(big(m, &m.leave(&m.pow2(&padded, false))), want2);
    }

    #[test]
    fn constants() {
        let n = cognito_n();
        for m in contexts(&n) {
            let rbits = m.fast().map_or(MAX_LIMBS * BITS as usize, Fast::rbits);
            let r = BigUint::from(1u32) << rbits;
            assert_eq!(big(&m, &m.one), &r % &n, "R mod N");
            assert_eq!(big(&m, &m.r2), &r * &r % &n, "R² mod N");
        }
        let m = ctx(&n);
        if BITS == 32 {
            assert_eq!(m.fast().map(Fast::rbits), Some(3080), "R = 2^(28·110)");
        }
        let n0 = Wide::from(m.n[0]) * Wide::from(m.n0inv);
        assert_eq!(n0 as Limb, Limb::MAX, "N·n0inv = −1");
    }

    #[test]
    fn rejects_even_small_zero_and_wide_moduli() {
        for bad in [&[][..], &[0], &[1], &[2], &[4], &[0, 1]] {
            assert!(Mont::new(bad).is_none(), "{bad:?}");
        }
        assert!(Mont::new(&[3]).is_some());
        assert!(Mont::new(&[0xff; 384]).is_some());
        let mut wide = vec![0xff; 385];
        assert!(Mont::new(&wide).is_none());
        wide[384] = 0;
        assert!(Mont::new(&wide).is_some(), "high zero bytes are fine");
    }

    #[test]
    fn edge_cases() {
        let c = cognito_n();
        let one_limb = BigUint::from(Limb::MAX);
        let all_ones = (BigUint::from(1u32) << 3072) - 1u32;
        let small = [BigUint::from(3u32), BigUint::from(0xffff_fffbu32)];
        for n in [&c, &one_limb, &all_ones, &small[0], &small[1]] {
            let values = [
                BigUint::from(0u32),
                BigUint::from(1u32),
                BigUint::from(2u32),
                n - 1u32,
                n >> 1,
            ];
            for a in &values {
                for b in &values {
                    check_ops(n, a, b);
                }
                for e in [
                    BigUint::from(0u32),
                    BigUint::from(1u32),
                    BigUint::from(2u32),
                    BigUint::from(31u32),
                    BigUint::from(32u32),
                    n - 1u32,
                    (BigUint::from(1u32) << 1024) - 1u32,
                ] {
                    check_pow(n, a, &e);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn ops_match_num_bigint_cognito(
            a in prop::collection::vec(any::<u8>(), 384),
            b in prop::collection::vec(any::<u8>(), 384),
            pa: u8,
            pb: u8,
        ) {
            let n = cognito_n();
            check_ops(&n, &residue(&n, &a, pa), &residue(&n, &b, pb));
        }

        #[test]
        fn ops_match_num_bigint_any_odd_modulus(
            nb in prop::collection::vec(any::<u8>(), 1..=384),
            a in prop::collection::vec(any::<u8>(), 0..=384),
            b in prop::collection::vec(any::<u8>(), 0..=384),
            pa: u8,
            pb: u8,
        ) {
            let n = odd_modulus(&nb);
            check_ops(&n, &residue(&n, &a, pa), &residue(&n, &b, pb));
        }

        #[test]
        fn pow_matches_num_bigint_cognito(
            base in prop::collection::vec(any::<u8>(), 384),
            pick: u8,
            e in prop::collection::vec(any::<u8>(), 0..=140),
        ) {
            let n = cognito_n();
            check_pow(&n, &residue(&n, &base, pick), &BigUint::from_bytes_be(&e));
        }

        #[test]
        fn pow_matches_num_bigint_any_odd_modulus(
            nb in prop::collection::vec(any::<u8>(), 1..=384),
            base in prop::collection::vec(any::<u8>(), 0..=384),
            pick: u8,
            e in prop::collection::vec(any::<u8>(), 0..=40),
        ) {
            let n = odd_modulus(&nb);
            check_pow(&n, &residue(&n, &base, pick), &BigUint::from_bytes_be(&e));
        }
    }
}
