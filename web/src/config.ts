// Where the app's user pool is: read at start-up from `config.json` next to the page, so one
// build runs against cognito-local, a test's servers or a real pool (edit public/config.json).
import type { AuthConfig } from 'cognito-wasm';

export interface AppConfig {
  userPoolId: string;
  userPoolClientId: string;
  /** Omit for AWS (the regional endpoint from the pool id). */
  endpoint?: string;
  /** The hosted UI's domain (`auth.example.com` or a full base URL); omit to hide its button. */
  oauthDomain?: string;
}

function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Error(`config.json: "${key}" must be a string`);
  return v;
}

function requiredString(o: Record<string, unknown>, key: string): string {
  const v = optionalString(o, key);
  if (!v) throw new Error(`config.json: "${key}" is required`);
  return v;
}

export async function loadConfig(): Promise<AppConfig> {
  const res = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const raw: unknown = await res.json();
  if (typeof raw !== 'object' || raw === null) throw new Error('config.json: not an object');
  const o = raw as Record<string, unknown>;
  return {
    userPoolId: requiredString(o, 'userPoolId'),
    userPoolClientId: requiredString(o, 'userPoolClientId'),
    endpoint: optionalString(o, 'endpoint'),
    oauthDomain: optionalString(o, 'oauthDomain'),
  };
}

/** The package's config: tokens in localStorage (shared by the tabs), the hosted UI coming back
 *  to this page. */
export function authConfig(app: AppConfig): AuthConfig {
  const here = `${location.origin}/`;
  const config: AuthConfig = {
    userPoolId: app.userPoolId,
    userPoolClientId: app.userPoolClientId,
    storage: 'localStorage',
  };
  if (app.endpoint) config.endpoint = app.endpoint;
  if (app.oauthDomain) {
    config.oauth = {
      domain: app.oauthDomain,
      redirectSignIn: here,
      redirectSignOut: here,
      scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      responseType: 'code',
    };
  }
  return config;
}
