// Shared settings of the interop tests: the default config of cognito-local
// (crates/server/cognito-local.toml), and a reader of its development outbox.
export const ENDPOINT = process.env.COGNITO_ENDPOINT ?? 'http://127.0.0.1:9229';
export const POOL_ID = 'us-east-1_LocalPool1';
export const CLIENT_ID = 'localspaclient000000000001';
export const REDIRECT_URI = 'http://localhost:8080/';

/** A username no other test run uses. */
export function uniqueName(prefix) {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** The newest code the server "sent" to `username` (GET /_dev/outbox). */
export async function latestCode(username, purpose) {
  const res = await fetch(`${ENDPOINT}/_dev/outbox?username=${encodeURIComponent(username)}`);
  if (!res.ok) throw new Error(`outbox: HTTP ${res.status}`);
  const { messages } = await res.json();
  const mine = messages.filter((m) => m.username === username && (!purpose || m.purpose === purpose));
  if (mine.length === 0) throw new Error(`no ${purpose ?? ''} code in the outbox for ${username}`);
  return mine[mine.length - 1].code;
}

/** Decodes a JWT's claims without verifying it (the test checks values, pycognito checks signatures). */
export function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}
