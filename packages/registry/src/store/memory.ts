import { DigestVerifier, isDigest, once, readAll, toIterable } from '../digest.js';
import { RegistryError } from '../errors.js';
import { isManifestType, parseManifest } from '../media.js';
import type { Descriptor, Target } from './types.js';

/** A repository held in memory: for tests, staging, and as the model of the store contract. */
export class MemoryStore implements Target {
  private readonly blobs = new Map<string, { desc: Descriptor; bytes: Uint8Array }>();
  private readonly tagMap = new Map<string, Descriptor>();

  constructor(readonly name = 'memory') {}

  async fetch(desc: Descriptor): Promise<AsyncIterable<Uint8Array>> {
    const entry = this.blobs.get(desc.digest);
    if (!entry) {
      throw new RegistryError(isManifestType(desc.mediaType) ? 'manifest-unknown' : 'blob-unknown', `${desc.digest} is not in ${this.name}`);
    }
    return once(entry.bytes);
  }

  async push(desc: Descriptor, content: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    const v = new DigestVerifier(desc, this.name);
    const bytes = await readAll(toIterable(content), desc.size);
    v.update(bytes);
    v.finish();
    if (!this.blobs.has(desc.digest)) this.blobs.set(desc.digest, { desc: stripAnnotations(desc), bytes });
  }

  async exists(desc: Descriptor): Promise<boolean> {
    return this.blobs.has(desc.digest);
  }

  async resolve(reference: string): Promise<Descriptor> {
    if (isDigest(reference)) {
      const entry = this.blobs.get(reference);
      if (!entry) throw new RegistryError('manifest-unknown', `${reference} is not in ${this.name}`);
      return entry.desc;
    }
    const desc = this.tagMap.get(reference);
    if (!desc) throw new RegistryError('tag-unknown', `tag "${reference}" is not in ${this.name}`);
    return desc;
  }

  async tag(desc: Descriptor, tag: string): Promise<void> {
    if (!this.blobs.has(desc.digest)) {
      throw new RegistryError('manifest-unknown', `cannot tag ${desc.digest}: it is not in ${this.name}`);
    }
    this.tagMap.set(tag, stripAnnotations(desc));
  }

  async *tags(): AsyncIterable<string> {
    yield* [...this.tagMap.keys()].sort();
  }

  async referrers(desc: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    const out: Descriptor[] = [];
    for (const { desc: d, bytes } of this.blobs.values()) {
      if (!isManifestType(d.mediaType)) continue;
      const m = parseManifest(bytes, this.name);
      if (m.subject?.digest !== desc.digest) continue;
      const type = m.artifactType ?? ('config' in m ? m.config.mediaType : undefined);
      if (artifactType && type !== artifactType) continue;
      out.push({ mediaType: d.mediaType, digest: d.digest, size: d.size, ...(type ? { artifactType: type } : {}), ...(m.annotations ? { annotations: m.annotations } : {}) });
    }
    return out;
  }
}

function stripAnnotations(desc: Descriptor): Descriptor {
  return { mediaType: desc.mediaType, digest: desc.digest, size: desc.size, ...(desc.artifactType ? { artifactType: desc.artifactType } : {}) };
}
