// Composition benchmark: compose the example's ~12 MB componentize-js app with the C calc (plug mode, the graph
// underneath) against copying the same bytes, in the same run. (1) In-process: read both files as `weld compose`
// reads them (each hashed piece by piece as it is read: provenance names their digests), compose, write the result,
// against read both files and write them out again; target: composing at least half as fast as copying. Also shown:
// a caller that passes bytes without digests (the library hashes them in a second pass).
// (2) Whole processes: `weld compose app.wasm --plug calc.wasm --out …` against a `node` process that copies the two
// files; target: within 4x. Each pair runs interleaved (compose, copy, copy, compose, …) so load on a shared machine
// falls on both. Needs: pnpm build, and the example built (the test setup builds it too).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writevSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compose = await import(pathToFileURL(join(root, 'packages/compose/dist/index.js')).href);
const { readFileDigest } = await import(pathToFileURL(join(root, 'packages/core/dist/node.js')).href);
const dirs = [join(root, 'examples/polyglot/build'), join(root, '.cache/fixtures/polyglot')];
const dir = dirs.find((d) => existsSync(join(d, 'app.wasm')) && existsSync(join(d, 'calc.wasm')));
if (!dir) {
  console.error('no built app.wasm/calc.wasm: run `node packages/cli/bin/weld.js build examples/polyglot` first');
  process.exit(2);
}
const app = join(dir, 'app.wasm');
const calc = join(dir, 'calc.wasm');
const out = mkdtempSync(join(tmpdir(), 'weld-bench-compose-'));
const mb = (readFileSync(app).length + readFileSync(calc).length) / 1e6;

/** CPU time (ms) of this process and of its reaped children (Linux /proc), which wall time on a shared machine is not. */
function cpuNow() {
  const self = process.cpuUsage();
  let children = 0;
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    children = ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime + cstime, in USER_HZ ticks
  } catch {
    /* not Linux */
  }
  return { self: (self.user + self.system) / 1000, children };
}

/** One measured operation: wall samples and CPU time (this process and reaped children), per run. */
function recorder(label) {
  return { label, samples: [], cpu: 0 };
}

async function sample(rec, fn) {
  globalThis.gc?.();
  const c0 = cpuNow();
  const t0 = performance.now();
  await fn();
  rec.samples.push(performance.now() - t0);
  const c1 = cpuNow();
  rec.cpu += c1.self - c0.self + c1.children - c0.children;
}

function summary(rec) {
  const s = [...rec.samples].sort((a, b) => a - b);
  const r = { median: s[Math.floor(s.length / 2)], min: s[0], cpu: rec.cpu / s.length };
  console.log(`${rec.label.padEnd(62)} median ${r.median.toFixed(1).padStart(7)} ms  min ${r.min.toFixed(1).padStart(7)} ms  cpu ${r.cpu.toFixed(1).padStart(6)} ms/op  (${s.length} runs)`);
  return r;
}

/** Runs `a` and `b` alternately (warmup, then `runs` pairs), so a busy moment on a shared machine hits both alike. */
async function interleaved(warmup, runs, a, b) {
  for (let i = 0; i < warmup; i++) (await a.fn(), await b.fn());
  const ra = recorder(a.label);
  const rb = recorder(b.label);
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) (await sample(ra, a.fn), await sample(rb, b.fn));
    else (await sample(rb, b.fn), await sample(ra, a.fn));
  }
  return [summary(ra), summary(rb)];
}

console.log(`inputs: ${app.replace(root, '')} + calc.wasm (${mb.toFixed(1)} MB together)`);
let size = 0;
const [composeIn, copyIn] = await interleaved(5, 30, {
  label: 'in-process: read+hash, compose (decode, check, encode, validate), write',
  fn: async () => {
    // read as `weld compose` reads a file: hashed piece by piece as it is read (provenance names each input's digest)
    const r = await compose.plugComponents({ name: 'app', ...(await readFileDigest(app)) }, [{ name: 'calc', ...(await readFileDigest(calc)) }], { weldVersion: 'bench' });
    // written as its chunks, as `weld compose` writes it: the inputs' bytes are not joined into one buffer first
    const fd = openSync(join(out, 'composed.wasm'), 'w');
    writevSync(fd, r.chunks);
    closeSync(fd);
    size = r.size;
  },
}, {
  label: 'in-process: read both files, write them out',
  fn: () => {
    writeFileSync(join(out, 'app-copy.wasm'), readFileSync(app));
    writeFileSync(join(out, 'calc-copy.wasm'), readFileSync(calc));
  },
});
console.log(`composed ${(size / 1e6).toFixed(1)} MB; compose speed / copy speed: ${(copyIn.median / composeIn.median).toFixed(2)} by median, ${(copyIn.min / composeIn.min).toFixed(2)} by best run, ${(copyIn.cpu / composeIn.cpu).toFixed(2)} by CPU (target >= 0.5)`);
// For comparison: a library caller that has the bytes but not their digests (plugComponents hashes them, a second
// pass over 12 MB that is no longer in the CPU's cache).
const [bytesIn, copyIn2] = await interleaved(3, 20, {
  label: 'in-process, bytes only: read, compose (hashing inputs), write',
  fn: async () => {
    const r = await compose.plugComponents({ name: 'app', bytes: readFileSync(app) }, [{ name: 'calc', bytes: readFileSync(calc) }], { weldVersion: 'bench' });
    const fd = openSync(join(out, 'composed-bytes.wasm'), 'w');
    writevSync(fd, r.chunks);
    closeSync(fd);
  },
}, {
  label: 'in-process: read both files, write them out',
  fn: () => {
    writeFileSync(join(out, 'app-copy.wasm'), readFileSync(app));
    writeFileSync(join(out, 'calc-copy.wasm'), readFileSync(calc));
  },
});
console.log(`bytes only (informational): ${(copyIn2.median / bytesIn.median).toFixed(2)} of copy speed by median, ${(copyIn2.min / bytesIn.min).toFixed(2)} by best run`);

const run = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
};
const weld = join(root, 'packages/cli/bin/weld.js');
const copyScript = `const fs=require('node:fs');fs.copyFileSync(${JSON.stringify(app)},${JSON.stringify(join(out, 'a.wasm'))});fs.copyFileSync(${JSON.stringify(calc)},${JSON.stringify(join(out, 'c.wasm'))});`;
const [composeProc, copyProc] = await interleaved(1, 8, {
  label: 'process: weld compose app.wasm --plug calc.wasm --out …',
  fn: () => run([weld, 'compose', app, '--plug', calc, '--out', join(out, 'p.wasm')]),
}, { label: 'process: node copying the two files', fn: () => run(['-e', copyScript]) });
console.log(`weld compose process / node copy process: ${(composeProc.median / copyProc.median).toFixed(2)}x by median, ${(composeProc.min / copyProc.min).toFixed(2)}x by best run, ${(composeProc.cpu / copyProc.cpu).toFixed(2)}x by CPU (target <= 4x)`);
rmSync(out, { recursive: true, force: true });
