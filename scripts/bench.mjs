// `pnpm bench [name…]`: compiles the packages (and the checkout's CLI bundle), then runs each bench/<name>.mjs in its own process
// (so one benchmark's heap and JIT state cannot colour another's). Benchmarks print their own figures
// and ratios against the peer tool measured in the same run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = path.join(root, 'bench');
const wanted = process.argv.slice(2);
const all = readdirSync(benchDir).filter((f) => f.endsWith('.mjs') && !f.startsWith('_')).sort();
const selected = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all;
if (selected.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// the checkout's bin/weld.js runs the CLI bundle while it is fresh: make it so, as `pnpm build` does
const bundle = spawnSync(process.execPath, [path.join(root, 'scripts/bundle-cli.mjs'), '--dev'], { cwd: root, stdio: 'inherit' });
if (bundle.status !== 0) process.exit(bundle.status ?? 1);
let failed = 0;
for (const file of selected) {
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(benchDir, file)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
