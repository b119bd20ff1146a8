import { DigestVerifier, describe, isDigest, readAll, toIterable, verifying } from '../digest.js';
import { RegistryError } from '../errors.js';
import { MANIFEST_MEDIA_TYPES, MediaType, encodeJson, isManifestType, parseManifest, type ImageIndex } from '../media.js';
import type { Descriptor, EarlyUploader, Preparer, Target } from '../store/types.js';
import { fileRange, isFileContent, type FileContent } from '../file-content.js';
import { ChunkReader } from './chunks.js';
import { RegistryClient, header, type RegistryResponse } from './client.js';

export interface RepositoryOptions {
  /** Blobs up to this size go up in one PUT; larger ones in PATCH chunks of `chunkSize`. Default 32 MiB. */
  monolithicMaxBytes?: number;
  /**
   * PATCH chunk size for large blobs, for a registry that limits request bodies. Default: the whole blob in one
   * PATCH, as docker and skopeo send it (every PATCH costs the registry a request and a hash-state save: 200 MB in
   * 32 MiB chunks measured ~20% slower than in 128 MiB ones, and 128 MiB ~3% slower than one). Memory does not
   * depend on it: chunks stream.
   */
  chunkSize?: number;
  /** Tag page size for `tags()`. Default 1000. */
  tagPageSize?: number;
}

const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The tag under which registries without the referrers API keep a subject's referrers index (`sha256-<hex>`). */
export function referrersTagFor(digest: string): string {
  return digest.replace(':', '-');
}

/** One repository on a remote registry speaking the OCI distribution API. */
export class RemoteRepository implements Target, Preparer, EarlyUploader {
  readonly name: string;
  private readonly monolithicMax: number;
  private readonly chunkSize: number;
  private readonly pageSize: number;
  /** Manifests pushed or fetched in this session, so tagging needs no extra GET. */
  private readonly manifestCache = new Map<string, Uint8Array>();
  /** Remembered once the registry answered the referrers endpoint with 404. */
  private referrersApi?: boolean;

  constructor(
    readonly client: RegistryClient,
    readonly repository: string,
    options: RepositoryOptions = {},
  ) {
    this.name = `${client.registry}/${repository}`;
    this.monolithicMax = options.monolithicMaxBytes ?? 32 * 1024 * 1024;
    this.chunkSize = options.chunkSize ?? Number.POSITIVE_INFINITY;
    this.pageSize = options.tagPageSize ?? 1000;
  }

  private scopes(push = false): string[] {
    return [`repository:${this.repository}:${push ? 'pull,push' : 'pull'}`];
  }

  private path(kind: 'manifests' | 'blobs' | 'tags/list' | 'referrers' | 'blobs/uploads/', ref = ''): string {
    return `/v2/${this.repository}/${kind}${ref ? (kind.endsWith('/') ? '' : '/') + ref : ''}`;
  }

  /** Connection and tokens for this repository, settled ahead of a push or pull (see `RegistryClient.prepare`). */
  prepare(intent: 'pull' | 'push'): Promise<void> {
    return this.client.prepare(intent === 'push' ? [this.scopes(), this.scopes(true)] : [this.scopes()]);
  }

  async fetch(desc: Descriptor): Promise<AsyncIterable<Uint8Array>> {
    const manifest = isManifestType(desc.mediaType);
    if (manifest) {
      const cached = this.manifestCache.get(desc.digest);
      if (cached) return verifying(desc, toIterable(cached), this.name);
    }
    const res = await this.client.send({
      method: 'GET',
      url: this.path(manifest ? 'manifests' : 'blobs', desc.digest),
      headers: manifest ? { accept: MANIFEST_ACCEPT } : {},
      scopes: this.scopes(),
      what: `${manifest ? 'manifest' : 'blob'} ${this.repository}@${desc.digest}`,
    });
    const declared = Number(header(res.headers, 'content-length'));
    if (Number.isFinite(declared) && header(res.headers, 'content-length') !== undefined && declared !== desc.size) {
      await res.body.dump();
      throw new RegistryError('size-mismatch', `${this.name} serves ${desc.digest} with ${declared} bytes, expected ${desc.size}`);
    }
    return verifying(desc, this.client.guardedBody(res.body, `${manifest ? 'manifest' : 'blob'} ${this.repository}@${desc.digest}`), this.name);
  }

  async exists(desc: Descriptor): Promise<boolean> {
    const manifest = isManifestType(desc.mediaType);
    const res = await this.client.send({
      method: 'HEAD',
      url: this.path(manifest ? 'manifests' : 'blobs', desc.digest),
      headers: manifest ? { accept: MANIFEST_ACCEPT } : {},
      scopes: this.scopes(),
      what: `${manifest ? 'manifest' : 'blob'} ${this.repository}@${desc.digest}`,
      accept: [404],
    });
    await res.body.dump();
    return res.status !== 404;
  }

  async push(desc: Descriptor, content: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    if (isManifestType(desc.mediaType)) {
      const bytes = await readAll(toIterable(content), MAX_MANIFEST_BYTES);
      const v = new DigestVerifier(desc, 'the manifest to push');
      v.update(bytes);
      v.finish();
      await this.putManifest(desc, bytes, desc.digest);
      return;
    }
    await this.uploadBlob(desc, content);
  }

  /** Puts a manifest under `tag` in one request (the registry stores it by digest too); its digest is checked first. */
  async pushTagged(desc: Descriptor, bytes: Uint8Array, tag: string): Promise<void> {
    const v = new DigestVerifier(desc, 'the manifest to push');
    v.update(bytes);
    v.finish();
    await this.putManifest(desc, bytes, tag);
  }

  private async putManifest(desc: Descriptor, bytes: Uint8Array, reference: string): Promise<void> {
    const res = await this.client.send({
      method: 'PUT',
      url: this.path('manifests', reference),
      headers: { 'content-type': desc.mediaType },
      body: bytes,
      scopes: this.scopes(true),
      what: `manifest ${this.repository}:${reference}`,
    });
    await res.body.dump();
    this.manifestCache.set(desc.digest, bytes);
    const returned = header(res.headers, 'docker-content-digest');
    if (returned && returned !== desc.digest) {
      throw new RegistryError('digest-mismatch', `${this.name} stored the manifest under ${returned}, expected ${desc.digest}`);
    }
    if (reference === desc.digest && !header(res.headers, 'oci-subject')) {
      const m = parseManifest(bytes, this.name);
      if (m.subject) await this.addToReferrersTag(m.subject, desc, m);
    }
  }

  /** Tag-schema fallback: keep `sha256-<hex>` pointing at an index listing every referrer of the subject. */
  private async addToReferrersTag(subject: Descriptor, desc: Descriptor, m: ReturnType<typeof parseManifest>): Promise<void> {
    const tag = referrersTagFor(subject.digest);
    const existing = await this.referrersFromTag(subject.digest);
    if (existing.some((d) => d.digest === desc.digest)) return;
    const entry: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
    const artifactType = m.artifactType ?? ('config' in m ? m.config.mediaType : undefined);
    if (artifactType) entry.artifactType = artifactType;
    if (m.annotations) entry.annotations = m.annotations;
    const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [...existing, entry] };
    const bytes = encodeJson(index);
    const indexDesc = describe(MediaType.ociIndex, bytes);
    await this.putManifest(indexDesc, bytes, tag);
  }

  /** Cross-repository mount; true when the registry linked the blob without an upload. */
  async mountFrom(desc: Descriptor, fromRepository: string): Promise<boolean> {
    const q = new URLSearchParams({ mount: desc.digest, from: fromRepository });
    const res = await this.client.send({
      method: 'POST',
      url: `${this.path('blobs/uploads/')}?${q}`,
      headers: { 'content-length': '0' },
      scopes: [...this.scopes(true), `repository:${fromRepository}:pull`],
      what: `mount of ${desc.digest} from ${fromRepository}`,
    });
    await res.body.dump();
    if (res.status === 201) return true;
    const location = header(res.headers, 'location');
    if (location) await this.cancelUpload(location);
    return false;
  }

  private async cancelUpload(location: string): Promise<void> {
    try {
      const res = await this.client.send({ method: 'DELETE', url: this.uploadUrl(location), scopes: this.scopes(true), what: 'upload cancel', accept: [404, 405] });
      await res.body.dump();
    } catch {
      /* best effort: an abandoned upload session expires on the registry */
    }
  }

  private uploadUrl(location: string, query?: Record<string, string>): string {
    const u = new URL(location, this.client.base);
    for (const [k, v] of Object.entries(query ?? {})) u.searchParams.set(k, v);
    return u.toString();
  }

  private async startUpload(): Promise<string> {
    const res = await this.client.send({
      method: 'POST',
      url: this.path('blobs/uploads/'),
      headers: { 'content-length': '0' },
      scopes: this.scopes(true),
      what: `upload to ${this.repository}`,
    });
    await res.body.dump();
    const location = header(res.headers, 'location');
    if (!location) throw new RegistryError('registry-error', `${this.client.host} started an upload without a Location header`);
    return location;
  }

  private async uploadBlob(desc: Descriptor, content: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    if (content instanceof Uint8Array) {
      const check = new DigestVerifier(desc, 'the blob to push');
      check.update(content);
      check.finish();
    }
    // Streamed content is only counted here: the registry verifies the digest given in the final PUT (and
    // answers DIGEST_INVALID), so hashing it again on our side would only cost a CPU pass.
    const monolithic = desc.size <= this.monolithicMax || content instanceof Uint8Array;
    await this.upload(desc.size, isFileContent(content) ? content : toIterable(content), desc.digest, monolithic, `blob ${this.repository}@${desc.digest}`);
  }

  /**
   * False when a lookup by digest here could only miss: the registry does not know the repository, or lists no
   * tag in it. True when it has tags, or when unsure (an error, a refusal). Never throws.
   */
  async mayHoldBlobs(): Promise<boolean> {
    try {
      const res = await this.client.send({ method: 'GET', url: `${this.path('tags/list')}?n=1`, scopes: this.scopes(), what: `tags of ${this.repository}`, accept: [404] });
      if (res.status === 404) {
        await res.body.dump();
        return false;
      }
      const text = Buffer.from(await readAll(this.client.guardedBody(res.body, `tags of ${this.repository}`), MAX_MANIFEST_BYTES)).toString('utf8');
      const doc = JSON.parse(text) as { tags?: unknown };
      return !(doc.tags === null || (Array.isArray(doc.tags) && doc.tags.length === 0));
    } catch {
      return true;
    }
  }

  /**
   * Streams a file's first `size` bytes in one PATCH before their digest is known, and closes the upload with
   * `PUT ?digest=` once `digest` settles, so a large file's hash and upload overlap. The PATCH is chunked, so it can
   * end early: once `stop` fires (or `digest` rejects) no more is read, the registry answers for what came, and the
   * session is deleted under the location it then gives (docker-registry refuses a location whose offset is stale,
   * and a session cut off mid-PATCH outlives its DELETE); then the reason is thrown.
   */
  async uploadBeforeDigest(content: FileContent, size: number, digest: Promise<string>, stop: AbortSignal): Promise<void> {
    const what = `a ${size}-byte blob for ${this.repository}`;
    const ended = new AbortController();
    const end = (reason: unknown) => ended.signal.aborted || ended.abort(reason);
    if (stop.aborted) end(stop.reason);
    else stop.addEventListener('abort', () => end(stop.reason), { once: true });
    digest.catch(end);
    const stopped = new Promise<never>((_, reject) => (ended.signal.aborted ? reject(ended.signal.reason) : ended.signal.addEventListener('abort', () => reject(ended.signal.reason), { once: true })));
    stopped.catch(() => undefined);
    let location = await this.startUpload();
    try {
      if (!ended.signal.aborted) {
        const res = await this.client.send({
          method: 'PATCH',
          url: this.uploadUrl(location),
          headers: { 'content-type': 'application/octet-stream' },
          body: { ...fileRange(content, 0, size), stop: ended.signal },
          scopes: this.scopes(true),
          what,
        });
        await res.body.dump();
        location = header(res.headers, 'location') ?? location;
      }
      if (ended.signal.aborted) throw ended.signal.reason;
      await this.closeUpload(location, await Promise.race([digest, stopped]), what);
    } catch (e) {
      await this.cancelUpload(location);
      throw ended.signal.aborted ? ended.signal.reason : e;
    }
  }

  /** Sends `size` bytes: a file is read range by range as each request goes (see `FileBody`), a stream is cut into pieces. */
  private async upload(size: number, content: AsyncIterable<Uint8Array>, digest: string, monolithic: boolean, what: string): Promise<void> {
    let location = await this.startUpload();
    const v = new SizeCounter(size);
    const file = isFileContent(content) ? content : undefined;
    const reader = file || monolithic ? undefined : new ChunkReader(content);
    const body = (offset: number, n: number) => (file ? fileRange(file, offset, n) : countingPass(v, reader ? reader.take(n) : content));
    try {
      if (monolithic) {
        const res = await this.client.send({
          method: 'PUT',
          url: this.uploadUrl(location, { digest }),
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
          body: body(0, size),
          scopes: this.scopes(true),
          what,
        });
        await res.body.dump();
        if (!file) v.finish();
        return;
      }
      let offset = 0;
      while (offset < size) {
        const n = Math.min(this.chunkSize, size - offset);
        const res: RegistryResponse = await this.client.send({
          method: 'PATCH',
          url: this.uploadUrl(location),
          headers: {
            'content-type': 'application/octet-stream',
            'content-length': String(n),
            'content-range': `${offset}-${offset + n - 1}`,
          },
          body: body(offset, n),
          scopes: this.scopes(true),
          what,
        });
        await res.body.dump();
        offset += n;
        if (reader && v.bytesSeen !== offset) throw new RegistryError('size-mismatch', `the blob to push ended after ${v.bytesSeen} bytes, expected ${size}`);
        location = header(res.headers, 'location') ?? location;
      }
      if (reader) {
        if (!(await reader.atEnd())) throw new RegistryError('size-mismatch', `the blob to push is larger than ${size} bytes`);
        v.finish();
      }
      await this.closeUpload(location, digest, what);
    } catch (e) {
      await this.cancelUpload(location);
      throw e;
    }
  }

  /** The closing `PUT ?digest=` of an upload whose bytes all went: the registry checks them against the digest. */
  private async closeUpload(location: string, digest: string, what: string): Promise<void> {
    const res = await this.client.send({ method: 'PUT', url: this.uploadUrl(location, { digest }), headers: { 'content-length': '0' }, scopes: this.scopes(true), what });
    await res.body.dump();
  }

  async resolve(reference: string): Promise<Descriptor> {
    const what = `manifest ${this.repository}${isDigest(reference) ? '@' : ':'}${reference}`;
    const res = await this.client.send({
      method: 'HEAD',
      url: this.path('manifests', reference),
      headers: { accept: MANIFEST_ACCEPT },
      scopes: this.scopes(),
      what,
      accept: [404],
    });
    await res.body.dump();
    if (res.status === 404) {
      throw new RegistryError(isDigest(reference) ? 'manifest-unknown' : 'tag-unknown', `${isDigest(reference) ? 'manifest' : 'tag'} "${reference}" is not in ${this.name}`, {
        status: 404,
        hint: isDigest(reference) ? undefined : `list tags with: weld ls ${this.name}`,
      });
    }
    const digest = header(res.headers, 'docker-content-digest');
    const mediaType = header(res.headers, 'content-type')?.split(';')[0].trim();
    const size = Number(header(res.headers, 'content-length'));
    if (digest && mediaType && isManifestType(mediaType) && Number.isFinite(size)) {
      if (isDigest(reference) && digest !== reference) throw new RegistryError('digest-mismatch', `${this.name} resolved ${reference} to ${digest}`);
      return { mediaType, digest, size };
    }
    // Some registries omit the digest on HEAD: fetch and hash the manifest.
    const get = await this.client.send({ method: 'GET', url: this.path('manifests', reference), headers: { accept: MANIFEST_ACCEPT }, scopes: this.scopes(), what });
    const bytes = await readAll(this.client.guardedBody(get.body, what), MAX_MANIFEST_BYTES);
    const m = parseManifest(bytes, this.name);
    const desc = describe(m.mediaType ?? header(get.headers, 'content-type')?.split(';')[0].trim() ?? MediaType.ociManifest, bytes);
    if (isDigest(reference) && desc.digest !== reference) throw new RegistryError('digest-mismatch', `${this.name} served ${reference} with different content`);
    this.manifestCache.set(desc.digest, bytes);
    return desc;
  }

  async tag(desc: Descriptor, tag: string): Promise<void> {
    let bytes = this.manifestCache.get(desc.digest);
    if (!bytes) bytes = await readAll(await this.fetch(desc), MAX_MANIFEST_BYTES);
    await this.putManifest(desc, bytes, tag);
  }

  async *tags(): AsyncIterable<string> {
    let url: string | undefined = `${this.path('tags/list')}?n=${this.pageSize}`;
    while (url) {
      const res: RegistryResponse = await this.client.send({ method: 'GET', url, scopes: this.scopes(), what: `tags of ${this.repository}` });
      const text = Buffer.from(await readAll(this.client.guardedBody(res.body, `tags of ${this.repository}`), MAX_MANIFEST_BYTES)).toString('utf8');
      let doc: { tags?: string[] | null };
      try {
        doc = JSON.parse(text) as typeof doc;
      } catch (e) {
        throw new RegistryError('registry-error', `${this.client.host} answered the tag list of ${this.repository} with something other than JSON`, { cause: e });
      }
      for (const t of doc.tags ?? []) yield t;
      const link = header(res.headers, 'link');
      const next = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
      url = next ? new URL(next, res.url).toString() : undefined;
    }
  }

  async referrers(desc: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    if (this.referrersApi !== false) {
      const q = artifactType ? `?${new URLSearchParams({ artifactType })}` : '';
      const res = await this.client.send({
        method: 'GET',
        url: `${this.path('referrers', desc.digest)}${q}`,
        headers: { accept: MediaType.ociIndex },
        scopes: this.scopes(),
        what: `referrers of ${desc.digest}`,
        accept: [404, 400, 405],
      });
      const type = header(res.headers, 'content-type')?.split(';')[0].trim();
      if (res.status === 200 && type === MediaType.ociIndex) {
        this.referrersApi = true;
        const index = parseManifest(await readAll(this.client.guardedBody(res.body, `referrers of ${desc.digest}`), MAX_MANIFEST_BYTES), this.name) as ImageIndex;
        const filtered = header(res.headers, 'oci-filters-applied')?.includes('artifactType');
        return (index.manifests ?? []).filter((d) => !artifactType || filtered || d.artifactType === artifactType);
      }
      await res.body.dump();
      this.referrersApi = false;
    }
    const all = await this.referrersFromTag(desc.digest);
    return all.filter((d) => !artifactType || d.artifactType === artifactType);
  }

  private async referrersFromTag(subjectDigest: string): Promise<Descriptor[]> {
    let indexDesc: Descriptor;
    try {
      indexDesc = await this.resolve(referrersTagFor(subjectDigest));
    } catch (e) {
      if (e instanceof RegistryError && (e.code === 'tag-unknown' || e.code === 'name-unknown' || e.code === 'manifest-unknown')) return [];
      throw e;
    }
    const index = parseManifest(await readAll(await this.fetch(indexDesc), MAX_MANIFEST_BYTES), this.name);
    return 'manifests' in index ? index.manifests : [];
  }
}

async function* countingPass(v: SizeCounter, source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    v.update(chunk);
    yield chunk;
  }
}

/** Counts streamed bytes against a descriptor's size. */
class SizeCounter {
  bytesSeen = 0;
  constructor(private readonly size: number) {}
  update(chunk: Uint8Array): void {
    this.bytesSeen += chunk.byteLength;
    if (this.bytesSeen > this.size) throw new RegistryError('size-mismatch', `the blob to push is larger than ${this.size} bytes`);
  }
  finish(): void {
    if (this.bytesSeen !== this.size) throw new RegistryError('size-mismatch', `the blob to push has ${this.bytesSeen} bytes, expected ${this.size}`);
  }
}
