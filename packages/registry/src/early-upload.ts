import { stat } from 'node:fs/promises';
import type { CopyEvent } from './copy.js';
import { fileContent } from './file-content.js';
import type { Descriptor, EarlyUploader, Target } from './store/types.js';

/**
 * Smallest file whose upload may start while it is hashed. Below it, hashing first costs ~20 ms or less
 * (SHA-256 of a cached file runs at ~1.5 GB/s), less than an upload it could let a lookup skip.
 */
export const EARLY_UPLOAD_MIN_BYTES = 32 * 1024 * 1024;

/** A file's upload begun before its digest was known. */
export interface EarlyUpload {
  /** How many bytes are being sent: the file's size when the upload began. */
  readonly size: number;
  /** Names the bytes `layer` (its digest is now known), reports progress from here on, and waits for the upload to end. */
  finish(layer: Descriptor, emit: (e: CopyEvent) => void): Promise<void>;
  /** Stops the upload (even once named, while its bytes are still going) and deletes its session; settles once it has. */
  cancel(reason?: unknown): Promise<void>;
}

function isEarlyUploader(target: Target): target is Target & EarlyUploader {
  const t = target as Partial<EarlyUploader>;
  return typeof t.mayHoldBlobs === 'function' && typeof t.uploadBeforeDigest === 'function';
}

/**
 * Starts uploading a large file before its hash is done, when nothing could be skipped by waiting for it: the
 * target repository holds nothing yet (a registry that does not know it, or lists no tag in it), so a lookup by
 * the digest could only miss. Hashing first would add the whole hash (~130 ms for 200 MB) to the push; this way
 * it runs beside the upload, and the lookup still happens, as soon as the digest is known (see `finish` and
 * `cancel`). Anywhere else (a store on disk, a repository with tags, a small file) it returns undefined and the
 * digest comes first.
 */
export async function startEarlyUpload(target: Target, path: string, ready: Promise<void>, minBytes: number): Promise<EarlyUpload | undefined> {
  if (!isEarlyUploader(target)) return undefined;
  const size = await stat(path).then((s) => (s.isFile() ? s.size : -1), () => -1); // a file that cannot be read fails in its hash
  if (size < minBytes) return undefined;
  // asked beside the registry's preparation (a request that meets a challenge settles it itself)
  const [mayHold] = await Promise.all([target.mayHoldBlobs(), ready]);
  if (mayHold) return undefined;
  let sent = 0;
  let relay: ((bytes: number) => void) | undefined;
  let name!: (digest: string) => void;
  const digest = new Promise<string>((resolve) => (name = resolve));
  const content = fileContent(path, size, (bytes) => {
    sent += bytes;
    relay?.(bytes);
  });
  const stop = new AbortController();
  const upload = target.uploadBeforeDigest(content, size, digest, stop.signal);
  upload.catch(() => undefined); // awaited by finish or cancel
  return {
    size,
    async finish(layer, emit) {
      emit({ type: 'start', desc: layer });
      if (sent > 0) emit({ type: 'bytes', desc: layer, bytes: sent });
      relay = (bytes) => emit({ type: 'bytes', desc: layer, bytes });
      name(layer.digest);
      await upload;
    },
    async cancel(reason) {
      stop.abort(reason ?? new Error('the upload was cancelled'));
      await upload.catch(() => undefined);
    },
  };
}
