// The demo app in Chromium (Debian's /usr/bin/chromium through playwright-core), against the
// stack tests/demo/run.sh starts: the user's flows from issue 9, with screenshots of the main
// screens in tests/demo/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  APP, CLIENT_ID, COGNITO, DEMO_USER, codeFor, expectFieldError, launch, newPage as freshPage, shot,
  signInWithForm, timeStep, totp, usernameIn,
} from './lib.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const newPage = () => freshPage(browser);

test('sign up, confirm with the emailed code, SRP sign-in, notes through the API, reload, sign out', async () => {
  const { context, page, errors } = await newPage();
  const email = `ada.${Date.now()}@example.com`;
  const password = 'Analytical-Engine-1843';

  await page.goto(`${APP}/`);
  await page.getByTestId('auth-state').getByText('You are signed out.').waitFor();
  await shot(page, '01-home-signed-out');

  await page.getByRole('link', { name: 'Create account' }).click();
  await page.waitForURL(`${APP}/signup`);
  await page.getByLabel('Email').fill(email);
  const pw = page.getByLabel('Password', { exact: true });
  await pw.fill('weak');
  const submit = page.getByRole('button', { name: 'Create account' });
  assert.equal(await page.locator('.policy li.ok').count(), 1, 'only "a lowercase letter" is met');
  assert.ok(await submit.isDisabled(), 'a password breaking the policy cannot be submitted');
  await pw.fill(password);
  assert.equal(await page.locator('.policy li.ok').count(), 5, 'every rule is ticked off');
  await shot(page, '02-sign-up');
  await submit.click();

  await page.waitForURL(/\/confirm\?username=/);
  const code = await codeFor(usernameIn(page));
  assert.match(code, /^\d{6}$/);
  await page.getByLabel('Confirmation code').fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();

  await page.waitForURL(/\/signin\?username=/);
  assert.equal(await page.getByLabel('Email or username').inputValue(), email, 'the username is carried over');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await shot(page, '03-sign-in');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  await page.waitForURL(`${APP}/notes`);
  await page.getByTestId('notes-empty').waitFor();
  assert.equal(await page.getByTestId('who').textContent(), email);
  for (const text of ['Buy milk', 'Call Charles about the engine']) {
    await page.getByLabel('New note').fill(text);
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('.note-text', { hasText: text }).waitFor();
  }
  assert.equal(await page.locator('.note').count(), 2);
  await shot(page, '04-notes');

  // The notes are the API's: a reload reads them back with the stored session.
  await page.reload();
  await page.locator('.note-text', { hasText: 'Buy milk' }).waitFor();
  assert.equal(await page.locator('.note').count(), 2, 'the session and the notes survive a reload');
  assert.equal(await page.getByTestId('who').textContent(), email);

  // Delete one.
  await page.locator('.note', { hasText: 'Buy milk' }).getByRole('button', { name: 'Delete note' }).click();
  await page.locator('.note-text', { hasText: 'Buy milk' }).waitFor({ state: 'detached' });
  assert.equal(await page.locator('.note').count(), 1);

  await page.getByRole('link', { name: 'Profile' }).click();
  await page.getByTestId('expiry').waitFor();
  assert.match(await page.getByTestId('expiry').textContent(), /\d+ (h|min)/);
  assert.ok(await page.getByRole('row', { name: /^email / }).getByRole('cell', { name: email }).isVisible(), 'the ID token claims are shown');
  await shot(page, '05-profile');

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByTestId('auth-state').getByText('You are signed out.').waitFor();
  await page.goto(`${APP}/notes`);
  await page.waitForURL(`${APP}/signin?next=%2Fnotes`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
  await context.close();
});

test('a wrong password: the error next to the password field, which gets the focus', async () => {
  const { context, page, errors } = await newPage();
  await signInWithForm(page, DEMO_USER.username, 'Not-the-password-1');
  await expectFieldError(page, 'password', 'Incorrect username or password.');
  assert.equal(new URL(page.url()).pathname, '/signin', 'still on the sign-in page');
  assert.equal(await page.getByRole('button', { name: 'Sign in', exact: true }).isEnabled(), true);
  assert.equal(await page.getByLabel('Email or username').inputValue(), DEMO_USER.username, 'the username is kept');
  await shot(page, '06-wrong-password');
  // Typing a new password clears the error; the right one signs in.
  await page.keyboard.type(DEMO_USER.password);
  assert.equal(await page.locator('#password').getAttribute('aria-invalid'), null, 'no longer invalid once edited');
  assert.equal((await page.locator('#password-error').textContent()).trim(), '');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${APP}/notes`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('hosted UI: the button, cognito-local\'s sign-in page, back on the callback, then the notes', async () => {
  const { context, page, errors } = await newPage();
  await page.goto(`${APP}/notes`);
  await page.waitForURL(/\/signin\?next=%2Fnotes/);
  await page.getByRole('button', { name: 'Sign in with the hosted UI' }).click();
  await page.waitForURL(`${COGNITO}/**`);
  await shot(page, '07-hosted-ui');
  await page.locator('#login #username').fill(DEMO_USER.username);
  await page.locator('#login #password').fill(DEMO_USER.password);
  await page.locator('#login button[type="submit"]').click();
  // Back on the app's callback (its origin + '/', with code and state), then on to /notes.
  await page.waitForURL(`${APP}/notes`);
  await page.locator('[data-testid="notes"], [data-testid="notes-empty"]').first().waitFor();
  assert.equal(await page.getByTestId('who').textContent(), DEMO_USER.email);
  assert.ok(!page.url().includes('code='), 'the code is gone from the address bar');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a second tab follows sign-in and sign-out', async () => {
  const { context, page, errors } = await newPage();
  const other = await context.newPage();
  await other.goto(`${APP}/`);
  await other.getByTestId('auth-state').getByText('You are signed out.').waitFor();
  await signInWithForm(page, DEMO_USER.username, DEMO_USER.password);
  await page.waitForURL(`${APP}/notes`);
  await other.getByTestId('auth-state').getByText('Signed in as').waitFor();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await other.getByTestId('auth-state').getByText('You are signed out.').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a tampered ID token: the API answers 401 and the app returns to signed-out cleanly', async () => {
  const { context, page, errors } = await newPage();
  await signInWithForm(page, DEMO_USER.username, DEMO_USER.password);
  await page.waitForURL(`${APP}/notes`);
  const key = `CognitoIdentityServiceProvider.${CLIENT_ID}.${DEMO_USER.username}.idToken`;
  const flipped = await page.evaluate((k) => {
    const t = localStorage.getItem(k);
    if (!t) return false;
    // Same header and claims, another signature.
    const last = t.at(-2) === 'A' ? 'B' : 'A';
    localStorage.setItem(k, t.slice(0, -2) + last + t.at(-1));
    return true;
  }, key);
  assert.ok(flipped, `the ID token is stored under ${key}`);
  await page.reload();
  await page.waitForURL(/\/signin\?next=%2Fnotes/);
  await page.getByText('The API did not accept your session').waitFor();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), key), null, 'the session is cleared');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a second user sees none of the first one\'s notes; TOTP set-up, then sign-in with a TOTP code', async () => {
  const { context, page, errors } = await newPage();
  const email = `grace.${Date.now()}@example.com`;
  const password = 'Compiler-A0-1952';
  await page.goto(`${APP}/signup`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/confirm\?username=/);
  await page.getByLabel('Confirmation code').fill(await codeFor(usernameIn(page)));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForURL(/\/signin\?username=/);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${APP}/notes`);
  // The first test's user kept a note; this user sees an empty list.
  await page.getByTestId('notes-empty').waitFor();

  await page.getByRole('link', { name: 'Profile' }).click();
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const secret = (await page.getByTestId('totp-secret').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]+=*$/, 'the secret is shown as base32 text');
  assert.ok(await page.locator('.qr svg').isVisible(), 'a QR code is drawn');
  await shot(page, '08-totp-setup');
  const setupStep = timeStep();
  await page.getByLabel('Code from the app').fill(totp(secret, setupStep));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByText('Two-step verification is on.').waitFor();

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByTestId('auth-state').getByText('You are signed out.').waitFor();
  await signInWithForm(page, email, password);
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
  // A code is accepted once: wait for the next time step if the set-up used this one.
  while (timeStep() === setupStep) await new Promise((r) => setTimeout(r, 500));
  await page.getByLabel('Authentication code').fill(totp(secret, timeStep()));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(`${APP}/notes`);
  assert.equal(await page.getByTestId('who').textContent(), email);
  assert.deepEqual(errors, []);
  await context.close();
});
