// The escape suite, part two: hostile guests against the host interfaces (keyvalue, blobstore, config, logging,
// messaging) and against the links between a workload's components. Each `it` is one attack; it asserts the SECURE
// contract and carries a positive control, so a guest that does nothing cannot pass. Guests are built from source in
// beforeAll: the WAT attackers in test/escape/guests/hostif/, the JS forwarders of test/hostif/guests (whose exports
// take any bucket, key, container or subject, which is all a hostile guest controls), the workload fixture `counter`.
// `it.fails` marks an attack that still succeeds because the grant it needs does not exist yet (see the README).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProject, loadProject } from '@weld/compose';
import { runWeld, WELD_BIN, type WeldRun } from './helpers/cli.js';
import { buildHostifFixtures, buildWorkloadFixtures, FIXTURE_CACHE, hostifGuest, REPO_ROOT, WORKLOAD_FIXTURES } from './helpers/fixtures.js';
import { startRedis, type LocalServer } from './helpers/servers.js';

const GUESTS = path.join(REPO_ROOT, 'test', 'escape', 'guests', 'hostif');
const OUT = path.join(FIXTURE_CACHE, 'escape-hostif');
const guest = (name: string) => path.join(OUT, `${name}.wasm`);
const counter = () => path.join(WORKLOAD_FIXTURES, 'counter.wasm');

let home: string;
let scratch: string;
const cleanups: string[] = [];

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'weld-escape-hostif-home-'));
  scratch = await mkdtemp(path.join(os.tmpdir(), 'weld-escape-hostif-'));
  cleanups.push(home, scratch);
  await buildProject(await loadProject(GUESTS), { outDir: OUT });
  await buildHostifFixtures();
  await buildWorkloadFixtures();
}, 600_000);

afterAll(async () => {
  for (const dir of cleanups) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
});

const weld = (args: string[]) => runWeld(args, { env: { WELD_HOME: home } });

/** Runs weld and samples its peak RSS (VmHWM) until it exits. */
function weldMeasured(args: string[]): Promise<WeldRun & { peakMb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WELD_BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, WELD_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakMb = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakMb = Math.max(peakMb, Number(m[1]) / 1024);
      } catch {
        // gone
      }
    };
    const timer = setInterval(sample, 25);
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', () => sample());
    child.on('close', (code) => {
      clearInterval(timer);
      clearTimeout(killer);
      resolve({ code: code ?? -1, stdout, stderr, peakMb });
    });
  });
}

/** Writes a Workload manifest with these hostInterfaces and components (YAML flow lines) and returns its path. */
async function workload(name: string, hostInterfaces: string[], components: string[]): Promise<string> {
  const file = path.join(scratch, `${name}-${randomBytes(4).toString('hex')}.yaml`);
  const his = hostInterfaces.length ? `  hostInterfaces:\n${hostInterfaces.map((h) => `    - ${h}\n`).join('')}` : '';
  await writeFile(file, `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: { name: ${name} }\nspec:\n${his}  components:\n${components.map((c) => `    - ${c}\n`).join('')}`);
  return file;
}

const MESSAGING = '{ namespace: wasmcloud, package: messaging, interfaces: [consumer, handler, types], version: 0.2.0, config: { url: mem } }';
const LOGGING = '{ namespace: wasi, package: logging, interfaces: [logging], version: 0.1.0-draft }';
const CONFIG = (config: string) => `{ namespace: wasi, package: config, interfaces: [store], version: 0.2.0-rc.1, config: ${config} }`;
const KEYVALUE = '{ namespace: wasi, package: keyvalue, interfaces: [store, atomics, batch], version: 0.2.0-draft, config: { url: mem } }';

/** Recursive listing (names, contents, link targets), not following symlinks. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path.join(dir, r));
      if (st.isSymbolicLink()) out.push(`${r} -> ${execFileSync('readlink', [path.join(dir, r)]).toString().trim()}`);
      else if (st.isDirectory()) {
        out.push(`${r}/`);
        walk(r);
      } else out.push(`${r}: ${readFileSync(path.join(dir, r), 'latin1')}`);
    }
  };
  walk('');
  return out.sort();
}

describe('keyvalue', () => {
  it('huge values: a guest under --max-memory 64MiB cannot grow the host through the in-memory store', async () => {
    // kvflood grows its own memory by 16 MiB and stores it under 40 keys: 640 MiB of host memory if nothing bounds it
    const r = await weldMeasured(['call', guest('kvflood'), 'flood(40, 16)', '--kv', 'mem', '--max-memory', '64MiB']);
    expect(r.code, r.stderr).toBe(0);
    const stored = Number(r.stdout.trim());
    expect(stored, 'positive control: the store accepts values at all').toBeGreaterThanOrEqual(4);
    expect(stored, 'the store took every value: it is not bounded').toBeLessThan(40);
    expect(r.peakMb, 'weld grew past the bound of the in-memory store').toBeLessThan(420);
  });

  describe('on a real redis-server', () => {
    let redis: LocalServer;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });
    const cli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(redis.port), ...args], { encoding: 'utf8' }).trim();
    const probe = (expr: string) => weld(['call', hostifGuest('probe'), expr, '--kv', redis.url, '--config', 'a=b', '--logging']);

    it("key prefixing: no bucket name or key reaches another bucket's keys; `*` and `[` in names are not patterns", async () => {
      expect((await probe('probe.kv-set("tenant", "a:b", "mine")')).stdout).toBe('ok\n');
      expect(cli('get', 'tenant:a:b'), 'positive control: the key sits in Redis as bucket:key').toBe('mine');
      cli('set', 'other:secret', 'theirs');
      cli('set', 'tenant*:x', 'glob');
      // a bucket name with ':' would alias `other:…`: refused
      expect((await probe('probe.kv-get("other:secret", "")')).stdout).toMatch(/^err\(".*may not contain/);
      expect((await probe('probe.kv-get("tenant", "../other:secret")')).stdout).toBe('ok(none)\n');
      // list-keys of "*", "tenant*", "[ot]*", "" must list only keys stored under exactly that bucket name
      expect((await probe('probe.kv-keys("*")')).stdout).toBe('ok([])\n');
      expect((await probe('probe.kv-keys("[ot]ther")')).stdout).toBe('ok([])\n');
      expect((await probe('probe.kv-keys("tenant*")')).stdout).toBe('ok(["x"])\n');
      expect((await probe('probe.kv-keys("tenant")')).stdout).toBe('ok(["a:b"])\n');
      expect((await probe('probe.kv-get-many("tenant", ["*", "../other:secret", "a:b"])')).stdout).toBe('ok([none, none, some(("a:b", "mine"))])\n');
      expect(cli('get', 'other:secret'), 'nothing wrote over the other bucket').toBe('theirs');
    });

    // FINDING (not fixed here): there are no bucket grants. `--kv` and a keyvalue hostInterfaces entry grant the whole
    // store, so a guest opens any bucket by name, including another workload's (wasmCloud's in-memory store is per
    // workload; weld's Redis store is shared by every workload on the server). The secure contract would be an
    // `access-denied` for a bucket the grant does not name (e.g. `--kv redis://…#bucket,bucket` / `config.buckets`).
    it.fails("opening a bucket nothing granted (another workload's) is refused", async () => {
      cli('set', 'billing:card', '4111-1111');
      const r = await probe('probe.kv-get("billing", "card")');
      expect(r.stdout).not.toContain('4111');
      expect(r.stdout).toMatch(/access-denied/);
    });
  });
});

describe('blobstore', () => {
  it('hostile container and object names (NUL, absolute, "..", ".", long, deep), planted symlinks: nothing outside the root', async () => {
    const base = await mkdtemp(path.join(scratch, 'blob-'));
    const root = path.join(base, 'store');
    const marker = `BLOB-SECRET-${randomBytes(6).toString('hex')}`;
    await mkdir(path.join(root, 'c'), { recursive: true });
    await mkdir(path.join(base, 'outside'));
    await writeFile(path.join(base, 'secret.txt'), marker);
    await writeFile(path.join(base, 'outside', 'secret.txt'), marker);
    await writeFile(path.join(root, 'c', 'inside.txt'), 'inside');
    await symlink('..', path.join(root, 'up')); // a container that is a link to the root's parent
    await symlink('/', path.join(root, 'slash'));
    await symlink('.', path.join(root, 'c', 'self'));
    await symlink('../../secret.txt', path.join(root, 'c', 'hl'));
    await symlink('../../outside', path.join(root, 'c', 'out'));
    const before = snapshot(base).filter((l) => !l.startsWith('store/'));
    const long = 'a'.repeat(300);
    const deep = `${Array.from({ length: 600 }, () => '..').join('/')}/secret.txt`;
    const blobs = (expr: string) => weld(['call', hostifGuest('blobs'), `blobs.${expr}`, '--blobstore', root]);
    const attacks = [
      'create-container("")', 'create-container(".")', 'create-container("..")', `create-container("${path.join(base, 'outside', 'new')}")`,
      'create-container("a\\u{0}b")', `create-container("${long}")`, 'create-container("c/../../x")',
      'read("up", "secret.txt", 0, 100)', 'read("slash", "etc/passwd", 0, 100)', 'list-objects("up")', 'list-objects("..")', 'list-objects("/")',
      'read("c", "self/self/hl", 0, 100)', 'read("c", "hl", 0, 100)', 'read("c", "out/secret.txt", 0, 100)', `read("c", "${deep}", 0, 100)`,
      'read("c", "/etc/passwd", 0, 100)', 'read("c", "a\\u{0}/../../../secret.txt", 0, 100)', 'info("c", "hl")',
      'write("c", "out/planted.txt", "x")', 'write("c", "./../planted.txt", "x")', 'write("c", "a\\u{0}b", "x")', `write("c", "${long}", "x")`,
      'copy("c", "hl", "c", "copied")', 'copy("c", "inside.txt", "up", "planted.txt")', 'copy("c", "inside.txt", "..", "planted.txt")',
      'delete-container("up")', 'delete-container("slash")', 'remove("c", "out/secret.txt")', 'remove("up", "secret.txt")',
    ];
    for (const attack of attacks) {
      const r = await blobs(attack);
      expect(r.stdout + r.stderr, attack).not.toContain(marker);
      expect(r.stdout, attack).not.toMatch(/root:x:0:0/);
      if (!attack.includes(base)) expect(r.stdout, `${attack} leaked the host path`).not.toContain(base);
      if (!attack.startsWith('delete-container')) expect(r.code, `${attack}: ${r.stdout}`).toBe(1);
    }
    expect(snapshot(base).filter((l) => !l.startsWith('store/')), 'something outside the blobstore root changed').toEqual(before);
    expect(existsSync(path.join(base, 'secret.txt'))).toBe(true);
    // positive controls: in-container names work, including through an in-container link and a deep new path
    expect((await blobs('read("c", "self/inside.txt", 0, 100)')).stdout).toBe('ok("inside")\n');
    expect((await blobs(`write("c", "${Array.from({ length: 50 }, () => 'd').join('/')}/x", "deep")`)).stdout).toBe('ok\n');
    expect((await blobs('list-objects("c")')).stdout).toBe('ok(["inside.txt"])\n');
  });

  it('memory: outgoing values a guest never writes cannot grow the host past one object\'s bound (--max-memory 64MiB)', async () => {
    // blobflood keeps 8 outgoing values alive and writes 100 MiB of zeroes into each: 800 MiB of host buffers if unbounded
    const root = await mkdtemp(path.join(scratch, 'blob-flood-'));
    const r = await weldMeasured(['call', guest('blobflood'), 'flood(8, 100)', '--blobstore', root, '--max-memory', '64MiB']);
    expect(r.code, r.stderr).toBe(0);
    const accepted = Number(r.stdout.trim());
    expect(accepted, 'positive control: one value of 100 MiB is accepted').toBeGreaterThanOrEqual(1);
    expect(accepted, 'every value was buffered: the host memory is not bounded').toBeLessThan(8);
    expect(r.peakMb, 'weld grew past the buffering bound').toBeLessThan(450);
  });

  it('a failed write leaves no temporary file behind in the container', async () => {
    const root = await mkdtemp(path.join(scratch, 'blob-tmp-'));
    await mkdir(path.join(root, 'c'));
    const r = await weld(['call', hostifGuest('blobs'), 'blobs.write("c", ".", "x")', '--blobstore', root]);
    expect(r.code).toBe(1);
    expect(readdirSync(path.join(root, 'c'))).toEqual([]);
    expect((await weld(['call', hostifGuest('blobs'), 'blobs.write("c", "ok.txt", "x")', '--blobstore', root])).stdout, 'positive control').toBe('ok\n');
  });
});

describe('config', () => {
  it("a component reads its own configuration and the workload's, never a sibling's", async () => {
    const file = await workload('configs', [CONFIG('{ shared: yes }'), LOGGING, KEYVALUE], [
      `{ name: alice, image: ${hostifGuest('probe')}, localResources: { config: { token: alice-secret } } }`,
      `{ name: mallory, image: ${hostifGuest('probe')}, localResources: { config: { mine: mallory } } }`,
    ]);
    const alice = await weld(['call', file, 'probe.config-get("token")', '--component', 'alice']);
    expect(alice.stdout, `positive control: ${alice.stderr}`).toBe('ok(some("alice-secret"))\n');
    const get = await weld(['call', file, 'probe.config-get("token")', '--component', 'mallory']);
    expect(get.stdout, get.stderr).toBe('ok(none)\n');
    const all = await weld(['call', file, 'probe.config-all()', '--component', 'mallory']);
    expect(all.stdout).not.toContain('alice');
    expect(all.stdout).toContain('("mine", "mallory")');
    expect(all.stdout).toContain('("shared", "yes")');
  });
});

describe('logging', () => {
  it('terminal escapes are escaped on a TTY, and line breaks cannot forge another line', async () => {
    let hasScript = true;
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
    } catch {
      hasScript = false;
    }
    const message = 'red \\u{1b}[31mX \\u{1b}]0;pwned-title\\u{7} \\u{9b}2J bs\\u{8}\\u{8}\\nprobe ERROR forged: yes';
    const args = ['call', hostifGuest('probe'), `probe.log("warn", "ctx\\u{1b}[2J", "${message}")`, '--logging', '--kv', 'mem', '--config', 'a=b'];
    const piped = await weld(args);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr.split('\n').filter(Boolean), 'one call, one line').toHaveLength(1);
    expect(piped.stderr).toMatch(/^probe WARN /);
    expect(piped.stderr).toContain('\\nprobe ERROR forged: yes');
    if (!hasScript) return; // util-linux script(1) is needed for a pseudo-terminal
    const cmd = [process.execPath, WELD_BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const out = execFileSync('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, WELD_HOME: home }, timeout: 30_000 }).toString('latin1');
    expect(out, 'positive control: the line reached the TTY').toContain('probe WARN');
    for (const raw of ['\x1b[31m', '\x1b]0;pwned-title', '\x1b[2J', '\x9b', '\x08']) expect(out).not.toContain(raw);
    expect(out).not.toMatch(/\n\s*probe ERROR forged/);
  });
});

describe('messaging', () => {
  // FINDING (not fixed here; messaging.ts/broker.ts belong to another helper): there are no subject grants. A
  // component may publish and request on any subject, and a subscription (from config) may be `>`, so one component
  // answers or reads another's traffic. The secure contract would refuse subjects outside the component's grant.
  it.fails("a component cannot request on a subject it was not granted (another component's service)", async () => {
    const file = await workload('subjects', [MESSAGING, LOGGING], [
      `{ name: billing, image: ${hostifGuest('messenger')}, localResources: { config: { subscriptions: billing.charge } } }`,
      `{ name: app, image: ${hostifGuest('messenger')} }`,
    ]);
    const r = await weld(['call', file, 'ping.request("billing.charge", "card", 500)', '--component', 'app']);
    expect(r.stdout, 'the ungranted request reached billing').not.toContain('pong:card');
  });

  it.fails("a `>` subscription does not see (or answer) another component's requests", async () => {
    const file = await workload('wildcard', [MESSAGING, LOGGING], [
      `{ name: spy, image: ${hostifGuest('messenger')}, localResources: { config: { subscriptions: '>' } } }`,
      `{ name: app, image: ${hostifGuest('messenger')} }`,
    ]);
    const r = await weld(['call', file, 'ping.request("app.private", "secret", 500)', '--component', 'app']);
    expect(r.stdout, 'the spy answered the private request').not.toContain('pong:secret');
  });

  // The in-memory broker queues every publish for its subscribers until the publisher's call returns; queued bytes
  // are bounded (MEMORY_BROKER_QUEUE_MAX_BYTES) and a publish past the bound is refused, as --kv mem and blobstore
  // buffers are. Before the bound, forty 16 MiB publishes in one call grew weld by 250 to 420 MB.
  it('memory: publishing a guest\'s own memory many times in one call cannot grow the host without bound', async () => {
    const file = await workload('pubflood', [MESSAGING, '{ namespace: wasi, package: logging, interfaces: [logging], version: 0.1.0-draft, config: { level: error } }'], [
      `{ name: sink, image: ${hostifGuest('messenger')}, localResources: { config: { subscriptions: flood.x } } }`,
      `{ name: pubflood, image: ${guest('pubflood')} }`,
    ]);
    const once = await weldMeasured(['call', file, 'flood(1, 16)', '--component', 'pubflood', '--max-memory', '64MiB']);
    expect(once.stdout, `positive control: ${once.stderr}`).toBe('1\n');
    const many = await weldMeasured(['call', file, 'flood(40, 16)', '--component', 'pubflood', '--max-memory', '64MiB']);
    expect(many.code, many.stderr).toBe(0);
    const accepted = Number(many.stdout.trim());
    expect(accepted, 'publishes past the queue bound are refused').toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThan(40);
    expect(many.peakMb - once.peakMb, 'the host held the queued messages').toBeLessThan(120);
  });

  it('a sibling cannot make the host re-enter a component that is mid-call (a message delivered to its handler)', async () => {
    // reenter.go() calls messenger.request("re.enter"), a subject reenter itself subscribes to
    const file = await workload('reentry', [MESSAGING, LOGGING], [
      `{ name: messenger, image: ${hostifGuest('messenger')} }`,
      `{ name: reenter, image: ${guest('reenter')}, localResources: { config: { subscriptions: re.enter } } }`,
    ]);
    const go = await weld(['call', file, 'go()', '--component', 'reenter']);
    expect(go.code, go.stderr).toBe(0);
    expect(go.stdout, 'handle-message ran while go() was on the stack').toBe('0\n');
    // positive control: when reenter is not mid-call, the same request is delivered to its handler (which does not reply)
    const direct = await weld(['call', file, 'ping.request("re.enter", "x", 500)', '--component', 'messenger']);
    expect(direct.stdout).toMatch(/^err\("request to re\.enter got no reply/);
  });
});

describe('host imports', () => {
  it("a function declared in a host interface that only JavaScript supplies (to-string, a class's static to-string) is refused, not run", async () => {
    // before: config-to-string answered "[object Undefined]" (Object.prototype.toString) and bucket-source the source
    // code of the host's Bucket class (Function.prototype.toString)
    const leak = await weld(['call', guest('protoleak'), 'config-to-string()', '--config', 'a=b', '--kv', 'mem']);
    expect(leak.code).toBe(2);
    expect(leak.stdout).toBe('');
    expect(leak.stderr).toContain('no host implementation for wasi:config/store.toString');
    const source = await weld(['call', guest('protostatic'), 'bucket-source()', '--kv', 'mem']);
    expect(source.code).toBe(1);
    expect(source.stdout).not.toContain('class Bucket');
    expect(source.stderr).toContain('no host implementation for wasi:keyvalue/store.Bucket.toString');
    // positive control: the real functions of the same interfaces are found (the probe opens a bucket and reads config)
    const probe = await weld(['call', hostifGuest('probe'), 'probe.config-get("a")', '--config', 'a=b', '--kv', 'mem', '--logging']);
    expect(probe.stdout, probe.stderr).toBe('ok(some("b"))\n');
    expect((await weld(['call', hostifGuest('probe'), 'probe.kv-get("b", "k")', '--config', 'a=b', '--kv', 'mem', '--logging'])).stdout).toBe('ok(none)\n');
  });
});

describe('workload links', () => {
  const linked = () =>
    workload('links', [], [`{ name: counter, image: ${counter()} }`, `{ name: trapper, image: ${guest('trapper')} }`, `{ name: forger, image: ${guest('forger')} }`]);

  it("forged resource handles: an index never received, a handle after its drop, a double drop all trap; the sibling's state is unreachable", async () => {
    const file = await linked();
    const honest = await weld(['call', file, 'honest()']);
    expect(honest.stdout, `positive control: ${honest.stderr}`).toBe('42\n');
    expect((await weld(['call', file, 'forge(1)'])).stdout, 'positive control: its own handle (index 1) works').toBe('1000\n');
    for (const attack of ['forge(2)', 'forge(5)', 'forge(4294967295)', 'forge-read(3)', 'after-drop()', 'double-drop()']) {
      const r = await weld(['call', file, attack]);
      expect(r.code, `${attack}: ${r.stdout}`).toBe(1);
      expect(r.stdout, attack).toBe('');
      expect(r.stderr, attack).toMatch(/error\[trap\].*(Not a valid "Counter" resource|unknown handle index)/);
    }
  });

  it('a borrow kept past the call: a sibling lent a handle cannot use it after the lending call returned', async () => {
    // keeper.keep(c: borrow<counter>) stores the handle (keep-opt, keep-pair: nested in an option, a tuple);
    // keeper.later() uses it once the call that lent it is over
    const file = await workload('borrows', [], [`{ name: counter, image: ${counter()} }`, `{ name: keeper, image: ${guest('keeper')} }`, `{ name: lender, image: ${guest('lender')} }`]);
    expect((await weld(['call', file, 'lend()'])).stdout, 'positive control: the borrow works during the call').toBe('5\n');
    expect((await weld(['call', file, 'lend-opt()'])).stdout, 'positive control: a borrow in an option').toBe('8\n');
    expect((await weld(['call', file, 'lend-pair()'])).stdout, 'positive control: a borrow in a tuple').toBe('109\n');
    for (const attack of ['lend-keep()', 'lend-drop()', 'lend-keep-opt()', 'lend-keep-pair()']) {
      const r = await weld(['call', file, attack]);
      expect(r.code, `${attack}: ${r.stdout}`).toBe(1);
      expect(r.stdout, `${attack}: the kept borrow still reached the lender's counter`).toBe('');
      expect(r.stderr).toMatch(/error\[trap\]/);
    }
  });

  it('a sibling that traps mid-call ends the call as a trap: the caller does not continue', async () => {
    const file = await linked();
    expect((await weld(['call', file, 'call-boom(5)'])).stdout, 'positive control').toBe('1005\n');
    const r = await weld(['call', file, 'call-boom(0)']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error\[trap\].*unreachable/);
  });

  it("a component cannot reach what a sibling did not export (functions every JS object has: to-string, has-own-property)", async () => {
    const file = await workload('overreach', [], [`{ name: counter, image: ${counter()} }`, `{ name: overreach, image: ${guest('overreach')} }`]);
    const r = await weld(['call', file, 'to-string-len()']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('function to-string is not in the export');
  });

  it('infinite recursion between two siblings (A calls B calls A) is refused before anything runs', async () => {
    const file = await workload('cycle', [], [`{ name: a, image: ${guest('cycle-a')} }`, `{ name: b, image: ${guest('cycle-b')} }`]);
    const r = await weld(['call', file, 'escape:hostif/a#down(1)', '--component', 'a']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the components import from each other in a cycle: a → b → a');
  });

  it('host interfaces the manifest does not name are refused, each with the hostInterfaces entry to add; flags cannot grant them', async () => {
    const file = await workload('undeclared', [LOGGING], [`{ name: probe, image: ${hostifGuest('probe')} }`, `{ name: blobs, image: ${hostifGuest('blobs')} }`]);
    const r = await weld(['call', file, 'probe.log("info", "", "x")', '--component', 'probe']);
    expect(r.code).toBe(2);
    for (const [iface, entry] of [
      ['wasi:config/store@0.2.0-rc.1', '{namespace: wasi, package: config, interfaces: [store], version: 0.2.0-rc.1}'],
      ['wasi:keyvalue/store@0.2.0-draft', '{namespace: wasi, package: keyvalue, interfaces: [store], version: 0.2.0-draft}'],
      ['wasi:blobstore/blobstore@0.2.0-draft', '{namespace: wasi, package: blobstore, interfaces: [blobstore], version: 0.2.0-draft}'],
    ]) {
      expect(r.stderr).toContain(`imports ${iface}: no sibling exports it and no host interface provides it`);
      expect(r.stderr).toContain(`hint: add to hostInterfaces: ${entry}`);
    }
    const flags = await weld(['call', file, 'probe.log("info", "", "x")', '--component', 'probe', '--kv', 'mem', '--blobstore', scratch]);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toMatch(/workload undeclared uses no (keyvalue|blobstore) host interface/);
    // positive control: with the entries the same call runs
    const ok = await workload('declared', [LOGGING, CONFIG('{}'), KEYVALUE], [`{ name: probe, image: ${hostifGuest('probe')} }`]);
    const run = await weld(['call', ok, 'probe.log("info", "", "x")']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('probe INFO: x\n');
  });
});
