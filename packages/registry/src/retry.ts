import { isRegistryError, type RegistryErrorCode } from './errors.js';

/** Failures after which sending the same content again can succeed. */
const TRANSIENT: ReadonlySet<RegistryErrorCode> = new Set(['registry-unavailable', 'too-many-requests', 'network-error', 'timeout']);

export interface TransferRetry {
  /** Attempts in all (default 3). */
  attempts?: number;
  /** First backoff (ms), doubled per attempt (default 250). */
  backoffMs?: number;
}

/**
 * Runs a whole streamed transfer again (fresh source stream, fresh upload session) when it fails transiently.
 * The HTTP client retries only requests whose body it can replay; a streamed blob has to be restarted by whoever
 * can reopen its source. `onRetry` lets the caller undo per-attempt counters.
 */
export async function retryTransfer<T>(run: () => Promise<T>, options: TransferRetry & { onRetry?: (e: unknown) => void } = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  const backoff = options.backoffMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (attempt >= attempts || !isTransientError(e)) throw e;
      options.onRetry?.(e);
      await new Promise((r) => setTimeout(r, backoff * 2 ** (attempt - 1)));
    }
  }
}

/** A failure worth another attempt: the registry was unavailable or rate-limiting, or the network failed or stalled. */
export function isTransientError(e: unknown): boolean {
  return isRegistryError(e) && TRANSIENT.has(e.code);
}
