// Parse + resolve the WASI 0.2 packages behind `wasi:http/proxy` in-process with weld's wit-tools, against
// jco's `componentEmbed({ dummy: true, … })` (wit-parser compiled to wasm) on the same input, in two forms:
//  1. one WIT text in memory (the packages nested in `package … { }` blocks): `resolveSource` vs `witSource`;
//  2. the packages as a user has them on disk, `wit/` with `wit/deps/<pkg>/`: `resolveDir` vs `witPath`
//     (both sides read the files on every run).
// Run after `pnpm build`: `node bench/wit.mjs`.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const witTools = {
  ...(await import(pathToFileURL(join(root, 'packages/wit-tools/dist/index.js')).href)),
  ...(await import(pathToFileURL(join(root, 'packages/wit-tools/dist/node.js')).href)),
};
const require = createRequire(join(root, 'packages/wit-tools/package.json'));
const jcoEntry = require.resolve('@bytecodealliance/jco');
// jco reads witPath through preview2-shim's WASI file system, which needs a preopen before jco loads
const jcoRequire = createRequire(createRequire(jcoEntry).resolve('@bytecodealliance/jco-transpile/wasm-tools'));
const { _setPreopens } = await import(pathToFileURL(jcoRequire.resolve('@bytecodealliance/preview2-shim/filesystem')).href);
_setPreopens({ '/': '/' });
const jco = await import(pathToFileURL(jcoEntry).href);
const jcoRoot = jcoEntry.slice(0, jcoEntry.lastIndexOf('/node_modules/@bytecodealliance/jco/') + '/node_modules/@bytecodealliance/jco'.length);
const version = process.env.WASI_VERSION ?? '0.2.12';
const wasiDir = join(jcoRoot, 'lib/wit/builtin', version);
const wanted = ['wasi-http', 'wasi-cli', 'wasi-io', 'wasi-filesystem', 'wasi-sockets', 'wasi-clocks', 'wasi-random'];
const packages = readdirSync(wasiDir)
  .filter((d) => wanted.includes(d))
  .map((d) => ({ name: d, text: readdirSync(join(wasiDir, d)).filter((f) => f.endsWith('.wit')).map((f) => readFileSync(join(wasiDir, d, f), 'utf8')).join('\n') }));
const nest = (text) => {
  const m = /^package ([^;{\s]+);/m.exec(text);
  return `${text.slice(0, m.index)}package ${m[1]} {\n${text.slice(m.index + m[0].length)}\n}\n`;
};
const main = packages.find((p) => p.name === 'wasi-http');
const source = [main.text, ...packages.filter((p) => p !== main).map((p) => nest(p.text))].join('\n');
const world = `wasi:http/proxy@${version}`;

// Runs the two sides in alternating blocks of about the same wall time (BLOCK_MS, measured after the warm-up),
// so load from other processes hits both alike while each block mostly runs on its own garbage rather than
// on collections the other side's allocations started; reports wall-clock median per operation and CPU time
// per operation (process.cpuUsage: this includes V8's parallel GC threads, so it is not the figure to rank by).
async function measurePair(sides, rounds) {
  const blockMs = Number(process.env.BLOCK_MS ?? 150);
  const stats = sides.map(() => ({ wall: [], cpu: 0, ops: 0 }));
  const batches = [];
  for (const side of sides) {
    // the last half of the warm-up (compiled by then) sets the block size
    for (let i = 0; i < side.warmup >> 1; i++) await side.fn();
    const t0 = performance.now();
    const timed = side.warmup - (side.warmup >> 1);
    for (let i = 0; i < timed; i++) await side.fn();
    batches.push(Math.max(1, Math.round(blockMs / ((performance.now() - t0) / timed))));
  }
  for (let r = 0; r < rounds; r++) {
    for (const [k, side] of sides.entries()) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < batches[k]; i++) {
        const t0 = performance.now();
        await side.fn();
        stats[k].wall.push(performance.now() - t0);
      }
      const c = process.cpuUsage(c0);
      stats[k].cpu += (c.user + c.system) / 1000;
      stats[k].ops += batches[k];
    }
  }
  return sides.map((side, k) => {
    const wall = stats[k].wall.sort((a, b) => a - b);
    const result = { label: side.label, median: wall[Math.floor(wall.length / 2)], min: wall[0], cpu: stats[k].cpu / stats[k].ops, runs: wall.length };
    console.log(`${side.label.padEnd(48)} median ${result.median.toFixed(3)} ms  min ${result.min.toFixed(3)} ms  cpu ${result.cpu.toFixed(3)} ms/op  (${result.runs} runs)`);
    return result;
  });
}

function report(label, ours, theirs) {
  console.log(`${label}: ${(theirs.median / ours.median).toFixed(1)}x by median wall time, ${(theirs.min / ours.min).toFixed(1)}x by best run, ${(theirs.cpu / ours.cpu).toFixed(1)}x by CPU time (target >= 10x)`);
}

let worldImports = 0;
console.log('-- one WIT text in memory');
const [ours, theirs] = await measurePair([
  {
    label: 'weld wit-tools resolveSource (parse+resolve)',
    warmup: 300,
    fn: () => {
      const { resolve, package: pkg } = witTools.resolveSource(source, 'wasi-http.wit');
      worldImports = resolve.worlds[resolve.packages[pkg].worlds.get('proxy')].imports.size;
    },
  },
  { label: 'jco componentEmbed({ dummy: true, witSource })', warmup: 30, fn: () => jco.componentEmbed({ dummy: true, witSource: source, world }) },
], Number(process.env.ROUNDS ?? 12));
console.log(`input: ${packages.length} WASI ${version} packages, ${source.length} chars; proxy world has ${worldImports} imports`);

console.log('-- the packages as folders on disk (wit/ and wit/deps/<pkg>/)');
const dir = mkdtempSync(join(tmpdir(), 'weld-bench-wit-'));
for (const p of packages) {
  const dst = p === main ? dir : join(dir, 'deps', p.name.slice('wasi-'.length));
  mkdirSync(dst, { recursive: true });
  for (const f of readdirSync(join(wasiDir, p.name)).filter((f) => f.endsWith('.wit'))) writeFileSync(join(dst, f), readFileSync(join(wasiDir, p.name, f)));
}
let folderImports = 0;
const [oursDir, theirsDir] = await measurePair([
  {
    label: 'weld wit-tools resolveDir (read+parse+resolve)',
    warmup: 200,
    fn: () => {
      const { resolve, package: pkg } = witTools.resolveDir(dir);
      folderImports = resolve.worlds[resolve.packages[pkg].worlds.get('proxy')].imports.size;
    },
  },
  { label: 'jco componentEmbed({ dummy: true, witPath })', warmup: 20, fn: () => jco.componentEmbed({ dummy: true, witPath: dir, world }) },
], Number(process.env.ROUNDS ?? 12));
rmSync(dir, { recursive: true, force: true });
if (folderImports !== worldImports) throw new Error(`the folder resolved to ${folderImports} proxy imports, the text to ${worldImports}`);
report('speedup, the packages as folders on disk', oursDir, theirsDir);
report('speedup, one text in memory (strict: jco skips its file-system layer)', ours, theirs);
