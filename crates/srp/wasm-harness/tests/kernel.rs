//! The kernel in wasm32, against the `num-bigint` reference: the native tests cannot reach its
//! SIMD multiplier (`src/big/r28.rs` runs a portable stand-in there), so these run the same kind
//! of checks in the engine. `run.sh test` (`wasm-pack test --node`), a step of scripts/test.sh.

use cognito_srp::hazmat::{self, Backend};
use cognito_srp::{password_claim, ClaimInput, ClientEphemeral};
use cognito_srp_wasm_harness::{bytes, Bench, N_HEX};
use wasm_bindgen_test::wasm_bindgen_test;

/// `base^e mod n` on every backend; the kernel's two schedules must give the reference's answer.
fn check(n: &str, base: &str, e: &str, what: &str) {
    let want = hazmat::mod_pow(n, base, e, Backend::Reference);
    assert!(want.is_some(), "{what}: no reference answer");
    for b in [Backend::Kernel, Backend::KernelVartime] {
        assert_eq!(hazmat::mod_pow(n, base, e, b), want, "{what}: {b:?}");
    }
}

fn hex(b: &[u8]) -> String {
    if b.is_empty() {
        "0".into()
    } else {
        hex::encode(b)
    }
}

/// An odd modulus of `len` bytes (top byte non-zero), at least 3.
fn odd_modulus(seed: u64, len: usize) -> String {
    let mut n = bytes(seed, len);
    n[0] |= 0x80 >> (seed % 8);
    let last = n.len() - 1;
    n[last] |= 1;
    if len == 1 {
        n[0] |= 3;
    }
    hex(&n)
}

#[wasm_bindgen_test]
fn cognito_modulus_random_inputs() {
    for seed in 0..24u64 {
        let base = hex(&bytes(100 + seed, 384));
        let e = hex(&bytes(200 + seed, (seed as usize * 37) % 141));
        check(N_HEX, &base, &e, &format!("cognito N, seed {seed}"));
        check(N_HEX, "2", &e, &format!("cognito N, 2^e, seed {seed}"));
    }
}

#[wasm_bindgen_test]
fn cognito_modulus_edge_values() {
    let n = num_hex_sub(N_HEX, 1);
    let n_minus_2 = num_hex_sub(N_HEX, 2);
    // Bases: zero, one, two, N − 1, N − 2, N itself and above it (unreduced, as B may come).
    let n_plus_1 = format!("{N_HEX}1");
    let bases = ["0", "1", "2", &n, &n_minus_2, N_HEX, &n_plus_1];
    let ones = "f".repeat(256);
    let exps = ["0", "1", "2", "1f", "20", &n, &ones];
    for b in bases {
        for e in exps {
            check(
                N_HEX,
                b,
                e,
                &format!("cognito N, base {:.8}…, e {:.8}…", b, e),
            );
        }
    }
}

#[wasm_bindgen_test]
fn any_odd_modulus_every_size() {
    // Every byte length where the 28-bit digits and the 32-bit limbs meet differently, and
    // some in between, up to the 3072-bit maximum.
    let lens = (1..=16)
        .chain((17..=384).step_by(23))
        .chain([380, 381, 382, 383, 384]);
    for (i, len) in lens.enumerate() {
        let seed = i as u64;
        let n = odd_modulus(300 + seed, len);
        let base = hex(&bytes(400 + seed, len + 3));
        let e = hex(&bytes(500 + seed, 1 + (seed as usize * 11) % 40));
        check(&n, &base, &e, &format!("{len}-byte modulus"));
        check(&n, "2", &e, &format!("{len}-byte modulus, 2^e"));
        let all_ones = "f".repeat(2 * len);
        check(
            &n,
            &all_ones,
            &e,
            &format!("{len}-byte modulus, base of ones"),
        );
    }
    // The modulus of all ones at full width: the largest column sums.
    let n = "f".repeat(768);
    check(&n, &"f".repeat(767), &"f".repeat(64), "2^3072 − 1");
}

#[wasm_bindgen_test]
fn password_claim_matches_reference() {
    let bench = Bench::new();
    for case in [
        "claim256",
        "claim1024",
        "client256",
        "client1024",
        "ga256",
        "pow1024",
    ] {
        assert!(bench.run(case, "kernel"), "{case}: kernel");
        assert!(bench.run(case, "vartime"), "{case}: vartime");
    }
    // And one more with other inputs, through the public API.
    let verifier = cognito_srp::make_verifier("Pool1", "bob", "pw", &bytes(1, 16));
    let server = cognito_srp::ServerEphemeral::new(&bytes(2, 32), &verifier).ok();
    let b_pub = server.map(|s| s.b_pub_hex()).unwrap_or_default();
    let input = ClaimInput {
        pool_name: "Pool1",
        user_id_for_srp: "bob",
        password: "pw",
        salt_hex: &verifier.salt_hex,
        b_pub_hex: &b_pub,
        secret_block_b64: "c2VjcmV0",
        timestamp: "Tue Dec 1 20:00:00 UTC 2026",
    };
    let a = bytes(3, 32);
    let kernel = ClientEphemeral::from_bytes(&a)
        .and_then(|e| password_claim(&e, &input))
        .map(|c| c.signature_b64);
    let reference = hazmat::reference_client_ephemeral(&a)
        .and_then(|e| hazmat::reference_password_claim(&e, &input))
        .map(|c| c.signature_b64);
    assert!(kernel.is_ok(), "kernel claim");
    assert_eq!(kernel, reference, "claim signature");
}

/// `n − k` for a hex `n` and a small `k` (no borrow past the last byte).
fn num_hex_sub(n: &str, k: u8) -> String {
    let mut b = hex::decode(n).unwrap_or_default();
    if let Some(last) = b.last_mut() {
        *last -= k;
    }
    hex::encode(b)
}
