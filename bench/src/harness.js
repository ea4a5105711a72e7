// The page side of bench/run.mjs: one page per implementation exposes `window.bench`.
// Every implementation module exports name, init(fx), computeA(aHex, fx) -> state with srpA,
// and either claim(state, fx) -> signature (ours: one call) or passwordKey(state, fx) ->
// HKDF key plus signature(key, fx) -> signature.
export function harness(impl) {
  const longtasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longtasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no longtask support: the in-page step times still say it
  }
  let fx;
  const now = () => performance.now();
  const randomHex = (n) => {
    const b = crypto.getRandomValues(new Uint8Array(n));
    b[0] |= 1; // a full-length a, as the clients' own draws are in practice
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  };
  async function claim(st) {
    if (impl.claim) return { sig: await impl.claim(st, fx), tKey: NaN, tSig: NaN };
    const t0 = now();
    const key = await impl.passwordKey(st, fx);
    const t1 = now();
    const sig = impl.signature(key, fx);
    return { sig, tKey: t1 - t0, tSig: now() - t1 };
  }
  window.bench = {
    name: impl.name,
    async setup() {
      fx = await (await fetch('fixture.json')).json();
      await impl.init(fx);
      return { crossOriginIsolated: self.crossOriginIsolated, ua: navigator.userAgent };
    },
    // The fixture's own a (32 and 128 bytes): A and the signature must equal what
    // cognito-srp's server side accepted.
    async verify() {
      const out = [];
      for (const c of fx.clients) {
        const st = await impl.computeA(c.aHex, fx);
        const { sig } = await claim(st);
        out.push({ aBytes: c.aBytes, srpA: st.srpA === c.srpA, signature: sig === c.signature, got: sig });
      }
      return out;
    },
    // One sign-in's client math with a fresh random a of n bytes, step by step.
    async run(n) {
      const aHex = randomHex(n);
      const t0 = now();
      const st = await impl.computeA(aHex, fx);
      const t1 = now();
      const { sig, tKey, tSig } = await claim(st);
      const t2 = now();
      if (typeof sig !== 'string' || sig.length !== 44) throw new Error('no signature');
      return { a: t1 - t0, key: tKey, sig: tSig, claim: t2 - t1, full: t2 - t0 };
    },
    // A sign-in as the clients run it on the main thread: A in the task that sends
    // InitiateAuth, the claim in the task that handles its answer (a 30 ms stand-in for the
    // round trip). With precomputed, A was computed earlier (before the user submits).
    async signIn(n, precomputed) {
      const aHex = randomHex(n);
      let st = precomputed ? await impl.computeA(aHex, fx) : null;
      await new Promise((r) => setTimeout(r, 200));
      const from = longtasks.length;
      await new Promise((r) => setTimeout(r, 0));
      const t0 = now();
      if (!st) st = await impl.computeA(aHex, fx);
      const tA = precomputed ? 0 : now() - t0;
      await new Promise((r) => setTimeout(r, 30));
      const t1 = now();
      await claim(st);
      const tC = now() - t1;
      await new Promise((r) => setTimeout(r, 300));
      return { tA, tC, longtasks: longtasks.slice(from) };
    },
  };
}
