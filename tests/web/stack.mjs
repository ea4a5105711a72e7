// The servers behind one test of the example app (web/), all on free loopback ports, all in this
// test process except cognito-local:
// - a static server for the built app (web/dist, `/`), the interop page (`/interop/`), a plain
//   page (`/plain/`) importing the installed package's files as they are (`/pkg/`), and
//   `/config.json` with this stack's endpoints (the app reads it at start-up);
// - cognito-local (`--in-memory --bind 127.0.0.1:0`), its configuration the default one with
//   the app's origin as the callback and sign-out URL (and options below);
// - a counting relay in front of cognito-local's user-pool API: the app's `endpoint`. It
//   forwards every request unchanged and records its `X-Amz-Target` and body, so a test counts
//   what reached the server (e.g. refresh requests) and checks what was sent (no password).
//   It can hold refresh answers back, so that two tabs' requests are sure to overlap.
// The hosted UI (the OAuth domain) is cognito-local itself: the browser goes there for real.
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, extname, normalize } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
export const POOL_ID = 'us-east-1_LocalPool1';
export const CLIENT_ID = 'localspaclient000000000001';
export const DEMO = { username: 'demo', password: 'DemoPassw0rd!', email: 'demo@example.com' };

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

/** Serves `roots` (URL prefix → directory) and a generated /config.json. */
function staticServer(roots, config) {
  return createServer(async (req, res) => {
    const url = new URL(req.url, 'http://static');
    if (url.pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(config()));
      return;
    }
    const [prefix, dir] = Object.entries(roots).find(([p]) => url.pathname.startsWith(p)) ?? [];
    if (!dir) return res.writeHead(404).end();
    let rel = normalize(decodeURIComponent(url.pathname.slice(prefix.length)));
    if (rel.startsWith('..')) return res.writeHead(403).end();
    if (rel === '.' || rel === '' || rel.endsWith('/')) rel = join(rel, 'index.html');
    try {
      const body = await readFile(join(dir, rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
}

/** Forwards everything to `upstream`, recording each request in `log`. */
function countingRelay(upstream, log, opts) {
  const up = new URL(upstream);
  return createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target'] ?? '').replace(/^AWSCognitoIdentityProviderService\./, '');
      const entry = { method: req.method, path: req.url, target, body: body.toString('utf8'), at: Date.now() };
      if (req.method !== 'OPTIONS') log.push(entry);
      const headers = { ...req.headers, host: up.host };
      const fwd = request(
        { host: up.hostname, port: up.port, path: req.url, method: req.method, headers },
        (upRes) => {
          const out = [];
          upRes.on('data', (c) => out.push(c));
          upRes.on('end', () => {
            const delay = isRefresh(entry) ? opts.refreshDelayMs : 0;
            setTimeout(() => {
              entry.status = upRes.statusCode;
              res.writeHead(upRes.statusCode, upRes.headers);
              res.end(Buffer.concat(out));
            }, delay);
          });
        },
      );
      fwd.on('error', (e) => res.writeHead(502).end(String(e)));
      fwd.end(body);
    });
  });
}

/** A request that refreshes tokens: GetTokensFromRefreshToken, or InitiateAuth with a refresh flow. */
export function isRefresh(entry) {
  if (entry.target === 'GetTokensFromRefreshToken') return true;
  if (entry.target !== 'InitiateAuth') return false;
  try {
    return /^REFRESH_TOKEN(_AUTH)?$/.test(JSON.parse(entry.body).AuthFlow);
  } catch {
    return false;
  }
}

function waitForLine(child, re, what) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${seen}`)), 30_000);
    const onData = (d) => {
      seen += d;
      const m = seen.match(re);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (seen += d));
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}):\n${seen}`)));
  });
}

/**
 * Starts a stack. Options: `rotation` (refresh-token rotation on the app client),
 * `refreshDelayMs` (the relay holds refresh answers back this long), `tokenSeconds` (ID and
 * access token lifetime of the app client).
 */
export async function startStack({ rotation = false, refreshDelayMs = 0, tokenSeconds = 3600 } = {}) {
  const bin = process.env.COGNITO_LOCAL_BIN;
  if (!bin) throw new Error('COGNITO_LOCAL_BIN is not set (tests/web/run.sh sets it)');
  const log = [];
  const opts = { refreshDelayMs };
  let endpoints = null;
  const app = staticServer(
    {
      '/interop/': join(ROOT, 'target/web-interop'),
      '/plain/': join(ROOT, 'tests/web/plain'),
      '/lag/': join(ROOT, 'tests/web/lag'),
      '/pkg/': join(ROOT, 'web/node_modules/cognito-wasm'),
      '/': join(ROOT, 'web/dist'),
    },
    () => endpoints,
  );
  const appUrl = await listen(app);

  const dir = await mkdtemp(join(tmpdir(), 'cognito-web-'));
  const configPath = join(dir, 'cognito-local.toml');
  let toml = await readFile(join(ROOT, 'crates/server/cognito-local.toml'), 'utf8');
  toml = toml
    .replace(/^callback_urls = .*$/gm, `callback_urls = ["${appUrl}/"]`)
    .replace(/^logout_urls = .*$/gm, `logout_urls = ["${appUrl}/"]`)
    .replace(/^refresh_token_rotation = .*$/m, `refresh_token_rotation = ${rotation}`)
    .replace(/^(id|access)_token_validity_seconds = .*$/gm, `$1_token_validity_seconds = ${tokenSeconds}`);
  if (!toml.includes(`callback_urls = ["${appUrl}/"]`)) throw new Error('could not set the callback URL');
  await writeFile(configPath, toml);

  const server = spawn(bin, ['--config', configPath, '--in-memory', '--bind', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serverLog = '';
  server.stderr.on('data', (d) => (serverLog = (serverLog + d).slice(-20_000)));
  const cognito = await waitForLine(server, /cognito-local listening on (http:\S+)/, 'cognito-local');
  const relay = countingRelay(cognito, log, opts);
  const relayUrl = await listen(relay);
  endpoints = {
    userPoolId: POOL_ID,
    userPoolClientId: CLIENT_ID,
    endpoint: `${relayUrl}/`,
    oauthDomain: cognito,
  };

  return {
    appUrl,
    cognito,
    relayUrl,
    /** Every request the relay passed on (not preflights), oldest first. */
    requests: log,
    refreshes: () => log.filter(isRefresh),
    opts,
    serverLog: () => serverLog,
    /** One user-pool API call from this process (no Origin header, so Admin* is allowed). */
    async api(target, body) {
      const res = await fetch(cognito, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `AWSCognitoIdentityProviderService.${target}`,
        },
        body: JSON.stringify(body),
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`${target}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    /** A confirmed user with a fresh name. */
    async createUser(prefix, password) {
      const username = `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
      await this.api('SignUp', {
        ClientId: CLIENT_ID,
        Username: username,
        Password: password,
        UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }],
      });
      await this.api('AdminConfirmSignUp', { UserPoolId: POOL_ID, Username: username });
      return username;
    },
    async stop() {
      server.kill();
      await Promise.all([app, relay].map((s) => new Promise((r) => s.close(r)).catch(() => {})));
      app.closeAllConnections?.();
      relay.closeAllConnections?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium through playwright-core, with the project's flags. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret at `time` (ms). */
export async function totp(secretBase32, time = Date.now()) {
  const { createHmac } = await import('node:crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 1000 / 30)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).toString();
  return n.padStart(6, '0');
}
