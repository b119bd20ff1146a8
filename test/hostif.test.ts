import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callFunction, runCommand } from '@weld/runner';
import { runWeld, WELD_BIN } from './helpers/cli.js';
import { hostifGuest, REPO_ROOT } from './helpers/fixtures.js';
import { startNats, startRedis, type LocalServer } from './helpers/servers.js';
import { startServe } from './helpers/serve.js';
import type { ChildProcess } from 'node:child_process';

// Host interfaces (issue 16) against real servers: guests are JS components built from test/hostif/guests against
// wasmCloud wash-runtime's WIT; redis-server and nats-server run on free loopback ports for the suite.

let home: string;
const cleanups: string[] = [];
beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'weld-hostif-'));
  cleanups.push(home);
});
afterAll(async () => {
  for (const d of cleanups) await rm(d, { recursive: true, force: true });
});

const weld = (args: string[], cwd?: string) => runWeld(args, { env: { WELD_HOME: home }, cwd });
const probe = () => hostifGuest('probe');
/** Every grant the probe's imports need, with an in-memory store unless `kv` says otherwise. */
const probeGrants = (kv = 'mem') => ['--config', 'greeting=hello', '--logging', '--kv', kv];

describe('deny by default', () => {
  it('a component importing host interfaces without grants fails before it runs, naming every flag to add (exit 3)', async () => {
    const r = await weld(['call', probe(), 'probe.config-get("x")']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'error[host-interface-denied]: denied wasi:config/store, wasi:keyvalue/atomics, wasi:keyvalue/batch, wasi:keyvalue/store, wasi:logging/logging (imported by probe); ' +
        'grant them with --config KEY=VALUE (or --config-file FILE) and --kv mem|redis://HOST:PORT and --logging\n',
    );
    const one = await weld(['call', probe(), 'probe.config-get("x")', '--config', 'a=1', '--logging']);
    expect(one.code).toBe(3);
    expect(one.stderr).toContain('denied wasi:keyvalue/atomics, wasi:keyvalue/batch, wasi:keyvalue/store (imported by probe); grant them with --kv mem|redis://HOST:PORT\n');
  });

  it('bad grant values are usage errors (exit 2)', async () => {
    for (const [args, message] of [
      [['--kv', 'http://x'], '--kv http://x: expected mem or redis://HOST[:PORT], not http://'],
      [['--messaging', 'nats:'], '--messaging nats:: the URL names no host'],
      [['--subscribe', 'a'], '--subscribe needs --messaging mem|nats://HOST:PORT'],
      [['--config', 'novalue'], '--config novalue: expected KEY=VALUE'],
      [['--logging', 'loud'], '--logging loud: expected one of trace, debug, info, warn, error, critical'],
      [['--blobstore', '/nonexistent-weld-dir'], '--blobstore /nonexistent-weld-dir: /nonexistent-weld-dir is not a directory'],
    ] as const) {
      const r = await weld(['call', probe(), 'probe.config-get("x")', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});

describe('wasi:config/store', () => {
  it('values come from --config-file, then --config (which wins); get-all lists them; a missing key is none', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-config-'));
    cleanups.push(dir);
    await writeFile(path.join(dir, 'config.yaml'), 'greeting: from-file\nport: 8080\ndebug: true\n');
    const grants = ['--config-file', path.join(dir, 'config.yaml'), '--config', 'greeting=from-flag', '--config', 'eq=a=b', '--logging', '--kv', 'mem'];
    expect((await weld(['call', probe(), 'probe.config-get("greeting")', ...grants])).stdout).toBe('ok(some("from-flag"))\n');
    expect((await weld(['call', probe(), 'probe.config-get("port")', ...grants])).stdout).toBe('ok(some("8080"))\n');
    expect((await weld(['call', probe(), 'probe.config-get("nope")', ...grants])).stdout).toBe('ok(none)\n');
    expect((await weld(['call', probe(), 'probe.config-all()', ...grants])).stdout).toBe(
      'ok([("greeting", "from-flag"), ("port", "8080"), ("debug", "true"), ("eq", "a=b")])\n',
    );
  });

  it('a config file that is not a mapping of scalars is an error with its location', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-config-'));
    cleanups.push(dir);
    await writeFile(path.join(dir, 'bad.yaml'), 'a: 1\nb: [unclosed\n');
    await writeFile(path.join(dir, 'nested.yaml'), 'a:\n  b: 1\n');
    const bad = await weld(['call', probe(), 'probe.config-get("a")', '--config-file', path.join(dir, 'bad.yaml'), '--logging', '--kv', 'mem']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[grant-invalid]: --config-file: YAML syntax:');
    expect(bad.stderr).toContain(`--> ${path.join(dir, 'bad.yaml')}:3:1`);
    const nested = await weld(['call', probe(), 'probe.config-get("a")', '--config-file', path.join(dir, 'nested.yaml'), '--logging', '--kv', 'mem']);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain('error[grant-invalid]: --config-file: the value of "a" must be a string, number or boolean');
    expect(nested.stderr).toContain(`--> ${path.join(dir, 'nested.yaml')}:2:3\n      |\n    2 |   b: 1\n      |   ^---`);
    const missing = await weld(['call', probe(), 'probe.config-get("a")', '--config-file', path.join(dir, 'nope.yaml'), '--logging', '--kv', 'mem']);
    expect(missing.stderr).toContain(`error[no-such-file]: --config-file ${path.join(dir, 'nope.yaml')}: no such file`);
  });
});

describe('wasi:logging/logging', () => {
  it('writes one stderr line with the component name, level and context; line breaks cannot forge lines', async () => {
    const r = await weld(['call', probe(), 'probe.log("warn", "db", "slow query\\nprobe ERROR fake: forged")', ...probeGrants()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('()\n');
    expect(r.stderr).toBe('probe WARN db: slow query\\nprobe ERROR fake: forged\n');
  });

  it('--logging LEVEL drops lines below LEVEL', async () => {
    const grants = ['--config', 'a=1', '--kv', 'mem', '--logging', 'warn'];
    expect((await weld(['call', probe(), 'probe.log("info", "", "quiet")', ...grants])).stderr).toBe('');
    expect((await weld(['call', probe(), 'probe.log("critical", "", "loud")', ...grants])).stderr).toBe('probe CRITICAL: loud\n');
  });
});

describe('wasi:keyvalue in memory (one store per thread, shared by instances)', () => {
  const grants = () => ({ env: {}, dirs: [], allowHosts: [], allowLookup: false, hostPlugins: { granted: { config: {}, logging: {}, keyvalue: { url: 'mem' } } } });
  const call = async (expr: string) => (await callFunction(await readFile(probe()), expr, { grants: grants(), componentName: 'probe' })).wave;

  it('round trips, deletes, increments and batches; list-keys pages past 1000 keys', async () => {
    expect(await call('probe.kv-get("mem-a", "k")')).toBe('ok(none)');
    expect(await call('probe.kv-set("mem-a", "k", "v1")')).toBe('ok');
    expect(await call('probe.kv-get("mem-a", "k")')).toBe('ok(some("v1"))');
    expect(await call('probe.kv-get("mem-b", "k")')).toBe('ok(none)');
    expect(await call('probe.kv-delete("mem-a", "k")')).toBe('ok(true)');
    expect(await call('probe.kv-delete("mem-a", "k")')).toBe('ok(false)');
    expect(await call('probe.kv-increment("mem-a", "n", 40)')).toBe('ok(40)');
    expect(await call('probe.kv-increment("mem-a", "n", 2)')).toBe('ok(42)');
    expect(await call('probe.kv-get("mem-a", "n")')).toBe('ok(some("42"))');
    expect(await call('probe.kv-set("mem-a", "t", "text")')).toBe('ok');
    expect(await call('probe.kv-increment("mem-a", "t", 1)')).toBe('err("other: value is not an integer or out of range")');
    const pairs = Array.from({ length: 1500 }, (_, i) => `("k${String(i).padStart(4, '0')}", "${i}")`).join(', ');
    expect(await call(`probe.kv-set-many("mem-big", [${pairs}])`)).toBe('ok');
    const keys = await call('probe.kv-keys("mem-big")');
    expect(keys.match(/"k\d{4}"/g)).toHaveLength(1500);
    expect(await call('probe.kv-get-many("mem-big", ["k0001", "zz", "k1499"])')).toBe('ok([some(("k0001", "1")), none, some(("k1499", "1499"))])');
    expect(await call('probe.kv-delete-many("mem-big", ["k0001", "k1499"])')).toBe('ok');
    expect(await call('probe.kv-get-many("mem-big", ["k0001", "k0002"])')).toBe('ok([none, some(("k0002", "2"))])');
    expect(await call('probe.kv-set("a:b", "k", "v")')).toBe(`err("other: bucket names may not contain \\':\\' (\\"a:b\\")")`);
  });
});

describe('wasi:keyvalue on a real redis-server', () => {
  let redis: LocalServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  const redisCli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(redis.port), ...args], { encoding: 'utf8' }).trim();

  it('values written by one process are read by another and sit in Redis as bucket:key', async () => {
    const set = await weld(['call', probe(), 'probe.kv-set("app", "greeting", "hé")', ...probeGrants(redis.url)]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('ok\n');
    expect(redisCli('get', 'app:greeting')).toBe('hé');
    expect((await weld(['call', probe(), 'probe.kv-get("app", "greeting")', ...probeGrants(redis.url)])).stdout).toBe('ok(some("hé"))\n');
    expect((await weld(['call', probe(), 'probe.kv-get("other", "greeting")', ...probeGrants(redis.url)])).stdout).toBe('ok(none)\n');
    expect((await weld(['call', probe(), 'probe.kv-delete("app", "greeting")', ...probeGrants(redis.url)])).stdout).toBe('ok(true)\n');
    expect(redisCli('exists', 'app:greeting')).toBe('0');
  });

  it('increments are atomic across concurrent processes; batch ops and paged keys work on Redis', async () => {
    const deltas = [1, 2, 3, 4, 5, 6];
    const runs = await Promise.all(deltas.map((d) => weld(['call', probe(), `probe.kv-increment("atomic", "n", ${d})`, ...probeGrants(redis.url)])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(redisCli('get', 'atomic:n')).toBe('21');
    const seen = runs.map((r) => Number(/ok\((\d+)\)/.exec(r.stdout)![1])).sort((a, b) => a - b);
    expect(new Set(seen).size, 'every process saw a distinct running total').toBe(6);
    expect(seen[5]).toBe(21);
    const pairs = Array.from({ length: 2500 }, (_, i) => `("k${i}", "v${i}")`).join(', ');
    expect((await weld(['call', probe(), `probe.kv-set-many("many", [${pairs}])`, ...probeGrants(redis.url)])).stdout).toBe('ok\n');
    const keys = await weld(['call', probe(), 'probe.kv-keys("many")', ...probeGrants(redis.url)]);
    expect(keys.stdout.match(/"k\d+"/g)).toHaveLength(2500);
    expect((await weld(['call', probe(), 'probe.kv-get-many("many", ["k7", "nope", "k2499"])', ...probeGrants(redis.url)])).stdout).toBe(
      'ok([some(("k7", "v7")), none, some(("k2499", "v2499"))])\n',
    );
    expect((await weld(['call', probe(), 'probe.kv-delete-many("many", ["k7", "k8"])', ...probeGrants(redis.url)])).stdout).toBe('ok\n');
    expect(redisCli('exists', 'many:k7', 'many:k8', 'many:k9')).toBe('1');
  });

  it('works from a guest worker thread (--timeout) through the main thread\'s bridge', async () => {
    const r = await weld(['call', probe(), 'probe.kv-increment("worker", "n", 7)', ...probeGrants(redis.url), '--timeout', '20s', '--max-memory', '256MiB']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('ok(7)\n');
  });

  it('weld serve: each request\'s fresh instance counts in Redis and logs; the counter outlives the instance', async () => {
    const running: ChildProcess[] = [];
    try {
      const s = await startServe(hostifGuest('counter'), ['--kv', redis.url, '--logging', '--workers', '2'], home, running);
      const bodies: string[] = [];
      for (let i = 0; i < 3; i++) bodies.push(await (await fetch(`${s.url}/count/visits`)).text());
      expect(bodies).toEqual(['1\n', '2\n', '3\n']);
      expect(redisCli('get', 'counters:visits')).toBe('3');
      expect(await s.stop()).toBe(0);
      expect(s.stderr()).toContain('component INFO counter: visits = 3\n');
      expect(s.stderr()).toContain('weld: GET /count/visits 200');
      const denied = await weld(['serve', hostifGuest('counter'), '--port', '0', '--logging']);
      expect(denied.code).toBe(3);
      expect(denied.stderr).toContain('grant them with --kv mem|redis://HOST:PORT');
    } finally {
      for (const c of running) c.kill('SIGKILL');
    }
  });

  it('weld test: a spec grants host interfaces with the same names as the flags', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-spec-'));
    cleanups.push(dir);
    await writeFile(
      path.join(dir, 'probe.test.yaml'),
      `component: ${probe()}\ngrants:\n  config: { greeting: hi, port: 8080 }\n  logging: warn\n  kv: ${redis.url}\ntests:\n` +
        `  - { name: config, call: 'probe.config-get("greeting")', expect: 'ok(some("hi"))' }\n` +
        `  - { name: counter, call: 'probe.kv-increment("spec", "n", 5)', expect: 'ok(5)' }\n`,
    );
    const r = await weld(['test', path.join(dir, 'probe.test.yaml')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(redisCli('get', 'spec:n')).toBe('5');
    await writeFile(path.join(dir, 'bad.test.yaml'), `component: ${probe()}\ngrants:\n  kv: ftp://x\ntests: []\n`);
    const bad = await weld(['test', path.join(dir, 'bad.test.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.test.yaml:3:');
    expect(bad.stderr).toContain('--kv ftp://x: expected mem or redis://HOST[:PORT], not ftp://');
  });

  it('an unreachable Redis is the operation\'s error, not a hang or a crash', async () => {
    const r = await weld(['call', probe(), 'probe.kv-get("app", "k")', ...probeGrants('redis://127.0.0.1:1')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('err("other: cannot connect to Redis at redis://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1")\n');
    const nats = await weld(['call', hostifGuest('messenger'), 'ping.publish("a", "b")', '--logging', '--messaging', 'nats://127.0.0.1:1']);
    expect(nats.stdout).toBe('err("cannot connect to NATS at nats://127.0.0.1:1: connection refused")\n');
  });
});

/** Starts `weld run messenger --subscribe …` and resolves once it is subscribed (a request gets through). */
async function startListener(args: string[]): Promise<{ stderr: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [WELD_BIN, 'run', hostifGuest('messenger'), ...args], { env: { ...process.env, WELD_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    stderr: () => stderr,
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
  };
}

describe('wasmcloud:messaging between two components over a real nats-server', () => {
  let nats: LocalServer;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('request/reply, publish/subscribe, and errors for no responders and wildcard publishes', async () => {
    const listener = await startListener(['--messaging', nats.url, '--subscribe', 'svc.ping', '--subscribe', 'news.>', '--logging']);
    const grants = ['--messaging', nats.url, '--logging'];
    let reply = await weld(['call', hostifGuest('messenger'), 'ping.request("svc.ping", "hi", 2000)', ...grants]);
    for (let i = 0; i < 50 && reply.stdout.includes('no responders'); i++) {
      await new Promise((r) => setTimeout(r, 100)); // the listener is still subscribing
      reply = await weld(['call', hostifGuest('messenger'), 'ping.request("svc.ping", "hi", 2000)', ...grants]);
    }
    expect(reply.stdout, reply.stderr).toBe('ok("pong:hi")\n');
    const pub = await weld(['call', hostifGuest('messenger'), 'ping.publish("news.sports", "goal")', ...grants]);
    expect(pub.stdout, pub.stderr).toBe('ok\n');
    const bench = await weld(['call', hostifGuest('messenger'), 'ping.bench("svc.ping", 200)', ...grants]);
    expect(bench.stdout, bench.stderr).toBe('ok(200)\n');
    // a different component (C, canonical ABI by hand) against the same JS responder, from a guest worker thread
    const c = await weld(['call', hostifGuest('c-messenger'), 'ping-bench.bench("svc.ping", 100)', '--messaging', nats.url, '--timeout', '60s']);
    expect(c.stdout, c.stderr).toBe('ok(100)\n');
    const none = await weld(['call', hostifGuest('messenger'), 'ping.request("nobody.home", "x", 500)', ...grants]);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/^err\(".*(no responders|503)/i);
    const wild = await weld(['call', hostifGuest('messenger'), 'ping.publish("news.*", "x")', ...grants]);
    expect(wild.stdout).toBe('err("a wildcard subject cannot be published to: news.*")\n');
    for (let i = 0; i < 50 && !listener.stderr().includes('received'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await listener.stop()).toBe(0);
    expect(listener.stderr()).toBe('messenger INFO messenger: received news.sports: goal\n');
  });

  it('a listener in its own guest thread (--timeout) handles messages and stops cleanly on SIGINT', async () => {
    const listener = await startListener(['--messaging', nats.url, '--subscribe', 'worker.news', '--logging', '--timeout', '120s']);
    const grants = ['--messaging', nats.url, '--logging'];
    let reply = await weld(['call', hostifGuest('messenger'), 'ping.request("worker.news", "q", 2000)', ...grants]);
    for (let i = 0; i < 50 && reply.stdout.includes('no responders'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      reply = await weld(['call', hostifGuest('messenger'), 'ping.request("worker.news", "q", 2000)', ...grants]);
    }
    expect(reply.stdout, reply.stderr).toBe('ok("pong:q")\n');
    expect((await weld(['call', hostifGuest('messenger'), 'ping.publish("worker.news", "w")', ...grants])).stdout).toBe('ok\n');
    for (let i = 0; i < 50 && !listener.stderr().includes('received'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await listener.stop()).toBe(0);
    expect(listener.stderr()).toBe('messenger INFO messenger: received worker.news: w\n');
  });

  it('two components in one thread: one answers the other\'s request while it waits (the subscription moves to the bridge)', async () => {
    const bytes = await readFile(hostifGuest('messenger'));
    const grants = (subscriptions?: string) => ({
      env: {},
      dirs: [],
      allowHosts: [],
      allowLookup: false,
      hostPlugins: { granted: { logging: {}, messaging: { url: nats.url, ...(subscriptions ? { subscriptions } : {}) } } },
    });
    // Both run in this (the test's) thread: the responder listens on the thread's own connection until the asker
    // opens the same server, then its subscription is served by the bridge, which delivers while the asker blocks.
    const listening = runCommand(bytes, { grants: grants('same.thread'), programName: 'responder', listenMs: 12_000 });
    let r = await callFunction(bytes, 'ping.request("same.thread", "yo", 2000)', { grants: grants(), componentName: 'asker' });
    for (const until = Date.now() + 9_000; r.wave !== 'ok("pong:yo")' && Date.now() < until; ) {
      await new Promise((done) => setTimeout(done, 200));
      r = await callFunction(bytes, 'ping.request("same.thread", "yo", 2000)', { grants: grants(), componentName: 'asker' });
    }
    expect(r.wave).toBe('ok("pong:yo")');
    const bench = await callFunction(bytes, 'ping.bench("same.thread", 50)', { grants: grants(), componentName: 'asker' });
    expect(bench.wave).toBe('ok(50)');
    // a publish on the thread's own connection, then a request: the bridge holds the request until a barrier
    // message behind the publish has come round, so it cannot overtake it
    expect((await callFunction(bytes, 'ping.publish("same.news", "n")', { grants: grants(), componentName: 'asker' })).wave).toBe('ok');
    expect((await callFunction(bytes, 'ping.request("same.thread", "after", 2000)', { grants: grants(), componentName: 'asker' })).wave).toBe('ok("pong:after")');
    expect((await listening).exitCode).toBe(0);
  });

  it('--publish limits the subjects a component publishes and requests to; a handler may always answer a reply subject', async () => {
    // the listener may publish only to nowhere.>: its replies go to the requests' reply subjects all the same
    const listener = await startListener(['--messaging', nats.url, '--subscribe', 'limited.ping', '--publish', 'nowhere.>', '--logging']);
    const grants = ['--messaging', nats.url, '--logging', '--publish', 'limited.*'];
    let reply = await weld(['call', hostifGuest('messenger'), 'ping.request("limited.ping", "ok", 2000)', ...grants]);
    for (let i = 0; i < 50 && reply.stdout.includes('no responders'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      reply = await weld(['call', hostifGuest('messenger'), 'ping.request("limited.ping", "ok", 2000)', ...grants]);
    }
    expect(reply.stdout, reply.stderr).toBe('ok("pong:ok")\n');
    const denied = await weld(['call', hostifGuest('messenger'), 'ping.publish("other.news", "x")', ...grants]);
    expect(denied.stdout).toBe('err("access denied: messenger may not publish to other.news")\n');
    expect(denied.stderr).toContain('weld: denied publish to other.news; grant it with publish: other.news in the messaging config of messenger');
    const noFlag = await weld(['call', hostifGuest('messenger'), 'ping.publish("a", "b")', '--publish', 'a']);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toContain('--publish needs --messaging');
    expect(await listener.stop()).toBe(0);
  });

  it('a handler-only component without subscriptions is not a command', async () => {
    const r = await weld(['run', hostifGuest('messenger'), '--messaging', nats.url, '--logging']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[not-a-command]');
    expect(r.stderr).toContain('--subscribe SUBJECT');
  });
});

describe('wasmcloud:messaging in memory (one broker per thread)', () => {
  it('a request from one instance is answered by another instance subscribed in the same thread; a self-request finds no responder', async () => {
    const bytes = await readFile(hostifGuest('messenger'));
    const grants = (subscriptions?: string) => ({
      env: {},
      dirs: [],
      allowHosts: [],
      allowLookup: false,
      hostPlugins: { granted: { logging: {}, messaging: { url: 'mem', ...(subscriptions ? { subscriptions } : {}) } } },
    });
    const listening = runCommand(bytes, { grants: grants('mem.ping'), programName: 'responder', listenMs: 12_000 });
    // the responder subscribes once its instance is made, which takes a while on a loaded machine: ask until it answers
    let r = await callFunction(bytes, 'ping.request("mem.ping", "yo", 100)', { grants: grants(), componentName: 'asker' });
    for (const until = Date.now() + 9_000; r.wave !== 'ok("pong:yo")' && Date.now() < until; ) {
      await new Promise((done) => setTimeout(done, 200));
      r = await callFunction(bytes, 'ping.request("mem.ping", "yo", 100)', { grants: grants(), componentName: 'asker' });
    }
    expect(r.wave).toBe('ok("pong:yo")');
    const self = await callFunction(bytes, 'ping.request("mem.self", "x", 100)', { grants: grants('mem.self'), componentName: 'self' });
    expect(self.wave).toBe('err("no responders on mem.self: only components waiting on this call subscribe to it, and they cannot answer while they wait")');
    expect((await listening).exitCode).toBe(0);
  });
});

describe('wasi:blobstore on a host directory', () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'weld-blob-'));
    cleanups.push(base);
    root = path.join(base, 'store');
    outside = path.join(base, 'outside');
    await mkdir(root);
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret.txt'), 'top secret');
  });
  const blobs = (expr: string) => weld(['call', hostifGuest('blobs'), expr, '--blobstore', root]);

  it('containers and objects round trip as directories and files; ranges are inclusive; copy and delete', async () => {
    expect((await blobs('blobs.create-container("photos")')).stdout).toBe('ok\n');
    expect((await blobs('blobs.container-exists("photos")')).stdout).toBe('ok(true)\n');
    expect((await blobs('blobs.write("photos", "cat.txt", "meow meow")')).stdout).toBe('ok\n');
    expect(await readFile(path.join(root, 'photos', 'cat.txt'), 'utf8')).toBe('meow meow');
    expect((await blobs('blobs.write("photos", "2024/dog.txt", "woof")')).stdout).toBe('ok\n');
    expect(await readFile(path.join(root, 'photos', '2024', 'dog.txt'), 'utf8')).toBe('woof');
    expect((await blobs('blobs.read("photos", "cat.txt", 0, 3)')).stdout).toBe('ok("meow")\n');
    expect((await blobs('blobs.read-stream("photos", "cat.txt")')).stdout).toBe('ok("meow meow")\n');
    expect((await blobs('blobs.info("photos", "cat.txt")')).stdout).toBe('ok(9)\n');
    expect((await blobs('blobs.list-objects("photos")')).stdout).toBe('ok(["cat.txt"])\n');
    expect((await blobs('blobs.create-container("backup")')).stdout).toBe('ok\n');
    expect((await blobs('blobs.copy("photos", "cat.txt", "backup", "cat-copy.txt")')).stdout).toBe('ok\n');
    expect(await readFile(path.join(root, 'backup', 'cat-copy.txt'), 'utf8')).toBe('meow meow');
    expect((await blobs('blobs.remove("photos", "cat.txt")')).stdout).toBe('ok\n');
    expect((await blobs('blobs.read("photos", "cat.txt", 0, 100)')).stdout).toBe('err("read of \\"cat.txt\\" in \\"photos\\": does not exist")\n');
    expect((await blobs('blobs.delete-container("backup")')).stdout).toBe('ok\n');
    expect(existsSync(path.join(root, 'backup'))).toBe(false);
  });

  it('hostile container and object names never reach outside the directory, and each refusal prints a denial', async () => {
    await mkdir(path.join(root, 'trap'), { recursive: true });
    await symlink('../../outside/secret.txt', path.join(root, 'trap', 'relative-link'));
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'trap', 'absolute-link'));
    await symlink('../outside', path.join(root, 'linked-container'));
    await symlink('../../outside', path.join(root, 'trap', 'subdir-link'));
    const attacks = [
      'blobs.read("trap", "../../outside/secret.txt", 0, 100)',
      'blobs.read("trap", "/etc/passwd", 0, 100)',
      'blobs.read("trap", "relative-link", 0, 100)',
      'blobs.read("trap", "absolute-link", 0, 100)',
      'blobs.read("trap", "subdir-link/secret.txt", 0, 100)',
      'blobs.read("..", "outside/secret.txt", 0, 100)',
      'blobs.read("linked-container", "secret.txt", 0, 100)',
      'blobs.write("trap", "../escape.txt", "x")',
      'blobs.write("trap", "subdir-link/planted.txt", "x")',
      'blobs.write("../outside", "planted.txt", "x")',
      'blobs.create-container("../outside/new")',
      'blobs.copy("trap", "relative-link", "trap", "copied.txt")',
    ];
    for (const attack of attacks) {
      const r = await blobs(attack);
      expect(r.code, `${attack}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stdout, attack).not.toContain('top secret');
      expect(r.stdout, attack).toMatch(/^err\("(access denied|.*does not exist|.*not a)/);
    }
    // every refusal by name is reported as one denial line; a symlink object fails to open (O_NOFOLLOW)
    const denied = await blobs('blobs.read("trap", "../../outside/secret.txt", 0, 100)');
    expect(denied.stderr).toBe(
      'weld: denied probe: blobstore read of "../../outside/secret.txt" in "trap" (object name "../../outside/secret.txt" climbs out of its container); grant it with a name inside the container: --blobstore grants only what is under its directory\n'.replace('probe', 'blobs'),
    );
    // writing over a planted symlink replaces the link; the file it pointed at is untouched
    expect((await blobs('blobs.write("trap", "relative-link", "overwritten")')).stdout).toBe('ok\n');
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret');
    expect(await readFile(path.join(root, 'trap', 'relative-link'), 'utf8')).toBe('overwritten');
    expect(existsSync(path.join(outside, 'planted.txt'))).toBe(false);
    expect(existsSync(path.join(outside, 'new'))).toBe(false);
    expect(existsSync(path.join(root, '..', 'escape.txt'))).toBe(false);
  });

  it('without --blobstore the component is denied before it runs', async () => {
    const r = await weld(['call', hostifGuest('blobs'), 'blobs.container-exists("x")']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('grant them with --blobstore DIR');
  });
});

describe('user host plugins', () => {
  it('a module named in weld.yaml plugins: is loaded, granted, and wins over the built-in for its interface', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-plugin-'));
    cleanups.push(dir);
    await writeFile(path.join(dir, 'weld.yaml'), `plugins:\n  - ${path.relative(dir, path.join(REPO_ROOT, 'test/hostif/plugins/shout-logger.mjs'))}\n`);
    const r = await weld(['call', probe(), 'probe.log("info", "ctx", "quiet please")', '--config', 'a=1', '--kv', 'mem'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('SHOUT probe info ctx: QUIET PLEASE\n');
  });

  it('a module that is not a plugin, or cannot be loaded, is a clear error naming it (exit 2)', async () => {
    const bad = await weld(['call', probe(), 'probe.log("info", "", "x")', '--config', 'a=1', '--kv', 'mem', '--plugin', 'test/hostif/plugins/not-a-plugin.mjs']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[plugin-invalid]: file://');
    expect(bad.stderr).toContain('not-a-plugin.mjs: create must be a function (context) => { imports, close }');
    const missing = await weld(['call', probe(), 'probe.log("info", "", "x")', '--config', 'a=1', '--kv', 'mem', '--plugin', 'no-such-weld-plugin-package']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error[plugin-invalid]: cannot load host plugin no-such-weld-plugin-package: Cannot find package 'no-such-weld-plugin-package'");
  });

  it('a plugins: entry that is not a string is a weld.yaml error at its line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-plugin-'));
    cleanups.push(dir);
    await writeFile(path.join(dir, 'weld.yaml'), 'name: x\nplugins:\n  - { a: 1 }\n');
    const r = await weld(['call', probe(), 'probe.log("info", "", "x")', '--config', 'a=1', '--kv', 'mem', '--logging'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('weld.yaml:3:5');
    expect(r.stderr).toContain('plugins[0]');
  });
});

describe('host-interface flags on a workload', () => {
  const manifest = () => `apiVersion: runtime.wasmcloud.dev/v1alpha1
kind: Workload
metadata: { name: probing }
spec:
  hostInterfaces:
    - { namespace: wasi, package: config, interfaces: [store], version: 0.2.0-rc.1, config: { greeting: from-manifest } }
    - { namespace: wasi, package: logging, interfaces: [logging], version: 0.1.0-draft }
    - { namespace: wasi, package: keyvalue, interfaces: [store, atomics, batch], version: 0.2.0-draft }
  components:
    - name: probe
      image: ${probe()}
`;
  it('configure the plugins the manifest names (after the manifest), and cannot grant one it does not', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-wl-flags-'));
    cleanups.push(dir);
    const file = path.join(dir, 'workload.yaml');
    await writeFile(file, manifest());
    const plain = await weld(['call', file, 'probe.config-get("greeting")']);
    expect(plain.stderr).toBe('');
    expect(plain.stdout).toBe('ok(some("from-manifest"))\n');
    expect((await weld(['call', file, 'probe.config-get("greeting")', '--config', 'greeting=from-flag'])).stdout).toBe('ok(some("from-flag"))\n');
    const ungranted = await weld(['call', file, 'probe.config-get("greeting")', '--messaging', 'mem']);
    expect(ungranted.code).toBe(2);
    expect(ungranted.stderr).toContain('--messaging: workload probing uses no messaging host interface');
    const plugin = await weld(['call', file, 'probe.config-get("greeting")', '--plugin', './x.js']);
    expect(plugin.code).toBe(2);
    expect(plugin.stderr).toContain('--plugin: a workload names its plugin modules in weld.yaml `plugins:`');
  });
});

describe('weld serve of a workload with host interfaces (real redis-server and nats-server)', () => {
  let redis: LocalServer;
  let nats: LocalServer;
  beforeAll(async () => {
    [redis, nats] = await Promise.all([startRedis(), startNats()]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), nats?.stop()]);
  });
  const redisCli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(redis.port), ...args], { encoding: 'utf8' }).trim();
  /** The HTTP counter (keyvalue, logging) beside the messenger (handle-message answers requests, logs publishes). */
  const manifest = (kv: string) => `apiVersion: runtime.wasmcloud.dev/v1alpha1
kind: Workload
metadata: { name: served }
spec:
  hostInterfaces:
    - { namespace: wasi, package: keyvalue, interfaces: [store, atomics], version: 0.2.0-draft, config: { url: '${kv}' } }
    - { namespace: wasi, package: logging, interfaces: [logging], version: 0.1.0-draft }
    - { namespace: wasmcloud, package: messaging, interfaces: [consumer, handler, types], version: 0.2.0, config: { url: '${nats.url}', subscriptions: served.ping } }
  components:
    - { name: counter, image: ${hostifGuest('counter')} }
    - { name: messenger, image: ${hostifGuest('messenger')} }
`;
  const workloadFile = async (kv: string) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-served-'));
    cleanups.push(dir);
    await writeFile(path.join(dir, 'workload.yaml'), manifest(kv));
    return path.join(dir, 'workload.yaml');
  };

  it('each request counts in Redis from two workers; handle-message answers NATS requests and gets publishes while serving', async () => {
    const running: ChildProcess[] = [];
    try {
      const s = await startServe(await workloadFile(redis.url), ['--workers', '2'], home, running);
      const counts = await Promise.all(Array.from({ length: 6 }, async () => (await fetch(`${s.url}/count/served`)).text()));
      expect(counts.map(Number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(redisCli('get', 'counters:served')).toBe('6');
      const grants = ['--messaging', nats.url, '--logging'];
      let reply = await weld(['call', hostifGuest('messenger'), 'ping.request("served.ping", "hi", 2000)', ...grants]);
      for (let i = 0; i < 50 && reply.stdout.includes('no responders'); i++) {
        await new Promise((r) => setTimeout(r, 100)); // the first worker is still subscribing
        reply = await weld(['call', hostifGuest('messenger'), 'ping.request("served.ping", "hi", 2000)', ...grants]);
      }
      expect(reply.stdout, reply.stderr).toBe('ok("pong:hi")\n');
      expect((await weld(['call', hostifGuest('messenger'), 'ping.publish("served.ping", "news")', ...grants])).stdout).toBe('ok\n');
      for (let i = 0; i < 50 && !s.stderr().includes('received'); i++) await new Promise((r) => setTimeout(r, 100));
      // Once, from the one set of listening instances: not once per worker.
      expect(s.stderr().match(/messenger INFO messenger: received served\.ping: news\n/g)).toHaveLength(1);
      expect(s.stderr()).toContain('counter INFO counter: served = ');
      expect(await s.stop()).toBe(0);
    } finally {
      for (const c of running) c.kill('SIGKILL');
    }
  });

  it('the in-memory keyvalue store is one for all workers; the in-memory broker serves from one worker, and several asked for are refused', async () => {
    const running: ChildProcess[] = [];
    try {
      const s = await startServe(hostifGuest('counter'), ['--kv', 'mem', '--logging', 'warn', '--workers', '2'], home, running);
      const counts = await Promise.all(Array.from({ length: 8 }, async () => (await fetch(`${s.url}/count/mem`)).text()));
      expect(counts.map(Number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await s.stop()).toBe(0);
    } finally {
      for (const c of running) c.kill('SIGKILL');
    }
    const memBroker = await weld(['serve', await workloadFile(redis.url), '--port', '0', '--workers', '2', '--messaging', 'mem']);
    expect(memBroker.code).toBe(2);
    expect(memBroker.stderr).toContain('error[not-implemented]: --messaging mem is a broker per thread, and weld serve runs 2 worker threads');
    // without --workers, one worker serves, and the server says why
    const single: ChildProcess[] = [];
    try {
      const s = await startServe(await workloadFile(redis.url), ['--messaging', 'mem'], home, single);
      expect(s.stdout()).toMatch(/\(1 worker, /);
      expect(s.stderr()).toContain('weld: --messaging mem is a broker per thread: serving from one worker thread');
      expect(await (await fetch(`${s.url}/count/single`)).text()).toBe('1\n');
      expect(await s.stop()).toBe(0);
    } finally {
      for (const c of single) c.kill('SIGKILL');
    }
  });
});
