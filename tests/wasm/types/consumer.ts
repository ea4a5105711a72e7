// Type-checks the hand-written declarations of the npm package (crates/wasm/src/typescript.rs)
// the way an app uses them: every method with its input and result, the signInStep union,
// event payloads and error names. Each `@ts-expect-error` line is a deliberate misuse that
// must NOT type-check: tsc fails on an unused `@ts-expect-error`, so a declaration that got too
// loose (an `any`, a missing union member check) fails this test too.
//   tests/wasm/typecheck.sh (after scripts/wasm-size.sh has built crates/wasm/pkg)
import init, { Auth } from '../../../crates/wasm/pkg/cognito_wasm.js';
import type {
  AuthConfig,
  AuthError,
  AuthEventPayload,
  SignInNextStep,
  SignInStep,
} from '../../../crates/wasm/pkg/cognito_wasm.js';

const config: AuthConfig = {
  userPoolId: 'eu-west-1_Abc123',
  userPoolClientId: 'client',
  endpoint: 'http://127.0.0.1:9229/',
  storage: 'sessionStorage',
  timeout: 10_000,
  oauth: {
    domain: 'auth.example.com',
    redirectSignIn: ['http://localhost:8080/'],
    redirectSignOut: 'http://localhost:8080/',
    scopes: ['openid', 'email'],
    responseType: 'code',
  },
};

function describeStep(step: SignInNextStep): string {
  switch (step.signInStep) {
    case 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED':
      return step.missingAttributes.join(',');
    case 'CONFIRM_SIGN_IN_WITH_SMS_CODE':
    case 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE':
      return step.codeDeliveryDetails.destination ?? '';
    case 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION':
    case 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION':
      return step.allowedMFATypes.join(',');
    case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP':
      return step.totpSetupDetails.getSetupUri('App').href;
    case 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE':
      return Object.keys(step.additionalInfo).join(',');
    case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
    case 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP':
    case 'CONFIRM_SIGN_UP':
    case 'RESET_PASSWORD':
    case 'DONE':
      return step.signInStep;
    default: {
      const never: never = step;
      return never;
    }
  }
}

export async function everyMethod(): Promise<void> {
  await init();
  const auth = new Auth(config);
  const custom = new Auth({
    userPoolId: 'eu-west-1_Abc123',
    userPoolClientId: 'client',
    storage: { getItem: async (k: string) => k, setItem: () => {}, removeItem: async () => {} },
  });
  custom.free();

  const up = await auth.signUp({ username: 'a', password: 'p', options: { userAttributes: { email: 'a@b.c' } } });
  if (up.nextStep.signUpStep === 'CONFIRM_SIGN_UP') {
    console.log(up.nextStep.codeDeliveryDetails?.deliveryMedium, up.userId);
  }
  await auth.confirmSignUp({ username: 'a', confirmationCode: '123456' });
  const delivery = await auth.resendSignUpCode({ username: 'a' });
  console.log(delivery.destination);

  const res = await auth.signIn({ username: 'a', password: 'p', options: { authFlowType: 'USER_PASSWORD_AUTH' } });
  const step: SignInStep = res.nextStep.signInStep;
  console.log(res.isSignedIn, step, describeStep(res.nextStep));
  await auth.confirmSignIn({ challengeResponse: '123456' });

  const url: string = await auth.signInWithRedirect({ provider: 'Google', customState: 's', navigate: false });
  await auth.signInWithRedirect({ provider: { custom: 'Okta' } });
  const back = await auth.handleRedirect(url);
  console.log(back.username, back.customState);

  const session = await auth.fetchAuthSession({ forceRefresh: true });
  if (session.tokens) {
    const bearer = `Bearer ${session.tokens.idToken?.toString() ?? ''}`;
    const exp: number | undefined = session.tokens.accessToken.payload.exp;
    const groups: string[] | undefined = session.tokens.accessToken.payload['cognito:groups'];
    console.log(bearer, exp, groups, session.userSub);
  }
  const user = await auth.getCurrentUser();
  console.log(user.username, user.userId);

  await auth.resetPassword({ username: 'a' });
  await auth.confirmResetPassword({ username: 'a', confirmationCode: '1', newPassword: 'n' });
  await auth.updatePassword({ oldPassword: 'o', newPassword: 'n' });
  const attrs = await auth.fetchUserAttributes();
  console.log(attrs['email']);
  const updated = await auth.updateUserAttributes({ userAttributes: { name: 'A' } });
  console.log(updated['name']?.nextStep.updateAttributeStep);
  await auth.sendUserAttributeVerificationCode({ userAttributeKey: 'email' });
  await auth.confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: '1' });
  await auth.deleteUserAttributes({ userAttributeKeys: ['name'] });
  const totp = await auth.setUpTOTP();
  console.log(totp.sharedSecret, totp.getSetupUri('App', 'a@b.c').toString());
  await auth.verifyTOTPSetup({ code: '123456', options: { friendlyDeviceName: 'phone' } });
  await auth.updateMFAPreference({ totp: 'PREFERRED', sms: 'DISABLED' });
  const mfa = await auth.fetchMFAPreference();
  console.log(mfa.enabled, mfa.preferred);

  const off = auth.on('signedIn', (p) => console.log(p.data.username));
  const offState = auth.on('customOAuthState', (p) => console.log(p.data.toUpperCase()));
  offState();
  auth.on('tokenRefresh_failure', (p: AuthEventPayload<'tokenRefresh_failure'>) => console.log(p.data.error.name));
  off();
  await auth.signOut({ global: true });
  await auth.deleteUser();

  try {
    await auth.signIn({ username: 'a', password: 'wrong' });
  } catch (e) {
    const err = e as AuthError;
    if (err.name === 'NotAuthorizedException' || err.name === 'NetworkError') console.log(err.message, err.recoverySuggestion);
    const cause = err.cause;
    if (cause && 'httpStatusCode' in cause) {
      const status: number = cause.httpStatusCode;
      console.log(status);
    }
    if (cause?.name === 'TimeoutError') console.log(cause.message);
  }
}

export async function misuse(auth: Auth): Promise<void> {
  // @ts-expect-error userPoolClientId is required
  new Auth({ userPoolId: 'eu-west-1_Abc123' });
  // @ts-expect-error storage is one of the known names or an object
  new Auth({ userPoolId: 'x', userPoolClientId: 'y', storage: 'cookies' });
  // @ts-expect-error only the code flow
  new Auth({ userPoolId: 'x', userPoolClientId: 'y', oauth: { domain: 'd', redirectSignIn: 'r', responseType: 'token' } });
  // @ts-expect-error the timeout is a number of milliseconds
  new Auth({ userPoolId: 'x', userPoolClientId: 'y', timeout: '5s' });
  // @ts-expect-error username is required
  await auth.signIn({ password: 'p' });
  // @ts-expect-error unknown flow
  await auth.signIn({ username: 'a', options: { authFlowType: 'CUSTOM_AUTH' } });
  // @ts-expect-error challengeResponse is required
  await auth.confirmSignIn({ code: '1' });
  const res = await auth.signIn({ username: 'a', password: 'p' });
  // @ts-expect-error not a signInStep
  if (res.nextStep.signInStep === 'CONFIRM_SIGN_IN_WITH_PASSKEY') console.log(res);
  // @ts-expect-error missingAttributes exists only on the new-password step
  console.log(res.nextStep.missingAttributes);
  // @ts-expect-error forceRefresh is a boolean
  await auth.fetchAuthSession({ forceRefresh: 'yes' });
  const s = await auth.fetchAuthSession();
  // @ts-expect-error tokens may be absent
  console.log(s.tokens.accessToken);
  // @ts-expect-error not an event name
  auth.on('signIn', () => {});
  // @ts-expect-error signedOut carries no data
  auth.on('signedOut', (p) => console.log(p.data));
  // @ts-expect-error MFA preferences are named values
  await auth.updateMFAPreference({ totp: true });
  // @ts-expect-error the result is a Promise, not a session
  const notAwaited: { tokens?: unknown } = auth.fetchAuthSession().tokens;
  console.log(notAwaited);
}
