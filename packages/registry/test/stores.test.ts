import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { readAll, sha256 } from '../src/digest.js';
import { RegistryError } from '../src/errors.js';
import { MediaType } from '../src/media.js';
import { RegistryClient } from '../src/remote/client.js';
import { RemoteRepository } from '../src/remote/repository.js';
import { MemoryStore } from '../src/store/memory.js';
import { OciLayoutStore } from '../src/store/layout.js';
import type { Target } from '../src/store/types.js';
import { buildArtifact, pushArtifact } from './support/artifact.js';

let registry: TestRegistry;
const dirs: string[] = [];
beforeAll(async () => {
  registry = await startRegistry({ mode: 'open' });
});
afterAll(async () => {
  await registry?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'weld-store-'));
  dirs.push(d);
  return d;
}

let repoCounter = 0;
const stores: [string, () => Target][] = [
  ['memory', () => new MemoryStore()],
  ['oci layout', () => new OciLayoutStore(join(tempDir(), 'layout'))],
  ['embedded (namespaced layout)', () => new OciLayoutStore(tempDir(), { namespace: 'team/app' })],
  ['remote registry', () => new RemoteRepository(new RegistryClient(registry.host), `contract/repo${++repoCounter}`, { monolithicMaxBytes: 4096, chunkSize: 3000 })],
];

describe.each(stores)('%s store contract', (_name, make) => {
  it('round-trips blobs and manifests byte-identically and resolves tags', async () => {
    const t = make();
    const a = buildArtifact(10_000);
    expect(await t.exists(a.layer)).toBe(false);
    await pushArtifact(t, a, 'v1');
    expect(await t.exists(a.layer)).toBe(true);
    expect(Buffer.from(await readAll(await t.fetch(a.layer))).equals(Buffer.from(a.layerBytes))).toBe(true);
    expect(Buffer.from(await readAll(await t.fetch(a.manifest))).equals(Buffer.from(a.manifestBytes))).toBe(true);
    const resolved = await t.resolve('v1');
    expect(resolved).toMatchObject({ digest: a.manifest.digest, size: a.manifest.size, mediaType: MediaType.ociManifest });
    expect((await t.resolve(a.manifest.digest)).digest).toBe(a.manifest.digest);
  });

  it('moves tags and lists them sorted', async () => {
    const t = make();
    const a = buildArtifact(100);
    const b = buildArtifact(100);
    await pushArtifact(t, a, 'v1');
    await pushArtifact(t, b, 'v2');
    await t.tag(b.manifest, 'v1');
    expect((await t.resolve('v1')).digest).toBe(b.manifest.digest);
    const tags: string[] = [];
    for await (const tag of t.tags()) tags.push(tag);
    expect(tags.sort()).toEqual(['v1', 'v2']);
  });

  it('refuses content that does not match its descriptor and keeps nothing', async () => {
    const t = make();
    const good = Buffer.from('hello world');
    const desc = { mediaType: 'application/octet-stream', digest: sha256(Buffer.from('other')), size: good.length };
    await expect(t.push(desc, good)).rejects.toMatchObject({ code: 'digest-mismatch' });
    expect(await t.exists(desc)).toBe(false);
    const short = { mediaType: 'application/octet-stream', digest: sha256(good), size: good.length + 5 };
    await expect(t.push(short, good)).rejects.toBeInstanceOf(RegistryError);
    expect(await t.exists(short)).toBe(false);
  });

  it('names unknown tags and manifests with typed errors', async () => {
    const t = make();
    await pushArtifact(t, buildArtifact(10), 'present');
    await expect(t.resolve('missing')).rejects.toMatchObject({ code: 'tag-unknown' });
    await expect(t.resolve(sha256(Buffer.from('nope')))).rejects.toMatchObject({ code: 'manifest-unknown' });
  });

  it('lists referrers of a subject, filtered by artifact type', async () => {
    const t = make();
    const subject = buildArtifact(50);
    await pushArtifact(t, subject, 'app');
    const sig = buildArtifact(20, subject.manifest, 'application/vnd.dev.cosign.artifact.sig.v1+json');
    const sbom = buildArtifact(20, subject.manifest, 'application/spdx+json');
    await pushArtifact(t, sig);
    await pushArtifact(t, sbom);
    const all = await t.referrers(subject.manifest);
    expect(all.map((d) => d.digest).sort()).toEqual([sig.manifest.digest, sbom.manifest.digest].sort());
    const sigs = await t.referrers(subject.manifest, 'application/vnd.dev.cosign.artifact.sig.v1+json');
    expect(sigs).toHaveLength(1);
    expect(sigs[0]).toMatchObject({ digest: sig.manifest.digest, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' });
    expect(await t.referrers(sig.manifest)).toEqual([]);
  });
});

describe('oci layout on disk', () => {
  it('writes oci-layout, index.json with ref names, and nothing partial', async () => {
    const root = join(tempDir(), 'l');
    const t = new OciLayoutStore(root);
    const a = buildArtifact(2000);
    await pushArtifact(t, a, 'v1');
    expect(JSON.parse(readFileSync(join(root, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8'));
    expect(index.manifests).toEqual([{ ...a.manifest, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }]);
    const bad = { ...a.layer, digest: sha256(Buffer.from('x')) };
    await expect(t.push(bad, a.layerBytes)).rejects.toMatchObject({ code: 'digest-mismatch' });
    expect(readdirSync(join(root, 'ingest'))).toEqual([]);
    expect(readdirSync(join(root, 'blobs', 'sha256')).sort()).toEqual([a.layer, a.config, a.manifest].map((d) => d.digest.slice(7)).sort());
  });

  it('detects a corrupted blob while streaming it out', async () => {
    const root = tempDir();
    const t = new OciLayoutStore(root);
    const a = buildArtifact(5000);
    await pushArtifact(t, a, 'v1');
    const { writeFileSync } = await import('node:fs');
    const corrupted = Buffer.from(a.layerBytes);
    corrupted[100] ^= 0xff;
    writeFileSync(t.blobPath(a.layer.digest), corrupted);
    await expect(readAll(await t.fetch(a.layer))).rejects.toMatchObject({ code: 'digest-mismatch', exit: 1 });
  });

  it('keeps every tag under concurrent writers', async () => {
    const root = tempDir();
    const arts = Array.from({ length: 10 }, () => buildArtifact(300));
    await Promise.all(arts.map((a, i) => pushArtifact(new OciLayoutStore(root), a, `t${i}`)));
    const t = new OciLayoutStore(root);
    for (let i = 0; i < 10; i++) expect((await t.resolve(`t${i}`)).digest).toBe(arts[i].manifest.digest);
  });
});

describe('copy between stores', () => {
  it('copies an index with its children, children first, and skips what the destination has', async () => {
    const { copy } = await import('../src/copy.js');
    const { describe: describeContent } = await import('../src/digest.js');
    const { encodeJson } = await import('../src/media.js');
    const src = new MemoryStore();
    const a = buildArtifact(3000);
    const b = buildArtifact(4000);
    await pushArtifact(src, a);
    await pushArtifact(src, b);
    const indexBytes = encodeJson({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ ...a.manifest, platform: { architecture: 'wasm', os: 'wasip2' } }, b.manifest] });
    const index = describeContent(MediaType.ociIndex, indexBytes);
    await src.push(index, indexBytes);
    await src.tag(index, 'multi');

    const dst = new OciLayoutStore(join(tempDir(), 'dst'));
    const order: string[] = [];
    const first = await copy(src, dst, 'multi', { onEvent: (e) => e.type === 'done' && order.push(e.desc.digest) });
    expect(first.copied).toHaveLength(7);
    expect(order.indexOf(index.digest)).toBe(6);
    expect(order.indexOf(a.manifest.digest)).toBeGreaterThan(order.indexOf(a.layer.digest));
    expect((await dst.resolve('multi')).digest).toBe(index.digest);
    const again = await copy(src, dst, 'multi', { tag: 'multi2' });
    expect(again.copied).toEqual([]);
    expect((await dst.resolve('multi2')).digest).toBe(index.digest);
  });
});
