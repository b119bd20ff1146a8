/**
 * The `package-docs` custom section of a binary WIT package: docs and `@since`/`@unstable`/`@deprecated` gates, which
 * the component binary format cannot carry. Same bytes as wit-parser's `metadata.rs` (`PackageMetadata`): a version
 * byte (1; 0 is read too) and compact JSON whose keys come in serde's field order and are left out when empty.
 */
import {
  interfaceIdString, type Case, type Interface, type EnumCase, type Field, type Flag, type InterfaceId, type PackageId, type Resolve,
  type Stability, type TypeId, type WitFunction, type WorldId, type WorldItem, type WorldKey,
} from '@weld/wit-tools';
import { BinaryError } from '../error.js';

export const PACKAGE_DOCS_SECTION = 'package-docs';
const VERSION = 1;

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

// ---------- extract (model → JSON) ----------

function stabilityJson(s: Stability): Json {
  if (s.tag === 'stable') return { stable: { since: s.since, ...(s.deprecated !== undefined ? { deprecated: s.deprecated } : {}) } };
  if (s.tag === 'unstable') return { unstable: { feature: s.feature, ...(s.deprecated !== undefined ? { deprecated: s.deprecated } : {}) } };
  return 'unknown';
}

/** Builds an object in the given key order, leaving out `undefined` values and empty maps. */
function obj(entries: [string, Json | undefined][]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

const stab = (s: Stability): Json | undefined => (s.tag === 'unknown' ? undefined : stabilityJson(s));
const isEmpty = (o: JsonObject) => Object.keys(o).length === 0;

function funcJson(f: WitFunction): JsonObject {
  return obj([['docs', f.docs], ['stability', stab(f.stability)]]);
}

function typeJson(r: Resolve, id: TypeId): JsonObject {
  const t = r.types[id]!;
  const k = t.kind;
  const named: (Field | Flag | Case | EnumCase)[] =
    k.tag === 'record' ? k.fields : k.tag === 'flags' ? k.flags : k.tag === 'variant' || k.tag === 'enum' ? k.cases : [];
  const items: JsonObject = {};
  for (const it of named) if (it.docs !== undefined) items[it.name] = it.docs;
  return obj([['docs', t.docs], ['stability', stab(t.stability)], ['items', items]]);
}

function interfaceJson(r: Resolve, id: InterfaceId): JsonObject {
  const i = r.interfaces[id]!;
  const funcs: JsonObject = {};
  for (const [n, f] of i.functions) {
    const m = funcJson(f);
    if (!isEmpty(m)) funcs[n] = m;
  }
  const types: JsonObject = {};
  for (const [n, t] of i.types) {
    const m = typeJson(r, t);
    if (!isEmpty(m)) types[n] = m;
  }
  return obj([['docs', i.docs], ['stability', stab(i.stability)], ['funcs', funcs], ['types', types]]);
}

function worldKeyString(r: Resolve, key: WorldKey): string {
  return typeof key === 'string' ? key : interfaceIdString(r, key)!;
}

function worldJson(r: Resolve, id: WorldId): JsonObject {
  const w = r.worlds[id]!;
  const interfaces: JsonObject = {};
  const types: JsonObject = {};
  const funcs: JsonObject = {};
  const interfaceExports: JsonObject = {};
  const funcExports: JsonObject = {};
  const importStability: JsonObject = {};
  const exportStability: JsonObject = {};
  const importDocs: JsonObject = {};
  const exportDocs: JsonObject = {};
  const byReference = (key: WorldKey, item: WorldItem & { tag: 'interface' }, imp: boolean) => {
    const n = worldKeyString(r, key);
    if (item.stability.tag !== 'unknown') (imp ? importStability : exportStability)[n] = stabilityJson(item.stability);
    if (item.docs !== undefined) (imp ? importDocs : exportDocs)[n] = item.docs;
  };
  const visit = (key: WorldKey, item: WorldItem, imp: boolean) => {
    if (typeof key !== 'string') {
      if (item.tag === 'interface') byReference(key, item, imp);
      return;
    }
    if (item.tag === 'interface') {
      if (r.interfaces[item.id]!.name !== undefined) return byReference(key, item, imp);
      const m = interfaceJson(r, item.id);
      if (!isEmpty(m)) (imp ? interfaces : interfaceExports)[key] = m;
    } else if (item.tag === 'type') {
      const m = typeJson(r, item.id);
      if (!isEmpty(m)) types[key] = m;
    } else {
      const m = funcJson(item.func);
      if (!isEmpty(m)) (imp ? funcs : funcExports)[key] = m;
    }
  };
  for (const [k, it] of w.imports) visit(k, it, true);
  for (const [k, it] of w.exports) visit(k, it, false);
  return obj([
    ['docs', w.docs], ['stability', stab(w.stability)], ['interfaces', interfaces], ['types', types], ['funcs', funcs],
    ['interface_exports', interfaceExports], ['func_exports', funcExports],
    ['interface_import_stability', importStability], ['interface_export_stability', exportStability],
    ['interface_import_docs', importDocs], ['interface_export_docs', exportDocs],
  ]);
}

/** The section's payload for package `pkg`: version byte, then the JSON (written even when it is `{}`). */
export function encodePackageDocs(r: Resolve, pkg: PackageId): Uint8Array {
  const p = r.packages[pkg]!;
  const worlds: JsonObject = {};
  for (const [n, id] of p.worlds) {
    const m = worldJson(r, id);
    if (!isEmpty(m)) worlds[n] = m;
  }
  const interfaces: JsonObject = {};
  for (const [n, id] of p.interfaces) {
    const m = interfaceJson(r, id);
    if (!isEmpty(m)) interfaces[n] = m;
  }
  const json = JSON.stringify(obj([['docs', p.docs], ['worlds', worlds], ['interfaces', interfaces]]));
  const body = new TextEncoder().encode(json);
  const out = new Uint8Array(body.length + 1);
  out[0] = VERSION;
  out.set(body, 1);
  return out;
}

// ---------- inject (JSON → model) ----------

class Reader {
  constructor(private readonly offset: number) {}

  fail(message: string): never {
    throw new BinaryError('malformed-custom-section', `package-docs: ${message}`, this.offset, 'custom');
  }

  object(v: unknown, where: string, allowed: readonly string[]): JsonObject {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`${where} must be an object`);
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.fail(`unknown field \`${k}\` in ${where}`);
    return v as JsonObject;
  }

  map(v: Json | undefined, where: string): [string, Json][] {
    if (v === undefined) return [];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`${where} must be an object`);
    return Object.entries(v);
  }

  docs(v: Json | undefined, where: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(`${where} must be a string`);
    return v;
  }

  stability(v: Json | undefined, where: string): Stability {
    if (v === undefined || v === 'unknown') return { tag: 'unknown' };
    const o = this.object(v, where, ['stable', 'unstable']);
    const version = (x: Json | undefined, what: string): string | undefined => {
      if (x === undefined || x === null) return undefined;
      if (typeof x !== 'string' || !/^\d+\.\d+\.\d+([-+].*)?$/.test(x)) this.fail(`${where}.${what} must be a semver version`);
      return x;
    };
    if (o.stable !== undefined) {
      const s = this.object(o.stable, `${where}.stable`, ['since', 'deprecated']);
      const since = version(s.since, 'since');
      if (since === undefined) this.fail(`${where}.stable needs \`since\``);
      const dep = version(s.deprecated, 'deprecated');
      return { tag: 'stable', since, ...(dep !== undefined ? { deprecated: dep } : {}) };
    }
    const u = this.object(o.unstable, `${where}.unstable`, ['feature', 'deprecated']);
    if (typeof u.feature !== 'string') this.fail(`${where}.unstable needs \`feature\``);
    const dep = version(u.deprecated, 'deprecated');
    return { tag: 'unstable', feature: u.feature, ...(dep !== undefined ? { deprecated: dep } : {}) };
  }
}

const setDocs = <T extends { docs?: string }>(target: T, docs: string | undefined) => {
  if (docs !== undefined) target.docs = docs;
};

function injectFunc(rd: Reader, f: WitFunction, v: Json, where: string): void {
  // v0 wrote a function's docs as a bare string (or null)
  if (typeof v === 'string' || v === null) {
    if (typeof v === 'string') f.docs = v;
    else delete f.docs;
    return;
  }
  const o = rd.object(v, where, ['docs', 'stability']);
  setDocs(f, rd.docs(o.docs, `${where}.docs`));
  f.stability = rd.stability(o.stability, `${where}.stability`);
}

function injectType(rd: Reader, r: Resolve, id: TypeId, v: Json, where: string): void {
  const o = rd.object(v, where, ['docs', 'stability', 'items']);
  const t = r.types[id]!;
  const items = rd.map(o.items, `${where}.items`);
  if (items.length > 0) {
    const k = t.kind;
    const named: (Field | Flag | Case | EnumCase)[] | undefined =
      k.tag === 'record' ? k.fields : k.tag === 'flags' ? k.flags : k.tag === 'variant' || k.tag === 'enum' ? k.cases : undefined;
    if (named === undefined) rd.fail(`${where} has items but type \`${t.name ?? id}\` is a ${k.tag}`);
    for (const [n, d] of items) {
      const item = named.find((x) => x.name === n);
      if (item === undefined) rd.fail(`${where}.items names \`${n}\`, which type \`${t.name ?? id}\` lacks`);
      setDocs(item, rd.docs(d, `${where}.items.${n}`));
    }
  }
  setDocs(t, rd.docs(o.docs, `${where}.docs`));
  t.stability = rd.stability(o.stability, `${where}.stability`);
}

function injectInterface(rd: Reader, r: Resolve, id: InterfaceId, v: Json, where: string): void {
  const o = rd.object(v, where, ['docs', 'stability', 'funcs', 'types']);
  const i = r.interfaces[id]!;
  for (const [n, t] of rd.map(o.types, `${where}.types`)) {
    const tid = i.types.get(n);
    if (tid === undefined) rd.fail(`missing type \`${n}\` in ${where}`);
    injectType(rd, r, tid, t, `${where}.types.${n}`);
  }
  for (const [n, f] of rd.map(o.funcs, `${where}.funcs`)) {
    const fn = i.functions.get(n);
    if (fn === undefined) rd.fail(`missing function \`${n}\` in ${where}`);
    injectFunc(rd, fn, f, `${where}.funcs.${n}`);
  }
  setDocs(i, rd.docs(o.docs, `${where}.docs`));
  i.stability = rd.stability(o.stability, `${where}.stability`);
  restoreFunctionOrder(i, rd.map(o.funcs, `${where}.funcs`).map(([n]) => n));
}

/**
 * The binary lists an interface's functions sorted (resource functions first, by resource); the section lists the
 * documented ones in source order. Reorders the decoded functions so the documented ones follow the section while the
 * sorted order stays what it was, so that encoding the decoded package writes the same section again.
 */
function restoreFunctionOrder(i: Interface, documented: string[]): void {
  if (documented.length < 2) return;
  const typeOrder = [...i.types.values()];
  const rank = (f: WitFunction) => ('resource' in f.kind ? typeOrder.indexOf(f.kind.resource) : typeOrder.length);
  const byRank = new Map<number, WitFunction[]>();
  for (const f of i.functions.values()) {
    const k = rank(f);
    byRank.set(k, [...(byRank.get(k) ?? []), f]);
  }
  const order: WitFunction[] = [];
  const emitted = new Set<string>();
  const emitUpTo = (f: WitFunction) => {
    for (const g of byRank.get(rank(f))!) {
      if (emitted.has(g.name)) continue;
      emitted.add(g.name);
      order.push(g);
      if (g === f) return;
    }
  };
  for (const n of documented) {
    const f = i.functions.get(n);
    if (f !== undefined && !emitted.has(n)) emitUpTo(f);
  }
  for (const k of [...byRank.keys()].sort((a, b) => a - b)) for (const g of byRank.get(k)!) if (!emitted.has(g.name)) order.push(g);
  i.functions = new Map(order.map((f) => [f.name, f]));
}

const WORLD_FIELDS = [
  'docs', 'stability', 'interfaces', 'types', 'funcs', 'interface_exports', 'func_exports', 'interface_import_stability',
  'interface_export_stability', 'interface_import_docs', 'interface_export_docs',
] as const;

function injectWorld(rd: Reader, r: Resolve, id: WorldId, v: Json, where: string): void {
  const o = rd.object(v, where, WORLD_FIELDS);
  const w = r.worlds[id]!;
  // kebab-named items: `interfaces`/`funcs` hold imports, or exports when no import has the name (v0)
  const named = (n: string, onlyExport: boolean) => (onlyExport ? w.exports.get(n) : w.imports.get(n) ?? w.exports.get(n));
  for (const [field, onlyExport] of [['interfaces', false], ['interface_exports', true]] as const) {
    for (const [n, d] of rd.map(o[field], `${where}.${field}`)) {
      const item = named(n, onlyExport);
      if (item?.tag !== 'interface') rd.fail(`missing interface \`${n}\` in ${where}`);
      const s = rd.object(d, `${where}.${field}.${n}`, ['docs', 'stability', 'funcs', 'types']);
      item.stability = rd.stability(s.stability, `${where}.${field}.${n}.stability`);
      injectInterface(rd, r, item.id, d, `${where}.${field}.${n}`);
    }
  }
  for (const [n, d] of rd.map(o.types, `${where}.types`)) {
    const item = w.imports.get(n);
    if (item?.tag !== 'type') rd.fail(`missing type \`${n}\` in ${where}`);
    injectType(rd, r, item.id, d, `${where}.types.${n}`);
  }
  const byName = (imp: boolean) => {
    const out = new Map<string, WorldItem & { tag: 'interface' }>();
    for (const [k, it] of imp ? w.imports : w.exports) if (it.tag === 'interface') out.set(worldKeyString(r, k), it);
    return out;
  };
  const imports = byName(true);
  const exports = byName(false);
  for (const [field, imp, what] of [
    ['interface_import_stability', true, 'stability'], ['interface_export_stability', false, 'stability'],
    ['interface_import_docs', true, 'docs'], ['interface_export_docs', false, 'docs'],
  ] as const) {
    for (const [n, d] of rd.map(o[field], `${where}.${field}`)) {
      const item = (imp ? imports : exports).get(n);
      if (item === undefined) rd.fail(`missing interface \`${n}\` in ${where}`);
      if (what === 'stability') item.stability = rd.stability(d, `${where}.${field}.${n}`);
      else setDocs(item, rd.docs(d, `${where}.${field}.${n}`));
    }
  }
  for (const [field, onlyExport] of [['funcs', false], ['func_exports', true]] as const) {
    for (const [n, d] of rd.map(o[field], `${where}.${field}`)) {
      const item = named(n, onlyExport);
      if (item?.tag !== 'function') rd.fail(`missing function \`${n}\` in ${where}`);
      injectFunc(rd, item.func, d, `${where}.${field}.${n}`);
    }
  }
  setDocs(w, rd.docs(o.docs, `${where}.docs`));
  w.stability = rd.stability(o.stability, `${where}.stability`);
}

/**
 * Applies a `package-docs` section to package `pkg` of a decoded resolve. `offset` locates the section for errors;
 * malformed JSON, an unknown version or a name the package lacks is a `malformed-custom-section` error.
 */
export function injectPackageDocs(r: Resolve, pkg: PackageId, data: Uint8Array, offset: number): void {
  const rd: Reader = new Reader(offset);
  if (data.length === 0 || (data[0] !== 0 && data[0] !== VERSION)) rd.fail(`expected version ${VERSION}, got ${data.length === 0 ? 'nothing' : data[0]}`);
  let json: Json;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(1))) as Json;
  } catch (e) {
    rd.fail(`not JSON: ${(e as Error).message}`);
  }
  const o = rd.object(json, 'the package', ['docs', 'worlds', 'interfaces']);
  const p = r.packages[pkg]!;
  for (const [n, d] of rd.map(o.worlds, 'worlds')) {
    const id = p.worlds.get(n);
    if (id === undefined) rd.fail(`missing world \`${n}\``);
    injectWorld(rd, r, id, d, `world \`${n}\``);
  }
  for (const [n, d] of rd.map(o.interfaces, 'interfaces')) {
    const id = p.interfaces.get(n);
    if (id === undefined) rd.fail(`missing interface \`${n}\``);
    injectInterface(rd, r, id, d, `interface \`${n}\``);
  }
  setDocs(p, rd.docs(o.docs, 'the package docs'));
}
