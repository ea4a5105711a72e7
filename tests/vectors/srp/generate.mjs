// SRP test vectors from the reference client, amazon-cognito-identity-js (version pinned in
// tests/package-lock.json).
//
//   cd tests && npm ci
//   node vectors/srp/generate.mjs          # (re)writes amazon-cognito-identity-js.json
//   node vectors/srp/generate.mjs --check  # exits 1 if the committed JSON differs
//
// Every case runs the library's own sign-in code path, CognitoUser.authenticateUser
// (USER_SRP_AUTH), against a scripted in-memory client, with three things pinned so the output
// is reproducible:
//   - the ephemeral secret `a`: AuthenticationHelper.prototype.generateRandomSmallA is replaced
//     by one that returns our seeded value (the constructor then computes A itself);
//   - the clock: DateHelper.getNowString() reads `new Date()`, so the global Date is swapped for
//     a subclass whose no-argument constructor returns the case's instant;
//   - the server's answer (SALT, SRP_B, SECRET_BLOCK): our scripted InitiateAuth reply.
// A and the signature are read from the requests the library sends; u, x, S and the HKDF key
// are captured from the library's own AuthenticationHelper methods (see `instrument`).
//
// The one thing the library does not compute is the server side: the verifier v and
// B = (k·v + g^b) mod N. Those are computed here with the library's own BigInteger and the
// helper's own hash/hexHash/padHex/k/g/N, so every B is a valid server value.

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const cognito = require('amazon-cognito-identity-js');
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
const libVersion = require('amazon-cognito-identity-js/package.json').version;
const { AuthenticationHelper, CognitoUser, CognitoUserPool, AuthenticationDetails, DateHelper } =
  cognito;

const OUT = fileURLToPath(new URL('./amazon-cognito-identity-js.json', import.meta.url));
const CASES = 208;
const SEED = 0x5a17c0de;

// ---- deterministic PRNG (mulberry32) ----------------------------------------------------------
function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive
const pick = (xs) => xs[int(0, xs.length - 1)];
const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
const str = (alphabet, lo, hi) =>
  Array.from({ length: int(lo, hi) }, () => pick(alphabet)).join('');

const ALNUM = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
const ASCII = [...' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'].concat(ALNUM);
// Multi-byte UTF-8: 2-byte (é ß ж), 3-byte (日 本 € ✓), 4-byte (😀 𝄞), and a combining mark.
const UNICODE = ['é', 'ß', 'ж', 'Ω', 'ñ', '日', '本', '€', '✓', '😀', '𝄞', 'e\u0301', 'ü'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1'];

function userName(i) {
  switch (i % 5) {
    case 0:
      return str(ALNUM, 1, 20);
    case 1:
      return `${str(ALNUM, 1, 10)}@${str(ALNUM, 1, 8)}.example`;
    case 2: {
      // A UUID, as USER_ID_FOR_SRP is in email-as-username pools.
      const h = bytes(16).toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    default:
      return str(ALNUM.concat(UNICODE, UNICODE), 1, 16);
  }
}

// SALT as the server sends it, with variations the client must read as the same integer.
function saltHex(i) {
  const n = i % 9 === 0 ? int(1, 4) : 16;
  const b = bytes(n);
  if (i % 3 === 0) b[0] |= 0x80; // high bit set: PAD prepends 00
  if (i % 3 === 1) b[0] &= 0x7f;
  let h = b.toString('hex');
  if (i % 11 === 0) h = `00${h}`; // leading zero byte
  if (i % 13 === 0) h = h.slice(1) || '1'; // odd length
  if (i % 17 === 0) h = h.toUpperCase();
  return h;
}

function secretBlock(i) {
  const b = bytes(i % 10 === 0 ? int(1000, 1200) : int(0, 200));
  const std = b.toString('base64');
  // Node's Buffer.from(s, 'base64') also reads URL-safe and unpadded input.
  if (i % 7 === 3) return b.toString('base64url');
  if (i % 7 === 5) return std.replace(/=+$/, '');
  return std;
}

function unixSeconds(i) {
  // Mostly 1990..2100; every third case forced onto day 1..9 of its month.
  const t = int(631152000, 4102444799);
  if (i % 3 !== 0) return t;
  const d = new Date(t * 1000);
  d.setUTCDate(int(1, 9));
  return Math.floor(d.getTime() / 1000);
}

// ---- pinning the library's randomness and clock -----------------------------------------------
const RealDate = globalThis.Date;
function withClock(unixSecs, fn) {
  class FixedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(unixSecs * 1000);
      else super(...args);
    }
    static now() {
      return unixSecs * 1000;
    }
  }
  globalThis.Date = FixedDate;
  try {
    return fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

let pinnedSmallA = null;
let captured = {};
function instrument() {
  const proto = AuthenticationHelper.prototype;
  proto.generateRandomSmallA = function generateRandomSmallA() {
    if (pinnedSmallA === null) throw new Error('small a not pinned');
    return pinnedSmallA;
  };
  // x and S are not exposed; calculateS receives x as an argument and returns S to its callback.
  const calculateS = proto.calculateS;
  proto.calculateS = function (xValue, serverBValue, callback) {
    captured.x = xValue.toString(16);
    return calculateS.call(this, xValue, serverBValue, (err, sValue) => {
      if (!err) captured.s = sValue.toString(16);
      callback(err, sValue);
    });
  };
  // u is left on the helper as UValue; the HKDF key is the callback's result.
  const getKey = proto.getPasswordAuthenticationKey;
  proto.getPasswordAuthenticationKey = function (username, password, b, salt, callback) {
    return getKey.call(this, username, password, b, salt, (err, hkdf) => {
      if (!err) {
        captured.u = this.UValue.toString(16);
        captured.hkdf = Buffer.from(hkdf).toString('hex');
      }
      callback(err, hkdf);
    });
  };
}

function memoryStorage() {
  const m = new Map();
  return {
    setItem: (k, v) => m.set(k, String(v)),
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    removeItem: (k) => m.delete(k),
    clear: () => m.clear(),
  };
}

// Runs CognitoUser.authenticateUser up to the PASSWORD_VERIFIER response and returns what it sent.
function signIn({ poolId, userIdForSrp, password, aHex, saltHex, bPubHex, secretBlock, unixSecs }) {
  pinnedSmallA = new BigInteger(aHex, 16);
  captured = {};
  const sent = {};
  const storage = memoryStorage();
  const pool = new CognitoUserPool({
    UserPoolId: poolId,
    ClientId: 'vectorsclient',
    Storage: storage,
    AdvancedSecurityDataCollectionFlag: false,
  });
  pool.client = {
    request(op, params, cb) {
      if (op === 'InitiateAuth') {
        sent.srpA = params.AuthParameters.SRP_A;
        return cb(null, {
          ChallengeName: 'PASSWORD_VERIFIER',
          Session: 'session',
          ChallengeParameters: {
            USER_ID_FOR_SRP: userIdForSrp,
            SALT: saltHex,
            SRP_B: bPubHex,
            SECRET_BLOCK: secretBlock,
          },
        });
      }
      if (op === 'RespondToAuthChallenge') {
        sent.responses = params.ChallengeResponses;
        return cb({ code: 'VectorsDone', message: 'stop here' }, null);
      }
      throw new Error(`unexpected ${op}`);
    },
  };
  const user = new CognitoUser({ Username: 'typed-name', Pool: pool, Storage: storage });
  let failure = null;
  withClock(unixSecs, () =>
    user.authenticateUser(new AuthenticationDetails({ Username: 'typed-name', Password: password }), {
      onSuccess: () => {
        failure = new Error('unexpected success');
      },
      onFailure: (err) => {
        if (err.code !== 'VectorsDone') failure = err;
      },
    }),
  );
  pinnedSmallA = null;
  if (failure) throw failure;
  if (!sent.responses) throw new Error('the flow did not reach RespondToAuthChallenge (async?)');
  if (sent.responses.USERNAME !== userIdForSrp) throw new Error('USERNAME is not USER_ID_FOR_SRP');
  return { sent, captured: { ...captured } };
}

// ---- the server side, with the library's own primitives ---------------------------------------
function serverPublic(helper, { poolName, userIdForSrp, password, saltHex, bHex }) {
  const salt = new BigInteger(saltHex, 16);
  const inner = helper.hash(`${poolName}${userIdForSrp}:${password}`);
  const x = new BigInteger(helper.hexHash(helper.padHex(salt) + inner), 16);
  let v;
  helper.g.modPow(x, helper.N, (err, r) => {
    if (err) throw err;
    v = r;
  });
  let gb;
  helper.g.modPow(new BigInteger(bHex, 16), helper.N, (err, r) => {
    if (err) throw err;
    gb = r;
  });
  const bPub = helper.k.multiply(v).add(gb).mod(helper.N);
  return { v: v.toString(16), bPub };
}

function generate() {
  instrument();
  pinnedSmallA = new BigInteger('1', 16);
  const helper = new AuthenticationHelper('unused');
  pinnedSmallA = null;

  const cases = [];
  for (let i = 0; i < CASES; i++) {
    const poolName = str(ALNUM, 1, 16);
    const poolId = `${pick(REGIONS)}_${poolName}`;
    const userIdForSrp = userName(i);
    const password =
      i % 4 === 3 ? str(ASCII.concat(UNICODE), 1, 32) : str(ASCII, 6, 40);
    // 128 bytes is what the library draws; shorter (>= 32, RFC 5054's floor) keeps the Rust
    // debug-build test fast and exercises other lengths.
    const aBytes = bytes(i % 4 === 0 ? 128 : int(32, 64));
    if (i % 16 === 8) aBytes[0] = 0; // leading zero byte
    const aHex = aBytes.toString('hex');
    const salt = saltHex(i);
    const bHex = bytes(i % 5 === 0 ? 128 : 32).toString('hex');
    const server = serverPublic(helper, { poolName, userIdForSrp, password, saltHex: salt, bHex });
    // A few cases send B + N: a server never does, but it pins that u hashes B as sent.
    const bReduced = i % 26 !== 25;
    const bPubHex = (bReduced ? server.bPub : server.bPub.add(helper.N)).toString(16);
    const block = secretBlock(i);
    const unixSecs = unixSeconds(i);
    const timestamp = withClock(unixSecs, () => new DateHelper().getNowString());

    const { sent, captured: c } = signIn({
      poolId,
      userIdForSrp,
      password,
      aHex,
      saltHex: salt,
      bPubHex,
      secretBlock: block,
      unixSecs,
    });
    if (sent.responses.TIMESTAMP !== timestamp) throw new Error(`case ${i}: timestamp mismatch`);
    cases.push({
      pool_id: poolId,
      pool_name: poolName,
      user_id_for_srp: userIdForSrp,
      password,
      a_hex: aHex,
      salt_hex: salt,
      b_hex: bHex,
      verifier_hex: server.v,
      b_pub_hex: bPubHex,
      b_pub_reduced: bReduced,
      secret_block_b64: block,
      unix_seconds: unixSecs,
      timestamp,
      a_pub_hex: sent.srpA,
      u_hex: c.u,
      x_hex: c.x,
      s_hex: c.s,
      hkdf_key_hex: c.hkdf,
      signature_b64: sent.responses.PASSWORD_CLAIM_SIGNATURE,
    });
  }

  // TIMESTAMP formatting on its own, over a wider range (DateHelper, pinned clock).
  const instants = [0, -1, 1, 86399, 86400, 951782400, 951868800, 1709629447, 1779440707];
  instants.push(-62135596800, 253402300799, -8640000000000, 8640000000000, -2208988800);
  for (let i = 0; i < 100; i++) {
    instants.push(i % 4 === 0 ? int(-62135596800, 253402300799) : int(0, 4102444799));
  }
  const timestamps = instants.map((t) => ({
    unix_seconds: t,
    timestamp: withClock(t, () => new DateHelper().getNowString()),
  }));

  return {
    generator: 'tests/vectors/srp/generate.mjs',
    source: `amazon-cognito-identity-js@${libVersion}`,
    seed: SEED,
    note:
      'Hex values are lowercase without leading zeros (BigInteger.toString(16)) except a_hex, ' +
      'b_hex (the exact ephemeral bytes) and hkdf_key_hex (16 bytes). b_hex and verifier_hex ' +
      'are the server side, computed with the library BigInteger and helper hash functions. ' +
      'b_pub_reduced=false: SRP_B was sent as B+N.',
    n_hex: helper.N.toString(16),
    g_hex: helper.g.toString(16),
    k_hex: helper.k.toString(16),
    cases,
    timestamps,
  };
}

const json = `${JSON.stringify(generate(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(OUT, 'utf8');
  } catch (err) {
    console.error(`cannot read ${OUT}: ${err.message}`);
    process.exit(1);
  }
  if (committed !== json) {
    console.error(`${OUT} differs from what generate.mjs produces; rerun without --check`);
    process.exit(1);
  }
  console.log(`ok: ${OUT} is up to date`);
} else {
  writeFileSync(OUT, json);
  console.log(`wrote ${OUT}`);
}
