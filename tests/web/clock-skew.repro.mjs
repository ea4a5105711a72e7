// A reproducer, not part of the test command (it can fail today): two tabs whose clock is two hours
// ahead of the server's (Playwright's clock; the tokens live one hour) both ask for the session
// while the relay holds the refresh answer back. Expected: one refresh, as with a right clock
// (tests/web/app.test.mjs). Seen on 2026-12-01, on a loaded 2-core machine: a second
// GetTokensFromRefreshToken in 6 of 8 runs of an earlier version of the two-tab test and in 1 of 6
// runs of this file (timing-dependent).
// Most likely why (from the request log and the tabs; not proven): Chromium hands another tab's localStorage
// writes to this tab asynchronously, so the tab that takes the Web Lock after the other's refresh
// can read the new tokens with the old `clockDrift` (written last): with a skewed clock the new
// tokens then look expired and it refreshes again. With rotation a fully stale read would send
// the spent refresh token. A fix belongs in the browser adapter / client (crates/wasm, client).
//   WEB_TESTS=tests/web/clock-skew.repro.mjs tests/web/run.sh --no-build
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, launchChromium, DEMO } from './stack.mjs';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test('two tabs with a clock two hours ahead: one refresh for both', async () => {
  const tabs = await startStack({ rotation: true, refreshDelayMs: 800 });
  const context = await browser.newContext();
  try {
    const pages = [await context.newPage(), await context.newPage()];
    const ready = (p) => p.locator('body[data-ready="true"]').waitFor();
    const signedIn = (p) => p.getByTestId('status').getByText(`Signed in as ${DEMO.username}`).waitFor();
    await pages[0].goto(tabs.appUrl);
    await ready(pages[0]);
    await pages[0].getByLabel('Username or email').fill(DEMO.username);
    await pages[0].getByLabel('Password').fill(DEMO.password);
    await pages[0].getByRole('button', { name: 'Sign in', exact: true }).click();
    await signedIn(pages[0]);
    await pages[1].goto(tabs.appUrl);
    await ready(pages[1]);
    await signedIn(pages[1]);
    await context.clock.setFixedTime(Date.now() + 2 * 3600 * 1000);
    await Promise.all(pages.map((p) => p.getByRole('button', { name: 'Check session' }).click()));
    await new Promise((r) => setTimeout(r, 4000));
    const sent = tabs.requests.map((r) => `${r.target} ${r.status}`);
    assert.equal(tabs.refreshes().length, 1, `requests: ${sent.join(', ')}`);
  } finally {
    await context.close();
    await tabs.stop();
  }
});
