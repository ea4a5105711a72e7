// Drives Debian's Chromium (playwright-core, headless) through the pages that scripts/bench.sh
// built in bench/dist, in one browser run, and writes bench/dist/results.json and
// bench/RESULTS.md. Implementations are interleaved (one run of each per round, the order
// rotating), so a competing process slows them alike.
import { createServer } from 'node:http';
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
const SIGNINS = +(process.env.BENCH_SIGNINS || 5);

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = createServer(async (req, res) => {
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
const results = { date: new Date().toISOString(), chromium: browser.version(), node: process.version,
  loadBefore: load(), runs: RUNS, warmup: WARMUP };

// the rows: [label, page, a bytes]
const rows = [
  ['cognito-wasm, 32-byte a', 'ours', 32],
  ['cognito-wasm, 128-byte a', 'ours', 128],
  ['cognito-wasm with cognito-srp at opt-level 3 (not the package setting), 32-byte a', 'ours-opt3', 32],
  ['cognito-wasm with cognito-srp at opt-level 3 (not the package setting), 128-byte a', 'ours-opt3', 128],
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

// 1. SRP speed, warm, interleaved.
{
  const ctx = await browser.newContext();
  const pages = {};
  for (const name of ['ours', 'ours-opt3', 'acij', 'amplify', 'bigint']) pages[name] = await openPage(ctx, name);
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
}
results.loadAfterSpeed = load();

// 2. Main thread: a cold page (fresh context, no warm-up), one sign-in, longtask entries; at
// 1x and 4x CPU throttling; A computed in the sign-in, and A computed ahead of time.
const mtRows = [
  ['cognito-wasm, 32-byte a', 'ours', 32],
  ['cognito-wasm, 128-byte a', 'ours', 128],
  ['cognito-wasm with cognito-srp at opt-level 3, 32-byte a', 'ours-opt3', 32],
  ['amazon-cognito-identity-js 6.3.21', 'acij', 128],
  ['@aws-amplify/auth 6.21.1', 'amplify', 128],
  ['JS BigInt reference, 128-byte a', 'bigint', 128],
];
results.mainThread = [];
for (const rate of [1, 4]) {
  for (const precomputed of [false, true]) {
    const acc = mtRows.map(() => []);
    for (let r = 0; r < SIGNINS; r++) {
      for (let j = 0; j < mtRows.length; j++) {
        const i = (j + r) % mtRows.length;
        const [, name, n] = mtRows[i];
        const ctx = await browser.newContext();
        const { page } = await openPage(ctx, name);
        const cdp = await ctx.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate });
        const t = await page.evaluate(([n, p]) => window.bench.signIn(n, p), [n, precomputed]);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
        acc[i].push(t);
        await ctx.close();
      }
    }
    results.mainThread.push({ rate, precomputed, rows: mtRows.map(([label, name, n], i) => ({ label, name, n, samples: acc[i] })) });
    log('main thread', rate + 'x', precomputed ? 'A precomputed' : 'A in sign-in', 'load', load());
  }
}

// 4. Start-up: navigation -> module ready (performance.now() at the end of the entry module:
// everything fetched, compiled, evaluated, the client constructed). Fresh context each time,
// so no HTTP or code cache.
{
  const names = ['ours', 'acij', 'amplify'];
  const acc = names.map(() => []);
  for (let r = 0; r < NAV; r++) {
    for (let j = 0; j < names.length; j++) {
      const i = (j + r) % names.length;
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      page.on('pageerror', (e) => log(names[i], 'page error', e.message));
      await page.goto(base + `app-${names[i]}.html`);
      await page.waitForFunction(() => window.__ready !== undefined);
      acc[i].push(await page.evaluate(() => window.__ready));
      await ctx.close();
    }
  }
  results.startup = names.map((name, i) => ({ name, samples: acc[i] }));
}
results.loadAfter = load();
await browser.close();
server.close();

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
results.sizes = readFileSync(path.join(dist, 'sizes.tsv'), 'utf8').trim().split('\n').map((l) => {
  const [what, file, raw, gz, br] = l.split('\t');
  return { what, file: path.basename(file), raw: +raw, gz: +gz, br: +br };
});
if (existsSync(path.join(dist, 'twiggy.csv'))) results.twiggy = readFileSync(path.join(dist, 'twiggy.csv'), 'utf8');
await writeFile(path.join(dist, 'results.json'), JSON.stringify({ ...results, twiggy: undefined }, null, 1));
await writeFile(path.join(here, 'RESULTS.md'), report(results));
