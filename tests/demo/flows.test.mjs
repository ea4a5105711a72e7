// The demo's other flows in Chromium, against the stack tests/demo/run.sh starts: the
// new-password step, forgot and change password, sign out everywhere, hosted-UI logout, and
// errors shown next to the field they concern (or at the form, when they concern no field).
//
// Not here: choosing an MFA method (SELECT_MFA_TYPE). cognito-local has TOTP only (no SMS or
// email MFA), so it never asks for a choice; the step is drawn from the same NextStep as in
// cognito-client's tests, but no test in this folder can reach it without faking the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  APP, CLIENT_ID, COGNITO, DEMO_USER, adminCreateUser, codeFor, cognito, expectFieldError,
  launch, newPage as freshPage, outbox, shot, signIn, signInWithForm, storageKey, wrongCode,
} from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});
const newPage = () => freshPage(browser);

/** REFRESH_TOKEN_AUTH with `token`, as any client would send it. */
const refreshWith = (token) => cognito('InitiateAuth', {
  ClientId: CLIENT_ID,
  AuthFlow: 'REFRESH_TOKEN_AUTH',
  AuthParameters: { REFRESH_TOKEN: token },
});

test('new-password step: a user created by an administrator with a temporary password chooses a new one', async () => {
  const { context, page, errors } = await newPage();
  const temporary = 'Temporary-Passw0rd!';
  const user = await adminCreateUser('newbie', { temporary });
  await signInWithForm(page, user.username, temporary);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'new-password', 'the new password field has the focus');
  const submit = page.getByRole('button', { name: 'Set password and sign in' });
  await page.getByLabel('New password').fill('short');
  assert.ok(await submit.isDisabled(), 'a password breaking the policy cannot be submitted');
  const chosen = 'Brand-New-Passw0rd!';
  await page.getByLabel('New password').fill(chosen);
  assert.equal(await page.locator('.policy li.ok').count(), 5, 'every rule is ticked off');
  await shot(page, '09-new-password');
  await submit.click();
  await page.waitForURL(`${APP}/notes`);
  assert.equal(await page.getByTestId('who').textContent(), user.email);

  // The new password is the password now; the temporary one is not.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByTestId('auth-state').getByText('You are signed out.').waitFor();
  await signInWithForm(page, user.username, temporary);
  await expectFieldError(page, 'password', 'Incorrect username or password.');
  await signIn(page, user.username, chosen);
  assert.deepEqual(errors, []);
  await context.close();
});

test('forgot password: a code from the outbox (a wrong one is shown at the code), a new password, then sign in with it', async () => {
  const { context, page, errors } = await newPage();
  const user = await adminCreateUser('forgetful', { password: 'Old-Passw0rd!' });
  await page.goto(`${APP}/signin`);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.waitForURL(`${APP}/forgot`);

  // An unknown account: the error is the username's.
  await page.getByLabel('Email or username').fill(`nobody-${Date.now()}`);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await expectFieldError(page, 'username', 'There is no account with that username or email.');

  const before = (await outbox(user.username)).length;
  await page.getByLabel('Email or username').fill(user.email);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await page.getByText('We sent a code to').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'code', 'the code field has the focus');
  const code = await codeFor(user.username, { after: before });
  const chosen = 'Remembered-Passw0rd!';
  await page.getByLabel('Code').fill(wrongCode(code));
  await page.getByLabel('New password').fill(chosen);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expectFieldError(page, 'code', 'That code is not right. Check it and try again.');
  await shot(page, '10-forgot-password-wrong-code');

  await page.getByLabel('Code').fill(code);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL(/\/signin\?username=/);
  await page.getByText('Your password is changed.').waitFor();
  assert.equal(await page.getByLabel('Email or username').inputValue(), user.email, 'the username is carried over');
  await page.getByLabel('Password', { exact: true }).fill(chosen);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${APP}/notes`);
  assert.equal(await page.getByTestId('who').textContent(), user.email);
  assert.deepEqual(errors, []);
  await context.close();
});

test('change password on the profile: a wrong current password is shown at that field; the new one works', async () => {
  const { context, page, errors } = await newPage();
  const first = 'First-Passw0rd!';
  const user = await adminCreateUser('changer', { password: first });
  await signIn(page, user.username, first);
  await page.getByRole('link', { name: 'Profile' }).click();
  await page.getByRole('heading', { name: 'Change password' }).waitFor();
  const second = 'Second-Passw0rd!';
  await page.getByLabel('Current password').fill('Not-my-Passw0rd!');
  await page.getByLabel('New password').fill(second);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expectFieldError(page, 'old-password', 'That is not your current password.');
  // The failed attempt is no reason to end the session.
  assert.notEqual(await page.evaluate((k) => localStorage.getItem(k), storageKey(user.username, 'refreshToken')), null, 'still signed in');
  await shot(page, '11-change-password-error');

  await page.getByLabel('Current password').fill(first);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Your password is changed.').waitFor();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByTestId('auth-state').getByText('You are signed out.').waitFor();
  await signInWithForm(page, user.username, first);
  await expectFieldError(page, 'password', 'Incorrect username or password.');
  await signIn(page, user.username, second);
  assert.deepEqual(errors, []);
  await context.close();
});

test('sign out everywhere: the other device\'s refresh token stops working, and it ends signed out on its next refresh', async () => {
  const password = 'Everywhere-Passw0rd!';
  const user = await adminCreateUser('traveller', { password });
  const here = await newPage();
  const there = await newPage(); // another browser profile: another device
  await signIn(there.page, user.username, password);
  await signIn(here.page, user.username, password);
  const theirs = await there.page.evaluate((k) => localStorage.getItem(k), storageKey(user.username, 'refreshToken'));
  assert.ok(theirs, 'the other device has a refresh token');
  assert.equal((await refreshWith(theirs)).status, 200, 'which works before');

  await here.page.getByRole('link', { name: 'Profile' }).click();
  await here.page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await here.page.getByTestId('auth-state').getByText('You are signed out.').waitFor();
  assert.equal(await here.page.evaluate((k) => localStorage.getItem(k), storageKey(user.username, 'refreshToken')), null);

  const after = await refreshWith(theirs);
  assert.equal(after.status, 400, 'the other device\'s refresh token is revoked');
  assert.equal(after.body.__type, 'NotAuthorizedException');

  // The other device's tab, on its next refresh: signed out, and the protected page asks to
  // sign in (no blank page, no loop).
  await there.page.getByRole('link', { name: 'Profile' }).click();
  await there.page.getByRole('button', { name: 'Refresh tokens now' }).click();
  await there.page.waitForURL(/\/signin\?next=%2Fprofile/);
  await there.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await there.page.evaluate((k) => localStorage.getItem(k), storageKey(user.username, 'refreshToken')), null, 'its session is cleared');
  for (const side of [here, there]) {
    assert.deepEqual(side.errors, []);
    await side.context.close();
  }
});

test('hosted-UI logout: the hosted UI\'s session cookie is gone, so its next sign-in asks for the password again', async () => {
  const { context, page, errors } = await newPage();
  const sessionCookie = async () => (await context.cookies(COGNITO)).find((c) => c.name === 'cognito-local-session');
  const hostedSignIn = async () => {
    await page.getByRole('button', { name: 'Sign in with the hosted UI' }).click();
  };
  await page.goto(`${APP}/`);
  await hostedSignIn();
  await page.waitForURL(`${COGNITO}/**`);
  await page.locator('#login #username').fill(DEMO_USER.username);
  await page.locator('#login #password').fill(DEMO_USER.password);
  await page.locator('#login button[type="submit"]').click();
  await page.waitForURL(`${APP}/notes`);
  assert.equal(await page.getByTestId('who').textContent(), DEMO_USER.email);
  assert.ok(await sessionCookie(), 'the hosted UI keeps a session cookie');

  // While that cookie lives, the hosted UI signs in without asking (what the logout must end):
  // forget the app's tokens only, and sign in with the hosted UI again.
  await page.evaluate(() => localStorage.clear());
  await page.goto(`${APP}/`);
  await page.getByTestId('auth-state').getByText('You are signed out.').waitFor();
  await hostedSignIn();
  await page.waitForURL(`${APP}/notes`);
  assert.equal(await page.getByTestId('who').textContent(), DEMO_USER.email, 'signed in by the cookie alone');

  // Sign out: through cognito-local's /logout and back on the app's start page.
  const back = page.waitForResponse((r) => r.url() === `${APP}/` && r.request().isNavigationRequest()
    && (r.request().redirectedFrom()?.url() ?? '').startsWith(`${COGNITO}/logout?`));
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await back;
  await page.waitForLoadState('load');
  await page.getByTestId('auth-state').getByText('You are signed out.').waitFor();
  assert.equal(await sessionCookie(), undefined, 'the hosted UI\'s session cookie is gone');
  await hostedSignIn();
  await page.waitForURL(`${COGNITO}/**`);
  await page.locator('#login #password').waitFor();
  assert.ok(await page.locator('#login #password').isVisible(), 'the hosted UI asks for the password again');
  assert.deepEqual(errors, []);
  await context.close();
});

test('confirm sign-up: a wrong code is shown at the code field; throttling stays at the form', async () => {
  const { context, page, errors } = await newPage();
  const stamp = `${Date.now()}`;
  const username = `throttled-${stamp}`;
  const email = `throttled.${stamp}@example.com`;
  const signedUp = await cognito('SignUp', {
    ClientId: CLIENT_ID,
    Username: username,
    Password: 'Throttled-Passw0rd!',
    UserAttributes: [{ Name: 'email', Value: email }],
  });
  assert.equal(signedUp.status, 200, JSON.stringify(signedUp.body));
  const code = await codeFor(username);
  await page.goto(`${APP}/confirm?username=${username}&email=${encodeURIComponent(email)}`);
  await page.getByLabel('Confirmation code').fill(wrongCode(code));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expectFieldError(page, 'code', 'That code is not right. Check it and try again.');
  await shot(page, '12-confirm-wrong-code');

  // cognito-local allows 10 code deliveries an hour: the sign-up's and 9 more.
  const resend = page.getByRole('button', { name: 'Send me a new code' });
  const formError = page.locator('form .error[role="alert"]');
  let throttled = false;
  for (let i = 0; i < 15 && !throttled; i++) {
    await resend.click();
    await page.locator('.success[role="status"], form .error[role="alert"]').first().waitFor();
    throttled = (await formError.count()) > 0;
  }
  assert.ok(throttled, 'the resends are throttled');
  assert.equal((await formError.textContent()).trim(), 'Too many attempts. Wait a moment and try again.');
  assert.equal(await page.locator('[aria-invalid="true"]').count(), 0, 'no field is blamed for it');
  assert.deepEqual(errors, []);
  await context.close();
});

test('confirm sign-up with an email another account already has: the error is the email\'s', async () => {
  const { context, page, errors } = await newPage();
  const username = `copycat-${Date.now()}`;
  const signedUp = await cognito('SignUp', {
    ClientId: CLIENT_ID,
    Username: username,
    Password: 'Copycat-Passw0rd!',
    UserAttributes: [{ Name: 'email', Value: DEMO_USER.email }],
  });
  assert.equal(signedUp.status, 200, JSON.stringify(signedUp.body));
  await page.goto(`${APP}/confirm?username=${username}&email=${encodeURIComponent(DEMO_USER.email)}`);
  assert.equal(await page.getByLabel('Email').inputValue(), DEMO_USER.email, 'the email is shown');
  await page.getByLabel('Confirmation code').fill(await codeFor(username));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expectFieldError(page, 'email', 'An account with this email already exists. Sign in with it, or reset its password.');
  assert.deepEqual(errors, []);
  await context.close();
});
