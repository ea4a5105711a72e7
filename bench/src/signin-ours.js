// cognito-wasm's real sign-in (the release package): `new Auth({...})` then `signIn`, with the
// SRP ephemeral precomputed when idle (the default) or, with ?precompute=0, in the sign-in.
import init, { Auth } from '../dist/pkg/cognito_wasm.js';
import { signinHarness } from './signin-harness.js';

const q = new URLSearchParams(location.search);
await init({ module_or_path: new URL('./pkg/cognito_wasm_bg.wasm', location.href) });
const auth = new Auth({
  userPoolId: q.get('pool'),
  userPoolClientId: q.get('client'),
  endpoint: new URL('/idp/', location.href).href,
  storage: 'memory',
  srpPrecompute: q.get('precompute') !== '0',
});
signinHarness(async (username, password) => {
  const out = await auth.signIn({ username, password });
  if (!out.isSignedIn) throw new Error(`not signed in: ${out.nextStep && out.nextStep.signInStep}`);
});
