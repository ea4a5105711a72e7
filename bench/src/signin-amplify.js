// Amplify v6's real sign-in: signIn from aws-amplify/auth (USER_SRP_AUTH, its default), the
// user-pool endpoint pointed at cognito-local.
import { Amplify } from 'aws-amplify';
import { signIn } from 'aws-amplify/auth';
import { signinHarness } from './signin-harness.js';

const q = new URLSearchParams(location.search);
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: q.get('pool'),
      userPoolClientId: q.get('client'),
      userPoolEndpoint: new URL('/idp/', location.href).href,
    },
  },
});
signinHarness(async (username, password) => {
  const out = await signIn({ username, password });
  if (!out.isSignedIn) throw new Error(`not signed in: ${out.nextStep && out.nextStep.signInStep}`);
});
