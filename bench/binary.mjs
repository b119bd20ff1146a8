// Component binary codec benchmark. (1) Extract the WIT world of the ~12 MB componentize-js component
// in-process with weld's decoder (decode + component-level validation + WIT model), against jco's
// `componentWit` (wit-component compiled to wasm) on the same bytes in the same run; target >= 10x.
// (2) Decode + validate throughput in MB/s (component level, and with every core module validated by V8).
// Needs: pnpm build, and the example built (`weld build examples/polyglot`; the test setup builds it too).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const binary = await import(pathToFileURL(join(root, 'packages/binary/dist/index.js')).href);
const witTools = await import(pathToFileURL(join(root, 'packages/wit-tools/dist/index.js')).href);
const require = createRequire(join(root, 'packages/binary/package.json'));

const candidates = [join(root, 'examples/polyglot/build/app.wasm'), join(root, '.cache/fixtures/polyglot/app.wasm')];
const file = candidates.find(existsSync);
if (!file) {
  console.error('no built app.wasm: run `node packages/cli/bin/weld.js build examples/polyglot` first');
  process.exit(2);
}
const bytes = readFileSync(file);
const mb = bytes.length / 1e6;

// Warm-ups run each side to its steady state (weld's code is optimised by V8 on background threads during the first
// few hundred calls; measuring earlier times the compiler); both sides get about a second of warm-up.
async function time(label, warmup, runs, fn) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  samples.sort((a, b) => a - b);
  const r = { median: samples[Math.floor(runs / 2)], min: samples[0], cpu: (c.user + c.system) / 1000 / runs };
  console.log(`${label.padEnd(58)} median ${r.median.toFixed(2).padStart(8)} ms  min ${r.min.toFixed(2).padStart(8)} ms  cpu ${r.cpu.toFixed(2)} ms/op  (${runs} runs)`);
  return r;
}

console.log(`input: ${file.replace(root, '')} (${mb.toFixed(1)} MB, componentize-js)`);
let ours;
const weld = await time('weld extractWit (decode + validate + WIT model + print)', 400, 200, () => {
  const x = binary.extractWit(bytes);
  ours = witTools.printPackage(x.resolve, x.package);
});
// jco is imported only now: loading it starts preview2-shim's I/O worker, whose thread would otherwise compete
// with weld's measurement on a 2-core machine.
const jco = await import(pathToFileURL(require.resolve('@bytecodealliance/jco')).href);
let theirs;
const peer = await time('jco componentWit (wit-component in wasm)', 40, 40, async () => {
  theirs = await jco.componentWit(bytes);
});
const norm = (t) => t.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('//')).join('\n');
console.log(`same WIT printed: ${norm(ours) === norm(theirs)}`);
console.log(`speedup: ${(peer.median / weld.median).toFixed(1)}x by median, ${(peer.min / weld.min).toFixed(1)}x by best run, ${(peer.cpu / weld.cpu).toFixed(1)}x by CPU (target >= 10x)`);

const decode = await time('decode only', 5, 30, () => binary.decodeComponent(bytes));
const componentLevel = await time('decode + validate (component level, core modules by range)', 5, 30, () => {
  const r = binary.validateComponent(bytes, { coreModules: false });
  if (!r.valid) throw r.error;
});
const full = await time('decode + validate (core modules compiled by V8 too)', 2, 10, () => {
  const r = binary.validateComponent(bytes);
  if (!r.valid) throw r.error;
});
for (const [label, r] of [['decode', decode], ['decode + validate (component level)', componentLevel], ['decode + validate (with core modules)', full]]) {
  console.log(`throughput ${label.padEnd(40)} ${(mb / (r.median / 1000)).toFixed(0).padStart(7)} MB/s`);
}
