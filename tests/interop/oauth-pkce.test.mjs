// A plain OAuth 2.0 client over HTTP (no Cognito library): authorization code + PKCE (RFC 7636)
// through cognito-local's hosted UI, as a browser would do it, step by step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ENDPOINT, CLIENT_ID, REDIRECT_URI, claims } from './common.mjs';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function pkce() {
  const verifier = b64url(randomBytes(48)); // 64 unreserved characters
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  return { verifier, challenge };
}

/** A tiny cookie jar for the hosted-UI session cookie. */
class Jar {
  constructor() { this.cookies = new Map(); }
  take(res) {
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /max-age=0\b/i.test(a) || /expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name); else this.cookies.set(name, value);
    }
  }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
}

/** GETs `url` and follows redirects while they stay on the server; returns the first response
 *  that is not such a redirect (a page, or a redirect to the app). */
async function browse(url, jar, init = {}) {
  let res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: jar.header() } });
  jar.take(res);
  for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops++) {
    const next = new URL(res.headers.get('location'), url);
    if (next.origin !== new URL(ENDPOINT).origin) return { res, location: next };
    url = next.href;
    res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(res);
  }
  return { res, location: res.headers.get('location') ? new URL(res.headers.get('location'), url) : null, url };
}

/** Reads the first <form> of a page: its action and every named <input>'s value. */
function parseForm(html, pageUrl) {
  const form = html.match(/<form\b[^>]*>([\s\S]*?)<\/form>/i);
  assert.ok(form, 'the page has a form');
  const action = (form[0].match(/action="([^"]*)"/i)?.[1] ?? '').replace(/&amp;/g, '&');
  const method = form[0].match(/method="([^"]*)"/i)?.[1]?.toLowerCase() ?? 'get';
  const fields = {};
  for (const input of form[1].matchAll(/<input\b[^>]*>/gi)) {
    const name = input[0].match(/name="([^"]*)"/i)?.[1];
    if (!name) continue;
    fields[name] = (input[0].match(/value="([^"]*)"/i)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  return { action: new URL(action || pageUrl, pageUrl).href, method, fields };
}

function authorizeUrl({ challenge, state, nonce, redirectUri = REDIRECT_URI }) {
  const u = new URL('/oauth2/authorize', ENDPOINT);
  u.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return u.href;
}

/** Signs in through the hosted UI's form; returns the redirect back to the app. */
async function signInThroughHostedUi(jar, params, username, password) {
  const first = await browse(authorizeUrl(params), jar);
  assert.equal(first.res.status, 200, 'authorize shows the sign-in page');
  assert.match(first.res.headers.get('content-type') ?? '', /text\/html/);
  const form = parseForm(await first.res.text(), first.url);
  assert.equal(form.method, 'post', 'credentials are POSTed, never put in a query string');
  const userField = Object.keys(form.fields).find((k) => /user/i.test(k)) ?? 'username';
  const passField = Object.keys(form.fields).find((k) => /pass/i.test(k)) ?? 'password';
  const body = new URLSearchParams({ ...form.fields, [userField]: username, [passField]: password });
  const posted = await fetch(form.action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body,
  });
  jar.take(posted);
  return posted;
}

async function token(form) {
  const res = await fetch(`${ENDPOINT}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: await res.json() };
}

test('code + PKCE: sign in on the hosted UI, exchange the code once, refresh', async () => {
  const jar = new Jar();
  const { verifier, challenge } = pkce();
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(16));

  const posted = await signInThroughHostedUi(jar, { challenge, state, nonce }, 'demo', 'DemoPassw0rd!');
  assert.equal(posted.status, 302, 'a correct password redirects back to the app');
  const back = new URL(posted.headers.get('location'));
  assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
  assert.equal(back.searchParams.get('state'), state, 'state is echoed');
  const code = back.searchParams.get('code');
  assert.ok(code, 'a code is returned');

  const exchange = { grant_type: 'authorization_code', client_id: CLIENT_ID, code, redirect_uri: REDIRECT_URI, code_verifier: verifier };
  const ok = await token(exchange);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.token_type, 'Bearer');
  assert.ok(ok.body.refresh_token);
  const id = claims(ok.body.id_token);
  assert.equal(id.nonce, nonce, 'the nonce reaches the ID token');
  assert.equal(id['cognito:username'], 'demo');
  assert.equal(id.aud, CLIENT_ID);

  const replay = await token(exchange);
  assert.equal(replay.status, 400);
  assert.equal(replay.body.error, 'invalid_grant', 'a code is single use');

  const refreshed = await token({ grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: ok.body.refresh_token });
  assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
  assert.equal(claims(refreshed.body.access_token).username, 'demo');

  // userInfo with the access token.
  const info = await fetch(`${ENDPOINT}/oauth2/userInfo`, { headers: { authorization: `Bearer ${ok.body.access_token}` } });
  assert.equal(info.status, 200);
  assert.equal((await info.json()).email, 'demo@example.com');

  // The hosted-UI session cookie: a second authorize skips the form.
  const again = pkce();
  const second = await browse(authorizeUrl({ challenge: again.challenge, state: 's2', nonce: 'n2' }), jar);
  assert.equal(second.res.status, 302, 'second authorize redirects straight back');
  assert.equal(second.location.searchParams.get('state'), 's2');
  assert.ok(second.location.searchParams.get('code'));
});

test('a wrong code_verifier is refused with invalid_grant', async () => {
  const jar = new Jar();
  const { challenge } = pkce();
  const posted = await signInThroughHostedUi(jar, { challenge, state: 'st', nonce: 'nn' }, 'demo', 'DemoPassw0rd!');
  assert.equal(posted.status, 302);
  const code = new URL(posted.headers.get('location')).searchParams.get('code');
  const wrong = await token({
    grant_type: 'authorization_code', client_id: CLIENT_ID, code, redirect_uri: REDIRECT_URI, code_verifier: pkce().verifier,
  });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error, 'invalid_grant');
});

test('a wrong password stays on the sign-in page with an error', async () => {
  const jar = new Jar();
  const posted = await signInThroughHostedUi(jar, { challenge: pkce().challenge, state: 'st', nonce: 'nn' }, 'demo', 'Wrong-passw0rd!');
  assert.notEqual(posted.status, 302, 'no code for a wrong password');
  assert.match(await posted.text(), /incorrect username or password/i);
});

test('an unregistered redirect_uri is never redirected to', async () => {
  const { res, location } = await browse(
    authorizeUrl({ challenge: pkce().challenge, state: 'x', nonce: 'y', redirectUri: 'https://evil.example/cb' }),
    new Jar(),
  );
  assert.ok(!location || !location.href.startsWith('https://evil.example'), `redirected to ${location}`);
  assert.ok(res.status >= 400, `status ${res.status}`);
});
