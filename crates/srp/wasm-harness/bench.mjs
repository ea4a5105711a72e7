// The wasm32 benchmark of crates/srp/BENCHMARK.md under Node.js (V8): `run.sh bench` builds the
// harness and calls this with one or more builds as label=dir (a wasm-bindgen --target nodejs
// output directory), e.g. before=… after=…, so two versions of the kernel run in one process.
//
// For each case, every (build, backend) variant runs twice to warm up, then BENCH_RUNS times
// (default 31), interleaved: one run of each variant per round, the order rotating, so that a
// competing process slows them alike. Reported per variant: wall-clock min / median (ms) and
// the process's CPU time per run (process.cpuUsage, user + system) min / median, which stays
// steady on a loaded machine. Every run checks its answer (Bench.run returns false otherwise).
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const runs = Number(process.env.BENCH_RUNS || 31);
const cases = (process.env.BENCH_CASES || "ga256,ga1024,pow1024,client256,client1024,claim256,claim1024").split(",");
const backends = (process.env.BENCH_BACKENDS || "kernel,reference").split(",");

const builds = process.argv.slice(2).map((arg) => {
  const [label, dir] = arg.split("=");
  const mod = require(path.resolve(dir, "cognito_srp_wasm_harness.js"));
  return { label, bench: new mod.Bench() };
});
if (builds.length === 0) {
  console.error("usage: node bench.mjs label=dir [label=dir ...]");
  process.exit(2);
}

const ms = (x) => x.toFixed(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const min = (xs) => Math.min(...xs);
console.log(`${runs} runs per row after 2 warm-up runs, interleaved; milliseconds`);
console.log("");
console.log("| case | build | backend | wall min | wall median | CPU min | CPU median |");
console.log("|---|---|---|---:|---:|---:|---:|");
for (const c of cases) {
  const variants = [];
  for (const b of builds) for (const be of backends) variants.push({ b, be, wall: [], cpu: [] });
  for (const v of variants) {
    for (let i = 0; i < 2; i++) {
      if (!v.b.bench.run(c, v.be)) throw new Error(`${c} ${v.b.label} ${v.be}: wrong answer`);
    }
  }
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(round + k) % variants.length];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const ok = v.b.bench.run(c, v.be);
      const t1 = performance.now();
      const cu = process.cpuUsage(c0);
      if (!ok) throw new Error(`${c} ${v.b.label} ${v.be}: wrong answer`);
      v.wall.push(t1 - t0);
      v.cpu.push((cu.user + cu.system) / 1000);
    }
  }
  for (const v of variants) {
    console.log(`| ${c} | ${v.b.label} | ${v.be} | ${ms(min(v.wall))} | ${ms(median(v.wall))} | ${ms(min(v.cpu))} | ${ms(median(v.cpu))} |`);
  }
}
