// cognito-wasm (crates/wasm, built with the `bench` feature): BenchSrp runs the cognito-srp
// calls cognito-core's sign-in makes, ClientEphemeral::from_bytes (A) and password_claim
// (x, S, HKDF and the signature in one call).
import init_, { BenchSrp } from '../dist/pkg-bench/cognito_wasm.js';

export const name = 'cognito-wasm';
export const steps = false; // password key and signature are one call (password_claim)

export async function init() {
  await init_({ module_or_path: new URL('./pkg-bench/cognito_wasm_bg.wasm', location.href) });
}

const hexBytes = (h) => Uint8Array.from(h.match(/../g), (x) => parseInt(x, 16));

export async function computeA(aHex) {
  const s = new BenchSrp(hexBytes(aHex));
  return { s, srpA: s.srpA() };
}

export async function claim(st, fx) {
  const sig = st.s.claim(fx.poolName, fx.userIdForSrp, fx.password, fx.salt, fx.srpB,
    fx.secretBlock, fx.timestamp);
  st.s.free();
  return sig;
}
