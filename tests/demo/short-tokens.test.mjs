// Run by tests/demo/run.sh against cognito-local with 70-second ID and access tokens: the
// client refreshes 60 s before expiry, so 10 s after signing in every API call needs fresh
// tokens, and the app must get them without the user noticing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API, APP, COGNITO, DEMO_USER, launch, storageKey } from './lib.mjs';

const KEY = storageKey(DEMO_USER.username, 'idToken');

test('short-lived tokens refresh silently while the user stays on the notes page', async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(`${APP}/signin?next=%2Fnotes`);
    await page.getByLabel('Email or username').fill('demo');
    await page.getByLabel('Password', { exact: true }).fill('DemoPassw0rd!');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${APP}/notes`);
    await page.locator('[data-testid="notes"], [data-testid="notes-empty"]').first().waitFor();
    const first = await page.evaluate((k) => localStorage.getItem(k), KEY);
    const exp = JSON.parse(Buffer.from(first.split('.')[1], 'base64url')).exp;
    assert.ok(exp - Date.now() / 1000 <= 71, 'the server issued a short-lived token');

    const run = Date.now();
    // The second note's POST is held back for 2 s in the browser: the click needs fresh tokens
    // first, so the refresh and its `tokenRefresh` event land while the note is still on its
    // way. The app once re-rendered the notes page on that event and the note, stored a moment
    // later, never appeared on screen; the hold makes that race happen every time.
    let refreshes = 0;
    page.on('request', (r) => {
      const target = r.headers()['x-amz-target'] ?? '';
      const refresh = target.endsWith('.GetTokensFromRefreshToken')
        || (target.endsWith('.InitiateAuth') && r.postData()?.includes('REFRESH_TOKEN_AUTH'));
      if (r.url().startsWith(COGNITO) && refresh) refreshes++;
    });
    let refreshesBeforeHeld = null;
    await page.route(`${API}/notes`, async (route) => {
      if (route.request().method() === 'POST' && route.request().postData()?.includes('second')) {
        refreshesBeforeHeld = refreshes;
        await new Promise((r) => setTimeout(r, 2_000));
      }
      await route.continue();
    });
    for (const text of [`first, after 12 s (${run})`, `second, after 24 s (${run})`]) {
      await page.waitForTimeout(12_000);
      await page.getByLabel('New note').fill(text);
      await page.getByRole('button', { name: 'Add note' }).click();
      await page.locator('.note-text', { hasText: text }).waitFor().catch(async (e) => {
        const shown = await page.locator('.error, .notice').allTextContents();
        throw new Error(`the note did not appear (shown: ${JSON.stringify(shown)}): ${e.message}`);
      });
    }
    const last = await page.evaluate((k) => localStorage.getItem(k), KEY);
    assert.notEqual(last, first, 'the ID token was refreshed');
    // Each note's click refreshed first (its tokens were within a minute of expiry), so the
    // second refresh, and its event, happened while that note was held back. (This counts on
    // the notes page making no call of its own between the two clicks, which it does not.)
    assert.equal(refreshesBeforeHeld, 2, 'both clicks refreshed the tokens before posting');
    assert.equal(new URL(page.url()).pathname, '/notes', 'the user never left the notes page');
    assert.equal(await page.locator('.notice').count(), 0, 'no notice, no sign-in prompt');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
