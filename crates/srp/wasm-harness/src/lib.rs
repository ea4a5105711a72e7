//! The cases of the wasm32 benchmark (`run.sh bench`, driven by `bench.mjs` under Node.js): the
//! same rows as `benches/srp_kernel.rs` natively, plus the password claim alone (`g^x`, `S`,
//! the signature: the critical path of a sign-in once `A` is precomputed).
//!
//! Every run checks its result against the one the reference backend computed at set-up, so a
//! fast wrong answer cannot pass for a measurement.

use base64::Engine as _;
use cognito_srp::hazmat::{self, Backend};
use cognito_srp::{
    cognito_timestamp, make_verifier, password_claim, ClaimInput, ClientEphemeral, ServerEphemeral,
    Verifier,
};
use wasm_bindgen::prelude::*;

/// RFC 5054's 3072-bit prime (Cognito's `N`), for `hazmat::mod_pow`.
pub const N_HEX: &str = concat!(
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

/// Deterministic bytes (xorshift64*), the native benchmark's inputs.
pub fn bytes(seed: u64, len: usize) -> Vec<u8> {
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

const POOL: &str = "AbC123xyz";
const USER: &str = "6f1c9d04-7a5e-4b1e-9c7d-3a2b1c0d9e8f";
const PASSWORD: &str = "correct horse battery staple";

/// The inputs of every case and the reference's answers.
#[wasm_bindgen]
pub struct Bench {
    a256: String,
    a1024: String,
    base: String,
    e1024: String,
    want: Vec<Option<String>>,
    verifier: Verifier,
    b_pub: String,
    secret_block: String,
    timestamp: String,
    a_bytes: [Vec<u8>; 2],
    signature: [String; 2],
    /// Kernel ephemerals for `a_bytes[0]`, `[1]`, then reference ones.
    ephemerals: Vec<ClientEphemeral>,
}

#[wasm_bindgen]
impl Bench {
    /// Builds the inputs and computes every answer on the reference backend.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Bench {
        let a256 = hex::encode(bytes(1, 32));
        let a1024 = hex::encode(bytes(2, 128));
        let base = hex::encode(bytes(3, 384));
        let e1024 = hex::encode(bytes(4, 128));
        let want = vec![
            hazmat::mod_pow(N_HEX, "2", &a256, Backend::Reference),
            hazmat::mod_pow(N_HEX, "2", &a1024, Backend::Reference),
            hazmat::mod_pow(N_HEX, &base, &e1024, Backend::Reference),
        ];
        let verifier = make_verifier(POOL, USER, PASSWORD, &bytes(7, 16));
        let b_pub = ServerEphemeral::new(&bytes(8, 128), &verifier)
            .map(|s| s.b_pub_hex())
            .unwrap_or_default();
        let secret_block = base64::engine::general_purpose::STANDARD.encode(bytes(11, 1200));
        let timestamp = cognito_timestamp(1_779_440_707);
        let a_bytes = [bytes(9 + 256, 32), bytes(9 + 1024, 128)];
        let mut b = Bench {
            a256,
            a1024,
            base,
            e1024,
            want,
            verifier,
            b_pub,
            secret_block,
            timestamp,
            a_bytes,
            signature: [String::new(), String::new()],
            ephemerals: Vec::new(),
        };
        for i in 0..2 {
            let input = b.input();
            b.signature[i] = hazmat::reference_client_ephemeral(&b.a_bytes[i])
                .and_then(|eph| hazmat::reference_password_claim(&eph, &input))
                .map(|c| c.signature_b64)
                .unwrap_or_default();
        }
        let kernel = b
            .a_bytes
            .iter()
            .filter_map(|a| ClientEphemeral::from_bytes(a).ok());
        let reference = b
            .a_bytes
            .iter()
            .filter_map(|a| hazmat::reference_client_ephemeral(a).ok());
        b.ephemerals = kernel.chain(reference).collect();
        b
    }

    /// Runs case `case` once on `backend` (`"reference"`, `"kernel"`, `"vartime"`); true if the
    /// answer is the reference's. Cases: `ga256`, `ga1024`, `pow1024` (a general base, like
    /// `S`), `client256`, `client1024` (A + password key + signature), `claim256`,
    /// `claim1024` (the password claim alone, `A` already computed).
    pub fn run(&self, case: &str, backend: &str) -> bool {
        let be = match backend {
            "reference" => Backend::Reference,
            "kernel" => Backend::Kernel,
            "vartime" => Backend::KernelVartime,
            _ => return false,
        };
        let modexp = |base: &str, e: &str, i: usize| {
            hazmat::mod_pow(N_HEX, base, e, be) == self.want[i] && self.want[i].is_some()
        };
        match case {
            "ga256" => modexp("2", &self.a256, 0),
            "ga1024" => modexp("2", &self.a1024, 1),
            "pow1024" => modexp(&self.base, &self.e1024, 2),
            "client256" => self.client(0, be, true),
            "client1024" => self.client(1, be, true),
            "claim256" => self.client(0, be, false),
            "claim1024" => self.client(1, be, false),
            _ => false,
        }
    }
}

impl Bench {
    fn input(&self) -> ClaimInput<'_> {
        ClaimInput {
            pool_name: POOL,
            user_id_for_srp: USER,
            password: PASSWORD,
            salt_hex: &self.verifier.salt_hex,
            b_pub_hex: &self.b_pub,
            secret_block_b64: &self.secret_block,
            timestamp: &self.timestamp,
        }
    }

    /// The client's work for `a_bytes[i]`: with `full`, `A` too; without, the password claim
    /// alone with an ephemeral made at set-up.
    fn client(&self, i: usize, be: Backend, full: bool) -> bool {
        let reference = be == Backend::Reference;
        let made;
        let eph = if full {
            let e = if reference {
                hazmat::reference_client_ephemeral(&self.a_bytes[i])
            } else {
                ClientEphemeral::from_bytes(&self.a_bytes[i])
            };
            let Ok(e) = e else { return false };
            if e.a_pub_hex().is_empty() {
                return false;
            }
            made = e;
            &made
        } else {
            let Some(e) = self.ephemerals.get(i + if reference { 2 } else { 0 }) else {
                return false;
            };
            e
        };
        let input = self.input();
        let claim = if reference {
            hazmat::reference_password_claim(eph, &input)
        } else {
            password_claim(eph, &input)
        };
        claim.is_ok_and(|c| c.signature_b64 == self.signature[i] && !self.signature[i].is_empty())
    }
}
