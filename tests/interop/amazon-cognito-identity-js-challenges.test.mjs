// amazon-cognito-identity-js (unmodified from npm) against cognito-local: the challenge flows —
// NEW_PASSWORD_REQUIRED for an AdminCreateUser user, TOTP set-up and SOFTWARE_TOKEN_MFA, and the
// forgot-password round trip; plus resend code, attribute verification, revoking sign-out, deleteUser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } from 'amazon-cognito-identity-js';
import { ENDPOINT, POOL_ID, CLIENT_ID, uniqueName, latestCode, claims, cognito, adminCreateUser, totp, nextTotp } from './common.mjs';

const pool = new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: CLIENT_ID, endpoint: `${ENDPOINT}/` });
const userOf = (username) => new CognitoUser({ Username: username, Pool: pool });
const newPassword = () => `Pw-${Math.random().toString(36).slice(2, 10)}A1!`;

/** authenticateUser, resolving with `{ kind, ... }` for whichever callback the library calls. */
const authenticate = (user, password) =>
  new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: password }), {
      onSuccess: (session) => resolve({ kind: 'success', session }),
      onFailure: reject,
      newPasswordRequired: (userAttributes, requiredAttributes) =>
        resolve({ kind: 'newPasswordRequired', userAttributes, requiredAttributes }),
      totpRequired: (challengeName, challengeParameters) => resolve({ kind: 'totpRequired', challengeName, challengeParameters }),
      mfaRequired: (challengeName) => resolve({ kind: 'mfaRequired', challengeName }),
      mfaSetup: (challengeName) => resolve({ kind: 'mfaSetup', challengeName }),
      selectMFAType: (challengeName) => resolve({ kind: 'selectMFAType', challengeName }),
      customChallenge: () => resolve({ kind: 'customChallenge' }),
    }),
  );

async function signedIn(user, password) {
  const r = await authenticate(user, password);
  assert.equal(r.kind, 'success', `expected tokens, got ${r.kind}`);
  return r.session;
}

async function newConfirmedUser(password) {
  const username = uniqueName('jsc');
  await new Promise((resolve, reject) =>
    pool.signUp(username, password, [new CognitoUserAttribute({ Name: 'email', Value: `${username}@example.com` })], null, (e, r) =>
      e ? reject(e) : resolve(r),
    ),
  );
  const code = await latestCode(username, 'SignUp');
  await new Promise((resolve, reject) =>
    userOf(username).confirmRegistration(code, true, (e, r) => (e ? reject(e) : resolve(r))),
  );
  return username;
}

const mfaCallbacks = (resolve, reject) => ({
  onSuccess: (session) => resolve(session),
  onFailure: reject,
});

test('AdminCreateUser user: newPasswordRequired → completeNewPasswordChallenge → tokens', async () => {
  const username = uniqueName('jsnew');
  const temporary = newPassword();
  const created = await adminCreateUser(username, temporary);
  assert.equal(created.UserStatus, 'FORCE_CHANGE_PASSWORD');

  const user = userOf(username);
  const challenge = await authenticate(user, temporary);
  assert.equal(challenge.kind, 'newPasswordRequired');
  // The library parses ChallengeParameters.userAttributes (JSON) and strips "userAttributes.".
  assert.equal(challenge.userAttributes.email, `${username}@example.com`);
  assert.ok(Array.isArray(challenge.requiredAttributes));
  // As the library's README says: immutable/verified flags must not be sent back.
  delete challenge.userAttributes.email_verified;
  delete challenge.userAttributes.email;

  const final = newPassword();
  const session = await new Promise((resolve, reject) =>
    user.completeNewPasswordChallenge(final, {}, { onSuccess: resolve, onFailure: reject }),
  );
  assert.ok(session.isValid());
  const id = claims(session.getIdToken().getJwtToken());
  assert.equal(id['cognito:username'], username);
  assert.equal(id.sub, created.Attributes.find((a) => a.Name === 'sub').Value);

  const after = await cognito('AdminGetUser', { UserPoolId: POOL_ID, Username: username });
  assert.equal(after.body.UserStatus, 'CONFIRMED');
  await assert.rejects(authenticate(userOf(username), temporary), { code: 'NotAuthorizedException' });
  await signedIn(userOf(username), final);
});

test('TOTP: associateSoftwareToken, verifySoftwareToken, setUserMfaPreference, then totpRequired → sendMFACode', async () => {
  const password = newPassword();
  const username = await newConfirmedUser(password);
  const user = userOf(username);
  await signedIn(user, password);

  const secret = await new Promise((resolve, reject) =>
    user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }),
  );
  assert.match(secret, /^[A-Z2-7]+=*$/, 'SecretCode is base32');
  // A wrong code does not verify the token (AWS: EnableSoftwareTokenMFAException).
  const setupCode = totp(secret);
  const wrong = String((Number(setupCode) + 1) % 1_000_000).padStart(6, '0');
  await assert.rejects(
    new Promise((resolve, reject) => user.verifySoftwareToken(wrong, 'node-test', { onSuccess: resolve, onFailure: reject })),
    { code: 'EnableSoftwareTokenMFAException', message: 'Code mismatch and fail enable Software Token MFA' },
  );
  const verified = await new Promise((resolve, reject) =>
    user.verifySoftwareToken(setupCode, 'node-test', { onSuccess: resolve, onFailure: reject }),
  );
  assert.equal(verified.Status, 'SUCCESS');
  const pref = await new Promise((resolve, reject) =>
    user.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, (e, r) => (e ? reject(e) : resolve(r))),
  );
  assert.equal(pref, 'SUCCESS');
  const got = await new Promise((resolve, reject) => user.getUserData((e, d) => (e ? reject(e) : resolve(d)), { bypassCache: true }));
  assert.equal(got.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
  assert.deepEqual(got.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);

  // Signing in again now stops at SOFTWARE_TOKEN_MFA.
  const user2 = userOf(username);
  const challenge = await authenticate(user2, password);
  assert.equal(challenge.kind, 'totpRequired');
  assert.equal(challenge.challengeName, 'SOFTWARE_TOKEN_MFA');
  await assert.rejects(
    new Promise((resolve, reject) => user2.sendMFACode(wrong, mfaCallbacks(resolve, reject), 'SOFTWARE_TOKEN_MFA')),
    { code: 'CodeMismatchException' },
  );
  // A fresh code (the next 30 s step if the set-up code's step has not passed: authenticator
  // apps never show a used code again, and AWS refuses a replayed one).
  const code = await nextTotp(secret, setupCode);
  const session = await new Promise((resolve, reject) => user2.sendMFACode(code, mfaCallbacks(resolve, reject), 'SOFTWARE_TOKEN_MFA'));
  assert.ok(session.isValid());
  const access = claims(session.getAccessToken().getJwtToken());
  assert.equal(access.username, username);
});

test('forgotPassword → code from the outbox → confirmPassword → sign in with the new password', async () => {
  const password = newPassword();
  const username = await newConfirmedUser(password);
  const user = userOf(username);
  const delivery = await new Promise((resolve, reject) =>
    user.forgotPassword({ onSuccess: () => {}, onFailure: reject, inputVerificationCode: resolve }),
  );
  assert.equal(delivery.CodeDeliveryDetails.DeliveryMedium, 'EMAIL');
  assert.equal(delivery.CodeDeliveryDetails.AttributeName, 'email');
  assert.match(delivery.CodeDeliveryDetails.Destination, /\*/, 'the destination is masked');

  const code = await latestCode(username, 'ForgotPassword');
  const password2 = newPassword();
  const wrong = `${(Number(code[0]) + 1) % 10}${code.slice(1)}`;
  await assert.rejects(
    new Promise((resolve, reject) => user.confirmPassword(wrong, password2, { onSuccess: resolve, onFailure: reject })),
    { code: 'CodeMismatchException' },
  );
  // The policy still applies to the new password.
  await assert.rejects(
    new Promise((resolve, reject) => user.confirmPassword(code, 'short', { onSuccess: resolve, onFailure: reject })),
    (err) => ['InvalidPasswordException', 'InvalidParameterException'].includes(err.code),
  );
  await new Promise((resolve, reject) => user.confirmPassword(code, password2, { onSuccess: resolve, onFailure: reject }));
  await assert.rejects(authenticate(userOf(username), password), { code: 'NotAuthorizedException' });
  const session = await signedIn(userOf(username), password2);
  assert.equal(claims(session.getIdToken().getJwtToken())['cognito:username'], username);
});

test('resendConfirmationCode, updateAttributes + verifyAttribute, signOut revokes the refresh token, deleteUser', async () => {
  const username = uniqueName('jsattr');
  const password = newPassword();
  await new Promise((resolve, reject) =>
    pool.signUp(username, password, [new CognitoUserAttribute({ Name: 'email', Value: `${username}@example.com` })], null, (e, r) =>
      e ? reject(e) : resolve(r),
    ),
  );
  const first = await latestCode(username, 'SignUp');
  // ResendConfirmationCode issues a new code, which replaces the first.
  const resent = await new Promise((resolve, reject) =>
    userOf(username).resendConfirmationCode((e, r) => (e ? reject(e) : resolve(r))),
  );
  assert.equal(resent.CodeDeliveryDetails.AttributeName, 'email');
  const second = await latestCode(username, 'ResendConfirmationCode');
  assert.notEqual(second, first, 'a new code was sent');
  await new Promise((resolve, reject) =>
    userOf(username).confirmRegistration(second, true, (e, r) => (e ? reject(e) : resolve(r))),
  );

  const user = userOf(username);
  const session = await signedIn(user, password);
  const newEmail = `new-${username}@example.com`;
  await new Promise((resolve, reject) =>
    user.updateAttributes(
      [new CognitoUserAttribute({ Name: 'email', Value: newEmail }), new CognitoUserAttribute({ Name: 'name', Value: 'Grace Hopper' })],
      (e, r) => (e ? reject(e) : resolve(r)),
    ),
  );
  const attrsOf = async () =>
    Object.fromEntries(
      (await new Promise((resolve, reject) => user.getUserAttributes((e, a) => (e ? reject(e) : resolve(a))))).map((a) => [a.getName(), a.getValue()]),
    );
  let attrs = await attrsOf();
  assert.equal(attrs.name, 'Grace Hopper');
  assert.equal(attrs.email, newEmail);
  assert.equal(attrs.email_verified, 'false');
  const code = await latestCode(username, 'VerifyUserAttribute');
  await new Promise((resolve, reject) => user.verifyAttribute('email', code, { onSuccess: resolve, onFailure: reject }));
  attrs = await attrsOf();
  assert.equal(attrs.email_verified, 'true');

  // signOut(callback): the access token has origin_jti, so the library calls RevokeToken.
  assert.ok(claims(session.getAccessToken().getJwtToken()).origin_jti);
  const refreshToken = session.getRefreshToken().getToken();
  await new Promise((resolve, reject) => user.signOut((e) => (e ? reject(e) : resolve())));
  const dead = await cognito('InitiateAuth', { ClientId: CLIENT_ID, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } });
  assert.equal(dead.status, 400);
  assert.equal(dead.body.__type, 'NotAuthorizedException');

  // deleteUser with a fresh session.
  const user2 = userOf(username);
  await signedIn(user2, password);
  await new Promise((resolve, reject) => user2.deleteUser((e, r) => (e ? reject(e) : resolve(r))));
  await assert.rejects(authenticate(userOf(username), password), { code: 'UserNotFoundException' });
});

test(
  'deleteAttributes (DeleteUserAttributes)',
  async () => {
    const password = newPassword();
    const username = await newConfirmedUser(password);
    const user = userOf(username);
    await signedIn(user, password);
    await new Promise((resolve, reject) =>
      user.updateAttributes([new CognitoUserAttribute({ Name: 'name', Value: 'To Be Deleted' })], (e, r) => (e ? reject(e) : resolve(r))),
    );
    await new Promise((resolve, reject) => user.deleteAttributes(['name'], (e, r) => (e ? reject(e) : resolve(r))));
    const attrs = await new Promise((resolve, reject) => user.getUserAttributes((e, a) => (e ? reject(e) : resolve(a))));
    assert.equal(attrs.find((a) => a.getName() === 'name'), undefined);
  },
);
