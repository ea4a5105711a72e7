// What the demo's browser tests share: where the stack is (tests/demo/run.sh starts it on free
// ports and passes the URLs demo.sh printed), Chromium, the dev outbox, the user-pool API
// (to create users the way an administrator does), TOTP, screenshots, field-error checks.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const need = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the demo tests with tests/demo/run.sh`);
  return v.replace(/\/$/, '');
};
export const APP = need('DEMO_APP_URL');
export const COGNITO = need('DEMO_COGNITO_URL');
export const API = need('DEMO_API_URL');
export const POOL_ID = 'us-east-1_LocalPool1';
export const CLIENT_ID = 'localspaclient000000000001';
export const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;
export const DEMO_USER = { username: 'demo', email: 'demo@example.com', password: 'DemoPassw0rd!' };

/** Debian's Chromium with the project's flags. */
export async function launch() {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
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
}

/** A fresh browser profile (its own localStorage and cookies: another device) with a
 * desktop-sized page; `errors` collects uncaught page errors. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  return { context, page, errors };
}

export async function shot(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** The messages cognito-local "sent" to `username`, from its dev outbox, read by this test
 * process (the outbox is not served to other origins, such as the app's page). */
export async function outbox(username) {
  const res = await fetch(`${COGNITO}/_dev/outbox?username=${encodeURIComponent(username)}`);
  assert.equal(res.status, 200, 'outbox answers');
  return (await res.json()).messages;
}

/** The code of the newest message to `username`, once there are more than `after` messages. */
export async function codeFor(username, { after = 0 } = {}) {
  for (let i = 0; i < 100; i++) {
    const messages = await outbox(username);
    const last = messages.at(-1);
    if (messages.length > after && last?.code) return last.code;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no new code in the outbox for ${username}`);
}

/** Another 6-digit code than `code` (certain to be wrong). */
export const wrongCode = (code) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** A call to the user-pool API from this process, as an administrator's tool makes it (no
 * browser Origin: cognito-local takes Admin* calls from loopback only). */
export async function cognito(operation, body) {
  const res = await fetch(`${COGNITO}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** A new user with a verified email, created with AdminCreateUser: with `temporary` the user
 * must choose a new password at the first sign-in (FORCE_CHANGE_PASSWORD); with `password`
 * it is set as permanent (AdminSetUserPassword). */
export async function adminCreateUser(prefix, { temporary, password }) {
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const user = { username: `${prefix}-${stamp}`, email: `${prefix}.${stamp}@example.com` };
  const created = await cognito('AdminCreateUser', {
    UserPoolId: POOL_ID,
    Username: user.username,
    TemporaryPassword: temporary ?? `Temp-${stamp}-Aa1!`,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: user.email },
      { Name: 'email_verified', Value: 'true' },
    ],
  });
  assert.equal(created.status, 200, `AdminCreateUser: ${JSON.stringify(created.body)}`);
  if (password) {
    const set = await cognito('AdminSetUserPassword', {
      UserPoolId: POOL_ID,
      Username: user.username,
      Password: password,
      Permanent: true,
    });
    assert.equal(set.status, 200, `AdminSetUserPassword: ${JSON.stringify(set.body)}`);
  }
  return user;
}

/** The account's username, from the confirm page's address (the app makes one up: the pool
 * takes the email as an alias and refuses email-shaped usernames). */
export function usernameIn(page) {
  const username = new URL(page.url()).searchParams.get('username');
  assert.ok(username && !username.includes('@'), `a generated username, not ${username}`);
  return username;
}

export async function signInWithForm(page, username, password) {
  await page.goto(`${APP}/signin`);
  await page.getByLabel('Email or username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signs in with the form and waits for the notes page. */
export async function signIn(page, username, password) {
  await signInWithForm(page, username, password);
  await page.waitForURL(`${APP}/notes`);
  await page.locator('[data-testid="notes"], [data-testid="notes-empty"]').first().waitFor();
}

/** The stored session's key in localStorage (amazon-cognito-identity-js's layout). */
export const storageKey = (username, what) => `CognitoIdentityServiceProvider.${CLIENT_ID}.${username}.${what}`;

/**
 * The error shown for the field `id`, checked as a screen-reader or keyboard user meets it:
 * the input is aria-invalid, its aria-describedby names the message's element (which says
 * `text` and sits in the same field), and the keyboard focus is on it. No other field is
 * invalid, and the form has no error of its own.
 */
export async function expectFieldError(page, id, text) {
  const input = page.locator(`#${id}`);
  await page.locator(`#${id}[aria-invalid="true"]`).waitFor();
  const described = (await input.getAttribute('aria-describedby')) ?? '';
  assert.ok(described.split(/\s+/).includes(`${id}-error`), `#${id} is described by its error (${described})`);
  const message = page.locator(`#${id}-error`);
  assert.equal((await message.textContent()).trim(), text, `the message next to #${id}`);
  assert.ok(await message.isVisible(), 'the message is visible');
  assert.equal(
    await page.evaluate((i) => document.getElementById(i).closest('.field') === document.getElementById(`${i}-error`).closest('.field'), id),
    true,
    'the message is in the field, not at the bottom of the form',
  );
  assert.equal(await page.evaluate(() => document.activeElement?.id), id, `the focus is on #${id}`);
  assert.deepEqual(
    await page.locator('[aria-invalid="true"]').evaluateAll((els) => els.map((e) => e.id)),
    [id],
    'no other field is marked invalid',
  );
  assert.equal(await page.locator('form .error[role="alert"]').count(), 0, 'no form-level error');
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret, for time step `step`. */
export function totp(secret, step) {
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
export const timeStep = () => Math.floor(Date.now() / 30_000);
