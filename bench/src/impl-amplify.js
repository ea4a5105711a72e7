// @aws-amplify/auth 6.21.1 (aws-amplify 6.22.1): the SRP helpers its signIn uses
// (getAuthenticationHelper's steps, AuthenticationHelper.getPasswordAuthenticationKey,
// getSignatureString), imported from the package's own files.
import AuthenticationHelper from '../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/AuthenticationHelper/AuthenticationHelper.mjs';
import BigInteger from '../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/BigInteger/BigInteger.mjs';
import { calculateA } from '../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/calculate/calculateA.mjs';
import { INIT_N } from '../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/constants.mjs';
import { getSignatureString } from '../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/getSignatureString.mjs';

export const name = '@aws-amplify/auth 6.21.1';
export const steps = true;

export async function init() {}

// getAuthenticationHelper(userPoolName), with `a` given instead of drawn.
export async function computeA(aHex, fx) {
  const N = new BigInteger(INIT_N, 16);
  const g = new BigInteger('2', 16);
  const a = new BigInteger(aHex, 16);
  const A = await calculateA({ a, g, N });
  const h = new AuthenticationHelper({ userPoolName: fx.poolName, a, g, A, N });
  return { h, srpA: A.toString(16) };
}

export async function passwordKey(st, fx) {
  return st.h.getPasswordAuthenticationKey({
    username: fx.userIdForSrp,
    password: fx.password,
    serverBValue: new BigInteger(fx.srpB, 16),
    salt: new BigInteger(fx.salt, 16),
  });
}

export function signature(hkdf, fx) {
  return getSignatureString({
    userPoolName: fx.poolName,
    username: fx.userIdForSrp,
    challengeParameters: { SECRET_BLOCK: fx.secretBlock },
    dateNow: fx.timestamp,
    hkdf,
  });
}
