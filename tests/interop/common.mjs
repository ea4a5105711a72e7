// Shared settings of the interop tests: the default config of cognito-local
// (crates/server/cognito-local.toml), a reader of its development outbox, and small helpers.
import { createHmac } from 'node:crypto';

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

/** Calls the user-pool JSON API directly (`POST /`, as the AWS SDKs do) and returns
 *  `{ status, body }`. `Admin*` operations need no SigV4 on cognito-local (loopback only). */
export async function cognito(op, body) {
  const res = await fetch(`${ENDPOINT}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${op}`,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** AdminCreateUser with a known temporary password (no message sent). */
export async function adminCreateUser(username, temporaryPassword, email = `${username}@example.com`) {
  const r = await cognito('AdminCreateUser', {
    UserPoolId: POOL_ID,
    Username: username,
    TemporaryPassword: temporaryPassword,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: email },
      { Name: 'email_verified', Value: 'true' },
    ],
  });
  if (r.status !== 200) throw new Error(`AdminCreateUser: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.User;
}

/** RFC 4648 base32 (the form of AssociateSoftwareToken's SecretCode) → bytes. */
function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP: HMAC-SHA1, 30 s step, 6 digits, for a base32 secret at `unixSeconds`. */
export function totp(secretBase32, unixSeconds = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const h = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const off = h[h.length - 1] & 0x0f;
  const bin = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

/** A TOTP code different from `usedCode`, waiting for the next 30 s step if need be (an
 *  authenticator never shows the same code twice in a row; a server may refuse a replay). */
export async function nextTotp(secretBase32, usedCode) {
  for (;;) {
    const code = totp(secretBase32);
    if (code !== usedCode) return code;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
