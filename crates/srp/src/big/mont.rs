//! The Montgomery kernel, in the limb width that suits the target.
//!
//! wasm32 has no 64×64→128-bit multiply (LLVM emulates `u128` products with four 64-bit ones),
//! so there the kernel works on 96 × `u32` limbs with `u64` products; elsewhere on 48 × `u64`
//! limbs with `u128` products. The code is the same file (`limbs.rs`) for both; tests build
//! both widths natively so each is checked against `num-bigint`.

#[cfg(any(test, target_arch = "wasm32"))]
pub(crate) mod l32 {
    type Limb = u32;
    type Wide = u64;
    use super::super::r28::Fast;
    include!("limbs.rs");
}

#[cfg(any(test, not(target_arch = "wasm32")))]
pub(crate) mod l64 {
    type Limb = u64;
    type Wide = u128;
    use super::NoFast as Fast;
    include!("limbs.rs");
}

#[cfg(target_arch = "wasm32")]
pub(crate) use l32::{Elem, Mont, PowState, MAX_LIMBS};
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use l64::{Elem, Mont, PowState, MAX_LIMBS};

/// The 64-bit width has no faster multiplier: a type with no values in `Fast`'s place.
#[cfg(any(test, not(target_arch = "wasm32")))]
#[derive(Clone)]
pub(crate) enum NoFast {}

#[cfg(any(test, not(target_arch = "wasm32")))]
impl NoFast {
    fn new<T>(_n: &[T]) -> Option<Self> {
        None
    }

    fn rbits(&self) -> usize {
        match *self {}
    }

    fn mul<T>(&self, _a: &[T], _b: &[T], _out: &mut [T]) -> T {
        match *self {}
    }

    fn sqr<T>(&self, _a: &[T], _out: &mut [T]) -> T {
        match *self {}
    }
}
