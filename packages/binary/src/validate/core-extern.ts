import type { CoreExternType, CoreValType, RecGroup } from '../ast.js';
import type { CoreFuncDef, CoreTypeSpace } from './core-identity.js';
import type { CoreTypeEntry } from './core-types.js';
import { fail } from './invalid.js';
import type { CoreExt, CoreSig } from './model.js';

// Core value and extern types as the validator compares them: value types as strings (`i32`, `(ref null $3)`), with
// the written form and its type space kept beside them for the checks that need type identity.

/** Builds the signatures of function types defined in `owner`, remembering where their type indices point. */
export const funcSigIn = (owner: CoreTypeEntry[]) => {
  const space = spaceOf(owner);
  return (c: { params: CoreValType[]; results: CoreValType[] }, index: number): CoreSig => ({ params: c.params.map(cvt), results: c.results.map(cvt), def: { params: c.params, results: c.results, space, index } });
};

const spaces = new WeakMap<CoreTypeEntry[], CoreTypeSpace>();
/** The type space of a component's (or module type's) core types: an aliased entry resolves in its own owner. */
export function spaceOf(owner: CoreTypeEntry[]): CoreTypeSpace {
  let space = spaces.get(owner);
  if (!space) {
    space = (i) => {
      const e = owner[i];
      if (e === undefined || e.kind === 'module') return undefined;
      return { composite: e.composite, space: spaceOf(e.owner), index: e.index, groupStart: e.groupStart, groupEnd: e.groupEnd, final: e.final, supertype: e.supertype };
    };
    spaces.set(owner, space);
  }
  return space;
}

/** For each type index of a module, where its recursion group starts and ends. */
export function recGroupBounds(groups: RecGroup[], count: number): { start: Uint32Array; end: Uint32Array } {
  const start = new Uint32Array(count);
  const end = new Uint32Array(count);
  let i = 0;
  for (const g of groups) {
    const s = i;
    const e = i + g.types.length;
    for (; i < e; i++) {
      start[i] = s;
      end[i] = e;
    }
  }
  return { start, end };
}

/** The written form of a signature: a built-in's has only numeric and abstract reference types, readable from its strings. */
export function defOf(sig: CoreSig): CoreFuncDef {
  return sig.def ?? { params: sig.params.map(coreValTypeOf), results: sig.results.map(coreValTypeOf), space: () => undefined, index: -1 };
}

/** Reads back what `cvt` wrote. */
export function coreValTypeOf(t: string): CoreValType {
  if (t === 'i32' || t === 'i64' || t === 'f32' || t === 'f64' || t === 'v128') return t;
  const short = /^(\w+)ref$/.exec(t);
  if (short) return { ref: { abstract: short[1]! }, nullable: true, short: true };
  const long = /^\(ref (null )?(\$?)(\w+)\)$/.exec(t);
  if (!long) return fail('invalid-type', `unreadable core type \`${t}\``);
  return { ref: long[2] ? { index: Number(long[3]) } : { abstract: long[3]! }, nullable: long[1] !== undefined };
}

export function cvt(t: CoreValType): string {
  if (typeof t === 'string') return t;
  const h = 'index' in t.ref ? `$${t.ref.index}` : t.ref.abstract;
  return t.short ? `${h}ref` : `(ref ${t.nullable ? 'null ' : ''}${h})`;
}

/** `space`: where the type indices of a table's or global's reference type point. */
export function coreExt(t: CoreExternType, funcSig: (i: number) => CoreSig, space: CoreTypeSpace): CoreExt {
  switch (t.kind) {
    case 'func': return { kind: 'func', sig: funcSig(t.type) };
    case 'tag': return { kind: 'tag', sig: funcSig(t.type) };
    case 'table':
      checkLimits(t.limits);
      return { kind: 'table', element: cvt(t.element), min: t.limits.min, max: t.limits.max, is64: t.limits.is64, shared: t.limits.shared, def: { type: t.element, space } };
    case 'memory':
      checkMemoryType(t.limits);
      return { kind: 'memory', min: t.limits.min, max: t.limits.max, is64: t.limits.is64, shared: t.limits.shared, pageSizeLog2: t.limits.pageSizeLog2 };
    case 'global': return { kind: 'global', type: cvt(t.type), mutable: t.mutable, def: { type: t.type, space } };
  }
}

/** A core memory type as wasmparser's `check_memory_type`: limits, page size 1 or 64 KiB, at most 4 GiB (2^64 bytes for memory64). */
function checkMemoryType(l: { min: bigint; max?: bigint; is64: boolean; shared: boolean; pageSizeLog2?: number }): void {
  checkLimits(l);
  if (l.pageSizeLog2 !== undefined && l.pageSizeLog2 !== 0 && l.pageSizeLog2 !== 16) fail('invalid-type', 'invalid custom page size');
  const pageSize = 1n << BigInt(l.pageSizeLog2 ?? 16);
  const addressable = l.is64 ? 1n << 64n : 1n << 32n;
  const cap = addressable / pageSize >= addressable ? addressable - 1n : addressable / pageSize;
  if (l.min > cap || (l.max !== undefined && l.max > cap)) fail('invalid-type', `memory size must be at most 0x${cap.toString(16)} ${pageSize}-byte pages`);
  if (l.shared && l.max === undefined) fail('invalid-type', 'shared memory must have maximum size');
}

/** Core limits as wasmparser's `check_limits` (memory/table types written in module types are not seen by V8). */
function checkLimits(l: { min: bigint; max?: bigint }): void {
  if (l.max !== undefined && l.min > l.max) fail('invalid-type', 'size minimum must not be greater than maximum');
}
