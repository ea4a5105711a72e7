//! The fixture of the browser benchmark (`scripts/bench.sh`, `bench/`): one `PASSWORD_VERIFIER`
//! challenge from this crate's server side, as JSON on stdout.
//!
//! Deterministic: every "random" value is a SHA-256 chain over a label, so each run of the
//! benchmark computes on the same inputs. The server side does what `cognito-local` does for a
//! sign-in (`make_verifier` at sign-up with a 16-byte salt; `ServerEphemeral::new` with a
//! 32-byte `b` for `SRP_B`; a 128-byte `SECRET_BLOCK`). Two client secrets `a` (32 and 128
//! bytes) come with their `SRP_A` and the expected `PASSWORD_CLAIM_SIGNATURE`, which the server
//! side checks here, so every page of the benchmark can prove it did the same work.
//!
//! `cargo run --release -p cognito-srp --example bench_fixture > fixture.json`

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// `len` deterministic bytes: SHA-256(label | counter) blocks.
fn bytes(label: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut i: u32 = 0;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(label.as_bytes());
        h.update(i.to_be_bytes());
        out.extend_from_slice(&h.finalize());
        i += 1;
    }
    out.truncate(len);
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn main() -> Result<(), cognito_srp::SrpError> {
    let pool_id = "eu-west-1_BenchPool1";
    let pool_name = "BenchPool1";
    // USER_ID_FOR_SRP: cognito-local sends the user's `sub`-like internal name.
    let user = "8f3c2b1e-6d4a-4f2e-9b7c-1a2b3c4d5e6f";
    let password = "Correct-Horse-Battery-9";
    let salt = bytes("bench salt", 16);
    let b = bytes("bench b", 32);
    let secret_block = STANDARD.encode(bytes("bench secret block", 128));
    // Tue Dec  1 20:00:00 UTC 2026 as Cognito prints it (`Tue Dec 1 20:00:00 UTC 2026`).
    let timestamp = cognito_srp::cognito_timestamp(1_796_155_200);

    let verifier = cognito_srp::make_verifier(pool_name, user, password, &salt);
    let server = cognito_srp::ServerEphemeral::new(&b, &verifier)?;
    let b_pub = server.b_pub_hex();

    let mut clients = Vec::new();
    for len in [32usize, 128] {
        let a = bytes(&format!("bench a {len}"), len);
        let eph = cognito_srp::ClientEphemeral::from_bytes(&a)?;
        let a_pub = eph.a_pub_hex();
        let claim = cognito_srp::password_claim(
            &eph,
            &cognito_srp::ClaimInput {
                pool_name,
                user_id_for_srp: user,
                password,
                salt_hex: &verifier.salt_hex,
                b_pub_hex: &b_pub,
                secret_block_b64: &secret_block,
                timestamp: &timestamp,
            },
        )?;
        // The server side accepts it: the fixture is a sign-in that succeeds.
        cognito_srp::verify_password_claim(
            &server,
            &verifier,
            &cognito_srp::ClaimCheck {
                pool_name,
                user_id_for_srp: user,
                a_pub_hex: &a_pub,
                secret_block_b64: &secret_block,
                timestamp: &timestamp,
                signature_b64: &claim.signature_b64,
            },
        )?;
        clients.push(format!(
            "{{\"aBytes\":{len},\"aHex\":\"{}\",\"srpA\":\"{a_pub}\",\"signature\":\"{}\"}}",
            hex(&a),
            claim.signature_b64
        ));
    }
    println!(
        "{{\"userPoolId\":\"{pool_id}\",\"poolName\":\"{pool_name}\",\"userIdForSrp\":\"{user}\",\
\"password\":\"{password}\",\"salt\":\"{}\",\"srpB\":\"{b_pub}\",\"secretBlock\":\"{secret_block}\",\
\"timestamp\":\"{timestamp}\",\"clients\":[{}]}}",
        verifier.salt_hex,
        clients.join(",")
    );
    Ok(())
}
