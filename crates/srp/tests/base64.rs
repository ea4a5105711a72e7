//! `cognito_srp::base64` against RFC 4648 §10's vectors and against the `base64` crate (0.22)
//! in the exact configurations it replaced:
//! - `encode` = `STANDARD.encode`; `encode_url_no_pad` = `URL_SAFE_NO_PAD.encode`;
//! - `decode_url_no_pad` = `URL_SAFE_NO_PAD.decode` (JWT segments, `crates/core/src/jwt.rs`);
//! - `decode_lenient` = the old `SECRET_BLOCK` decoder (`crates/srp/src/group.rs`): `-` → `+`,
//!   `_` → `/`, then the standard alphabet with `DecodePaddingMode::Indifferent` and trailing
//!   bits allowed.
//!
//! Decoders must agree on accepting or rejecting every input, and on the bytes when accepting.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ::base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ::base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use ::base64::Engine as _;
use cognito_srp::base64;
use proptest::prelude::*;

/// The decoder `decode_lenient` replaced, verbatim.
fn oracle_lenient(s: &str) -> Option<Vec<u8>> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &::base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let normalized: String = s
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    LENIENT.decode(normalized.as_bytes()).ok()
}

fn oracle_strict(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s).ok()
}

/// Both decoders agree with their oracles on `s`; returns whether each accepted it.
fn agree(s: &str) -> (bool, bool) {
    let lenient = base64::decode_lenient(s).ok();
    assert_eq!(lenient, oracle_lenient(s), "decode_lenient({s:?})");
    let strict = base64::decode_url_no_pad(s).ok();
    assert_eq!(strict, oracle_strict(s), "decode_url_no_pad({s:?})");
    (lenient.is_some(), strict.is_some())
}

/// RFC 4648 §10, with §5's alphabet giving the same strings for these inputs.
const RFC4648: [(&str, &str); 7] = [
    ("", ""),
    ("f", "Zg=="),
    ("fo", "Zm8="),
    ("foo", "Zm9v"),
    ("foob", "Zm9vYg=="),
    ("fooba", "Zm9vYmE="),
    ("foobar", "Zm9vYmFy"),
];

#[test]
fn rfc4648_section_10() {
    for (plain, padded) in RFC4648 {
        let unpadded = padded.trim_end_matches('=');
        assert_eq!(
            base64::encode(plain.as_bytes()),
            padded,
            "encode({plain:?})"
        );
        assert_eq!(
            base64::encode_url_no_pad(plain.as_bytes()),
            unpadded,
            "encode_url_no_pad({plain:?})"
        );
        for s in [padded, unpadded] {
            assert_eq!(
                base64::decode_lenient(s).as_deref(),
                Ok(plain.as_bytes()),
                "decode_lenient({s:?})"
            );
        }
        assert_eq!(
            base64::decode_url_no_pad(unpadded).as_deref(),
            Ok(plain.as_bytes()),
            "decode_url_no_pad({unpadded:?})"
        );
        if padded != unpadded {
            assert!(base64::decode_url_no_pad(padded).is_err(), "{padded:?}");
        }
    }
}

/// The alphabets differ in the two characters for 62 and 63.
#[test]
fn alphabets_differ_only_in_62_and_63() {
    let bytes = [0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff];
    assert_eq!(base64::encode(&bytes), "++++////");
    assert_eq!(base64::encode_url_no_pad(&bytes), "----____");
    assert!(base64::decode_url_no_pad("++++////").is_err());
    assert_eq!(
        base64::decode_lenient("+-+-/_/_").as_deref(),
        Ok(&bytes[..])
    );
}

/// Every string of up to 6 characters over a set that reaches each rule: a symbol whose low bits
/// are zero (`A`) and ones whose low bits are not (`Y` for 2-character groups, `+` and `/` for
/// 3-character groups), both alphabets, padding, whitespace.
#[test]
fn every_short_string_over_a_small_alphabet() {
    const CHARS: [char; 8] = ['A', 'Y', '+', '/', '-', '_', '=', ' '];
    let (mut lenient, mut strict, mut total) = (0, 0, 0);
    let mut s = String::new();
    fn walk(s: &mut String, left: usize, count: &mut dyn FnMut(&str)) {
        count(s);
        if left > 0 {
            for c in CHARS {
                s.push(c);
                walk(s, left - 1, count);
                s.pop();
            }
        }
    }
    walk(&mut s, 6, &mut |s| {
        let (l, st) = agree(s);
        lenient += usize::from(l);
        strict += usize::from(st);
        total += 1;
    });
    assert_eq!(total, (0..=6).map(|n| 8usize.pow(n)).sum::<usize>());
    // Not vacuous: both decoders accept some and reject some.
    assert!(
        0 < strict && strict < lenient && lenient < total,
        "{strict} {lenient} {total}"
    );
}

/// Strings that are almost valid: an encoding with one character replaced, inserted or
/// removed, or cut short, then padded or not.
fn near_valid() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(any::<u8>(), 0..12),
        any::<bool>(),
        0usize..20,
        prop::sample::select(vec![
            '=', ' ', '\n', '\t', '+', '/', '-', '_', '*', '.', 'A', 'Q', 'w', 'é', '\0',
        ]),
        0u8..4,
        0usize..4,
    )
        .prop_map(|(bytes, url, at, c, how, pads)| {
            let mut s = if url {
                URL_SAFE_NO_PAD.encode(&bytes)
            } else {
                STANDARD.encode(&bytes)
            };
            let at = at.min(s.len());
            match how {
                0 => s.insert(at, c),
                1 if at < s.len() => {
                    s.remove(at);
                    s.insert(at, c);
                }
                2 if at < s.len() => {
                    s.remove(at);
                }
                _ => s.truncate(at),
            }
            s.extend(std::iter::repeat_n('=', pads));
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn encoders_match_the_base64_crate(bytes in prop::collection::vec(any::<u8>(), 0..100)) {
        prop_assert_eq!(base64::encode(&bytes), STANDARD.encode(&bytes));
        prop_assert_eq!(base64::encode_url_no_pad(&bytes), URL_SAFE_NO_PAD.encode(&bytes));
    }

    #[test]
    fn decoders_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..100)) {
        let padded = base64::encode(&bytes);
        let url = base64::encode_url_no_pad(&bytes);
        prop_assert_eq!(base64::decode_lenient(&padded), Ok(bytes.clone()));
        prop_assert_eq!(base64::decode_lenient(padded.trim_end_matches('=')), Ok(bytes.clone()));
        prop_assert_eq!(base64::decode_lenient(&url), Ok(bytes.clone()));
        prop_assert_eq!(base64::decode_url_no_pad(&url), Ok(bytes.clone()));
    }

    #[test]
    fn decoders_agree_on_near_valid_strings(s in near_valid()) {
        agree(&s);
    }

    #[test]
    fn decoders_agree_on_garbage(s in "[AQYwgz09+/_=\\- \n.é]{0,14}") {
        agree(&s);
    }

    #[test]
    fn decoders_agree_on_any_string(s in any::<String>()) {
        agree(&s);
    }
}
