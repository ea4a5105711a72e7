//! The whole client and server computation on the big-number kernel against the same code on
//! the `num-bigint` reference backend (`cognito_srp::hazmat`), over random inputs: ephemeral
//! secrets of 32 and 128 bytes (and lengths between), salts, passwords and server values `B`,
//! including `B ≥ N` as a client may receive it.

use cognito_srp::hazmat::{self, Backend};
use cognito_srp::{
    make_verifier, password_claim, verify_password_claim, ClaimCheck, ClaimInput, ClientEphemeral,
    ServerEphemeral, SrpError,
};
use proptest::prelude::*;

const TIMESTAMP: &str = "Fri May 22 09:05:07 UTC 2026";
const BLOCK: &str = "c2VjcmV0IGJsb2Nr";

fn input<'a>(password: &'a str, salt_hex: &'a str, b_pub_hex: &'a str) -> ClaimInput<'a> {
    ClaimInput {
        pool_name: "AbC123xyz",
        user_id_for_srp: "alice",
        password,
        salt_hex,
        b_pub_hex,
        secret_block_b64: BLOCK,
        timestamp: TIMESTAMP,
    }
}

/// Client claim on the kernel and on the reference; both must agree on everything.
fn both(a: &[u8], password: &str, salt_hex: &str, b_pub_hex: &str) -> Result<String, SrpError> {
    let eph = ClientEphemeral::from_bytes(a)?;
    let reference = hazmat::reference_client_ephemeral(a)?;
    assert_eq!(eph.a_pub_hex(), reference.a_pub_hex(), "A");
    let input = input(password, salt_hex, b_pub_hex);
    let k = password_claim(&eph, &input);
    let r = hazmat::reference_password_claim(&reference, &input);
    match (&k, &r) {
        (Ok(k), Ok(r)) => {
            assert_eq!(k.u_hex, r.u_hex, "u");
            assert_eq!(k.x_hex, r.x_hex, "x");
            assert_eq!(k.s_hex, r.s_hex, "S");
            assert_eq!(k.hkdf_key_hex, r.hkdf_key_hex, "HKDF key");
            assert_eq!(k.signature_b64, r.signature_b64, "signature");
        }
        _ => assert_eq!(k.is_err(), r.is_err(), "one backend failed"),
    }
    k.map(|c| c.signature_b64)
}

#[test]
fn short_and_long_ephemerals_both_work() {
    let verifier = make_verifier("AbC123xyz", "alice", "pw", &[7; 16]);
    let server = ServerEphemeral::new(&[0x42; 32], &verifier).unwrap();
    for len in [32, 64, 128, 256] {
        let a: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
        let sig = both(&a, "pw", &verifier.salt_hex, &server.b_pub_hex()).unwrap();
        let eph = ClientEphemeral::from_bytes(&a).unwrap();
        let check = ClaimCheck {
            pool_name: "AbC123xyz",
            user_id_for_srp: "alice",
            a_pub_hex: &eph.a_pub_hex(),
            secret_block_b64: BLOCK,
            timestamp: TIMESTAMP,
            signature_b64: &sig,
        };
        assert_eq!(
            verify_password_claim(&server, &verifier, &check),
            Ok(()),
            "{len}-byte a"
        );
    }
}

#[test]
fn mod_pow_backends_agree_on_edges() {
    let n = "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff";
    let n_minus_1 = format!("{}e", &n[..n.len() - 1]);
    for base in ["0", "1", "2", "3", n_minus_1.as_str(), n] {
        for e in ["0", "1", "2", "ff", n_minus_1.as_str()] {
            let want = hazmat::mod_pow(n, base, e, Backend::Reference);
            for b in [Backend::Kernel, Backend::KernelVartime] {
                assert_eq!(hazmat::mod_pow(n, base, e, b), want, "{base}^{e} on {b:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn client_claim_matches_reference(
        a in prop::collection::vec(any::<u8>(), 32..=160),
        salt in prop::collection::vec(any::<u8>(), 1..=16),
        b_pub in prop::collection::vec(any::<u8>(), 1..=385),
        password in "\\PC{0,24}",
    ) {
        let salt_hex = hex::encode(&salt);
        let b_pub_hex = hex::encode(&b_pub);
        let _ = both(&a, &password, &salt_hex, &b_pub_hex);
    }

    #[test]
    fn server_accepts_kernel_claims(
        a in prop::collection::vec(any::<u8>(), 32..=128),
        b in prop::collection::vec(any::<u8>(), 32..=64),
        salt in prop::collection::vec(any::<u8>(), 16),
    ) {
        let verifier = make_verifier("AbC123xyz", "alice", "pw", &salt);
        let server = ServerEphemeral::new(&b, &verifier).unwrap();
        let b_pub_hex = server.b_pub_hex();
        let sig = both(&a, "pw", &verifier.salt_hex, &b_pub_hex).unwrap();
        let eph = ClientEphemeral::from_bytes(&a).unwrap();
        let check = ClaimCheck {
            pool_name: "AbC123xyz",
            user_id_for_srp: "alice",
            a_pub_hex: &eph.a_pub_hex(),
            secret_block_b64: BLOCK,
            timestamp: TIMESTAMP,
            signature_b64: &sig,
        };
        prop_assert_eq!(verify_password_claim(&server, &verifier, &check), Ok(()));
    }
}
