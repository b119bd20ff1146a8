// `weld wit breaking` as a whole process on two versions of the WASI 0.2 packages (http with its deps cli, io,
// filesystem, sockets, clocks, random), next to `node -e 0` in the same run, laid out as a user has them: the
// http package in the folder, the others under deps/.
// Inputs: node_modules holds the full WASI set only at 0.2.12 (jco 1.35.0 lib/wit/builtin/0.2.12; its 0.2.10
// folder has only clocks, io, sockets; no 0.2.0 anywhere). The "new" side is that 0.2.12 text; the "old" side is
// the same text renamed to 0.2.0 with every `@since(version = 0.2.N)` moved to 0.2.0 and every item gated
// after 0.2.0 kept, so both sides resolve the whole of WASI and every item is compared (the findings are the
// gate changes). wasm-tools' semver check is measured too when `wasm-tools` is on PATH (setup.sh does not install it).
// weld runs three ways, interleaved: a checkout's bin/weld.js (the bundle `pnpm build` makes, with V8's code cache
// once the command has run twice),
// the same with WELD_CLI_DIST=1 (dist/ as tsc wrote it), and the npm package's bin (bin/weld-bundle.js).
// Run after `pnpm build`: `node bench/wit-breaking.mjs` (RUNS=20 by default).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'packages/wit-tools/package.json'));
const jcoEntry = require.resolve('@bytecodealliance/jco');
const jcoRoot = jcoEntry.slice(0, jcoEntry.lastIndexOf('/node_modules/@bytecodealliance/jco/') + '/node_modules/@bytecodealliance/jco'.length);
const OLD = '0.2.0';
const NEW = '0.2.12';
const RUNS = Number(process.env.RUNS ?? 20);
const weld = join(root, 'packages/cli/bin/weld.js');
const weldBundle = join(root, 'packages/cli/bin/weld-bundle.js');
const { BUNDLE_DIR, bundleCli, bundleDev } = await import(pathToFileURL(join(root, 'scripts/bundle-cli.mjs')).href);
const { devBundleFresh } = await import(pathToFileURL(join(root, 'packages/cli/bin/dev-bundle.js')).href);
if (!devBundleFresh(join(root, 'packages/cli'))) await bundleDev(); // else the checkout would run dist/
const builtBundle = !existsSync(join(BUNDLE_DIR, 'main.js'));
if (builtBundle) await bundleCli();
process.on('exit', () => builtBundle && rmSync(BUNDLE_DIR, { recursive: true, force: true }));
const deps = ['wasi-cli', 'wasi-io', 'wasi-filesystem', 'wasi-sockets', 'wasi-clocks', 'wasi-random'];

const work = mkdtempSync(join(tmpdir(), 'weld-bench-breaking-'));
function layout(version) {
  const src = join(jcoRoot, 'lib/wit/builtin', NEW);
  const dir = join(work, version);
  cpSync(join(src, 'wasi-http'), dir, { recursive: true });
  for (const d of deps) cpSync(join(src, d), join(dir, 'deps', d), { recursive: true });
  if (version !== NEW) {
    for (const file of readdirSync(dir, { recursive: true })) {
      if (!String(file).endsWith('.wit')) continue;
      const path = join(dir, String(file));
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll(`@${NEW}`, `@${version}`).replace(/@since\(version = 0\.2\.\d+\)/g, `@since(version = ${version})`));
    }
  }
  return dir;
}
const oldDir = layout(OLD);
const newDir = layout(NEW);

function time(cmd, args, env = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout.toString(), status: r.status };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs) => Math.min(...xs);

const first = time(process.execPath, [weld, '-o', 'json', 'wit', 'breaking', oldDir, newDir]);
const report = JSON.parse(first.stdout);
// untimed: each cached way takes the chunks on the first run and makes its code cache on the second, as a user's
// first two runs of the command do
for (const bin of [weld, weldBundle, weld, weldBundle]) time(process.execPath, [bin, 'wit', 'breaking', oldDir, newDir]);
const sides = { node: [], weld: [], dist: [], bundle: [], core: [], wasmTools: [] };
const coreEntry = join(root, 'packages/core/dist/index.js');
let wasmTools = false;
try {
  execFileSync('wasm-tools', ['--version'], { stdio: 'ignore' });
  wasmTools = true;
} catch {
  /* not installed */
}
for (let i = 0; i < RUNS; i++) {
  sides.node.push(time(process.execPath, ['-e', '0']).ms);
  sides.weld.push(time(process.execPath, [weld, 'wit', 'breaking', oldDir, newDir]).ms);
  sides.dist.push(time(process.execPath, [weld, 'wit', 'breaking', oldDir, newDir], { WELD_CLI_DIST: '1' }).ms);
  sides.bundle.push(time(process.execPath, [weldBundle, 'wit', 'breaking', oldDir, newDir]).ms);
  // what a process that only imports @weld/core costs (every wit-tools import pays it)
  sides.core.push(time(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(coreEntry)})`]).ms);
  if (wasmTools) sides.wasmTools.push(time('wasm-tools', ['component', 'semver-check', '--prev', oldDir, '--new', newDir]).ms);
}
const node = median(sides.node);
console.log(`wasi:http ${OLD} → ${NEW} (+ ${deps.length} deps): ${report.findings.length} findings, required ${report.requiredBump}, made ${report.madeBump}, exit ${first.status}`);
console.log(`node -e 0            median ${node.toFixed(1)} ms (best ${best(sides.node).toFixed(1)})`);
for (const [label, xs] of [['checkout', sides.weld], ['dist', sides.dist], ['npm bundle', sides.bundle]]) {
  const m = median(xs);
  console.log(`weld wit breaking    median ${m.toFixed(1)} ms (best ${best(xs).toFixed(1)})  ${(m / node).toFixed(2)}× node's start (best/best ${(best(xs) / best(sides.node)).toFixed(2)}×; target < 2×)  [${label}]`);
}
console.log(`import @weld/core     median ${median(sides.core).toFixed(1)} ms  (a process that only imports it; part of the line above)`);
if (wasmTools) console.log(`wasm-tools semver    median ${median(sides.wasmTools).toFixed(1)} ms`);
else console.log('wasm-tools: not on PATH, not measured');
rmSync(work, { recursive: true, force: true });
