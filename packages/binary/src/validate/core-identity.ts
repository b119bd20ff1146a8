import type { CompositeType, CoreValType, StorageType } from '../ast.js';
import type { CoreSig } from './model.js';

/**
 * Core type identity as wasm GC defines it: two types are the same when their recursion groups are structurally the
 * same (references inside a group by position, outside it by the identity of what they name) and they sit at the same
 * place in them; a type matches another when it is it or declares it as a (transitive) supertype. Finality counts.
 */

/** Where a core type's concrete references resolve: the type at an index, placed in the space that defines it. */
export type CoreTypeSpace = (index: number) => ResolvedCoreType | undefined;
/**
 * A defined core type. `index`, the recursion group range and `supertype` are positions in `space` (an aliased type
 * keeps the space of the component that defined it).
 */
export interface ResolvedCoreType {
  composite: CompositeType; space: CoreTypeSpace;
  index: number; groupStart: number; groupEnd: number; final: boolean; supertype?: number;
}
/** A core function type as written, and where it is defined. */
export interface CoreFuncDef { params: readonly CoreValType[]; results: readonly CoreValType[]; space: CoreTypeSpace; index: number }

/** A core value type as written, and where its type index (if any) points. */
export interface CoreValDef { type: CoreValType; space: CoreTypeSpace }

/** Identities handed out during one validation: a type's number stands for it inside the keys of types naming it. */
let ids: Map<string, number> | undefined;
let idMemo: WeakMap<CoreTypeSpace, Map<number, number>> | undefined;

/** Runs `fn` with its own table of type identities (so the table does not outlive one validation). */
export function withCoreTypeIdentity<T>(fn: () => T): T {
  const outer = [ids, idMemo] as const;
  ids = new Map();
  idMemo = new WeakMap();
  try {
    return fn();
  } finally {
    [ids, idMemo] = outer;
  }
}

/** Whether a function of type `actual` may stand where `expected` is wanted (wasmparser's `matches` on core func types). */
export function funcTypeMatches(actual: CoreSig, expected: CoreSig): boolean {
  if (actual === expected) return true;
  const a = resolved(actual);
  const e = resolved(expected);
  // the common case, function types of numbers alone, each in a group of its own: the written forms decide
  if (isPlain(actual, a) && isPlain(expected, e) && actual.params.join() === expected.params.join() && actual.results.join() === expected.results.join()) return true;
  if (!ids) return withCoreTypeIdentity(() => funcTypeMatches(actual, expected));
  const want = e ? typeId(e) : plainId(expected);
  if (!a) return plainId(actual) === want;
  for (let t: ResolvedCoreType | undefined = a, depth = 0; t && depth <= 64; t = t.supertype === undefined ? undefined : t.space(t.supertype), depth++) {
    if (typeId(t) === want) return true;
  }
  return false;
}

/** Whether two value types are the same type (wasmparser compares global and table types by equality). */
export function valTypesEqual(a: CoreValDef, e: CoreValDef): boolean {
  const x = a.type;
  const y = e.type;
  if (typeof x === 'string' || typeof y === 'string') return x === y;
  if (x.nullable !== y.nullable) return false;
  const hx = x.ref;
  const hy = y.ref;
  if (!('index' in hx) || !('index' in hy)) return !('index' in hx) && !('index' in hy) && hx.abstract === hy.abstract && Boolean(hx.shared) === Boolean(hy.shared);
  const tx = a.space(hx.index);
  const ty = e.space(hy.index);
  if (!tx || !ty) return false;
  if (!ids) return withCoreTypeIdentity(() => typeId(tx) === typeId(ty));
  return typeId(tx) === typeId(ty);
}

/** How two function types that look alike differ in identity, for an error message; undefined when they do not. */
export function identityDifference(actual: CoreSig, expected: CoreSig): string | undefined {
  if (actual.params.join() !== expected.params.join() || actual.results.join() !== expected.results.join()) return undefined;
  const a = resolved(actual);
  const e = resolved(expected);
  const where = (t: ResolvedCoreType | undefined) =>
    !t ? 'final, in a recursion group of its own'
      : `${t.final ? 'final' : 'not final'}${t.supertype === undefined ? '' : `, a subtype of type ${t.supertype}`}, ${t.groupEnd - t.groupStart === 1 ? 'in a recursion group of its own' : `type ${t.index - t.groupStart} of a recursion group of ${t.groupEnd - t.groupStart}`}`;
  return `the function types are written alike but are different types: expected is ${where(e)}; found is ${where(a)}`;
}

function resolved(sig: CoreSig): ResolvedCoreType | undefined {
  return sig.def && sig.def.space(sig.def.index);
}

/** Final, no supertype, alone in its group and no concrete references: identity is structure. */
function isPlain(sig: CoreSig, t: ResolvedCoreType | undefined): boolean {
  if (t && (!t.final || t.supertype !== undefined || t.groupEnd - t.groupStart !== 1)) return false;
  return !sig.params.some(hasIndex) && !sig.results.some(hasIndex);
}

const hasIndex = (written: string) => written.includes('$');

/** Identity of a signature known only by its written form (a built-in's): a final function type in a group of its own. */
function plainId(sig: CoreSig): number {
  return intern(`f:func(${sig.params.map(normalize).join(',')})->(${sig.results.map(normalize).join(',')})/0`);
}

/** The written forms `funcref` and `(ref null func)` are one type. */
function normalize(written: string): string {
  const short = /^(\w+)ref$/.exec(written);
  return short ? `null ${short[1]}` : written.replace(/^\(ref (.*)\)$/, '$1');
}

function typeId(t: ResolvedCoreType): number {
  let memo = idMemo!.get(t.space);
  if (!memo) idMemo!.set(t.space, (memo = new Map()));
  let id = memo.get(t.index);
  if (id === undefined) {
    id = intern(`${groupKey(t.space, t.groupStart, t.groupEnd)}/${t.index - t.groupStart}`);
    memo.set(t.index, id);
  }
  return id;
}

function intern(key: string): number {
  let id = ids!.get(key);
  if (id === undefined) ids!.set(key, (id = ids!.size));
  return id;
}

/** A recursion group's structure: references into the group by position, others by the identity of what they name. */
function groupKey(space: CoreTypeSpace, start: number, end: number): string {
  const ref = (i: number): string => {
    if (i >= start && i < end) return `#${i - start}`;
    const t = space(i);
    return t ? `@${typeId(t)}` : `?${i}`;
  };
  const val = (v: StorageType): string => {
    if (typeof v === 'string') return v;
    const h = v.ref;
    const heap = 'index' in h ? ref(h.index) : `${h.shared ? 'shared ' : ''}${h.abstract}`;
    return v.nullable ? `null ${heap}` : heap;
  };
  const parts: string[] = [];
  for (let i = start; i < end; i++) {
    const t = space(i);
    if (!t) return `?${start}`;
    const c = t.composite;
    let body: string;
    switch (c.kind) {
      case 'func': body = `func(${c.params.map(val).join(',')})->(${c.results.map(val).join(',')})`; break;
      case 'struct': body = `struct(${c.fields.map((f) => `${f.mutable ? 'mut ' : ''}${val(f.type)}`).join(',')})`; break;
      case 'array': body = `array(${c.field.mutable ? 'mut ' : ''}${val(c.field.type)})`; break;
      case 'cont': body = `cont(${ref(c.index)})`; break;
    }
    parts.push(`${t.final ? 'f' : 'n'}${t.supertype === undefined ? '' : `<${ref(t.supertype)}`}:${c.shared ? 'shared ' : ''}${body}`);
  }
  return parts.join(';');
}
