// amazon-cognito-identity-js 6.3.21: its AuthenticationHelper (jsbn BigInteger) and the
// signature exactly as CognitoUser.authenticateUserDefaultAuth computes it.
import { AuthenticationHelper } from 'amazon-cognito-identity-js';
import BigInteger from 'amazon-cognito-identity-js/es/BigInteger';
import { Sha256 } from '@aws-crypto/sha256-js';
import { Buffer } from 'buffer';

export const name = 'amazon-cognito-identity-js 6.3.21';
export const steps = true;
let proto;

export async function init(fx) {
  // One real construction (it draws its own 128-byte a and computes A) to take N, g, k and the
  // HKDF info from; every run then sets smallAValue itself, as the library's own tests do.
  proto = new AuthenticationHelper(fx.poolName);
}

export async function computeA(aHex) {
  const h = Object.create(AuthenticationHelper.prototype);
  h.N = proto.N;
  h.g = proto.g;
  h.k = new BigInteger(h.hexHash('' + h.padHex(h.N) + h.padHex(h.g)), 16);
  h.infoBits = proto.infoBits;
  h.poolName = proto.poolName;
  h.smallAValue = new BigInteger(aHex, 16);
  let A;
  h.getLargeAValue((err, v) => {
    if (err) throw err;
    A = v;
  });
  return { h, srpA: A.toString(16) };
}

export async function passwordKey(st, fx) {
  let key;
  st.h.getPasswordAuthenticationKey(
    fx.userIdForSrp, fx.password, new BigInteger(fx.srpB, 16), new BigInteger(fx.salt, 16),
    (err, hkdf) => {
      if (err) throw err;
      key = hkdf;
    });
  return key;
}

export function signature(key, fx) {
  const concatBuffer = Buffer.concat([
    Buffer.from(fx.poolName, 'utf8'), Buffer.from(fx.userIdForSrp, 'utf8'),
    Buffer.from(fx.secretBlock, 'base64'), Buffer.from(fx.timestamp, 'utf8')]);
  const h = new Sha256(key);
  h.update(concatBuffer);
  return Buffer.from(h.digestSync()).toString('base64');
}
