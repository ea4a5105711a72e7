// Interop in the browser, one origin: a session signed in by the unmodified
// amazon-cognito-identity-js 6.3.21 is picked up by the packed cognito-wasm (and by the example
// app), and a session signed in by ours is read by acij, whose tokens then work.
// Also: the installed package imported by a plain <script type="module"> (tests/web/plain/).
// The page (tests/web/interop/, built by tests/web/run.sh) is served at /interop/ by the same
// static server as the app, so both share localStorage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, launchChromium, DEMO } from './stack.mjs';

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

async function interopPage(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${stack.appUrl}/interop/`);
  await page.locator('body[data-ready="true"]').waitFor();
  return { page, errors };
}

test('a session signed in by amazon-cognito-identity-js is picked up by cognito-wasm', async () => {
  const context = await browser.newContext();
  const { page, errors } = await interopPage(context);
  const acij = await page.evaluate(([u, p]) => window.interop.acij.signIn(u, p), [DEMO.username, DEMO.password]);
  assert.ok(acij.idToken && acij.refreshToken, 'acij signed in');

  const ours = await page.evaluate(() => window.interop.ours.session());
  assert.equal(ours?.idToken, acij.idToken, "ours reads acij's ID token");
  assert.equal(ours.accessToken, acij.accessToken, "ours reads acij's access token");
  assert.equal((await page.evaluate(() => window.interop.ours.user())).username, DEMO.username);
  const attrs = await page.evaluate(() => window.interop.ours.attributes());
  assert.equal(attrs.email, DEMO.email, "acij's access token works for our GetUser");

  // Our refresh uses acij's refresh token, and acij then reads the new tokens.
  const before = stack.refreshes().length;
  const refreshed = await page.evaluate(() => window.interop.ours.session(true));
  assert.notEqual(refreshed.idToken, acij.idToken, 'new tokens');
  assert.equal(stack.refreshes().length, before + 1);
  const acijAfter = await page.evaluate(() => window.interop.acij.session());
  assert.equal(acijAfter.idToken, refreshed.idToken, 'acij reads the refreshed tokens');
  assert.ok(acijAfter.valid);

  // The example app (another page of the origin) starts signed in.
  const app = await context.newPage();
  await app.goto(stack.appUrl);
  await app.getByTestId('status').getByText(`Signed in as ${DEMO.username}`).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a session signed in by cognito-wasm is read by amazon-cognito-identity-js, and its tokens work', async () => {
  const context = await browser.newContext();
  // Ours signs in through the example app's form.
  const app = await context.newPage();
  app.setDefaultTimeout(20_000);
  await app.goto(stack.appUrl);
  await app.getByLabel('Username or email').fill(DEMO.username);
  await app.getByLabel('Password').fill(DEMO.password);
  await app.getByRole('button', { name: 'Sign in', exact: true }).click();
  await app.getByTestId('status').getByText(`Signed in as ${DEMO.username}`).waitFor();

  const { page, errors } = await interopPage(context);
  const ours = await page.evaluate(() => window.interop.ours.session());
  const acij = await page.evaluate(() => window.interop.acij.session());
  assert.equal(acij?.username, DEMO.username, 'acij finds the user (LastAuthUser)');
  assert.ok(acij.valid, "acij's getSession() finds a valid session");
  assert.equal(acij.idToken, ours.idToken);
  assert.equal(acij.accessToken, ours.accessToken);
  assert.ok(acij.refreshToken, 'acij reads our refresh token');

  const attrs = await page.evaluate(() => window.interop.acij.attributes());
  assert.equal(attrs.email, DEMO.email, "acij's GetUser works with our access token");
  // acij refreshes with our refresh token (REFRESH_TOKEN_AUTH), and ours reads its result.
  const refreshed = await page.evaluate(() => window.interop.acij.refresh());
  assert.notEqual(refreshed.idToken, ours.idToken);
  const oursAfter = await page.evaluate(() => window.interop.ours.session());
  assert.equal(oursAfter.idToken, refreshed.idToken, "ours reads acij's refreshed tokens");

  // Our sign-out leaves nothing for acij.
  await page.evaluate(() => window.interop.ours.signOut());
  assert.equal(await page.evaluate(() => window.interop.acij.session()), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the entry module: a bad config rejects every call before the module loads, and throws after', async () => {
  const context = await browser.newContext();
  const { page, errors } = await interopPage(context);
  const entry = await page.evaluate(() => window.interop.entry);
  assert.equal(entry.earlyOn, 'function', 'on() answers an unsubscribe function at once');
  for (const [what, r] of Object.entries({ earlyCall: entry.earlyCall, afterLoad: entry.afterLoad, create: entry.create })) {
    assert.equal(r.name, 'ConfigError', `${what}: ${JSON.stringify(r)}`);
    assert.ok(r.isError, `${what}: a real Error`);
    assert.match(r.message, /pool/i, `${what}: says what is wrong`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a plain <script type="module"> imports the package as installed: no bundler, no init(); a failed load is retried', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const wasm = page.waitForResponse((r) => r.url().endsWith('/pkg/cognito_wasm_bg.wasm'), { timeout: 20_000 });
  const q = new URLSearchParams({ username: DEMO.username, password: DEMO.password });
  await page.goto(`${stack.appUrl}/plain/?${q}`);
  assert.equal((await wasm).headers()['content-type'], 'application/wasm', 'found next to index.js');
  // First a preload() from a wrong URL: a ModuleLoadError, then the default URL works.
  await page.getByTestId('result').getByText(`ModuleLoadError true DONE ${DEMO.username}`).waitFor({ timeout: 20_000 });
  assert.deepEqual(errors, []);
  await context.close();
});
