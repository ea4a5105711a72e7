// cognito-wasm (crates/wasm, built with the `bench` feature): BenchSrp runs the cognito-srp
// calls cognito-core's sign-in makes, ClientEphemeral::from_bytes (A) and password_claim
// (x, S, HKDF and the signature in one call). `ours(glue, wasmFile)` binds it to one build.
export function ours(glue, wasmFile, name = 'cognito-wasm') {
  const hexBytes = (h) => Uint8Array.from(h.match(/../g), (x) => parseInt(x, 16));
  return {
    name,
    async init() {
      await glue.default({ module_or_path: new URL(wasmFile, location.href) });
    },
    async computeA(aHex) {
      const s = new glue.BenchSrp(hexBytes(aHex));
      return { s, srpA: s.srpA() };
    },
    // password key and signature are one call (password_claim), as in the sign-in
    async claim(st, fx) {
      const sig = st.s.claim(fx.poolName, fx.userIdForSrp, fx.password, fx.salt, fx.srpB,
        fx.secretBlock, fx.timestamp);
      st.s.free();
      return sig;
    },
  };
}
