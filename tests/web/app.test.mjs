// The example app (web/, built by Vite from the packed npm tarball) in Debian's Chromium through
// playwright-core, against cognito-local behind a counting relay (tests/web/stack.mjs):
// SRP sign-in, TOTP setup then a sign-in with a TOTP step, the hosted UI round trip, and two
// tabs sharing one refresh and one sign-out.
//   tests/web/run.sh (builds everything, then runs this with node --test)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, launchChromium, totp, DEMO, CLIENT_ID } from './stack.mjs';

let browser;
let stack;

before(async () => {
  browser = await launchChromium();
  stack = await startStack();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newPage(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  return { page, errors };
}

async function openApp(page, url) {
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
}

const status = (page) => page.getByTestId('status');

async function signIn(page, username, password) {
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

test('SRP sign-in: the password never leaves the page, the session is in the shared layout', async () => {
  const context = await browser.newContext();
  const { page, errors } = await newPage(context);
  await openApp(page, stack.appUrl);
  await status(page).getByText('Signed out').waitFor();

  // A wrong password is refused with Cognito's name for it, shown next to the form.
  await signIn(page, DEMO.username, 'Wrong-Passw0rd!');
  await page.getByTestId('error').getByText('NotAuthorizedException').waitFor();

  const before = stack.requests.length;
  await signIn(page, DEMO.username, DEMO.password);
  await status(page).getByText(`Signed in as ${DEMO.username}`).waitFor();
  assert.equal(await page.getByTestId('email').textContent(), DEMO.email);
  assert.equal(await page.getByTestId('source').textContent(), 'SRP (this page)');

  const sent = stack.requests.slice(before);
  const initiate = sent.find((r) => r.target === 'InitiateAuth');
  assert.equal(JSON.parse(initiate.body).AuthFlow, 'USER_SRP_AUTH');
  assert.ok(sent.some((r) => r.target === 'RespondToAuthChallenge'), 'PASSWORD_VERIFIER answered');
  for (const r of stack.requests) {
    assert.ok(!r.body.includes(DEMO.password), `no request carries the password (${r.target})`);
  }

  // amazon-cognito-identity-js / Amplify's key layout.
  const keys = await page.evaluate(() => Object.keys(localStorage));
  const prefix = `CognitoIdentityServiceProvider.${CLIENT_ID}`;
  for (const k of ['idToken', 'accessToken', 'refreshToken', 'clockDrift']) {
    assert.ok(keys.includes(`${prefix}.${DEMO.username}.${k}`), `${k} stored (${keys.join(', ')})`);
  }
  assert.ok(keys.includes(`${prefix}.LastAuthUser`));

  // A reload keeps the session; sign-out ends it.
  await openApp(page, stack.appUrl);
  await status(page).getByText(`Signed in as ${DEMO.username}`).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await status(page).getByText('Signed out').waitFor();
  assert.deepEqual(
    (await page.evaluate(() => Object.keys(localStorage))).filter((k) => k.startsWith(prefix)),
    [],
    'sign-out removes every key of the session',
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test('TOTP: set up an authenticator app, then sign in with a TOTP step', async () => {
  const password = 'Totp-Passw0rd!';
  const username = await stack.createUser('totp', password);
  const context = await browser.newContext();
  const { page, errors } = await newPage(context);
  await openApp(page, stack.appUrl);
  await signIn(page, username, password);
  await status(page).getByText(`Signed in as ${username}`).waitFor();
  assert.equal(await page.getByTestId('mfa').textContent(), 'off');

  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await page.locator('#totp-form').waitFor({ state: 'visible' }); // shown once setUpTOTP answered
  const secret = (await page.getByTestId('totp-secret').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]{16,}=*$/, 'a base32 secret is shown');
  const uri = new URL(await page.getByTestId('totp-uri').getAttribute('href'));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.searchParams.get('secret'), secret);
  await page.getByLabel('Code from the app').fill(await totp(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByTestId('mfa').getByText('on').waitFor();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await status(page).getByText('Signed out').waitFor();
  await signIn(page, username, password);
  await page.getByTestId('step-title').getByText('Two-step verification').waitFor();
  await page.getByLabel('Code from your authenticator app').fill('000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('error').getByText('CodeMismatchException').waitFor();
  // The code that verified the setup is spent (a TOTP code works once): use the next step's,
  // which the server's ±30 s window accepts.
  await page.getByLabel('Code from your authenticator app').fill(await totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Continue' }).click();
  await status(page).getByText(`Signed in as ${username}`).waitFor();
  assert.ok(
    stack.requests.some((r) => r.target === 'RespondToAuthChallenge' && JSON.parse(r.body).ChallengeName === 'SOFTWARE_TOKEN_MFA'),
    'the sign-in answered a SOFTWARE_TOKEN_MFA challenge',
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test("hosted UI: the button, cognito-local's sign-in page, the callback, sign-out through /logout", async () => {
  const context = await browser.newContext();
  const { page, errors } = await newPage(context);
  await openApp(page, stack.appUrl);
  await page.getByRole('button', { name: 'Sign in with the hosted UI' }).click();
  await page.waitForURL((u) => u.href.startsWith(`${stack.cognito}/`));
  await page.getByLabel('Username or email').fill(DEMO.username);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.waitForURL((u) => u.href.startsWith(stack.appUrl));
  await status(page).getByText(`Signed in as ${DEMO.username}`).waitFor();
  assert.equal(await page.getByTestId('source').textContent(), 'hosted UI');
  const back = new URL(page.url());
  assert.equal(back.searchParams.get('code'), null, 'the code has left the address bar');
  assert.equal(back.searchParams.get('state'), null, 'the state has left the address bar');

  // signOut() goes through the hosted UI's /logout, which sends the browser back here.
  const logout = page.waitForRequest((r) => r.url().startsWith(`${stack.cognito}/logout`));
  const home = page.waitForResponse((r) => r.url() === `${stack.appUrl}/` && r.request().isNavigationRequest());
  await page.getByRole('button', { name: 'Sign out' }).click();
  const logoutUrl = new URL((await logout).url());
  assert.equal(logoutUrl.searchParams.get('client_id'), CLIENT_ID);
  assert.equal(logoutUrl.searchParams.get('logout_uri'), `${stack.appUrl}/`);
  await home;
  await page.waitForLoadState('load');
  await page.locator('body[data-ready="true"]').waitFor();
  await status(page).getByText('Signed out').waitFor();
  // The hosted UI's own session is gone too: it asks for the password again.
  await page.getByRole('button', { name: 'Sign in with the hosted UI' }).click();
  await page.waitForURL((u) => u.href.startsWith(`${stack.cognito}/`));
  await page.getByLabel('Password').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('two tabs: tokens due for refresh are refreshed once for both, then a sign-out in one signs the other out', async () => {
  // 70-second tokens: the package refreshes 60 s before expiry, so 10 s after sign-in both tabs
  // hold tokens due for a refresh (and a fresh pair is not due for another 10 s). Refresh-token
  // rotation on: a tab sending the token the other has just spent would be refused and signed
  // out. The relay holds each refresh answer back, so both tabs ask while it is out.
  const tabs = await startStack({ rotation: true, refreshDelayMs: 800, tokenSeconds: 70 });
  const context = await browser.newContext();
  const one = await newPage(context);
  const two = await newPage(context);
  try {
    await openApp(one.page, tabs.appUrl);
    await signIn(one.page, DEMO.username, DEMO.password);
    await status(one.page).getByText(`Signed in as ${DEMO.username}`).waitFor();
    const signedInAt = Date.now();
    await openApp(two.page, tabs.appUrl);
    await status(two.page).getByText(`Signed in as ${DEMO.username}`).waitFor();
    const expiresBefore = await one.page.getByTestId('expires').textContent();
    assert.equal(await two.page.getByTestId('expires').textContent(), expiresBefore, 'one session');
    assert.equal(tabs.refreshes().length, 0, 'no refresh while the tokens are fresh');
    await new Promise((r) => setTimeout(r, Math.max(0, signedInAt + 10_500 - Date.now())));

    // Both tabs ask for the session at the same moment.
    await Promise.all([one, two].map(({ page }) => page.getByRole('button', { name: 'Check session' }).click()));
    for (const { page } of [one, two]) {
      await page.getByTestId('expires').filter({ hasNotText: expiresBefore }).waitFor();
      await status(page).getByText(`Signed in as ${DEMO.username}`).waitFor();
    }
    // Let anything still queued arrive before counting.
    await new Promise((r) => setTimeout(r, 1500));
    const refreshes = tabs.refreshes();
    assert.equal(refreshes.length, 1, `exactly one refresh reached the server: ${refreshes.map((r) => r.target)}`);
    assert.equal(refreshes[0].target, 'GetTokensFromRefreshToken');
    assert.equal(refreshes[0].status, 200);
    const [idOne, idTwo] = await Promise.all(
      [one, two].map(({ page }) =>
        page.evaluate(
          (k) => localStorage.getItem(k),
          `CognitoIdentityServiceProvider.${CLIENT_ID}.${DEMO.username}.idToken`,
        ),
      ),
    );
    assert.ok(idOne && idOne === idTwo, 'both tabs hold the one new token');
    // The tab that did not refresh heard about it (tokenRefresh through the BroadcastChannel).
    const seen = await Promise.all([one, two].map(({ page }) => page.getByTestId('refreshes').textContent()));
    assert.deepEqual(seen.map(Number).sort(), [1, 1], `each tab saw one tokenRefresh: ${seen}`);

    await one.page.getByRole('button', { name: 'Sign out' }).click();
    await status(one.page).getByText('Signed out').waitFor();
    await status(two.page).getByText('Signed out').waitFor();
    await two.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    assert.equal(tabs.refreshes().length, 1, 'signing out sent no refresh');
    assert.deepEqual([...one.errors, ...two.errors], []);
  } catch (e) {
    // What each tab showed and what reached the server, for the failure message.
    const seen = await Promise.all(
      [one, two].map(({ page }) =>
        page
          .evaluate(() =>
            ['status', 'error', 'expires', 'refreshes'].map(
              (id) => `${id}=${document.querySelector(`[data-testid="${id}"]`)?.textContent}`,
            ),
          )
          .catch((err) => [String(err)]),
      ),
    );
    const sent = tabs.requests.map((r) => `${r.target || `${r.method} ${r.path}`} ${r.status}`);
    console.error(`tab one: ${seen[0].join(' ')}\ntab two: ${seen[1].join(' ')}\nrequests: ${sent.join(', ')}`);
    throw e;
  } finally {
    await context.close();
    await tabs.stop();
  }
});
