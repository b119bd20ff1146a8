import { RegistryError } from './errors.js';
import type { Descriptor } from './store/types.js';

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  wasmConfig: 'application/vnd.wasm.config.v0+json',
  wasmLayer: 'application/wasm',
} as const;

/** Layer media types older tools (wash, wasm-to-oci, krustlet's oci-distribution) wrote for wasm binaries. */
export const LEGACY_WASM_LAYER_TYPES: readonly string[] = [
  'application/vnd.module.wasm.content.layer.v1+wasm',
  'application/vnd.wasm.content.layer.v1+wasm',
  'application/vnd.wasmcloud.component.v1+wasm',
];

export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
];

export function isManifestType(mediaType: string): boolean {
  return MANIFEST_MEDIA_TYPES.includes(mediaType);
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** Parses manifest JSON; `invalid-manifest` when it is not JSON or lacks the fields its media type needs. */
export function parseManifest(bytes: Uint8Array, where: string): ImageManifest | ImageIndex {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new RegistryError('invalid-manifest', `manifest from ${where} is not valid JSON`, { cause: e });
  }
  if (typeof doc !== 'object' || doc === null || (doc as { schemaVersion?: unknown }).schemaVersion !== 2) {
    throw new RegistryError('invalid-manifest', `manifest from ${where} is not an OCI/Docker schema 2 manifest`);
  }
  const m = doc as Partial<ImageManifest & ImageIndex>;
  if (Array.isArray(m.manifests)) return m as ImageIndex;
  if (m.config && Array.isArray(m.layers)) return m as ImageManifest;
  throw new RegistryError('invalid-manifest', `manifest from ${where} has neither config+layers nor manifests`);
}

/** Media type a manifest declares about itself (or infers from its shape). */
export function manifestMediaType(m: ImageManifest | ImageIndex): string {
  if (m.mediaType) return m.mediaType;
  return 'manifests' in m ? MediaType.ociIndex : MediaType.ociManifest;
}

/** Everything a manifest points at directly: config + layers (+ subject is NOT included: it's a back-reference). */
export function successors(m: ImageManifest | ImageIndex): Descriptor[] {
  if ('manifests' in m) return [...m.manifests];
  return [m.config, ...m.layers];
}

/** Canonical bytes for manifests weld writes: compact JSON, stable key order as constructed. */
export function encodeJson(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
