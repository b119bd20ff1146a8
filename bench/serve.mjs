// Requests per second of `weld serve` against `jco serve --isolate-requests instance` (a fresh instance per request,
// as weld does by default) on the same component, in the same run, with `wrk -t2 -c10` (ApacheBench `ab -k` without wrk):
//  1. the JS hello handler (examples/polyglot/http, built by `pnpm fixtures` or the test setup) at /hello;
//  2. the C handler (test/fixtures/http-c, built here from source by weld build, cached by content hash) at /hello;
//  3. a tiny WAT handler (test/fixtures/http-count.wat).
// Each server gets a warm-up, then DURATION seconds (default 5). The sides are measured in turn, ROUNDS times
// (default 2), and each side's median and best are reported: the machine may be shared.
// Run after `pnpm build`: `node bench/serve.mjs` (or `pnpm bench serve`). Needs `wrk` or `ab` (apache2-utils).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const duration = Number(process.env.DURATION ?? 5);
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const rounds = Math.max(1, Number(process.env.ROUNDS ?? 2));
const home = mkdtempSync(join(os.tmpdir(), 'weld-bench-serve-'));
const jcoBin = join(root, 'node_modules/@bytecodealliance/jco/dist/jco.js');

const jsHandler = join(root, '.cache/fixtures/polyglot/http.wasm');
if (!existsSync(jsHandler)) {
  console.error(`${jsHandler} is missing: run \`pnpm fixtures\` (or the tests) first`);
  process.exit(2);
}
const { parse } = await import('@bytecodealliance/jco');
const { buildProject, loadProject } = await import(pathToFileURL(join(root, 'packages/compose/dist/index.js')).href);
const cOut = join(root, '.cache/fixtures/http-c');
await buildProject(await loadProject(join(root, 'test/fixtures/http-c')), { outDir: cOut });
const cHandler = join(cOut, 'http-c.wasm');
const watHandler = join(home, 'http-count.wasm');
writeFileSync(watHandler, await parse(readFileSync(join(root, 'test/fixtures/http-count.wat'), 'utf8')));

/** Starts a server and resolves with its base URL once it prints one, or once the port answers. */
function start(label, cmd, args, port) {
  const child = spawn(process.execPath, [cmd, ...args], { env: { ...process.env, WELD_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = async () => {
      try {
        await fetch(`${url}/hello`);
        // the child's stdio is destroyed once it exits: a grandchild holding it must not keep this process alive
        const exited = () => (child.stdout.destroy(), child.stderr.destroy());
        resolve({ url, stop: () => new Promise((done) => (child.once('exit', () => (exited(), done())), child.kill('SIGINT'), setTimeout(() => child.kill('SIGKILL'), 15000).unref())) });
      } catch {
        if (child.exitCode !== null || Date.now() - t0 > 120_000) return reject(new Error(`${label} did not start: ${out}`));
        setTimeout(poll, 200);
      }
    };
    poll();
  });
}

/** wrk -t2 -c10 as the issue measures (it keeps chunked responses alive, which ab cannot); ab when wrk is missing. */
const haveWrk = await run('wrk', ['--version']).then(() => true, (e) => /^wrk /.test(`${e.stdout ?? ''}${e.stderr ?? ''}`));
async function load(url) {
  if (!haveWrk) return ab(url);
  await run('wrk', ['-t2', '-c10', '-d1s', url]).catch(() => undefined); // warm-up
  const { stdout } = await run('wrk', ['-t2', '-c10', `-d${duration}s`, url], { maxBuffer: 1 << 24 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const failed = errors ? errors.slice(1).reduce((n, x) => n + Number(x), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  return { rps, failed, non2xx };
}

async function ab(url) {
  await run('ab', ['-k', '-q', '-c', String(concurrency), '-t', '1', '-n', '1000000', url]).catch(() => undefined); // warm-up
  const { stdout } = await run('ab', ['-k', '-q', '-c', String(concurrency), '-t', String(duration), '-n', '10000000', url], { maxBuffer: 1 << 24 });
  const rps = Number(/Requests per second:\s+([\d.]+)/.exec(stdout)?.[1]);
  const failed = Number(/Failed requests:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  return { rps, failed, non2xx };
}

const weldBin = join(root, 'packages/cli/bin/weld.js');
let port = 18700 + Math.floor(Math.random() * 500);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const [name, component, path, reusable] of [
  // StarlingMonkey answers one fetch event per instance ("respondWith can't be called twice"): no --reuse side
  ['JS hello handler (StarlingMonkey)', jsHandler, '/hello', false],
  ['C hello handler', cHandler, '/hello', true],
  ['tiny WAT handler', watHandler, '/', true],
]) {
  console.log(`-- ${name}, ${duration} s, ${haveWrk ? 'wrk -t2 -c10' : `ab -k -c${concurrency}`}, ${rounds} rounds`);
  const sides = [
    ['weld serve (fresh instance per request)', weldBin, ['serve', component, '--port', '0', '-q']],
    ['weld serve --workers 1', weldBin, ['serve', component, '--port', '0', '--workers', '1', '-q']],
    ...(reusable ? [['weld serve --reuse (one instance per worker)', weldBin, ['serve', component, '--port', '0', '--reuse', '-q']]] : []),
    ['jco serve --isolate-requests instance', jcoBin, ['serve', component, '--port', '0', '--isolate-requests', 'instance']],
  ];
  const measured = sides.map(([label]) => ({ label, runs: [] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, [label, cmd, args]] of sides.entries()) {
      const p = ++port;
      const server = await start(label, cmd, args.map((a, j) => (args[j - 1] === '--port' ? String(p) : a)), p);
      const r = await load(`${server.url}${path}`);
      await server.stop();
      measured[i].runs.push(r);
      console.log(`  round ${round + 1}: ${label.padEnd(46)} ${r.rps.toFixed(0).padStart(7)} req/s  (failed ${r.failed}, non-2xx ${r.non2xx})`);
    }
  }
  for (const m of measured) {
    const rps = m.runs.map((r) => r.rps);
    const errors = m.runs.reduce((n, r) => n + r.failed + r.non2xx, 0);
    console.log(`${m.label.padEnd(46)} median ${median(rps).toFixed(0).padStart(6)} req/s, best ${Math.max(...rps).toFixed(0).padStart(6)}  (errors ${errors})`);
  }
  const jco = median(measured[measured.length - 1].runs.map((r) => r.rps));
  const fresh = median(measured[0].runs.map((r) => r.rps));
  console.log(`weld / jco: ${(fresh / jco).toFixed(1)}x (medians; fresh instances on both sides)`);
  if (component === cHandler) console.log(`C handler, fresh instances: ${((100 * fresh) / 5000).toFixed(0)}% of the 5,000 req/s target`);
}
rmSync(home, { recursive: true, force: true });
