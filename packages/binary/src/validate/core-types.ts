import type { CompositeType, CoreValType, FieldType, HeapType, RecGroup, StorageType } from '../ast.js';
import type { CoreSig, RModule } from './model.js';

/**
 * A core type definition as a component (or module type) sees it. `owner` is the index space its type indices point
 * into: an outer alias keeps the defining scope's, so references still resolve where they were written.
 */
export type CoreTypeEntry =
  | ({ kind: 'func'; sig: CoreSig } & DefinedEntry)
  | ({ kind: 'gc' } & DefinedEntry)
  | { kind: 'module'; type: RModule };
/**
 * A defined core type: `index` is its place in `owner`, which its recursion group spans from `groupStart` to before
 * `groupEnd`; `supertype` is the declared one, an index in `owner`.
 */
interface DefinedEntry {
  final: boolean; composite: CompositeType; owner: CoreTypeEntry[]; depth?: number;
  index: number; groupStart: number; groupEnd: number; supertype?: number;
}

type Defined = Exclude<CoreTypeEntry, { kind: 'module' }>;
const MAX_SUBTYPING_DEPTH = 63;
export type CoreTypeError = { code: 'invalid-type' | 'index-out-of-bounds'; message: string; hint?: string };

/**
 * Appends a recursion group's types to `types` and checks each declared supertype as wasmparser's `check_subtype`
 * does: defined earlier, not final, and structurally matched. Returns the first error, if any.
 */
export function addRecGroup(types: CoreTypeEntry[], group: RecGroup, sig: (c: CompositeType & { kind: 'func' }, index: number) => CoreSig): CoreTypeError | undefined {
  const start = types.length;
  const groupEnd = start + group.types.length;
  for (const t of group.types) {
    const composite = t.composite;
    const index = types.length;
    const entry: DefinedEntry = { final: t.final, composite, owner: types, index, groupStart: start, groupEnd, supertype: t.supertypes[0] };
    types.push(composite.kind === 'func' ? { kind: 'func', sig: sig(composite, index), ...entry } : { kind: 'gc', ...entry });
  }
  for (let i = 0; i < group.types.length; i++) {
    const supertypes = group.types[i].supertypes;
    if (supertypes.length === 0) continue;
    const index = start + i;
    const sup = supertypes[0];
    if (supertypes.length > 1) return { code: 'invalid-type', message: 'multiple supertypes not supported' };
    if (sup >= index) return { code: 'invalid-type', message: 'supertypes must be defined before subtypes' };
    const superType = types[sup];
    if (superType === undefined) return { code: 'index-out-of-bounds', message: `unknown type ${sup}: type index out of bounds` };
    if (superType.kind === 'module') return { code: 'invalid-type', message: `type index ${sup} is a module type` };
    if (superType.final) return { code: 'invalid-type', message: 'sub type cannot have a final super type', hint: `declare type ${sup} as \`(sub ...)\` to let other types extend it; a plain definition is final` };
    const sub = types[index] as Defined;
    if (!mayMatch(sub, superType)) return { code: 'invalid-type', message: 'sub type must match super type' };
    const depth = (superType.depth ?? 0) + 1;
    if (depth > MAX_SUBTYPING_DEPTH) return { code: 'invalid-type', message: `sub type hierarchy too deep: found depth ${depth}, cannot exceed depth ${MAX_SUBTYPING_DEPTH}` };
    sub.depth = depth;
  }
  return undefined;
}

// ---------- structural matching ----------
// Conservative: it answers "no" only when the types certainly do not match. Two concrete references are taken to
// match (deciding that needs wasm's iso-recursive type canonicalization), so no valid component is rejected.

function mayMatch(sub: Defined, sup: Defined): boolean {
  const a = sub.composite;
  const b = sup.composite;
  if (a.kind !== b.kind || Boolean(a.shared) !== Boolean(b.shared)) return false;
  const va = (t: StorageType, u: StorageType) => storageMayMatch(t, sub.owner, u, sup.owner);
  switch (a.kind) {
    case 'func': {
      const f = b as typeof a;
      if (a.params.length !== f.params.length || a.results.length !== f.results.length) return false;
      // parameters are contravariant, results covariant
      return a.params.every((p, i) => storageMayMatch(f.params[i], sup.owner, p, sub.owner)) && a.results.every((r, i) => va(r, f.results[i]));
    }
    case 'struct': {
      const s = b as typeof a;
      return a.fields.length >= s.fields.length && s.fields.every((f, i) => fieldMayMatch(a.fields[i], sub.owner, f, sup.owner));
    }
    case 'array':
      return fieldMayMatch(a.field, sub.owner, (b as typeof a).field, sup.owner);
    case 'cont':
      return true;
  }
}

function fieldMayMatch(a: FieldType, aTypes: CoreTypeEntry[], b: FieldType, bTypes: CoreTypeEntry[]): boolean {
  if (a.mutable !== b.mutable) return false;
  // a mutable field is invariant
  return storageMayMatch(a.type, aTypes, b.type, bTypes) && (!a.mutable || storageMayMatch(b.type, bTypes, a.type, aTypes));
}

function storageMayMatch(a: StorageType, aTypes: CoreTypeEntry[], b: StorageType, bTypes: CoreTypeEntry[]): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return refMayMatch(a, aTypes, b, bTypes);
}

function refMayMatch(a: Exclude<CoreValType, string>, aTypes: CoreTypeEntry[], b: Exclude<CoreValType, string>, bTypes: CoreTypeEntry[]): boolean {
  if (a.nullable && !b.nullable) return false;
  const x = a.ref;
  const y = b.ref;
  const xKind = concreteKind(x, aTypes);
  const yKind = concreteKind(y, bTypes);
  if ('index' in x && 'index' in y) return xKind === undefined || yKind === undefined || xKind === yKind;
  if ('index' in x) return xKind === undefined || abstractSub(CONCRETE_TOP[xKind], (y as { abstract: string }).abstract);
  if ('index' in y) return yKind === undefined || (x as { abstract: string }).abstract === CONCRETE_BOTTOM[yKind];
  if (Boolean(x.shared) !== Boolean(y.shared)) return false;
  return abstractSub(x.abstract, y.abstract);
}

function concreteKind(h: HeapType, types: CoreTypeEntry[]): CompositeType['kind'] | undefined {
  if (!('index' in h)) return undefined;
  const t = types[h.index];
  return t === undefined || t.kind === 'module' ? undefined : t.composite.kind;
}

/** The abstract type just above a concrete type of each kind, and the bottom of its hierarchy. */
const CONCRETE_TOP: Record<CompositeType['kind'], string> = { func: 'func', struct: 'struct', array: 'array', cont: 'cont' };
const CONCRETE_BOTTOM: Record<CompositeType['kind'], string> = { func: 'nofunc', struct: 'none', array: 'none', cont: 'nocont' };
/** Each abstract heap type's direct supertype; bottoms list the top of their hierarchy. */
const ABSTRACT_PARENT: Record<string, string> = {
  eq: 'any', i31: 'eq', struct: 'eq', array: 'eq', none: 'any', nofunc: 'func', noextern: 'extern', noexn: 'exn', nocont: 'cont',
};
const BOTTOMS = new Set(['none', 'nofunc', 'noextern', 'noexn', 'nocont']);

function abstractSub(a: string, b: string): boolean {
  if (!(a in ABSTRACT_PARENT) && !['any', 'func', 'extern', 'exn', 'cont'].includes(a)) return true; // unknown: accept
  if (BOTTOMS.has(a)) return top(a) === top(b);
  for (let t: string | undefined = a; t !== undefined; t = ABSTRACT_PARENT[t]) if (t === b) return true;
  return false;
}

function top(t: string): string {
  while (ABSTRACT_PARENT[t] !== undefined) t = ABSTRACT_PARENT[t];
  return t;
}
