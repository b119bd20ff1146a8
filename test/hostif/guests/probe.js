// Forwards each call to wasi:config, wasi:logging or wasi:keyvalue, so the tests drive the host plugins with `weld call`.
import { get, getAll } from 'wasi:config/store@0.2.0-rc.1';
import { log } from 'wasi:logging/logging@0.1.0-draft';
import { open } from 'wasi:keyvalue/store@0.2.0-draft';
import { increment } from 'wasi:keyvalue/atomics@0.2.0-draft';
import { getMany, setMany, deleteMany } from 'wasi:keyvalue/batch@0.2.0-draft';

const enc = new TextEncoder();
const dec = new TextDecoder();

function describe(e) {
  const p = e && e.payload !== undefined ? e.payload : e;
  if (p && typeof p === 'object' && 'tag' in p) return p.val === undefined ? p.tag : `${p.tag}: ${p.val}`;
  return String(p);
}

function guard(f) {
  try {
    return f();
  } catch (e) {
    throw describe(e);
  }
}

export const probe = {
  configGet: (key) => guard(() => get(key)),
  configAll: () => guard(() => getAll()),
  log(level, context, message) {
    log(level, context, message);
  },
  kvSet: (bucket, key, value) => guard(() => open(bucket).set(key, enc.encode(value))),
  kvGet: (bucket, key) =>
    guard(() => {
      const v = open(bucket).get(key);
      return v === undefined ? undefined : dec.decode(v);
    }),
  kvDelete: (bucket, key) =>
    guard(() => {
      const b = open(bucket);
      const existed = b.exists(key);
      b.delete(key);
      return existed;
    }),
  kvKeys: (bucket) =>
    guard(() => {
      const b = open(bucket);
      const keys = [];
      let cursor;
      do {
        const page = b.listKeys(cursor);
        keys.push(...page.keys);
        cursor = page.cursor;
      } while (cursor !== undefined);
      return keys.sort();
    }),
  kvIncrement: (bucket, key, delta) => guard(() => increment(open(bucket), key, delta)),
  kvSetMany: (bucket, pairs) => guard(() => setMany(open(bucket), pairs.map(([k, v]) => [k, enc.encode(v)]))),
  kvGetMany: (bucket, keys) => guard(() => getMany(open(bucket), keys).map((e) => (e === undefined ? undefined : [e[0], dec.decode(e[1])]))),
  kvDeleteMany: (bucket, keys) => guard(() => deleteMany(open(bucket), keys)),
};
