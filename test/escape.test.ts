// The escape suite: hostile guests, written as an attacker would, against `weld run/test/serve`'s deny-by-default
// grants. Each `it` is one attack; it asserts the SECURE behaviour of the CLI contract (nothing outside the grant is
// read, written or connected to) and carries a positive control so a broken attacker cannot pass by doing nothing.
// The guests are built from source in beforeAll (weld's build cache makes reruns cheap): test/escape/guests/.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeld, WELD_BIN, type WeldRun } from './helpers/cli.js';
import { REPO_ROOT } from './helpers/fixtures.js';
import { watFixture } from './helpers/serve.js';

const GUESTS = path.join(REPO_ROOT, 'test', 'escape', 'guests');
let home: string;
let attacker: string;
let spinDir: string;
const cleanups: string[] = [];

/** Runs weld with a hard kill after `killAfterMs`, so a limit that is not enforced fails the test instead of hanging it. */
function weld(args: string[], options: { input?: string; killAfterMs?: number; env?: Record<string, string> } = {}): Promise<WeldRun & { ms: number; killed: boolean }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WELD_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, WELD_HOME: home, SECRET_TOKEN: 'host-env-secret', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.killAfterMs ?? 30_000);
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < 4_000_000) stdout += d.toString('latin1');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 1_000_000) stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started, killed });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Builds one component from a temp project holding `files`; returns the .wasm path. */
async function build(name: string, entry: string, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `weld-escape-${name}-`));
  cleanups.push(dir);
  for (const [rel, src] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await copyFile(src, path.join(dir, rel));
  }
  await writeFile(path.join(dir, 'weld.yaml'), `components:\n  - ${entry}\n`);
  const r = await runWeld(['build', dir], { env: { WELD_HOME: home } });
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

/**
 * An arena: ROOT/secret.txt and ROOT/outside/secret.txt hold a random marker (outside the grant), ROOT/box is
 * granted at /box. The host plants symlinks in the box before the run: hostdir -> ROOT (absolute), hostrel -> ..,
 * hostfile -> ROOT/secret.txt, hostchain -> hostrel, hostlink -> ROOT (for the stale-descriptor swap).
 */
interface Arena {
  root: string;
  box: string;
  marker: string;
  /** Everything outside the box: relative path -> content (or "dir"/"link:target"). */
  outside: () => Map<string, string>;
}

async function arena(): Promise<Arena> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'weld-escape-arena-'));
  cleanups.push(root);
  const marker = `WELD-ESCAPE-SECRET-${randomBytes(8).toString('hex')}`;
  const box = path.join(root, 'box');
  await mkdir(path.join(root, 'outside'), { recursive: true });
  await mkdir(path.join(root, 'victim-dir'));
  await mkdir(path.join(box, 'subdir'), { recursive: true });
  await writeFile(path.join(root, 'secret.txt'), marker);
  await writeFile(path.join(root, 'outside', 'secret.txt'), marker);
  await writeFile(path.join(box, 'inside.txt'), 'inside the box');
  await symlink(root, path.join(box, 'hostdir'));
  await symlink('..', path.join(box, 'hostrel'));
  await symlink(path.join(root, 'secret.txt'), path.join(box, 'hostfile'));
  await symlink('hostrel', path.join(box, 'hostchain'));
  await symlink(root, path.join(box, 'hostlink'));
  const outside = () => snapshot(root, (rel) => rel === 'box');
  return { root, box, marker, outside };
}

/** Recursive listing with contents and mtimes, not following symlinks. */
function snapshot(dir: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      const full = path.join(dir, r);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out.set(r, `link:${execFileSync('readlink', [full]).toString().trim()}`);
      else if (st.isDirectory()) {
        out.set(r, 'dir');
        walk(r);
      } else out.set(r, `${st.mtimeMs}:${st.nlink}:${readFileSync(full, 'latin1')}`);
    }
  };
  walk('');
  return out;
}

/** The invariant every file attack must keep: the secret never came back, nothing outside the box changed. */
function expectContained(a: Arena, before: Map<string, string>, r: WeldRun) {
  expect(r.stdout, 'the secret outside the grant reached the guest').not.toContain(a.marker);
  expect(r.stderr).not.toContain(a.marker);
  expect([...a.outside()].sort(), 'something outside the granted directory was created, changed or removed').toEqual([...before].sort());
}

/** The lines "TRY <what>: ok…" the guest printed. */
const okLines = (stdout: string) => stdout.split('\n').filter((l) => /^TRY .*: ok/.test(l));
const line = (stdout: string, what: string) => stdout.split('\n').find((l) => l.startsWith(`TRY ${what}:`));

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'weld-escape-home-'));
  cleanups.push(home);
  const c = await build('attacker', '{ name: attacker, language: c, source: attacker.c, exec-model: command }', { 'attacker.c': path.join(GUESTS, 'attacker.c') });
  attacker = path.join(c, 'build', 'attacker.wasm');
  spinDir = await build('spin', '{ name: spin, language: wat, source: spin.wat }', {
    'spin.wat': path.join(GUESTS, 'spin.wat'),
    'tests/spin.test.yaml': path.join(GUESTS, 'spin.test.yaml'),
  });
});

afterAll(async () => {
  for (const dir of cleanups) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
});

describe('files: a writable box at /box, a secret next to it', () => {
  it('positive control: the attacker reads and writes inside the box', async () => {
    const a = await arena();
    const r = await weld(['run', attacker, '--dir', `${a.box}:/box`, '--', 'read', '/box/inside.txt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('CONTENT[inside the box]');
    const escaped = await weld(['run', attacker, '--dir', `${a.root}:/box`, '--', 'read', '/box/secret.txt']);
    expect(escaped.stdout, 'with the parent granted the attacker must see the secret (else the probe is broken)').toContain(a.marker);
  });

  it('stale descriptor: a kept dir fd whose path is renamed/rmdir-ed and replaced by an escaping symlink', async () => {
    const a = await arena();
    const before = a.outside();
    const r = await weld(['run', attacker, '--dir', `${a.box}:/box`, '--', 'stale', '/box/hostlink']);
    expect(line(r.stdout, 'open /box/d')).toMatch(/: ok/);
    expectContained(a, before, r);
    expect(existsSync(path.join(a.root, 'pwned.txt'))).toBe(false);
    expect(existsSync(path.join(a.root, 'pwned-dir'))).toBe(false);
  });

  it('special files: a FIFO planted by the host is refused, not opened (opening one would block the guest)', async () => {
    const a = await arena();
    execFileSync('mkfifo', [path.join(a.box, 'fifo')]);
    const started = Date.now();
    const r = await weld(['run', attacker, '--timeout', '20s', '--dir', `${a.box}:/box`, '--', 'special', '/box/fifo']);
    expect(r.code, r.stderr).toBe(0);
    expect(line(r.stdout, 'open /box/fifo')).toMatch(/Operation not permitted/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('symlink planting: guest symlinks out (relative, absolute, chains) and host-planted links are never followed out', async () => {
    const a = await arena();
    const before = a.outside();
    const r = await weld(['run', attacker, '--dir', `${a.box}:/box`, '--', 'symlinks', a.root]);
    expectContained(a, before, r);
    for (const p of ['/box/hostdir/secret.txt', '/box/hostrel/secret.txt', '/box/hostfile', '/box/hostchain/secret.txt', '/box/l2/secret.txt', '/box/l5a/secret.txt', '/box/l6']) {
      expect(line(r.stdout, `read ${p}`), p).toMatch(/: err /);
    }
    expect(line(r.stdout, 'list /box/hostdir')).toMatch(/: err /);
    expect(line(r.stdout, 'read /box/ok'), 'a symlink inside the box still works').toContain('CONTENT[inside the box]');
  });

  it('hard links: linking an outside file into the box (directly, through planted symlinks) is impossible', async () => {
    const a = await arena();
    const before = a.outside();
    const r = await weld(['run', attacker, '--dir', `${a.box}:/box`, '--', 'links']);
    expectContained(a, before, r);
    const secretIno = lstatSync(path.join(a.root, 'secret.txt')).ino;
    for (const name of readdirSync(a.box)) expect(lstatSync(path.join(a.box, name)).ino, `${name} is a hard link to the secret`).not.toBe(secretIno);
    expect(line(r.stdout, 'read /box/h-ok')).toContain('CONTENT[inside the box]');
  });

  it('.. and absolute paths, long and odd names never leave the box', async () => {
    const a = await arena();
    const before = a.outside();
    const r = await weld(['run', attacker, '--dir', `${a.box}:/box`, '--', 'paths', path.join(a.root, 'secret.txt')]);
    expectContained(a, before, r);
    expect(r.stdout).not.toMatch(/root:x:0:0/);
    expect(line(r.stdout, 'list /box/..') ?? '').not.toMatch(/ENTRIES\[.*secret\.txt/);
    expect(r.stderr).not.toMatch(/internal error/);
    // Positive control: the 255-byte name is legal and lands in the box; odd names stay in the box too.
    expect(existsSync(path.join(a.box, 'n'.repeat(255)))).toBe(true);
    for (const name of readdirSync(a.box)) expect(name).not.toContain('/');
  });

  it('rename/unlink/rmdir to or from outside paths, and chdir tricks, touch nothing outside', async () => {
    const a = await arena();
    const before = a.outside();
    const r = await weld(['run', attacker, '--dir', `${a.box}:/box`, '--', 'moves']);
    expectContained(a, before, r);
    expect(readFileSync(path.join(a.root, 'secret.txt'), 'utf8')).toBe(a.marker);
    expect(line(r.stdout, 'rename /box/inside.txt /box/renamed-inside.txt'), 'a rename inside the box works').toMatch(/: ok/);
    expect(existsSync(path.join(a.box, 'renamed-inside.txt'))).toBe(true);
  });

  it('a directory moved up after it was opened cannot plant a link that was inside at its old depth', async () => {
    const a = await arena();
    const before = a.outside();
    const r = await weld(['run', attacker, '--dir', `${a.box}:/box`, '--', 'moved-symlink']);
    expect(line(r.stdout, 'rename up')).toMatch(/: ok/);
    expect(line(r.stdout, 'symlinkat ../../secret.txt')).toMatch(/Operation not permitted/);
    expect(line(r.stdout, 'symlinkat ../inside.txt')).toMatch(/: ok/);
    expect(line(r.stdout, 'read /box/b/ok')).toMatch(/CONTENT\[inside the box\]/);
    expectContained(a, before, r);
  });

  it('readlink of host-planted symlinks never reveals an absolute host path', async () => {
    const a = await arena();
    const r = await weld(['run', attacker, '--dir', `${a.box}:/box`, '--', 'readlink']);
    expect(r.stdout).toMatch(/TRY readlink \/box\/hostrel: (ok TARGET\[\.\.\]|err)/);
    expect(r.stdout).not.toContain(a.root);
    expect(r.stdout).not.toContain(os.tmpdir());
  });

  it('duplicate grants of the same guest path (--dir X:/box:ro --dir X:/box) are refused with exit 2', async () => {
    const a = await arena();
    const snap = snapshot(a.box);
    const r = await weld(['run', attacker, '--dir', `${a.box}:/box:ro`, '--dir', `${a.box}:/box`, '--', 'readonly']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/box');
    expect(snapshot(a.box), 'the duplicate grant made /box writable').toEqual(snap);
  });

  it(':ro grant: create, truncate, append, rename, unlink, mkdir, rmdir, symlink, link, utimes are all denied', async () => {
    const a = await arena();
    const snap = snapshot(a.box);
    const r = await weld(['run', attacker, '--dir', `${a.box}:/box:ro`, '--', 'readonly']);
    expect(snapshot(a.box), 'the read-only box changed').toEqual(snap);
    const allowed = okLines(r.stdout).filter((l) => !l.startsWith('TRY read /box/inside.txt'));
    expect(allowed, 'write paths that succeeded on a :ro grant').toEqual([]);
    expect(line(r.stdout, 'read /box/inside.txt')).toContain('CONTENT[inside the box]');
    expect(r.stderr).toMatch(/weld: denied .*; grant it with --dir/);
  });
});

describe('environment, arguments, stdin, clocks', () => {
  it('no environment unless granted (positive control: --env FOO=bar)', async () => {
    const r = await weld(['run', attacker, '--', 'info']);
    expect(r.stdout).toContain('ENVCOUNT 0');
    expect(r.stdout).not.toContain('host-env-secret');
    const g = await weld(['run', attacker, '--env', 'FOO=bar', '--', 'info']);
    expect(g.stdout).toContain('ENV[FOO=bar]');
    expect(g.stdout).toContain('ENVCOUNT 1');
  });

  it('argv[0] is not the host path of the component', async () => {
    const r = await weld(['run', attacker, '--', 'info']);
    const argv0 = /ARGV0\[(.*)\]/.exec(r.stdout)?.[1];
    expect(argv0).toBeDefined();
    expect(argv0).not.toContain(path.dirname(attacker));
    expect(argv0).not.toContain(os.tmpdir());
  });

  it('stdin is empty without --stdin even when the host pipes data (positive control: --stdin)', async () => {
    const r = await weld(['run', attacker, '--', 'info'], { input: 'host-stdin-secret\n' });
    expect(r.stdout).toContain('STDINBYTES 0');
    expect(r.stdout).not.toContain('host-stdin-secret');
    const g = await weld(['run', attacker, '--stdin', '--', 'info'], { input: 'host-stdin-secret\n' });
    expect(g.stdout).toContain('STDIN[host-stdin-secret');
  });

  it('the monotonic clock starts near 0, not at host uptime', async () => {
    const r = await weld(['run', attacker, '--', 'info']);
    const secs = Number(/MONOTONIC (\d+)/.exec(r.stdout)?.[1]);
    expect(secs).toBeGreaterThanOrEqual(0);
    expect(secs).toBeLessThan(60);
  });
});

/** Peak RSS of a process (VmHWM), in MB; 0 when it is gone. */
function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

describe('limits', () => {
  it('an infinite loop under --timeout 1s is killed: exit 1 within seconds, stderr names --timeout', async () => {
    const r = await weld(['run', attacker, '--timeout', '1s', '--', 'spin'], { killAfterMs: 15_000 });
    expect(r.killed, 'weld did not stop the loop; the test killed it').toBe(false);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stderr).toContain('--timeout');
  });

  it('weld test: a call that loops under --timeout 1s fails the case instead of hanging', async () => {
    const r = await weld(['test', path.join(spinDir, 'tests', 'spin.test.yaml'), '--timeout', '1s'], { killAfterMs: 15_000 });
    expect(r.killed, 'weld test hung on the looping call').toBe(false);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stdout + r.stderr).toContain('--timeout');
  });

  it('memory bomb under --max-memory 64MiB: malloc fails at <= 64 MiB, weld RSS stays bounded', async () => {
    let peak = 0;
    const child = spawn(process.execPath, [WELD_BIN, 'run', attacker, '--max-memory', '64MiB', '--', 'membomb'], { env: { ...process.env, WELD_HOME: home } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const sampler = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!))), 100);
    const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? -1)));
    clearInterval(sampler);
    const got = Number(/GOT (\d+) MiB/.exec(stdout)?.[1] ?? NaN);
    expect(code, stderr).toBe(0);
    expect(got, 'the bomb got nothing: the probe is broken').toBeGreaterThanOrEqual(16);
    expect(got, 'the guest allocated past --max-memory').toBeLessThanOrEqual(64);
    expect(peak, 'weld RSS (MB)').toBeLessThan(400);
  });

  it('stdout flood to a paused reader: weld blocks the guest instead of buffering (RSS < 300 MB)', async () => {
    let peak = 0;
    let bytes = 0;
    const child = spawn(process.execPath, [WELD_BIN, 'run', attacker, '--', 'flood', '1024'], { env: { ...process.env, WELD_HOME: home } });
    child.stdout.pause();
    const sampler = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!))), 100);
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await new Promise((done) => setTimeout(done, 4000));
    const pausedPeak = peak;
    child.stdout.on('data', (d: Buffer) => (bytes += d.length));
    child.stdout.resume();
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    clearTimeout(killer);
    clearInterval(sampler);
    expect(pausedPeak, 'weld RSS while the reader was paused (MB)').toBeLessThan(300);
    expect(peak, 'weld peak RSS over the whole flood (MB)').toBeLessThan(300);
    expect(code, 'the flood did not finish within 60 s').toBe(0);
    expect(bytes, 'positive control: all of the flood arrives once the reader reads').toBe(1024 * 1024 * 1024);
  }, 90_000);

  it('output to a TTY has control characters escaped', async () => {
    let hasScript = true;
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
    } catch {
      hasScript = false;
    }
    if (!hasScript) return; // util-linux script(1) is needed for a pseudo-terminal
    const cmd = `${process.execPath} ${WELD_BIN} run ${attacker} -- tty`;
    const out = execFileSync('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, WELD_HOME: home }, timeout: 30_000 }).toString('latin1');
    expect(out, 'positive control: the guest wrote through the TTY').toContain('red');
    expect(out).not.toContain('\x1b]0;pwned-title');
    expect(out).not.toContain('\x1b[2J');
    expect(out).not.toContain('\x1b[31m');
    expect(out).not.toContain('\x9b');
    expect(out).not.toContain('\x08');
  });
});

// --- sockets -------------------------------------------------------------------------------------------------------
// The socket attacker is a C command (test/escape/guests/sock/sock.c) that calls wasi:sockets directly through
// hand-lowered canonical-ABI imports (no bindings generator); its world imports the sockets interfaces from the
// example's WASI 0.2.10 WIT, copied into wit/deps here. It prints "STEP <name>: ok|err <error-code>" per call.
interface Counter {
  port: number;
  count: () => number;
  close: () => Promise<void>;
}

async function tcpListener(): Promise<Counter> {
  let n = 0;
  const server = net.createServer((s) => {
    n += 1;
    s.destroy();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { port: (server.address() as net.AddressInfo).port, count: () => n, close: () => new Promise((done) => server.close(() => done())) };
}

async function udpListener(): Promise<Counter> {
  let n = 0;
  const sock = dgram.createSocket('udp4');
  sock.on('message', () => (n += 1));
  await new Promise<void>((done) => sock.bind(0, '127.0.0.1', done));
  return { port: sock.address().port, count: () => n, close: () => new Promise((done) => sock.close(() => done())) };
}

/** A port that nothing listens on (bound and released). */
async function freePort(): Promise<number> {
  const l = await tcpListener();
  await l.close();
  return l.port;
}

describe('sockets: TCP/UDP only to granted hosts and ports', () => {
  let sock: string;
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-escape-sock-'));
    cleanups.push(dir);
    await cp(path.join(GUESTS, 'sock'), dir, { recursive: true });
    await cp(path.join(REPO_ROOT, 'examples', 'polyglot', 'http', 'wit', 'deps'), path.join(dir, 'wit', 'deps'), { recursive: true });
    await rm(path.join(dir, 'wit', 'deps', 'http'), { recursive: true });
    await writeFile(path.join(dir, 'weld.yaml'), 'components:\n  - { name: sock, language: c, source: sock.c, exec-model: command, wit: wit, world: attacker }\n');
    const r = await runWeld(['build', dir], { env: { WELD_HOME: home } });
    expect(r.code, r.stderr).toBe(0);
    sock = path.join(dir, 'build', 'sock.wasm');
  });

  it('positive control: --allow-host localhost:<port> lets the guest connect to 127.0.0.1:<port>', async () => {
    const l = await tcpListener();
    const r = await weld(['run', sock, '--allow-host', `localhost:${l.port}`, '--', 'connect', '127.0.0.1', String(l.port)]);
    expect(r.stdout).toContain('CONNECTED');
    await new Promise((done) => setTimeout(done, 200));
    expect(l.count()).toBe(1);
    await l.close();
  });

  it('TCP connect to an ungranted port on 127.0.0.1 while another port is granted is denied', async () => {
    const victim = await tcpListener();
    const granted = await tcpListener();
    const r = await weld(['run', sock, '--allow-host', `127.0.0.1:${granted.port}`, '--', 'connect', '127.0.0.1', String(victim.port)]);
    expect(r.stdout).toMatch(/err access-denied/);
    expect(r.stdout).not.toContain('CONNECTED');
    expect(r.stderr).toMatch(/weld: denied .*; grant it with --allow-host/);
    expect(victim.count() + granted.count()).toBe(0);
    await victim.close();
    await granted.close();
  });

  it('TCP connect with no grant at all is denied', async () => {
    const victim = await tcpListener();
    const r = await weld(['run', sock, '--', 'connect', '127.0.0.1', String(victim.port)]);
    expect(r.stdout).toMatch(/err access-denied/);
    expect(victim.count()).toBe(0);
    await victim.close();
  });

  it('UDP send to an ungranted port (stream(remote) and send(remote-address)) is denied', async () => {
    const victim = await udpListener();
    const granted = await udpListener();
    const r = await weld(['run', sock, '--allow-host', `127.0.0.1:${granted.port}`, '--', 'udp-send', '127.0.0.1', String(victim.port)]);
    await new Promise((done) => setTimeout(done, 300));
    expect(r.stdout).toMatch(/err access-denied/);
    expect(r.stdout, 'send(remote-address) on an unconnected stream').toContain('STEP send-to: err access-denied');
    expect(r.stdout, 'stream(remote)').toContain('STEP stream-connected: err access-denied');
    expect(victim.count()).toBe(0);
    // Positive control: both ways reach the granted port.
    const ok = await weld(['run', sock, '--allow-host', `127.0.0.1:${granted.port}`, '--', 'udp-send', '127.0.0.1', String(granted.port)]);
    expect(ok.stdout).toContain('SENT 2');
    await new Promise((done) => setTimeout(done, 300));
    expect(granted.count()).toBe(2);
    expect(victim.count()).toBe(0);
    await victim.close();
    await granted.close();
  });

  it('bind/listen on 0.0.0.0 and 127.0.0.1 without --allow-listen is denied (positive control: --allow-listen)', async () => {
    for (const ip of ['0.0.0.0', '127.0.0.1']) {
      const port = await freePort();
      const r = await weld(['run', sock, '--allow-host', `127.0.0.1:${port}`, '--', 'listen', ip, String(port)]);
      expect(r.stdout, ip).toMatch(/err access-denied/);
      expect(r.stdout).not.toContain('LISTENING');
      const u = await weld(['run', sock, '--', 'udp-bind', ip, String(port)]);
      expect(u.stdout, ip).not.toContain('BOUND');
    }
    const port = await freePort();
    const ok = await weld(['run', sock, '--allow-listen', String(port), '--', 'listen', '127.0.0.1', String(port)]);
    expect(ok.stdout).toContain('LISTENING');
  });
});

// --- serve ---------------------------------------------------------------------------------------------------------
interface Served {
  url: string;
  port: number;
  stderr: () => string;
  child: ReturnType<typeof spawn>;
}
const servers: ReturnType<typeof spawn>[] = [];

/** Starts `weld serve --port 0`; earlier servers are killed first so one test's stuck handler cannot starve the next. */
function serve(component: string, flags: string[] = []): Promise<Served> {
  for (const c of servers) c.kill('SIGKILL');
  const child = spawn(process.execPath, [WELD_BIN, 'serve', component, '--port', '0', ...flags], { env: { ...process.env, WELD_HOME: home } });
  servers.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const url = /on (http:\/\/[0-9.]+:(\d+))/.exec(stdout);
      if (url) resolve({ url: url[1]!, port: Number(url[2]), stderr: () => stderr, child });
    });
    child.once('exit', (code) => reject(new Error(`weld serve exited with ${code}: ${stderr}`)));
  });
}

/** One raw GET: status, body, and whether the response ended cleanly (complete) or was cut (reset/aborted). */
function get(url: string, timeoutMs = 8000): Promise<{ status?: number; body: string; complete: boolean; error?: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let body = '';
    let status: number | undefined;
    const done = (complete: boolean, error?: string) => resolve({ status, body, complete, error, ms: Date.now() - started });
    const req = http.get(url, { agent: false }, (res) => {
      status = res.statusCode;
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => done(res.complete));
      res.on('aborted', () => done(false, 'aborted'));
      res.on('error', (e) => done(false, e.message));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', (e) => done(false, e.message));
  });
}

describe('serve: hostile handlers', () => {
  let handler: string;
  beforeAll(async () => {
    const deps = path.join(REPO_ROOT, 'examples', 'polyglot', 'http', 'wit');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-escape-http-'));
    cleanups.push(dir);
    await cp(deps, path.join(dir, 'wit'), { recursive: true });
    await copyFile(path.join(GUESTS, 'serve', 'handler.js'), path.join(dir, 'handler.js'));
    await writeFile(path.join(dir, 'weld.yaml'), 'components:\n  - { name: hostile-http, language: js, source: handler.js, wit: wit, world: handler }\n');
    const r = await runWeld(['build', dir], { env: { WELD_HOME: home } });
    expect(r.code, r.stderr).toBe(0);
    handler = path.join(dir, 'build', 'hostile-http.wasm');
  });
  afterAll(() => {
    for (const c of servers) c.kill('SIGKILL');
  });

  it('a looping request under --timeout 1s gets a 5xx or a reset within seconds; concurrent requests still succeed', async () => {
    const s = await serve(handler, ['--timeout', '1s']);
    const loop = get(`${s.url}/loop`, 10_000);
    await new Promise((done) => setTimeout(done, 100));
    const others = await Promise.all([1, 2, 3].map(() => get(`${s.url}/ok`, 10_000)));
    for (const o of others) {
      expect(o.status, o.error).toBe(200);
      expect(o.body).toBe('ok\n');
      expect(o.ms).toBeLessThan(5000);
    }
    const l = await loop;
    expect(l.error, 'the looping request was never ended by the server').not.toBe('client timeout');
    expect(l.ms).toBeLessThan(6000);
    if (l.status !== undefined) expect(l.status).toBeGreaterThanOrEqual(500);
    expect((await get(`${s.url}/ok`)).status, 'the server keeps serving after the timeout').toBe(200);
  });

  it('a handler that traps mid-body never yields a clean, complete 200', async () => {
    // A wasm trap after the first chunk (a JS stream error is not one: StarlingMonkey logs it and finishes the
    // body itself, so the guest declares the response complete and no host can tell otherwise).
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-escape-trap-'));
    cleanups.push(dir);
    const trapper = await watFixture('http-trap-mid-body', dir);
    const s = await serve(trapper);
    const r = await get(`${s.url}/`);
    expect(r.body + (r.error ?? ''), 'positive control: the request reached the handler').not.toBe('');
    expect(r.status === 200 && r.complete, `clean 200: ${JSON.stringify(r)}`).toBe(false);
    const js = await serve(handler);
    expect((await get(`${js.url}/midbody`)).body).toContain('first chunk');
    expect((await get(`${js.url}/ok`)).status).toBe(200);
  });

  it('an invalid status (1000) is never passed on; the server answers 5xx and keeps serving', async () => {
    const s = await serve(handler);
    const r = await get(`${s.url}/status`);
    expect(r.status).not.toBe(1000);
    if (r.status !== undefined) expect(r.status).toBeGreaterThanOrEqual(500);
    expect((await get(`${s.url}/ok`)).status).toBe(200);
  });

  it('clients that disconnect mid-response do not hang the server', async () => {
    const s = await serve(handler);
    for (let i = 0; i < 4; i++) {
      await new Promise<void>((done) => {
        const req = http.get(`${s.url}/slow`, { agent: false }, (res) => {
          res.once('data', () => {
            req.destroy();
            done();
          });
        });
        req.on('error', () => done());
        req.setTimeout(3000, () => req.destroy(new Error('no response within 3 s')));
      });
    }
    const ok = await get(`${s.url}/ok`, 8000);
    expect(ok.status, ok.error).toBe(200);
    expect(ok.ms).toBeLessThan(5000);
  }, 40_000);
});
