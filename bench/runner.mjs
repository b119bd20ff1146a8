// Runner benchmark, each figure against the peer in the same run:
// (1) cold start: `weld run` of a cached C command as a whole process, against `jco run` of the same file
//     (target >= 5x);
// (2) call overhead: calc.add of the C calc component instantiated with weld's confined host (grants
//     checked, own filesystem and stdio), against the same export transpiled by jco with preview2-shim's
//     default imports, in-process (target <= 20% slower).
// Needs: pnpm build, clang (scripts/setup.sh), and the example built (the test setup builds it too).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const weldBin = join(root, 'packages/cli/bin/weld.js');
const require = createRequire(join(root, 'packages/runner/package.json'));
const jcoBin = join(root, 'node_modules/.bin/jco');
const runner = await import(pathToFileURL(join(root, 'packages/runner/dist/index.js')).href);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// (1) cold start
const project = mkdtempSync(join(os.tmpdir(), 'weld-bench-run-'));
writeFileSync(join(project, 'weld.yaml'), 'components:\n  - { name: hello, language: c, source: hello.c, exec-model: command }\n');
writeFileSync(join(project, 'hello.c'), '#include <stdio.h>\nint main(int argc, char **argv) { printf("hello from %s with %d args\\n", argv[0], argc - 1); return 0; }\n');
const built = spawnSync(process.execPath, [weldBin, 'build', project], { encoding: 'utf8' });
if (built.status !== 0) {
  console.error(built.stderr);
  process.exit(2);
}
const hello = join(project, 'build', 'hello.wasm');
const home = mkdtempSync(join(os.tmpdir(), 'weld-bench-home-'));
const env = { ...process.env, WELD_HOME: home };
const whole = (cmd, args) => {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return performance.now() - t0;
};
whole(process.execPath, [weldBin, 'run', hello, '--', 'x']); // fills weld's transpile cache
whole(jcoBin, ['run', hello, 'x']);
const weldRuns = [];
const jcoRuns = [];
for (let i = 0; i < 15; i++) {
  weldRuns.push(whole(process.execPath, [weldBin, 'run', hello, '--', 'x']));
  jcoRuns.push(whole(jcoBin, ['run', hello, 'x']));
}
const w = median(weldRuns);
const j = median(jcoRuns);
console.log(`cold start, cached C command as a whole process (15 alternating runs each)`);
console.log(`  weld run   median ${w.toFixed(0).padStart(5)} ms   best ${Math.min(...weldRuns).toFixed(0)} ms`);
console.log(`  jco run    median ${j.toFixed(0).padStart(5)} ms   best ${Math.min(...jcoRuns).toFixed(0)} ms`);
console.log(`  speedup ${(j / w).toFixed(1)}x by median (target >= 5x)`);

// (2) call overhead
const calcFile = [join(root, '.cache/fixtures/polyglot/calc.wasm'), join(root, 'examples/polyglot/build/calc.wasm')].find(existsSync);
if (!calcFile) {
  console.error('no built calc.wasm: run `node packages/cli/bin/weld.js build examples/polyglot` first');
  process.exit(2);
}
const calcBytes = readFileSync(calcFile);
await runner.loadHostShim();
const ours = await runner.transpileCached(calcBytes, join(home, 'cache', 'transpiled'));
const host = runner.createHost({ grants: { env: {}, dirs: [{ host: project, guest: '/data', readonly: true }], allowHosts: [], allowLookup: false }, args: ['calc'], onDenied: () => {}, stdio: { stdout: 2, stderr: 2 } });
const weldInstance = await ours.instantiate(host.imports);
const weldAdd = (weldInstance['demo:calc/calc@0.1.0'] ?? weldInstance.calc).add;

const jco = await import(pathToFileURL(require.resolve('@bytecodealliance/jco')).href);
const rawDir = join(root, '.cache', 'transpiled', `bench-calc-${process.pid}`);
mkdirSync(rawDir, { recursive: true });
const { files } = await jco.transpile(calcBytes, { name: 'calc' });
for (const [file, content] of Object.entries(files)) {
  mkdirSync(join(rawDir, file, '..'), { recursive: true });
  writeFileSync(join(rawDir, file), content);
}
writeFileSync(join(rawDir, 'package.json'), '{"type":"module"}\n');
const raw = await import(pathToFileURL(join(rawDir, 'calc.js')).href);
const rawAdd = (raw['demo:calc/calc@0.1.0'] ?? raw.calc).add;

function perCall(fn, calls) {
  let acc = 0;
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) acc = fn(i, acc & 0xffff);
  return ((performance.now() - t0) * 1e6) / calls;
}
for (let i = 0; i < 3; i++) perCall(weldAdd, 20000), perCall(rawAdd, 20000);
const weldNs = [];
const rawNs = [];
for (let i = 0; i < 9; i++) {
  weldNs.push(perCall(weldAdd, 100000));
  rawNs.push(perCall(rawAdd, 100000));
}
const wn = median(weldNs);
const rn = median(rawNs);
console.log(`call overhead, calc.add (C) in-process (9 alternating blocks of 100k calls)`);
console.log(`  weld (confined host, grants)   median ${wn.toFixed(0).padStart(6)} ns/call`);
console.log(`  jco transpile + preview2-shim  median ${rn.toFixed(0).padStart(6)} ns/call`);
console.log(`  overhead ${(((wn - rn) / rn) * 100).toFixed(1)}% (target <= 20%)`);
process.exit(0);
