// A blob weld pushed to (or pulled from) one repository of a registry is mounted, not uploaded, when it is pushed to
// another repository of the same registry: counted in a real docker-registry's access log.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { pullComponent, pushComponent } from '../src/artifact.js';
import { rememberBlobLocations, rememberedLocations } from '../src/blob-locations.js';
import { sha256 } from '../src/digest.js';
import { RegistryClient } from '../src/remote/client.js';
import { anonymous } from '../src/remote/credentials.js';
import { RemoteRepository } from '../src/remote/repository.js';
import { buildComponent } from './support/component.js';

let reg: TestRegistry;
let dir: string;
let file: string;
let bytes: Buffer;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open', accessLog: true });
  dir = mkdtempSync(join(tmpdir(), 'weld-blob-mount-'));
  bytes = buildComponent({ exports: ['demo:mount/api'], padding: 2 * 1024 * 1024 });
  file = join(dir, 'app.wasm');
  writeFileSync(file, bytes);
});
afterAll(async () => {
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const repo = (name: string) => new RemoteRepository(new RegistryClient(reg.host, { credentials: anonymous }), name);

/** Requests for repository `name` since `from`: mounts asked, and uploads that carried bytes or opened a session. */
async function traffic(from: number, name: string) {
  const all = (await reg.requests()).slice(from).filter((r) => r.includes(` /v2/${name}/`));
  return {
    mounts: all.filter((r) => /^POST .*\/blobs\/uploads\/\?.*mount=/.test(r)),
    sessions: all.filter((r) => /^POST .*\/blobs\/uploads\/(\?(?!.*mount=)|$)/.test(r)),
    writes: all.filter((r) => /^(PATCH|PUT) .*\/blobs\/uploads\//.test(r)),
  };
}

describe('mounting blobs seen in another repository of the registry', () => {
  it('a component pushed to dev is mounted into prod: no layer bytes sent', async () => {
    const blobLocations = join(dir, 'locations-push');
    await pushComponent(repo('mount/dev'), { path: file }, { tag: 'v1', digestCache: false, blobLocations });
    expect(await rememberedLocations(repo('mount/dev'), sha256(bytes), { cacheDir: blobLocations })).toEqual(['mount/dev']);

    const mark = (await reg.requests()).length;
    const r = await pushComponent(repo('mount/prod'), { path: file }, { tag: 'v1', digestCache: false, blobLocations });
    const t = await traffic(mark, 'mount/prod');
    expect(t.mounts).toEqual([expect.stringContaining(`mount=${encodeURIComponent(sha256(bytes))}`)]);
    // the layer is mounted; only the small config is uploaded (one PUT in one session)
    expect(t.writes).toHaveLength(1);
    expect(r.skipped.map((d) => d.digest)).toContain(sha256(bytes));
    expect(Buffer.from((await pullComponent(repo('mount/prod'), 'v1')).bytes!).equals(bytes)).toBe(true);
    expect(await rememberedLocations(repo('mount/prod'), sha256(bytes), { cacheDir: blobLocations })).toEqual(['mount/prod', 'mount/dev']);
  });

  it('a pull remembers where its blobs are, so pushing the pulled file elsewhere mounts it', async () => {
    const blobLocations = join(dir, 'locations-pull');
    const out = join(dir, 'pulled.wasm');
    await pullComponent(repo('mount/dev'), 'v1', { output: out, digestCache: false, blobLocations });
    const mark = (await reg.requests()).length;
    await pushComponent(repo('mount/qa'), { path: out }, { tag: 'v1', digestCache: false, blobLocations });
    expect((await traffic(mark, 'mount/qa')).mounts).toHaveLength(1);
  });

  it('a record the registry no longer honours costs one refused mount, then the upload, and is forgotten', async () => {
    const blobLocations = join(dir, 'locations-stale');
    const layer = { mediaType: 'application/wasm', digest: sha256(bytes), size: bytes.length };
    await rememberBlobLocations(repo('mount/nowhere'), [layer], { cacheDir: blobLocations });
    const mark = (await reg.requests()).length;
    const r = await pushComponent(repo('mount/fresh'), { path: file }, { tag: 'v1', digestCache: false, blobLocations });
    const t = await traffic(mark, 'mount/fresh');
    expect(t.mounts).toHaveLength(1);
    expect(r.uploaded.map((d) => d.digest)).toContain(sha256(bytes));
    expect(Buffer.from((await pullComponent(repo('mount/fresh'), 'v1')).bytes!).equals(bytes)).toBe(true);
    expect(await rememberedLocations(repo('mount/fresh'), sha256(bytes), { cacheDir: blobLocations })).toEqual(['mount/fresh']);
  });

  it('a loopback registry is remembered only when a place is given (its port is reused by throwaway registries)', async () => {
    const home = join(dir, 'home');
    const before = process.env.WELD_HOME;
    process.env.WELD_HOME = home;
    try {
      await pushComponent(repo('mount/default'), { path: file }, { tag: 'v1', digestCache: false });
      expect(existsSync(join(home, 'cache', 'blob-locations'))).toBe(false);
    } finally {
      if (before === undefined) delete process.env.WELD_HOME;
      else process.env.WELD_HOME = before;
    }
  });
});
