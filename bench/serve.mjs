// Requests per second of `weld serve` against `jco serve --isolate-requests instance` (a fresh instance per request,
// as weld does by default) on the same component, in the same run, with ApacheBench (`ab -k`, keep-alive):
//  1. the JS hello handler (examples/polyglot/http, built by `pnpm fixtures` or the test setup) at /hello;
//  2. a tiny WAT handler (test/fixtures/http-count.wat) — jco's side is measured too.
// Each server gets a warm-up, then DURATION seconds (default 5) at CONCURRENCY (default 16) connections.
// Run after `pnpm build`: `node bench/serve.mjs` (or `pnpm bench serve`). Needs `ab` (Debian apache2-utils).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const duration = Number(process.env.DURATION ?? 5);
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const home = mkdtempSync(join(os.tmpdir(), 'weld-bench-serve-'));
const jcoBin = join(root, 'node_modules/@bytecodealliance/jco/dist/jco.js');

const jsHandler = join(root, '.cache/fixtures/polyglot/http.wasm');
if (!existsSync(jsHandler)) {
  console.error(`${jsHandler} is missing: run \`pnpm fixtures\` (or the tests) first`);
  process.exit(2);
}
const { parse } = await import('@bytecodealliance/jco');
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
        resolve({ url, stop: () => new Promise((done) => (child.once('exit', done), child.kill('SIGINT'), setTimeout(() => child.kill('SIGKILL'), 15000).unref())) });
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
const results = [];
for (const [name, component, path] of [
  ['JS hello handler (StarlingMonkey)', jsHandler, '/hello'],
  ['tiny WAT handler', watHandler, '/'],
]) {
  console.log(`-- ${name}, ${duration} s, ${haveWrk ? 'wrk -t2 -c10' : `ab -k -c${concurrency}`}`);
  const sides = [
    ['weld serve (workers: one per core)', weldBin, ['serve', component, '--port', String(++port), '-q']],
    ['weld serve --workers 1', weldBin, ['serve', component, '--port', String(++port), '--workers', '1', '-q']],
    ['weld serve --reuse (one instance per worker)', weldBin, ['serve', component, '--port', String(++port), '--reuse', '-q']],
    ['jco serve --isolate-requests instance', jcoBin, ['serve', component, '--port', String(++port), '--isolate-requests', 'instance']],
  ];
  const measured = [];
  for (const [label, cmd, args] of sides) {
    const p = Number(args[args.indexOf('--port') + 1]);
    const server = await start(label, cmd, args, p);
    const r = await load(`${server.url}${path}`);
    await server.stop();
    measured.push({ label, ...r });
    console.log(`${label.padEnd(46)} ${r.rps.toFixed(0).padStart(7)} req/s  (failed ${r.failed}, non-2xx ${r.non2xx})`);
  }
  const jco = measured[measured.length - 1];
  console.log(`weld / jco: ${(measured[0].rps / jco.rps).toFixed(1)}x (fresh instances on both sides)`);
  results.push({ name, measured });
}
rmSync(home, { recursive: true, force: true });
