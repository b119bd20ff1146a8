import { kvBackend, type KvBackend } from './kv-backends.js';
import type { HostPlugin } from './types.js';
import { hostError, messageOf, versionless } from './util.js';

type KvError = { tag: 'no-such-store' } | { tag: 'access-denied' } | { tag: 'other'; val: string };

function kvFailure(e: unknown): Error {
  return hostError({ tag: 'other', val: messageOf(e) } satisfies KvError);
}

/**
 * `wasi:keyvalue` store, atomics and batch (0.2.0-draft, as wasmCloud's wash-runtime) on memory or Redis:
 * `config.url` is `mem` or `redis://…`. In Redis, key K of bucket B is stored as `B:K`; a bucket name may not
 * contain ':' so that no two buckets share a key.
 */
const keyvaluePlugin: HostPlugin = {
  name: 'keyvalue',
  interfaces: ['wasi:keyvalue/store@0.2.0-draft', 'wasi:keyvalue/atomics@0.2.0-draft', 'wasi:keyvalue/batch@0.2.0-draft'],
  create({ component, config, imports }) {
    const url = config.url ?? 'mem';
    const backend: KvBackend = kvBackend(url, component);
    const guard = <T>(f: () => T): T => {
      try {
        return f();
      } catch (e) {
        throw (e as { payload?: unknown }).payload !== undefined ? e : kvFailure(e);
      }
    };

    class Bucket {
      constructor(readonly name: string) {}
      get(key: string) {
        return guard(() => backend.get(this.name, key));
      }
      set(key: string, value: Uint8Array) {
        guard(() => backend.set(this.name, key, value));
      }
      delete(key: string) {
        guard(() => backend.delete(this.name, key));
      }
      exists(key: string) {
        return guard(() => backend.exists(this.name, key));
      }
      listKeys(cursor: bigint | undefined) {
        return guard(() => backend.keys(this.name, cursor));
      }
    }

    const bucketOf = (b: unknown): Bucket => {
      if (!(b instanceof Bucket)) throw kvFailure('not a bucket of this store');
      return b;
    };
    const byInterface: Record<string, object> = {
      'wasi:keyvalue/store': {
        Bucket,
        open(identifier: string) {
          if (identifier.includes(':')) throw hostError({ tag: 'other', val: `bucket names may not contain ':' (${JSON.stringify(identifier)})` } satisfies KvError);
          return new Bucket(identifier);
        },
      },
      'wasi:keyvalue/atomics': {
        increment: (bucket: Bucket, key: string, delta: bigint) => guard(() => backend.increment(bucketOf(bucket).name, key, delta)),
      },
      'wasi:keyvalue/batch': {
        getMany: (bucket: Bucket, keys: string[]) => guard(() => backend.getMany(bucketOf(bucket).name, keys)),
        setMany: (bucket: Bucket, entries: Array<[string, Uint8Array]>) => guard(() => backend.setMany(bucketOf(bucket).name, entries)),
        deleteMany: (bucket: Bucket, keys: string[]) => guard(() => backend.deleteMany(bucketOf(bucket).name, keys)),
      },
    };
    return { imports: Object.fromEntries(imports.map((name) => [name, byInterface[versionless(name)]!])), close() {} };
  },
};

export default keyvaluePlugin;
