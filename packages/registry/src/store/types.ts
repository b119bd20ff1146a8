import type { FileContent } from '../file-content.js';

/** A content descriptor as in the OCI image spec. */
export interface Descriptor {
  mediaType: string;
  digest: string; // "sha256:<hex>"
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: Record<string, unknown>;
}

/** Reads content by descriptor; the stream is verified against the descriptor's digest and size. */
export interface Fetcher {
  fetch(desc: Descriptor): Promise<AsyncIterable<Uint8Array>>;
}

/** Writes content; implementations verify digest and size before the content becomes visible. */
export interface Pusher {
  push(desc: Descriptor, content: AsyncIterable<Uint8Array> | Uint8Array): Promise<void>;
}

export interface Exister {
  exists(desc: Descriptor): Promise<boolean>;
}

/** Turns a tag or digest into a manifest descriptor. */
export interface Resolver {
  resolve(reference: string): Promise<Descriptor>;
}

export interface Tagger {
  tag(desc: Descriptor, tag: string): Promise<void>;
}

export interface TagLister {
  tags(): AsyncIterable<string>;
}

/** Manifests whose `subject` is `desc`, optionally filtered by artifact type (referrers API). */
export interface ReferrerLister {
  referrers(desc: Descriptor, artifactType?: string): Promise<Descriptor[]>;
}

/**
 * Optional: gets ready to push or pull before the content is known (a registry connects and settles its
 * authentication), so that can overlap work that needs no store, such as hashing a file. Never throws.
 */
export interface Preparer {
  prepare(intent: 'pull' | 'push'): Promise<void>;
}

/**
 * Optional: takes a blob's bytes before their digest is known (a registry: PATCHes first, the digest in the closing
 * PUT), so a large file's hash and upload can overlap where hashing first would find nothing to skip.
 */
export interface EarlyUploader {
  /** False when a lookup by digest here could only miss (nothing is stored under this name yet); true when unsure. Never throws. */
  mayHoldBlobs(): Promise<boolean>;
  /** Sends a file's first `size` bytes, named by `digest` once it settles; when `stop` fires or `digest` rejects, stops, leaves nothing, and throws that reason. */
  uploadBeforeDigest(content: FileContent, size: number, digest: Promise<string>, stop: AbortSignal): Promise<void>;
}

/** One repository's content: the unit every store (remote, OCI layout, memory) implements and `copy` moves between. */
export interface Target extends Fetcher, Pusher, Exister, Resolver, Tagger, TagLister, ReferrerLister {
  /** Human-readable name for messages, e.g. "127.0.0.1:5000/demo/app" or "oci:/path". */
  readonly name: string;
}
