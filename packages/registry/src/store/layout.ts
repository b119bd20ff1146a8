import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DigestVerifier, isDigest, isVerifiedStream, parseDigest, readAll, toIterable, verifying } from '../digest.js';
import { RegistryError } from '../errors.js';
import { atomicWriteFile, atomicWriteStream, fileSize, tempName, withFileLock } from '../fsutil.js';
import { MediaType, encodeJson, isManifestType, parseManifest } from '../media.js';
import type { Descriptor, Target } from './types.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

interface LayoutIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface OciLayoutOptions {
  /**
   * Several repositories sharing one layout (the embedded store): tags are stored as `namespace:tag` in
   * `org.opencontainers.image.ref.name`, so blobs are shared and tags stay apart.
   */
  namespace?: string;
  /** Display name for messages. */
  name?: string;
}

/**
 * An OCI image layout directory (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`). Blobs are written to
 * `ingest/` and renamed into place only after their digest checks out; `index.json` is replaced atomically
 * under a lock file, so concurrent writers in other processes don't lose each other's tags.
 */
export class OciLayoutStore implements Target {
  readonly name: string;
  private readonly namespace?: string;

  constructor(
    readonly root: string,
    options: OciLayoutOptions = {},
  ) {
    this.namespace = options.namespace;
    this.name = options.name ?? `oci:${root}`;
  }

  blobPath(digest: string): string {
    const { algorithm, hex } = parseDigest(digest);
    return join(this.root, 'blobs', algorithm, hex);
  }

  async fetch(desc: Descriptor): Promise<AsyncIterable<Uint8Array>> {
    const path = this.blobPath(desc.digest);
    const size = await fileSize(path);
    if (size === undefined) {
      throw new RegistryError(isManifestType(desc.mediaType) ? 'manifest-unknown' : 'blob-unknown', `${desc.digest} is not in ${this.name}`);
    }
    return verifying(desc, createReadStream(path, { highWaterMark: 1 << 20 }), this.name);
  }

  async push(desc: Descriptor, content: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    const path = this.blobPath(desc.digest);
    if ((await fileSize(path)) === desc.size) {
      // Already present; consume nothing. Callers that stream from a network source check `exists` first.
      return;
    }
    // A stream that verifies itself (fetched from another store) throws before it ends on bad content;
    // hashing it a second time here would only cost CPU.
    const preVerified = isVerifiedStream(content, desc.digest);
    const v = new DigestVerifier(desc, `the content pushed to ${this.name}`);
    let seen = 0;
    async function* counted() {
      for await (const chunk of toIterable(content)) {
        if (preVerified) seen += chunk.byteLength;
        else v.update(chunk);
        yield chunk;
      }
    }
    const check = () => {
      if (!preVerified) return v.finish();
      if (seen !== desc.size) throw new RegistryError('size-mismatch', `content pushed to ${this.name} has ${seen} bytes, expected ${desc.size}`);
    };
    await atomicWriteStream(path, tempName(join(this.root, 'ingest'), parseDigest(desc.digest).hex), counted(), check);
    await this.ensureLayoutFiles();
    if (isManifestType(desc.mediaType)) await this.recordReferrer(desc);
  }

  async exists(desc: Descriptor): Promise<boolean> {
    return (await fileSize(this.blobPath(desc.digest))) === desc.size;
  }

  async resolve(reference: string): Promise<Descriptor> {
    if (isDigest(reference)) {
      const path = this.blobPath(reference);
      const size = await fileSize(path);
      if (size === undefined) throw new RegistryError('manifest-unknown', `${reference} is not in ${this.name}`);
      if (size > MAX_MANIFEST_BYTES) throw new RegistryError('invalid-manifest', `${reference} in ${this.name} is too large to be a manifest`);
      const bytes = await readFile(path);
      const m = parseManifest(bytes, this.name);
      const mediaType = m.mediaType ?? ('manifests' in m ? MediaType.ociIndex : MediaType.ociManifest);
      const desc: Descriptor = { mediaType, digest: reference, size };
      const v = new DigestVerifier(desc, this.name);
      v.update(bytes);
      v.finish();
      return desc;
    }
    const index = await this.readIndex();
    const refName = this.refName(reference);
    const found = index.manifests.find((d) => d.annotations?.[REF_NAME_ANNOTATION] === refName);
    if (!found) {
      throw new RegistryError('tag-unknown', `tag "${reference}" is not in ${this.name}`, {
        hint: this.namespace ? `list tags with: weld ls ${this.namespace}` : undefined,
      });
    }
    return { mediaType: found.mediaType, digest: found.digest, size: found.size, ...(found.artifactType ? { artifactType: found.artifactType } : {}) };
  }

  async tag(desc: Descriptor, tag: string): Promise<void> {
    if (!(await this.exists(desc))) {
      throw new RegistryError('manifest-unknown', `cannot tag ${desc.digest}: it is not in ${this.name}`);
    }
    const refName = this.refName(tag);
    await this.updateIndex((index) => {
      const kept = index.manifests.filter((d) => d.annotations?.[REF_NAME_ANNOTATION] !== refName);
      // An untagged entry for the same manifest (recorded as a referrer) becomes redundant once it is tagged.
      const withoutUntagged = kept.filter((d) => !(d.digest === desc.digest && !d.annotations?.[REF_NAME_ANNOTATION]));
      const entry: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
      if (desc.artifactType) entry.artifactType = desc.artifactType;
      entry.annotations = { [REF_NAME_ANNOTATION]: refName };
      return { ...index, manifests: [...withoutUntagged, entry] };
    });
  }

  async *tags(): AsyncIterable<string> {
    const index = await this.readIndex().catch((e) => {
      if (e instanceof RegistryError && e.code === 'name-unknown') return { manifests: [] as Descriptor[] };
      throw e;
    });
    const names: string[] = [];
    for (const d of index.manifests) {
      const ref = d.annotations?.[REF_NAME_ANNOTATION];
      if (ref === undefined) continue;
      if (this.namespace === undefined) names.push(ref);
      else if (ref.startsWith(this.namespace + ':')) names.push(ref.slice(this.namespace.length + 1));
    }
    yield* [...new Set(names)].sort();
  }

  async referrers(desc: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    let index: LayoutIndex;
    try {
      index = await this.readIndex();
    } catch (e) {
      if (e instanceof RegistryError && e.code === 'name-unknown') return [];
      throw e;
    }
    const out = new Map<string, Descriptor>();
    for (const d of index.manifests) {
      if (out.has(d.digest) || !isManifestType(d.mediaType)) continue;
      const bytes = await readFile(this.blobPath(d.digest)).catch(() => undefined);
      if (!bytes || bytes.byteLength > MAX_MANIFEST_BYTES) continue;
      const m = parseManifest(bytes, this.name);
      if (m.subject?.digest !== desc.digest) continue;
      const type = m.artifactType ?? ('config' in m ? m.config.mediaType : undefined);
      if (artifactType && type !== artifactType) continue;
      out.set(d.digest, { mediaType: d.mediaType, digest: d.digest, size: d.size, ...(type ? { artifactType: type } : {}), ...(m.annotations ? { annotations: m.annotations } : {}) });
    }
    return [...out.values()];
  }

  private refName(tag: string): string {
    return this.namespace === undefined ? tag : `${this.namespace}:${tag}`;
  }

  /** Manifests with a `subject` go into index.json untagged so they stay reachable and `referrers` finds them. */
  private async recordReferrer(desc: Descriptor): Promise<void> {
    if (desc.size > MAX_MANIFEST_BYTES) return;
    const m = parseManifest(await readAll(await this.fetch(desc)), this.name);
    if (!m.subject) return;
    await this.updateIndex((index) =>
      index.manifests.some((d) => d.digest === desc.digest)
        ? index
        : { ...index, manifests: [...index.manifests, { mediaType: desc.mediaType, digest: desc.digest, size: desc.size }] },
    );
  }

  private async readIndex(): Promise<LayoutIndex> {
    let text: string;
    try {
      text = await readFile(join(this.root, 'index.json'), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        const isDir = await stat(this.root).then((s) => s.isDirectory(), () => false);
        if (this.namespace !== undefined) {
          throw new RegistryError('name-unknown', `repository "${this.namespace}" is not in the embedded store (${this.root} is empty)`, { hint: 'push something first: weld push app.wasm ' + this.namespace + ':v1', cause: e });
        }
        throw new RegistryError('name-unknown', isDir ? `${this.root} is not an OCI image layout (no index.json)` : `${this.name} does not exist`, { cause: e });
      }
      throw e;
    }
    try {
      const index = JSON.parse(text) as LayoutIndex;
      if (!Array.isArray(index.manifests)) throw new Error('index.json has no manifests array');
      return index;
    } catch (e) {
      throw new RegistryError('layout-invalid', `${join(this.root, 'index.json')} is not a valid OCI index`, { cause: e });
    }
  }

  private async ensureLayoutFiles(): Promise<void> {
    if ((await fileSize(join(this.root, 'oci-layout'))) === undefined) {
      await atomicWriteFile(join(this.root, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    }
    if ((await fileSize(join(this.root, 'index.json'))) === undefined) {
      await withFileLock(join(this.root, 'index.json.lock'), async () => {
        if ((await fileSize(join(this.root, 'index.json'))) !== undefined) return;
        await atomicWriteFile(join(this.root, 'index.json'), encodeJson({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }));
      });
    }
  }

  private async updateIndex(change: (index: LayoutIndex) => LayoutIndex): Promise<void> {
    await this.ensureLayoutFiles();
    await withFileLock(join(this.root, 'index.json.lock'), async () => {
      const before = await this.readIndex();
      const after = change(before);
      if (after === before) return;
      await atomicWriteFile(join(this.root, 'index.json'), encodeJson({ ...after, mediaType: after.mediaType ?? MediaType.ociIndex }));
    });
  }
}

/** Repositories (and their tags) held in a shared layout such as the embedded store (`repo:tag` ref names). */
export async function listLayoutRepositories(root: string): Promise<{ repository: string; tags: string[] }[]> {
  let index: LayoutIndex;
  try {
    index = JSON.parse(await readFile(join(root, 'index.json'), 'utf8')) as LayoutIndex;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new RegistryError('layout-invalid', `${join(root, 'index.json')} is not a valid OCI index`, { cause: e });
  }
  const repos = new Map<string, Set<string>>();
  for (const d of index.manifests ?? []) {
    const ref = d.annotations?.[REF_NAME_ANNOTATION];
    const colon = ref?.lastIndexOf(':') ?? -1;
    if (!ref || colon <= 0) continue;
    const repo = ref.slice(0, colon);
    if (!repos.has(repo)) repos.set(repo, new Set());
    repos.get(repo)!.add(ref.slice(colon + 1));
  }
  return [...repos.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([repository, tags]) => ({ repository, tags: [...tags].sort() }));
}
