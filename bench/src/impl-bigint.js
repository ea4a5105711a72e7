// A plain JavaScript reference: V8's BigInt with a fixed 4-bit-window modular exponentiation
// (left to right, one table of 16 powers, reduction by BigInt `%`), and a small synchronous
// SHA-256 / HMAC / HKDF. Written for this benchmark; not constant-time.
export const name = 'JS BigInt reference';
export const steps = true;

const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
const N = BigInt('0x' + N_HEX);
const g = 2n;

function modPow(base, e, m) {
  base %= m;
  const table = [1n, base];
  for (let i = 2; i < 16; i++) table.push((table[i - 1] * base) % m);
  const digits = e.toString(16);
  let r = 1n;
  for (let i = 0; i < digits.length; i++) {
    if (i > 0) r = (r * r) % m, r = (r * r) % m, r = (r * r) % m, r = (r * r) % m;
    const d = parseInt(digits[i], 16);
    if (d) r = (r * table[d]) % m;
  }
  return r;
}

// SHA-256 (FIPS 180-4) over a Uint8Array.
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
function sha256(msg) {
  const len = msg.length;
  const padded = new Uint8Array(((len + 9 + 63) >> 6) << 6);
  padded.set(msg);
  padded[len] = 0x80;
  const dv = new DataView(padded.buffer);
  dv.setUint32(padded.length - 8, Math.floor(len / 0x20000000));
  dv.setUint32(padded.length - 4, (len << 3) >>> 0);
  const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
    0x1f83d9ab, 0x5be0cd19]);
  const W = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let t = 0; t < 16; t++) W[t] = dv.getUint32(off + 4 * t);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(W[t - 15], 7) ^ rotr(W[t - 15], 18) ^ (W[t - 15] >>> 3);
      const s1 = rotr(W[t - 2], 17) ^ rotr(W[t - 2], 19) ^ (W[t - 2] >>> 10);
      W[t] = W[t - 16] + s0 + W[t - 7] + s1;
    }
    let [a, b, c, d, e, f, g_, h] = H;
    for (let t = 0; t < 64; t++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g_)) + K[t] + W[t]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      h = g_; g_ = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g_; H[7] += h;
  }
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) ov.setUint32(4 * i, H[i]);
  return out;
}
function hmac(key, msg) {
  if (key.length > 64) key = sha256(key);
  const k = new Uint8Array(64);
  k.set(key);
  const inner = new Uint8Array(64 + msg.length);
  const outer = new Uint8Array(96);
  for (let i = 0; i < 64; i++) inner[i] = k[i] ^ 0x36, outer[i] = k[i] ^ 0x5c;
  inner.set(msg, 64);
  outer.set(sha256(inner), 64);
  return sha256(outer);
}
const utf8 = (s) => new TextEncoder().encode(s);
const cat = (...xs) => {
  const out = new Uint8Array(xs.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of xs) out.set(x, o), o += x.length;
  return out;
};
const hexToBytes = (h) => {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(2 * i, 2), 16);
  return out;
};
const bytesToHex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
// Cognito's PAD: even-length hex, with a 00 byte in front when the top bit is set.
function padHex(v) {
  let h = v.toString(16);
  if (h.length % 2) h = '0' + h;
  return /^[89a-f]/.test(h) ? '00' + h : h;
}
const hashHex = (hex) => bytesToHex(sha256(hexToBytes(hex)));
const k = BigInt('0x' + hashHex(padHex(N) + padHex(g)));
const INFO = cat(utf8('Caldera Derived Key'), new Uint8Array([1]));

export async function init() {}

export async function computeA(aHex) {
  const a = BigInt('0x' + aHex);
  const A = modPow(g, a, N);
  return { a, A, srpA: A.toString(16) };
}

export async function passwordKey(st, fx) {
  const B = BigInt('0x' + fx.srpB);
  if (B % N === 0n) throw new Error('B mod N is 0');
  const u = BigInt('0x' + hashHex(padHex(st.A) + padHex(B)));
  if (u === 0n) throw new Error('u is 0');
  const inner = bytesToHex(sha256(utf8(fx.poolName + fx.userIdForSrp + ':' + fx.password)));
  const x = BigInt('0x' + hashHex(padHex(BigInt('0x' + fx.salt)) + inner));
  const base = (((B - k * modPow(g, x, N)) % N) + N) % N;
  const S = modPow(base, st.a + u * x, N);
  const prk = hmac(hexToBytes(padHex(u)), hexToBytes(padHex(S)));
  return hmac(prk, INFO).slice(0, 16);
}

export function signature(key, fx) {
  const block = Uint8Array.from(atob(fx.secretBlock), (c) => c.charCodeAt(0));
  const mac = hmac(key, cat(utf8(fx.poolName), utf8(fx.userIdForSrp), block, utf8(fx.timestamp)));
  return btoa(String.fromCharCode(...mac));
}
