// The entry module's declarations (crates/wasm/npm/index.d.ts) as installed from the tarball:
// what it adds type-checks, and the `Auth` it exports keeps every type of the hand-written
// declarations (each `@ts-expect-error` is a misuse that must fail; tsc fails on an unused one,
// so a wrapper typed too loosely, e.g. as `any`, fails this check).
//   web/node_modules/.bin/tsc -p tests/web/types   (tests/web/run.sh)
import { Auth, preload, initSync } from 'cognito-wasm';
import type { AuthConfig, AuthSession, PackageErrorName, SignInOutput } from 'cognito-wasm';

const config: AuthConfig = { userPoolId: 'eu-west-1_Abc123', userPoolClientId: 'client' };

export async function uses(): Promise<void> {
  await preload();
  await preload(new URL('https://cdn.example.com/cognito_wasm_bg.wasm'));
  initSync(new Uint8Array());
  initSync({ module: new Uint8Array() });
  const auth: Auth = new Auth(config);
  const created: Auth = await Auth.create(config);
  const out: SignInOutput = await created.signIn({ username: 'u', password: 'p' });
  if (out.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP') {
    const secret: string = out.nextStep.totpSetupDetails.sharedSecret;
    void secret;
  }
  const session: AuthSession = await auth.fetchAuthSession({ forceRefresh: true });
  void session.tokens?.idToken?.payload.email;
  const off: () => void = auth.on('tokenRefresh', (p) => void p.event);
  off();
  const name: PackageErrorName = 'ModuleLoadError';
  void name;
  auth.free();
}

export async function misuses(auth: Auth): Promise<void> {
  // @ts-expect-error: a config needs the pool and the client
  new Auth({ userPoolId: 'eu-west-1_Abc123' });
  // @ts-expect-error: Auth.create takes a config
  await Auth.create();
  // (No misuse of preload's argument: wasm-bindgen's InitInput includes WebAssembly.Module, an
  // empty interface that any non-null value satisfies.)
  // @ts-expect-error: preload takes no callback
  await preload(undefined, () => {});
  // @ts-expect-error: unknown method
  await auth.signInWithPassword();
  // @ts-expect-error: signIn needs a username
  await auth.signIn({ password: 'p' });
  // @ts-expect-error: not an event
  auth.on('signedInn', () => {});
  const out = await auth.signIn({ username: 'u', password: 'p' });
  // @ts-expect-error: not a signInStep
  if (out.nextStep.signInStep === 'CONFIRM_WITH_TOTP') return;
  // @ts-expect-error: preload resolves with nothing
  const exports: number = await preload();
  void exports;
}
