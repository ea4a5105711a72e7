//! The base64 this workspace's browser crates need (RFC 4648 §4 and §5), and nothing more.
//!
//! Why not the `base64` crate: its general-purpose engine (fast chunked decoding, configurable
//! alphabets and padding, and the panic messages that come with them) was about 6.8 KB of the
//! npm package's code for four small uses. This module is a few hundred bytes. The `base64`
//! crate stays a dev-dependency: the tests in `tests/base64.rs` check this module against it,
//! with the exact configurations it replaced.
//!
//! Four functions, each with the rules of the one use it serves:
//!
//! | function | alphabet | padding | trailing bits | used for |
//! |---|---|---|---|---|
//! | [`encode`] | standard (`+/`) | written | zero | `PASSWORD_CLAIM_SIGNATURE`, `SECRET_HASH`, HTTP Basic |
//! | [`encode_url_no_pad`] | URL-safe (`-_`) | none | zero | PKCE (RFC 7636), OAuth `nonce` |
//! | [`decode_lenient`] | either, mixed | optional | ignored | `SECRET_BLOCK`, signatures (SRP) |
//! | [`decode_url_no_pad`] | URL-safe only | rejected | must be zero | JWT segments (RFC 7515) |
//!
//! Both decoders reject whitespace, any other character, and a length that leaves a single
//! character over (1 mod 4), which no encoder produces. Neither panics.
//!
//! ```
//! use cognito_srp::base64;
//! assert_eq!(base64::encode(b"\xfb\xff"), "+/8=");
//! assert_eq!(base64::encode_url_no_pad(b"\xfb\xff"), "-_8");
//! assert_eq!(base64::decode_lenient("-/8"), Ok(b"\xfb\xff".to_vec()));
//! assert_eq!(base64::decode_url_no_pad("-_8"), Ok(b"\xfb\xff".to_vec()));
//! assert!(base64::decode_url_no_pad("-_8=").is_err());
//! ```

/// Why a string is not base64 in the mode asked for: the byte offset of the first character
/// that makes it invalid (the input's length when it ends too early or its padding is wrong).
///
/// It carries no input bytes, so it can go into an error message about a secret or a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid base64 at offset {offset}")]
pub struct DecodeError {
    offset: usize,
}

impl DecodeError {
    /// The byte offset into the input where decoding failed.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }
}

/// Standard base64 with `=` padding (RFC 4648 §4), as Cognito and amazon-cognito-identity-js
/// write `PASSWORD_CLAIM_SIGNATURE` and `SECRET_HASH`, and as HTTP Basic credentials are sent.
#[must_use]
pub fn encode(bytes: &[u8]) -> String {
    encode_with(bytes, false)
}

/// Base64url without padding (RFC 4648 §5; RFC 7515 §2 and RFC 7636 §3 `BASE64URL`): PKCE
/// verifiers and challenges, and OAuth `nonce`s.
#[must_use]
pub fn encode_url_no_pad(bytes: &[u8]) -> String {
    encode_with(bytes, true)
}

/// Decodes `SECRET_BLOCK` (and other base64 from Cognito's SRP challenge) as leniently as the
/// reference clients read it.
///
/// Amplify v6 and amazon-cognito-identity-js hand it to Node's / the `buffer` package's
/// `Buffer.from(s, "base64")`, which takes both alphabets, mixed, with or without padding, and
/// ignores the unused low bits of the last character. So this accepts:
/// - characters of the standard (`+/`) and the URL-safe (`-_`) alphabet, mixed;
/// - no padding, or `=` padding after a final group of 2 or 3 characters, up to 4 in all
///   (`YQ`, `YQ=`, `YQ==`, `YWI`, `YWI=`);
/// - any value of the unused low bits of the last character (`YR` reads as `YQ`).
///
/// Unlike `Buffer`, which skips what it does not understand, it rejects anything else:
/// whitespace, other characters, `=` before the end or more of it than the final group has
/// room for, and a length of 1 mod 4 without the padding. A garbled challenge is then an
/// error ([`crate::SrpError::InvalidBase64`]) rather than a signature Cognito refuses.
///
/// # Errors
/// [`DecodeError`] with the offset of the first offending character.
pub fn decode_lenient(s: &str) -> Result<Vec<u8>, DecodeError> {
    decode_with(s, false)
}

/// Decodes base64url without padding, strictly: what RFC 7515 §2 `BASE64URL` (a JWT segment)
/// is, and exactly what the `base64` crate's `URL_SAFE_NO_PAD` engine accepted before.
///
/// Only the URL-safe alphabet (`A-Z a-z 0-9 - _`); no `=` anywhere (a caller that tolerates
/// padding trims it first); a length of 1 mod 4 is an error; the unused low bits of the last
/// character must be zero, so every byte string has exactly one accepted encoding.
///
/// # Errors
/// [`DecodeError`] with the offset of the first offending character.
pub fn decode_url_no_pad(s: &str) -> Result<Vec<u8>, DecodeError> {
    decode_with(s, true)
}

fn encode_with(bytes: &[u8], url: bool) -> String {
    // The mirror of `decode_with`: bytes in at the bottom of `acc`, six bits out at a time.
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = acc << 8 | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(symbol(acc >> bits, url));
        }
    }
    if bits > 0 {
        // 2 or 4 bits left: the last character, its low bits zero.
        out.push(symbol(acc << (6 - bits), url));
    }
    while !url && out.len() % 4 != 0 {
        out.push(b'=');
    }
    // Every byte pushed is ASCII, so this is never the empty fallback.
    String::from_utf8(out).unwrap_or_default()
}

/// The character for the low 6 bits of `v`.
fn symbol(v: u32, url: bool) -> u8 {
    // `& 63` makes every arm's arithmetic stay within `u8`.
    let v = (v & 63) as u8;
    match v {
        0..=25 => b'A' + v,
        26..=51 => b'a' + (v - 26),
        52..=61 => b'0' + (v - 52),
        62 if url => b'-',
        62 => b'+',
        _ if url => b'_',
        _ => b'/',
    }
}

/// The value of a base64 character: `A-Z a-z 0-9 - _`, and `also_62` / `also_63` as 62 / 63
/// (`+` and `/` for the lenient decoder, `-` and `_` again for the strict one).
fn value(c: u8, also_62: u8, also_63: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ if c == also_62 => 62,
        _ if c == also_63 => 63,
        _ => return None,
    })
}

/// One loop for both decoders: `strict` is [`decode_url_no_pad`], otherwise [`decode_lenient`].
fn decode_with(s: &str, strict: bool) -> Result<Vec<u8>, DecodeError> {
    // Lenient: trailing `=` is padding, checked below; strict: `=` is an invalid character.
    let body = if strict { s } else { s.trim_end_matches('=') };
    let (body, pad) = (body.as_bytes(), s.len() - body.len());
    // The mode as data rather than a branch in the loop, so the optimiser (this crate is built
    // at opt-level 3) does not make a copy of the loop per mode.
    let (also_62, also_63) = if strict { (b'-', b'_') } else { (b'+', b'/') };
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (offset, &c) in body.iter().enumerate() {
        let v = value(c, also_62, also_63).ok_or(DecodeError { offset })?;
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    // A final group of r characters leaves 6r mod 8 bits over; r = 1 cannot hold a byte, and
    // padding may only fill a group of 2 or 3 up to 4: `pad <= (4 - r) mod 4`.
    let r = body.len() % 4;
    if r == 1 || pad > (4 - r) % 4 {
        return Err(DecodeError { offset: body.len() });
    }
    if strict && acc & !(u32::MAX << bits) != 0 {
        return Err(DecodeError {
            offset: body.len().saturating_sub(1),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_offsets_name_the_first_bad_character() {
        let at = |r: Result<Vec<u8>, DecodeError>| r.map_err(|e| e.offset());
        assert_eq!(at(decode_lenient("YWJj ZA")), Err(4), "space");
        assert_eq!(at(decode_lenient("YQ=a")), Err(2), "inner =");
        assert_eq!(at(decode_lenient("YWJjZ")), Err(5), "1 mod 4");
        assert_eq!(
            at(decode_lenient("YWJj=")),
            Err(4),
            "padding after a full group"
        );
        assert_eq!(at(decode_lenient("YQ===")), Err(2), "three =");
        assert_eq!(at(decode_url_no_pad("YQ==")), Err(2), "= in strict mode");
        assert_eq!(at(decode_url_no_pad("YR")), Err(1), "trailing bits");
        assert_eq!(at(decode_url_no_pad("+w")), Err(0), "standard alphabet");
        assert_eq!(at(decode_url_no_pad("é")), Err(0), "non-ASCII");
    }

    #[test]
    fn error_message_has_no_input() {
        let e = decode_url_no_pad("c2VjcmV0*").map(|_| ());
        assert_eq!(
            e.map_err(|e| e.to_string()),
            Err("invalid base64 at offset 8".to_owned())
        );
    }

    #[test]
    fn lenient_takes_either_alphabet_and_ignores_trailing_bits() {
        for s in ["+/+/", "-_-_", "+_-/"] {
            assert_eq!(decode_lenient(s), Ok(vec![0xfb, 0xff, 0xbf]), "{s}");
        }
        assert_eq!(decode_lenient("YR"), Ok(b"a".to_vec()));
        assert_eq!(decode_lenient("YWJ="), Ok(b"ab".to_vec()));
    }
}
