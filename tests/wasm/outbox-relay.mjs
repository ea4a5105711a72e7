// Relays cognito-local's development outbox to the browser tests.
//
// cognito-local serves GET /_dev/outbox only to its own origin (a page on another port is a
// different origin, and the wasm-bindgen test page is one), so the tests ask this relay, which
// reads the outbox server-side (no Origin header) and answers with CORS for loopback pages only.
//   node tests/wasm/outbox-relay.mjs <cognito-local URL>   → prints "outbox relay on http://127.0.0.1:<port>"
import { createServer } from 'node:http';

const upstream = process.argv[2];
if (!upstream) {
  console.error('usage: outbox-relay.mjs <cognito-local URL>');
  process.exit(2);
}

const loopbackOrigin = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

const server = createServer(async (req, res) => {
  const origin = req.headers.origin ?? '';
  const cors = loopbackOrigin.test(origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};
  const url = new URL(req.url, 'http://relay');
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
