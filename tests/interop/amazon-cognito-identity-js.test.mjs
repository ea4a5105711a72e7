// amazon-cognito-identity-js (the reference JS client, unmodified from npm) against cognito-local.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  CognitoRefreshToken,
} from 'amazon-cognito-identity-js';
import { ENDPOINT, POOL_ID, CLIENT_ID, uniqueName, latestCode, claims } from './common.mjs';

const pool = new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: CLIENT_ID, endpoint: `${ENDPOINT}/` });

const signUp = (username, password, email) =>
  new Promise((resolve, reject) =>
    pool.signUp(username, password, [new CognitoUserAttribute({ Name: 'email', Value: email })], null, (err, res) =>
      err ? reject(err) : resolve(res),
    ),
  );

const userOf = (username) => new CognitoUser({ Username: username, Pool: pool });

const confirm = (user, code) =>
  new Promise((resolve, reject) => user.confirmRegistration(code, true, (err, res) => (err ? reject(err) : resolve(res))));

/** USER_SRP_AUTH → PASSWORD_VERIFIER, as the library does by default. */
const signIn = (user, password) =>
  new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: password }), {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () => reject(new Error('unexpected NEW_PASSWORD_REQUIRED')),
      totpRequired: () => reject(new Error('unexpected TOTP challenge')),
      mfaRequired: () => reject(new Error('unexpected MFA challenge')),
    }),
  );

const refresh = (user, refreshToken) =>
  new Promise((resolve, reject) => user.refreshSession(refreshToken, (err, s) => (err ? reject(err) : resolve(s))));

const changePassword = (user, oldPw, newPw) =>
  new Promise((resolve, reject) => user.changePassword(oldPw, newPw, (err, res) => (err ? reject(err) : resolve(res))));

const globalSignOut = (user) =>
  new Promise((resolve, reject) => user.globalSignOut({ onSuccess: resolve, onFailure: reject }));

const getUserAttributes = (user) =>
  new Promise((resolve, reject) => user.getUserAttributes((err, attrs) => (err ? reject(err) : resolve(attrs))));

test('sign up, confirm, SRP sign-in, refresh, change password, global sign-out', async () => {
  const username = uniqueName('js');
  const email = `${username}@example.com`;
  const password = 'Corr3ct-Horse!';

  const res = await signUp(username, password, email);
  assert.equal(res.userConfirmed, false, 'a new user starts unconfirmed');
  assert.match(res.userSub, /^[0-9a-f-]{36}$/, 'UserSub is a UUID');

  // Signing in before confirming is refused with the documented code.
  await assert.rejects(signIn(userOf(username), password), { code: 'UserNotConfirmedException' });

  const user = userOf(username);
  await confirm(user, await latestCode(username, 'SignUp'));

  const session = await signIn(user, password);
  assert.ok(session.isValid(), 'session from SRP sign-in is valid');
  const id = claims(session.getIdToken().getJwtToken());
  const access = claims(session.getAccessToken().getJwtToken());
  assert.equal(id.iss, `${ENDPOINT}/${POOL_ID}`);
  assert.equal(id.aud, CLIENT_ID);
  assert.equal(id.token_use, 'id');
  assert.equal(id['cognito:username'], username);
  assert.equal(id.email, email);
  assert.equal(id.sub, res.userSub);
  assert.equal(access.token_use, 'access');
  assert.equal(access.client_id, CLIENT_ID);
  assert.equal(access.username, username);

  const attrs = await getUserAttributes(user);
  assert.equal(attrs.find((a) => a.getName() === 'email')?.getValue(), email, 'GetUser returns the email');

  // REFRESH_TOKEN_AUTH: new ID/access tokens, same user, auth_time kept.
  const refreshed = await refresh(user, session.getRefreshToken());
  const id2 = claims(refreshed.getIdToken().getJwtToken());
  assert.equal(id2.sub, id.sub);
  assert.equal(id2.auth_time, id.auth_time, 'auth_time survives a refresh');
  assert.notEqual(refreshed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());

  // ChangePassword with the access token; the old password stops working, the new one works.
  const newPassword = 'N3w-Battery-Staple!';
  await changePassword(user, password, newPassword);
  await assert.rejects(signIn(userOf(username), password), { code: 'NotAuthorizedException' });
  const user2 = userOf(username);
  const session2 = await signIn(user2, newPassword);
  assert.ok(session2.isValid());

  // GlobalSignOut revokes the refresh token: it can no longer refresh.
  await globalSignOut(user2);
  await assert.rejects(refresh(userOf(username), session2.getRefreshToken()), { code: 'NotAuthorizedException' });
});

test('wrong password and unknown user are rejected', async () => {
  await assert.rejects(signIn(userOf('demo'), 'Wrong-passw0rd!'), (err) => {
    assert.equal(err.code, 'NotAuthorizedException');
    assert.equal(err.message, 'Incorrect username or password.');
    return true;
  });
  await assert.rejects(signIn(userOf(uniqueName('nobody')), 'Wrong-passw0rd!'), (err) =>
    ['UserNotFoundException', 'NotAuthorizedException'].includes(err.code),
  );
});

test('the seeded demo user signs in with SRP', async () => {
  const session = await signIn(userOf('demo'), 'DemoPassw0rd!');
  assert.equal(claims(session.getIdToken().getJwtToken())['cognito:username'], 'demo');
  // A forged refresh token is refused, not accepted.
  await assert.rejects(refresh(userOf('demo'), new CognitoRefreshToken({ RefreshToken: 'forged' })), {
    code: 'NotAuthorizedException',
  });
});
