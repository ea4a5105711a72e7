//! The group, PAD, the hashes and the SRP formulas shared by the client and the server side.

use std::sync::OnceLock;

use crate::big::{Big, Modulus, PowInProgress};
use crate::SrpError;

/// The RFC 5054 Appendix A 3072-bit prime, as amazon-cognito-identity-js spells it.
pub(crate) const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1",
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245",
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D",
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D",
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9",
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64",
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B",
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31",
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// HKDF `info` Cognito uses when deriving the password claim key.
const HKDF_INFO: &[u8] = b"Caldera Derived Key";

/// A prime-order group with its multiplier: `N`, `g`, `k`.
pub(crate) struct Group {
    pub(crate) n: Modulus,
    pub(crate) g: Big,
    pub(crate) k: Big,
}

impl Group {
    /// Cognito's group: RFC 5054's 3072-bit `N` with `g = 2` and `k = H(PAD(N) | PAD(g))`,
    /// built once.
    pub(crate) fn cognito() -> &'static Self {
        static COGNITO: OnceLock<Group> = OnceLock::new();
        COGNITO.get_or_init(|| Self::cognito_on(Modulus::new))
    }

    /// Cognito's group on `num-bigint` only: the reference the kernel is measured and tested
    /// against.
    #[cfg(any(test, feature = "hazmat"))]
    pub(crate) fn cognito_reference() -> &'static Self {
        static REFERENCE: OnceLock<Group> = OnceLock::new();
        REFERENCE.get_or_init(|| Self::cognito_on(Modulus::reference))
    }

    fn cognito_on(modulus: fn(Big) -> Modulus) -> Self {
        // N_HEX is a constant of valid hex digits; the fallback (zero) is unreachable and
        // would make every operation fail with `IllegalGroup` rather than panic.
        let n = Big::from_hex(N_HEX).unwrap_or_else(|| Big::from_u32(0));
        let g = Big::from_u32(2);
        let k = hash_to_big(&[&pad(&n), &pad(&g)]);
        Self {
            n: modulus(n),
            g,
            k,
        }
    }

    /// `g^e mod N` (for `g = 2`, squarings and doublings only).
    pub(crate) fn pow_g(&self, e: &Big) -> Result<Big, SrpError> {
        if self.g == Big::from_u32(2) {
            self.n.pow2(e)
        } else {
            self.n.pow(&self.g, e)
        }
        .ok_or(SrpError::IllegalGroup)
    }

    /// `x mod N`.
    pub(crate) fn reduce(&self, x: &Big) -> Result<Big, SrpError> {
        x.modulo(self.n.value()).ok_or(SrpError::IllegalGroup)
    }

    /// `A = g^a mod N`, rejecting `A mod N == 0`.
    pub(crate) fn client_public(&self, a: &Big) -> Result<Big, SrpError> {
        let a_pub = self.pow_g(a)?;
        if a_pub.is_zero() {
            return Err(SrpError::IllegalClientPublic);
        }
        Ok(a_pub)
    }

    /// Rejects a client public value with `A mod N == 0` (RFC 5054 §2.5.4: the server must
    /// abort, or `S` no longer depends on the password).
    pub(crate) fn check_client_public(&self, a_pub: &Big) -> Result<(), SrpError> {
        if self.reduce(a_pub)?.is_zero() {
            return Err(SrpError::IllegalClientPublic);
        }
        Ok(())
    }

    /// `B = (k·v + g^b) mod N`, rejecting `B mod N == 0`.
    pub(crate) fn server_public(&self, v: &Big, b: &Big) -> Result<Big, SrpError> {
        let kv = self.n.mul(&self.k, v).ok_or(SrpError::IllegalGroup)?;
        let b_pub = self
            .n
            .add(&kv, &self.pow_g(b)?)
            .ok_or(SrpError::IllegalGroup)?;
        if b_pub.is_zero() {
            return Err(SrpError::IllegalServerPublic);
        }
        Ok(b_pub)
    }

    /// `S = (B − k·g^x)^(a + u·x) mod N`, the base reduced to `[0, N)` first (the client
    /// path runs its two halves as separate calls, [`crate::ClaimInProgress`]).
    #[cfg(any(test, feature = "hazmat"))]
    pub(crate) fn client_premaster(
        &self,
        b_pub: &Big,
        x: &Big,
        a: &Big,
        u: &Big,
    ) -> Result<Big, SrpError> {
        let base = self.client_premaster_base(b_pub, x)?;
        self.client_premaster_pow(&base, x, a, u)
    }

    /// `(B − k·g^x) mod N`, in `[0, N)`: the first half of [`Group::client_premaster`], one
    /// exponentiation (`g^x`).
    pub(crate) fn client_premaster_base(&self, b_pub: &Big, x: &Big) -> Result<Big, SrpError> {
        let kgx = self.n.mul(&self.k, &self.pow_g(x)?);
        kgx.and_then(|kgx| self.n.sub(b_pub, &kgx))
            .ok_or(SrpError::IllegalGroup)
    }

    /// `S = base^(a + u·x) mod N`: the second half of [`Group::client_premaster`], one
    /// exponentiation.
    #[cfg(any(test, feature = "hazmat"))]
    pub(crate) fn client_premaster_pow(
        &self,
        base: &Big,
        x: &Big,
        a: &Big,
        u: &Big,
    ) -> Result<Big, SrpError> {
        let p = self.client_premaster_begin(base, x, a, u)?;
        self.client_premaster_finish(p)
    }

    /// The first half of `S = base^(a + u·x) mod N` ([`Modulus::pow_begin`]).
    pub(crate) fn client_premaster_begin(
        &self,
        base: &Big,
        x: &Big,
        a: &Big,
        u: &Big,
    ) -> Result<PowInProgress, SrpError> {
        let exp = a.add(&u.mul(x));
        self.n.pow_begin(base, &exp).ok_or(SrpError::IllegalGroup)
    }

    /// The rest of `S` ([`Modulus::pow_finish`]).
    pub(crate) fn client_premaster_finish(&self, p: PowInProgress) -> Result<Big, SrpError> {
        self.n.pow_finish(p).ok_or(SrpError::IllegalGroup)
    }

    /// `S = (A·v^u)^b mod N`.
    pub(crate) fn server_premaster(
        &self,
        a_pub: &Big,
        v: &Big,
        u: &Big,
        b: &Big,
    ) -> Result<Big, SrpError> {
        let vu = self.n.pow(v, u).ok_or(SrpError::IllegalGroup)?;
        let base = self.n.mul(a_pub, &vu).ok_or(SrpError::IllegalGroup)?;
        self.n.pow(&base, b).ok_or(SrpError::IllegalGroup)
    }
}

/// An ephemeral secret (`a` or `b`) read as a big-endian integer, rejecting fewer than
/// [`MIN_EPHEMERAL_BYTES`](crate::MIN_EPHEMERAL_BYTES) bytes (RFC 5054 §3.1: at least 256 bits)
/// and the values 0 and 1: `g^0 = 1` and `g^1 = g` are public, so such a value gives away the
/// session key.
pub(crate) fn ephemeral_secret(bytes: &[u8]) -> Result<Big, SrpError> {
    if bytes.len() < crate::MIN_EPHEMERAL_BYTES {
        return Err(SrpError::EphemeralTooShort(bytes.len()));
    }
    let e = Big::from_be_bytes(bytes);
    if e.is_zero() || e == Big::from_u32(1) {
        return Err(SrpError::WeakEphemeral);
    }
    Ok(e)
}

/// PAD(x) as bytes: the bytes of Cognito's `padHex` — minimal big-endian bytes of `x`, with a
/// `0x00` in front when the top bit is set (so the value reads as positive two's complement).
/// Variable width, unlike RFC 5054's PAD to the length of `N`.
pub(crate) fn pad(x: &Big) -> Vec<u8> {
    let bytes = x.to_be_bytes();
    match bytes.first() {
        Some(&b) if b >= 0x80 => {
            let mut out = Vec::with_capacity(bytes.len() + 1);
            out.push(0);
            out.extend_from_slice(&bytes);
            out
        }
        _ => bytes,
    }
}

/// `H(parts[0] | parts[1] | …)` with SHA-256.
pub(crate) fn hash(parts: &[&[u8]]) -> [u8; 32] {
    crate::hashes::sha256(parts)
}

/// `H(…)` read as a big-endian integer.
pub(crate) fn hash_to_big(parts: &[&[u8]]) -> Big {
    Big::from_be_bytes(&hash(parts))
}

/// `u = H(PAD(A) | PAD(B))`, rejecting `u == 0`.
pub(crate) fn scrambler(a_pub: &Big, b_pub: &Big) -> Result<Big, SrpError> {
    let u = hash_to_big(&[&pad(a_pub), &pad(b_pub)]);
    if u.is_zero() {
        return Err(SrpError::ZeroScrambler);
    }
    Ok(u)
}

/// `x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password))`, strings as UTF-8.
pub(crate) fn private_key(
    pool_name: &str,
    user_id_for_srp: &str,
    password: &str,
    salt: &Big,
) -> Big {
    let inner = hash(&[
        pool_name.as_bytes(),
        user_id_for_srp.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    hash_to_big(&[&pad(salt), &inner])
}

/// `K = HKDF-SHA256(salt = PAD(u), IKM = PAD(S), info = "Caldera Derived Key", L = 16)`.
pub(crate) fn derive_key(u: &Big, s: &Big) -> [u8; 16] {
    crate::hashes::hkdf_sha256_16(&pad(u), &pad(s), HKDF_INFO)
}

/// `HMAC-SHA256(K, poolName | userIdForSrp | secretBlock | timestamp)`.
pub(crate) fn claim_mac(
    key: &[u8; 16],
    pool_name: &str,
    user_id_for_srp: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    crate::hashes::hmac_sha256(
        key,
        &[
            pool_name.as_bytes(),
            user_id_for_srp.as_bytes(),
            secret_block,
            timestamp.as_bytes(),
        ],
    )
}

/// Parses a hex integer input, naming it in the error.
pub(crate) fn parse_hex(s: &str, what: &'static str) -> Result<Big, SrpError> {
    Big::from_hex(s).ok_or(SrpError::InvalidHex(what))
}

/// Decodes a base64 input of the SRP exchange (`SECRET_BLOCK`, a signature) by
/// [`crate::base64::decode_lenient`]'s rules (those of Amplify v6 and Node's `Buffer`), naming
/// the input in the error.
pub(crate) fn decode_base64(s: &str, what: &'static str) -> Result<Vec<u8>, SrpError> {
    crate::base64::decode_lenient(s).map_err(|_| SrpError::InvalidBase64(what))
}

/// Standard, padded base64 (what Cognito and amazon-cognito-identity-js send).
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    crate::base64::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_matches_cognito() {
        assert_eq!(
            Group::cognito().k.to_hex(),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }

    #[test]
    fn pad_prepends_zero_only_for_high_bit() {
        assert_eq!(pad(&Big::from_u32(0)), vec![0]);
        assert_eq!(pad(&Big::from_u32(0x14)), vec![0x14]);
        assert_eq!(pad(&Big::from_u32(0xec)), vec![0, 0xec]);
        assert_eq!(pad(&Big::from_u32(0x0abc)), vec![0x0a, 0xbc]);
        assert_eq!(pad(&Big::from_u32(0x8000)), vec![0, 0x80, 0]);
    }

    #[test]
    fn base64_variants() {
        let want = vec![0xfb, 0xff, 0xbf];
        for s in ["+/+/", "-_-_", "+_-/"] {
            assert_eq!(decode_base64(s, "t"), Ok(want.clone()), "{s}");
        }
        assert_eq!(decode_base64("YQ", "t"), Ok(b"a".to_vec()));
        assert_eq!(decode_base64("YQ==", "t"), Ok(b"a".to_vec()));
        for bad in ["Y", "Y Q", "YQ=x", "*a==", "YQ==="] {
            assert_eq!(
                decode_base64(bad, "t"),
                Err(SrpError::InvalidBase64("t")),
                "{bad}"
            );
        }
    }
}
