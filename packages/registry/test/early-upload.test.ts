// A large file nothing remembers, pushed to a repository that holds nothing yet, starts its upload while it is
// hashed (no lookup there could find it); everywhere else the digest comes first. Checked against a real
// docker-registry's access log and the content it serves back, not against our own result objects alone.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, DEFAULT_USER, type TestRegistry } from '../../../test/helpers/registry.js';
import { pullComponent, pushComponent } from '../src/artifact.js';
import type { CopyEvent } from '../src/copy.js';
import { sha256 } from '../src/digest.js';
import { fileContent, withFileProgress } from '../src/file-content.js';
import { RegistryClient } from '../src/remote/client.js';
import { anonymous, staticCredentials } from '../src/remote/credentials.js';
import { RemoteRepository } from '../src/remote/repository.js';
import type { Descriptor, Target } from '../src/store/types.js';
import { bigPushFixture } from './support/big-push.js';
import { buildComponent } from './support/component.js';

const fx = bigPushFixture('weld-early-', 'demo:early/api');
const repo = (name: string) => fx.repo(name);

/** The repository's calls in order, as pushComponent makes them (which blob a lookup was for, when the early upload began). */
function recording(target: RemoteRepository, layerSize: number): { target: Target; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(target, {
    get(t, key, receiver) {
      const value = Reflect.get(t, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const first = args[0] as Descriptor | undefined;
        const what = key === 'exists' || key === 'push' ? `${String(key)} ${first?.size === layerSize ? 'layer' : first?.mediaType}` : String(key);
        calls.push(what);
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
  return { target: proxy, calls };
}

const requestsSince = (from: number) => fx.requestsSince(from);

/**
 * Upload data the registry still keeps for a repository (`_uploads/<id>/data`): a stopped upload must leave none.
 * (docker-registry 2.8 itself leaves a ~100-byte `hashstates/` stub of any cancelled upload: it saves the hash state
 * when it closes the upload, after the cancel removed its folder.)
 */
function uploadDataLeft(repository: string): string[] {
  const dir = join(fx.reg.storageDir, 'docker/registry/v2/repositories', repository, '_uploads');
  return existsSync(dir) ? readdirSync(dir).filter((id) => existsSync(join(dir, id, 'data'))) : [];
}

const sessions = (requests: string[]) => requests.filter((r) => /^POST \/v2\/.+\/blobs\/uploads\/(\?|$)/.test(r)).length;

describe('a large file never seen, to a repository that holds nothing', () => {
  it('starts the upload before the digest is known, then looks the digest up, then closes the upload with it', async () => {
    const { target, calls } = recording(repo('early/fresh'), fx.big.byteLength);
    const events: CopyEvent[] = [];
    const mark = (await fx.reg.requests()).length;
    const pushed = await pushComponent(target, { path: fx.file }, { tag: 'v1', digestCache: false, blobLocations: false, onEvent: (e) => events.push(e) });
    expect(pushed.layer).toMatchObject({ digest: sha256(fx.big), size: fx.big.byteLength });
    expect(pushed.uploaded.map((d) => d.digest)).toContain(pushed.layer.digest);
    // the repository's emptiness first, the upload, and only then the lookup the digest allows
    expect(calls.indexOf('mayHoldBlobs')).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf('uploadBeforeDigest')).toBeGreaterThan(calls.indexOf('mayHoldBlobs'));
    expect(calls.indexOf('exists layer')).toBeGreaterThan(calls.indexOf('uploadBeforeDigest'));
    expect(calls).not.toContain('push layer');

    const requests = await requestsSince(mark);
    expect(requests).toContain('GET /v2/early/fresh/tags/list?n=1');
    expect(sessions(requests)).toBe(2); // layer and config, as when hashing first
    expect(requests.filter((r) => r.startsWith('DELETE '))).toEqual([]);
    expect(requests.filter((r) => r.startsWith('PUT /v2/early/fresh/blobs/uploads/') && r.includes(`digest=${encodeURIComponent(pushed.layer.digest)}`))).toHaveLength(1);

    // progress: one start, every byte once, one done, for the layer under its digest
    const layerEvents = events.filter((e) => e.desc.digest === pushed.layer.digest);
    expect(layerEvents.filter((e) => e.type === 'start')).toHaveLength(1);
    expect(layerEvents.filter((e) => e.type === 'bytes').reduce((n, e) => n + (e.type === 'bytes' ? e.bytes : 0), 0)).toBe(fx.big.byteLength);
    expect(layerEvents.at(-1)?.type).toBe('done');

    const out = join(fx.dir, 'pulled.wasm');
    await pullComponent(repo('early/fresh'), 'v1', { output: out, digestCache: false, blobLocations: false });
    expect(readFileSync(out).equals(fx.big)).toBe(true);
  });

  it('a repository with tags gets the digest first: the same file again, nothing remembered, opens no session', async () => {
    const { target, calls } = recording(repo('early/fresh'), fx.big.byteLength);
    const mark = (await fx.reg.requests()).length;
    const again = await pushComponent(target, { path: fx.file }, { tag: 'v2', digestCache: false, blobLocations: false });
    expect(again.uploaded).toEqual([]);
    expect(calls).not.toContain('uploadBeforeDigest');
    const requests = await requestsSince(mark);
    expect(sessions(requests)).toBe(0);
    expect(requests.filter((r) => /^(PATCH|PUT) \/v2\/.+\/blobs\/uploads\//.test(r))).toEqual([]);
  });

  it('a blob the repository holds untagged is found by the lookup: the early upload is stopped and its session deleted', async () => {
    // stored by digest only: the registry lists no tag, so the push starts early, then finds the layer
    const first = await pushComponent(repo('early/untagged'), { path: fx.file }, { digestCache: false, blobLocations: false });
    const mark = (await fx.reg.requests()).length;
    const again = await pushComponent(repo('early/untagged'), { path: fx.file }, { tag: 'v1', digestCache: false, blobLocations: false });
    expect(again.skipped.map((d) => d.digest)).toContain(first.layer.digest);
    expect(again.uploaded.map((d) => d.digest)).not.toContain(first.layer.digest);
    const requests = await requestsSince(mark);
    expect(requests).toContain(`HEAD /v2/early/untagged/blobs/${first.layer.digest}`);
    const opened = requests.filter((r) => /^POST \/v2\/early\/untagged\/blobs\/uploads\/$/.test(r));
    const deleted = requests.filter((r) => r.startsWith('DELETE /v2/early/untagged/blobs/uploads/'));
    expect({ opened: opened.length, deleted: deleted.length }).toEqual({ opened: 1, deleted: 1 });
    expect(requests.filter((r) => r.startsWith('PUT /v2/early/untagged/blobs/uploads/'))).toEqual([]);
    expect(uploadDataLeft('early/untagged')).toEqual([]); // the DELETE took: the registry keeps no partial upload
    expect((await repo('early/untagged').resolve('v1')).digest).toBe(first.manifest.digest);
  });

  it('a lookup that fails after the hash stops the early upload: the push fails, nothing else is sent, no session is left', async () => {
    const inner = repo('early/lookup-fails');
    let sent = 0;
    const failing = new Proxy(inner, {
      get(t, key, receiver) {
        const value = Reflect.get(t, key, receiver) as unknown;
        if (key === 'exists') return async (d: Descriptor) => (d.size === fx.big.byteLength ? Promise.reject(Object.assign(new Error('denied'), { code: 'denied' })) : inner.exists(d));
        if (key === 'uploadBeforeDigest') {
          return (content: ReturnType<typeof fileContent>, size: number, digest: Promise<string>, stop: AbortSignal) =>
            inner.uploadBeforeDigest(withFileProgress(content, (n) => (sent += n)), size, digest, stop);
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
    await expect(pushComponent(failing, { path: fx.file }, { tag: 'v1', digestCache: false, blobLocations: false })).rejects.toMatchObject({ code: 'denied' });
    expect(sent).toBeLessThan(fx.big.byteLength);
    expect(uploadDataLeft('early/lookup-fails')).toEqual([]);
    await expect(inner.resolve('v1')).rejects.toMatchObject({ code: expect.stringMatching(/unknown/) });
  });

  it('below 32 MiB, or pushing by digest, the digest comes first', async () => {
    const small = buildComponent({ exports: ['demo:early/api'], padding: 2 * 1024 * 1024 });
    const smallFile = join(fx.dir, 'small.wasm');
    writeFileSync(smallFile, small);
    const a = recording(repo('early/small'), small.byteLength);
    await pushComponent(a.target, { path: smallFile }, { tag: 'v1', digestCache: false, blobLocations: false });
    expect(a.calls).not.toContain('mayHoldBlobs');
    expect(a.calls).toContain('exists layer');

    const b = recording(repo('early/bydigest'), fx.big.byteLength);
    await expect(pushComponent(b.target, { path: fx.file }, { digestCache: false, blobLocations: false, manifestDigest: `sha256:${'0'.repeat(64)}` })).rejects.toMatchObject({ code: 'invalid-reference' });
    expect(b.calls).not.toContain('uploadBeforeDigest');
  });
});

describe('RemoteRepository.uploadBeforeDigest', () => {
  it('a digest that never comes stops the transfer, deletes the session and throws that reason; nothing is stored', async () => {
    const r = repo('early/cancelled');
    const mark = (await fx.reg.requests()).length;
    const reason = new Error('hash failed');
    let refuse!: (e: unknown) => void;
    const digest = new Promise<string>((_, reject) => (refuse = reject));
    let sent = 0;
    const upload = r.uploadBeforeDigest(
      fileContent(fx.file, fx.big.byteLength, (n) => {
        sent += n;
        if (sent >= 4 << 20) refuse(reason); // mid-transfer
      }),
      fx.big.byteLength,
      digest,
      new AbortController().signal,
    );
    await expect(upload).rejects.toBe(reason);
    expect(sent).toBeLessThan(fx.big.byteLength);
    const requests = await requestsSince(mark);
    expect(requests.filter((x) => x.startsWith('DELETE /v2/early/cancelled/blobs/uploads/'))).toHaveLength(1);
    expect(await r.exists({ mediaType: 'application/wasm', digest: sha256(fx.big), size: fx.big.byteLength })).toBe(false);
    expect(uploadDataLeft('early/cancelled')).toEqual([]);
  });

  it('stopped after its digest was named, while its bytes still go, it ends there and leaves no session', async () => {
    const r = repo('early/stopped');
    const stop = new AbortController();
    const reason = new Error('the push failed elsewhere');
    let sent = 0;
    const upload = r.uploadBeforeDigest(
      fileContent(fx.file, fx.big.byteLength, (n) => {
        sent += n;
        if (sent >= 4 << 20) stop.abort(reason);
      }),
      fx.big.byteLength,
      Promise.resolve(sha256(fx.big)),
      stop.signal,
    );
    await expect(upload).rejects.toBe(reason);
    expect(sent).toBeLessThan(fx.big.byteLength);
    expect(uploadDataLeft('early/stopped')).toEqual([]);
    expect(await r.exists({ mediaType: 'application/wasm', digest: sha256(fx.big), size: fx.big.byteLength })).toBe(false);
  });

  it('a digest that is not the bytes sent is refused by the registry as digest-mismatch', async () => {
    const r = repo('early/wrong');
    const wrong = sha256(Buffer.from('something else'));
    await expect(r.uploadBeforeDigest(fileContent(fx.file, fx.big.byteLength), fx.big.byteLength, Promise.resolve(wrong), new AbortController().signal)).rejects.toMatchObject({ code: 'digest-mismatch' });
    expect(await r.exists({ mediaType: 'application/wasm', digest: wrong, size: fx.big.byteLength })).toBe(false);
  });

  it('mayHoldBlobs: false for an unknown repository, true once it has a tag', async () => {
    expect(await repo('early/nothing-here').mayHoldBlobs()).toBe(false);
    expect(await repo('early/fresh').mayHoldBlobs()).toBe(true);
  });
});

describe('mayHoldBlobs against what registries answer for a tag list', () => {
  // each answer a registry might give; only "unknown repository" and "no tags" mean nothing is stored there
  const answers: [string, number, string, boolean][] = [
    ['404 NAME_UNKNOWN', 404, '{"errors":[{"code":"NAME_UNKNOWN"}]}', false],
    ['tags: null', 200, '{"name":"r","tags":null}', false],
    ['tags: []', 200, '{"name":"r","tags":[]}', false],
    ['a tag', 200, '{"name":"r","tags":["v1"]}', true],
    ['no tags field', 200, '{"name":"r"}', true],
    ['not JSON', 200, '<html>', true],
    ['403 DENIED', 403, '{"errors":[{"code":"DENIED"}]}', true],
    ['500', 500, 'boom', true],
  ];
  let server: Server;
  let host: string;
  let answer: [number, string] = [200, '{}'];
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/v2/' ? 200 : answer[0], { 'content-type': 'application/json' }).end(req.url === '/v2/' ? '{}' : answer[1]);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  for (const [name, status, body, mayHold] of answers) {
    it(`${name}: ${mayHold ? 'may hold blobs (the digest comes first)' : 'holds nothing (the upload may start early)'}`, async () => {
      answer = [status, body];
      const r = new RemoteRepository(new RegistryClient(host, { credentials: anonymous, retries: 1 }), 'r');
      expect(await r.mayHoldBlobs()).toBe(mayHold);
    });
  }
});

describe('behind bearer tokens', () => {
  let tokenReg: TestRegistry;
  beforeAll(async () => {
    tokenReg = await startRegistry({ mode: 'token' });
  });
  afterAll(async () => {
    await tokenReg?.stop();
  });

  it('the emptiness check and the early upload use the push tokens; the pushed bytes come back', async () => {
    const creds = staticCredentials(DEFAULT_USER);
    const r = new RemoteRepository(new RegistryClient(tokenReg.host, { credentials: creds }), 'early/token');
    const { target, calls } = recording(r, fx.big.byteLength);
    const pushed = await pushComponent(target, { path: fx.file }, { tag: 'v1', digestCache: false, blobLocations: false });
    expect(calls).toContain('uploadBeforeDigest');
    const out = join(fx.dir, 'pulled-token.wasm');
    await pullComponent(new RemoteRepository(new RegistryClient(tokenReg.host, { credentials: creds }), 'early/token'), 'v1', { output: out, digestCache: false, blobLocations: false });
    expect(readFileSync(out).equals(fx.big)).toBe(true);
    expect(pushed.layer.digest).toBe(sha256(fx.big));
  });
});
