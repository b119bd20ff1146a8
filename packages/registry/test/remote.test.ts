import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, DEFAULT_USER, type TestRegistry } from '../../../test/helpers/registry.js';
import { pullComponent, pushComponent } from '../src/artifact.js';
import { copy } from '../src/copy.js';
import { describe as describeContent, readAll, sha256 } from '../src/digest.js';
import { RegistryError } from '../src/errors.js';
import { MediaType, encodeJson } from '../src/media.js';
import { openTarget } from '../src/open.js';
import { RegistryClient } from '../src/remote/client.js';
import { anonymous, defaultCredentials, staticCredentials } from '../src/remote/credentials.js';
import { RemoteRepository } from '../src/remote/repository.js';
import { OciLayoutStore } from '../src/store/layout.js';
import { login, logout } from '../src/login.js';
import { buildComponent } from './support/component.js';

const run = promisify(execFile);
let open: TestRegistry;
let basic: TestRegistry;
let token: TestRegistry;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'weld-remote-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  [open, basic, token] = await Promise.all([
    startRegistry({ mode: 'open' }),
    startRegistry({ mode: 'htpasswd' }),
    startRegistry({
      mode: 'token',
      users: [
        DEFAULT_USER,
        { username: 'reader', password: 'read-only', grant: (_repo, requested) => requested.filter((a) => a === 'pull') },
        { username: 'ci', password: 'unused', identityToken: 'refresh-token-123' },
      ],
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([open, basic, token].filter(Boolean).map((r) => r.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function repo(reg: TestRegistry, name: string, creds = staticCredentials(DEFAULT_USER), extra: ConstructorParameters<typeof RemoteRepository>[2] = {}) {
  return new RemoteRepository(new RegistryClient(reg.host, { credentials: creds, backoffMs: 5 }), name, extra);
}

const component = buildComponent({ imports: ['wasi:cli/stdout@0.2.0', 'wasi:io/streams@0.2.0'], exports: ['demo:app/run@0.1.0'], metadata: { description: 'a demo', licenses: 'Apache-2.0' } });

describe('wasm artifacts on a real registry', () => {
  it('pushes a component in wkg format and pulls it back byte-identically', async () => {
    const target = repo(open, 'demo/app');
    const pushed = await pushComponent(target, { bytes: component }, { tag: 'v1', title: 'app.wasm', annotations: { 'org.example.team': 'platform' }, created: '2026-01-01T00:00:00Z' });
    expect(pushed.config).toEqual({
      created: '2026-01-01T00:00:00Z',
      author: null,
      architecture: 'wasm',
      os: 'wasip2',
      layerDigests: [sha256(component)],
      component: { exports: ['demo:app/run@0.1.0'], imports: ['wasi:cli/stdout@0.2.0', 'wasi:io/streams@0.2.0'], target: null },
    });
    const pulled = await pullComponent(repo(open, 'demo/app'), 'v1');
    expect(Buffer.from(pulled.bytes!).equals(component)).toBe(true);
    expect(pulled.manifest.annotations).toMatchObject({
      'org.opencontainers.image.description': 'a demo',
      'org.opencontainers.image.licenses': 'Apache-2.0',
      'org.example.team': 'platform',
    });
    expect(pulled.manifest.layers[0]).toMatchObject({ mediaType: 'application/wasm', annotations: { 'org.opencontainers.image.title': 'app.wasm' } });
    expect(pulled.manifest.mediaType).toBe(MediaType.ociManifest);

    const { stdout } = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${open.host}/demo/app:v1`]);
    expect(sha256(Buffer.from(stdout))).toBe(pushed.manifest.digest);
  });

  it('re-pushing unchanged content uploads nothing', async () => {
    const target = repo(open, 'demo/again');
    const opts = { tag: 'v1', created: '2026-01-01T00:00:00Z' };
    const first = await pushComponent(target, { bytes: component }, opts);
    expect(first.uploaded.length).toBe(3);
    const second = await pushComponent(repo(open, 'demo/again'), { bytes: component }, opts);
    expect(second.uploaded).toEqual([]);
    expect(second.manifest.digest).toBe(first.manifest.digest);
  });

  it('lists tags across pages by following the Link header', async () => {
    const first = await pushComponent(repo(open, 'demo/paged'), { bytes: component }, { tag: 't0' });
    const target = repo(open, 'demo/paged', undefined, { tagPageSize: 2 });
    for (const t of ['t1', 't2', 't3', 't4']) await target.tag(first.manifest, t);
    const seen: string[] = [];
    for await (const t of target.tags()) seen.push(t);
    expect(seen.sort()).toEqual(['t0', 't1', 't2', 't3', 't4']);
  });

  it('moves artifacts with skopeo between the registry and our OCI layout, both ways', async () => {
    const dir = tmp();
    const pushed = await pushComponent(repo(open, 'demo/skopeo'), { bytes: component }, { tag: 'v1', created: '2026-01-01T00:00:00Z' });
    await run('skopeo', ['copy', '--src-tls-verify=false', `docker://${open.host}/demo/skopeo:v1`, `oci:${join(dir, 'from-registry')}:v1`]);
    const fromSkopeo = await pullComponent(new OciLayoutStore(join(dir, 'from-registry')), 'v1');
    expect(Buffer.from(fromSkopeo.bytes!).equals(component)).toBe(true);
    expect(fromSkopeo.manifestDesc.digest).toBe(pushed.manifest.digest);

    const ours = new OciLayoutStore(join(dir, 'ours'));
    const local = await pushComponent(ours, { bytes: component }, { tag: 'v2', created: '2026-02-02T00:00:00Z' });
    await run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${join(dir, 'ours')}:v2`, `docker://${open.host}/demo/skopeo:v2`]);
    const back = await pullComponent(repo(open, 'demo/skopeo'), 'v2');
    expect(back.manifestDesc.digest).toBe(local.manifest.digest);
    expect(Buffer.from(back.bytes!).equals(component)).toBe(true);
  });

  it('pushes big files (hashed first, streamed up in chunks) to a registry and a layout; re-push uploads nothing', async () => {
    const dir = tmp();
    const big = buildComponent({ exports: ['demo:big/api'], padding: 20 * 1024 * 1024 });
    const file = join(dir, 'big.wasm');
    writeFileSync(file, big);
    for (const make of [() => repo(open, 'demo/onepass', undefined, { chunkSize: 8 * 1024 * 1024 }), () => new OciLayoutStore(join(dir, 'layout'))]) {
      const first = await pushComponent(make(), { path: file }, { tag: 'v1' });
      expect(first.layer.digest).toBe(sha256(big));
      expect(first.uploaded.map((d) => d.digest)).toContain(sha256(big));
      const again = await pushComponent(make(), { path: file }, { tag: 'v1' });
      expect(again.uploaded).toEqual([]);
      expect(again.manifest.digest).toBe(first.manifest.digest);
      expect(Buffer.from((await pullComponent(make(), 'v1')).bytes!).equals(big)).toBe(true);
    }
    expect(readdirSync(join(dir, 'layout', 'ingest'))).toEqual([]);
  });

  it('keeps 10 concurrent pushes to one repository intact', async () => {
    const comps = Array.from({ length: 10 }, (_, i) => buildComponent({ exports: [`demo:app/n${i}`], padding: 200_000 + i }));
    const results = await Promise.all(comps.map((c, i) => pushComponent(repo(open, 'demo/concurrent'), { bytes: c }, { tag: `t${i}` })));
    const target = repo(open, 'demo/concurrent');
    for (let i = 0; i < 10; i++) {
      const pulled = await pullComponent(target, `t${i}`);
      expect(pulled.manifestDesc.digest).toBe(results[i].manifest.digest);
      expect(Buffer.from(pulled.bytes!).equals(comps[i])).toBe(true);
    }
    const tags: string[] = [];
    for await (const t of repo(open, 'demo/concurrent', undefined, { tagPageSize: 3 }).tags()) tags.push(t);
    expect(tags.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `t${i}`).sort());
  });

  it('an upload broken off mid-way leaves no tag, and the rerun completes', async () => {
    const dir = tmp();
    const big = buildComponent({ padding: 3 * 1024 * 1024 });
    const file = join(dir, 'big.wasm');
    writeFileSync(file, big);
    const target = repo(open, 'demo/interrupted', undefined, { monolithicMaxBytes: 1024 * 1024, chunkSize: 512 * 1024 });
    let seen = 0;
    await expect(
      pushComponent(target, { path: file }, {
        tag: 'v1',
        onEvent: (e) => {
          if (e.type === 'bytes' && e.desc.size > 1_000_000 && (seen += e.bytes) > 1_500_000) throw new Error('simulated kill');
        },
      }),
    ).rejects.toThrow('simulated kill');
    await expect(target.resolve('v1')).rejects.toMatchObject({ code: 'tag-unknown' });
    const again = await pushComponent(repo(open, 'demo/interrupted'), { path: file }, { tag: 'v1' });
    const pulled = await pullComponent(repo(open, 'demo/interrupted'), 'v1');
    expect(pulled.manifestDesc.digest).toBe(again.manifest.digest);
    expect(Buffer.from(pulled.bytes!).equals(big)).toBe(true);
  });

  it('detects a corrupted blob on pull and leaves no output file', async () => {
    const dir = tmp();
    const c = buildComponent({ exports: ['demo:app/corrupt'], padding: 50_000 });
    const pushed = await pushComponent(repo(open, 'demo/corrupt'), { bytes: c }, { tag: 'v1' });
    const path = open.blobPath(pushed.layer.digest);
    const bytes = readFileSync(path);
    bytes[bytes.length - 10] ^= 0x55;
    writeFileSync(path, bytes);
    const out = join(dir, 'out.wasm');
    const err = await pullComponent(repo(open, 'demo/corrupt'), 'v1', { output: out }).catch((e) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.code).toBe('digest-mismatch');
    expect(err.exit).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('detects a corrupted blob when copying into a layout and stores nothing', async () => {
    const dir = tmp();
    const c = buildComponent({ exports: ['demo:app/corrupt-copy'], padding: 60_000 });
    const pushed = await pushComponent(repo(open, 'demo/corrupt-copy'), { bytes: c }, { tag: 'v1' });
    const path = open.blobPath(pushed.layer.digest);
    const bytes = readFileSync(path);
    bytes[20_000] ^= 0x01;
    writeFileSync(path, bytes);
    const layout = new OciLayoutStore(join(dir, 'l'));
    await expect(copy(repo(open, 'demo/corrupt-copy'), layout, 'v1')).rejects.toMatchObject({ code: 'digest-mismatch' });
    expect(await layout.exists(pushed.layer)).toBe(false);
    expect(readdirSync(join(dir, 'l', 'ingest'))).toEqual([]);
    await expect(layout.resolve('v1')).rejects.toBeInstanceOf(RegistryError);
  });

  it('reads the legacy layer types wash and wasm-to-oci wrote', async () => {
    const target = repo(open, 'legacy/actor');
    const layer = describeContent('application/vnd.module.wasm.content.layer.v1+wasm', component);
    const configBytes = encodeJson({});
    const config = describeContent('application/vnd.wasmcloud.actor.archive.config', configBytes);
    const manifestBytes = encodeJson({ schemaVersion: 2, config, layers: [layer] });
    const manifest = describeContent(MediaType.ociManifest, manifestBytes);
    await target.push(layer, component);
    await target.push(config, configBytes);
    await target.push(manifest, manifestBytes);
    await target.tag(manifest, '0.1.0');
    const pulled = await pullComponent(repo(open, 'legacy/actor'), '0.1.0');
    expect(Buffer.from(pulled.bytes!).equals(component)).toBe(true);
    const bad = repo(open, 'legacy/notwasm');
    const tarLayer = describeContent('application/vnd.oci.image.layer.v1.tar', Buffer.from('x'));
    const m2 = encodeJson({ schemaVersion: 2, config, layers: [tarLayer] });
    await bad.push(tarLayer, Buffer.from('x'));
    await bad.push(config, configBytes);
    await bad.push(describeContent(MediaType.ociManifest, m2), m2);
    await bad.tag(describeContent(MediaType.ociManifest, m2), 'v1');
    await expect(pullComponent(bad, 'v1')).rejects.toMatchObject({ code: 'not-a-wasm-artifact' });
  });
});

describe('copy', () => {
  it('mounts blobs across repositories of one registry and skips what exists', async () => {
    await pushComponent(repo(open, 'copy/src'), { bytes: component }, { tag: 'v1' });
    const first = await copy(repo(open, 'copy/src'), repo(open, 'copy/dst'), 'v1');
    expect(first.skipped.filter((d) => d.mediaType !== MediaType.ociManifest).length).toBe(2);
    const events: string[] = [];
    const second = await copy(repo(open, 'copy/src'), repo(open, 'copy/dst'), 'v1', { onEvent: (e) => events.push(e.type) });
    expect(second.copied).toEqual([]);
    expect(events).toEqual(['skip']);
    const pulled = await pullComponent(repo(open, 'copy/dst'), 'v1');
    expect(Buffer.from(pulled.bytes!).equals(component)).toBe(true);
  });

  it('round-trips registry → oci-archive → registry', async () => {
    const dir = tmp();
    await pushComponent(repo(open, 'archive/src'), { bytes: component }, { tag: 'v1' });
    const archive = await openTarget(`oci-archive:${join(dir, 'app.tar')}:v1`);
    await copy(repo(open, 'archive/src'), archive.target, 'v1');
    await archive.close();
    const reopened = await openTarget(`oci-archive:${join(dir, 'app.tar')}:v1`);
    await copy(reopened.target, repo(open, 'archive/back'), 'v1', { tag: 'restored' });
    await reopened.close();
    const pulled = await pullComponent(repo(open, 'archive/back'), 'restored');
    expect(Buffer.from(pulled.bytes!).equals(component)).toBe(true);
    const { stdout } = await run('skopeo', ['inspect', '--raw', `oci-archive:${join(dir, 'app.tar')}:v1`]);
    expect(JSON.parse(stdout).layers[0].mediaType).toBe('application/wasm');
    // And an archive skopeo wrote reads back here.
    await run('skopeo', ['copy', '--src-tls-verify=false', `docker://${open.host}/archive/src:v1`, `oci-archive:${join(dir, 'skopeo.tar')}:v9`]);
    const skopeoArchive = await openTarget(`oci-archive:${join(dir, 'skopeo.tar')}:v9`);
    try {
      expect(Buffer.from((await pullComponent(skopeoArchive.target, skopeoArchive.selector)).bytes!).equals(component)).toBe(true);
    } finally {
      await skopeoArchive.close();
    }
  });

  it('copies referrers along with their subject when asked', async () => {
    const src = repo(open, 'refs/src');
    const pushed = await pushComponent(src, { bytes: component }, { tag: 'v1' });
    const sig = await pushComponent(src, { bytes: buildComponent({ exports: ['sig:x/y'] }) }, { subject: { mediaType: MediaType.ociManifest, digest: pushed.manifest.digest, size: pushed.manifest.size } });
    const dst = repo(open, 'refs/dst');
    await copy(src, dst, 'v1', { referrers: true });
    const refs = await dst.referrers(pushed.manifest);
    expect(refs.map((r) => r.digest)).toEqual([sig.manifest.digest]);
  });
});

describe('authentication', () => {
  it('basic auth: right password works, wrong password is a clear error', async () => {
    const pushed = await pushComponent(repo(basic, 'auth/app'), { bytes: component }, { tag: 'v1' });
    expect(pushed.manifest.digest).toMatch(/^sha256:/);
    const wrong = await pushComponent(repo(basic, 'auth/app', staticCredentials({ username: 'weld', password: 'nope', source: 'WELD_REGISTRY_USER/WELD_REGISTRY_PASSWORD' })), { bytes: component }, { tag: 'v2' }).catch((e) => e);
    expect(wrong).toBeInstanceOf(RegistryError);
    expect(wrong.code).toBe('unauthorized');
    expect(wrong.message).toContain('rejected the credentials from WELD_REGISTRY_USER/WELD_REGISTRY_PASSWORD');
    const anon = await repo(basic, 'auth/app', anonymous).resolve('v1').catch((e) => e);
    expect(anon.code).toBe('unauthorized');
    expect(anon.hint).toContain(`weld login ${basic.host}`);
  });

  it('token auth: caches tokens per scope, refuses pushes outside the grant, names a bad password', async () => {
    const before = token.tokenRequests();
    const target = repo(token, 'tok/app');
    await pushComponent(target, { bytes: component }, { tag: 'v1' });
    await pullComponent(target, 'v1');
    expect(token.tokenRequests() - before).toBeLessThanOrEqual(2);
    const reader = repo(token, 'tok/app', staticCredentials({ username: 'reader', password: 'read-only' }));
    expect(Buffer.from((await pullComponent(reader, 'v1')).bytes!).equals(component)).toBe(true);
    const denied = await pushComponent(reader, { bytes: buildComponent({ exports: ['x:y/z'] }) }, { tag: 'v2' }).catch((e) => e);
    expect(denied).toBeInstanceOf(RegistryError);
    expect(['unauthorized', 'denied']).toContain(denied.code);
    const bad = await repo(token, 'tok/app', staticCredentials({ username: 'weld', password: 'wrong', source: 'docker config' })).resolve('v1').catch((e) => e);
    expect(bad.code).toBe('unauthorized');
    expect(bad.message).toContain('rejected the credentials from docker config');
  });

  it('a file push settles its tokens while the file is hashed: pull and push scopes, fetched once each', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'app.wasm'), buildComponent({ exports: ['demo:prep/app'], padding: 2 * 1024 * 1024 }));
    const target = repo(token, 'prep/app');
    const before = token.tokenRequests();
    await target.prepare('push');
    expect(token.tokenRequests() - before).toBe(2);
    await target.prepare('push'); // settled: nothing more
    const pushed = await pushComponent(target, { path: join(dir, 'app.wasm') }, { tag: 'v1', digestCache: false });
    expect(pushed.uploaded).toHaveLength(3);
    expect(token.tokenRequests() - before).toBe(2);
    // a fresh client: pushComponent prepares it itself, with the same two token requests
    const again = token.tokenRequests();
    await pushComponent(repo(token, 'prep/other'), { path: join(dir, 'app.wasm') }, { tag: 'v1', digestCache: false });
    expect(token.tokenRequests() - again).toBe(2);
  });

  it('prepare never throws: an unreachable registry or refused credentials are left to the requests that follow', async () => {
    await expect(new RemoteRepository(new RegistryClient('127.0.0.1:1', { credentials: anonymous }), 'x/y').prepare('push')).resolves.toBeUndefined();
    const bad = repo(token, 'prep/app', staticCredentials({ username: 'weld', password: 'wrong' }));
    await expect(bad.prepare('push')).resolves.toBeUndefined();
    expect((await bad.resolve('v1').catch((e) => e)).code).toBe('unauthorized');
  });

  it('uses an identity (refresh) token from the Docker config for the token flow', async () => {
    const home = tmp();
    writeFileSync(join(home, 'config.json'), JSON.stringify({ auths: { [token.host]: { identitytoken: 'refresh-token-123' } } }));
    const creds = defaultCredentials({ DOCKER_CONFIG: home });
    await pushComponent(repo(token, 'idtok/app', creds), { bytes: component }, { tag: 'v1' });
    expect(Buffer.from((await pullComponent(repo(token, 'idtok/app', creds), 'v1')).bytes!).equals(component)).toBe(true);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ auths: { [token.host]: { identitytoken: 'revoked' } } }));
    const err = await repo(token, 'idtok/app', defaultCredentials({ DOCKER_CONFIG: home })).resolve('v1').catch((e) => e);
    expect(err).toMatchObject({ code: 'unauthorized' });
    expect(err.message).toContain(join(home, 'config.json'));
  });

  it('reads Docker config auths and credential helpers; login/logout write the config', async () => {
    const home = tmp();
    const env = { DOCKER_CONFIG: home, PATH: `${home}:${process.env.PATH}` };
    await login(basic.host, { username: DEFAULT_USER.username, password: DEFAULT_USER.password, env });
    const cfg = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    expect(cfg.auths[basic.host].auth).toBe(Buffer.from('weld:weld-secret').toString('base64'));
    await pushComponent(repo(basic, 'cfg/app', defaultCredentials(env)), { bytes: component }, { tag: 'v1' });
    await expect(login(basic.host, { username: 'weld', password: 'bad', env })).rejects.toMatchObject({ code: 'unauthorized' });
    expect(await logout(basic.host, { env })).toBe(true);
    expect(JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')).auths[basic.host]).toBeUndefined();

    const helper = join(home, 'docker-credential-weldtest');
    writeFileSync(helper, `#!/bin/sh\nif [ "$1" = get ]; then read url; echo '{"ServerURL":"'$url'","Username":"weld","Secret":"weld-secret"}'; else cat >/dev/null; fi\n`);
    chmodSync(helper, 0o755);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ credHelpers: { [token.host]: 'weldtest' } }));
    await pushComponent(repo(token, 'helper/app', defaultCredentials(env)), { bytes: component }, { tag: 'v1' });
    writeFileSync(join(home, 'config.json'), JSON.stringify({ credsStore: 'weldtest' }));
    expect((await repo(basic, 'cfg/app', defaultCredentials(env)).resolve('v1')).digest).toMatch(/^sha256:/);
    const envCreds = defaultCredentials({ ...env, WELD_REGISTRY_USER: 'u', WELD_REGISTRY_PASSWORD: 'p' });
    expect(await envCreds(basic.host)).toMatchObject({ username: 'u', password: 'p' });
  });
});

describe('http behaviour', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  let mode: 'flaky' | 'slow' | 'ratelimit' = 'flaky';
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      if (mode === 'slow') return; // never answers
      if (mode === 'ratelimit' && hits < 3) return void res.writeHead(429, { 'retry-after': '0' }).end();
      if (mode === 'flaky' && hits < 3) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"tags":["a"]}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('retries 503 and 429 with backoff', async () => {
    for (const m of ['flaky', 'ratelimit'] as const) {
      mode = m;
      hits = 0;
      const tags: string[] = [];
      for await (const t of new RemoteRepository(new RegistryClient(`127.0.0.1:${port}`, { backoffMs: 1, credentials: anonymous }), 'x').tags()) tags.push(t);
      expect(tags).toEqual(['a']);
      expect(hits).toBe(3);
    }
  });

  it('gives up after the timeout with a typed error', async () => {
    mode = 'slow';
    const err = await new RemoteRepository(new RegistryClient(`127.0.0.1:${port}`, { timeoutMs: 200, retries: 1, credentials: anonymous }), 'x').resolve('v1').catch((e) => e);
    expect(err).toMatchObject({ code: 'timeout' });
  });

  it('names an unreachable registry', async () => {
    const err = await new RemoteRepository(new RegistryClient('127.0.0.1:1', { retries: 1, credentials: anonymous }), 'x').resolve('v1').catch((e) => e);
    expect(err).toMatchObject({ code: 'network-error' });
    expect(err.hint).toContain('registry is running');
  });

  it('maps 404s to name-unknown / tag-unknown', async () => {
    const target = repo(open, 'never/pushed');
    await expect(target.resolve('v1')).rejects.toMatchObject({ code: 'tag-unknown' });
    const tags = (async () => {
      for await (const _ of target.tags()) void _;
    })();
    await expect(tags).rejects.toMatchObject({ code: 'name-unknown' });
  });
});

void readAll;
