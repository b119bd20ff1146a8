// A digest weld remembers from writing a file (a pull here; a build or a composition alike) is used to send the
// file without reading it first, and never to skip an upload unread: checked against a real docker-registry.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { pullComponent, pushComponent } from '../src/artifact.js';
import { sha256 } from '../src/digest.js';
import { fileDigest, rememberedFileDigest, rememberWrittenFile } from '../src/file-digest.js';
import { RegistryClient } from '../src/remote/client.js';
import { anonymous } from '../src/remote/credentials.js';
import { RemoteRepository } from '../src/remote/repository.js';
import { OciLayoutStore } from '../src/store/layout.js';
import { buildComponent } from './support/component.js';

let reg: TestRegistry;
let dir: string;
// Above the 32 MiB single-PUT limit: the layer goes up in a PATCH, as large components do.
const BIG = 34 * 1024 * 1024;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open', accessLog: true });
  dir = mkdtempSync(join(tmpdir(), 'weld-written-digest-'));
});
afterAll(async () => {
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const repo = (name: string) => new RemoteRepository(new RegistryClient(reg.host, { credentials: anonymous }), name);

describe('digests remembered from writing a file', () => {
  it('a pulled file is pushed on under the digest its pull checked', async () => {
    const cacheDir = join(dir, 'cache-pull');
    const source = join(dir, 'source.wasm');
    const bytes = buildComponent({ exports: ['demo:w/api'], padding: BIG });
    writeFileSync(source, bytes);
    await pushComponent(repo('written/origin'), { path: source }, { tag: 'v1', digestCache: false });

    const pulled = join(dir, 'pulled.wasm');
    await pullComponent(repo('written/origin'), 'v1', { output: pulled, digestCache: cacheDir });
    expect(await rememberedFileDigest(pulled, { cacheDir })).toMatchObject({ digest: sha256(bytes), size: bytes.length, source: 'written' });
    // not trusted where a file must be read (a publish gate's comparison): hashed
    expect((await fileDigest(pulled, { cacheDir })).source).toBe('hashed');

    const r = await pushComponent(repo('written/mirror'), { path: pulled }, { tag: 'v1', digestCache: cacheDir });
    expect(r.layer.digest).toBe(sha256(bytes));
    expect(r.uploaded.map((d) => d.digest)).toContain(sha256(bytes));
    expect(Buffer.from((await pullComponent(repo('written/mirror'), 'v1')).bytes!).equals(bytes)).toBe(true);
  });

  it('a stale written digest the registry lacks: the upload is refused by the registry and nothing is published', async () => {
    const cacheDir = join(dir, 'cache-stale');
    const file = join(dir, 'stale.wasm');
    const truth = buildComponent({ exports: ['demo:w/truth'], padding: BIG });
    writeFileSync(file, truth);
    // what a writer would have remembered had the file been rewritten, same size, within one clock tick
    const other = buildComponent({ exports: ['demo:w/other'], padding: BIG });
    await rememberWrittenFile(file, { digest: sha256(other), size: truth.length }, { cacheDir });

    const failed = pushComponent(repo('written/stale'), { path: file }, { tag: 'v1', digestCache: cacheDir });
    await expect(failed).rejects.toMatchObject({ code: 'digest-mismatch', message: expect.stringContaining('changed while it was being pushed') });
    await expect(repo('written/stale').resolve('v1')).rejects.toMatchObject({ code: 'tag-unknown' });
    // the refusal replaced the stale digest with the file's own: pushing again works
    const again = await pushComponent(repo('written/stale'), { path: file }, { tag: 'v1', digestCache: cacheDir });
    expect(again.layer.digest).toBe(sha256(truth));
  });

  it('the embedded store (an OCI layout) checks a written digest as it writes the blob', async () => {
    const cacheDir = join(dir, 'cache-layout');
    const file = join(dir, 'layout.wasm');
    const truth = buildComponent({ exports: ['demo:w/layout'] });
    writeFileSync(file, truth);
    await rememberWrittenFile(file, { digest: sha256(Buffer.from('something else')), size: truth.length }, { cacheDir });
    const store = new OciLayoutStore(join(dir, 'layout'));
    await expect(pushComponent(store, { path: file }, { tag: 'v1', digestCache: cacheDir })).rejects.toMatchObject({ message: expect.stringContaining('changed while it was being pushed') });
    await expect(store.resolve('v1')).rejects.toMatchObject({ code: expect.stringMatching(/^(tag|name)-unknown$/) }); // nothing written
    expect((await pushComponent(store, { path: file }, { tag: 'v1', digestCache: cacheDir })).layer.digest).toBe(sha256(truth));
  });

  it('a stale written digest the registry has: the file is read before anything is skipped', async () => {
    const cacheDir = join(dir, 'cache-present');
    const published = buildComponent({ exports: ['demo:w/aaaa'], padding: BIG });
    const publishedFile = join(dir, 'published.wasm');
    writeFileSync(publishedFile, published);
    await pushComponent(repo('written/present'), { path: publishedFile }, { tag: 'v1', digestCache: false });

    const file = join(dir, 'edited.wasm');
    const edited = buildComponent({ exports: ['demo:w/bbbb'], padding: BIG });
    expect(edited.length).toBe(published.length);
    writeFileSync(file, edited);
    await rememberWrittenFile(file, { digest: sha256(published), size: edited.length }, { cacheDir });

    const mark = (await reg.requests()).length;
    const r = await pushComponent(repo('written/present'), { path: file }, { tag: 'v2', digestCache: cacheDir });
    expect(r.layer.digest).toBe(sha256(edited));
    expect(r.uploaded.map((d) => d.digest)).toContain(sha256(edited));
    expect((await reg.requests()).slice(mark)).toContain(`HEAD /v2/written/present/blobs/${sha256(published)}`);
    expect(Buffer.from((await pullComponent(repo('written/present'), 'v2')).bytes!).equals(edited)).toBe(true);
  });
});
