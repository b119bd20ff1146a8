import { funcTypeMatches, identityDifference, type CoreValDef, valTypesEqual } from './core-identity.js';
import {
  type CoreExt, type Entity, type RComponent, type RDefined, type RFunc, type RInstance, type RModule, type RResource, type RType, type RVal,
  res, unwrapPrim, valOf,
} from './model.js';
import { Substitution } from './substitution.js';

// Equality and subtyping of resolved types: what an instantiation argument, an ascribed export or a start argument is
// checked with, and the path to the first difference that the error names.

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
