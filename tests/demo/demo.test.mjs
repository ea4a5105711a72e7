// The demo app in Chromium (Debian's /usr/bin/chromium through playwright-core), against the
// stack tests/demo/run.sh starts: the user's flows from issue 9, with screenshots of the main
// screens in tests/demo/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const APP = process.env.DEMO_APP_URL ?? 'http://127.0.0.1:8080';
const COGNITO = process.env.DEMO_COGNITO_URL ?? 'http://127.0.0.1:9229';
const CLIENT_ID = 'localspaclient000000000001';
const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
const DEMO_USER = { username: 'demo', email: 'demo@example.com', password: 'DemoPassw0rd!' };

let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
});

/** A fresh browser profile (its own localStorage) with a desktop-sized page. */
async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1200, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  return { context, page, errors };
}

async function shot(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** The newest code cognito-local "sent" to `username`, read from its dev outbox by this test
 * process (the outbox is not served to other origins, such as the app's page). */
async function codeFor(username) {
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${COGNITO}/_dev/outbox?username=${encodeURIComponent(username)}`);
    assert.equal(res.status, 200, 'outbox answers');
    const { messages } = await res.json();
    const last = messages.at(-1);
    if (last?.code) return last.code;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code in the outbox for ${username}`);
}

/** The account's username, from the confirm page's address (the app makes one up: the pool
 * takes the email as an alias and refuses email-shaped usernames). */
function usernameIn(page) {
  const username = new URL(page.url()).searchParams.get('username');
  assert.ok(username && !username.includes('@'), `a generated username, not ${username}`);
  return username;
}

async function signInWithForm(page, username, password) {
  await page.goto(`${APP}/signin`);
  await page.getByLabel('Email or username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

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

test('a wrong password shows the error next to the form', async () => {
  const { context, page, errors } = await newPage();
  await signInWithForm(page, DEMO_USER.username, 'Not-the-password-1');
  const error = page.locator('form .error[role="alert"]');
  await error.waitFor();
  assert.equal(await error.textContent(), 'Incorrect username or password.');
  assert.equal(new URL(page.url()).pathname, '/signin', 'still on the sign-in page');
  assert.equal(await page.getByRole('button', { name: 'Sign in', exact: true }).isEnabled(), true);
  await shot(page, '06-wrong-password');
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

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret, for time step `step`. */
function totp(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
const timeStep = () => Math.floor(Date.now() / 30_000);

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
