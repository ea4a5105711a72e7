//! RFC 7636 Appendix B: the worked S256 example, step by step.
//!
//! Values copied from the RFC text (https://www.rfc-editor.org/rfc/rfc7636#appendix-B).
#![allow(clippy::expect_used)]

use cognito_core::pkce::{PkceMethod, PkceVerifier};
use sha2::{Digest, Sha256};

/// "a 32-octet sequence" from the RFC's random number generator.
const OCTETS: [u8; 32] = [
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
    105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
];
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// SHA256(ASCII(code_verifier)) as the RFC lists it.
const VERIFIER_SHA256: [u8; 32] = [
    19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173, 109,
    241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195,
];
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[test]
fn octets_to_verifier() {
    let v = PkceVerifier::from_random_bytes(&OCTETS).expect("32 octets are enough");
    assert_eq!(v.secret(), VERIFIER, "code_verifier = BASE64URL(octets)");
}

#[test]
fn verifier_hash() {
    let digest: [u8; 32] = Sha256::digest(VERIFIER.as_bytes()).into();
    assert_eq!(digest, VERIFIER_SHA256, "SHA256(ASCII(code_verifier))");
}

#[test]
fn verifier_to_challenge() {
    let v = PkceVerifier::new(VERIFIER).expect("valid verifier");
    let c = v.challenge();
    assert_eq!(
        c.as_str(),
        CHALLENGE,
        "code_challenge = BASE64URL(SHA256(verifier))"
    );
    assert_eq!(c.method(), PkceMethod::S256, "code_challenge_method");
    assert_eq!(c.method().as_str(), "S256");
}

#[test]
fn server_side_check() {
    let c = PkceVerifier::new(VERIFIER).expect("valid").challenge();
    assert!(c.is_answered_by(VERIFIER), "the right verifier passes");
    let mut wrong = VERIFIER.to_owned();
    wrong.replace_range(0..1, "e");
    assert!(!c.is_answered_by(&wrong), "a different verifier fails");
    assert!(!c.is_answered_by("short"), "an invalid verifier fails");
}

#[test]
fn length_bounds_of_section_4_1() {
    assert!(PkceVerifier::new("a".repeat(42)).is_err(), "42 < 43");
    assert!(PkceVerifier::new("a".repeat(43)).is_ok(), "43");
    assert!(PkceVerifier::new("a".repeat(128)).is_ok(), "128");
    assert!(PkceVerifier::new("a".repeat(129)).is_err(), "129 > 128");
    assert!(
        PkceVerifier::from_random_bytes(&OCTETS[..31]).is_err(),
        "31 octets give 42 chars"
    );
}
