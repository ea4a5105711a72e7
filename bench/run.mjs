// Drives Debian's Chromium (playwright-core, headless) through the pages that scripts/bench.sh
// built in bench/dist, in one browser run, and writes bench/dist/results.json and
// bench/RESULTS.md. Implementations are interleaved (one run of each per round, the order
// rotating), so a competing process slows them alike. The real sign-ins (section 2) go to a
// cognito-local (COGNITO_LOCAL_BIN, default target/release/cognito-local) that this script
// starts on a free loopback port and proxies under /idp/, so the pages stay same-origin.
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { readFileSync, existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { report } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const RUNS = +(process.env.BENCH_RUNS || 31);
const WARMUP = 5;
const NAV = +(process.env.BENCH_NAV || 15);
const SIGNINS = +(process.env.BENCH_SIGNINS || 10);
// BENCH_ONLY=startup,signin (any of speed, signin, startup): run those sections only, to measure
// one change without the whole run on a shared machine. A partial run writes
// bench/dist/RESULTS-partial.md and leaves bench/RESULTS.md alone.
const SECTIONS = ['speed', 'signin', 'startup'];
const ONLY = (process.env.BENCH_ONLY || SECTIONS.join(',')).split(',').map((x) => x.trim()).filter(Boolean);
for (const x of ONLY) if (!SECTIONS.includes(x)) throw new Error(`BENCH_ONLY: unknown section ${x} (${SECTIONS.join(', ')})`);
const run = (x) => ONLY.includes(x);
const partial = SECTIONS.some((x) => !run(x));
const COGNITO_LOCAL_BIN = process.env.COGNITO_LOCAL_BIN || path.join(here, '..', 'target/release/cognito-local');
const POOL = 'us-east-1_LocalPool1';
const CLIENT = 'localspaclient000000000001';
const PASSWORD = 'BenchPassw0rd!';

// cognito-local, in memory, on a port of its choosing (for the real sign-ins only).
const idp = run('signin') ? spawn(COGNITO_LOCAL_BIN, ['--in-memory', '--bind', '127.0.0.1:0'],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RUST_LOG: process.env.BENCH_SERVER_LOG || 'warn' } }) : null;
const idpBase = idp && await new Promise((resolve, reject) => {
  let buf = '';
  idp.on('exit', (c) => reject(new Error(`cognito-local exited (${c})`)));
  idp.stdout.on('data', (d) => {
    buf += d;
    const m = buf.match(/cognito-local listening on (http:\/\/[^\s]+)/);
    if (m) resolve(m[1].replace(/\/$/, ''));
  });
});
process.on('exit', () => idp?.kill());

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = createServer(async (req, res) => {
  if (req.url.startsWith('/idp/')) return proxy(req, res);
  const p = path.join(dist, path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!p.startsWith(dist)) return res.writeHead(403).end();
  try {
    const body = await readFile(p);
    res.writeHead(200, {
      'content-type': types[path.extname(p)] || 'application/octet-stream',
      'cache-control': 'no-store',
      // cross-origin isolated: performance.now() at 5 µs instead of 100 µs
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
// /idp/<rest> -> cognito-local's /<rest>, headers and body as sent.
async function proxy(req, res) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (!['host', 'connection', 'content-length', 'origin', 'referer'].includes(k)) headers[k] = v;
  }
  try {
    const r = await fetch(idpBase + req.url.slice('/idp'.length), {
      method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const out = Buffer.from(await r.arrayBuffer());
    res.writeHead(r.status, { 'content-type': r.headers.get('content-type') || 'application/json',
      'x-amzn-errortype': r.headers.get('x-amzn-errortype') || '', 'cache-control': 'no-store' });
    res.end(out);
  } catch (e) {
    res.writeHead(502).end(String(e));
  }
}
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const log = (...a) => console.error('[run]', ...a);
// scripts/bench.sh builds right before this: its compilers leave the 1-minute load average
// high for a minute after they are done, which would read as "something else was running".
// Wait (up to BENCH_SETTLE_S, default 120 s) until it is below half the CPUs, so the load
// recorded before the run says whether the machine is shared, not whether it just built.
const settleLimit = Number(process.env.BENCH_SETTLE_S ?? 120);
const settleStart = Date.now();
const busy = () => os.loadavg()[0] > 0.5 * os.cpus().length;
if (busy()) log(`waiting up to ${settleLimit} s for the load to settle: ${load()}`);
while (busy() && Date.now() - settleStart < settleLimit * 1000) {
  await new Promise((r) => setTimeout(r, 5_000));
}
const settledSecs = Math.round((Date.now() - settleStart) / 1000);
if (settledSecs) log(`after ${settledSecs} s: ${load()}`);
const results = { date: new Date().toISOString(), chromium: browser.version(), node: process.version,
  loadBefore: load(), settledSecs, uptimeBefore: execSync('uptime', { encoding: 'utf8' }).trim(), runs: RUNS, warmup: WARMUP };

// the rows: [label, page, a bytes]
const rows = [
  ['cognito-wasm, 32-byte a', 'ours', 32],
  ['cognito-wasm, 128-byte a', 'ours', 128],
  ['amazon-cognito-identity-js 6.3.21 (128-byte a)', 'acij', 128],
  ['@aws-amplify/auth 6.21.1 (128-byte a)', 'amplify', 128],
  ['JS BigInt reference, 128-byte a', 'bigint', 128],
  ['JS BigInt reference, 32-byte a', 'bigint', 32],
];

async function openPage(ctx, name) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => log(name, 'page error', e.message));
  await page.goto(base + `page-${name}.html`);
  await page.waitForFunction(() => window.bench);
  const info = await page.evaluate(() => window.bench.setup());
  return { page, info };
}

// 1b (the benchmark 5). The same SRP math natively (`cargo bench -p cognito-srp`), run
// just before and just after the browser's speed section on the same machine, so that "within
// 3x of our native figure" compares figures of one run: a shared VM's speed drifts by more than
// that target's margin from one hour to the next. scripts/bench.sh has built it already.
const NATIVE_ROW = /^\| full client work \(A \+ password key \+ signature\), (256|1024)-bit a \| kernel \(after\) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|/;
function nativeRun() {
  const out = execSync('cargo bench -q --locked -p cognito-srp --bench srp_kernel', {
    cwd: path.join(here, '..'), encoding: 'utf8', env: { ...process.env, SRP_BENCH_RUNS: String(RUNS) },
  });
  const rows = {};
  for (const line of out.split('\n')) {
    const m = line.match(NATIVE_ROW);
    if (m) rows[m[1] === '256' ? 32 : 128] = { min: +m[2], med: +m[3], max: +m[4] };
  }
  if (!rows[32] || !rows[128]) throw new Error(`cargo bench -p cognito-srp: no full-client-work rows in\n${out}`);
  log('native', JSON.stringify(rows));
  return rows;
}

// 1. SRP speed, warm, interleaved.
if (run('speed')) results.native = { runs: RUNS, before: nativeRun() };
if (run('speed')) {
  const ctx = await browser.newContext();
  const pages = {};
  for (const name of ['ours', 'acij', 'amplify', 'bigint']) pages[name] = await openPage(ctx, name);
  results.crossOriginIsolated = pages.ours.info.crossOriginIsolated;
  results.userAgent = pages.ours.info.ua;
  results.verify = {};
  for (const [name, { page }] of Object.entries(pages)) {
    results.verify[name] = await page.evaluate(() => window.bench.verify());
    log('verify', name, JSON.stringify(results.verify[name].map((v) => [v.aBytes, v.srpA, v.signature])));
  }
  const samples = rows.map(() => []);
  for (let r = -WARMUP; r < RUNS; r++) {
    for (let j = 0; j < rows.length; j++) {
      const i = (j + Math.max(r, 0)) % rows.length;
      const [, name, n] = rows[i];
      const { page } = pages[name];
      await page.bringToFront();
      const t = await page.evaluate((n) => window.bench.run(n), n);
      if (r >= 0) samples[i].push(t);
    }
    if (r % 10 === 0) log('speed round', r, 'load', load());
  }
  results.speed = rows.map(([label, name, n], i) => ({ label, name, n, samples: samples[i] }));
  await ctx.close();
  results.native.after = nativeRun();
}
results.loadAfterSpeed = load();
results.sections = ONLY;

// 2. Main thread during a real sign-in: each library's own sign-in call against cognito-local,
// on a cold page (fresh context, no warm-up), at 1x and 4x CPU throttling, interleaved.
if (run('signin')) {
  const idpCall = async (op, body) => {
    const r = await fetch(idpBase + '/', { method: 'POST', body: JSON.stringify(body), headers: {
      'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` } });
    const v = await r.json();
    if (r.status !== 200) throw new Error(`${op}: ${r.status} ${JSON.stringify(v)}`);
    return v;
  };
  const mtRows = [
    ['cognito-wasm, A precomputed when idle (default)', 'signin-ours.html?precompute=1'],
    ['cognito-wasm, A in the sign-in (srpPrecompute: false)', 'signin-ours.html?precompute=0'],
    ['amazon-cognito-identity-js 6.3.21', 'signin-acij.html'],
    ['aws-amplify 6.22.1 (@aws-amplify/auth 6.21.1)', 'signin-amplify.html'],
  ];
  const users = [];
  for (let i = 0; i < mtRows.length * SIGNINS * 2; i++) {
    const username = `benchuser${i}`;
    await idpCall('SignUp', { ClientId: CLIENT, Username: username, Password: PASSWORD,
      UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] });
    const box = await (await fetch(`${idpBase}/_dev/outbox?username=${username}`)).json();
    await idpCall('ConfirmSignUp', { ClientId: CLIENT, Username: username, ConfirmationCode: box.messages.at(-1).code });
    users.push(username);
  }
  results.mainThread = [];
  results.idp = idpBase;
  let nextUser = 0;
  for (const rate of [1, 4]) {
    const acc = mtRows.map(() => []);
    for (let r = 0; r < SIGNINS; r++) {
      for (let j = 0; j < mtRows.length; j++) {
        const i = (j + r) % mtRows.length;
        const [label, url] = mtRows[i];
        const ctx = await browser.newContext();
        const page = await ctx.newPage();
        page.on('pageerror', (e) => log(label, 'page error', e.message));
        await page.goto(`${base}${url}${url.includes('?') ? '&' : '?'}pool=${POOL}&client=${CLIENT}`);
        await page.waitForFunction(() => window.signin);
        const cdp = await ctx.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate });
        // Idle time before the user submits: long enough for a throttled idle callback.
        await page.evaluate(() => window.signin.ready(1500));
        const t = await page.evaluate(([u, pw]) => window.signin.signIn(u, pw), [users[nextUser++], PASSWORD]);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
        if (t.error) log(label, rate + 'x', 'sign-in failed:', t.error);
        acc[i].push(t);
        await ctx.close();
      }
    }
    results.mainThread.push({ rate, rows: mtRows.map(([label, url], i) => ({ label, url, samples: acc[i] })) });
    log('main thread', rate + 'x', 'load', load());
  }
}

// 4. Start-up: navigation -> module ready (performance.now() at the end of the entry module:
// everything fetched, compiled, evaluated, the client constructed). Fresh context each time,
// so no HTTP or code cache.
if (run('startup')) {
  const names = ['ours', 'ours-preload', 'acij', 'amplify'];
  const acc = names.map(() => []);
  for (let r = 0; r < NAV; r++) {
    for (let j = 0; j < names.length; j++) {
      const i = (j + r) % names.length;
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      page.on('pageerror', (e) => log(names[i], 'page error', e.message));
      await page.goto(base + `app-${names[i]}.html`);
      // Not waitForFunction: its polling evaluates Playwright's injected script (≈ 20 ms of
      // main-thread work) in the page while it is still starting up. The page announces itself.
      // Also when the last script or .wasm of the page had arrived (Resource Timing): the
      // time from then to ready is the start-up work itself (evaluate, compile, instantiate,
      // construct) without the fetches, which is what the target compares.
      const t = await page.evaluate(() => new Promise((resolve) => {
        const done = () => resolve([window.__ready, Math.max(...performance.getEntriesByType('resource')
          .filter((e) => /\.(js|wasm)$/.test(new URL(e.name).pathname)).map((e) => e.responseEnd))]);
        if (window.__ready !== undefined) done();
        else addEventListener('bench-ready', done, { once: true });
      }));
      acc[i].push(t);
      await ctx.close();
    }
  }
  results.startup = names.map((name, i) => ({
    name, samples: acc[i].map(([ready]) => ready), afterLastByte: acc[i].map(([ready, last]) => ready - last),
  }));
}
results.loadAfter = load();
results.uptimeAfter = execSync('uptime', { encoding: 'utf8' }).trim();
await browser.close();
server.close();
idp?.kill(); // its stdout pipe would keep this process alive

// Machine and versions.
const sh = (c) => { try { return execSync(c, { encoding: 'utf8' }).trim(); } catch { return '?'; } };
results.machine = {
  nproc: sh('nproc'),
  cpu: sh("lscpu | sed -n 's/^Model name: *//p' | head -1"),
  kernel: sh('uname -sr'),
  rustc: sh('rustc --version'),
  wasmBindgen: sh('wasm-bindgen --version'),
  wasmOpt: sh(`${path.join(here, '..', 'tools/node_modules/.bin/wasm-opt')} --version`),
  esbuild: sh(`${path.join(here, 'node_modules/.bin/esbuild')} --version`),
  playwrightCore: JSON.parse(readFileSync(path.join(here, 'node_modules/playwright-core/package.json'), 'utf8')).version,
  commit: sh('git rev-parse --short HEAD') + (sh('git status --porcelain') ? ' (with uncommitted changes)' : ''),
};
if (!partial || existsSync(path.join(dist, 'sizes.tsv'))) {
  results.sizes = readFileSync(path.join(dist, 'sizes.tsv'), 'utf8').trim().split('\n').map((l) => {
    const [what, file, raw, gz, br] = l.split('\t');
    return { what, file: path.basename(file), raw: +raw, gz: +gz, br: +br };
  });
}
if (existsSync(path.join(dist, 'twiggy.csv'))) results.twiggy = readFileSync(path.join(dist, 'twiggy.csv'), 'utf8');
await writeFile(path.join(dist, 'results.json'), JSON.stringify({ ...results, twiggy: undefined }, null, 1));
if (partial) {
  await writeFile(path.join(dist, 'RESULTS-partial.md'), report(results));
  log(`sections ${ONLY.join(', ')} only: wrote bench/dist/RESULTS-partial.md (bench/RESULTS.md left as it was)`);
} else {
  await writeFile(path.join(here, 'RESULTS.md'), report(results));
}
