import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from '@bytecodealliance/jco';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeld } from './helpers/cli.js';
import { buildHttpCFixture, polyglotComponent, REPO_ROOT } from './helpers/fixtures.js';
import { startServe, watFixture, type Served } from './helpers/serve.js';

let home: string;
const running: ChildProcess[] = [];

const serve = (component: string, flags: string[] = []): Promise<Served> => startServe(component, flags, home, running);
const wat = (name: string): Promise<string> => watFixture(name, home);

describe('weld serve: a fresh instance per request under deny-by-default grants', () => {
  let upstream: http.Server;
  let upstreamUrl: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'weld-serve-'));
    upstream = http.createServer((_req, res) => res.end('from upstream'));
    await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await new Promise((done) => upstream.close(done));
  });

  it('serves the JS handler; module state never carries over between requests', async () => {
    const s = await serve(polyglotComponent('http'));
    const hello = await fetch(`${s.url}/hello?name=weld`);
    expect(hello.status).toBe(200);
    expect(await hello.text()).toBe('hello, weld\n');
    for (let i = 0; i < 3; i++) expect(await (await fetch(`${s.url}/count`)).text()).toBe('1\n');
    const echo = await fetch(`${s.url}/echo`, { method: 'POST', body: 'ping', headers: { 'content-type': 'text/x-test' } });
    expect(await echo.text()).toBe('ping');
    expect(echo.headers.get('content-type')).toBe('text/x-test');
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).toContain('weld: stopped after 5 requests');
  });

  it('serves the C handler: a fresh instance per request unless --reuse, concurrent requests on both workers', async () => {
    const component = await buildHttpCFixture();
    const fresh = await serve(component, ['--workers', '2']);
    const hello = await fetch(`${fresh.url}/hello?name=c`);
    expect([hello.status, hello.headers.get('content-type'), await hello.text()]).toEqual([200, 'text/plain', 'hello, c\n']);
    const counts = await Promise.all(Array.from({ length: 40 }, async () => (await fetch(`${fresh.url}/count`)).text()));
    expect(counts).toEqual(Array(40).fill('1\n'));
    expect((await fetch(`${fresh.url}/nope`)).status).toBe(404);
    expect(await fresh.stop()).toBe(0);
    expect(fresh.stderr()).toContain('weld: stopped after 42 requests (instances restored from their snapshot 42 times)');
    // with --reuse the one worker's instance keeps its module state: the counter goes up
    const reused = await serve(component, ['--workers', '1', '--reuse']);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push(await (await fetch(`${reused.url}/count`)).text());
    expect(seen).toEqual(['1\n', '2\n', '3\n']);
    await reused.stop();
  });

  it('a fresh instance is the one instance put back as it was made: nothing a hostile guest changes carries over', async () => {
    // The guest reads, then marks, every channel it has: an unexported global, a memory byte, an unexported table
    // slot, a page it grows and writes into (POST), and its handle tables (it leaks its request handle).
    const component = await wat('http-remember');
    const fresh = await serve(component, ['--workers', '2']);
    expect(fresh.stdout()).toContain('a fresh instance per request, restored from a snapshot');
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push(await (await fetch(fresh.url)).text());
    seen.push(await (await fetch(fresh.url, { method: 'POST' })).text());
    seen.push(...(await Promise.all(Array.from({ length: 20 }, async (_, i) => (await fetch(fresh.url, { method: i % 5 ? 'GET' : 'POST' })).text()))));
    expect(seen).toEqual(Array(24).fill('001011\n'));
    expect(await fresh.stop()).toBe(0);
    // grown pages are kept, zeroed: every instance was restored
    expect(fresh.stderr()).toContain('weld: stopped after 24 requests (instances restored from their snapshot 24 times)');
    // under --max-memory a restore keeps no growth (it would take the guest's room): a POST's instance is made anew
    const capped = await serve(component, ['--workers', '1', '--max-memory', '16MiB']);
    const cappedSeen: string[] = [];
    for (const method of ['GET', 'POST', 'GET', 'POST', 'GET']) cappedSeen.push(await (await fetch(capped.url, { method })).text());
    expect(cappedSeen).toEqual(Array(5).fill('001011\n'));
    expect(await capped.stop()).toBe(0);
    expect(capped.stderr()).toContain('weld: stopped after 5 requests (instances restored from their snapshot 3 times)');
    // the probe is not blind: one instance kept (--reuse) gives every channel away
    const reused = await serve(component, ['--workers', '1', '--reuse']);
    const kept: string[] = [];
    for (const method of ['GET', 'GET', 'POST', 'GET']) kept.push(await (await fetch(reused.url, { method })).text());
    expect(kept).toEqual(['001011\n', '112021\n', '112031\n', '112141\n']);
    await reused.stop();
  });

  it('an instance too large to snapshot is made anew for each request, and the server says so once', async () => {
    // http-count with 1,025 pages (64 MiB and a page): a copy per request would cost more than a new instance
    const source = (await readFile(path.join(REPO_ROOT, 'test', 'fixtures', 'http-count.wat'), 'utf8')).replace('(memory (export "memory") 1)', '(memory (export "memory") 1025)');
    const file = path.join(home, 'http-count-large.wasm');
    await writeFile(file, await parse(source));
    const s = await serve(file, ['--workers', '1']);
    const counts: string[] = [];
    for (let i = 0; i < 3; i++) counts.push(await (await fetch(s.url)).text());
    expect(counts).toEqual(['1\n', '1\n', '1\n']);
    expect(await s.stop()).toBe(0);
    const told = s.stderr().match(/weld: an instance could not be snapshot \(its memories hold 67174400 bytes, more than a restore is worth\): each request gets a new instantiation\n/g);
    expect(told).toHaveLength(1);
    expect(s.stderr()).toContain('weld: stopped after 3 requests (instances restored from their snapshot 0 times)');
  });

  it('outgoing requests need --allow-host; the denial names the grant', async () => {
    const denied = await serve(polyglotComponent('http'));
    const r = await fetch(`${denied.url}/fetch?url=${encodeURIComponent(upstreamUrl)}`);
    expect(r.status).toBe(502);
    await denied.stop();
    const host = new URL(upstreamUrl).host;
    expect(denied.stderr()).toContain(`weld: denied HTTP request to http://${host}; grant it with --allow-host ${host}`);
    const allowed = await serve(polyglotComponent('http'), ['--allow-host', host]);
    const ok = await fetch(`${allowed.url}/fetch?url=${encodeURIComponent(upstreamUrl)}`);
    expect(await ok.text()).toBe('upstream 200: from upstream');
    await allowed.stop();
  });

  it("a workload reaches the machine's loopback as host.wasmcloud.internal only with allowedHosts and allowedHostLoopbackPorts", async () => {
    const port = new URL(upstreamUrl).port;
    const manifest = async (name: string, local: string) => {
      const file = path.join(home, `${name}.yaml`);
      await writeFile(file, `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: {name: ${name}}\nspec:\n  components:\n    - name: web\n      image: ${polyglotComponent('http')}\n      localResources: {${local}}\n`);
      return file;
    };
    const target = encodeURIComponent(`http://host.wasmcloud.internal:${port}/`);
    const both = await serve(await manifest('both', `allowedHosts: ['host.wasmcloud.internal:${port}'], allowedHostLoopbackPorts: ['${port}']`));
    expect(await (await fetch(`${both.url}/fetch?url=${target}`)).text()).toBe('upstream 200: from upstream');
    await both.stop();
    // the host alone, or the port alone, is not enough
    for (const [name, local] of [['host-only', `allowedHosts: ['host.wasmcloud.internal:${port}']`], ['port-only', `allowedHostLoopbackPorts: ['${port}']`]] as const) {
      const s = await serve(await manifest(name, local));
      expect((await fetch(`${s.url}/fetch?url=${target}`)).status, name).toBe(502);
      await s.stop();
      expect(s.stderr()).toContain(`weld: denied HTTP request to http://host.wasmcloud.internal:${port}; grant it with allowedHosts: [host.wasmcloud.internal:${port}] and allowedHostLoopbackPorts: ['${port}'] in the workload manifest`);
    }
  });

  it('a trap or a missing response is a 500 for that request, and the server keeps serving', async () => {
    for (const [name, reason] of [
      ['http-trap', 'the component trapped: wasm trap: wasm `unreachable` instruction executed'],
      ['http-silent', 'the component returned without setting a response'],
    ]) {
      const s = await serve(await wat(name!));
      for (let i = 0; i < 2; i++) {
        const r = await fetch(`${s.url}/`);
        expect(r.status).toBe(500);
        expect(await r.text()).toContain('500 internal server error');
      }
      await s.stop();
      expect(s.stderr()).toContain(`weld: request 2 failed (answered 500): ${reason}`);
    }
  });

  it('refuses a component that is not an HTTP handler, and a bad port', async () => {
    const calc = await runWeld(['serve', polyglotComponent('calc')], { env: { WELD_HOME: home } });
    expect(calc.code).toBe(2);
    expect(calc.stderr).toContain('error[not-an-http-handler]: the component does not export wasi:http/incoming-handler');
    const port = await runWeld(['serve', polyglotComponent('http'), '--port', '99999']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port 99999 is not a port number');
  });
});
