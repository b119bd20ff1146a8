import { interfaceIdString, type Interface, type InterfaceId, type PackageId, type Resolve, type Type, type TypeDefKind, type TypeId, type WitFunction, type WorldId, type WorldItem, type WorldKey } from '@weld/wit-tools';
import type { Component, ComponentTypeDecl, DefinedType, ExternName, FuncType, InstanceTypeDecl, Section, TypeDef, ValType } from '../ast.js';
import { encodeComponent } from '../codec.js';
import { BinaryError } from '../error.js';
import { Writer } from '../writer.js';
import { WELD_VERSION } from '../version.js';
import { encodePackageDocs, PACKAGE_DOCS_SECTION } from './package-docs.js';

// A port of wit-component's `encoding/wit.rs` + `encoding/types.rs` (`InterfaceEncoder`, `ValtypeEncoder`), so the
// bytes are the same as `wasm-tools component wit --wasm` writes: the same type order, the same sharing of anonymous
// and function types, the same aliases.

function externName(n: string, attrs: { implements?: string; externalId?: string } = {}): ExternName {
  if (attrs.implements === undefined && attrs.externalId === undefined) return { name: n, form: 0 };
  const out: ExternName = { name: n, form: 2, attrOrder: [] };
  if (attrs.implements !== undefined) {
    out.implements = attrs.implements;
    out.attrOrder!.push('implements');
  }
  if (attrs.externalId !== undefined) {
    out.externalId = attrs.externalId;
    out.attrOrder!.push('external-id');
  }
  return out;
}

/** Declarations of a component or instance type under construction and its type index counter. */
class TypeScope {
  readonly decls: ComponentTypeDecl[] = [];
  types = 0;
}

/** wit-component's `TypeEncodingMaps`: what has been encoded in the current type scope. */
class TypeMaps {
  readonly idToIndex = new Map<TypeId, number>();
  /** anonymous types by structure (wit-parser dedupes anonymous types, so its ids are structural) */
  readonly defToIndex = new Map<string, number>();
  readonly funcTypes = new Map<string, number>();
}

/**
 * Encodes interfaces and worlds into one outer component type (`outer`), with at most one instance type open (`inner`)
 * at a time — wit-component's `InterfaceEncoder`.
 */
class InterfaceEncoder {
  readonly outer = new TypeScope();
  private inner: TypeScope | undefined;
  private maps = new TypeMaps();
  private saved: TypeMaps | undefined;
  private readonly importMap = new Map<InterfaceId, number>();
  private readonly outerTypeMap = new Map<TypeId, number>();
  private instances = 0;
  /** world-level named types are imports of the world's component type */
  importTypes = false;
  /** the interface whose types are being defined (its own types are defined, others' are aliased) */
  iface: InterfaceId | undefined;

  constructor(private readonly r: Resolve) {}

  private get cur(): TypeScope {
    return this.inner ?? this.outer;
  }

  pushInstance(): void {
    this.saved = this.maps;
    this.maps = new TypeMaps();
    this.inner = new TypeScope();
  }

  /** Closes the open instance type, defines it in the outer scope and returns its type index. */
  popInstance(): number {
    const inst = this.inner!;
    this.maps = this.saved!;
    this.saved = undefined;
    this.inner = undefined;
    return this.defineOuter({ kind: 'instance', decls: inst.decls as InstanceTypeDecl[] });
  }

  defineOuter(t: TypeDef): number {
    this.outer.decls.push({ kind: 'type', type: t });
    return this.outer.types++;
  }

  /** Records that the instance just defined (or imported) stands for `id`: the next instance index. */
  bindInstance(id: InterfaceId): void {
    this.importMap.set(id, this.instances++);
  }

  private define(t: TypeDef): number {
    const s = this.cur;
    s.decls.push({ kind: 'type', type: t });
    return s.types++;
  }

  private exportType(index: number, n: ExternName): number {
    const s = this.cur;
    const ret = s.types++;
    s.decls.push({ kind: this.inner || !this.importTypes ? 'export' : 'import', name: n, type: { kind: 'type', bound: { kind: 'eq', index } } });
    return ret;
  }

  private exportResource(n: ExternName): number {
    const s = this.cur;
    s.decls.push({ kind: this.inner || !this.importTypes ? 'export' : 'import', name: n, type: { kind: 'type', bound: { kind: 'sub-resource' } } });
    return s.types++;
  }

  private importType(owner: InterfaceId, id: TypeId): number {
    const instance = this.importMap.get(owner);
    if (instance === undefined) {
      throw new BinaryError('unsupported-feature', `type \`${this.r.types[id]!.name}\` comes from interface ${interfaceIdString(this.r, owner) ?? owner}, which is not imported here`, 0);
    }
    let outerIdx = this.outerTypeMap.get(id);
    if (outerIdx === undefined) {
      this.outer.decls.push({ kind: 'alias', alias: { kind: 'instance-export', sort: 'type', instance, name: this.r.types[id]!.name! } });
      outerIdx = this.outer.types++;
      this.outerTypeMap.set(id, outerIdx);
    }
    if (!this.inner) return outerIdx;
    this.inner.decls.push({ kind: 'alias', alias: { kind: 'outer', sort: 'type', count: 1, index: outerIdx } });
    return this.inner.types++;
  }

  /** A structural key of a type use: primitives and named types by identity, anonymous types by shape. */
  private key(t: Type): string {
    if (typeof t === 'string') return t;
    const def = this.r.types[t]!;
    if (def.kind.tag === 'resource') return `own(${t})`; // wit-parser's model writes `own<r>` as `r` itself
    return def.name !== undefined ? `#${t}` : this.kindKey(def.kind);
  }

  private kindKey(k: TypeDefKind): string {
    const o = (t: Type | undefined) => (t === undefined ? '_' : this.key(t));
    switch (k.tag) {
      case 'record': return `record(${k.fields.map((f) => `${f.name}:${o(f.type)}`).join(',')})`;
      case 'variant': return `variant(${k.cases.map((c) => `${c.name}:${o(c.type)}`).join(',')})`;
      case 'enum': return `enum(${k.cases.map((c) => c.name).join(',')})`;
      case 'flags': return `flags(${k.flags.map((f) => f.name).join(',')})`;
      case 'tuple': return `tuple(${k.types.map(o).join(',')})`;
      case 'list': return `list(${o(k.type)})`;
      case 'fixed-length-list': return `list(${o(k.type)};${k.size})`;
      case 'map': return `map(${o(k.key)},${o(k.value)})`;
      case 'option': return `option(${o(k.type)})`;
      case 'result': return `result(${o(k.ok)},${o(k.err)})`;
      case 'handle': return `${k.handle}(${k.resource})`;
      case 'future': case 'stream': return `${k.tag}(${o(k.type)})`;
      case 'type': return o(k.type);
      default: return k.tag;
    }
  }

  private lookup(id: TypeId): number | undefined {
    const hit = this.maps.idToIndex.get(id);
    if (hit !== undefined) return hit;
    const def = this.r.types[id]!;
    return def.name === undefined ? this.maps.defToIndex.get(this.kindKey(def.kind)) : undefined;
  }

  private insert(id: TypeId, index: number): void {
    this.maps.idToIndex.set(id, index);
    const def = this.r.types[id]!;
    if (def.name === undefined) this.maps.defToIndex.set(this.kindKey(def.kind), index);
  }

  /** `encode_valtype`: a type use, defining (or aliasing) what it needs first. */
  valtype(t: Type): ValType {
    if (typeof t === 'string') return t;
    const hit = this.lookup(t);
    if (hit !== undefined) return hit;
    const def = this.r.types[t]!;
    if (def.owner.tag === 'interface' && def.owner.id !== this.iface) {
      const idx = this.importType(def.owner.id, t);
      this.insert(t, idx);
      return idx;
    }
    if (def.kind.tag === 'resource') {
      if (def.name === undefined) throw new BinaryError('unsupported-feature', 'an anonymous resource cannot be encoded', 0);
      const idx = this.exportResource(externName(def.name, { externalId: def.externalId }));
      this.maps.idToIndex.set(t, idx);
      return idx;
    }
    let encoded = def.kind.tag === 'type' ? this.valtype(def.kind.type) : this.define({ kind: 'defined', type: this.defined(def.kind) });
    if (def.name !== undefined) {
      const index = typeof encoded === 'number' ? encoded : this.define({ kind: 'defined', type: { kind: 'primitive', type: encoded } });
      encoded = this.exportType(index, externName(def.name, { externalId: def.externalId }));
    }
    if (typeof encoded === 'number') this.insert(t, encoded);
    return encoded;
  }

  /** The handle a resource id stands for when used as a value type (`own<r>`). */
  private resourceIndex(resource: TypeId): number {
    const idx = this.valtype(resource);
    if (typeof idx !== 'number') throw new BinaryError('unsupported-feature', 'a handle must refer to a resource type', 0);
    return idx;
  }

  private defined(k: TypeDefKind): DefinedType {
    const v = (t: Type) => this.valtype(t);
    switch (k.tag) {
      case 'record': {
        const fields = k.fields.map((f) => ({ name: f.name, type: v(f.type) }));
        return { kind: 'record', fields };
      }
      case 'variant': {
        const cases = k.cases.map((c) => (c.type === undefined ? { name: c.name } : { name: c.name, type: v(c.type) }));
        return { kind: 'variant', cases };
      }
      case 'enum': return { kind: 'enum', names: k.cases.map((c) => c.name) };
      case 'flags': return { kind: 'flags', names: k.flags.map((f) => f.name) };
      case 'tuple': return { kind: 'tuple', types: k.types.map(v) };
      case 'list': return { kind: 'list', element: v(k.type) };
      case 'fixed-length-list': return { kind: 'fixed-list', element: v(k.type), length: k.size };
      case 'map': {
        const key = v(k.key);
        return { kind: 'map', key, value: v(k.value) };
      }
      case 'option': return { kind: 'option', type: v(k.type) };
      case 'result': {
        const out: DefinedType = { kind: 'result' };
        if (k.ok !== undefined) out.ok = v(k.ok);
        if (k.err !== undefined) out.err = v(k.err);
        return out;
      }
      case 'handle': return { kind: k.handle, resource: this.resourceIndex(k.resource) };
      case 'future': return k.type === undefined ? { kind: 'future' } : { kind: 'future', element: v(k.type) };
      case 'stream': return k.type === undefined ? { kind: 'stream' } : { kind: 'stream', element: v(k.type) };
      default:
        throw new BinaryError('unsupported-feature', `type kind \`${k.tag}\` cannot be encoded`, 0);
    }
  }

  /** A resource id used as a value (a constructor's implicit result, `own<r>` written `r`) is an own handle. */
  private value(t: Type): ValType {
    if (typeof t === 'number' && this.r.types[t]!.kind.tag === 'resource') {
      const key = `own(${t})`;
      const hit = this.maps.defToIndex.get(key);
      if (hit !== undefined) return hit;
      const idx = this.define({ kind: 'defined', type: { kind: 'own', resource: this.resourceIndex(t) } });
      this.maps.defToIndex.set(key, idx);
      return idx;
    }
    return this.valtype(t);
  }

  /** `encode_func_type`: function types are shared by signature (async, parameter names and types, result). */
  funcType(f: WitFunction): number {
    const async = f.kind.tag.startsWith('async');
    const key = `${async}|${f.params.map((p) => `${p.name}:${this.key(p.type)}`).join(',')}|${f.result === undefined ? '' : this.key(f.result)}`;
    const hit = this.maps.funcTypes.get(key);
    if (hit !== undefined) return hit;
    const params = f.params.map((p) => ({ name: p.name, type: this.value(p.type) }));
    const ft: FuncType = { kind: 'func', async, params };
    if (f.result !== undefined) ft.result = this.value(f.result);
    const idx = this.define(ft);
    this.maps.funcTypes.set(key, idx);
    return idx;
  }

  /** `encode_instance`: interface `id` as an instance type in the outer scope (types, then functions). */
  encodeInstance(id: InterfaceId): number {
    this.pushInstance();
    const iface = this.r.interfaces[id]!;
    const order = new Map<TypeId, number>();
    for (const t of iface.types.values()) {
      this.valtype(t);
      if (!order.has(t)) order.set(t, order.size);
    }
    // resource functions first, in the order of their resources, then freestanding ones (a stable sort)
    const rank = (f: WitFunction) => ('resource' in f.kind ? order.get(f.kind.resource) ?? order.size : order.size);
    const funcs = [...iface.functions].map(([n, f], i) => ({ n, f, i, rank: rank(f) })).sort((a, b) => a.rank - b.rank || a.i - b.i);
    for (const { n, f } of funcs) {
      const idx = this.funcType(f);
      this.inner!.decls.push({ kind: 'export', name: externName(n, { externalId: f.externalId }), type: { kind: 'func', type: idx } });
    }
    const idx = this.popInstance();
    this.bindInstance(id);
    return idx;
  }

  /** The types (only) of a foreign interface, as an instance type to import. */
  encodeTypesOnly(iface: Interface): number {
    this.pushInstance();
    for (const t of iface.types.values()) this.valtype(t);
    return this.popInstance();
  }
}

function externNameOfKey(r: Resolve, key: WorldKey): string {
  if (typeof key === 'string') return key;
  const n = interfaceIdString(r, key);
  if (n === undefined) throw new BinaryError('unsupported-feature', 'world refers to an unnamed interface by id', 0);
  return n;
}

/** `component_extern_name`: a plain-named import of a named interface carries `implements`. */
function worldExternName(r: Resolve, key: WorldKey, item: WorldItem): ExternName {
  const implementsName = typeof key === 'string' && item.tag === 'interface' && r.interfaces[item.id]!.name !== undefined ? interfaceIdString(r, item.id) : undefined;
  const externalId = item.tag === 'interface' ? item.externalId : item.tag === 'function' ? item.func.externalId : r.types[item.id]!.externalId;
  return externName(externNameOfKey(r, key), { implements: implementsName, externalId });
}

/** `encode_world`: a world as a component type — imports (interfaces, functions, types) then exports. */
export function encodeWorld(r: Resolve, w: WorldId): TypeDef {
  const world = r.worlds[w]!;
  const e = new InterfaceEncoder(r);
  for (const [key, item] of world.imports) {
    let type: ComponentTypeDecl & { kind: 'import' };
    if (item.tag === 'interface') {
      e.iface = item.id;
      type = { kind: 'import', name: worldExternName(r, key, item), type: { kind: 'instance', type: e.encodeInstance(item.id) } };
    } else if (item.tag === 'function') {
      e.iface = undefined;
      type = { kind: 'import', name: worldExternName(r, key, item), type: { kind: 'func', type: e.funcType(item.func) } };
    } else {
      e.iface = undefined;
      e.importTypes = true;
      e.valtype(item.id);
      e.importTypes = false;
      continue;
    }
    e.outer.decls.push(type);
  }
  for (const [key, item] of world.exports) {
    let idx: number;
    if (item.tag === 'interface') {
      e.iface = item.id;
      idx = e.encodeInstance(item.id);
      e.outer.decls.push({ kind: 'export', name: worldExternName(r, key, item), type: { kind: 'instance', type: idx } });
    } else if (item.tag === 'function') {
      e.iface = undefined;
      idx = e.funcType(item.func);
      e.outer.decls.push({ kind: 'export', name: worldExternName(r, key, item), type: { kind: 'func', type: idx } });
    } else {
      throw new BinaryError('unsupported-feature', 'a world cannot export a type', 0);
    }
  }
  return { kind: 'component', decls: e.outer.decls };
}

/** Interfaces whose types `id` uses, transitively, dependencies first, then `id` (`add_live_interfaces`). */
function liveInterfaces(r: Resolve, id: InterfaceId, out: Set<InterfaceId> = new Set()): Set<InterfaceId> {
  if (out.has(id)) return out;
  for (const t of r.interfaces[id]!.types.values()) {
    const def = r.types[t]!;
    if (def.kind.tag !== 'type' || typeof def.kind.type !== 'number') continue;
    const other = r.types[def.kind.type]!.owner;
    if (other.tag === 'interface' && !(def.owner.tag === 'interface' && def.owner.id === other.id)) liveInterfaces(r, other.id, out);
  }
  out.add(id);
  return out;
}

/** `encode_interface`: a component type importing the interfaces `id` uses (their types only) and exporting `id`. */
function encodeInterfaceItem(r: Resolve, id: InterfaceId): TypeDef {
  const e = new InterfaceEncoder(r);
  for (const live of liveInterfaces(r, id)) {
    e.iface = live;
    const n = interfaceIdString(r, live);
    if (n === undefined) throw new BinaryError('unsupported-feature', 'an anonymous interface cannot be part of a package', 0);
    if (live === id) {
      const idx = e.encodeInstance(live);
      e.outer.decls.push({ kind: 'export', name: externName(n), type: { kind: 'instance', type: idx } });
    } else {
      const idx = e.encodeTypesOnly(r.interfaces[live]!);
      e.bindInstance(live);
      e.outer.decls.push({ kind: 'import', name: externName(n), type: { kind: 'instance', type: idx } });
    }
  }
  return { kind: 'component', decls: e.outer.decls };
}


/**
 * The component type an item of a WIT package is encoded as in a binary WIT package: an interface imports the
 * interfaces it uses and exports itself; a world is a component type wrapped in one that exports it by its qualified
 * name. wac exports a `.wac` file's `interface` and `world` statements as these types.
 */
export function encodeWitItem(resolve: Resolve, pkg: PackageId, kind: 'interface' | 'world', name: string): TypeDef {
  const p = resolve.packages[pkg];
  const id = kind === 'interface' ? p?.interfaces.get(name) : p?.worlds.get(name);
  if (p === undefined || id === undefined) throw new BinaryError('invalid-type', `no ${kind} ${name} in this package`, 0);
  if (kind === 'interface') return encodeInterfaceItem(resolve, id);
  const version = p.name.version !== undefined ? `@${p.name.version}` : '';
  const world: ComponentTypeDecl[] = [{ kind: 'type', type: encodeWorld(resolve, id) }];
  world.push({ kind: 'export', name: externName(`${p.name.namespace}:${p.name.name}/${name}${version}`), type: { kind: 'component', type: 0 } });
  return { kind: 'component', decls: world };
}

export interface EncodeWitOptions {
  /** the `processed-by` entry of the producers section; `false` leaves the section out (default: weld and its version) */
  processedBy?: { name: string; version: string } | false;
}

function producersSection(tool: { name: string; version: string }): Uint8Array {
  const w = new Writer(64);
  w.u32(1);
  w.string('processed-by');
  w.u32(1);
  w.string(tool.name);
  w.string(tool.version);
  return w.finish();
}

const custom = (n: string, data: Uint8Array): Section => ({ id: 0, kind: 'custom', offset: 0, size: 0, name: n, data, payload: { kind: 'opaque' } });

/**
 * Encodes WIT package `pkg` of `resolve` as a binary WIT package (wit-component's v2 layout): one exported component
 * type per interface and world, each importing the foreign interfaces it uses, then the `package-docs` section (docs
 * and stability gates) and a producers section.
 */
export function encodeWitPackage(resolve: Resolve, pkg: PackageId, options: EncodeWitOptions = {}): Uint8Array {
  const p = resolve.packages[pkg];
  if (p === undefined) throw new BinaryError('invalid-type', `no package ${pkg} in this resolve`, 0);
  const version = p.name.version !== undefined ? `@${p.name.version}` : '';
  const qualified = (item: string) => `${p.name.namespace}:${p.name.name}/${item}${version}`;
  const types: TypeDef[] = [];
  const exports: { name: ExternName; sort: 'type'; index: number }[] = [];
  let index = 0;
  const add = (itemName: string, t: TypeDef) => {
    types.push(t);
    exports.push({ name: externName(itemName), sort: 'type', index: index });
    index += 2; // the definition and the export's new index
  };
  for (const [n, id] of p.interfaces) add(n, encodeInterfaceItem(resolve, id));
  for (const [n, id] of p.worlds) {
    const world: ComponentTypeDecl[] = [{ kind: 'type', type: encodeWorld(resolve, id) }];
    world.push({ kind: 'export', name: externName(qualified(n)), type: { kind: 'component', type: 0 } });
    add(n, { kind: 'component', decls: world });
  }
  // type, export, type, export, ... so each export's index is its definition's
  const sections: Section[] = [];
  types.forEach((t, i) => {
    sections.push({ id: 7, kind: 'type', offset: 0, size: 0, items: [t] } as Section);
    sections.push({ id: 11, kind: 'export', offset: 0, size: 0, items: [exports[i]] } as Section);
  });
  sections.push(custom(PACKAGE_DOCS_SECTION, encodePackageDocs(resolve, pkg)));
  const tool = options.processedBy ?? { name: 'weld', version: WELD_VERSION };
  if (tool !== false) sections.push(custom('producers', producersSection(tool)));
  const c: Component = { offset: 0, size: 0, version: 0x0d, layer: 1, sections };
  return encodeComponent(c);
}
