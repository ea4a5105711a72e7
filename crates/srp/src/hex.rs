//! Lowercase hex, as the workspace's browser crates write it (SRP's `A`, OAuth `state`, session
//! fingerprints, lease owners) and read it back (OAuth `state`).
//!
//! One copy instead of four: the callers had each written their own, two of them through
//! `format!("{b:02x}")`, which costs a formatting call per byte. The `hex` crate is the tests'
//! oracle (`tests/hex.rs`).
//!
//! ```
//! use cognito_srp::hex;
//! assert_eq!(hex::encode(b"\x00\xab"), "00ab");
//! assert_eq!(hex::decode("00aB"), Some(vec![0x00, 0xab]));
//! assert_eq!(hex::decode("0"), None);
//! ```

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `bytes` as lowercase hex, two digits per byte.
#[must_use]
pub fn encode(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// The bytes of hex string `s` (either case); `None` unless it has an even number of hex
/// digits and nothing else (no sign, no whitespace, no `0x`).
#[must_use]
pub fn decode(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if s.len() % 2 != 0 {
        return None;
    }
    s.chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

fn digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}
