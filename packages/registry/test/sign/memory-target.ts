import { createHash } from 'node:crypto';
import type { Descriptor, Target } from '../../src/store/types.js';

const MANIFEST_TYPES = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json']);

/**
 * A minimal in-test repository implementing the store contract, with a `corrupt` back door that changes stored
 * bytes without changing their digest key — how tampering in a registry or on disk looks to a reader.
 */
export class TestTarget implements Target {
  readonly blobs = new Map<string, { desc: Descriptor; bytes: Buffer }>();
  readonly tagMap = new Map<string, Descriptor>();
  constructor(readonly name = 'test.local/demo/app') {}

  async fetch(desc: Descriptor): Promise<AsyncIterable<Uint8Array>> {
    const hit = this.blobs.get(desc.digest);
    if (!hit) throw Object.assign(new Error(`${desc.digest} not found`), { code: MANIFEST_TYPES.has(desc.mediaType) ? 'manifest-unknown' : 'blob-unknown' });
    const bytes = hit.bytes;
    return (async function* () {
      yield bytes;
    })();
  }

  async push(desc: Descriptor, content: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    const parts: Uint8Array[] = [];
    if (content instanceof Uint8Array) parts.push(content);
    else for await (const c of content) parts.push(c);
    const bytes = Buffer.concat(parts);
    const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
    if (digest !== desc.digest || bytes.length !== desc.size) throw Object.assign(new Error('digest mismatch'), { code: 'digest-mismatch' });
    this.blobs.set(desc.digest, { desc: { mediaType: desc.mediaType, digest: desc.digest, size: desc.size }, bytes });
  }

  async exists(desc: Descriptor): Promise<boolean> {
    return this.blobs.has(desc.digest);
  }

  async resolve(reference: string): Promise<Descriptor> {
    const d = reference.startsWith('sha256:') ? this.blobs.get(reference)?.desc : this.tagMap.get(reference);
    if (!d) throw Object.assign(new Error(`${reference} not found`), { code: reference.startsWith('sha256:') ? 'manifest-unknown' : 'tag-unknown' });
    return d;
  }

  async tag(desc: Descriptor, tag: string): Promise<void> {
    this.tagMap.set(tag, { mediaType: desc.mediaType, digest: desc.digest, size: desc.size });
  }

  async *tags(): AsyncIterable<string> {
    yield* [...this.tagMap.keys()].sort();
  }

  async referrers(desc: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    const out: Descriptor[] = [];
    for (const { desc: d, bytes } of this.blobs.values()) {
      if (!MANIFEST_TYPES.has(d.mediaType)) continue;
      let m: { subject?: Descriptor; artifactType?: string; config?: Descriptor; annotations?: Record<string, string> };
      try {
        m = JSON.parse(bytes.toString('utf8'));
      } catch {
        continue;
      }
      if (m.subject?.digest !== desc.digest) continue;
      const type = m.artifactType ?? m.config?.mediaType;
      if (artifactType && type !== artifactType) continue;
      out.push({ ...d, artifactType: type, annotations: m.annotations });
    }
    return out;
  }

  /** Replaces the bytes stored under `digest` (the digest key stays): tampering. */
  corrupt(digest: string, change: (bytes: Buffer) => Buffer): void {
    const hit = this.blobs.get(digest);
    if (!hit) throw new Error(`no blob ${digest}`);
    hit.bytes = change(Buffer.from(hit.bytes));
  }

  async read(digest: string): Promise<Buffer> {
    const hit = this.blobs.get(digest);
    if (!hit) throw new Error(`no blob ${digest}`);
    return hit.bytes;
  }
}

export function flipByte(bytes: Buffer, at = Math.floor(bytes.length / 2)): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] ^= 0x01;
  return copy;
}

function describe(mediaType: string, bytes: Buffer): Descriptor {
  return { mediaType, size: bytes.length, digest: 'sha256:' + createHash('sha256').update(bytes).digest('hex') };
}

/** Pushes a small wasm-artifact-shaped image and tags it; returns its manifest descriptor. */
export async function pushTestImage(target: Target, tag: string, wasm: Buffer = Buffer.from('0061736d0d000100', 'hex')): Promise<Descriptor> {
  const config = Buffer.from(JSON.stringify({ created: '2026-01-01T00:00:00Z', architecture: 'wasm', os: 'wasip2', layerDigests: [describe('application/wasm', wasm).digest] }));
  const configDesc = describe('application/vnd.wasm.config.v0+json', config);
  const layerDesc = { ...describe('application/wasm', wasm), annotations: { 'org.opencontainers.image.title': 'app.wasm' } };
  await target.push(configDesc, config);
  await target.push(layerDesc, wasm);
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: configDesc, layers: [layerDesc] }),
  );
  const desc = describe('application/vnd.oci.image.manifest.v1+json', manifest);
  await target.push(desc, manifest);
  await target.tag(desc, tag);
  return desc;
}
