import type { ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { polyglotComponent } from './helpers/fixtures.js';
import { startServe, watFixture, type Served } from './helpers/serve.js';

let home: string;
const running: ChildProcess[] = [];

const serve = (component: string, flags: string[] = []): Promise<Served> => startServe(component, flags, home, running);
const wat = (name: string): Promise<string> => watFixture(name, home);

/** GET with node:http (no connection reuse): resolves with status, the body and when its first and last bytes came. */
function get(url: string, method = 'GET'): Promise<{ status: number; body: string; firstByte: number; end: number; t0: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(url, { method, agent: false }, (res) => {
      let body = '';
      let firstByte = 0;
      res.on('data', (c: Buffer) => {
        firstByte ||= performance.now();
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode!, body, firstByte, end: performance.now(), t0 }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('weld serve: a pool of workers', () => {
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'weld-serve-pool-'));
  });
  afterAll(() => {
    for (const child of running) child.kill('SIGKILL');
  });

  it('a hung request does not hold up 20 concurrent others; it gets a 504 and its worker is replaced', async () => {
    const s = await serve(await wat('http-loop'), ['--workers', '2', '--timeout', '1s']);
    const t0 = performance.now();
    const hung = get(`${s.url}/spin`, 'POST');
    await new Promise((r) => setTimeout(r, 100)); // the POST holds one worker
    const others = await Promise.all(Array.from({ length: 20 }, () => get(`${s.url}/`)));
    expect(others.map((r) => `${r.status} ${r.body}`)).toEqual(Array(20).fill('200 ok\n'));
    expect(Math.max(...others.map((r) => r.end)) - t0).toBeLessThan(1000); // before the timeout freed anything
    const h = await hung;
    expect(h.status).toBe(504);
    expect(h.end - h.t0).toBeLessThan(4000);
    // the replaced worker serves again, and a second hung request times out the same way
    expect((await get(`${s.url}/`)).body).toBe('ok\n');
    expect((await get(`${s.url}/`, 'POST')).status).toBe(504);
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).toMatch(/weld: request 1 failed \(answered 504\): the component did not finish within the 1000 ms timeout/);
    expect(s.stderr()).toContain('weld: stopped after 23 requests');
  });

  it('streams a slow body: the first chunk arrives long before the last is written', async () => {
    const s = await serve(await wat('http-slow'), ['--workers', '1']);
    const r = await get(`${s.url}/`);
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(32 * 32768);
    expect(r.firstByte - r.t0).toBeLessThan(500);
    expect(r.end - r.firstByte).toBeGreaterThan(1000);
    await s.stop();
    expect(s.stderr()).toMatch(/weld: GET \/ 200 1048576 B [\d.]+ ms/);
  });

  it('a client that goes away mid-response cancels that request only', async () => {
    const s = await serve(await wat('http-slow'), ['--workers', '1']);
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${s.url}/`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy(); // after the first chunk
          resolve();
        });
      });
      req.on('error', () => undefined);
      setTimeout(() => reject(new Error('no first chunk')), 5000);
    });
    // the only worker was running the abandoned request: it is replaced, and serves the next one in full
    const r = await get(`${s.url}/`);
    expect(r.body.length).toBe(32 * 32768);
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).toMatch(/weld: GET \/ 200 \(client gone\)/);
  });

  it('a trap mid-body breaks the response off instead of ending it as a clean 200', async () => {
    const s = await serve(await wat('http-trap-mid-body'));
    for (let i = 0; i < 2; i++) {
      await expect(fetch(`${s.url}/`).then((r) => r.text())).rejects.toThrow();
    }
    await s.stop();
    expect(s.stderr()).toContain('weld: request 2 failed (response broken): the component trapped: wasm trap: wasm `unreachable` instruction executed');
  });

  it('an invalid status (1000) breaks the response off; the client is not left hanging', async () => {
    const s = await serve(await wat('http-status-1000'));
    const t0 = performance.now();
    await expect(fetch(`${s.url}/`, { signal: AbortSignal.timeout(5000) }).then((r) => r.text())).rejects.toThrow(/fetch failed|other side closed|terminated/);
    expect(performance.now() - t0).toBeLessThan(3000);
    await s.stop();
    expect(s.stderr()).toContain('weld: request 1 failed (response broken): the component set the invalid status 1000');
  });

  it('SIGINT lets an in-flight slow request finish, then exits 0', async () => {
    const s = await serve(await wat('http-slow'), ['--workers', '1']);
    const slow = get(`${s.url}/`);
    await new Promise((r) => setTimeout(r, 300));
    const code = s.stop();
    const r = await slow;
    expect(r.body.length).toBe(32 * 32768);
    expect(await code).toBe(0);
    expect(s.stderr()).toContain('weld: stopped after 1 request');
  });

  it('--reuse keeps one instance per worker (module state counts up); the default gives each request a fresh one', async () => {
    const counter = await wat('http-count');
    const reused = await serve(counter, ['--workers', '1', '--reuse', '-q', '--output', 'json']);
    const counts: string[] = [];
    for (let i = 0; i < 3; i++) counts.push(await (await fetch(`${reused.url}/count`)).text());
    expect(counts).toEqual(['1\n', '2\n', '3\n']);
    await reused.stop();
    expect(reused.stderr()).not.toContain('weld: GET'); // no access log when quiet
    const fresh = await serve(counter, ['--workers', '1']);
    for (let i = 0; i < 3; i++) expect(await (await fetch(`${fresh.url}/count`)).text()).toBe('1\n');
    await fresh.stop();
    expect(fresh.stderr()).toMatch(/weld: GET \/count 200 2 B [\d.]+ ms/);
  });

  it('serves the JS handler from several workers at once', async () => {
    const s = await serve(polyglotComponent('http'), ['--workers', '2']);
    const bodies = await Promise.all(Array.from({ length: 8 }, (_, i) => fetch(`${s.url}/hello?name=w${i}`).then((r) => r.text())));
    expect(bodies).toEqual(Array.from({ length: 8 }, (_, i) => `hello, w${i}\n`));
    const echo = await fetch(`${s.url}/echo`, { method: 'POST', body: 'x'.repeat(1 << 20) });
    expect((await echo.text()).length).toBe(1 << 20);
    expect(await s.stop()).toBe(0);
  });
});
