// Messaging benchmark (issue 16): wasmcloud:messaging round trips between two components over a local
// nats-server, against the same request/reply done by two plain nats.js clients in the same run; and the cost
// of the sync bridge that lets a guest's synchronous host calls use the asynchronous NATS and Redis clients.
//   (1) sequential round trips: one requester component (in this process) -> one responder component (a
//       separate `weld run` process), each request waiting for its reply;
//   (2) aggregate round trips: 4 requester components, each in its own guest thread sharing this process's
//       bridge, against the same responders: 10,000 each (target >= 5,000 msg/s), and 2,500 each to show what
//       starting and warming up a guest thread costs;
//   (3) the bridge: a no-op call, and nats.publish through it against nc.publish called directly.
// Guests: test/hostif/guests/messenger.c by default, the JS messenger with BENCH_GUEST=js.
// Needs: pnpm build, nats-server (scripts/setup.sh), the hostif fixtures (the test setup builds them).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const weldBin = join(root, 'packages/cli/bin/weld.js');
const runner = await import(pathToFileURL(join(root, 'packages/runner/dist/index.js')).href);
const bridgeModule = await import(pathToFileURL(join(root, 'packages/runner/dist/host-interfaces/bridge/sync-bridge.js')).href);
const require = createRequire(join(root, 'packages/runner/package.json'));
const { connect } = await import(pathToFileURL(require.resolve('@nats-io/transport-node')).href);

const messengerFile = join(root, '.cache/fixtures/hostif', process.env.BENCH_GUEST === 'js' ? 'messenger.wasm' : 'c-messenger.wasm');
if (!existsSync(messengerFile)) {
  console.error('no .cache/fixtures/hostif/messenger.wasm: run the tests once (their setup builds it) or weld build test/hostif/guests --out-dir .cache/fixtures/hostif');
  process.exit(2);
}
const messenger = readFileSync(messengerFile);
const BENCH_EXPORT = process.env.BENCH_GUEST === 'js' ? 'ping.bench' : 'ping-bench.bench';
console.log(`guests: ${process.env.BENCH_GUEST === 'js' ? 'the JS messenger (componentize-js)' : 'the C messenger (canonical ABI by hand)'}; BENCH_GUEST=js|c`);

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const port = await freePort();
const natsServer = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
const url = `nats://127.0.0.1:${port}`;
const children = [natsServer];
const cleanup = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
process.on('exit', cleanup);
for (let i = 0; i < 100; i++) {
  const ok = await new Promise((r) => net.connect(port, '127.0.0.1').on('connect', function () { this.destroy(); r(true); }).on('error', () => r(false)));
  if (ok) break;
  await sleep(50);
}

// The responders: other "workloads", each its own process, answering bench.ping with pong:<body>. They share a
// queue group (wasmCloud's `subject|queue` spelling), so each request is handled by one of them.
const RESPONDERS = Number(process.env.BENCH_RESPONDERS ?? 2);
const responders = Array.from({ length: RESPONDERS }, () =>
  spawn(process.execPath, [weldBin, 'run', messengerFile, '--messaging', url, '--subscribe', 'bench.ping|responders', '--logging', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] }),
);
children.push(...responders);

const grants = { env: {}, dirs: [], allowHosts: [], allowLookup: false, hostPlugins: { granted: { logging: { level: 'warn' }, messaging: { url } } } };
const benchCall = async (count, limits) => {
  const r = await runner.callFunction(messenger, `${BENCH_EXPORT}("bench.ping", ${count})`, { grants, limits, componentName: 'requester' });
  if (r.wave !== `ok(${count})`) throw new Error(`bench call returned ${r.wave}`);
};
for (let i = 0; i < 100; i++) {
  try {
    await benchCall(10);
    break;
  } catch (e) {
    if (i === 99) throw e;
    await sleep(100); // the responder is still starting
  }
}

// Peer: the same request/reply between two plain nats.js connections in this process.
const peerResponder = await connect({ servers: `127.0.0.1:${port}` });
const enc = new TextEncoder();
const dec = new TextDecoder();
peerResponder.subscribe('peer.ping', { callback: (_e, m) => m.respond(enc.encode(`pong:${dec.decode(m.data)}`)) });
await peerResponder.flush();
const peerRequester = await connect({ servers: `127.0.0.1:${port}` });
const peerRun = async (count) => {
  for (let i = 0; i < count; i++) {
    const m = await peerRequester.request('peer.ping', enc.encode(String(i)), { timeout: 5000 });
    if (dec.decode(m.data) !== `pong:${i}`) throw new Error('peer reply mismatch');
  }
};

const N = 5000;
const timed = async (f) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};
await benchCall(500);
await peerRun(500);
const seqRuns = [];
const peerRuns = [];
for (let i = 0; i < 3; i++) {
  seqRuns.push(await timed(() => benchCall(N)));
  peerRuns.push(await timed(() => peerRun(N)));
}
const best = (xs) => Math.min(...xs);
const rate = (count, ms) => Math.round((count / ms) * 1000);
console.log(`(1) sequential round trips, ${N} per run, best of 3 (requester component in this process, ${RESPONDERS} responder component(s) in weld run processes)`);
console.log(`  weld components   ${String(rate(N, best(seqRuns))).padStart(6)} msg/s   ${((best(seqRuns) / N) * 1000).toFixed(0)} us/round trip`);
console.log(`  nats.js peer      ${String(rate(N, best(peerRuns))).padStart(6)} msg/s   ${((best(peerRuns) / N) * 1000).toFixed(0)} us/round trip`);
console.log(`  weld / peer       ${(best(peerRuns) / best(seqRuns)).toFixed(2)}x`);

const K = 4;
const parallel = async (per) => {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: K }, () => benchCall(per, { timeoutMs: 120_000 })));
  return performance.now() - t0;
};
const peerParallel = async (per) => {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: K }, () => peerRun(per)));
  return performance.now() - t0;
};
// Each call starts its guest thread (~0.1 s of CPU) and warms jco's bindings up in it (~0.14 s over its first few
// thousand messages): a short run measures them as much as the messages. The long run is the steady rate a running
// workload sees, against the target; the short one shows what start-up costs.
const SHORT = 2500;
const LONG = 10_000;
await parallel(SHORT);
const shortRuns = [await parallel(SHORT), await parallel(SHORT)];
const longRuns = [await parallel(LONG), await parallel(LONG)];
const peerParRuns = [await peerParallel(LONG), await peerParallel(LONG)];
console.log(`(2) aggregate round trips: ${K} requester components, each in its own guest thread (started per run), sharing one bridge; best of 2`);
console.log(`  weld components, ${LONG} each   ${String(rate(K * LONG, best(longRuns))).padStart(6)} msg/s   (target >= 5000)`);
console.log(`  weld components, ${SHORT} each    ${String(rate(K * SHORT, best(shortRuns))).padStart(6)} msg/s   (thread start and warm-up weigh in)`);
console.log(`  nats.js peer, ${LONG} each      ${String(rate(K * LONG, best(peerParRuns))).padStart(6)} msg/s   (${K} concurrent request loops on one connection)`);

// (3) the bridge itself, from this (main) thread
const bridge = bridgeModule.syncBridge();
const M = 20000;
bridge.call({ op: 'ping' }, 'bench');
const t0 = performance.now();
for (let i = 0; i < M; i++) bridge.call({ op: 'ping' }, 'bench');
const pingUs = ((performance.now() - t0) / M) * 1000;
const body = new Uint8Array(64);
bridge.call({ op: 'nats.publish', url, subject: 'bench.sink', body }, 'bench');
const t1 = performance.now();
for (let i = 0; i < M; i++) bridge.call({ op: 'nats.publish', url, subject: 'bench.sink', body }, 'bench');
const pubUs = ((performance.now() - t1) / M) * 1000;
const t2 = performance.now();
for (let i = 0; i < M; i++) peerRequester.publish('bench.sink', body);
await peerRequester.flush();
const directUs = ((performance.now() - t2) / M) * 1000;
console.log(`(3) sync bridge, ${M} calls each`);
console.log(`  no-op call                 ${pingUs.toFixed(1).padStart(6)} us/call`);
console.log(`  nats publish, waited       ${pubUs.toFixed(1).padStart(6)} us/call`);
console.log(`  nats publish direct        ${directUs.toFixed(1).padStart(6)} us/call (async, buffered; the bridge adds ${(pubUs - directUs).toFixed(1)} us)`);

await peerRequester.drain();
await peerResponder.drain();
await bridgeModule.closeBridge();
for (const r of responders) r.kill('SIGINT');
await Promise.all(responders.map((r) => new Promise((done) => (r.exitCode === null ? r.once('exit', done) : done()))));
cleanup();
process.exit(0);
