//! `cargo bench -p cognito-srp`: the big-number kernel against `num-bigint` (what the crate used
//! before, kept as the reference backend), natively.
//!
//! Rows: one 3072-bit exponentiation `g^a` (g = 2) with a 256- and a 1024-bit exponent, one with
//! a general base (the shape of `S`), and the full client work of a sign-in (`A`, then the
//! password claim: `g^x`, `S`, HKDF, HMAC). Each is run `SRP_BENCH_RUNS` times (default 51)
//! after two warm-up runs, the backends of a case interleaved; min / median / max in
//! milliseconds, as a Markdown table, and the ratios of the minima.
//!
//! It is a benchmark, not a test: it checks that the backends agree, and reports.

// A benchmark binary: a failed check should stop it loudly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use cognito_srp::hazmat::{self, Backend};
use cognito_srp::{
    cognito_timestamp, make_verifier, password_claim, ClaimInput, ClientEphemeral, ServerEphemeral,
};

/// RFC 5054's 3072-bit prime (Cognito's `N`).
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E34",
    "04DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6",
    "F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A6916",
    "3FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217",
    "C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA9",
    "56AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA715",
    "75D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87",
    "602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108",
    "E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// Deterministic bytes (xorshift64*), so every run measures the same inputs.
fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut s = seed | 1;
    (0..len)
        .map(|_| {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            (s.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

fn runs() -> usize {
    std::env::var("SRP_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(51)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Times each variant `runs()` times after two warm-up calls, interleaved (one run of each
/// per round, the order rotating), so that a competing process on a shared machine slows all
/// of them alike; prints one row per variant and returns the minima. The ratios use minima: on
/// a shared machine the median is often another process's time slice, the minimum rarely.
fn rows(case: &str, variants: &mut [(&str, &mut dyn FnMut())]) -> Vec<f64> {
    for (_, f) in variants.iter_mut() {
        f();
        f();
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
    for round in 0..runs() {
        for k in 0..variants.len() {
            let v = (round + k) % variants.len();
            let t = Instant::now();
            (variants[v].1)();
            times[v].push(t.elapsed());
        }
    }
    let mut minima = Vec::new();
    for ((name, _), t) in variants.iter().zip(&mut times) {
        t.sort();
        println!(
            "| {case} | {name} | {:.2} | {:.2} | {:.2} |",
            ms(t[0]),
            ms(t[t.len() / 2]),
            ms(t[t.len() - 1]),
        );
        minima.push(ms(t[0]));
    }
    minima
}

fn modexp_rows(case: &str, base: &str, e: &str) {
    let want = hazmat::mod_pow(N_HEX, base, e, Backend::Reference);
    for b in [Backend::Kernel, Backend::KernelVartime] {
        assert_eq!(hazmat::mod_pow(N_HEX, base, e, b), want, "{case}: {b:?}");
    }
    let run = |b: Backend| {
        move || {
            black_box(hazmat::mod_pow(N_HEX, base, e, b));
        }
    };
    let m = rows(
        case,
        &mut [
            ("num-bigint (before)", &mut run(Backend::Reference)),
            ("kernel, constant-time (after)", &mut run(Backend::Kernel)),
            ("kernel, variable-time", &mut run(Backend::KernelVartime)),
        ],
    );
    println!(
        "| {case} | ratios of minima | before ÷ after {:.2} | constant-time ÷ variable-time {:.3} | |",
        m[0] / m[1],
        m[1] / m[2]
    );
}

fn client_rows(bits: usize) {
    let pool = "AbC123xyz";
    let user = "6f1c9d04-7a5e-4b1e-9c7d-3a2b1c0d9e8f";
    let password = "correct horse battery staple";
    let verifier = make_verifier(pool, user, password, &bytes(7, 16));
    let server = ServerEphemeral::new(&bytes(8, 128), &verifier).unwrap();
    let b_pub = server.b_pub_hex();
    let secret_block = cognito_srp_bench_block();
    let timestamp = cognito_timestamp(1_779_440_707);
    let a = bytes(9 + bits as u64, bits / 8);
    let input = ClaimInput {
        pool_name: pool,
        user_id_for_srp: user,
        password,
        salt_hex: &verifier.salt_hex,
        b_pub_hex: &b_pub,
        secret_block_b64: &secret_block,
        timestamp: &timestamp,
    };
    let kernel = password_claim(&ClientEphemeral::from_bytes(&a).unwrap(), &input).unwrap();
    let reference =
        hazmat::reference_password_claim(&hazmat::reference_client_ephemeral(&a).unwrap(), &input)
            .unwrap();
    assert_eq!(
        kernel.signature_b64, reference.signature_b64,
        "{bits}-bit a"
    );
    let case = format!("full client work (A + password key + signature), {bits}-bit a");
    let m = rows(
        &case,
        &mut [
            ("num-bigint (before)", &mut || {
                let eph = hazmat::reference_client_ephemeral(black_box(&a)).unwrap();
                black_box(eph.a_pub_hex());
                black_box(hazmat::reference_password_claim(&eph, &input).unwrap());
            }),
            ("kernel (after)", &mut || {
                let eph = ClientEphemeral::from_bytes(black_box(&a)).unwrap();
                black_box(eph.a_pub_hex());
                black_box(password_claim(&eph, &input).unwrap());
            }),
        ],
    );
    println!(
        "| {case} | ratio of minima | before ÷ after {:.2} | | |",
        m[0] / m[1]
    );
}

/// A `SECRET_BLOCK`-sized base64 string (Cognito's are about 1.7 KB).
fn cognito_srp_bench_block() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes(11, 1200))
}

fn main() {
    println!(
        "cognito-srp kernel benchmark: {} runs per row (after 2 warm-up runs), milliseconds",
        runs()
    );
    println!();
    println!("| case | backend | min | median | max |");
    println!("|---|---|---:|---:|---:|");
    let hex = |b: &[u8]| hex::encode(b);
    let a256 = hex(&bytes(1, 32));
    let a1024 = hex(&bytes(2, 128));
    modexp_rows("g^a mod N, 256-bit a", "2", &a256);
    modexp_rows("g^a mod N, 1024-bit a", "2", &a1024);
    let base = hex(&bytes(3, 384));
    let e = hex(&bytes(4, 128));
    modexp_rows("base^e mod N (like S), 1024-bit e", &base, &e);
    client_rows(256);
    client_rows(1024);
}
