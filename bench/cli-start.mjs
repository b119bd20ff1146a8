// CLI start-up as users feel it: whole processes, each case run in turn (interleaved, so machine load hits
// all alike), median and best of N. Peers in the same run: `node -e 0` (the floor), and a node process running
// jco's `componentWit` on the same 12 MB componentize-js component that `weld wit extract` reads. weld runs four ways:
//   bundle      the npm package's bin (bin/weld-bundle.js): the bundle's CommonJS script with V8's code cache
//               (where Node can require ES modules, from a command's second run on)
//   bundle-esm  the same with WELD_CODE_CACHE=0: the bundle's ES module chunks
//   checkout    a checkout's bin/weld.js: the bundle `pnpm build` makes (dist-bundle/), with the code cache
//   dist        bin/weld.js with WELD_CLI_DIST=1: dist/ as tsc wrote it, hundreds of modules
// (each cached way makes its code cache in the untimed runs before, as a user's second run of a command does).
// Targets (issue 13): weld --version within 1.5× of node -e 0; weld validate of a small C component within 2×;
// weld wit extract at least 2× faster than the jco process.
// Needs: pnpm build and the polyglot fixtures (the test setup builds them into .cache/fixtures/polyglot).
//   node bench/cli-start.mjs [--runs 15] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const runs = Number(opt('--runs', '15'));
const asJson = args.includes('--json');
const cliDir = join(root, 'packages/cli');
const { BUNDLE_DIR, bundleCli, bundleDev } = await import(pathToFileURL(join(root, 'scripts/bundle-cli.mjs')).href);
const { devBundleFresh } = await import(pathToFileURL(join(root, 'packages/cli/bin/dev-bundle.js')).href);

const fixture = (name) => [join(root, `examples/polyglot/build/${name}.wasm`), join(root, `.cache/fixtures/polyglot/${name}.wasm`)].find(existsSync);
const small = fixture('calc'); // C, ~60 KB
const big = fixture('app'); // componentize-js, ~12 MB
if (!small || !big) {
  console.error('no built polyglot components: run `node packages/cli/bin/weld.js build examples/polyglot` (or the tests) first');
  process.exit(2);
}
const jcoUrl = pathToFileURL(createRequire(join(root, 'packages/binary/package.json')).resolve('@bytecodealliance/jco')).href;
const jcoScript = `import { componentWit } from ${JSON.stringify(jcoUrl)};
import { readFileSync } from 'node:fs';
process.stdout.write(await componentWit(readFileSync(${JSON.stringify(big)})));
process.exit(0);`;

// bin/weld.js runs dist/ (a checkout); bin/weld-bundle.js the bundle (what the npm package installs as `weld`).
if (!devBundleFresh(cliDir)) await bundleDev(); // else `checkout` would measure dist/
const builtBundle = !existsSync(join(BUNDLE_DIR, 'main.js'));
if (builtBundle) await bundleCli();
process.on('exit', () => builtBundle && rmSync(BUNDLE_DIR, { recursive: true, force: true }));
const checkout = join(cliDir, 'bin/weld.js');
const bundle = join(cliDir, 'bin/weld-bundle.js');
const MODES = {
  bundle: { bin: bundle, env: {} },
  'bundle-esm': { bin: bundle, env: { WELD_CODE_CACHE: '0' } },
  checkout: { bin: checkout, env: {} },
  dist: { bin: checkout, env: { WELD_CLI_DIST: '1' } },
};

const weldCases = (label) => {
  const { bin, env } = MODES[label];
  return [
    { name: `weld --version (${label})`, argv: [bin, '--version'], env },
    { name: `weld validate calc.wasm (${label})`, argv: [bin, 'validate', small], env },
    { name: `weld wit extract app.wasm (${label})`, argv: [bin, 'wit', 'extract', big], env },
  ];
};
const cases = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  ...Object.keys(MODES).flatMap(weldCases),
  { name: 'node + jco componentWit app.wasm', argv: ['--input-type=module', '-e', jcoScript] },
];
for (const c of cases) c.env = { ...process.env, ...c.env };

for (const c of cases) {
  // untimed runs: a cold file cache is not what we measure; and a cached way takes the chunks on a command's first
  // run and makes its code cache on the second (bin/cached-bundle.js), as a user's first two runs do
  spawnSync(process.execPath, c.argv, { env: c.env, stdio: 'ignore' });
  const r = spawnSync(process.execPath, c.argv, { env: c.env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    console.error(`${c.name} failed (exit ${r.status}):\n${r.stderr}`);
    process.exit(1);
  }
  c.samples = [];
}
for (let i = 0; i < runs; i++) {
  for (const c of cases) {
    const t0 = performance.now();
    spawnSync(process.execPath, c.argv, { env: c.env, stdio: 'ignore' });
    c.samples.push(performance.now() - t0);
  }
}
const stat = (c) => {
  const s = [...c.samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0] };
};
const by = (name) => stat(cases.find((c) => c.name === name));
const floor = by('node -e 0');
const jco = by('node + jco componentWit app.wasm');
const ratios = (label) => ({
  versionOverNode: +(by(`weld --version (${label})`).median / floor.median).toFixed(2),
  validateOverNode: +(by(`weld validate calc.wasm (${label})`).median / floor.median).toFixed(2),
  jcoOverWitExtract: +(jco.median / by(`weld wit extract app.wasm (${label})`).median).toFixed(2),
});
const result = {
  runs,
  ms: Object.fromEntries(cases.map((c) => [c.name, { median: +stat(c).median.toFixed(1), min: +stat(c).min.toFixed(1) }])),
  ...Object.fromEntries(Object.keys(MODES).map((label) => [label, ratios(label)])),
};
// Targets apply to what users run: the npm package, i.e. the bundle.
const failures = [];
const r = result.bundle;
if (r.versionOverNode > 1.5) failures.push(`weld --version (bundle) is ${r.versionOverNode}× node -e 0 (target ≤ 1.5×)`);
if (r.validateOverNode > 2) failures.push(`weld validate (bundle) is ${r.validateOverNode}× node -e 0 (target ≤ 2×)`);
if (r.jcoOverWitExtract < 2) failures.push(`weld wit extract (bundle) is only ${r.jcoOverWitExtract}× faster than jco's process (target ≥ 2×)`);
if (asJson) {
  process.stdout.write(JSON.stringify({ bench: 'cli-start', result, failures }, null, 2) + '\n');
} else {
  console.log(`whole processes, median (best) of ${runs}`);
  for (const c of cases) console.log(`  ${c.name.padEnd(44)} ${stat(c).median.toFixed(0).padStart(6)} ms (${stat(c).min.toFixed(0)})`);
  for (const label of Object.keys(MODES)) {
    const x = result[label];
    console.log(`  ${label.padEnd(10)}: weld --version / node -e 0 ×${x.versionOverNode}; weld validate / node -e 0 ×${x.validateOverNode}; jco process / weld wit extract ×${x.jcoOverWitExtract}`);
  }
  for (const f of failures) console.log(`FAIL ${f}`);
}
process.exitCode = failures.length ? 1 : 0;
