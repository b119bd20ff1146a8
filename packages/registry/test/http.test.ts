import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { describe as describeBlob, readAll } from '../src/digest.js';
import { fileContent } from '../src/file-content.js';
import { MemoryStore, RegistryClient, RemoteRepository, anonymous, copy, fileDigest, pullComponent, pushComponent, staticCredentials } from '../src/index.js';
import { buildComponent } from './support/component.js';

let reg: TestRegistry;
beforeAll(async () => {
  reg = await startRegistry({ mode: 'open', accessLog: true });
});
afterAll(async () => {
  await reg?.stop();
});

describe('blob uploads on a real registry', () => {
  const MiB = 1024 * 1024;
  const upload = async (bytes: Uint8Array, streamed: boolean) => {
    const name = `uploads/r${randomBytes(3).toString('hex')}`;
    const repo = new RemoteRepository(new RegistryClient(reg.host, { credentials: anonymous }), name, {
      monolithicMaxBytes: MiB,
      chunkSize: MiB,
    });
    const desc = describeBlob('application/octet-stream', bytes);
    const source = streamed
      ? (async function* () {
          for (let i = 0; i < bytes.byteLength; i += 100_000) yield bytes.subarray(i, i + 100_000);
        })()
      : bytes;
    await repo.push(desc, source);
    // what the registry received for this repository, from its access log
    const sent = (await reg.requests()).filter((r) => r.includes(` /v2/${name}/`)).map((r) => r.split(' ')[0]).filter((m) => m !== 'HEAD' && m !== 'GET');
    const back = await readAll(await repo.fetch(desc));
    return { sent, identical: Buffer.from(back).equals(bytes) };
  };

  it('sends a small blob in one PUT', async () => {
    const r = await upload(randomBytes(200_000), true);
    expect(r.sent).toEqual(['POST', 'PUT']);
    expect(r.identical).toBe(true);
  });

  it('sends a large streamed blob in PATCH chunks of chunkSize, then a PUT with the digest', async () => {
    const r = await upload(randomBytes(2 * MiB + 12345), true);
    expect(r.sent).toEqual(['POST', 'PATCH', 'PATCH', 'PATCH', 'PUT']);
    expect(r.identical).toBe(true);
  });

  it('a streamed blob shorter than its descriptor fails and leaves no blob behind', async () => {
    const bytes = randomBytes(3 * MiB);
    const desc = describeBlob('application/octet-stream', bytes);
    const repo = new RemoteRepository(new RegistryClient(reg.host, { credentials: anonymous }), 'uploads/short', { monolithicMaxBytes: MiB, chunkSize: MiB });
    const err = await repo
      .push(desc, (async function* () {
        yield bytes.subarray(0, 2 * MiB);
      })())
      .catch((e) => e);
    expect(err.code).toBe('size-mismatch');
    expect(await repo.exists(desc)).toBe(false);
  });

  it('content that does not match its digest is refused by the registry and not stored', async () => {
    const bytes = randomBytes(2 * MiB);
    const desc = { ...describeBlob('application/octet-stream', bytes), digest: describeBlob('x', randomBytes(8)).digest };
    const repo = new RemoteRepository(new RegistryClient(reg.host, { credentials: anonymous }), 'uploads/wrong', { monolithicMaxBytes: MiB, chunkSize: MiB });
    const err = await repo
      .push(desc, (async function* () {
        yield bytes;
      })())
      .catch((e) => e);
    expect(err.code).toBe('digest-mismatch');
    expect(await repo.exists(desc)).toBe(false);
  });
});

describe('a file pushed from disk', () => {
  const MiB = 1024 * 1024;
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weld-file-upload-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const repoNamed = (name: string) => new RemoteRepository(new RegistryClient(reg.host, { credentials: anonymous }), name, { monolithicMaxBytes: MiB, chunkSize: MiB });
  const component = (file: string, padding: number) => {
    const bytes = buildComponent({ exports: [`demo:file/${padding}`], padding });
    writeFileSync(join(dir, file), bytes);
    return bytes;
  };

  it('goes up in byte ranges read from the file (PATCH chunks, then the PUT), intact, progress counting each byte once', async () => {
    const bytes = component('ranges.wasm', 2 * MiB + 12345);
    const name = `files/r${randomBytes(3).toString('hex')}`;
    const counted = new Map<string, number>();
    const pushed = await pushComponent(repoNamed(name), { path: join(dir, 'ranges.wasm') }, {
      tag: 'v1',
      digestCache: false,
      onEvent: (e) => void (e.type === 'bytes' && counted.set(e.desc.digest, (counted.get(e.desc.digest) ?? 0) + e.bytes)),
    });
    const sent = (await reg.requests()).filter((r) => r.includes(` /v2/${name}/blobs/uploads/`) && !r.includes(pushed.manifest.digest)).map((r) => r.split(' ')[0]);
    expect(sent.filter((m) => m === 'PATCH')).toHaveLength(3);
    expect(counted.get(pushed.layer.digest)).toBe(bytes.byteLength);
    const back = await pullComponent(repoNamed(name), 'v1');
    expect(Buffer.from(back.bytes!).equals(bytes)).toBe(true);
  });

  it('a file cut short after it was hashed fails as size-mismatch, naming the file, and stores nothing', async () => {
    const file = join(dir, 'shrinks.wasm');
    component('shrinks.wasm', 3 * MiB);
    const known = await fileDigest(file, { cacheDir: false });
    component('shrinks.wasm', 2 * MiB);
    const repo = repoNamed('files/shrinks');
    const err = await pushComponent(repo, { path: file, digest: known }, { tag: 'v1' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'size-mismatch', message: `${file} changed while it was being pushed` });
    expect(await repo.exists({ mediaType: 'application/wasm', digest: known.digest, size: known.size })).toBe(false);
  });

  it('a file gone by the time it is sent is no-such-file naming it, not a network error', async () => {
    const file = join(dir, 'removed.wasm');
    const bytes = component('removed.wasm', 2 * MiB);
    const desc = describeBlob('application/wasm', bytes);
    rmSync(file);
    const err = await repoNamed('files/removed').push(desc, fileContent(file, desc.size)).catch((e) => e);
    expect(err).toMatchObject({ code: 'no-such-file', message: `${file}: no such file` });
  });

  it('a file rewritten in place after it was hashed (same size): the registry refuses the digest, the error names the file', async () => {
    const file = join(dir, 'edited.wasm');
    const bytes = component('edited.wasm', 2 * MiB);
    const known = await fileDigest(file, { cacheDir: false });
    const edited = Buffer.from(bytes);
    edited[edited.length - 1] ^= 0xff;
    writeFileSync(file, edited);
    const repo = repoNamed('files/edited');
    const err = await pushComponent(repo, { path: file, digest: known }, { tag: 'v1' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'digest-mismatch', message: `${file} changed while it was being pushed` });
    expect(err.detail).toContain(known.digest);
    expect(err.cause).toMatchObject({ code: 'digest-mismatch' });
    expect(await repo.exists({ mediaType: 'application/wasm', digest: known.digest, size: known.size })).toBe(false);
  });

  it('a remembered digest gone stale (the file changed, its stat did not) is refused by the registry and forgotten', async () => {
    const file = join(dir, 'stale.wasm');
    const cacheDir = join(dir, 'digests');
    component('stale.wasm', 1536 * 1024);
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const first = await fileDigest(file, { cacheDir, now: () => Date.now() + 10_000 });
    // plant a wrong digest for this very stat, as a filesystem with coarse timestamps could leave behind
    const entry = readdirSync(cacheDir).find((f) => f.endsWith('.json'))!;
    const wrong = `sha256:${'e'.repeat(64)}`;
    writeFileSync(join(cacheDir, entry), readFileSync(join(cacheDir, entry), 'utf8').replace(first.digest, wrong));
    expect((await fileDigest(file, { cacheDir })).digest).toBe(wrong);
    const err = await pushComponent(repoNamed('files/stale'), { path: file }, { tag: 'v1', digestCache: cacheDir }).catch((e) => e);
    expect(err).toMatchObject({ code: 'digest-mismatch', message: `${file} changed while it was being pushed` });
    expect(await fileDigest(file, { cacheDir })).toMatchObject({ digest: first.digest });
  });
});

describe('failures a registry can answer with', () => {
  let server: Server;
  let host = '';
  let resets = 0;
  const referrerCalls: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '';
      const json = (status: number, code: string, message: string, extra: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...extra }).end(JSON.stringify({ errors: [{ code, message }] }));
      if (url === '/v2/' || url.startsWith('/v2/?')) return void res.writeHead(200).end('{}');
      if (url.startsWith('/v2/reset/')) {
        if (++resets <= 2) return void req.socket.destroy();
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"reset","tags":["ok"]}');
      }
      if (url.startsWith('/v2/stall/')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000' });
        return void res.write(Buffer.alloc(100));
      }
      if (url.startsWith('/v2/cut/')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000' });
        return void res.write(Buffer.alloc(100), () => setTimeout(() => req.socket.destroy(), 20));
      }
      if (url.startsWith('/v2/refs/app/referrers/')) {
        referrerCalls.push(url);
        const manifests = [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 500, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' },
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 600, artifactType: 'application/spdx+json' },
        ];
        return void res
          .writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' })
          .end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
      }
      if (url.startsWith('/v2/basic/')) {
        return void json(401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="test"' });
      }
      if (url.startsWith('/v2/forbidden/')) return void json(403, 'DENIED', 'requested access to the resource is denied');
      if (url.startsWith('/v2/nameless/')) return void json(404, 'NAME_UNKNOWN', 'repository name not known to registry');
      if (url.startsWith('/v2/nomanifest/')) return void json(404, 'MANIFEST_UNKNOWN', 'manifest unknown');
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  const repo = (name: string, creds = anonymous) => new RemoteRepository(new RegistryClient(host, { credentials: creds, backoffMs: 1, retries: 4 }), name);
  const tagsOf = async (r: RemoteRepository) => {
    const out: string[] = [];
    for await (const t of r.tags()) out.push(t);
    return out;
  };

  it('uses the referrers API when the registry has it (no tag-schema lookups), filtering by artifact type', async () => {
    const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 300 };
    const r = repo('refs/app');
    expect((await r.referrers(subject)).map((d) => d.artifactType)).toEqual(['application/vnd.dev.cosign.artifact.sig.v1+json', 'application/spdx+json']);
    expect((await r.referrers(subject, 'application/spdx+json')).map((d) => d.digest)).toEqual([`sha256:${'b'.repeat(64)}`]);
    expect(referrerCalls).toEqual([`/v2/refs/app/referrers/${subject.digest}`, `/v2/refs/app/referrers/${subject.digest}?artifactType=application%2Fspdx%2Bjson`]);
  });

  it('retries connection resets', async () => {
    expect(await tagsOf(repo('reset/app'))).toEqual(['ok']);
    expect(resets).toBe(3);
  });

  it('a blob download that stalls or is cut off mid-body is a typed error', async () => {
    const desc = { mediaType: 'application/wasm', digest: `sha256:${'1'.repeat(64)}`, size: 1000 };
    const stalled = new RemoteRepository(new RegistryClient(host, { credentials: anonymous, timeoutMs: 300 }), 'stall/app');
    await expect(readAll(await stalled.fetch(desc))).rejects.toMatchObject({ code: 'timeout' });
    await expect(readAll(await repo('cut/app').fetch(desc))).rejects.toMatchObject({ code: 'network-error' });
  });

  it('401 without credentials says to log in; with wrong ones it names their source', async () => {
    const none = await tagsOf(repo('basic/app')).catch((e) => e);
    expect(none).toMatchObject({ code: 'unauthorized', exit: 2 });
    expect(none.hint).toContain(`weld login ${host}`);
    const wrong = await tagsOf(repo('basic/app', staticCredentials({ username: 'weld', password: 'nope' }))).catch((e) => e);
    expect(wrong.code).toBe('unauthorized');
    expect(wrong.message).toContain('rejected the credentials');
  });

  it('403 DENIED, 404 NAME_UNKNOWN and 404 MANIFEST_UNKNOWN each get their own code', async () => {
    const denied = await tagsOf(repo('forbidden/app')).catch((e) => e);
    expect(denied).toMatchObject({ code: 'denied', status: 403 });
    expect(denied.detail).toContain('DENIED');
    await expect(tagsOf(repo('nameless/app'))).rejects.toMatchObject({ code: 'name-unknown', status: 404 });
    const fetchManifest = repo('nomanifest/app').fetch({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 10 });
    await expect(fetchManifest).rejects.toMatchObject({ code: 'manifest-unknown', status: 404 });
  });
});

describe('a streamed upload the registry fails half-way', () => {
  let proxy: Server;
  let proxyHost = '';
  let failNext = 0;
  /** Fail only requests of this method (the layer's PATCH, not the config's PUT that runs beside it). */
  let failOnly: string | undefined;
  const failed: string[] = [];
  beforeAll(async () => {
    // Forwards to the real registry, but answers 503 to the next `failNext` blob-data requests (after reading them).
    proxy = createServer((req, res) => {
      const carriesData = req.method === 'PATCH' || (req.method === 'PUT' && req.url?.includes('/blobs/uploads/') && req.headers['content-length'] !== '0');
      if (carriesData && failNext > 0 && (failOnly === undefined || req.method === failOnly)) {
        failNext--;
        failed.push(req.method!);
        req.resume();
        req.on('end', () => res.writeHead(503).end());
        return;
      }
      const [host, port] = reg.host.split(':');
      const up = httpRequest({ host, port: Number(port), method: req.method, path: req.url, headers: { ...req.headers, host: reg.host } }, (r) => {
        const headers = { ...r.headers };
        if (typeof headers.location === 'string') headers.location = headers.location.replace(reg.host, proxyHost);
        res.writeHead(r.statusCode ?? 502, headers);
        r.on('error', drop);
        r.pipe(res);
      });
      // The client may abandon a request mid-body (that is what these tests provoke); the proxy then drops
      // both sides instead of letting the upstream socket's hang-up escape as an unhandled error.
      const drop = () => {
        up.destroy();
        res.destroy();
      };
      up.on('error', drop);
      req.on('error', drop);
      res.on('error', drop);
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyHost = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
  });
  afterAll(() => {
    proxy.closeAllConnections();
    proxy.close();
  });
  const repo = (name: string) =>
    new RemoteRepository(new RegistryClient(proxyHost, { credentials: anonymous, backoffMs: 1 }), name, { monolithicMaxBytes: 256 * 1024, chunkSize: 512 * 1024 });

  it('pushComponent restarts the layer upload from the file and the artifact arrives intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weld-retry-'));
    try {
      const file = join(dir, 'big.wasm');
      const bytes = buildComponent({ exports: ['demo:retry/api'], padding: 17 * 1024 * 1024 });
      writeFileSync(file, bytes);
      failNext = 1;
      failOnly = 'PATCH';
      failed.length = 0;
      const pushed = await pushComponent(repo('retry/file'), { path: file }, { tag: 'v1', retry: { backoffMs: 1 } });
      failOnly = undefined;
      expect(failed).toEqual(['PATCH']);
      expect(pushed.uploaded.map((d) => d.digest)).toContain(pushed.layer.digest);
      const back = await pullComponent(repo('retry/file'), 'v1');
      expect(Buffer.from(back.bytes!).equals(bytes)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('copy refetches the blob and uploads it again; bytesCopied counts it once', async () => {
    const src = new MemoryStore();
    const bytes = buildComponent({ exports: ['demo:retry/copy'], padding: 1024 * 1024 });
    const pushed = await pushComponent(src, { bytes }, { tag: 'v1' });
    failNext = 2;
    failed.length = 0;
    const result = await copy(src, repo('retry/copy'), 'v1', { retry: { backoffMs: 1 } });
    expect(failed.length).toBe(2);
    expect(result.bytesCopied).toBe(result.copied.reduce((n, d) => n + d.size, 0));
    expect(result.copied.map((d) => d.digest)).toContain(pushed.layer.digest);
    const back = await pullComponent(repo('retry/copy'), 'v1');
    expect(Buffer.from(back.bytes!).equals(bytes)).toBe(true);
  });

  it('gives up after the attempts with the registry error', async () => {
    failNext = 10;
    const err = await pushComponent(repo('retry/never'), { bytes: buildComponent({ exports: ['demo:retry/no'], padding: 600 * 1024 }) }, { tag: 'v1', retry: { attempts: 2, backoffMs: 1 } }).catch((e) => e);
    failNext = 0;
    expect(err.code).toBe('registry-unavailable');
    await expect(repo('retry/never').resolve('v1')).rejects.toMatchObject({ code: expect.stringMatching(/tag-unknown|name-unknown/) });
  });
});

describe('a registry that answers an upload before reading its body', () => {
  // A bare socket server (Node's http server would drain the rest of the body for us): it starts the upload
  // session, then answers the PATCH with 413 as soon as its headers arrive and reads nothing more, leaving the
  // connection open. The client must stop sending and report the 413, not wait for the socket to go idle.
  let server: NetServer;
  let host = '';
  beforeAll(async () => {
    server = createNetServer((socket) => {
      let head = '';
      const onData = (d: Buffer) => {
        head += d.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [method] = head.split(' ');
        head = '';
        if (method === 'POST') {
          socket.write(`HTTP/1.1 202 Accepted\r\nlocation: /v2/big/app/blobs/uploads/1\r\ncontent-length: 0\r\n\r\n`);
          return;
        }
        if (method === 'DELETE') {
          // the client cancels the refused upload; this connection stays usable for the next test's requests
          socket.write(`HTTP/1.1 204 No Content\r\n\r\n`);
          return;
        }
        socket.off('data', onData);
        socket.pause();
        const body = JSON.stringify({ errors: [{ code: 'SIZE_INVALID', message: 'too large' }] });
        socket.write(`HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      };
      socket.on('data', onData);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => server.close());

  it('stops sending a big streamed body and reports the status', async () => {
    const size = 64 * 1024 * 1024; // far more than the socket buffers hold, so the client would block writing
    const piece = Buffer.alloc(1024 * 1024);
    const source = (async function* () {
      for (let sent = 0; sent < size; sent += piece.byteLength) yield piece;
    })();
    const repo = new RemoteRepository(new RegistryClient(host, { credentials: anonymous, timeoutMs: 30_000 }), 'big/app', { monolithicMaxBytes: 1024 });
    const started = Date.now();
    const err = await repo.push({ mediaType: 'application/octet-stream', digest: `sha256:${'2'.repeat(64)}`, size }, source).catch((e) => e);
    expect(err).toMatchObject({ code: 'registry-error', status: 413 });
    expect(err.detail).toContain('SIZE_INVALID');
    expect(Date.now() - started).toBeLessThan(10_000); // not the 30 s idle timeout
  });

  it('stops sending a big file the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weld-413-'));
    try {
      const size = 64 * 1024 * 1024;
      const file = join(dir, 'big.bin');
      writeFileSync(file, Buffer.alloc(size));
      const repo = new RemoteRepository(new RegistryClient(host, { credentials: anonymous, timeoutMs: 30_000 }), 'big/app', { monolithicMaxBytes: 1024 });
      const started = Date.now();
      const err = await repo.push({ mediaType: 'application/octet-stream', digest: `sha256:${'2'.repeat(64)}`, size }, fileContent(file, size)).catch((e) => e);
      expect(err).toMatchObject({ code: 'registry-error', status: 413 });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
