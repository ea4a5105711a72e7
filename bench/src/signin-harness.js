// The page side of the real sign-in benchmark (bench/run.mjs, section 2): one page per client
// library, each signing in for real against cognito-local (proxied by bench/run.mjs under
// /idp/, same origin) the way an app calls it. `window.signin = { ready(), signIn(user, pw) }`.
//
// Long tasks: a PerformanceObserver on 'longtask' (Chromium reports tasks over 50 ms only),
// from the call to the settled promise (and 300 ms after, for anything the library leaves
// behind). The time is the call → resolved wall time: the client's work, two round trips to
// a local server and the server's own SRP work.
export function signinHarness(signIn) {
  const longtasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longtasks.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no longtask support: the table then says "none", which the step times contradict
  }
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  window.signin = {
    // Gives the page time to go idle after load (and cognito-wasm its idle-time precompute).
    async ready(ms) {
      await sleep(ms);
      return true;
    },
    async signIn(username, password) {
      await sleep(0);
      const t0 = performance.now();
      let error = null;
      try {
        await signIn(username, password);
      } catch (e) {
        error = `${e && e.name}: ${e && e.message}`;
      }
      const ms = performance.now() - t0;
      await sleep(300);
      const during = longtasks.filter((t) => t.start + t.ms >= t0 && t.start <= t0 + ms + 300);
      return { ms, error, longtasks: during.map((t) => t.ms) };
    },
  };
}
