//! `BenchSrp` (cargo feature `bench`, for `scripts/bench.sh` only): the client's SRP math,
//! `cognito_srp::ClientEphemeral::from_bytes` (`A`, which the sign-in precomputes when idle) and
//! `cognito_srp::password_claim` (the math the sign-in runs for the `PASSWORD_VERIFIER`
//! challenge, there in three pieces of one task each), exported so a page can time each step.
//! The sign-in itself, tasks and all, is measured through the package's `signIn`.

use wasm_bindgen::prelude::*;

/// One SRP client ephemeral: `new BenchSrp(a)` computes `A = g^a mod N` (`a` big-endian bytes).
#[wasm_bindgen]
#[derive(Debug)]
pub struct BenchSrp {
    eph: cognito_srp::ClientEphemeral,
}

fn js_err(e: cognito_srp::SrpError) -> JsValue {
    JsValue::from_str(&e.to_string())
}

#[wasm_bindgen]
impl BenchSrp {
    /// `A = g^a mod N`.
    #[wasm_bindgen(constructor)]
    pub fn new(a: &[u8]) -> Result<BenchSrp, JsValue> {
        cognito_srp::ClientEphemeral::from_bytes(a)
            .map(|eph| BenchSrp { eph })
            .map_err(js_err)
    }

    /// `SRP_A` as hex.
    #[wasm_bindgen(js_name = srpA)]
    pub fn srp_a(&self) -> String {
        self.eph.a_pub_hex()
    }

    /// `PASSWORD_CLAIM_SIGNATURE` for the challenge (password key `x`, `S`, HKDF, and the HMAC).
    #[allow(clippy::too_many_arguments)]
    pub fn claim(
        &self,
        pool_name: &str,
        user_id_for_srp: &str,
        password: &str,
        salt_hex: &str,
        b_pub_hex: &str,
        secret_block_b64: &str,
        timestamp: &str,
    ) -> Result<String, JsValue> {
        cognito_srp::password_claim(
            &self.eph,
            &cognito_srp::ClaimInput {
                pool_name,
                user_id_for_srp,
                password,
                salt_hex,
                b_pub_hex,
                secret_block_b64,
                timestamp,
            },
        )
        .map(|c| c.signature_b64)
        .map_err(js_err)
    }
}
