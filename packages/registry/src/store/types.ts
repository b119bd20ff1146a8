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

/**
 * Uploads a blob while its digest is still being computed (a registry needs the digest only to close the upload),
 * so hashing a big file and sending it overlap. `digest` must settle before the content ends; aborting `signal`
 * abandons the upload and cancels its session (what a caller does when the digest shows the blob is there).
 */
export interface PendingDigestPusher {
  pushPendingDigest(blob: { size: number }, content: AsyncIterable<Uint8Array>, digest: Promise<string>, signal: AbortSignal): Promise<void>;
}

export function canPushPendingDigest(target: object): target is PendingDigestPusher {
  return typeof (target as Partial<PendingDigestPusher>).pushPendingDigest === 'function';
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

/** One repository's content: the unit every store (remote, OCI layout, memory) implements and `copy` moves between. */
export interface Target extends Fetcher, Pusher, Exister, Resolver, Tagger, TagLister, ReferrerLister {
  /** Human-readable name for messages, e.g. "127.0.0.1:5000/demo/app" or "oci:/path". */
  readonly name: string;
}
