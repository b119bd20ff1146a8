import type { Entity, RDefined, RFunc, RInstance, RResource, RVal } from '@weld/binary';

/** A resource as the graph sees it: one key per resource type however many instances pass it around. */
export interface ResourceIdentity {
  key: string;
  /** how to name it in a message, e.g. `demo:files/types.file of files` */
  name: string;
}

/** Resolves a resource seen from inside an instance (`ctx`) to its identity in the graph. */
export type ResourceResolver = (ctx: number, r: RResource) => ResourceIdentity;

/** Where two types differ: `members` are instance exports from the import inwards, `inner` the steps inside a function type. */
export interface Mismatch {
  members: string[];
  inner: string[];
  message: string;
}

export interface Side {
  ctx: number;
  entity: Entity;
}

const root = (r: RResource): RResource => r.aliasOf ?? r;

/**
 * Checks that `actual` (what a plug provides) may be passed where `expected` (what an instance imports) is asked for,
 * by the component model's subtyping: instances by width (extra exports are fine), functions and value types by
 * structure, resources by identity in the graph. Returns the first difference, or undefined.
 */
export function checkEntity(actual: Side, expected: Side, resolve: ResourceResolver): Mismatch | undefined {
  return new Checker(resolve, actual.ctx, expected.ctx).entity(actual.entity, expected.entity, []);
}

class Checker {
  private readonly seen = new Map<RDefined, RDefined>();

  constructor(
    private readonly resolve: ResourceResolver,
    private readonly actualCtx: number,
    private readonly expectedCtx: number,
  ) {}

  entity(a: Entity, e: Entity, members: string[]): Mismatch | undefined {
    if (a.sort !== e.sort) return { members, inner: [], message: `expected ${article(e.sort)}, found ${article(a.sort)}` };
    switch (e.sort) {
      case 'instance':
        return this.instance(a.type as RInstance, e.type, members);
      case 'func':
        return this.func(a.type as RFunc, e.type, members);
      case 'value': {
        const why = this.val(a.type as RVal, e.type);
        return why && { members, inner: why.path, message: why.message };
      }
      case 'type': {
        const at = a.type as Extract<Entity, { sort: 'type' }>['type'];
        const et = e.type;
        if (et.kind === 'resource' || at.kind === 'resource') {
          if (et.kind !== 'resource' || at.kind !== 'resource') return { members, inner: [], message: `expected ${et.kind === 'resource' ? 'a resource' : 'a value type'}, found ${at.kind === 'resource' ? 'a resource' : 'a value type'}` };
          const x = this.resolve(this.actualCtx, root(at));
          const y = this.resolve(this.expectedCtx, root(et));
          return x.key === y.key ? undefined : { members, inner: [], message: `expected resource ${y.name}, found resource ${x.name}` };
        }
        if ((et.kind === 'defined' || et.kind === 'prim') && (at.kind === 'defined' || at.kind === 'prim')) {
          const why = this.val(at.kind === 'prim' ? at.type : at, et.kind === 'prim' ? et.type : et);
          return why && { members, inner: why.path, message: why.message };
        }
        return at.kind === et.kind ? undefined : { members, inner: [], message: `expected a ${et.kind} type, found a ${at.kind} type` };
      }
      default:
        // components, modules and values as instantiation arguments are not produced by any front-end
        return { members, inner: [], message: `passing a ${e.sort} is not supported by composition` };
    }
  }

  private instance(a: RInstance, e: RInstance, members: string[]): Mismatch | undefined {
    // types first, so resources are compared before the functions that use them
    const order = [...e.exports.entries()].sort((x, y) => Number(y[1].sort === 'type') - Number(x[1].sort === 'type'));
    for (const [name, want] of order) {
      const have = a.exports.get(name);
      if (!have) return { members, inner: [], message: `missing ${want.sort === 'func' ? 'function' : want.sort} ${name}` };
      const why = this.entity(have, want, [...members, name]);
      if (why) return why;
    }
    return undefined;
  }

  private func(a: RFunc, e: RFunc, members: string[]): Mismatch | undefined {
    const at = (inner: string[], message: string): Mismatch => ({ members, inner, message });
    if (a.async !== e.async) return at([], `expected ${e.async ? 'an async' : 'a sync'} function, found ${a.async ? 'an async' : 'a sync'} function`);
    if (a.params.length !== e.params.length) {
      return at([], `expected ${e.params.length} param${e.params.length === 1 ? '' : 's'} (${e.params.map((p) => p.name).join(', ')}), found ${a.params.length} (${a.params.map((p) => p.name).join(', ')})`);
    }
    for (let i = 0; i < e.params.length; i++) {
      const ep = e.params[i]!;
      const ap = a.params[i]!;
      if (ap.name !== ep.name) return at([`param ${i + 1}`], `expected name ${ep.name}, found ${ap.name}`);
      const why = this.val(ap.type, ep.type);
      if (why) return at([`param ${ep.name}`, ...why.path], why.message);
    }
    if ((a.result === undefined) !== (e.result === undefined)) return at(['result'], e.result === undefined ? `expected none, found ${describe(a.result!, this.name, 'a')}` : `expected ${describe(e.result, this.name, 'e')}, found none`);
    if (a.result !== undefined && e.result !== undefined) {
      const why = this.val(a.result, e.result);
      if (why) return at(['result', ...why.path], why.message);
    }
    return undefined;
  }

  private readonly name = (r: RResource, side: 'a' | 'e'): string => this.resolve(side === 'a' ? this.actualCtx : this.expectedCtx, root(r)).name;

  /** Value types are equal or not (the component model has no value subtyping); resources by identity. */
  private val(a0: RVal, e0: RVal): { path: string[]; message: string } | undefined {
    const a = unwrap(a0);
    const e = unwrap(e0);
    if (a === e) return undefined;
    const differ = () => ({ path: [], message: `expected ${describe(e, this.name, 'e')}, found ${describe(a, this.name, 'a')}` });
    if (typeof a === 'string' || typeof e === 'string') return differ();
    if (this.seen.get(a) === e) return undefined;
    this.seen.set(a, e);
    const x = a.body;
    const y = e.body;
    if (x.kind !== y.kind) return differ();
    const inside = (step: string, u: RVal | undefined, v: RVal | undefined) => {
      if (u === undefined && v === undefined) return undefined;
      if (u === undefined || v === undefined) return { path: [step], message: v === undefined ? `expected none, found ${describe(u!, this.name, 'a')}` : `expected ${describe(v, this.name, 'e')}, found none` };
      const why = this.val(u, v);
      return why && { path: [step, ...why.path], message: why.message };
    };
    switch (x.kind) {
      case 'primitive':
        return differ();
      case 'record': {
        const f = (y as typeof x).fields;
        if (!sameNames(x.fields, f)) return { path: [], message: `expected record {${f.map((q) => q.name).join(', ')}}, found record {${x.fields.map((q) => q.name).join(', ')}}` };
        for (let i = 0; i < f.length; i++) {
          const why = inside(`field ${f[i]!.name}`, x.fields[i]!.type, f[i]!.type);
          if (why) return why;
        }
        return undefined;
      }
      case 'variant': {
        const c = (y as typeof x).cases;
        if (!sameNames(x.cases, c)) return { path: [], message: `expected variant {${c.map((q) => q.name).join(', ')}}, found variant {${x.cases.map((q) => q.name).join(', ')}}` };
        for (let i = 0; i < c.length; i++) {
          const why = inside(`case ${c[i]!.name}`, x.cases[i]!.type, c[i]!.type);
          if (why) return why;
        }
        return undefined;
      }
      case 'enum':
      case 'flags': {
        const n = (y as typeof x).names;
        return n.length === x.names.length && n.every((q, i) => q === x.names[i]) ? undefined : differ();
      }
      case 'list': {
        const l = y as typeof x;
        if (l.length !== x.length) return differ();
        return inside('list element', x.element, l.element);
      }
      case 'option':
        return inside('option', x.type, (y as typeof x).type);
      case 'result': {
        const r = y as typeof x;
        return inside('ok', x.ok, r.ok) ?? inside('err', x.err, r.err);
      }
      case 'tuple': {
        const t = (y as typeof x).types;
        if (t.length !== x.types.length) return differ();
        for (let i = 0; i < t.length; i++) {
          const why = inside(`tuple ${i}`, x.types[i], t[i]);
          if (why) return why;
        }
        return undefined;
      }
      case 'map': {
        const m = y as typeof x;
        return inside('map key', x.key, m.key) ?? inside('map value', x.value, m.value);
      }
      case 'stream':
      case 'future':
        return inside(x.kind, x.element, (y as typeof x).element);
      case 'own':
      case 'borrow': {
        const ka = this.resolve(this.actualCtx, root(x.resource)).key;
        const ke = this.resolve(this.expectedCtx, root((y as typeof x).resource)).key;
        return ka === ke ? undefined : differ();
      }
    }
  }
}

function sameNames(a: { name: string }[], b: { name: string }[]): boolean {
  return a.length === b.length && a.every((q, i) => q.name === b[i]!.name);
}

function unwrap(v: RVal): RVal {
  return typeof v !== 'string' && v.body.kind === 'primitive' ? v.body.type : v;
}

function article(sort: string): string {
  return /^[aeiou]/.test(sort) ? `an ${sort}` : `a ${sort}`;
}

/** A WIT-like spelling of a value type for messages: `s64`, `list<u8>`, `record {x, y}`, `own<file>`. */
export function describe(v: RVal, name: (r: RResource, side: 'a' | 'e') => string, side: 'a' | 'e' = 'e', depth = 0): string {
  v = unwrap(v);
  if (typeof v === 'string') return v;
  if (depth > 3) return '…';
  const d = (u: RVal | undefined) => (u === undefined ? '_' : describe(u, name, side, depth + 1));
  const b = v.body;
  switch (b.kind) {
    case 'primitive': return b.type;
    case 'record': return `record {${b.fields.map((f) => f.name).join(', ')}}`;
    case 'variant': return `variant {${b.cases.map((c) => c.name).join(', ')}}`;
    case 'enum': return `enum {${b.names.join(', ')}}`;
    case 'flags': return `flags {${b.names.join(', ')}}`;
    case 'list': return b.length === undefined ? `list<${d(b.element)}>` : `list<${d(b.element)}, ${b.length}>`;
    case 'option': return `option<${d(b.type)}>`;
    case 'result': return b.ok === undefined && b.err === undefined ? 'result' : `result<${d(b.ok)}, ${d(b.err)}>`;
    case 'tuple': return `tuple<${b.types.map(d).join(', ')}>`;
    case 'map': return `map<${d(b.key)}, ${d(b.value)}>`;
    case 'stream': case 'future': return b.element === undefined ? b.kind : `${b.kind}<${d(b.element)}>`;
    case 'own': case 'borrow': return `${b.kind}<${name(b.resource, side)}>`;
  }
}
