// weld ui's server: loopback only, read-only, the store confined to its layout; --build writes the page whole.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage, startUiServer, type UiServer } from '@weld/web';
import { runWeld, WELD_BIN } from './helpers/cli.js';

const HEX = 'a'.repeat(64);

/** A raw HTTP request (fetch would normalise `..` and refuse to send a foreign Host header). */
function get(port: number, rawPath: string, opts: { method?: string; host?: string } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method: opts.method ?? 'GET', headers: { host: opts.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The first line `weld ARGS` prints; it is stopped then (a server runs until stopped). */
function firstLine(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WELD_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (out.includes('\n') ? resolve(out.slice(0, out.indexOf('\n'))) : reject(new Error(`weld ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

let dir: string;
let store: string;
let server: UiServer;

describe('weld ui server', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weld-ui-server-'));
    store = path.join(dir, 'oci');
    await mkdir(path.join(store, 'blobs', 'sha256'), { recursive: true });
    await writeFile(path.join(store, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    await writeFile(path.join(store, 'blobs', 'sha256', HEX), 'blob');
    await writeFile(path.join(dir, 'secret'), 'secret');
    // a blob that is a symlink leaving the store is not served
    await symlink(path.join(dir, 'secret'), path.join(store, 'blobs', 'sha256', 'b'.repeat(64)));
    server = await startUiServer({ files: (await buildPage()).files, store });
  });
  afterAll(async () => server?.close());

  it('serves the page and the layout, with a strict content policy', async () => {
    const page = await get(server.port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="main.js"></script>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await get(server.port, '/main.js')).status).toBe(200);
    expect((await get(server.port, '/worker.js')).status).toBe(200);
    expect((await get(server.port, '/store/index.json')).body).toBe('{"schemaVersion":2,"manifests":[]}');
    expect((await get(server.port, `/store/blobs/sha256/${HEX}`)).body).toBe('blob');
  });

  it('serves nothing outside the store, and nothing but what a layout holds', async () => {
    for (const p of ['/store/../secret', '/store/%2e%2e/secret', '/store/blobs/sha256/../../../secret', '/store/blobs/sha256/%2e%2e%2f%2e%2e%2f..%2fsecret', '/store/ingest/x', '/store/blobs/sha256/ABC', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd']) {
      const r = await get(server.port, p);
      expect(r.status, p).toBe(404);
      expect(r.body, p).not.toContain('secret');
    }
    expect((await get(server.port, `/store/blobs/sha256/${'b'.repeat(64)}`)).status).toBe(403);
  });

  it('is read-only and answers loopback names only', async () => {
    expect((await get(server.port, '/store/index.json', { method: 'PUT' })).status).toBe(405);
    expect((await get(server.port, '/', { method: 'POST' })).status).toBe(405);
    expect((await get(server.port, '/', { host: 'attacker.example:80' })).status).toBe(421);
    expect((await get(server.port, '/', { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses to listen beyond loopback (exit 2) and names a taken port', async () => {
    const wide = await runWeld(['ui', '--host', '0.0.0.0']);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain('weld ui listens on loopback only, not 0.0.0.0');
    const taken = await runWeld(['ui', '--port', String(server.port)]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('the port is in use');
    const badPort = await runWeld(['ui', '--port', 'http']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port: "http" is not a port number');
  });

  it('--build writes the static page, and refuses a folder holding other files', async () => {
    const out = path.join(dir, 'site');
    const r = await runWeld(['-o', 'json', 'ui', '--build', out]);
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['index.html', 'main.js', 'style.css', 'worker.js']);
    expect(JSON.parse(r.stdout).bundleSizes['main.js']).toBeGreaterThan(10_000);
    expect((await runWeld(['ui', '--build', out])).code).toBe(0); // an earlier build is replaced
    const mine = path.join(dir, 'mine');
    await mkdir(mine);
    await writeFile(path.join(mine, 'notes.txt'), 'keep me');
    const refused = await runWeld(['ui', '--build', mine]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('holds files that are not the page');
    expect(await readFile(path.join(mine, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('--store must name an OCI layout folder; the embedded store may not exist yet', async () => {
    const calc = path.join(dir, 'calc.wasm');
    await writeFile(calc, 'not a store');
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    const cases: [string, string][] = [
      [path.join(dir, 'nonexistent'), 'the folder does not exist'],
      [calc, 'it is not a directory'],
      [empty, 'it is not an OCI image layout (no index.json)'],
    ];
    for (const [folder, says] of cases) {
      const r = await runWeld(['ui', '--store', folder], { timeoutMs: 20_000 }); // it served an empty store until stopped
      expect(r.code, folder).toBe(2);
      expect(r.stderr, folder).toContain(`cannot serve the store ${folder}: ${says}`);
    }
    // a fresh $WELD_HOME: the first push makes the store; until then the page shows none, named or not
    const home = await mkdtemp(path.join(os.tmpdir(), 'weld-ui-home-'));
    for (const args of [[], ['--store', path.join(home, 'oci')]]) {
      expect(await firstLine(['ui', ...args], { WELD_HOME: home }), args.join(' ')).toContain(`(store: ${path.join(home, 'oci')}; Ctrl-C stops)`);
    }
  });

  it('--build refuses the flags that only serving uses (exit 2, nothing written)', async () => {
    const out = path.join(dir, 'site-with-store');
    for (const flags of [['--store', store], ['--port', '0'], ['--host', '::1']]) {
      const r = await runWeld(['ui', '--build', out, ...flags], { timeoutMs: 20_000 });
      expect(r.code, flags[0]).toBe(2);
      expect(r.stderr, flags[0]).toContain(`--build writes a static page, which serves no store and listens nowhere: ${flags[0]} cannot go with it`);
    }
    await expect(readdir(out)).rejects.toThrow('ENOENT');
  });

  it('--build refuses a file, an empty name, and a place where no folder can be made, at once and exit 2', async () => {
    const notes = path.join(dir, 'notes.txt');
    await writeFile(notes, 'important');
    const file = await runWeld(['ui', '--build', notes]);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain(`${notes} is not a directory`);
    expect(await readFile(notes, 'utf8')).toBe('important');
    const empty = await runWeld(['ui', '--build', ''], { timeoutMs: 20_000 }); // it served the page until stopped
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--build: the folder name is empty');
    if (process.platform === 'linux') {
      const proc = await runWeld(['ui', '--build', '/proc/weld-nope'], { timeoutMs: 20_000 }); // it spun in mkdir
      expect(proc.code).toBe(2);
      expect(proc.stderr).toContain('cannot write the page to /proc/weld-nope: cannot create a folder in /proc');
    }
  });
});
