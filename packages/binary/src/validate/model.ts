import type { CoreValType, PrimValType } from '../ast.js';
import type { CoreFuncDef, CoreValDef } from './core-identity.js';

/** Resolved component-level types: indices replaced by the types they name; resources compared by identity. */
/**
 * `aliasOf`: set on a second name for a resource (`type headers = fields`); identity is the root's.
 * `via`: the name it was made from, one step back (for WIT `use` recovery through re-exports).
 */
export interface RResource { kind: 'resource'; id: number; rep?: CoreValType; dtor?: number; local: boolean; aliasOf?: RResource; via?: RResource }

/** The resource a (possibly aliased) resource stands for. */
export const res = (r: RResource): RResource => r.aliasOf ?? r;
export type RVal = PrimValType | RDefined;
export type RDefinedBody =
  | { kind: 'primitive'; type: PrimValType }
  | { kind: 'record'; fields: { name: string; type: RVal }[] }
  | { kind: 'variant'; cases: { name: string; type?: RVal }[] }
  | { kind: 'list'; element: RVal; length?: number }
  | { kind: 'map'; key: RVal; value: RVal }
  | { kind: 'tuple'; types: RVal[] }
  | { kind: 'flags'; names: string[] }
  | { kind: 'enum'; names: string[] }
  | { kind: 'option'; type: RVal }
  | { kind: 'result'; ok?: RVal; err?: RVal }
  | { kind: 'own' | 'borrow'; resource: RResource }
  | { kind: 'stream' | 'future'; element?: RVal };
/** `origin`: the type this one re-exports under a name (an `(eq T)` import/export), for WIT `use` recovery */
export interface RDefined { kind: 'defined'; body: RDefinedBody; origin?: RDefined }
export interface RFunc { kind: 'func'; async: boolean; params: { name: string; type: RVal }[]; result?: RVal }
export interface RInstance { kind: 'instance'; exports: Map<string, Entity>; /** resources created by `(sub resource)` exports */ defined: RResource[] }
export interface RComponent {
  kind: 'component';
  imports: Map<string, Entity>;
  exports: Map<string, Entity>;
  /** resources introduced by `(sub resource)` imports / exports */
  imported: RResource[];
  defined: RResource[];
}
export type RType = RDefined | PrimType | RFunc | RInstance | RComponent | RResource;
export interface PrimType { kind: 'prim'; type: PrimValType }

/** `def`: the function type as written, where one is known (the GC canonical ABI reads the struct/array types it references) */
export type CoreSig = { params: string[]; results: string[]; def?: CoreFuncDef };
export type CoreExt =
  | { kind: 'func'; sig: CoreSig }
  | { kind: 'table'; element: string; min: bigint; max?: bigint; is64: boolean; shared: boolean; def?: CoreValDef }
  | { kind: 'memory'; min: bigint; max?: bigint; is64: boolean; shared: boolean; pageSizeLog2?: number }
  | { kind: 'global'; type: string; mutable: boolean; def?: CoreValDef }
  | { kind: 'tag'; sig: CoreSig };
export interface RModule { kind: 'module'; imports: { module: string; name: string; type: CoreExt }[]; exports: Map<string, CoreExt> }

export type Entity =
  | { sort: 'func'; type: RFunc }
  | { sort: 'type'; type: RType }
  | { sort: 'instance'; type: RInstance }
  | { sort: 'component'; type: RComponent }
  | { sort: 'module'; type: RModule }
  | { sort: 'value'; type: RVal };

let nextResource = 1;
export function freshResource(local: boolean, rep?: CoreValType, dtor?: number): RResource {
  return { kind: 'resource', id: nextResource++, rep, dtor, local };
}

export function valOf(t: RType): RVal | undefined {
  if (t.kind === 'prim') return t.type;
  if (t.kind === 'defined') return t;
  return undefined;
}

/** A `(type u32)` definition is a type of its own (it can carry a name) but equal to the primitive. */
export function unwrapPrim(v: RVal): RVal {
  return typeof v !== 'string' && v.body.kind === 'primitive' ? v.body.type : v;
}
