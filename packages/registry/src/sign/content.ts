import { createHash } from 'node:crypto';
import { sha256Digest } from '@weld/core/node';

export { sha256Digest };
import type { ImageManifest } from '../media.js';
import type { Descriptor, Target } from '../store/types.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const EMPTY_JSON = Buffer.from('{}');

/** An OCI image manifest, as the rest of the registry package reads it. */
export type Manifest = ImageManifest;

export function describeBytes(mediaType: string, bytes: Uint8Array): Descriptor {
  return { mediaType, size: bytes.byteLength, digest: sha256Digest(bytes) };
}

/** Reads a whole blob and returns it with whether its bytes still hash to the descriptor's digest. */
export async function fetchBytes(target: Target, desc: Descriptor): Promise<{ bytes: Buffer; intact: boolean }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of await target.fetch(desc)) parts.push(chunk);
  const bytes = Buffer.concat(parts);
  return { bytes, intact: bytes.byteLength === desc.size && sha256Digest(bytes) === desc.digest };
}

/** Streams a blob through SHA-256 without keeping it; false when the bytes do not match the descriptor. */
export async function blobIntact(target: Target, desc: Descriptor): Promise<boolean> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of await target.fetch(desc)) {
    size += chunk.byteLength;
    hash.update(chunk);
  }
  return size === desc.size && 'sha256:' + hash.digest('hex') === desc.digest;
}

export async function pushIfMissing(target: Target, desc: Descriptor, bytes: Uint8Array): Promise<void> {
  if (!(await target.exists(desc))) await target.push(desc, bytes);
}

const NOT_FOUND_CODES = new Set(['tag-unknown', 'manifest-unknown', 'name-unknown', 'blob-unknown', 'not-found']);

/** True for a store's "no such tag/manifest" errors (stores throw typed errors with these codes). */
export function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && NOT_FOUND_CODES.has(String((e as { code?: unknown }).code));
}

/** True for a store refusing content whose bytes do not match their digest. */
export function isIntegrityError(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? String((e as { code?: unknown }).code) : '';
  return code === 'digest-mismatch' || code === 'size-mismatch';
}

export function parseJson(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8'));
}

export function isImageManifest(doc: unknown): doc is Manifest {
  const m = doc as Partial<Manifest> | null;
  return typeof m === 'object' && m !== null && m.schemaVersion === 2 && typeof m.config === 'object' && Array.isArray(m.layers);
}
