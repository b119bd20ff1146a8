import { isDigest, keepVerified, readAll } from './digest.js';
import { RegistryError } from './errors.js';
import { isManifestType, parseManifest, successors } from './media.js';
import { RemoteRepository } from './remote/repository.js';
import { retryTransfer, type TransferRetry } from './retry.js';
import type { Descriptor, Target } from './store/types.js';

/** Transfer events for progress display. `bytes` events carry the bytes moved since the last event. */
export type CopyEvent =
  | { type: 'start'; desc: Descriptor }
  | { type: 'bytes'; desc: Descriptor; bytes: number }
  | { type: 'done'; desc: Descriptor }
  | { type: 'skip'; desc: Descriptor; reason: 'exists' | 'mounted' };

export interface CopyOptions {
  /** Tag to set on the destination. Default: the source reference when it is a tag; none for a digest. */
  tag?: string;
  /** Blobs transferred in parallel. Default 4. */
  concurrency?: number;
  /** Also copy manifests that refer to the root (signatures, SBOMs) via the referrers API. Default false. */
  referrers?: boolean;
  onEvent?: (e: CopyEvent) => void;
  /** A blob transfer that fails transiently (5xx, 429, reset, timeout) is restarted from a fresh fetch. */
  retry?: TransferRetry;
}

export interface CopyResult {
  /** The root manifest descriptor, identical in source and destination. */
  root: Descriptor;
  /** Blobs and manifests written to the destination. */
  copied: Descriptor[];
  /** Content the destination already had (or got by cross-repository mount). */
  skipped: Descriptor[];
  bytesCopied: number;
}

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/**
 * Copies the manifest `reference` names in `src`, with everything it references, into `dst`; children go
 * before parents and the tag goes last, so a tag never points at incomplete content. Content the
 * destination has is skipped; between repositories of one registry blobs are mounted, not uploaded.
 */
export async function copy(src: Target, dst: Target, reference: string, options: CopyOptions = {}): Promise<CopyResult> {
  const root = await src.resolve(reference);
  const result: CopyResult = { root, copied: [], skipped: [], bytesCopied: 0 };
  const limit = limiter(options.concurrency ?? 4);
  const inFlight = new Map<string, Promise<void>>();
  const emit = options.onEvent ?? (() => undefined);
  const mountSource = src instanceof RemoteRepository && dst instanceof RemoteRepository && src.client.registry === dst.client.registry && src.repository !== dst.repository ? src.repository : undefined;

  const copyNode = (desc: Descriptor): Promise<void> => {
    let p = inFlight.get(desc.digest);
    if (!p) {
      p = isManifestType(desc.mediaType) ? copyManifest(desc) : limit(() => copyBlob(desc));
      inFlight.set(desc.digest, p);
    }
    return p;
  };

  async function copyBlob(desc: Descriptor): Promise<void> {
    if (await dst.exists(desc)) {
      result.skipped.push(desc);
      emit({ type: 'skip', desc, reason: 'exists' });
      return;
    }
    if (mountSource && dst instanceof RemoteRepository && (await dst.mountFrom(desc, mountSource))) {
      result.skipped.push(desc);
      emit({ type: 'skip', desc, reason: 'mounted' });
      return;
    }
    emit({ type: 'start', desc });
    let attemptBytes = 0;
    await retryTransfer(
      async () => {
        attemptBytes = 0;
        const stream = await src.fetch(desc);
        async function* counted() {
          for await (const chunk of stream) {
            attemptBytes += chunk.byteLength;
            result.bytesCopied += chunk.byteLength;
            emit({ type: 'bytes', desc, bytes: chunk.byteLength });
            yield chunk;
          }
        }
        await dst.push(desc, keepVerified(counted(), stream, desc.digest));
      },
      { ...options.retry, onRetry: () => (result.bytesCopied -= attemptBytes) },
    );
    result.copied.push(desc);
    emit({ type: 'done', desc });
  }

  async function copyManifest(desc: Descriptor): Promise<void> {
    if (desc.size > MAX_MANIFEST_BYTES) throw new RegistryError('invalid-manifest', `${desc.digest} in ${src.name} is too large to be a manifest`);
    const bytes = await readAll(await src.fetch(desc), MAX_MANIFEST_BYTES);
    const manifest = parseManifest(bytes, src.name);
    if (!(await dst.exists(desc))) {
      // Wait for every sibling before failing: a rejected blob must not leave others still writing after copy returns.
      const settled = await Promise.allSettled(successors(manifest).map(copyNode));
      const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
      emit({ type: 'start', desc });
      await dst.push(desc, bytes);
      result.copied.push(desc);
      result.bytesCopied += bytes.byteLength;
      emit({ type: 'done', desc });
    } else {
      result.skipped.push(desc);
      emit({ type: 'skip', desc, reason: 'exists' });
    }
    if (options.referrers) {
      for (const r of await src.referrers(desc)) await copyNode(r);
    }
  }

  await copyNode(root);
  const tag = options.tag ?? (isDigest(reference) ? undefined : reference);
  if (tag !== undefined) await dst.tag(root, tag);
  return result;
}

function limiter(n: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
