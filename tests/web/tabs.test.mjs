// Two tabs of the example app (web/) whose localStorage writes reach each other late, as Chromium
// hands one renderer's writes to another asynchronously: the tab that takes the refresh lock
// right after the other released it may still read the session as it was before that refresh
// (or the new tokens with the old `clockDrift`, written last). With refresh-token rotation on, a
// second refresh from such a read sends a spent token, Cognito refuses it, and a good session
// would be cleared. The package waits under the lock until the storage shows what the other
// tab announced (crates/client, `Client::new`), so: one refresh per round, both tabs keep the
// session.
//
// The clock is what makes the stale read matter even without rotation: the tabs' clock jumps two
// hours ahead of the server's after sign-in (Playwright's clock; the tokens live one hour), so a
// refresh stores a drift of -2 h and a read of the new tokens with the old drift finds them
// expired. Seen before the fix (2026-12-01): a second GetTokensFromRefreshToken in 1 of 6 runs.
//   tests/web/run.sh (or WEB_TESTS=tests/web/tabs.test.mjs tests/web/run.sh --no-build)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, launchChromium, DEMO, CLIENT_ID } from './stack.mjs';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const ROUNDS = 3;

test('two tabs with a clock hours ahead: one refresh per round for both, no session lost, a sign-out followed', async () => {
  const tabs = await startStack({ rotation: true, refreshDelayMs: 800 });
  const context = await browser.newContext();
  const pages = [await context.newPage(), await context.newPage()];
  const errors = [];
  for (const p of pages) {
    p.setDefaultTimeout(20_000);
    p.on('pageerror', (e) => errors.push(e));
  }
  const logs = [];
  pages.forEach((p, i) => p.on('console', (m) => logs.push(`tab ${i}: ${m.text()}`)));
  const status = (p) => p.getByTestId('status');
  const ready = (p) => p.locator('body[data-ready="true"]').waitFor();
  const signedIn = (p) => status(p).getByText(`Signed in as ${DEMO.username}`).waitFor();
  const stored = (p) =>
    p.evaluate((k) => localStorage.getItem(k), `CognitoIdentityServiceProvider.${CLIENT_ID}.${DEMO.username}.refreshToken`);
  try {
    await pages[0].goto(tabs.appUrl);
    await ready(pages[0]);
    await pages[0].getByLabel('Username or email').fill(DEMO.username);
    await pages[0].getByLabel('Password').fill(DEMO.password);
    await pages[0].getByRole('button', { name: 'Sign in', exact: true }).click();
    await signedIn(pages[0]);
    await pages[1].goto(tabs.appUrl);
    await ready(pages[1]);
    await signedIn(pages[1]);

    const start = Date.now();
    for (let round = 1; round <= ROUNDS; round++) {
      const before = tabs.refreshes().length;
      const tokenBefore = await stored(pages[0]);
      // Each round two hours further: the tokens of the round before look expired.
      await context.clock.setFixedTime(start + round * 2 * 3600 * 1000);
      await Promise.all(pages.map((p) => p.getByRole('button', { name: 'Check session' }).click()));
      // Each tab hears one tokenRefresh per round (its own or the other's). (Not the expiry
      // shown: tokens issued within the same second as the last ones expire at the same second.)
      for (const p of pages) {
        await p.getByTestId('refreshes').getByText(String(round), { exact: true }).waitFor();
        await signedIn(p);
      }
      // Let anything still queued arrive before counting.
      await new Promise((r) => setTimeout(r, 2500));
      const refreshes = tabs.refreshes().slice(before);
      const sent = refreshes.map((r) => `${r.target} ${r.status}`);
      assert.equal(refreshes.length, 1, `round ${round}: one refresh (${sent.join(', ')})`);
      assert.equal(refreshes[0].status, 200, `round ${round}: ${sent.join(', ')}`);
      const [one, two] = await Promise.all(pages.map(stored));
      assert.ok(one && one === two && one !== tokenBefore, `round ${round}: both tabs hold the one new refresh token`);
      for (const p of pages) {
        assert.equal(await p.getByTestId('refreshes').textContent(), String(round), `round ${round}: one tokenRefresh`);
        assert.equal(await p.getByTestId('error').textContent(), '', `round ${round}: no error shown`);
      }
    }

    // A sign-out in one tab: the other follows, and stays signed out (no refresh from a stale
    // read of the ended session).
    const beforeSignOut = tabs.refreshes().length;
    await pages[0].getByRole('button', { name: 'Sign out' }).click();
    await status(pages[1]).getByText('Signed out').waitFor();
    await pages[1].getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await status(pages[1]).textContent(), 'Signed out');
    assert.equal(await stored(pages[1]), null, 'the session is gone from the shared storage');
    assert.equal(tabs.refreshes().length, beforeSignOut, 'signing out sent no refresh');
    assert.deepEqual(errors, []);
  } catch (e) {
    // What each tab showed and held, and what reached the server, for the failure message.
    for (const [i, p] of pages.entries()) {
      const seen = await p
        .evaluate(() => ({
          fields: ['status', 'error', 'expires', 'refreshes'].map(
            (id) => `${id}=${document.querySelector(`[data-testid="${id}"]`)?.textContent}`,
          ),
          now: new Date().toISOString(),
          keys: Object.entries(localStorage).map(([k, v]) => `${k.split('.').slice(-1)[0]}=${v.slice(-12)}`),
        }))
        .catch((err) => String(err));
      console.error(`tab ${i}: ${JSON.stringify(seen)}`);
    }
    console.error(logs.join('\n'));
    const sent = tabs.requests.map((r) => `${r.target || `${r.method} ${r.path}`} ${r.status}`);
    console.error(`requests: ${sent.join(', ')}`);
    throw e;
  } finally {
    await context.close();
    await tabs.stop();
  }
});

test('two tabs whose storage shows the other tab\'s writes late: refreshes at once lose no session, a sign-out wins over the stale read', async () => {
  // Every round the tabs' clock moves two hours on (the tokens live one) and both ask for the
  // session at the same moment: one takes the lock and refreshes (the relay holds the answer
  // back), the other takes the lock next while its storage still shows the old session for
  // 400 ms. With rotation a second refresh would send the spent token, be refused, and clear
  // the session in both tabs. (Not forced refreshes: a forced call takes only tokens issued
  // since it began, in whole seconds, so two forced calls may rightly refresh twice.)
  const tabs = await startStack({ rotation: true, refreshDelayMs: 300 });
  const context = await browser.newContext();
  const pages = [await context.newPage(), await context.newPage()];
  const errors = [];
  for (const p of pages) {
    p.setDefaultTimeout(20_000);
    p.on('pageerror', (e) => errors.push(e));
  }
  const logs = [];
  pages.forEach((p, i) => p.on('console', (m) => logs.push(`tab ${i}: ${m.text()}`)));
  const key = `CognitoIdentityServiceProvider.${CLIENT_ID}.${DEMO.username}.refreshToken`;
  const stored = (p) => p.evaluate((k) => localStorage.getItem(k), key);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  try {
    for (const p of pages) {
      await p.goto(`${tabs.appUrl}/lag/`);
      // An empty body is not "visible": wait for it to be there.
      await p.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
    }
    await pages[0].evaluate((u) => window.auth.signIn(u), { username: DEMO.username, password: DEMO.password });
    await sleep(1000);
    assert.ok(await pages[1].evaluate(async () => !!(await window.auth.fetchAuthSession()).tokens), 'tab two sees the sign-in');

    const start = Date.now();
    for (let round = 1; round <= 3; round++) {
      const before = tabs.refreshes().length;
      const tokenBefore = await stored(pages[0]);
      await context.clock.setFixedTime(start + round * 2 * 3600 * 1000);
      const got = await Promise.all(
        pages.map((p) =>
          p.evaluate(async () => {
            const s = await window.auth.fetchAuthSession();
            return s.tokens ? 'tokens' : 'none';
          }),
        ),
      );
      await sleep(1000);
      const sent = tabs.refreshes().slice(before).map((r) => `${r.target} ${r.status}`);
      assert.deepEqual(got, ['tokens', 'tokens'], `round ${round}: both tabs have a session (${sent.join(', ')})`);
      // The tab that takes the lock next may not have heard the other's announcement yet
      // (BroadcastChannel and Web Locks are separate): then it sends the spent token, is
      // refused, and takes the session its storage shows 400 ms later. Either way one refresh
      // succeeds and nothing is lost.
      assert.deepEqual(
        sent.filter((r) => !r.endsWith(' 400')),
        ['GetTokensFromRefreshToken 200'],
        `round ${round}: one refresh (${sent.join(', ')})`,
      );
      const [one, two] = await Promise.all(pages.map(stored));
      assert.ok(one && one === two && one !== tokenBefore, `round ${round}: the one new refresh token`);
    }
    for (const p of pages) {
      const events = await p.evaluate(() => window.events);
      assert.deepEqual(events.filter((e) => e === 'signedOut' || e.endsWith('_failure')), [], `${events}`);
    }

    await pages[0].evaluate(() => window.auth.signOut());
    await sleep(1000);
    assert.deepEqual(await pages[1].evaluate(() => window.afterSignOut), ['none'], 'the sign-out wins over the stale read');
    assert.equal(await pages[1].evaluate(async () => !!(await window.auth.fetchAuthSession()).tokens), false);
    assert.deepEqual(errors, []);
  } catch (e) {
    const sent = tabs.requests.map((r) => `${r.target || `${r.method} ${r.path}`} ${r.status}`);
    console.error(`requests: ${sent.join(', ')}`);
    for (const [i, p] of pages.entries()) {
      console.error(`tab ${i} events: ${await p.evaluate(() => window.events).catch(String)}`);
    }
    console.error(`page errors: ${errors.join('; ')}\n${logs.join('\n')}`);
    throw e;
  } finally {
    await context.close();
    await tabs.stop();
  }
});
