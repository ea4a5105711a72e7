//! SHA-256 and HMAC-SHA256 behind two non-generic functions, for this crate and the crates above
//! it (`cognito-core`'s `SECRET_HASH` and PKCE, `cognito-client`'s session fingerprint).
//!
//! Why: `sha2`/`hmac` are generic over the `digest` traits, and every call site that builds a
//! hasher, feeds it and finalises it gets its own copy of the buffering code. In the browser
//! package that was about 2 KB per site (the SRP signature, the HKDF step, `SECRET_HASH`, the
//! session fingerprint). Here they exist once, and `#[inline(never)]` keeps it that way even in
//! this crate's opt-level-3 build. HKDF is written out ([`hkdf_sha256_16`]) for the same reason:
//! Cognito asks for 16 bytes, one HMAC block.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// `SHA-256(parts[0] | parts[1] | …)`.
#[must_use]
#[inline(never)]
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// `HMAC-SHA256(key, parts[0] | parts[1] | …)` (RFC 2104; keys of any length).
#[must_use]
#[inline(never)]
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length, so `new_from_slice` cannot fail; the `let … else` keeps
    // the library free of `expect`.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return [0u8; 32];
    };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// The first 16 bytes of HKDF-SHA256 (RFC 5869): `PRK = HMAC(salt, IKM)`, then
/// `T(1) = HMAC(PRK, info | 0x01)`, of which 16 bytes are the output. One block is all
/// Cognito's password claim key needs (`L = 16` ≤ the hash length, so `T(2)` is never made).
#[must_use]
pub(crate) fn hkdf_sha256_16(salt: &[u8], ikm: &[u8], info: &[u8]) -> [u8; 16] {
    let prk = hmac_sha256(salt, &[ikm]);
    let t1 = hmac_sha256(&prk, &[info, &[1]]);
    let mut out = [0u8; 16];
    out.copy_from_slice(&t1[..16]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    /// FIPS 180-2 Appendix B.1 and B.2, whole and split at every byte.
    #[test]
    fn sha256_fips_180_2_vectors() {
        let cases = [
            (
                &b"abc"[..],
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                &b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"[..],
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
            (
                &b""[..],
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
        ];
        for (msg, want) in cases {
            assert_eq!(hex(&sha256(&[msg])), want, "whole {msg:?}");
            for cut in 0..=msg.len() {
                let (a, b) = msg.split_at(cut);
                assert_eq!(hex(&sha256(&[a, b])), want, "split at {cut}");
            }
        }
    }

    /// RFC 4231 test cases 1, 2, 3, 4 and 6 (6: a key longer than the block, hashed first).
    #[test]
    fn hmac_sha256_rfc4231_vectors() {
        let cases = [
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                vec![0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (i, (key, data, want)) in cases.iter().enumerate() {
            assert_eq!(hex(&hmac_sha256(key, &[data])), *want, "case {i}");
            let (a, b) = data.split_at(data.len() / 3);
            assert_eq!(
                hex(&hmac_sha256(key, &[a, &[], b])),
                *want,
                "case {i}, split"
            );
        }
    }

    /// RFC 5869 test cases 1 and 3 (no salt = empty salt, empty info): the first 16 bytes of
    /// their OKM.
    #[test]
    fn hkdf_rfc5869_vectors() {
        let okm = hkdf_sha256_16(
            &unhex("000102030405060708090a0b0c"),
            &[0x0b; 22],
            &unhex("f0f1f2f3f4f5f6f7f8f9"),
        );
        assert_eq!(hex(&okm), "3cb25f25faacd57a90434f64d0362f2a");
        let okm = hkdf_sha256_16(&[], &[0x0b; 22], &[]);
        assert_eq!(hex(&okm), "8da4e775a563c18f715f802a063c5a31");
    }
}
