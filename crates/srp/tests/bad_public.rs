//! Illegal public values, malformed inputs and wrong passwords are rejected with named errors,
//! and no input makes the library panic.

// A failing test is a panic; the workspace lint against `panic!` is for library code.
#![allow(clippy::panic)]

use cognito_srp::{
    cognito_timestamp, make_verifier, password_claim, verify_password_claim, ClaimCheck,
    ClaimInput, ClientEphemeral, ServerEphemeral, SrpError, Verifier,
};
use proptest::prelude::*;

/// Cognito's N, lowercase.
const N_HEX: &str = concat!(
    "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e34",
    "04ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6",
    "f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a6916",
    "3fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217",
    "c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea9",
    "56ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea715",
    "75d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87",
    "602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108",
    "e4b82d120a93ad2caffffffffffffffff",
);
/// `2·x` for a lowercase hex integer (schoolbook doubling, so the test does not trust the
/// library's own arithmetic for its inputs).
fn double_hex(x: &str) -> String {
    let mut out = Vec::with_capacity(x.len() + 1);
    let mut carry = 0;
    for c in x.chars().rev() {
        let d = c.to_digit(16).unwrap_or_else(|| panic!("not hex: {c}")) * 2 + carry;
        out.push(char::from_digit(d % 16, 16).unwrap_or('?'));
        carry = d / 16;
    }
    if carry > 0 {
        out.push('1');
    }
    out.iter().rev().collect()
}

const POOL: &str = "AbC123xyz";
const USER: &str = "alice";
const PASSWORD: &str = "correct horse";
const SECRET_BLOCK: &str = "c2VjcmV0IGJsb2Nr";

fn ok<T>(r: Result<T, SrpError>, what: &str) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{what}: {e}"),
    }
}

fn client() -> ClientEphemeral {
    ok(ClientEphemeral::from_bytes(&[0x11; 32]), "client ephemeral")
}

fn claim_input<'a>(salt_hex: &'a str, b_pub_hex: &'a str, timestamp: &'a str) -> ClaimInput<'a> {
    ClaimInput {
        pool_name: POOL,
        user_id_for_srp: USER,
        password: PASSWORD,
        salt_hex,
        b_pub_hex,
        secret_block_b64: SECRET_BLOCK,
        timestamp,
    }
}

/// A full honest exchange: (verifier, server, A hex, timestamp, signature).
fn exchange() -> (Verifier, ServerEphemeral, String, String, String) {
    let verifier = make_verifier(POOL, USER, PASSWORD, &[0xa5; 16]);
    let server = ok(
        ServerEphemeral::new(&[0x22; 32], &verifier),
        "server ephemeral",
    );
    let eph = client();
    let ts = cognito_timestamp(1_709_629_447);
    let claim = ok(
        password_claim(
            &eph,
            &claim_input(&verifier.salt_hex, &server.b_pub_hex(), &ts),
        ),
        "claim",
    );
    (verifier, server, eph.a_pub_hex(), ts, claim.signature_b64)
}

#[test]
fn doubling_helper_works() {
    assert_eq!(double_hex("7f"), "fe");
    assert_eq!(double_hex("ff"), "1fe");
    assert_eq!(N_HEX.len(), 768);
    assert!(double_hex(N_HEX).starts_with("1ff"));
}

#[test]
fn b_zero_n_and_2n_are_illegal() {
    let eph = client();
    let two_n = double_hex(N_HEX);
    for (label, b) in [
        ("0", "0"),
        ("000", "000"),
        ("N", N_HEX),
        ("2N", two_n.as_str()),
    ] {
        assert_eq!(
            password_claim(&eph, &claim_input("ab", b, "t")).map(|_| ()),
            Err(SrpError::IllegalServerPublic),
            "B = {label}"
        );
    }
    let upper = N_HEX.to_ascii_uppercase();
    assert_eq!(
        password_claim(&eph, &claim_input("ab", &upper, "t")).map(|_| ()),
        Err(SrpError::IllegalServerPublic),
        "B = N, uppercase"
    );
    // B = 1 is a legal (if silly) value: it is not 0 mod N.
    assert!(
        password_claim(&eph, &claim_input("ab", "1", "t")).is_ok(),
        "B = 1"
    );
}

#[test]
fn a_zero_n_and_2n_are_illegal() {
    let (verifier, server, _, ts, sig) = exchange();
    let two_n = double_hex(N_HEX);
    for (label, a) in [("0", "0"), ("N", N_HEX), ("2N", two_n.as_str())] {
        let check = ClaimCheck {
            pool_name: POOL,
            user_id_for_srp: USER,
            a_pub_hex: a,
            secret_block_b64: SECRET_BLOCK,
            timestamp: &ts,
            signature_b64: &sig,
        };
        assert_eq!(
            verify_password_claim(&server, &verifier, &check),
            Err(SrpError::IllegalClientPublic),
            "A = {label}"
        );
    }
}

#[test]
fn short_ephemerals_are_rejected() {
    assert_eq!(
        ClientEphemeral::from_bytes(&[1; 31]).map(|_| ()),
        Err(SrpError::EphemeralTooShort(31))
    );
    assert_eq!(
        ClientEphemeral::from_bytes(&[]).map(|_| ()),
        Err(SrpError::EphemeralTooShort(0))
    );
    let verifier = make_verifier(POOL, USER, PASSWORD, &[1; 16]);
    assert_eq!(
        ServerEphemeral::new(&[1; 31], &verifier).map(|_| ()),
        Err(SrpError::EphemeralTooShort(31))
    );
}

#[test]
fn weak_ephemerals_are_rejected() {
    // Long enough, but a = 0 gives A = 1 and a = 1 gives A = g: both public, so the session key
    // is guessable. A broken RNG that returns zeros must not get that far.
    let mut one = [0u8; 32];
    one[31] = 1;
    let mut two = [0u8; 128];
    two[127] = 2;
    for (label, bytes) in [
        ("0 (32 bytes)", &[0u8; 32][..]),
        ("0 (128 bytes)", &[0u8; 128][..]),
        ("1", &one[..]),
    ] {
        assert_eq!(
            ClientEphemeral::from_bytes(bytes).map(|_| ()),
            Err(SrpError::WeakEphemeral),
            "a = {label}"
        );
        let verifier = make_verifier(POOL, USER, PASSWORD, &[1; 16]);
        assert_eq!(
            ServerEphemeral::new(bytes, &verifier).map(|_| ()),
            Err(SrpError::WeakEphemeral),
            "b = {label}"
        );
    }
    // 2 is the smallest value accepted.
    assert!(ClientEphemeral::from_bytes(&two).is_ok());
    let verifier = make_verifier(POOL, USER, PASSWORD, &[1; 16]);
    assert!(ServerEphemeral::new(&two, &verifier).is_ok());
}

#[test]
fn debug_hides_the_secrets() {
    let eph = ok(ClientEphemeral::from_bytes(&[0xab; 32]), "client");
    let shown = format!("{eph:?}");
    assert!(shown.contains("[redacted]"), "{shown}");
    assert!(!shown.contains(&"ab".repeat(32)), "{shown}");
    let shown = format!("{:?}", claim_input("ab", "1234", "t"));
    assert!(
        shown.contains("[redacted]") && !shown.contains(PASSWORD),
        "{shown}"
    );
    let verifier = make_verifier(POOL, USER, PASSWORD, &[1; 16]);
    let server = ok(ServerEphemeral::new(&[0xcd; 32], &verifier), "server");
    let shown = format!("{server:?}");
    assert!(shown.contains("[redacted]"), "{shown}");
    assert!(!shown.contains(&"cd".repeat(32)), "{shown}");
}

#[test]
fn malformed_hex_is_named() {
    let eph = client();
    let b_ok = "1234";
    for bad in ["", "xyz", "0x12", "+12", "-12", "12 34", "1_2", "１２"] {
        assert_eq!(
            password_claim(&eph, &claim_input("ab", bad, "t")).map(|_| ()),
            Err(SrpError::InvalidHex("SRP_B")),
            "B = {bad:?}"
        );
        assert_eq!(
            password_claim(&eph, &claim_input(bad, b_ok, "t")).map(|_| ()),
            Err(SrpError::InvalidHex("SALT")),
            "salt = {bad:?}"
        );
    }
    let (verifier, server, a_pub, ts, sig) = exchange();
    let check = ClaimCheck {
        pool_name: POOL,
        user_id_for_srp: USER,
        a_pub_hex: "nope",
        secret_block_b64: SECRET_BLOCK,
        timestamp: &ts,
        signature_b64: &sig,
    };
    assert_eq!(
        verify_password_claim(&server, &verifier, &check),
        Err(SrpError::InvalidHex("SRP_A"))
    );
    let broken = Verifier {
        salt_hex: verifier.salt_hex.clone(),
        verifier_hex: "zz".to_owned(),
    };
    assert_eq!(
        ServerEphemeral::new(&[3; 32], &broken).map(|_| ()),
        Err(SrpError::InvalidHex("verifier"))
    );
    let check = ClaimCheck {
        a_pub_hex: &a_pub,
        ..check
    };
    assert_eq!(
        verify_password_claim(&server, &broken, &check),
        Err(SrpError::InvalidHex("verifier"))
    );
}

#[test]
fn malformed_base64_is_named() {
    let eph = client();
    let (verifier, server, a_pub, ts, sig) = exchange();
    for bad in ["a", "ab c", "ab*=", "YQ===", "=YQ"] {
        let input = ClaimInput {
            secret_block_b64: bad,
            ..claim_input("ab", "1234", "t")
        };
        assert_eq!(
            password_claim(&eph, &input).map(|_| ()),
            Err(SrpError::InvalidBase64("SECRET_BLOCK")),
            "SECRET_BLOCK = {bad:?}"
        );
        let check = ClaimCheck {
            pool_name: POOL,
            user_id_for_srp: USER,
            a_pub_hex: &a_pub,
            secret_block_b64: SECRET_BLOCK,
            timestamp: &ts,
            signature_b64: bad,
        };
        assert_eq!(
            verify_password_claim(&server, &verifier, &check),
            Err(SrpError::InvalidBase64("PASSWORD_CLAIM_SIGNATURE")),
            "signature = {bad:?}"
        );
        let check = ClaimCheck {
            secret_block_b64: bad,
            signature_b64: &sig,
            ..check
        };
        assert_eq!(
            verify_password_claim(&server, &verifier, &check),
            Err(SrpError::InvalidBase64("SECRET_BLOCK")),
            "server SECRET_BLOCK = {bad:?}"
        );
    }
}

#[test]
fn honest_exchange_verifies_and_tampering_does_not() {
    let (verifier, server, a_pub, ts, sig) = exchange();
    let check = ClaimCheck {
        pool_name: POOL,
        user_id_for_srp: USER,
        a_pub_hex: &a_pub,
        secret_block_b64: SECRET_BLOCK,
        timestamp: &ts,
        signature_b64: &sig,
    };
    assert_eq!(
        verify_password_claim(&server, &verifier, &check),
        Ok(()),
        "honest"
    );

    // The signature in URL-safe, unpadded form is the same bytes.
    let url_safe = sig.replace('+', "-").replace('/', "_").replace('=', "");
    let same = ClaimCheck {
        signature_b64: &url_safe,
        ..check
    };
    assert_eq!(
        verify_password_claim(&server, &verifier, &same),
        Ok(()),
        "URL-safe signature"
    );

    let other_ts = cognito_timestamp(1_709_629_448);
    let truncated = &sig[..sig.len() - 4];
    let tampered = [
        (
            "timestamp",
            ClaimCheck {
                timestamp: &other_ts,
                ..check
            },
        ),
        (
            "pool name",
            ClaimCheck {
                pool_name: "AbC123xyZ",
                ..check
            },
        ),
        (
            "user",
            ClaimCheck {
                user_id_for_srp: "alicf",
                ..check
            },
        ),
        (
            "secret block",
            ClaimCheck {
                secret_block_b64: "c2VjcmV0IGJsb2Ns",
                ..check
            },
        ),
        (
            "short signature",
            ClaimCheck {
                signature_b64: truncated,
                ..check
            },
        ),
        (
            "empty signature",
            ClaimCheck {
                signature_b64: "",
                ..check
            },
        ),
    ];
    for (label, bad) in tampered {
        assert_eq!(
            verify_password_claim(&server, &verifier, &bad),
            Err(SrpError::BadSignature),
            "{label}"
        );
    }
}

#[test]
fn wrong_password_is_bad_signature() {
    let (verifier, _, _, ts, _) = exchange();
    let server = ok(ServerEphemeral::new(&[0x22; 32], &verifier), "server");
    let eph = client();
    let b_pub = server.b_pub_hex();
    let wrong = ClaimInput {
        password: "correct horsf",
        ..claim_input(&verifier.salt_hex, &b_pub, &ts)
    };
    let claim = ok(password_claim(&eph, &wrong), "claim");
    let check = ClaimCheck {
        pool_name: POOL,
        user_id_for_srp: USER,
        a_pub_hex: &eph.a_pub_hex(),
        secret_block_b64: SECRET_BLOCK,
        timestamp: &ts,
        signature_b64: &claim.signature_b64,
    };
    assert_eq!(
        verify_password_claim(&server, &verifier, &check),
        Err(SrpError::BadSignature)
    );
}

// u = H(PAD(A) | PAD(B)) == 0 needs a SHA-256 preimage of zero, so ZeroScrambler cannot be
// reached from the public API in a test; the check is in `group::scrambler`.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Client and server agree for any pool, user, password, salt, ephemerals and secret block;
    /// a different password never verifies.
    #[test]
    fn round_trip(
        pool in "[0-9A-Za-z]{1,12}",
        user in "\\PC{1,16}",
        password in "\\PC{0,24}",
        salt in proptest::collection::vec(any::<u8>(), 0..20),
        a in proptest::collection::vec(any::<u8>(), 32..64),
        b in proptest::collection::vec(any::<u8>(), 32..64),
        block in proptest::collection::vec(any::<u8>(), 0..64),
        when in -2_000_000_000i64..5_000_000_000,
    ) {
        use base64::Engine as _;
        let block = base64::engine::general_purpose::STANDARD.encode(block);
        let ts = cognito_timestamp(when);
        let verifier = make_verifier(&pool, &user, &password, &salt);
        let server = ServerEphemeral::new(&b, &verifier);
        prop_assert!(server.is_ok());
        let server = ok(server, "server");
        let eph = ok(ClientEphemeral::from_bytes(&a), "client");
        let input = ClaimInput {
            pool_name: &pool,
            user_id_for_srp: &user,
            password: &password,
            salt_hex: &verifier.salt_hex,
            b_pub_hex: &server.b_pub_hex(),
            secret_block_b64: &block,
            timestamp: &ts,
        };
        let claim = ok(password_claim(&eph, &input), "claim");
        let a_pub = eph.a_pub_hex();
        let check = ClaimCheck {
            pool_name: &pool,
            user_id_for_srp: &user,
            a_pub_hex: &a_pub,
            secret_block_b64: &block,
            timestamp: &ts,
            signature_b64: &claim.signature_b64,
        };
        prop_assert_eq!(verify_password_claim(&server, &verifier, &check), Ok(()));

        let wrong_password = format!("{password}x");
        let wrong = ok(password_claim(&eph, &ClaimInput { password: &wrong_password, ..input }), "wrong claim");
        prop_assert_ne!(&wrong.signature_b64, &claim.signature_b64);
        let check = ClaimCheck { signature_b64: &wrong.signature_b64, ..check };
        prop_assert_eq!(verify_password_claim(&server, &verifier, &check), Err(SrpError::BadSignature));
    }

    /// Arbitrary strings in every field give a value or an error, never a panic.
    #[test]
    fn arbitrary_strings_never_panic(
        salt in "\\PC{0,12}|[0-9a-fA-F]{0,40}",
        b_pub in "\\PC{0,12}|[0-9a-fA-F]{0,40}",
        a_pub in "\\PC{0,12}|[0-9a-fA-F]{0,40}",
        block in "\\PC{0,12}|[A-Za-z0-9+/_=-]{0,40}",
        sig in "\\PC{0,12}|[A-Za-z0-9+/_=-]{0,60}",
        verifier_hex in "\\PC{0,12}|[0-9a-fA-F]{0,40}",
        text in "\\PC{0,12}",
    ) {
        let eph = client();
        let _ = password_claim(&eph, &ClaimInput {
            pool_name: &text,
            user_id_for_srp: &text,
            password: &text,
            salt_hex: &salt,
            b_pub_hex: &b_pub,
            secret_block_b64: &block,
            timestamp: &text,
        });
        let verifier = Verifier { salt_hex: salt.clone(), verifier_hex };
        if let Ok(server) = ServerEphemeral::new(&[7; 32], &verifier) {
            let _ = verify_password_claim(&server, &verifier, &ClaimCheck {
                pool_name: &text,
                user_id_for_srp: &text,
                a_pub_hex: &a_pub,
                secret_block_b64: &block,
                timestamp: &text,
                signature_b64: &sig,
            });
        }
    }

    /// Every prefix of valid inputs (truncated on the wire) is handled without panicking.
    #[test]
    fn truncated_inputs_never_panic(cut in 0usize..800) {
        let (verifier, server, a_pub, ts, sig) = exchange();
        let eph = client();
        let b_pub = server.b_pub_hex();
        let prefix = |s: &str| s.get(..cut.min(s.len())).unwrap_or("").to_owned();
        let (b_cut, salt_cut, block_cut) = (prefix(&b_pub), prefix(&verifier.salt_hex), prefix(SECRET_BLOCK));
        let _ = password_claim(&eph, &ClaimInput {
            b_pub_hex: &b_cut,
            salt_hex: &salt_cut,
            secret_block_b64: &block_cut,
            ..claim_input("", "", &ts)
        });
        let (a_cut, sig_cut) = (prefix(&a_pub), prefix(&sig));
        let _ = verify_password_claim(&server, &verifier, &ClaimCheck {
            pool_name: POOL,
            user_id_for_srp: USER,
            a_pub_hex: &a_cut,
            secret_block_b64: &block_cut,
            timestamp: &ts,
            signature_b64: &sig_cut,
        });
    }

    /// Any i64 formats without panicking, with the day never zero-padded.
    #[test]
    fn timestamps_never_panic(t in any::<i64>()) {
        let s = cognito_timestamp(t);
        let day = s.split(' ').nth(2).unwrap_or("");
        prop_assert!(!day.starts_with('0'), "{}", s);
        prop_assert!(s.contains(" UTC "), "{}", s);
    }
}
