import { basename } from 'node:path';
import { describe, readAll, sha256 } from './digest.js';
import type { CopyEvent } from './copy.js';
import { RegistryError, isRegistryError } from './errors.js';
import { tempBeside, writeDestination, writeFailure } from '@weld/core/node';
import { atomicWriteStream, writeInto } from './fsutil.js';
import { isTransientError, retryTransfer, type TransferRetry } from './retry.js';
import { LEGACY_WASM_LAYER_TYPES, MediaType, encodeJson, isIndexType, parseManifest, type ImageManifest } from './media.js';
import type { Descriptor, Preparer, Target } from './store/types.js';
import { fileContent, isFileContent, withFileProgress } from './file-content.js';
import { fileDigest, rememberedFileDigest, rememberWrittenFile, type FileDigest } from './file-digest.js';
import type { WorldNames } from './world.js';
import { mountFromKnown, rememberBlobLocations } from './blob-locations.js';
import { EARLY_UPLOAD_MIN_BYTES, startEarlyUpload, type EarlyUpload } from './early-upload.js';

/** The config blob of a wasm artifact, field for field as wkg/oci-wasm writes it. */
export interface WasmConfig {
  created: string;
  author: string | null;
  architecture: 'wasm';
  os: 'wasip2' | 'wasip1';
  layerDigests: string[];
  component: { exports: string[]; imports: string[]; target: string | null } | null;
}

export const TITLE_ANNOTATION = 'org.opencontainers.image.title';
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';

/** wasm-metadata field → OCI annotation (the mapping wkg uses). */
const METADATA_ANNOTATIONS: Record<string, string> = {
  description: 'org.opencontainers.image.description',
  licenses: 'org.opencontainers.image.licenses',
  source: 'org.opencontainers.image.source',
  homepage: 'org.opencontainers.image.url',
  revision: 'org.opencontainers.image.revision',
  version: 'org.opencontainers.image.version',
  authors: 'org.opencontainers.image.authors',
};

export interface ArtifactOptions {
  /** Layer title (file name). Default `component.wasm`. */
  title?: string;
  /** Extra manifest annotations (`--annotation k=v`); they override the ones derived from metadata. */
  annotations?: Record<string, string>;
  /** RFC 3339 creation time. Default: `SOURCE_DATE_EPOCH`, else the file's mtime, else now. */
  created?: string;
  author?: string;
  /** Provenance of a composed component (e.g. the source components' references), as annotations. */
  provenance?: Record<string, string>;
  /** Manifest `subject` (for artifacts that refer to another one). */
  subject?: Descriptor;
  /** Override the layer media type (WIT packages use the same `application/wasm`). */
  layerMediaType?: string;
}

export interface BuiltWasmArtifact {
  manifest: Descriptor;
  manifestBytes: Uint8Array;
  config: Descriptor;
  configBytes: Uint8Array;
  configDoc: WasmConfig;
  layer: Descriptor;
  world: WorldNames;
}

function createdTime(options: ArtifactOptions, mtime?: Date): string {
  if (options.created) return options.created;
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (mtime ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Builds config and manifest for a wasm layer already described by `layer`. */
/** Manifest annotation listing a composed component's inputs as `name@sha256:…`, comma-separated. */
export const COMPOSED_FROM_ANNOTATION = 'dev.weld.composition.inputs';

export function buildWasmManifest(layer: Descriptor, world: WorldNames, options: ArtifactOptions & { created: string }): BuiltWasmArtifact {
  const configDoc: WasmConfig = {
    created: options.created,
    author: options.author ?? null,
    architecture: 'wasm',
    os: world.kind === 'component' ? 'wasip2' : 'wasip1',
    layerDigests: [layer.digest],
    component: world.kind === 'component' ? { exports: world.exports, imports: world.imports, target: null } : null,
  };
  const configBytes = encodeJson(configDoc);
  const config = describe(MediaType.wasmConfig, configBytes);
  const annotations: Record<string, string> = { [CREATED_ANNOTATION]: options.created };
  for (const [field, value] of Object.entries(world.metadata)) {
    const key = METADATA_ANNOTATIONS[field];
    if (key) annotations[key] = value;
  }
  if (world.provenance) {
    // a composition's inputs, from the weld-provenance section `weld compose` wrote
    annotations[COMPOSED_FROM_ANNOTATION] = world.provenance.inputs.map((i) => `${i.name}@${i.digest}`).join(',');
  }
  Object.assign(annotations, options.provenance ?? {}, options.annotations ?? {});
  const manifestDoc: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config,
    layers: [{ ...layer, annotations: { [TITLE_ANNOTATION]: options.title ?? 'component.wasm' } }],
    ...(options.subject ? { subject: options.subject } : {}),
    annotations,
  };
  const manifestBytes = encodeJson(manifestDoc);
  return { manifest: describe(MediaType.ociManifest, manifestBytes), manifestBytes, config, configBytes, configDoc, layer, world };
}

export interface PushResult {
  manifest: Descriptor;
  config: WasmConfig;
  layer: Descriptor;
  tag?: string;
  /** Blobs and manifests written; empty blobs list on a re-push of unchanged content. */
  uploaded: Descriptor[];
  skipped: Descriptor[];
}

/** A file (with its digest when the caller has just taken it, e.g. for the publish gate) or bytes in memory. */
export type ComponentSource = { path: string; digest?: FileDigest } | { bytes: Uint8Array };

export interface PushComponentOptions extends ArtifactOptions {
  tag?: string;
  onEvent?: (e: CopyEvent) => void;
  retry?: TransferRetry;
  /** Where file digests are remembered (see `fileDigest`); `false` hashes the file every time. */
  digestCache?: string | false;
  /** Where blobs seen in other repositories of the registry are remembered, to mount them (see `mountFromKnown`); `false`: never. */
  blobLocations?: string | false;
  /** The manifest digest the caller's reference names (`repo@sha256:…`): refused before any upload unless the push makes exactly it. */
  manifestDigest?: string;
  /** Smallest file whose upload may start while it is hashed (see `startEarlyUpload`). Default 32 MiB. */
  earlyUploadMinBytes?: number;
}

/**
 * Publishes a wasm component (or core module) as a wkg-compatible OCI artifact: config
 * `application/vnd.wasm.config.v0+json`, one `application/wasm` layer. Streams from disk; blobs the target
 * has are not uploaded again; the tag is set last.
 */
export async function pushComponent(target: Target, source: ComponentSource, options: PushComponentOptions = {}): Promise<PushResult> {
  const started: { early?: EarlyUpload } = {};
  try {
    return await publishComponent(target, source, options, started);
  } catch (e) {
    // an upload begun before the digest was known (see `startEarlyUpload`) is stopped, whatever failed after it
    // began (the hash, the lookup, the config), not left to send the rest of the file
    await started.early?.cancel(e);
    throw e;
  }
}

/** `pushComponent`'s work; an early upload it begins is recorded in `started`. */
async function publishComponent(target: Target, source: ComponentSource, options: PushComponentOptions, started: { early?: EarlyUpload }): Promise<PushResult> {
  const layerType = options.layerMediaType ?? MediaType.wasmLayer;
  let layer: Descriptor;
  let world: WorldNames;
  let mtime: Date | undefined;
  let open: () => AsyncIterable<Uint8Array>;
  const emit = options.onEvent ?? (() => undefined);
  // the registry's connection and tokens need no digest: they are settled while the decoder loads and the file is hashed
  const ready = 'path' in source ? prepare(target, 'push') : Promise.resolve();
  // the component decoder, loaded by a push only (a pull or copy does not read the wasm)
  const { componentWorldNames, componentWorldNamesFromFile } = await import('./world.js');
  // blobs just found absent, so their upload needs no second lookup
  const absent = new Set<string>();
  if ('path' in source) {
    // The digest comes first (remembered, or hashed in one streaming read), so a blob the target has is
    // skipped by its HEAD and nothing of it is read or sent again, whatever the file's size. The one exception is
    // a large file nothing remembers, going to a repository that holds nothing yet: no lookup could find it
    // there, so its upload starts while it is hashed (`startEarlyUpload`).
    world = await componentWorldNamesFromFile(source.path); // a file that is no component fails here, before any hash or upload
    let known = source.digest ?? (await rememberedFileDigest(source.path, { cacheDir: options.digestCache }));
    if (known?.source === 'written') {
      // Remembered from when weld wrote the file: sent under that digest, the target checks the bytes against it.
      // Found there already, the file is read to confirm it holds those bytes before the upload is skipped.
      await ready;
      if (await target.exists({ mediaType: layerType, digest: known.digest, size: known.size })) known = await fileDigest(source.path, { cacheDir: options.digestCache });
      else absent.add(known.digest);
    }
    if (!known) {
      const hashing = fileDigest(source.path, { cacheDir: options.digestCache });
      hashing.catch(() => undefined); // awaited below, after the upload has (maybe) started
      // not for a push by digest: a digest it would not make is refused before anything is sent
      if (options.manifestDigest === undefined) started.early = await startEarlyUpload(target, source.path, ready, options.earlyUploadMinBytes ?? EARLY_UPLOAD_MIN_BYTES);
      known = await hashing;
    }
    await ready;
    mtime = known.mtime;
    layer = { mediaType: layerType, digest: known.digest, size: known.size };
    open = () => fileContent(source.path, known.size);
  } else {
    world = componentWorldNames(source.bytes);
    layer = { mediaType: layerType, digest: sha256(source.bytes), size: source.bytes.byteLength };
    open = async function* () {
      yield source.bytes;
    };
  }
  const title = options.title ?? ('path' in source ? basename(source.path) : 'component.wasm');
  const built = buildWasmManifest(layer, world, { ...options, title, created: createdTime(options, mtime) });
  if (options.manifestDigest !== undefined && options.manifestDigest !== built.manifest.digest) {
    throw new RegistryError('invalid-reference', `the reference names manifest ${options.manifestDigest}, but this push makes ${built.manifest.digest}`, {
      hint: 'a digest names content that already exists; push under a tag instead (the pushed digest is printed)',
    });
  }
  const result: PushResult = { manifest: built.manifest, config: built.configDoc, layer, tag: options.tag, uploaded: [], skipped: [] };

  const skip = (desc: Descriptor, reason: 'exists' | 'mounted') => {
    result.skipped.push(desc);
    emit({ type: 'skip', desc, reason });
  };
  const pushBlob = async (desc: Descriptor, content: () => AsyncIterable<Uint8Array> | Uint8Array) => {
    if (!absent.has(desc.digest) && (await target.exists(desc))) return skip(desc, 'exists');
    if (await mountFromKnown(target, desc, { cacheDir: options.blobLocations })) return skip(desc, 'mounted');
    emit({ type: 'start', desc });
    await retryTransfer(async () => {
      const src = content();
      await target.push(desc, src instanceof Uint8Array ? src : countBytes(src, desc, emit));
      if (src instanceof Uint8Array) emit({ type: 'bytes', desc, bytes: src.byteLength });
    }, options.retry);
    result.uploaded.push(desc);
    emit({ type: 'done', desc });
  };
  /** The layer whose upload started before its digest was known: now looked up by it, then finished or stopped. */
  const finishEarly = async (upload: EarlyUpload) => {
    if (upload.size !== layer.size) {
      // the file changed size between its stat and its hash: what went up is not what was hashed
      await upload.cancel();
      return pushBlob(layer, open);
    }
    // the lookup the digest allows: a blob stored under this name after all (untagged) is not sent on
    if (await target.exists(layer)) {
      await upload.cancel();
      return skip(layer, 'exists');
    }
    if (await mountFromKnown(target, layer, { cacheDir: options.blobLocations })) {
      await upload.cancel();
      return skip(layer, 'mounted');
    }
    try {
      await upload.finish(layer, emit);
    } catch (e) {
      // a transient failure is retried as any upload is, now that the digest is known
      if (!isTransientError(e)) throw e;
      return pushBlob(layer, open);
    }
    result.uploaded.push(layer);
    emit({ type: 'done', desc: layer });
  };
  const pushLayer = async () => {
    try {
      await (started.early ? finishEarly(started.early) : pushBlob(layer, open));
    } catch (e) {
      throw 'path' in source ? await fileChangedError(e, source.path, layer, options.digestCache) : e;
    }
  };
  await Promise.all([pushLayer(), pushBlob(built.config, () => built.configBytes)]);
  await rememberBlobLocations(target, [layer, built.config], { cacheDir: options.blobLocations });
  // A manifest whose blobs were just uploaded cannot be there yet: a registry takes it under its tag in one request
  // (as docker and skopeo push it) instead of a lookup, a push by digest and a tag.
  if (options.tag && !options.subject && result.uploaded.length > 0 && isTaggedManifestPusher(target)) {
    emit({ type: 'start', desc: built.manifest });
    await target.pushTagged(built.manifest, built.manifestBytes, options.tag);
    result.uploaded.push(built.manifest);
    emit({ type: 'done', desc: built.manifest });
    return result;
  }
  await pushBlob(built.manifest, () => built.manifestBytes);
  if (options.tag) await target.tag(built.manifest, options.tag);
  return result;
}

/** Optional: stores a manifest under a tag in one step (a registry's `PUT /manifests/<tag>`). */
interface TaggedManifestPusher {
  pushTagged(desc: Descriptor, bytes: Uint8Array, tag: string): Promise<void>;
}

function isTaggedManifestPusher(target: Target): target is Target & TaggedManifestPusher {
  return typeof (target as Partial<TaggedManifestPusher>).pushTagged === 'function';
}

/**
 * A file layer the registry refused as not matching its digest or size: when the file's bytes are no longer
 * those that were hashed (edited while pushing, or a remembered digest gone stale), says so and remembers the
 * new digest; otherwise the registry's own error stands.
 */
async function fileChangedError(e: unknown, path: string, layer: Descriptor, cacheDir: string | false | undefined): Promise<unknown> {
  if (!isRegistryError(e) || (e.code !== 'digest-mismatch' && e.code !== 'size-mismatch')) return e;
  const now = await fileDigest(path, { cacheDir, refresh: true }).catch(() => undefined);
  if (!now || (now.digest === layer.digest && now.size === layer.size)) return e;
  return new RegistryError(e.code, `${path} changed while it was being pushed`, {
    cause: e,
    detail: `hashed as ${layer.digest} (${layer.size} bytes)\nnow      ${now.digest} (${now.size} bytes)`,
    hint: 'the registry refused the upload, so nothing was published from it; push again',
  });
}

function prepare(target: Target, intent: 'pull' | 'push'): Promise<void> {
  return typeof (target as Partial<Preparer>).prepare === 'function' ? (target as Target & Preparer).prepare(intent) : Promise.resolve();
}

function countBytes(src: AsyncIterable<Uint8Array>, desc: Descriptor, emit: (e: CopyEvent) => void): AsyncIterable<Uint8Array> {
  // a file stays a file, so a registry upload can read it itself (see fileContent)
  return isFileContent(src) ? withFileProgress(src, (bytes) => emit({ type: 'bytes', desc, bytes })) : countChunks(src, desc, emit);
}

async function* countChunks(src: AsyncIterable<Uint8Array>, desc: Descriptor, emit: (e: CopyEvent) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of src) {
    emit({ type: 'bytes', desc, bytes: chunk.byteLength });
    yield chunk;
  }
}

export interface ResolvedWasmArtifact {
  /** The image manifest (after choosing from an index when the reference names one). */
  manifestDesc: Descriptor;
  manifest: ImageManifest;
  /** The wasm layer (`application/wasm` or a legacy wash/wasm-to-oci type). */
  layer: Descriptor;
  /** Parsed config when it is a wasm config (or legacy JSON config); undefined otherwise. */
  config?: Record<string, unknown>;
  configDesc: Descriptor;
}

const WASM_LAYER_TYPES = new Set([MediaType.wasmLayer, ...LEGACY_WASM_LAYER_TYPES]);

/** Resolves a reference to its wasm layer; accepts indexes (picks the wasm/wasip2 entry) and legacy layer types. */
export async function resolveWasmArtifact(target: Target, reference: string): Promise<ResolvedWasmArtifact> {
  let desc = await target.resolve(reference);
  let manifest = parseManifest(await readAll(await target.fetch(desc), 4 * 1024 * 1024), target.name);
  if ('manifests' in manifest) {
    const pick =
      manifest.manifests.find((m) => (m.platform as { architecture?: string } | undefined)?.architecture === 'wasm') ??
      (manifest.manifests.length === 1 ? manifest.manifests[0] : undefined);
    if (!pick || isIndexType(pick.mediaType)) {
      throw new RegistryError('not-a-wasm-artifact', `${target.name}:${reference} is an index without a wasm manifest`);
    }
    desc = pick;
    manifest = parseManifest(await readAll(await target.fetch(desc), 4 * 1024 * 1024), target.name);
    if ('manifests' in manifest) throw new RegistryError('not-a-wasm-artifact', `${target.name}:${reference} nests indexes`);
  }
  const wasmLayers = manifest.layers.filter((l) => WASM_LAYER_TYPES.has(l.mediaType));
  if (wasmLayers.length !== 1) {
    const types = [...new Set(manifest.layers.map((l) => l.mediaType))].join(', ') || 'none';
    throw new RegistryError('not-a-wasm-artifact', `${target.name}:${reference} is not a wasm artifact`, {
      detail: `expected exactly one application/wasm layer; layer types: ${types}; config: ${manifest.config.mediaType}`,
    });
  }
  let config: Record<string, unknown> | undefined;
  if (manifest.config.size <= 1024 * 1024 && /json/.test(manifest.config.mediaType) && manifest.config.size > 0) {
    try {
      config = JSON.parse(Buffer.from(await readAll(await target.fetch(manifest.config))).toString('utf8')) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof RegistryError) throw e;
      config = undefined;
    }
  }
  return { manifestDesc: desc, manifest, layer: wasmLayers[0], config, configDesc: manifest.config };
}

export interface PullResult extends ResolvedWasmArtifact {
  /** Where the wasm was written (when `output` was given). */
  output?: string;
  bytes?: Uint8Array;
}

/**
 * Fetches a wasm artifact's layer, verifying its digest while streaming. With `output`, writes the file
 * atomically (a corrupt or truncated download leaves no file); otherwise returns the bytes.
 */
export async function pullComponent(
  target: Target,
  reference: string,
  options: {
    output?: string;
    onEvent?: (e: CopyEvent) => void;
    /** Where the written file's digest is remembered, so pushing it on reads it no second time (see `rememberWrittenFile`); `false`: not. */
    digestCache?: string | false;
    /** Where the repository is remembered as holding the blobs, for mounts (see `rememberBlobLocations`); `false`: not. */
    blobLocations?: string | false;
  } = {},
): Promise<PullResult> {
  const art = await resolveWasmArtifact(target, reference);
  // a folder at the output is refused before a byte is fetched; a symlink is written through, a device or pipe into
  const dest = options.output === undefined ? undefined : writeDestination(options.output, { stream: true });
  const emit = options.onEvent ?? (() => undefined);
  emit({ type: 'start', desc: art.layer });
  const stream = countBytes(await target.fetch(art.layer), art.layer, emit);
  if (options.output && dest) {
    const output = options.output;
    const writing = dest.stream ? writeInto(dest.path, stream) : atomicWriteStream(dest.path, tempBeside(dest.path), stream, undefined, dest.mode);
    await writing.catch((e: unknown) => Promise.reject(writeFailure(output, e)));
    // the stream was checked against the layer's digest as it was written
    await rememberWrittenFile(options.output, art.layer, { cacheDir: options.digestCache });
    await rememberBlobLocations(target, [art.layer, art.configDesc], { cacheDir: options.blobLocations });
    emit({ type: 'done', desc: art.layer });
    return { ...art, output: options.output };
  }
  const bytes = await readAll(stream);
  await rememberBlobLocations(target, [art.layer, art.configDesc], { cacheDir: options.blobLocations });
  emit({ type: 'done', desc: art.layer });
  return { ...art, bytes };
}
