import {
  NO_SPAN, Resolve, UNKNOWN_STABILITY, type FunctionKind, type Interface, type InterfaceId, type PackageId, type Type,
  type TypeDef, type TypeDefKind, type TypeId, type TypeOwner, type WitFunction, type World, type WorldId,
} from '@weld/wit-tools';
import { BinaryError } from '../error.js';
import type { Entity, RComponent, RDefined, RFunc, RInstance, RResource, RVal } from '../validate/model.js';
import { parseExternName } from '../validate/names.js';
import { inlineKey, NO_ATTRS, type ExternAttrs, type NameAttrs } from './extern-attrs.js';

/**
 * Builds WIT from the validated type of a component, the way wit-parser's `decoding.rs` does: interface-named
 * instance imports/exports become interfaces of their packages, the component itself becomes world `root` of
 * package `root:component`, and `(eq T)` re-exports of another interface's type become `use`s.
 */
export class WitBuilder {
  readonly resolve = new Resolve();
  /** the latest named definition of each type object anywhere */
  private typeIds = new Map<object, TypeId>();
  /** names of type objects inside the interface or world being built (a `use` there shadows the original) */
  private scopeIds = new Map<object, TypeId>();
  private anon = new Map<object, TypeId>();
  private interfaces = new Map<string, InterfaceId>();
  /** the name each world is known by in the binary (its qualified name in a WIT package, none in a component) */
  private worldNames = new Map<WorldId, string | undefined>();
  /** where each interface's members find their name attributes (`NameAttrs.member`) */
  private interfaceKeys = new Map<InterfaceId, string>();

  constructor(private readonly attrs: NameAttrs = NO_ATTRS) {}

  package(namespace: string, name: string, version?: string): PackageId {
    const key = `${namespace}:${name}${version !== undefined ? '@' + version : ''}`;
    const hit = this.resolve.packageNames.get(key);
    if (hit !== undefined) return hit;
    const id = this.resolve.packages.length;
    this.resolve.packages.push({ name: { namespace, name, ...(version !== undefined ? { version } : {}) }, interfaces: new Map(), worlds: new Map() });
    this.resolve.packageNames.set(key, id);
    return id;
  }

  newWorld(pkg: PackageId, name: string, binaryName?: string): WorldId {
    const id = this.resolve.worlds.length;
    const w: World = { name, imports: new Map(), exports: new Map(), package: pkg, stability: UNKNOWN_STABILITY, includes: [], span: NO_SPAN };
    this.resolve.worlds.push(w);
    this.resolve.packages[pkg].worlds.set(name, id);
    this.worldNames.set(id, binaryName);
    return id;
  }

  /** The interface `ns:pkg/iface@ver`, created (with the instance's items) on first sight. */
  namedInterface(fullName: string, inst: RInstance): InterfaceId {
    const hit = this.interfaces.get(fullName);
    if (hit !== undefined) {
      this.mergeInterface(hit, inst);
      return hit;
    }
    const n = parseExternName(fullName, { nested: true });
    if (n.kind !== 'interface') throw new BinaryError('invalid-name', `\`${fullName}\` is not an interface name`, 0);
    const pkg = this.package(n.namespace, n.pkg, n.version);
    const id = this.newInterface(n.iface, pkg);
    this.interfaces.set(fullName, id);
    this.resolve.packages[pkg].interfaces.set(n.iface, id);
    this.fillInterface(id, inst, fullName);
    return id;
  }

  /**
   * Another view of an interface seen before (each item of a binary WIT package imports its dependencies afresh):
   * its types are the known ones, by name; anything the earlier view lacked is added.
   */
  private mergeInterface(id: InterfaceId, inst: RInstance): void {
    const iface = this.resolve.interfaces[id];
    const owner: TypeOwner = { tag: 'interface', id };
    for (const [name, e] of inst.exports) {
      if (e.sort !== 'type') continue;
      const known = iface.types.get(name);
      if (known !== undefined) {
        if (!this.typeIds.has(e.type)) this.typeIds.set(e.type, known);
        if (e.type.kind === 'defined') for (let o = e.type.origin; o; o = o.origin) if (!this.typeIds.has(o)) this.typeIds.set(o, known);
      } else {
        const saved = this.scopeIds;
        this.scopeIds = new Map();
        iface.types.set(name, this.namedType(name, e, owner));
        this.scopeIds = saved;
      }
    }
    for (const [name, e] of inst.exports) {
      if (e.sort === 'func' && !iface.functions.has(name)) iface.functions.set(name, this.func(name, e.type, iface.types));
    }
    this.memberAttrs(id, this.interfaceKeys.get(id));
  }

  /** External ids of an interface's functions and types, from the names in the binary. */
  private memberAttrs(id: InterfaceId, key: string | undefined): void {
    if (key === undefined) return;
    const iface = this.resolve.interfaces[id];
    for (const [n, t] of iface.types) {
      const x = this.attrs.member(key, n)?.externalId;
      if (x !== undefined) this.resolve.types[t].externalId = x;
    }
    for (const [n, f] of iface.functions) {
      const x = this.attrs.member(key, n)?.externalId;
      if (x !== undefined) f.externalId = x;
    }
  }

  newInterface(name: string | undefined, pkg: PackageId | undefined): InterfaceId {
    const id = this.resolve.interfaces.length;
    const iface: Interface = { types: new Map(), functions: new Map(), stability: UNKNOWN_STABILITY, span: NO_SPAN };
    if (name !== undefined) iface.name = name;
    if (pkg !== undefined) iface.package = pkg;
    this.resolve.interfaces.push(iface);
    return id;
  }

  /** Fills interface `id` from an instance type; `key` finds its members' name attributes (see `NameAttrs.member`). */
  fillInterface(id: InterfaceId, inst: RInstance, key?: string): void {
    const saved = [this.scopeIds, this.anon];
    this.scopeIds = new Map();
    this.anon = new Map();
    try {
      this.fillInterfaceScoped(id, inst);
    } finally {
      [this.scopeIds, this.anon] = saved;
    }
    if (key !== undefined) this.interfaceKeys.set(id, key);
    this.memberAttrs(id, key);
  }

  private fillInterfaceScoped(id: InterfaceId, inst: RInstance): void {
    const iface = this.resolve.interfaces[id];
    const owner: TypeOwner = { tag: 'interface', id };
    for (const [name, e] of inst.exports) {
      if (e.sort === 'type') iface.types.set(name, this.namedType(name, e, owner));
    }
    for (const [name, e] of inst.exports) {
      if (e.sort === 'func') iface.functions.set(name, this.func(name, e.type, iface.types));
      else if (e.sort !== 'type') throw new BinaryError('unsupported-feature', `interface item \`${name}\` is a ${e.sort}, which WIT cannot express`, 0);
    }
  }

  /** A named type exported by an interface or world: a fresh definition, or a `use` of one defined elsewhere. */
  namedType(name: string, e: Extract<Entity, { sort: 'type' }>, owner: TypeOwner): TypeId {
    const t = e.type;
    let target: TypeId | undefined;
    if (t.kind === 'resource') target = this.lookupResource(t);
    else if (t.kind === 'defined') {
      // wit-parser's `find_alias`: the type itself, then each type it is a second name of
      for (let o: RDefined | undefined = t; o && target === undefined; o = o.origin) target = this.lookup(o);
    }
    let kind: TypeDefKind;
    if (target !== undefined) kind = { tag: 'type', type: target };
    else if (t.kind === 'resource') kind = { tag: 'resource' };
    else if (t.kind === 'defined') kind = this.kind(t);
    else if (t.kind === 'prim') kind = { tag: 'type', type: t.type };
    else throw new BinaryError('unsupported-feature', `type \`${name}\` is a ${t.kind} type, which WIT cannot express`, 0);
    const id = this.push({ name, kind, owner, stability: UNKNOWN_STABILITY, span: NO_SPAN });
    this.typeIds.set(t, id); // the latest name of a type is what later uses refer to (wit-parser's `type_map`)
    if (!this.scopeIds.has(t)) this.scopeIds.set(t, id);
    return id;
  }

  /** The nearest known name of a resource: itself, then each name it was re-exported from, then its root. */
  private lookupResource(r: RResource): TypeId | undefined {
    for (let x: RResource | undefined = r; x; x = x.via) {
      const hit = this.lookup(x);
      if (hit !== undefined) return hit;
    }
    return r.aliasOf ? this.lookup(r.aliasOf) : undefined;
  }

  private lookup(o: object): TypeId | undefined {
    return this.scopeIds.get(o) ?? this.typeIds.get(o);
  }

  private push(def: TypeDef): TypeId {
    this.resolve.types.push(def);
    return this.resolve.types.length - 1;
  }

  type(v: RVal | undefined): Type | undefined {
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    const named = this.lookup(v);
    if (named !== undefined) return named;
    for (let o = v.origin; o; o = o.origin) {
      const hit = this.lookup(o);
      if (hit !== undefined) return hit;
    }
    if (v.body.kind === 'primitive') return v.body.type;
    const hit = this.anon.get(v);
    if (hit !== undefined) return hit;
    const id = this.push({ kind: this.kind(v), owner: { tag: 'none' }, stability: UNKNOWN_STABILITY, span: NO_SPAN });
    this.anon.set(v, id);
    return id;
  }

  private resourceId(r: RResource): TypeId {
    const id = this.lookupResource(r);
    if (id === undefined) throw new BinaryError('invalid-resource-use', 'a handle refers to a resource that no interface or world names', 0);
    return id;
  }

  private kind(v: RDefined): TypeDefKind {
    const b = v.body;
    const t = (x: RVal) => this.type(x)!;
    switch (b.kind) {
      case 'primitive': return { tag: 'type', type: b.type };
      case 'record': return { tag: 'record', fields: b.fields.map((f) => ({ name: f.name, type: t(f.type), span: NO_SPAN })) };
      case 'variant': return { tag: 'variant', cases: b.cases.map((c) => ({ name: c.name, ...(c.type !== undefined ? { type: t(c.type) } : {}), span: NO_SPAN })) };
      case 'enum': return { tag: 'enum', cases: b.names.map((name) => ({ name, span: NO_SPAN })) };
      case 'flags': return { tag: 'flags', flags: b.names.map((name) => ({ name, span: NO_SPAN })) };
      case 'tuple': return { tag: 'tuple', types: b.types.map(t) };
      case 'list': return b.length !== undefined ? { tag: 'fixed-length-list', type: t(b.element), size: b.length } : { tag: 'list', type: t(b.element) };
      case 'map': return { tag: 'map', key: t(b.key), value: t(b.value) };
      case 'option': return { tag: 'option', type: t(b.type) };
      case 'result': return { tag: 'result', ...(b.ok !== undefined ? { ok: t(b.ok) } : {}), ...(b.err !== undefined ? { err: t(b.err) } : {}) };
      case 'own':
      case 'borrow': return { tag: 'handle', handle: b.kind, resource: this.resourceId(b.resource) };
      case 'stream':
      case 'future': return { tag: b.kind, ...(b.element !== undefined ? { type: t(b.element) } : {}) };
    }
  }

  func(name: string, f: RFunc, scope: Map<string, TypeId>): WitFunction {
    const n = parseExternName(name);
    const res = (label: string): TypeId => {
      const id = scope.get(label);
      if (id === undefined) throw new BinaryError('invalid-name', `function \`${name}\` refers to resource \`${label}\` which is not defined here`, 0);
      return id;
    };
    let kind: FunctionKind;
    switch (n.kind) {
      case 'constructor': kind = { tag: 'constructor', resource: res(n.resource) }; break;
      case 'method': kind = { tag: f.async ? 'async-method' : 'method', resource: res(n.resource) }; break;
      case 'static': kind = { tag: f.async ? 'async-static' : 'static', resource: res(n.resource) }; break;
      default: kind = { tag: f.async ? 'async-freestanding' : 'freestanding' };
    }
    const result = this.type(f.result);
    return {
      name, kind, params: f.params.map((p) => ({ name: p.name, type: this.type(p.type)!, span: NO_SPAN })),
      ...(result !== undefined ? { result } : {}), stability: UNKNOWN_STABILITY, span: NO_SPAN,
    };
  }

  /**
   * Adds one import or export of a component (or a world's component type) to world `w`. `attrs` are the name's
   * attributes: `implements` makes a plain-named instance the named interface it implements.
   */
  worldItem(w: WorldId, dir: 'imports' | 'exports', name: string, e: Entity, attrs: ExternAttrs = {}): void {
    const world = this.resolve.worlds[w];
    const items = world[dir];
    const kind = parseExternName(name, { nested: true });
    switch (e.sort) {
      case 'instance': {
        if (kind.kind === 'interface') {
          const id = this.namedInterface(name, e.type);
          items.set(id, { tag: 'interface', id, stability: UNKNOWN_STABILITY, span: NO_SPAN, ...externalId(attrs) });
        } else if (attrs.implements !== undefined) {
          const id = this.namedInterface(attrs.implements, e.type);
          items.set(name, { tag: 'interface', id, stability: UNKNOWN_STABILITY, span: NO_SPAN, ...externalId(attrs) });
        } else {
          const id = this.newInterface(undefined, world.package); // an inline interface belongs to its world's package
          this.fillInterface(id, e.type, inlineKey(this.worldNames.get(w), dir === 'imports' ? 'import' : 'export', name));
          items.set(name, { tag: 'interface', id, stability: UNKNOWN_STABILITY, span: NO_SPAN });
        }
        return;
      }
      case 'func': {
        const scope = new Map<string, TypeId>();
        for (const [k, it] of items) if (typeof k === 'string' && it.tag === 'type') scope.set(k, it.id);
        items.set(name, { tag: 'function', func: { ...this.func(name, e.type, scope), ...externalId(attrs) } });
        return;
      }
      case 'type': {
        const id = this.namedType(name, e, { tag: 'world', id: w });
        if (attrs.externalId !== undefined) this.resolve.types[id]!.externalId = attrs.externalId;
        items.set(name, { tag: 'type', id, span: NO_SPAN });
        return;
      }
      default:
        throw new BinaryError('unsupported-feature', `world item \`${name}\` is a ${e.sort}, which WIT cannot express`, 0);
    }
  }
}

const externalId = (a: ExternAttrs) => (a.externalId !== undefined ? { externalId: a.externalId } : {});

/** The WIT world of a validated component: package `root:component`, world `root`, plus every package it uses. */
export function worldOfComponent(type: RComponent, attrs: NameAttrs = NO_ATTRS): { resolve: Resolve; world: WorldId; package: PackageId } {
  const b = new WitBuilder(attrs);
  const pkg = b.package('root', 'component');
  const world = b.newWorld(pkg, 'root');
  refuseReexportedResources(type);
  for (const [name, e] of type.imports) b.worldItem(world, 'imports', name, e, attrs.item(undefined, 'import', name));
  for (const [name, e] of type.exports) b.worldItem(world, 'exports', name, e, attrs.item(undefined, 'export', name));
  const resolve = finish(b.resolve, pkg);
  return { resolve, world, package: resolve.packages.length - 1 };
}

/**
 * An imported instance exported again under another name carries the same resources into two interfaces, which WIT
 * cannot say (a resource belongs to one interface); wit-parser refuses it with this message.
 */
function refuseReexportedResources(type: RComponent): void {
  const imported = new Map<unknown, string>();
  for (const [name, e] of type.imports) if (e.sort === 'instance') imported.set(e.type, name);
  for (const [name, e] of type.exports) {
    if (e.sort !== 'instance') continue;
    const from = imported.get(e.type);
    if (from === undefined || from === name) continue;
    for (const [item, x] of e.type.exports) {
      if (x.sort === 'type' && x.type.kind === 'resource') {
        throw new BinaryError('invalid-type', `cannot represent this component in WIT: the type \`${item}\` appears more than once (for example, when an imported instance is re-exported under a new name)`, 0, undefined, {
          hint: `export \`${name}\` is the imported instance \`${from}\`; a component whose WIT is extracted must export its own instance`,
        });
      }
    }
  }
}

/** True when every export of the component is a component type: the binary encoding of a WIT package. */
export function isWitPackage(type: RComponent): boolean {
  return type.exports.size > 0 && type.imports.size === 0 && [...type.exports.values()].every((e) => e.sort === 'type' && e.type.kind === 'component');
}

/** Decodes a binary WIT package (wit-component's v2 encoding, as `wasm-tools component wit --wasm` writes it). */
export function packageOfWitComponent(type: RComponent, attrs: NameAttrs = NO_ATTRS): { resolve: Resolve; package: PackageId } {
  const b = new WitBuilder(attrs);
  let main: PackageId | undefined;
  for (const [exportName, e] of type.exports) {
    if (e.sort !== 'type' || e.type.kind !== 'component') continue;
    const c = e.type;
    if (c.exports.size !== 1) throw new BinaryError('invalid-type', `WIT package item \`${exportName}\` must export exactly one item, found ${c.exports.size}`, 0);
    const [name, item] = [...c.exports][0];
    const n = parseExternName(name, { nested: true });
    if (n.kind !== 'interface') throw new BinaryError('invalid-name', `WIT package item \`${name}\` is not a qualified name`, 0);
    const pkg = b.package(n.namespace, n.pkg, n.version);
    if (main !== undefined && main !== pkg) throw new BinaryError('invalid-type', 'items of a WIT package belong to different packages', 0);
    main = pkg;
    if (item.sort === 'instance') {
      for (const [dep, d] of c.imports) if (d.sort === 'instance') b.namedInterface(dep, d.type);
      b.namedInterface(name, item.type);
    } else if (item.sort === 'component') {
      const w = b.newWorld(pkg, n.iface, name);
      for (const [k, x] of item.type.imports) b.worldItem(w, 'imports', k, x, attrs.item(name, 'import', k));
      for (const [k, x] of item.type.exports) b.worldItem(w, 'exports', k, x, attrs.item(name, 'export', k));
    } else {
      throw new BinaryError('invalid-type', `WIT package item \`${name}\` is a ${item.sort}, expected an instance or component type`, 0);
    }
  }
  if (main === undefined) throw new BinaryError('invalid-type', 'no exported component type found', 0);
  const resolve = finish(b.resolve, main);
  return { resolve, package: resolve.packages.length - 1 };
}

/** Puts the main package last (wit-parser's order: dependencies first). */
function finish(resolve: Resolve, main: PackageId): Resolve {
  if (main === resolve.packages.length - 1) return resolve;
  const order = resolve.packages.map((_, i) => i).filter((i) => i !== main).concat([main]);
  const remap = new Map(order.map((old, i) => [old, i]));
  resolve.packages = order.map((i) => resolve.packages[i]);
  resolve.packageNames = new Map([...resolve.packageNames].map(([k, v]) => [k, remap.get(v)!]));
  for (const i of resolve.interfaces) if (i.package !== undefined) i.package = remap.get(i.package);
  for (const w of resolve.worlds) if (w.package !== undefined) w.package = remap.get(w.package);
  return resolve;
}
