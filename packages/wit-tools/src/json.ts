/** The model as the JSON `wasm-tools component wit --json` prints (wit-parser's serde layout). */
import type { Field, Resolve, Stability, Type, TypeDef, TypeDefKind, WitFunction, World, WorldItem, WorldKey, Interface } from './model.js';
import { packageNameString } from './model.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function docs(out: Record<string, Json>, d: string | undefined): void {
  if (d !== undefined) out.docs = { contents: d };
}

function stability(out: Record<string, Json>, s: Stability): void {
  if (s.tag === 'unknown') return;
  const inner: Record<string, Json> = s.tag === 'stable' ? { since: s.since } : { feature: s.feature };
  if (s.deprecated !== undefined) inner.deprecated = s.deprecated;
  out.stability = { [s.tag]: inner };
}

const ty = (t: Type): Json => t;
const optTy = (t: Type | undefined): Json => (t === undefined ? null : t);

function kindJson(k: TypeDefKind): Json {
  switch (k.tag) {
    case 'record': return { record: { fields: k.fields.map(fieldJson) } };
    case 'resource': return 'resource';
    case 'handle': return { handle: { [k.handle]: k.resource } };
    case 'flags': return { flags: { flags: k.flags.map((f) => withDocs({ name: f.name }, f.docs)) } };
    case 'tuple': return { tuple: { types: k.types.map(ty) } };
    case 'variant': return { variant: { cases: k.cases.map((c) => withDocs({ name: c.name, type: optTy(c.type) }, c.docs)) } };
    case 'enum': return { enum: { cases: k.cases.map((c) => withDocs({ name: c.name }, c.docs)) } };
    case 'option': return { option: ty(k.type) };
    case 'result': return { result: { ok: optTy(k.ok), err: optTy(k.err) } };
    case 'list': return { list: ty(k.type) };
    case 'map': return { map: [ty(k.key), ty(k.value)] };
    case 'fixed-length-list': return { 'fixed-length-list': [ty(k.type), k.size] };
    case 'future': return { future: optTy(k.type) };
    case 'stream': return { stream: optTy(k.type) };
    case 'type': return { type: ty(k.type) };
    case 'unknown': return 'unknown';
  }
}

function withDocs(o: Record<string, Json>, d: string | undefined): Record<string, Json> {
  docs(o, d);
  return o;
}

function fieldJson(f: Field): Json {
  return withDocs({ name: f.name, type: ty(f.type) }, f.docs);
}

export function functionJson(f: WitFunction): Json {
  const kind: Json = 'resource' in f.kind ? { [f.kind.tag]: f.kind.resource } : f.kind.tag;
  const out: Record<string, Json> = {
    name: f.name,
    kind,
    params: f.params.map((p): Json => (p.name === '' ? { type: ty(p.type) } : { name: p.name, type: ty(p.type) })),
  };
  if (f.result !== undefined) out.result = ty(f.result);
  docs(out, f.docs);
  stability(out, f.stability);
  if (f.externalId !== undefined) out.external_id = f.externalId;
  return out;
}

function worldKeyJson(k: WorldKey): string {
  return typeof k === 'string' ? k : `interface-${k}`;
}

function worldItemJson(item: WorldItem): Json {
  switch (item.tag) {
    case 'interface': {
      const inner: Record<string, Json> = { id: item.id };
      stability(inner, item.stability);
      if (item.externalId !== undefined) inner.external_id = item.externalId;
      docs(inner, item.docs);
      return { interface: inner };
    }
    case 'function': return { function: functionJson(item.func) };
    case 'type': return { type: item.id };
  }
}

function itemsJson(items: Map<WorldKey, WorldItem>): Json {
  const out: Record<string, Json> = {};
  for (const [k, v] of items) out[worldKeyJson(k)] = worldItemJson(v);
  return out;
}

function worldJson(w: World): Json {
  const out: Record<string, Json> = { name: w.name, imports: itemsJson(w.imports), exports: itemsJson(w.exports), package: w.package ?? null };
  docs(out, w.docs);
  stability(out, w.stability);
  return out;
}

function interfaceJson(i: Interface): Json {
  const types: Record<string, Json> = {};
  for (const [k, v] of i.types) types[k] = v;
  const functions: Record<string, Json> = {};
  for (const [k, v] of i.functions) functions[k] = functionJson(v);
  const out: Record<string, Json> = { name: i.name ?? null, types, functions };
  docs(out, i.docs);
  stability(out, i.stability);
  out.package = i.package ?? null;
  if (i.cloneOf !== undefined) out.clone_of = i.cloneOf;
  return out;
}

function typeJson(t: TypeDef): Json {
  const owner: Json = t.owner.tag === 'none' ? null : { [t.owner.tag]: t.owner.id };
  const out: Record<string, Json> = { name: t.name ?? null, kind: kindJson(t.kind), owner };
  docs(out, t.docs);
  stability(out, t.stability);
  if (t.externalId !== undefined) out.external_id = t.externalId;
  return out;
}

/** The `Resolve` as a plain JSON value in wit-parser's layout (stringify with 2-space indent to compare). */
export function toJSON(resolve: Resolve): unknown {
  return {
    worlds: resolve.worlds.map(worldJson),
    interfaces: resolve.interfaces.map(interfaceJson),
    types: resolve.types.map(typeJson),
    packages: resolve.packages.map((p) => {
      const out: Record<string, Json> = { name: packageNameString(p.name) };
      docs(out, p.docs);
      const interfaces: Record<string, Json> = {};
      for (const [k, v] of p.interfaces) interfaces[k] = v;
      const worlds: Record<string, Json> = {};
      for (const [k, v] of p.worlds) worlds[k] = v;
      out.interfaces = interfaces;
      out.worlds = worlds;
      return out;
    }),
  };
}

/** `toJSON` serialized exactly like serde_json's pretty printer. */
export function toJSONString(resolve: Resolve): string {
  return JSON.stringify(toJSON(resolve), null, 2);
}
