import { readFileSync } from 'node:fs';
import {
  interfaceIdString, type InterfaceId, type PackageId, type Resolve, type Type, type TypeId, type WorldId, type WorldItem,
  type WorldKey,
} from '@weld/wit-tools';
import type { Component, ComponentTypeDecl, InstanceTypeDecl, DefinedType, ExternName, ExternType, FuncType, Section, TypeDef, ValType } from '../ast.js';
import { encodeComponent } from '../codec.js';
import { BinaryError } from '../error.js';
import { Writer } from '../writer.js';
import { encodePackageDocs, PACKAGE_DOCS_SECTION } from './package-docs.js';

const name = (n: string): ExternName => ({ name: n, form: 0 });

/** Declarations of a component or instance type under construction, with its type and instance index counters. */
class Decls {
  readonly decls: ComponentTypeDecl[] = [];
  types = 0;
  instances = 0;
  typeDecl(t: TypeDef): number {
    this.decls.push({ kind: 'type', type: t });
    return this.types++;
  }
  exportType(n: string, bound: ExternType & { kind: 'type' }): number {
    this.decls.push({ kind: 'export', name: name(n), type: bound });
    return this.types++;
  }
  aliasOuterType(index: number): number {
    this.decls.push({ kind: 'alias', alias: { kind: 'outer', sort: 'type', count: 1, index } });
    return this.types++;
  }
  aliasExportType(instance: number, n: string): number {
    this.decls.push({ kind: 'alias', alias: { kind: 'instance-export', sort: 'type', instance, name: n } });
    return this.types++;
  }
}

/**
 * The outer scope: a component type (one WIT package item) that imports the foreign interfaces its items use and
 * aliases their types out so inner instance types can reach them with `alias outer`.
 */
class OuterScope {
  readonly d = new Decls();
  private imported = new Map<InterfaceId, number>();
  private aliased = new Map<TypeId, number>();

  constructor(readonly r: Resolve, private readonly local: ReadonlySet<InterfaceId>) {}

  /** Index (in this scope) of a named type owned by an interface other than the one being encoded. */
  foreignType(id: TypeId): number {
    const hit = this.aliased.get(id);
    if (hit !== undefined) return hit;
    const def = this.r.types[id];
    if (def.owner.tag !== 'interface' || def.name === undefined) {
      throw new BinaryError('unsupported-feature', `type ${def.name ?? id} is not owned by an interface and cannot be referenced here`, 0);
    }
    const inst = this.importInterface(def.owner.id, false);
    const idx = this.d.aliasExportType(inst, def.name);
    this.aliased.set(id, idx);
    return idx;
  }

  /** Imports interface `id` (types only, or with functions) and returns its instance index. */
  importInterface(id: InterfaceId, withFunctions: boolean, key?: string): number {
    const hit = this.imported.get(id);
    if (hit !== undefined) return hit;
    const t = new InstanceEncoder(this, id).encode(withFunctions);
    const typeIdx = this.d.typeDecl(t);
    const n = key ?? interfaceIdString(this.r, id);
    if (n === undefined) throw new BinaryError('unsupported-feature', 'an anonymous interface cannot be imported by name', 0);
    this.d.decls.push({ kind: 'import', name: name(n), type: { kind: 'instance', type: typeIdx } });
    const inst = this.d.instances++;
    this.imported.set(id, inst);
    return inst;
  }

  isLocal(id: InterfaceId): boolean {
    return this.local.has(id);
  }

  markImported(id: InterfaceId, inst: number): void {
    this.imported.set(id, inst);
  }
}

/** Encodes one interface as an instance type: its named types as exports, then its functions. */
class InstanceEncoder {
  private readonly d = new Decls();
  private readonly index = new Map<TypeId, number>();
  private readonly r: Resolve;

  constructor(private readonly outer: OuterScope, private readonly iface: InterfaceId) {
    this.r = outer.r;
  }

  encode(withFunctions: boolean): TypeDef {
    const i = this.r.interfaces[this.iface];
    for (const id of i.types.values()) this.typeIndex(id);
    if (withFunctions) {
      for (const [n, f] of i.functions) {
        const ft: FuncType = {
          kind: 'func', async: f.kind.tag.startsWith('async'), params: f.params.map((p) => ({ name: p.name, type: this.val(p.type) })),
        };
        if (f.result !== undefined && !(f.kind.tag === 'constructor' && this.isOwnOf(f.result, f.kind.resource))) ft.result = this.val(f.result);
        else if (f.kind.tag === 'constructor') ft.result = this.val(this.ownHandle(f.kind.resource, f.result));
        const idx = this.d.typeDecl(ft);
        this.d.decls.push({ kind: 'export', name: name(n), type: { kind: 'func', type: idx } });
      }
    }
    return { kind: 'instance', decls: this.d.decls as InstanceTypeDecl[] };
  }

  private isOwnOf(t: Type, resource: TypeId): boolean {
    if (typeof t !== 'number') return false;
    const k = this.r.types[t].kind;
    return k.tag === 'handle' && k.handle === 'own' && k.resource === resource;
  }

  /** The result type of a constructor written without one: `own<resource>` (the model may store the resource id). */
  private ownHandle(resource: TypeId, result: Type | undefined): Type {
    if (result !== undefined && this.isOwnOf(result, resource)) return result;
    if (result !== undefined && typeof result === 'number' && this.r.types[result].kind.tag === 'result') return result;
    return -1 - resource; // marker: own of `resource`, materialised in `val`
  }

  private val(t: Type): ValType {
    if (typeof t === 'string') return t;
    if (t < 0) return this.handle('own', -1 - t);
    return this.typeIndex(t);
  }

  private handle(kind: 'own' | 'borrow', resource: TypeId): number {
    return this.d.typeDecl({ kind: 'defined', type: { kind, resource: this.typeIndex(resource) } });
  }

  private typeIndex(id: TypeId): number {
    const hit = this.index.get(id);
    if (hit !== undefined) return hit;
    const def = this.r.types[id];
    let idx: number;
    if (def.name !== undefined && !(def.owner.tag === 'interface' && def.owner.id === this.iface)) {
      idx = this.d.aliasOuterType(this.outer.foreignType(id));
    } else if (def.name !== undefined) {
      const k = def.kind;
      if (k.tag === 'resource') idx = this.d.exportType(def.name, { kind: 'type', bound: { kind: 'sub-resource' } });
      else {
        const inner = k.tag === 'type' ? this.aliasTarget(k.type) : this.d.typeDecl({ kind: 'defined', type: this.defined(id) });
        idx = this.d.exportType(def.name, { kind: 'type', bound: { kind: 'eq', index: inner } });
      }
    } else {
      idx = this.d.typeDecl({ kind: 'defined', type: this.defined(id) });
    }
    this.index.set(id, idx);
    return idx;
  }

  private aliasTarget(t: Type): number {
    if (typeof t === 'string') return this.d.typeDecl({ kind: 'defined', type: { kind: 'primitive', type: t } });
    return this.typeIndex(t);
  }

  private defined(id: TypeId): DefinedType {
    const k = this.r.types[id].kind;
    const v = (t: Type) => this.val(t);
    switch (k.tag) {
      case 'record': return { kind: 'record', fields: k.fields.map((f) => ({ name: f.name, type: v(f.type) })) };
      case 'variant': return { kind: 'variant', cases: k.cases.map((c) => (c.type === undefined ? { name: c.name } : { name: c.name, type: v(c.type) })) };
      case 'enum': return { kind: 'enum', names: k.cases.map((c) => c.name) };
      case 'flags': return { kind: 'flags', names: k.flags.map((f) => f.name) };
      case 'tuple': return { kind: 'tuple', types: k.types.map(v) };
      case 'list': return { kind: 'list', element: v(k.type) };
      case 'fixed-length-list': return { kind: 'fixed-list', element: v(k.type), length: k.size };
      case 'map': return { kind: 'map', key: v(k.key), value: v(k.value) };
      case 'option': return { kind: 'option', type: v(k.type) };
      case 'result': {
        const out: DefinedType = { kind: 'result' };
        if (k.ok !== undefined) out.ok = v(k.ok);
        if (k.err !== undefined) out.err = v(k.err);
        return out;
      }
      case 'handle': return { kind: k.handle, resource: this.typeIndex(k.resource) };
      case 'future': return k.type === undefined ? { kind: 'future' } : { kind: 'future', element: v(k.type) };
      case 'stream': return k.type === undefined ? { kind: 'stream' } : { kind: 'stream', element: v(k.type) };
      case 'type': {
        if (typeof k.type === 'string') return { kind: 'primitive', type: k.type };
        throw new BinaryError('unsupported-feature', 'an anonymous type alias cannot be encoded', 0);
      }
      default:
        throw new BinaryError('unsupported-feature', `type kind \`${k.tag}\` cannot be encoded`, 0);
    }
  }
}

function worldKeyName(r: Resolve, key: WorldKey): string {
  if (typeof key === 'string') return key;
  const n = interfaceIdString(r, key);
  if (n === undefined) throw new BinaryError('unsupported-feature', 'world refers to an unnamed interface by id', 0);
  return n;
}

/** A world as a component type: imports and exports of instances, functions and types. */
function encodeWorld(r: Resolve, w: WorldId): TypeDef {
  const world = r.worlds[w];
  const scope = new OuterScope(r, new Set());
  const d = scope.d;
  const worldTypes = new Map<TypeId, number>();
  const item = (dir: 'import' | 'export', key: WorldKey, it: WorldItem) => {
    const n = worldKeyName(r, key);
    const push = (type: ExternType) => d.decls.push({ kind: dir, name: name(n), type } as ComponentTypeDecl);
    switch (it.tag) {
      case 'interface': {
        if (dir === 'import') {
          scope.importInterface(it.id, true, n);
          return;
        }
        const t = new InstanceEncoder(scope, it.id).encode(true);
        push({ kind: 'instance', type: d.typeDecl(t) });
        return;
      }
      case 'function': {
        const f = it.func;
        const ft: FuncType = { kind: 'func', async: f.kind.tag.startsWith('async'), params: f.params.map((p) => ({ name: p.name, type: worldVal(p.type) })) };
        if (f.result !== undefined) ft.result = worldVal(f.result);
        push({ kind: 'func', type: d.typeDecl(ft) });
        return;
      }
      case 'type': {
        const def = r.types[it.id];
        if (def.kind.tag === 'resource') {
          push({ kind: 'type', bound: { kind: 'sub-resource' } });
        } else {
          const inner = def.kind.tag === 'type' && typeof def.kind.type === 'number' ? worldVal(def.kind.type) as number : d.typeDecl({ kind: 'defined', type: worldDefined(it.id) });
          push({ kind: 'type', bound: { kind: 'eq', index: inner } });
        }
        worldTypes.set(it.id, d.types++);
      }
    }
  };
  const worldVal = (t: Type): ValType => {
    if (typeof t === 'string') return t;
    const hit = worldTypes.get(t);
    if (hit !== undefined) return hit;
    const def = r.types[t];
    if (def.name !== undefined && def.owner.tag === 'interface') return scope.foreignType(t);
    const idx = d.typeDecl({ kind: 'defined', type: worldDefined(t) });
    worldTypes.set(t, idx);
    return idx;
  };
  const worldDefined = (id: TypeId): DefinedType => {
    const k = r.types[id].kind;
    switch (k.tag) {
      case 'record': return { kind: 'record', fields: k.fields.map((f) => ({ name: f.name, type: worldVal(f.type) })) };
      case 'variant': return { kind: 'variant', cases: k.cases.map((c) => (c.type === undefined ? { name: c.name } : { name: c.name, type: worldVal(c.type) })) };
      case 'enum': return { kind: 'enum', names: k.cases.map((c) => c.name) };
      case 'flags': return { kind: 'flags', names: k.flags.map((f) => f.name) };
      case 'tuple': return { kind: 'tuple', types: k.types.map(worldVal) };
      case 'list': return { kind: 'list', element: worldVal(k.type) };
      case 'option': return { kind: 'option', type: worldVal(k.type) };
      case 'result': {
        const out: DefinedType = { kind: 'result' };
        if (k.ok !== undefined) out.ok = worldVal(k.ok);
        if (k.err !== undefined) out.err = worldVal(k.err);
        return out;
      }
      case 'handle': return { kind: k.handle, resource: worldVal(k.resource) as number };
      case 'type': if (typeof k.type === 'string') return { kind: 'primitive', type: k.type };
      // falls through
      default: throw new BinaryError('unsupported-feature', `world type kind \`${k.tag}\` cannot be encoded`, 0);
    }
  };
  for (const [k, it] of world.imports) item('import', k, it);
  for (const [k, it] of world.exports) item('export', k, it);
  return { kind: 'component', decls: d.decls };
}

const WELD_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

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
  const version = p.name.version !== undefined ? `@${p.name.version}` : '';
  const qualified = (item: string) => `${p.name.namespace}:${p.name.name}/${item}${version}`;
  const types: TypeDef[] = [];
  const exports: { name: ExternName; sort: 'type'; index: number }[] = [];
  let index = 0;
  const add = (itemName: string, t: TypeDef) => {
    types.push(t);
    exports.push({ name: name(itemName), sort: 'type', index: index });
    index += 2; // the definition and the export's new index
  };
  for (const [n, id] of p.interfaces) {
    const scope = new OuterScope(resolve, new Set([id]));
    const inst = new InstanceEncoder(scope, id).encode(true);
    const idx = scope.d.typeDecl(inst);
    scope.d.decls.push({ kind: 'export', name: name(qualified(n)), type: { kind: 'instance', type: idx } });
    add(n, { kind: 'component', decls: scope.d.decls });
  }
  for (const [n, id] of p.worlds) {
    const d = new Decls();
    const idx = d.typeDecl(encodeWorld(resolve, id));
    d.decls.push({ kind: 'export', name: name(qualified(n)), type: { kind: 'component', type: idx } });
    add(n, { kind: 'component', decls: d.decls });
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
