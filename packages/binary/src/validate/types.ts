import type { DefinedType, PrimValType, TypeDef, ValType } from '../ast.js';
import type { ValidatorContext } from './context.js';
import { fail } from './invalid.js';
import { freshResource, type RDefined, type RDefinedBody, type RFunc, type RResource, type RType, type RVal, unwrapPrim, valOf } from './model.js';
import { parseExternName } from './names.js';
import { MAX_FIXED_LIST_ELEMENTS, MAX_TYPE_DEPTH, readLimit, type Scope } from './scope.js';
import { hasBorrow, typeDepth } from './walks.js';

// Component value types, defined types (records, variants, lists, ...), function types and resource definitions.

export function typeAt(s: Scope, i: number): RType {
  return s.types[i] ?? fail('index-out-of-bounds', `unknown type ${i}: type index out of bounds`);
}

export function valType(cx: ValidatorContext, s: Scope, t: ValType): RVal {
  if (typeof t === 'string') {
    if (t === 'error-context') cx.require('cm-error-context', '`error-context` requires the component model error-context feature');
    return t;
  }
  const ty = typeAt(s, t);
  return valOf(ty) ?? fail('invalid-type', `type index ${t} is not a defined type`);
}

export function resourceAt(s: Scope, i: number): RResource {
  const t = typeAt(s, i);
  return t.kind === 'resource' ? t : fail('invalid-type', `type index ${i} is not a resource type`);
}

function defined(cx: ValidatorContext, s: Scope, d: DefinedType): RDefined {
  const v = (t: ValType) => valType(cx, s, t);
  const unique = (names: string[], what: string, prev: string) => {
    const seen = new Map<string, string>();
    for (const n of names) {
      if (!isKebabLabel(n)) fail('invalid-name', n === '' ? `${what} name cannot be empty` : `${what} name \`${n}\` is not in kebab case`);
      const k = n.toLowerCase();
      if (seen.has(k)) fail('duplicate-name', `${what} name \`${n}\` conflicts with previous ${prev} name \`${seen.get(k)}\``);
      seen.set(k, n);
    }
  };
  let body: RDefinedBody;
  switch (d.kind) {
    case 'record':
      readLimit(d.fields.length, 10_000, 'record field');
      if (d.fields.length === 0) fail('invalid-type', 'record type must have at least one field');
      unique(d.fields.map((f) => f.name), 'record field', 'field');
      body = { kind: 'record', fields: d.fields.map((f) => ({ name: f.name, type: v(f.type) })) };
      break;
    case 'variant':
      readLimit(d.cases.length, 10_000, 'variant cases');
      if (d.cases.length === 0) fail('invalid-type', 'variant type must have at least one case');
      unique(d.cases.map((c) => c.name), 'variant case', 'case');
      body = { kind: 'variant', cases: d.cases.map((c) => ({ name: c.name, type: c.type === undefined ? undefined : v(c.type) })) };
      break;
    case 'list':
      body = { kind: 'list', element: v(d.element) };
      break;
    case 'fixed-list':
      cx.require('cm-fixed-length-lists', 'Fixed-length lists require the component model fixed-length lists feature');
      if (d.length === 0) fail('invalid-type', 'Fixed-length lists must have more than zero elements');
      if (d.length > MAX_FIXED_LIST_ELEMENTS) fail('invalid-type', `fixed-length list element count exceeds limit of ${MAX_FIXED_LIST_ELEMENTS}`);
      body = { kind: 'list', element: v(d.element), length: d.length };
      break;
    case 'map': {
      cx.require('cm-map', 'Maps require the component model map feature');
      const key = unwrapPrim(v(d.key));
      if (typeof key !== 'string' || key === 'f32' || key === 'f64' || key === 'error-context') fail('invalid-type', 'map key must be a primitive type other than a float');
      body = { kind: 'map', key, value: v(d.value) };
      break;
    }
    case 'tuple':
      readLimit(d.types.length, 10_000, 'tuple types');
      if (d.types.length === 0) fail('invalid-type', 'tuple type must have at least one type');
      body = { kind: 'tuple', types: d.types.map(v) };
      break;
    case 'flags':
      readLimit(d.names.length, 1000, 'flag names');
      if (d.names.length === 0) fail('invalid-type', 'flags must have at least one entry');
      if (d.names.length > 32) fail('invalid-type', 'cannot have more than 32 flags');
      unique(d.names, 'flag', 'flag');
      body = { kind: 'flags', names: d.names };
      break;
    case 'enum':
      readLimit(d.names.length, 10_000, 'enum cases');
      if (d.names.length === 0) fail('invalid-type', 'enum type must have at least one variant');
      unique(d.names, 'enum tag', 'tag');
      body = { kind: 'enum', names: d.names };
      break;
    case 'option':
      body = { kind: 'option', type: v(d.type) };
      break;
    case 'result':
      body = { kind: 'result', ok: d.ok === undefined ? undefined : v(d.ok), err: d.err === undefined ? undefined : v(d.err) };
      break;
    case 'own':
    case 'borrow':
      body = { kind: d.kind, resource: resourceAt(s, d.resource) };
      break;
    case 'stream':
    case 'future': {
      cx.require('cm-async', `\`${d.kind}\` requires the component model async feature`);
      const e = d.element === undefined ? undefined : v(d.element);
      if (d.kind === 'stream' && e !== undefined && unwrapPrim(e) === 'char') fail('invalid-type', '`stream<char>` is not valid at this time, use `stream<u8>` with a defined by encoding instead for now');
      if (hasBorrow(e)) fail('invalid-type', `\`${d.kind}\` element type cannot contain a \`borrow\``);
      body = { kind: d.kind, element: e };
      break;
    }
    default:
      return fail('invalid-type', 'unknown defined type');
  }
  const out: RDefined = { kind: 'defined', body };
  if (typeDepth(out) > MAX_TYPE_DEPTH) fail('invalid-type', 'type nesting is too deep');
  if (flatSizeTooLarge(out)) fail('invalid-type', 'effective type size exceeds the limit');
  return out;
}

function funcType(cx: ValidatorContext, s: Scope, f: Extract<TypeDef, { kind: 'func' }>): RFunc {
  readLimit(f.params.length, 1000, 'component function parameters');
  if (f.async) cx.require('cm-async', 'async component functions require the component model async feature');
  const seen = new Map<string, string>();
  const params = f.params.map((p) => {
    if (!isKebabLabel(p.name)) fail('invalid-name', p.name === '' ? 'function parameter name cannot be empty' : `function parameter name \`${p.name}\` is not in kebab case`);
    const k = p.name.toLowerCase();
    if (seen.has(k)) fail('duplicate-name', `function parameter name \`${p.name}\` conflicts with previous parameter name \`${seen.get(k)}\``);
    seen.set(k, p.name);
    return { name: p.name, type: valType(cx, s, p.type) };
  });
  const result = f.result === undefined ? undefined : valType(cx, s, f.result);
  if (hasBorrow(result)) fail('invalid-type', 'function result cannot contain a `borrow` type');
  return { kind: 'func', async: f.async, params, result };
}

/** A type definition other than an instance or component type (those open a scope of their own: see `component.ts`). */
export function resolveType(cx: ValidatorContext, s: Scope, t: Exclude<TypeDef, { kind: 'instance' | 'component' }>): RType {
  switch (t.kind) {
    case 'defined':
      return t.type.kind === 'primitive' ? { kind: 'defined', body: { kind: 'primitive', type: valType(cx, s, t.type.type) as PrimValType } } : defined(cx, s, t.type);
    case 'func':
      return funcType(cx, s, t);
    case 'resource': {
      if (s.kind !== 'component') fail('invalid-type', 'resources can only be defined within a concrete component');
      if (t.rep !== 'i32') {
        if (t.rep === 'i64') cx.require('cm64', 'resources with `i64` require the `cm64` feature to be enabled');
        else fail('invalid-type', 'resources can only be represented by `i32` or `i64`');
      }
      if (t.dtor !== undefined) {
        const sig = s.coreFuncs[t.dtor] ?? fail('index-out-of-bounds', `unknown function ${t.dtor}: function index out of bounds`);
        if (sig.params.join() !== (t.rep === 'i64' ? 'i64' : 'i32') || sig.results.length) fail('type-mismatch', `core function ${t.dtor} has wrong signature for a destructor`);
      }
      const r = freshResource(true, t.rep, t.dtor);
      s.local.add(r);
      return r;
    }
  }
}

function isKebabLabel(s: string): boolean {
  try {
    return parseExternName(s).kind === 'label';
  } catch {
    return false;
  }
}

/** Rejects types whose canonical-ABI element size would reach 2^28 (fixed-size lists multiply quickly). */
function flatSizeTooLarge(t: RDefined): boolean {
  const size = (v: RVal | undefined, depth = 0): number => {
    if (v === undefined) return 0;
    if (typeof v === 'string') return v === 'string' ? 8 : v === 's64' || v === 'u64' || v === 'f64' ? 8 : 4;
    if (depth > 200) return Infinity;
    const b = v.body;
    switch (b.kind) {
      case 'primitive': return size(b.type, depth + 1);
      case 'list': return b.length === undefined ? 8 : size(b.element, depth + 1) * b.length;
      case 'record': return b.fields.reduce((a, f) => a + size(f.type, depth + 1), 0);
      case 'tuple': return b.types.reduce((a, x) => a + size(x, depth + 1), 0);
      case 'variant': return 4 + Math.max(0, ...b.cases.map((c) => size(c.type, depth + 1)));
      case 'option': return 4 + size(b.type, depth + 1);
      case 'result': return 4 + Math.max(size(b.ok, depth + 1), size(b.err, depth + 1));
      default: return 8;
    }
  };
  return size(t) >= 2 ** 28;
}

