// Requests per second of `weld serve` of a workload with host interfaces (issue 16): the HTTP counter
// (test/hostif/http-guest: wasi:keyvalue atomics on a local redis-server, wasi:logging) beside the messenger (its
// wasmcloud:messaging handle-message subscribed on a local nats-server while serving), against the same counter
// served alone with the same grants (`weld serve counter.wasm --kv redis://… --logging warn`), in the same run,
// interleaved, twice each, a fresh instance per request (the workload's makes both components, and the counter is a
// StarlingMonkey engine: instantiation is most of a request). Not `--reuse`: a componentize-js fetch-event handler
// answers only its first request (StarlingMonkey: "respondWith can't be called twice on the same event").
// ab's "failed" count is left out: it flags every body whose length differs from the first (the count grows).
// Needs: pnpm build, redis-server, nats-server, ab (apache2-utils), the hostif fixtures (the test setup builds them).
// DURATION (s, default 5), CONCURRENCY (default 16), WORKERS (default 2).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const duration = Number(process.env.DURATION ?? 5);
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const workers = String(process.env.WORKERS ?? 2);
const weldBin = join(root, 'packages/cli/bin/weld.js');
const fixture = (name) => join(root, '.cache/fixtures/hostif', `${name}.wasm`);
for (const name of ['counter', 'messenger']) {
  if (!existsSync(fixture(name))) {
    console.error(`${fixture(name)} is missing: run the hostif tests once (their setup builds it)`);
    process.exit(2);
  }
}
const home = mkdtempSync(join(os.tmpdir(), 'weld-bench-serve-wl-'));
const children = [];
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const answers = (port) => new Promise((r) => net.connect(port, '127.0.0.1').on('connect', function () { this.destroy(); r(true); }).on('error', () => r(false)));
async function server(cmd, args, port) {
  const child = spawn(cmd, args, { stdio: 'ignore' });
  children.push(child);
  for (let i = 0; i < 100 && !(await answers(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return child;
}
const redisPort = await freePort();
const natsPort = await freePort();
await server('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], redisPort);
await server('nats-server', ['-a', '127.0.0.1', '-p', String(natsPort)], natsPort);
const redisUrl = `redis://127.0.0.1:${redisPort}`;
const natsUrl = `nats://127.0.0.1:${natsPort}`;

const manifest = join(home, 'workload.yaml');
writeFileSync(
  manifest,
  `apiVersion: runtime.wasmcloud.dev/v1alpha1
kind: Workload
metadata: { name: served }
spec:
  hostInterfaces:
    - { namespace: wasi, package: keyvalue, interfaces: [store, atomics], version: 0.2.0-draft, config: { url: '${redisUrl}' } }
    - { namespace: wasi, package: logging, interfaces: [logging], version: 0.1.0-draft, config: { level: warn } }
    - { namespace: wasmcloud, package: messaging, interfaces: [consumer, handler, types], version: 0.2.0, config: { url: '${natsUrl}', subscriptions: bench.served } }
  components:
    - { name: counter, image: ${fixture('counter')} }
    - { name: messenger, image: ${fixture('messenger')} }
`,
);

async function serve(args) {
  const port = await freePort();
  const child = spawn(process.execPath, [weldBin, 'serve', ...args, '--port', String(port), '--workers', workers, '-q'], { env: { ...process.env, WELD_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const url = `http://127.0.0.1:${port}/count/bench`;
  for (let i = 0; ; i++) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null || i > 600) throw new Error(`weld serve ${args[0]} did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop: () => new Promise((done) => (child.once('exit', done), child.kill('SIGINT'))) };
}

async function ab(url) {
  await run('ab', ['-k', '-q', '-c', String(concurrency), '-t', '1', '-n', '1000000', url]).catch(() => undefined); // warm-up
  const { stdout } = await run('ab', ['-k', '-q', '-c', String(concurrency), '-t', String(duration), '-n', '10000000', url], { maxBuffer: 1 << 24 });
  return { rps: Number(/Requests per second:\s+([\d.]+)/.exec(stdout)?.[1]), non2xx: Number(/Non-2xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0) };
}

const sides = [
  ['workload: counter + messenger (kv on Redis, handle-message on NATS)', [manifest]],
  ['the counter alone (--kv redis, --logging warn)', [fixture('counter'), '--kv', redisUrl, '--logging', 'warn']],
];
console.log(`GET /count/bench, ${duration} s, ab -k -c${concurrency}, --workers ${workers}`);
const rates = sides.map(() => []);
for (let round = 0; round < 2; round++) {
  for (const [i, [label, args]] of sides.entries()) {
    const s = await serve(args);
    const r = await ab(s.url);
    await s.stop();
    rates[i].push(r.rps);
    console.log(`  ${label.padEnd(68)} ${r.rps.toFixed(0).padStart(6)} req/s  (non-2xx ${r.non2xx})`);
  }
}
const best = (xs) => Math.max(...xs);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`workload / alone: ${(best(rates[0]) / best(rates[1])).toFixed(2)}x best of 2, ${(mean(rates[0]) / mean(rates[1])).toFixed(2)}x of the means`);
rmSync(home, { recursive: true, force: true });
process.exit(0);
