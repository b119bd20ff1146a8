import type { CoreValType, StorageType } from '../ast.js';
import type { CoreFuncDef, CoreTypeSpace, ResolvedCoreType } from './core-identity.js';
import type { RVal } from './model.js';

/**
 * The GC canonical ABI (`canon lift`/`canon lower` with the `gc` option): instead of flattening into linear memory,
 * each component value maps to one core value, struct field or array element, and the core function type is given
 * (`core-type` on a lowering, the core function's own type on a lift). These rules check that type against the
 * component function type, as wasmparser's `lower_gc` family does, with its messages.
 */


export type StringEncoding = 'utf8' | 'utf16' | 'latin1-utf16';

/** A core position a component value lowers into: a function parameter/result, or a struct field / array element. */
interface Slot { field: boolean; type: StorageType; space: CoreTypeSpace }

/**
 * The first way the core function type `core` fails to be the GC-ABI lowering of a component function with these
 * parameter and result types, or undefined when it is one.
 */
export function gcLoweringProblem(params: readonly RVal[], result: RVal | undefined, core: Pick<CoreFuncDef, 'params' | 'results' | 'space'>, encoding: StringEncoding): string | undefined {
  if (core.params.length !== params.length) {
    return `declared \`core-type\` has ${core.params.length} parameters, but component function has ${params.length} parameters`;
  }
  for (let i = 0; i < params.length; i++) {
    const p = lowerGc(params[i]!, { field: false, type: core.params[i]!, space: core.space }, encoding);
    if (p) return p;
  }
  const n = result === undefined ? 0 : 1;
  if (core.results.length !== n) return `declared \`core-type\` has ${core.results.length} results, but component function has ${n} results`;
  return result === undefined ? undefined : lowerGc(result, { field: false, type: core.results[0]!, space: core.space }, encoding);
}

function lowerGc(t: RVal, slot: Slot, encoding: StringEncoding): string | undefined {
  if (typeof t === 'string') return lowerPrimitive(t, slot, encoding);
  const b = t.body;
  switch (b.kind) {
    case 'primitive': return lowerPrimitive(b.type, slot, encoding);
    case 'record': return lowerProduct(b.fields.map((f) => f.type), slot, encoding, 'record');
    case 'tuple': return lowerProduct(b.types, slot, encoding, 'tuple');
    case 'variant': return lowerSum(slot, 'variant');
    case 'option': return lowerSum(slot, 'option');
    case 'result': return lowerSum(slot, 'result');
    case 'list': {
      const array = concrete(slot);
      if (array?.composite.kind !== 'array') return `expected to lower component \`list\` type into \`(ref null? (array ...))\`, but found \`${show(slot.type)}\``;
      return lowerGc(b.element, { field: true, type: array.composite.field.type, space: array.space }, encoding);
    }
    case 'map': return 'GC lowering for component `map` type is not yet implemented';
    case 'flags':
    case 'enum':
      return valType(slot) === 'i32' ? undefined : `expected to lower component \`${b.kind}\` type into core \`i32\` type, but found \`${show(slot.type)}\``;
    case 'own':
    case 'borrow':
    case 'future':
    case 'stream':
      return isExternRef(slot) ? undefined : `expected to lower component \`${b.kind}\` type into core \`(ref null? extern)\` type, but found \`${show(slot.type)}\``;
  }
}

/** Core type each small integer lowers to as an argument and as a (packed) field. */
const PACKED: Partial<Record<string, 'i8' | 'i16'>> = { bool: 'i8', s8: 'i8', u8: 'i8', s16: 'i16', u16: 'i16' };
const DIRECT: Partial<Record<string, string>> = { s32: 'i32', u32: 'i32', char: 'i32', s64: 'i64', u64: 'i64', f32: 'f32', f64: 'f64' };

function lowerPrimitive(p: string, slot: Slot, encoding: StringEncoding): string | undefined {
  const packed = PACKED[p];
  if (packed !== undefined) {
    if (slot.field ? slot.type === packed : slot.type === 'i32') return undefined;
    return `expected to lower component \`${p}\` type to core \`${slot.field ? packed : 'i32'}\` type, found \`${show(slot.type)}\``;
  }
  const direct = DIRECT[p];
  if (direct !== undefined) {
    return valType(slot) === direct ? undefined : `expected to lower component \`${p}\` type to core \`${direct}\` type, found \`${show(slot.type)}\``;
  }
  if (p === 'string') {
    const unit = encoding === 'utf16' ? 'i16' : 'i8';
    const array = concrete(slot);
    if (array?.composite.kind === 'array' && array.composite.field.type === unit) return undefined;
    return `expected to lower component \`string\` type to core \`(ref null? (array (mut? ${unit})))\` type, found \`${show(slot.type)}\``;
  }
  // error-context
  return isExternRef(slot) ? undefined : `expected to lower component \`error-context\` type into core \`(ref null? extern)\` type, but found \`${show(slot.type)}\``;
}

/** record and tuple: a struct with one field per member, each member lowered into its field */
function lowerProduct(members: readonly RVal[], slot: Slot, encoding: StringEncoding, kind: 'record' | 'tuple'): string | undefined {
  const s = concrete(slot);
  if (s?.composite.kind !== 'struct') return `expected to lower component \`${kind}\` type to core \`(ref null? (struct ...))\`, but found \`${show(slot.type)}\``;
  const fields = s.composite.fields;
  if (fields.length !== members.length) return `core \`struct\` has ${fields.length} fields, but component \`${kind}\` has ${members.length} fields`;
  for (let i = 0; i < members.length; i++) {
    const p = lowerGc(members[i]!, { field: true, type: fields[i]!.type, space: s.space }, encoding);
    if (p) return p;
  }
  return undefined;
}

/** variant, option and result: an empty struct (the ABI leaves their representation to a later revision) */
function lowerSum(slot: Slot, kind: 'variant' | 'option' | 'result'): string | undefined {
  const s = concrete(slot);
  if (s?.composite.kind === 'struct' && s.composite.fields.length === 0) return undefined;
  return `expected to lower component \`${kind}\` type to core \`(ref null? (struct))\`, but found \`${show(slot.type)}\``;
}

/** The value type in the slot; a packed field (i8/i16) has none. */
function valType(slot: Slot): CoreValType | undefined {
  return slot.type === 'i8' || slot.type === 'i16' ? undefined : slot.type;
}

function concrete(slot: Slot): ResolvedCoreType | undefined {
  const t = valType(slot);
  if (typeof t !== 'object' || !('index' in t.ref)) return undefined;
  return slot.space(t.ref.index);
}

function isExternRef(slot: Slot): boolean {
  const t = valType(slot);
  return typeof t === 'object' && 'abstract' in t.ref && t.ref.abstract === 'extern';
}

/** Bottom types are spelled differently when nullable (`nullref`, not `noneref`), as wasmparser prints them. */
const NULLABLE_NAME: Partial<Record<string, string>> = { none: 'null', noextern: 'nullextern', nofunc: 'nullfunc', noexn: 'nullexn', nocont: 'nullcont' };

/** A core value or storage type as wasmparser displays it. */
export function show(t: StorageType): string {
  if (typeof t === 'string') return t;
  const h = t.ref;
  if ('index' in h) return t.nullable ? `(ref null ${h.index})` : `(ref ${h.index})`;
  const name = t.nullable ? NULLABLE_NAME[h.abstract] ?? h.abstract : h.abstract;
  if (t.nullable) return h.shared ? `(shared ${name}ref)` : `${name}ref`;
  return h.shared ? `(ref (shared ${name}))` : `(ref ${name})`;
}

/** A list of core value types as wasmparser's `{:?}` prints a slice of them: `[I32, Ref(anyref)]`. */
export function showDebug(types: readonly CoreValType[]): string {
  return `[${types.map((t) => (typeof t === 'string' ? t.toUpperCase() : `Ref(${show(t)})`)).join(', ')}]`;
}
