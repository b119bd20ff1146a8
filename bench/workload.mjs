// Workload benchmark: calls from one component into a sibling linked at run time, against the same two
// components composed statically.
// (1) runtime link: looper (JS) calls demo:calc/calc.add of the C calc, a sibling linked by `weld run`'s
//     workload linker (jco export object handed in as the import) — target >= 30,000 calls/s, the figure
//     wasmCloud gives for in-process links;
// (2) static: the same looper with calc plugged in by `weld compose`, one component, same host;
// the overhead of (1) against (2) is printed as a ratio.
// Needs: pnpm build and clang (scripts/setup.sh); builds its components (cached by content hash).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const weldBin = join(root, 'packages/cli/bin/weld.js');
const compose = await import(pathToFileURL(join(root, 'packages/compose/dist/index.js')).href);
const runner = await import(pathToFileURL(join(root, 'packages/runner/dist/index.js')).href);

const polyglot = join(root, '.cache/fixtures/polyglot');
const fixtures = join(root, '.cache/fixtures/workload');
await compose.buildProject(await compose.loadProject(join(root, 'examples/polyglot')), { outDir: polyglot });
await compose.buildProject(await compose.loadProject(join(root, 'test/fixtures/workload/project')), { outDir: fixtures });

const dir = mkdtempSync(join(os.tmpdir(), 'weld-bench-workload-'));
writeFileSync(
  join(dir, 'workload.yaml'),
  `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: bench}\nspec:\n  components:\n    - {name: looper, image: ${join(fixtures, 'looper.wasm')}}\n    - {name: calc, image: ${join(polyglot, 'calc.wasm')}}\n`,
);
writeFileSync(
  join(dir, 'weld.yaml'),
  `components:\n  - {name: looper, language: wasm, source: ${join(fixtures, 'looper.wasm')}}\n  - {name: calc, language: wasm, source: ${join(polyglot, 'calc.wasm')}}\ncompose:\n  - {name: composed, socket: looper, plugs: [calc]}\n`,
);
const composed = ((b) => (b.status === 0 ? spawnSync(process.execPath, [weldBin, 'compose', dir], { encoding: 'utf8' }) : b))(spawnSync(process.execPath, [weldBin, 'build', dir], { encoding: 'utf8' }));
if (composed.status !== 0) {
  console.error(composed.stderr);
  process.exit(2);
}

// (1) linked at run time
const loaded = await runner.loadWorkload(join(dir, 'workload.yaml'));
const running = await runner.instantiateWorkload(loaded, { stdio: { stdout: 2, stderr: 2 } });
const linkedLoop = running.instances.get('looper')['test:looper/loop@0.1.0'];

// (2) composed statically, instantiated with the same confined host
const staticComponent = await runner.transpileCached(readFileSync(join(dir, 'build', 'composed.wasm')));
const host = runner.createHost({ grants: runner.NO_GRANTS, args: ['composed'], onDenied: () => {}, stdio: { stdout: 2, stderr: 2 } });
const staticInstance = await staticComponent.instantiate(host.imports);
const staticLoop = staticInstance['test:looper/loop@0.1.0'] ?? staticInstance.loop;

const N = 200_000;
if (linkedLoop.addMany(1000) !== 1000 || staticLoop.addMany(1000) !== 1000) throw new Error('the loops do not add up');
const rate = (loop) => {
  const t0 = performance.now();
  loop.addMany(N);
  return N / ((performance.now() - t0) / 1000);
};
for (let i = 0; i < 3; i++) (rate(linkedLoop), rate(staticLoop)); // warm up both
const linked = [];
const stat = [];
for (let i = 0; i < 9; i++) {
  linked.push(rate(linkedLoop));
  stat.push(rate(staticLoop));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const l = median(linked);
const s = median(stat);
console.log(`calls of demo:calc/calc.add (C) from a JS component, ${N} per round, 9 alternating rounds, median`);
console.log(`  linked at run time  ${Math.round(l).toLocaleString('en-US').padStart(12)} calls/s  (target >= 30,000)  ${l >= 30_000 ? 'ok' : 'BELOW TARGET'}`);
console.log(`  composed statically ${Math.round(s).toLocaleString('en-US').padStart(12)} calls/s`);
console.log(`  runtime link costs ${((s / l - 1) * 100).toFixed(0)}% more time per call than the static composition (${(s / l).toFixed(2)}x)`);
await running.close();
host.close();
process.exit(l >= 30_000 ? 0 : 1);
