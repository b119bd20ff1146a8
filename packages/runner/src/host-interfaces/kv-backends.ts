import { syncBridge } from './bridge/sync-bridge.js';

export interface KeyPage {
  keys: string[];
  cursor?: bigint;
}

/** A keyvalue store as the plugin calls it: synchronous, buckets by name, values as bytes. */
export interface KvBackend {
  get(bucket: string, key: string): Uint8Array | undefined;
  set(bucket: string, key: string, value: Uint8Array): void;
  delete(bucket: string, key: string): void;
  exists(bucket: string, key: string): boolean;
  keys(bucket: string, cursor?: bigint): KeyPage;
  /** Adds `delta` to the decimal integer stored at `key` (0 when absent) and stores the sum as decimal text, like Redis INCRBY. */
  increment(bucket: string, key: string, delta: bigint): bigint;
  getMany(bucket: string, keys: string[]): Array<[string, Uint8Array] | undefined>;
  setMany(bucket: string, entries: Array<[string, Uint8Array]>): void;
  deleteMany(bucket: string, keys: string[]): void;
}

const PAGE = 1000;
const I64_MAX = 2n ** 63n - 1n;

/**
 * The most bytes (keys and values) the in-memory store of one thread holds. It lives in the host's memory, outside
 * every guest's linear memory and so outside `--max-memory`: without a bound a guest could grow the host without
 * limit by storing its own memory under many keys.
 */
export const MEMORY_STORE_MAX_BYTES = 128 * 2 ** 20;

/** One store per thread, kept for the thread's life and shared by every instance granted `--kv mem` in it. */
const memoryBuckets = new Map<string, Map<string, Uint8Array>>();
let memoryStoreBytes = 0;

function bucketMap(bucket: string): Map<string, Uint8Array> {
  let m = memoryBuckets.get(bucket);
  if (!m) memoryBuckets.set(bucket, (m = new Map()));
  return m;
}

const entryBytes = (key: string, value: Uint8Array | undefined) => (value === undefined ? 0 : Buffer.byteLength(key) + value.byteLength);

/** Stores `entries` in `bucket` all or none: refused when the store would pass `MEMORY_STORE_MAX_BYTES`. */
function storeEntries(bucket: string, entries: Array<[string, Uint8Array]>): void {
  const m = bucketMap(bucket);
  const latest = new Map(entries);
  let growth = 0;
  for (const [k, v] of latest) growth += entryBytes(k, v) - entryBytes(k, m.get(k));
  if (memoryStoreBytes + growth > MEMORY_STORE_MAX_BYTES) {
    throw new Error(`the in-memory store is full: it holds at most ${MEMORY_STORE_MAX_BYTES / 2 ** 20} MiB of keys and values per process (use --kv redis://HOST:PORT for more)`);
  }
  for (const [k, v] of latest) m.set(k, v.slice());
  memoryStoreBytes += growth;
}

function removeEntry(bucket: string, key: string): void {
  const m = memoryBuckets.get(bucket);
  memoryStoreBytes -= entryBytes(key, m?.get(key));
  m?.delete(key);
}

export const memoryBackend: KvBackend = {
  get: (bucket, key) => memoryBuckets.get(bucket)?.get(key)?.slice(),
  set: (bucket, key, value) => storeEntries(bucket, [[key, value]]),
  delete: (bucket, key) => removeEntry(bucket, key),
  exists: (bucket, key) => memoryBuckets.get(bucket)?.has(key) ?? false,
  keys(bucket, cursor) {
    const all = [...(memoryBuckets.get(bucket)?.keys() ?? [])];
    const start = Number(cursor ?? 0n);
    const end = Math.min(all.length, start + PAGE);
    return { keys: all.slice(start, end), cursor: end < all.length ? BigInt(end) : undefined };
  },
  increment(bucket, key, delta) {
    const before = memoryBuckets.get(bucket)?.get(key);
    const text = before === undefined ? '0' : new TextDecoder().decode(before);
    if (!/^-?\d+$/.test(text)) throw new Error('value is not an integer or out of range');
    const sum = BigInt(text) + delta;
    if (sum > I64_MAX) throw new Error('increment or decrement would overflow');
    storeEntries(bucket, [[key, new TextEncoder().encode(sum.toString())]]);
    return sum;
  },
  getMany: (bucket, keys) => keys.map((k) => {
    const v = memoryBuckets.get(bucket)?.get(k);
    return v === undefined ? undefined : [k, v.slice()];
  }),
  setMany: (bucket, entries) => storeEntries(bucket, entries),
  deleteMany: (bucket, keys) => {
    for (const k of keys) removeEntry(bucket, k);
  },
};

let memoryShared = false;

/**
 * From now on this thread's `mem` store is the one in the process's bridge worker, shared by every thread that
 * says so (a serve pool's workers), instead of the thread's own.
 */
export function shareMemoryStore(): void {
  memoryShared = true;
}

/** The backend for a `--kv` URL: this thread's memory, the process's shared memory (see `shareMemoryStore`), or Redis. */
export function kvBackend(url: string, owner: string): KvBackend {
  return url === 'mem' && !memoryShared ? memoryBackend : bridgedBackend(url, owner);
}

/** Redis, or the shared memory store, through the sync bridge; `owner` is the calling component's name (see `SyncBridge.call`). */
function bridgedBackend(url: string, owner: string): KvBackend {
  const bridge = syncBridge();
  const call = <T>(op: Parameters<typeof bridge.call>[0]) => bridge.call(op, owner) as T;
  return {
    get: (bucket, key) => call({ op: 'kv.get', url, bucket, key }),
    set: (bucket, key, value) => call({ op: 'kv.set', url, bucket, key, value }),
    delete: (bucket, key) => call({ op: 'kv.delete', url, bucket, key }),
    exists: (bucket, key) => call({ op: 'kv.exists', url, bucket, key }),
    keys: (bucket, cursor) => call({ op: 'kv.keys', url, bucket, cursor }),
    increment: (bucket, key, delta) => call({ op: 'kv.increment', url, bucket, key, delta }),
    getMany: (bucket, keys) => call({ op: 'kv.get-many', url, bucket, keys }),
    setMany: (bucket, entries) => call({ op: 'kv.set-many', url, bucket, entries }),
    deleteMany: (bucket, keys) => call({ op: 'kv.delete-many', url, bucket, keys }),
  };
}
