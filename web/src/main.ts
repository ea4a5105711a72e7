// A small app on the packed cognito-wasm package, written as a web developer would: imports from
// 'cognito-wasm', no init() call, no Vite plugin. Sign-in with SRP and every follow-up step,
// TOTP setup, the hosted UI and its callback, the session, sign-out; other tabs follow through
// the package's events.
import { Auth, preload } from 'cognito-wasm';
import type { AuthError, SignInNextStep, SignInOutput } from 'cognito-wasm';
import { authConfig, loadConfig } from './config';
import './app.css';

// Optional: start fetching the WebAssembly module while config.json loads.
void preload().catch(() => {
  // The first call reports it (an Error named ModuleLoadError) through showError.
});

function el<T extends HTMLElement>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`missing element ${selector}`);
  return found;
}

const status = el<HTMLParagraphElement>('[data-testid="status"]');
const errorBox = el<HTMLParagraphElement>('[data-testid="error"]');
const signinPanel = el<HTMLElement>('#signin-panel');
const stepPanel = el<HTMLElement>('#step-panel');
const accountPanel = el<HTMLElement>('#account-panel');
const stepTitle = el<HTMLElement>('[data-testid="step-title"]');
const stepDetails = el<HTMLDivElement>('#step-details');
const stepForm = el<HTMLFormElement>('#step-form');
const stepLabel = el<HTMLSpanElement>('#step-label');
const stepChoices = el<HTMLDivElement>('#step-choices');
const totpForm = el<HTMLFormElement>('#totp-form');
const field = (name: string) => el<HTMLElement>(`[data-testid="${name}"]`);

function isAuthError(e: unknown): e is AuthError {
  return e instanceof Error;
}

function showError(e: unknown): void {
  errorBox.textContent = isAuthError(e) ? `${e.name}: ${e.message}` : String(e);
  errorBox.hidden = false;
}

function clearError(): void {
  errorBox.hidden = true;
  errorBox.textContent = '';
}

/** Runs a user action: clears the last error, shows the new one, keeps the button from being
 *  pressed twice. */
function action(button: HTMLButtonElement | null, f: () => Promise<void>): void {
  clearError();
  if (button) button.disabled = true;
  f()
    .catch(showError)
    .finally(() => {
      if (button) button.disabled = false;
    });
}

function show(panel: 'signin' | 'step' | 'account'): void {
  signinPanel.hidden = panel !== 'signin';
  stepPanel.hidden = panel !== 'step';
  accountPanel.hidden = panel !== 'account';
}

// No top-level await: Vite's default build target (es2020) has none.
async function main(): Promise<void> {
  const config = await loadConfig();
  const auth = new Auth(authConfig(config));
  el<HTMLButtonElement>('#hosted-ui').hidden = !config.oauthDomain;

  let refreshes = 0;
  let renderSeq = 0;

  /** Shows the session the package has (refreshed first when due), or the sign-in form. */
  async function render(): Promise<void> {
    const seq = ++renderSeq;
    const session = await auth.fetchAuthSession();
    if (seq !== renderSeq) return; // a later render is under way
    const tokens = session.tokens;
    if (!tokens) {
      status.textContent = 'Signed out';
      if (stepPanel.hidden) show('signin');
      return;
    }
    const user = await auth.getCurrentUser();
    const mfa = await auth.fetchMFAPreference();
    if (seq !== renderSeq) return;
    const id = tokens.idToken?.payload;
    status.textContent = `Signed in as ${user.username}`;
    field('username').textContent = user.username;
    field('email').textContent = typeof id?.email === 'string' ? id.email : '';
    field('sub').textContent = user.userId;
    field('expires').textContent = id?.exp ? new Date(id.exp * 1000).toISOString() : '';
    // Hosted-UI ID tokens carry the nonce the package sent; SRP ones do not.
    field('source').textContent = id?.nonce !== undefined ? 'hosted UI' : 'SRP (this page)';
    field('refreshes').textContent = String(refreshes);
    field('mfa').textContent = mfa.enabled?.includes('TOTP') ? 'on' : 'off';
    show('account');
  }

  function rerender(): void {
    render().catch(showError);
  }

  auth.on('signedIn', rerender);
  // Here or in another tab. The event is the news: in Chromium another tab's localStorage
  // writes reach this one a moment later, so reading the session back now could still see it.
  auth.on('signedOut', () => {
    renderSeq += 1; // a render under way must not show the old session
    totpForm.hidden = true;
    status.textContent = 'Signed out';
    show('signin');
  });
  auth.on('tokenRefresh', () => {
    refreshes += 1;
    rerender();
  });
  auth.on('tokenRefresh_failure', ({ data }) => showError(data.error));
  auth.on('signInWithRedirect_failure', ({ data }) => showError(data.error));

  // ---- sign-in and its follow-up steps ------------------------------------------------------

  function ask(title: string, label: string, type: 'text' | 'password' = 'text'): void {
    stepTitle.textContent = title;
    stepLabel.textContent = label;
    const input = stepForm.elements.namedItem('answer') as HTMLInputElement;
    input.type = type;
    input.value = '';
    stepForm.hidden = false;
    show('step');
    input.focus();
  }

  /** What the pool asks for next, as Amplify v6's `nextStep`: every member of the union handled
   *  (the `never` below makes a new one a compile error). */
  function next(out: SignInOutput): void {
    const step: SignInNextStep = out.nextStep;
    stepDetails.replaceChildren();
    stepChoices.replaceChildren();
    switch (step.signInStep) {
      case 'DONE':
        show('account');
        rerender();
        return;
      case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
        return ask('Two-step verification', 'Code from your authenticator app');
      case 'CONFIRM_SIGN_IN_WITH_SMS_CODE':
      case 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE':
        return ask('Two-step verification', `Code sent to ${step.codeDeliveryDetails.destination ?? 'you'}`);
      case 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED':
        return ask('Choose a new password', 'New password', 'password');
      case 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE':
        return ask('One more question', 'Answer');
      case 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP':
        return ask('Set up email codes', 'Email address');
      case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP': {
        const secret = document.createElement('p');
        secret.innerHTML = 'Add this key to your authenticator app: <code data-testid="setup-secret"></code>';
        secret.querySelector('code')!.textContent = step.totpSetupDetails.sharedSecret;
        stepDetails.append(secret);
        return ask('Set up an authenticator app', 'Code from the app');
      }
      case 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION':
      case 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION':
        stepTitle.textContent = 'Choose a second step';
        stepForm.hidden = true;
        for (const type of step.allowedMFATypes) {
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = type;
          b.addEventListener('click', () =>
            action(b, async () => next(await auth.confirmSignIn({ challengeResponse: type }))),
          );
          stepChoices.append(b);
        }
        show('step');
        return;
      case 'CONFIRM_SIGN_UP':
        show('signin');
        throw new Error('This account is not confirmed yet: use the code you were sent.');
      case 'RESET_PASSWORD':
        show('signin');
        throw new Error('This account needs a new password: reset it first.');
      default: {
        const unhandled: never = step;
        throw new Error(`unknown step ${JSON.stringify(unhandled)}`);
      }
    }
  }

  el<HTMLFormElement>('#signin-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    action(form.querySelector('button'), async () => {
      const out = await auth.signIn({
        username: String(data.get('username') ?? ''),
        password: String(data.get('password') ?? ''),
      });
      (form.elements.namedItem('password') as HTMLInputElement).value = '';
      next(out);
    });
  });

  stepForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const answer = String(new FormData(stepForm).get('answer') ?? '').trim();
    action(stepForm.querySelector('button'), async () => next(await auth.confirmSignIn({ challengeResponse: answer })));
  });

  el<HTMLButtonElement>('#hosted-ui').addEventListener('click', (ev) => {
    action(ev.currentTarget as HTMLButtonElement, async () => {
      await auth.signInWithRedirect(); // navigates to the hosted UI
    });
  });

  // ---- signed in ----------------------------------------------------------------------------

  el<HTMLButtonElement>('#check-session').addEventListener('click', (ev) => {
    action(ev.currentTarget as HTMLButtonElement, render);
  });

  el<HTMLButtonElement>('#refresh').addEventListener('click', (ev) => {
    action(ev.currentTarget as HTMLButtonElement, async () => {
      await auth.fetchAuthSession({ forceRefresh: true });
    });
  });

  el<HTMLButtonElement>('#signout').addEventListener('click', (ev) => {
    action(ev.currentTarget as HTMLButtonElement, async () => {
      await auth.signOut(); // a hosted-UI session also goes through its /logout and back
    });
  });

  el<HTMLButtonElement>('#totp-start').addEventListener('click', (ev) => {
    action(ev.currentTarget as HTMLButtonElement, async () => {
      const details = await auth.setUpTOTP();
      field('totp-secret').textContent = details.sharedSecret;
      (field('totp-uri') as HTMLAnchorElement).href = details.getSetupUri('cognito-wasm example').href;
      totpForm.hidden = false;
    });
  });

  totpForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const code = String(new FormData(totpForm).get('code') ?? '').trim();
    action(totpForm.querySelector('button'), async () => {
      await auth.verifyTOTPSetup({ code });
      await auth.updateMFAPreference({ totp: 'PREFERRED' });
      totpForm.reset();
      totpForm.hidden = true;
      await render();
    });
  });

  // ---- start --------------------------------------------------------------------------------

  // Back from the hosted UI: the package has already taken the code (at `new Auth`); this waits
  // for the outcome, which also clears `code` and `state` from the address bar.
  const params = new URLSearchParams(location.search);
  if (params.has('state') && (params.has('code') || params.has('error'))) {
    try {
      await auth.handleRedirect();
    } catch (e) {
      showError(e);
    }
  }
  await render().catch(showError);
  document.body.dataset.ready = 'true';
}

main().catch(showError);
