// cognito-wasm's real sign-in (the release package through its entry module, as an app imports
// it): `Auth.create({...})` then `signIn`, with the SRP ephemeral precomputed when idle (the
// default) or, with ?precompute=0, in the sign-in.
import { Auth } from 'cognito-wasm';
import { signinHarness } from './signin-harness.js';

const q = new URLSearchParams(location.search);
const auth = await Auth.create({
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
