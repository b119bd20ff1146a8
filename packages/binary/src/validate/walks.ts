import type { Entity, RDefined, RDefinedBody, RModule, RResource, RType, RVal } from './model.js';
import { res } from './model.js';

// Walks over resolved types: the resources they mention, their size and depth (wasmparser's limits), with memo tables
// that live for one validation.

export function someVal(v: RVal | undefined, pred: (d: RDefinedBody) => boolean, seen = new Set<RDefined>()): boolean {
  if (v === undefined || typeof v === 'string' || seen.has(v)) return false;
  seen.add(v);
  const b = v.body;
  if (pred(b)) return true;
  switch (b.kind) {
    case 'record': return b.fields.some((f) => someVal(f.type, pred, seen));
    case 'variant': return b.cases.some((c) => someVal(c.type, pred, seen));
    case 'list': return someVal(b.element, pred, seen);
    case 'map': return someVal(b.key, pred, seen) || someVal(b.value, pred, seen);
    case 'tuple': return b.types.some((t) => someVal(t, pred, seen));
    case 'option': return someVal(b.type, pred, seen);
    case 'result': return someVal(b.ok, pred, seen) || someVal(b.err, pred, seen);
    case 'stream':
    case 'future': return someVal(b.element, pred, seen);
    default: return false;
  }
}

export const hasBorrow = (v: RVal | undefined): boolean => someVal(v, (b) => b.kind === 'borrow');

export function resourcesIn(v: RVal | undefined, out = new Set<RResource>()): Set<RResource> {
  someVal(v, (b) => {
    if (b.kind === 'own' || b.kind === 'borrow') out.add(res(b.resource));
    return false;
  });
  return out;
}

/**
 * Memo tables for one validation (`withTypeMemo`): plain Maps that die with it. Module-level WeakMaps did the same
 * job but outlived every run, and each young-generation GC had to walk their entries: half of a world extraction's
 * time went to the garbage collector.
 */
interface TypeMemo {
  size: Map<object, number>;
  resources: Map<object, Set<RResource>>;
  depth: Map<RDefined, number>;
}
let memo: TypeMemo | undefined;

/** Runs `fn` (a validation) with fresh memo tables for `typeSize` and `entityResources`. */
export function withTypeMemo<T>(fn: () => T): T {
  const outer = memo;
  memo = { size: new Map(), resources: new Map(), depth: new Map() };
  try {
    return fn();
  } finally {
    memo = outer;
  }
}

export function entityResources(e: Entity, out = new Set<RResource>()): Set<RResource> {
  if (typeof e.type === 'object' && e.type !== null && memo) {
    let cached = memo.resources.get(e.type);
    if (!cached) {
      cached = entityResourcesUncached(e, new Set());
      memo.resources.set(e.type, cached);
    }
    for (const r of cached) out.add(r);
    return out;
  }
  return entityResourcesUncached(e, out);
}

function entityResourcesUncached(e: Entity, out: Set<RResource>): Set<RResource> {
  switch (e.sort) {
    case 'func':
      for (const p of e.type.params) resourcesIn(p.type, out);
      resourcesIn(e.type.result, out);
      break;
    case 'value':
      resourcesIn(e.type, out);
      break;
    case 'type':
      if (e.type.kind === 'resource') out.add(res(e.type));
      else if (e.type.kind === 'defined') resourcesIn(e.type, out);
      else if (e.type.kind === 'func') entityResources({ sort: 'func', type: e.type }, out);
      else if (e.type.kind === 'instance') for (const x of e.type.exports.values()) entityResources(x, out);
      break;
    case 'instance':
      for (const x of e.type.exports.values()) entityResources(x, out);
      break;
    default:
      break;
  }
  return out;
}

/**
 * Resources a type mentions without binding them itself (wasmparser's `free_variables_any_type_id`): a component
 * type binds the resources it imports and exports abstractly, an instance type those it exports abstractly.
 */
export function freeResources(t: RType, out = new Set<RResource>()): Set<RResource> {
  const bound = (own: Set<RResource>, bind: RResource[]) => {
    const roots = new Set(bind.map(res));
    for (const r of own) if (!roots.has(r)) out.add(r);
  };
  const ofEntity = (e: Entity, into: Set<RResource>) => {
    if (e.sort === 'component' || e.sort === 'instance' || (e.sort === 'type' && (e.type.kind === 'component' || e.type.kind === 'instance'))) freeResources(e.type as RType, into);
    else if (e.sort !== 'module') entityResourcesUncached(e, into);
  };
  switch (t.kind) {
    case 'component': {
      const inner = new Set<RResource>();
      for (const e of t.imports.values()) ofEntity(e, inner);
      for (const e of t.exports.values()) ofEntity(e, inner);
      bound(inner, [...t.imported, ...t.defined]);
      break;
    }
    case 'instance': {
      const inner = new Set<RResource>();
      for (const e of t.exports.values()) ofEntity(e, inner);
      bound(inner, t.defined);
      break;
    }
    default:
      entityResourcesUncached({ sort: 'type', type: t }, out);
  }
  return out;
}

/**
 * Effective size of a type (wasmparser's `type_info` size): bounds the work any type can cause. Shared sub-types are
 * counted once per path but computed once: memoized for the whole validation inside `withTypeMemo`, else per call.
 */
export function typeSize(t: RType | RVal | RModule | undefined): number {
  return sizeOf(t, memo?.size ?? new Map());
}

function sizeOf(t: RType | RVal | RModule | undefined, cache: Map<object, number>): number {
  if (t === undefined || typeof t === 'string') return 1;
  const hit = cache.get(t);
  if (hit !== undefined) return hit;
  let n = 1;
  switch (t.kind) {
    case 'defined': {
      const b = t.body;
      switch (b.kind) {
        case 'record': for (const f of b.fields) n += sizeOf(f.type, cache); break;
        case 'variant': for (const c of b.cases) n += sizeOf(c.type, cache); break;
        case 'tuple': for (const x of b.types) n += sizeOf(x, cache); break;
        case 'list': n += sizeOf(b.element, cache); break;
        case 'map': n += sizeOf(b.key, cache) + sizeOf(b.value, cache); break;
        case 'option': n += sizeOf(b.type, cache); break;
        case 'result': n += sizeOf(b.ok, cache) + sizeOf(b.err, cache); break;
        case 'stream': case 'future': n += sizeOf(b.element, cache); break;
        default: break;
      }
      break;
    }
    case 'func':
      for (const p of t.params) n += sizeOf(p.type, cache);
      n += sizeOf(t.result, cache);
      break;
    case 'instance': for (const e of t.exports.values()) n += sizeOf(e.type as RType, cache); break;
    case 'component':
      for (const e of t.imports.values()) n += sizeOf(e.type as RType, cache);
      for (const e of t.exports.values()) n += sizeOf(e.type as RType, cache);
      break;
    case 'module': n += t.imports.length + t.exports.size; break;
    default: break;
  }
  cache.set(t, n);
  return n;
}

export function childRefs(b: RDefinedBody): unknown[] {
  switch (b.kind) {
    case 'record': return b.fields.map((f) => f.type);
    case 'variant': return b.cases.map((c) => c.type);
    case 'list': return [b.element];
    case 'map': return [b.key, b.value];
    case 'tuple': return b.types;
    case 'option': return [b.type];
    case 'result': return [b.ok, b.err];
    case 'own': case 'borrow': return [b.resource];
    case 'stream': case 'future': return [b.element];
    default: return [];
  }
}
export const shallowRefs = (b: RDefinedBody) => childRefs(b).length;

/** Nesting depth as wasmparser's `TypeInfo` counts it: a primitive, handle, flags or enum is 1, `(list u32)` is 2. */
export function typeDepth(v: RVal | undefined): number {
  return depthOf(v, memo?.depth ?? new Map());
}

function depthOf(v: RVal | undefined, cache: Map<RDefined, number>): number {
  if (v === undefined || typeof v === 'string') return 1;
  const hit = cache.get(v);
  if (hit !== undefined) return hit;
  const b = v.body;
  let inner = 0;
  const add = (x: RVal | undefined) => { if (x !== undefined) inner = Math.max(inner, depthOf(x, cache)); };
  switch (b.kind) {
    case 'record': for (const f of b.fields) add(f.type); break;
    case 'variant': for (const c of b.cases) add(c.type); break;
    case 'tuple': for (const t of b.types) add(t); break;
    case 'list': add(b.element); break;
    case 'map': add(b.key); add(b.value); break;
    case 'option': add(b.type); break;
    case 'result': add(b.ok); add(b.err); break;
    case 'stream': case 'future': add(b.element); break;
    default: break;
  }
  cache.set(v, inner + 1);
  return inner + 1;
}
