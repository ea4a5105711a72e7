// Test helper for the browser tests, on loopback only, answering loopback pages only:
// - GET /outbox?username=...: cognito-local's development outbox. cognito-local serves it to
//   its own origin only (a page on another port is another origin, and the wasm-bindgen test
//   page is one), so the relay reads it server-side, without an Origin header.
// - POST /hosted-ui-login, body (text/plain, so no preflight) {"url","username","password"}:
//   plays the user on the hosted UI: opens the /oauth2/authorize URL the module made, fills in
//   the sign-in form, and answers {"callback": <the redirect back to the app>}. The test page
//   cannot navigate away from itself, so this is the "browser" half of the round trip; the
//   module's half (state, PKCE verifier, code exchange from the page, nonce) runs in Chromium.
// - /unavailable/*: a Cognito endpoint that is down: every request gets HTTP 503 with a proxy's
//   plain-text body (CORS allowed), for the "5xx during refresh keeps the session" test.
// - /garbage/*: a Cognito endpoint that answers HTTP 200 with something that is not JSON (a
//   captive portal's page), and /garbage/json/* with JSON of the wrong shape, for the "no
//   panic on malformed answers" test.
// - /silent/*: a Cognito endpoint that never answers: the CORS preflight is allowed, the
//   request itself is left hanging, for the request-timeout test.
//   node tests/wasm/relay.mjs <cognito-local URL>   → prints "outbox relay on http://127.0.0.1:<port>"
import { createServer } from 'node:http';

const upstream = process.argv[2];
if (!upstream) {
  console.error('usage: relay.mjs <cognito-local URL>');
  process.exit(2);
}

const loopbackOrigin = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

async function readBody(req) {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s;
}

/** Follows redirects on cognito-local with a cookie header; returns the last response. */
async function get(url, cookies) {
  let res = await fetch(url, { redirect: 'manual', headers: { cookie: cookies.join('; ') } });
  for (let i = 0; i < 10 && res.status >= 300 && res.status < 400; i++) {
    const next = new URL(res.headers.get('location'), url);
    if (next.origin !== new URL(upstream).origin) break;
    keep(res, cookies);
    url = next.href;
    res = await fetch(url, { redirect: 'manual', headers: { cookie: cookies.join('; ') } });
  }
  keep(res, cookies);
  return { res, url };
}

function keep(res, cookies) {
  for (const c of res.headers.getSetCookie?.() ?? []) cookies.push(c.split(';')[0]);
}

async function hostedUiLogin({ url, username, password }) {
  if (!url.startsWith(upstream.replace(/\/$/, ''))) throw new Error('not an authorize URL of this server');
  const cookies = [];
  const page = await get(url, cookies);
  const html = await page.res.text();
  const form = html.match(/<form\b[^>]*>([\s\S]*?)<\/form>/i);
  if (!form) throw new Error(`no sign-in form (HTTP ${page.res.status})`);
  const action = (form[0].match(/action="([^"]*)"/i)?.[1] ?? '').replace(/&amp;/g, '&');
  const fields = {};
  for (const input of form[1].matchAll(/<input\b[^>]*>/gi)) {
    const name = input[0].match(/name="([^"]*)"/i)?.[1];
    if (name) fields[name] = (input[0].match(/value="([^"]*)"/i)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  const userField = Object.keys(fields).find((k) => /user/i.test(k)) ?? 'username';
  const passField = Object.keys(fields).find((k) => /pass/i.test(k)) ?? 'password';
  const posted = await fetch(new URL(action || page.url, page.url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({ ...fields, [userField]: username, [passField]: password }),
  });
  const location = posted.headers.get('location');
  if (posted.status !== 302 || !location) throw new Error(`sign-in form answered HTTP ${posted.status}`);
  return { callback: new URL(location, page.url).href };
}

const server = createServer(async (req, res) => {
  const origin = req.headers.origin ?? '';
  const cors = loopbackOrigin.test(origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};
  const url = new URL(req.url, 'http://relay');
  if (url.pathname.startsWith('/unavailable/')) {
    const preflight = {
      ...cors,
      'access-control-allow-methods': 'POST, GET',
      'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
    };
    if (req.method === 'OPTIONS') res.writeHead(204, preflight).end();
    else res.writeHead(503, { ...cors, 'content-type': 'text/plain' }).end('Service Unavailable');
    return;
  }
  if (url.pathname.startsWith('/garbage/')) {
    const preflight = {
      ...cors,
      'access-control-allow-methods': 'POST, GET',
      'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
    };
    if (req.method === 'OPTIONS') res.writeHead(204, preflight).end();
    else if (url.pathname.startsWith('/garbage/json/')) {
      const body = '{"AuthenticationResult":{"AccessToken":42,"IdToken":["x"]},"ChallengeParameters":"no","Session":{}}';
      res.writeHead(200, { ...cors, 'content-type': 'application/x-amz-json-1.1' }).end(body);
    } else res.writeHead(200, { ...cors, 'content-type': 'text/html' }).end('<html><body>Sign in to the Wi-Fi</body></html>');
    return;
  }
  if (url.pathname.startsWith('/silent/')) {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'POST, GET',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
      }).end();
    }
    // Otherwise no answer: the client gives up (its timeout) and closes the connection.
    return;
  }
  if (req.method === 'POST' && url.pathname === '/hosted-ui-login') {
    try {
      const out = await hostedUiLogin(JSON.parse(await readBody(req)));
      res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify(out));
    } catch (e) {
      res.writeHead(502, cors).end(String(e));
    }
    return;
  }
  if (req.method !== 'GET' || url.pathname !== '/outbox') {
    res.writeHead(404, cors).end();
    return;
  }
  try {
    const r = await fetch(`${upstream}/_dev/outbox${url.search}`);
    const body = await r.text();
    res.writeHead(r.status, { ...cors, 'content-type': 'application/json' }).end(body);
  } catch (e) {
    res.writeHead(502, cors).end(String(e));
  }
});

server.listen(0, '127.0.0.1', () => {
  console.log(`outbox relay on http://127.0.0.1:${server.address().port}`);
});
