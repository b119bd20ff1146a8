import type { CoreValType, PrimValType } from '../ast.js';
import { type CoreFuncDef, type CoreValDef, funcTypeMatches, identityDifference, valTypesEqual } from './core-identity.js';

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

// ---------- equality & subtyping ----------

/** A `(type u32)` definition is a type of its own (it can carry a name) but equal to the primitive. */
export function unwrapPrim(v: RVal): RVal {
  return typeof v !== 'string' && v.body.kind === 'primitive' ? v.body.type : v;
}

export function valEqual(a: RVal | undefined, b: RVal | undefined, seen = new Map<RDefined, RDefined>()): boolean {
  if (a === b) return true;
  if (a !== undefined) a = unwrapPrim(a);
  if (b !== undefined) b = unwrapPrim(b);
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (typeof a === 'string' || typeof b === 'string') return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  const x = a.body;
  const y = b.body;
  if (x.kind !== y.kind) return false;
  switch (x.kind) {
    case 'record': {
      const f = (y as typeof x).fields;
      return x.fields.length === f.length && x.fields.every((q, i) => q.name === f[i].name && valEqual(q.type, f[i].type, seen));
    }
    case 'variant': {
      const c = (y as typeof x).cases;
      return x.cases.length === c.length && x.cases.every((q, i) => q.name === c[i].name && valEqual(q.type, c[i].type, seen) && (q.type === undefined) === (c[i].type === undefined));
    }
    case 'list': {
      const l = y as typeof x;
      return x.length === l.length && valEqual(x.element, l.element, seen);
    }
    case 'map': {
      const m = y as typeof x;
      return valEqual(x.key, m.key, seen) && valEqual(x.value, m.value, seen);
    }
    case 'tuple': {
      const t = (y as typeof x).types;
      return x.types.length === t.length && x.types.every((q, i) => valEqual(q, t[i], seen));
    }
    case 'flags':
    case 'enum': {
      const n = (y as typeof x).names;
      return x.names.length === n.length && x.names.every((q, i) => q === n[i]);
    }
    case 'option':
      return valEqual(x.type, (y as typeof x).type, seen);
    case 'result': {
      const r = y as typeof x;
      return optEqual(x.ok, r.ok, seen) && optEqual(x.err, r.err, seen);
    }
    case 'own':
    case 'borrow':
      return res(x.resource) === res((y as typeof x).resource);
    case 'stream':
    case 'future':
      return optEqual(x.element, (y as typeof x).element, seen);
    case 'primitive':
      return x.type === (y as typeof x).type;
  }
}

/**
 * Why `actual` is not `expected` (called after `valEqual` said they differ), in wasmparser's words: the context
 * lines from the outermost type inwards (`type mismatch in record field \`x\``), then what differs.
 */
export function valDifference(actual: RVal | undefined, expected: RVal | undefined): string {
  const a = actual === undefined ? undefined : unwrapPrim(actual);
  const e = expected === undefined ? undefined : unwrapPrim(expected);
  const desc = (v: RVal | undefined) => (v === undefined ? 'nothing' : typeof v === 'string' ? v : v.body.kind === 'list' && v.body.length !== undefined ? 'fixed-length list' : v.body.kind);
  if (typeof a === 'string' && typeof e === 'string') return `expected primitive \`${e}\` found primitive \`${a}\``;
  if (a === undefined || e === undefined || typeof a === 'string' || typeof e === 'string' || a.body.kind !== e.body.kind) {
    // a `(type u32)` definition is described as a primitive, a bare `u32` by its name (as wasmparser does)
    const expectedDesc = typeof e === 'string' ? (typeof expected === 'string' ? e : 'primitive') : desc(e);
    return `expected ${expectedDesc}, found ${desc(a)}`;
  }
  const inner = (context: string, u: RVal | undefined, v: RVal | undefined) => (valEqual(u, v) ? undefined : `${context}\n${valDifference(u, v)}`);
  const optional = (what: string, u: RVal | undefined, v: RVal | undefined, context: string) => {
    if (u === undefined && v === undefined) return undefined;
    if (u === undefined) return `expected ${what} type, but found none`;
    if (v === undefined) return `expected ${what} type to not be present`;
    return inner(context, u, v);
  };
  const x = a.body;
  const y = e.body;
  switch (x.kind) {
    case 'record': {
      const f = (y as typeof x).fields;
      if (x.fields.length !== f.length) return `expected ${f.length} fields, found ${x.fields.length}`;
      for (let i = 0; i < f.length; i++) {
        if (x.fields[i].name !== f[i].name) return `expected field name \`${f[i].name}\`, found \`${x.fields[i].name}\``;
        const d = inner(`type mismatch in record field \`${x.fields[i].name}\``, x.fields[i].type, f[i].type);
        if (d) return d;
      }
      break;
    }
    case 'variant': {
      const c = (y as typeof x).cases;
      if (x.cases.length !== c.length) return `expected ${c.length} cases, found ${x.cases.length}`;
      for (let i = 0; i < c.length; i++) {
        const name = x.cases[i].name;
        if (name !== c[i].name) return `expected case named \`${c[i].name}\`, found \`${name}\``;
        if (x.cases[i].type === undefined && c[i].type !== undefined) return `expected case \`${name}\` to have a type, found none`;
        if (x.cases[i].type !== undefined && c[i].type === undefined) return `expected case \`${name}\` to have no type`;
        const d = x.cases[i].type === undefined ? undefined : inner(`type mismatch in variant case \`${name}\``, x.cases[i].type, c[i].type);
        if (d) return d;
      }
      break;
    }
    case 'flags':
    case 'enum':
      return `mismatch in ${x.kind} elements`;
    case 'tuple': {
      const t = (y as typeof x).types;
      if (t.length !== x.types.length) return `expected ${t.length} types, found ${x.types.length}`;
      for (let i = 0; i < t.length; i++) {
        const d = inner(`type mismatch in tuple field ${i}`, x.types[i], t[i]);
        if (d) return d;
      }
      break;
    }
    case 'list': {
      const l = y as typeof x;
      if (l.length !== x.length) {
        if (l.length === undefined || x.length === undefined) return `expected ${desc(e)}, found ${desc(a)}`;
        return `expected fixed-length ${l.length}, found size ${x.length}`;
      }
      return valDifference(x.element, l.element);
    }
    case 'option': return valDifference(x.type, (y as typeof x).type);
    case 'map': {
      const m = y as typeof x;
      return inner('type mismatch in map key', x.key, m.key) ?? inner('type mismatch in map value', x.value, m.value) ?? 'maps differ';
    }
    case 'result': {
      const r = y as typeof x;
      return optional('ok', x.ok, r.ok, 'type mismatch in ok variant') ?? optional('err', x.err, r.err, 'type mismatch in err variant') ?? 'results differ';
    }
    case 'stream':
    case 'future':
      return optional(x.kind, x.element, (y as typeof x).element, `type mismatch in ${x.kind}`) ?? `${x.kind}s differ`;
    case 'own':
    case 'borrow': return 'resource types are not the same';
    case 'primitive': return `expected primitive \`${(y as typeof x).type}\` found primitive \`${x.type}\``;
  }
  return 'types differ';
}

function optEqual(a: RVal | undefined, b: RVal | undefined, seen: Map<RDefined, RDefined>): boolean {
  if (a === undefined || b === undefined) return a === b;
  return valEqual(a, b, seen);
}

/** Why `actual` cannot be used where `expected` is required, or undefined when it can. */
export function entityMismatch(actual: Entity, expected: Entity): string | undefined {
  if (actual.sort !== expected.sort) return `expected ${expected.sort}, found ${actual.sort}`;
  switch (expected.sort) {
    case 'func':
      return funcMismatch(actual.type as RFunc, expected.type);
    case 'value':
      return valEqual(actual.type as RVal, expected.type) ? undefined : valDifference(actual.type as RVal, expected.type);
    case 'type':
      return typeMismatch(actual.type as RType, expected.type);
    case 'instance':
      return instanceMismatch(actual.type as RInstance, expected.type);
    case 'component':
      return componentMismatch(actual.type as RComponent, expected.type);
    case 'module':
      return moduleMismatch(actual.type as RModule, expected.type);
  }
}

function funcMismatch(a: RFunc, e: RFunc): string | undefined {
  if (a.async !== e.async) return `expected ${a.async ? 'async' : 'sync'} function, found ${e.async ? 'async' : 'sync'} function`;
  if (a.params.length !== e.params.length) return `expected ${e.params.length} parameters, found ${a.params.length}`;
  for (let i = 0; i < a.params.length; i++) {
    if (a.params[i].name !== e.params[i].name) return `expected parameter named \`${e.params[i].name}\`, found \`${a.params[i].name}\``;
    if (!valEqual(a.params[i].type, e.params[i].type)) return `type mismatch in function parameter \`${a.params[i].name}\`\n${valDifference(a.params[i].type, e.params[i].type)}`;
  }
  if (a.result !== undefined && e.result === undefined) return 'expected a result, found none';
  if (a.result === undefined && e.result !== undefined) return 'expected no result, found one';
  if (!optEqual(a.result, e.result, new Map())) return `type mismatch with result type\n${valDifference(a.result, e.result)}`;
  return undefined;
}

function typeMismatch(a: RType, e: RType): string | undefined {
  if (e.kind === 'resource' || a.kind === 'resource') {
    if (a === e || (a.kind === 'resource' && e.kind === 'resource' && res(a) === res(e))) return undefined;
    if (e.kind !== 'resource') return `expected ${e.kind === 'defined' || e.kind === 'prim' ? 'defined type' : e.kind}, found resource`;
    if (a.kind !== 'resource') return 'expected resource, found defined type';
    return 'resource types are not the same';
  }
  if (e.kind === 'func') return a.kind === 'func' ? funcMismatch(a, e) : `expected func, found ${a.kind}`;
  if (e.kind === 'instance') return a.kind === 'instance' ? instanceMismatch(a, e) : `expected instance, found ${a.kind}`;
  if (e.kind === 'component') return a.kind === 'component' ? componentMismatch(a, e) : `expected component, found ${a.kind}`;
  const av = valOf(a);
  const ev = valOf(e);
  if (!av) return `expected a defined type, found ${a.kind}`;
  return valEqual(av, ev) ? undefined : valDifference(av, ev);
}

function instanceMismatch(a: RInstance, e: RInstance): string | undefined {
  for (const [name, exp] of e.exports) {
    const act = a.exports.get(name);
    if (!act) return `type mismatch in instance export \`${name}\`: missing expected export \`${name}\``;
    const why = entityMismatch(act, exp);
    if (why) return `type mismatch in instance export \`${name}\`: ${why}`;
  }
  return undefined;
}

function componentMismatch(a0: RComponent, e0: RComponent): string | undefined {
  // abstract resources are matched by position in the signature: a's imported ones become e's, e's exported
  // ones become a's, before comparing structurally
  const aMap = new Map<RResource, RType>();
  for (const [name, imp] of a0.imports) {
    const other = e0.imports.get(name);
    if (other) unifyResources(imp, other, new Set(a0.imported), aMap);
  }
  const a = aMap.size ? (new Substitution(aMap).type(a0) as RComponent) : a0;
  const eMap = new Map<RResource, RType>();
  for (const [name, exp] of e0.exports) {
    const other = a.exports.get(name);
    if (other) unifyResources(exp, other, new Set(e0.defined), eMap);
  }
  const e = eMap.size ? (new Substitution(eMap).type(e0) as RComponent) : e0;
  for (const [name, imp] of a.imports) {
    const exp = e.imports.get(name);
    if (!exp) return `missing expected import \`${name}\``;
    const why = entityMismatch(exp, imp);
    if (why) return `type mismatch in import \`${name}\`: ${why}`;
  }
  for (const [name, exp] of e.exports) {
    const act = a.exports.get(name);
    if (!act) return `missing expected export \`${name}\``;
    const why = entityMismatch(act, exp);
    if (why) return `type mismatch in export \`${name}\`: ${why}`;
  }
  return undefined;
}

function unifyResources(from: Entity, to: Entity, abstract: Set<RResource>, map: Map<RResource, RType>): void {
  if (from.sort === 'type' && to.sort === 'type' && from.type.kind === 'resource') {
    const f = res(from.type);
    if (abstract.has(f) && !map.has(f) && to.type.kind === 'resource') map.set(f, to.type);
  } else if (from.sort === 'instance' && to.sort === 'instance') {
    for (const r of from.type.defined) abstract.add(r);
    for (const [name, x] of from.type.exports) {
      const y = to.type.exports.get(name);
      if (y) unifyResources(x, y, abstract, map);
    }
  }
}

export function coreExtMismatch(a: CoreExt, e: CoreExt): string | undefined {
  if (a.kind !== e.kind) return `expected ${e.kind}, found ${a.kind}`;
  switch (e.kind) {
    case 'func':
    case 'tag': {
      const x = (a as typeof e).sig;
      if (!funcTypeMatches(x, e.sig)) {
        const alike = identityDifference(x, e.sig);
        if (alike) return alike;
        return `expected: (func${e.sig.params.length ? ` (param ${e.sig.params.join(' ')})` : ''}${e.sig.results.length ? ` (result ${e.sig.results.join(' ')})` : ''})\nfound:    (func${x.params.length ? ` (param ${x.params.join(' ')})` : ''}${x.results.length ? ` (result ${x.results.join(' ')})` : ''})`;
      }
      return undefined;
    }
    case 'global': {
      const g = a as typeof e;
      if (g.mutable !== e.mutable) return 'global types differ in mutability';
      return sameValType(g.type, g.def, e.type, e.def) ? undefined : `expected global type ${e.type}, found ${g.type}${alikeNote(g.type, e.type)}`;
    }
    case 'table': {
      const t = a as typeof e;
      if (!sameValType(t.element, t.def, e.element, e.def)) return `expected table element type ${e.element}, found ${t.element}${alikeNote(t.element, e.element)}`;
      if (t.shared !== e.shared) return 'mismatch in the shared flag for tables';
      return limitsMismatch(t, e) ? 'mismatch in table limits' : undefined;
    }
    case 'memory': {
      const m = a as typeof e;
      if (m.is64 !== e.is64) return 'mismatch in index type used for memories';
      if (m.shared !== e.shared) return 'mismatch in the shared flag for memories';
      if ((m.pageSizeLog2 ?? 16) !== (e.pageSizeLog2 ?? 16)) return 'mismatch in page size for memories';
      return limitsMismatch(m, e) ? 'mismatch in memory limits' : undefined;
    }
  }
}

/** Globals and tables match only the very same value type (by identity, for references to defined types). */
function sameValType(a: string, aDef: CoreValDef | undefined, e: string, eDef: CoreValDef | undefined): boolean {
  return aDef && eDef ? valTypesEqual(aDef, eDef) : a === e;
}

const alikeNote = (a: string, e: string) => (a === e ? ' (the same type index names different types on the two sides)' : '');

function limitsMismatch(a: { min: bigint; max?: bigint }, e: { min: bigint; max?: bigint }): boolean {
  if (a.min < e.min) return true;
  if (e.max === undefined) return false;
  return a.max === undefined || a.max > e.max;
}

function moduleMismatch(a: RModule, e: RModule): string | undefined {
  for (const imp of a.imports) {
    const exp = e.imports.find((i) => i.module === imp.module && i.name === imp.name);
    if (!exp) return `missing expected import \`${imp.module}::${imp.name}\``;
    const why = coreExtMismatch(exp.type, imp.type);
    if (why) return `type mismatch in import \`${imp.module}::${imp.name}\`\n${why}`;
  }
  for (const [name, exp] of e.exports) {
    const act = a.exports.get(name);
    if (!act) return `missing expected export \`${name}\``;
    const why = coreExtMismatch(act, exp);
    if (why) return `type mismatch in export \`${name}\`: ${why}`;
  }
  return undefined;
}

// ---------- substitution of resources (instantiation) ----------

export class Substitution {
  private vals = new Map<RDefined, RDefined>();
  /** keys: resources, and named defined types bound by type imports (`(type (eq ...))`) */
  constructor(readonly map: Map<object, RType>) {}

  private aliases = new Map<RResource, RResource>();

  /** A second name of a substituted resource stays a distinct object (names are recovered from it), same identity. */
  resource(r: RResource): RType {
    const root = res(r);
    // a second name bound by a `(type (eq T))` import stands for the name it was given
    const named = r !== root ? this.map.get(r) : undefined;
    if (named !== undefined) return named;
    const bound = this.map.get(root) as RType | undefined;
    if (bound === undefined) return r;
    if (r === root || bound.kind !== 'resource') return bound;
    let alias = this.aliases.get(r);
    if (alias === undefined) {
      const via = r.via ? this.resource(r.via) : undefined;
      alias = { ...bound, aliasOf: res(bound), via: via?.kind === 'resource' ? via : undefined };
      this.aliases.set(r, alias);
    }
    return alias;
  }

  val(v: RVal): RVal {
    if (typeof v === 'string' || this.map.size === 0) return v;
    // a second name of a bound type (an export of an imported `(eq T)` type) stands for what the import is bound to
    for (let o: RDefined | undefined = v; o; o = o.origin) {
      const bound = this.map.get(o);
      if (bound) return valOf(bound) ?? v;
    }
    const hit = this.vals.get(v);
    if (hit) return hit;
    const b = v.body;
    const s = (x: RVal | undefined) => (x === undefined ? undefined : this.val(x));
    let body: RDefinedBody;
    switch (b.kind) {
      case 'record': body = { kind: 'record', fields: b.fields.map((f) => ({ name: f.name, type: this.val(f.type) })) }; break;
      case 'variant': body = { kind: 'variant', cases: b.cases.map((c) => ({ name: c.name, type: s(c.type) })) }; break;
      case 'list': body = { ...b, element: this.val(b.element) }; break;
      case 'map': body = { kind: 'map', key: this.val(b.key), value: this.val(b.value) }; break;
      case 'tuple': body = { kind: 'tuple', types: b.types.map((t) => this.val(t)) }; break;
      case 'option': body = { kind: 'option', type: this.val(b.type) }; break;
      case 'result': body = { kind: 'result', ok: s(b.ok), err: s(b.err) }; break;
      case 'own':
      case 'borrow': {
        const r = this.resource(b.resource);
        body = { kind: b.kind, resource: r.kind === 'resource' ? r : b.resource };
        break;
      }
      case 'stream':
      case 'future': body = { kind: b.kind, element: s(b.element) }; break;
      default: body = b;
    }
    // keep the original object when nothing inside it changed: identity carries names (see `origin`)
    const changed = JSON.stringify(shallowRefs(body)) !== JSON.stringify(shallowRefs(b)) || childRefs(body).some((x, i) => x !== childRefs(b)[i]);
    const out: RDefined = changed ? { kind: 'defined', body } : v;
    if (changed && v.origin) out.origin = v.origin;
    this.vals.set(v, out);
    return out;
  }

  type(t: RType): RType {
    if (this.map.size === 0) return t;
    switch (t.kind) {
      case 'resource': return this.resource(t);
      case 'prim': return t;
      case 'defined': return this.val(t) as RDefined;
      case 'func': return this.func(t);
      case 'instance': return { kind: 'instance', exports: this.entities(t.exports), defined: t.defined.map((r) => this.resource(r) as RResource) };
      case 'component':
        return { kind: 'component', imports: this.entities(t.imports), exports: this.entities(t.exports), imported: t.imported, defined: t.defined };
    }
  }

  func(f: RFunc): RFunc {
    if (this.map.size === 0) return f;
    return { kind: 'func', async: f.async, params: f.params.map((p) => ({ name: p.name, type: this.val(p.type) })), result: f.result === undefined ? undefined : this.val(f.result) };
  }

  entity(e: Entity): Entity {
    if (this.map.size === 0) return e;
    switch (e.sort) {
      case 'func': return { sort: 'func', type: this.func(e.type) };
      case 'type': return { sort: 'type', type: this.type(e.type) };
      case 'instance': return { sort: 'instance', type: this.type(e.type) as RInstance };
      case 'component': return { sort: 'component', type: this.type(e.type) as RComponent };
      case 'value': return { sort: 'value', type: this.val(e.type) };
      case 'module': return e;
    }
  }

  entities(m: Map<string, Entity>): Map<string, Entity> {
    if (this.map.size === 0) return m;
    const out = new Map<string, Entity>();
    for (const [k, v] of m) out.set(k, this.entity(v));
    return out;
  }
}

// ---------- walks ----------

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

function childRefs(b: RDefinedBody): unknown[] {
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
const shallowRefs = (b: RDefinedBody) => childRefs(b).length;

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
