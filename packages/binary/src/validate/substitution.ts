import type { Entity, RComponent, RDefined, RDefinedBody, RFunc, RInstance, RResource, RType, RVal } from './model.js';
import { res, valOf } from './model.js';
import { childRefs, shallowRefs } from './walks.js';

// Substitution of resources (instantiation): a component's abstract resources and type imports replaced by what the
// instantiation supplies, in every type that mentions them.

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
