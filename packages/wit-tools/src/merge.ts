/**
 * Second resolution stage (wit-parser's `Remap::append` and world elaboration): unresolved packages
 * are appended to a `Resolve` in dependency order, foreign placeholders are bound to the real
 * items, gated-off items are dropped, `own<T>` handles are made explicit, includes are copied in
 * and every world is elaborated with the imports its exports need.
 */
import { compareVersions } from '@weld/core';
import {
  type FunctionKind, type Interface, type InterfaceId, type PackageId, type Resolve, type Stability,
  type Type, type TypeDef, type TypeId, type TypeOwner, type WitFunction, type World, type WorldId, type WorldItem,
  type WorldKey, NO_OWNER, UNKNOWN_STABILITY, newTypeDef, packageNameString, worldKeyName,
} from './model.js';
import { NO_SPAN, type Span } from './source.js';
import type { UnresolvedPackage } from './unresolved.js';
import { WitError, type WitErrorCode } from './wit-error.js';

function fail(resolve: Resolve, code: WitErrorCode, span: Span, msg: string, hint?: string): never {
  throw new WitError(code, msg, { span, sources: resolve.sources, hint });
}

function sameOwner(a: TypeOwner, b: TypeOwner): boolean {
  if (a.tag !== b.tag) return false;
  return a.tag === 'none' || a.id === (b as { id: number }).id;
}

function sameStability(a: Stability, b: Stability): boolean {
  if (a.tag === 'unknown' || b.tag === 'unknown') return a.tag === b.tag;
  if (a.tag !== b.tag || a.deprecated !== b.deprecated) return false;
  return a.tag === 'stable' ? a.since === (b as { since: string }).since : a.feature === (b as { feature: string }).feature;
}

/** Whether an item with this stability is part of the resolved model (wit-parser's `include_stability`). */
export function includeStability(resolve: Resolve, stability: Stability, pkg: PackageId, span: Span): boolean {
  if (stability.tag === 'unknown') return true;
  if (stability.tag === 'unstable') return resolve.allFeatures || resolve.features.has(stability.feature);
  const p = resolve.packages[pkg];
  if (!p) return true;
  const version = p.name.version;
  if (version === undefined) {
    fail(resolve, 'wit-gate', span, `package [${packageNameString(p.name)}] contains a feature gate with a version specifier, so it must have a version`);
  }
  if (compareVersions(stability.since, version) > 0) {
    fail(resolve, 'wit-gate', span, `feature gate cannot reference unreleased version ${stability.since} of package [${packageNameString(p.name)}] (current version ${version})`);
  }
  return true;
}

/** Appends packages to a `Resolve`; `order` must already be topological. */
export function appendPackage(resolve: Resolve, unresolved: UnresolvedPackage, pending: readonly string[] = []): PackageId {
  return new Remap(resolve, pending).append(unresolved);
}

/** The hint for a missing package: other versions of it that exist, else every package known. */
function missingPackageHint(resolve: Resolve, wanted: string, pending: readonly string[]): string {
  const known = [...new Set([...resolve.packageNames.keys(), ...pending])].sort();
  const at = wanted.indexOf('@');
  const base = at < 0 ? wanted : wanted.slice(0, at);
  const versions = known.filter((k) => k !== wanted && (k === base || k.startsWith(`${base}@`)));
  if (versions.length > 0) {
    return `found ${versions.map((v) => `\`${v}\``).join(', ')}: the version in the reference must match one of them exactly`;
  }
  return `known packages: ${known.join(', ')}; add the missing one to the deps/ folder (deps/<name>/*.wit or deps/<name>.wit)`;
}

class Remap {
  types: (TypeId | undefined)[] = [];
  interfaces: (InterfaceId | undefined)[] = [];
  worlds: (WorldId | undefined)[] = [];
  private readonly ownHandles = new Map<TypeId, TypeId>();
  /** per type id: 1 contains a `borrow`, 2 does not, 0 not yet known */
  private readonly hasBorrowCache: number[] = [];

  constructor(private readonly resolve: Resolve, private readonly pending: readonly string[]) {}

  private map(arr: (number | undefined)[], id: number, desc: string, span: Span): number {
    const v = arr[id];
    if (v === undefined) {
      if (id >= arr.length) throw new Error(`request to remap a ${desc} that has not yet been registered`);
      fail(this.resolve, 'wit-gate', span, `found a reference to a ${desc} which is excluded due to its feature not being activated`);
    }
    return v;
  }

  mapType(id: TypeId, span: Span): TypeId {
    return this.map(this.types, id, 'type', span);
  }

  mapInterface(id: InterfaceId, span: Span): InterfaceId {
    return this.map(this.interfaces, id, 'interface', span);
  }

  mapWorld(id: WorldId, span: Span): WorldId {
    return this.map(this.worlds, id, 'world', span);
  }

  append(u: UnresolvedPackage): PackageId {
    const r = this.resolve;
    r.packages.push({ name: u.name, docs: u.docs, interfaces: new Map(), worlds: new Map() });
    const pkg = r.packages.length - 1;
    r.packageNames.set(packageNameString(u.name), pkg);
    this.processForeignDeps(u, pkg);
    const foreignTypes = this.types.length;
    const foreignInterfaces = this.interfaces.length;
    const foreignWorlds = this.worlds.length;

    for (let id = foreignTypes; id < u.types.length; id++) {
      const ty = u.types[id]!;
      if (!includeStability(r, ty.stability, pkg, ty.span)) {
        this.types.push(undefined);
        continue;
      }
      // the unresolved package is consumed here, so its objects move into the Resolve as they are
      const copy: TypeDef = ty;
      copy.kind = this.updateTypeDefKind(ty);
      r.types.push(copy);
      let newId = r.types.length - 1;
      const k = copy.kind;
      if (copy.name === undefined && copy.owner.tag === 'none' && k.tag === 'handle' && k.handle === 'own') {
        const prev = this.ownHandles.get(k.resource);
        if (prev !== undefined) newId = prev;
        else this.ownHandles.set(k.resource, newId);
      }
      this.types.push(newId);
    }

    for (let id = foreignInterfaces; id < u.interfaces.length; id++) {
      const iface = u.interfaces[id]!;
      if (!includeStability(r, iface.stability, pkg, iface.span)) {
        this.interfaces.push(undefined);
        continue;
      }
      const copy: Interface = iface;
      copy.package = pkg;
      this.updateInterface(copy, pkg);
      r.interfaces.push(copy);
      this.interfaces.push(r.interfaces.length - 1);
    }

    for (let i = foreignTypes; i < this.types.length; i++) {
      const id = this.types[i];
      if (id === undefined) continue;
      const t = r.types[id]!;
      if (t.owner.tag === 'interface') {
        const owner = t.owner.id;
        if (this.interfaces[owner] === undefined) {
          fail(r, 'wit-gate', t.span, 'found a reference to a interface which is excluded due to its feature not being activated; this type is not gated by a feature but its interface is');
        }
        t.owner = { tag: 'interface', id: this.interfaces[owner]! };
      }
    }

    for (let id = foreignWorlds; id < u.worlds.length; id++) {
      const world = u.worlds[id]!;
      if (!includeStability(r, world.stability, pkg, world.span)) {
        this.worlds.push(undefined);
        continue;
      }
      const copy: World = { ...world, imports: new Map(), exports: new Map(), includes: [...world.includes] };
      this.updateWorld(world, copy, pkg);
      r.worlds.push(copy);
      this.worlds.push(r.worlds.length - 1);
    }

    for (let i = foreignTypes; i < this.types.length; i++) {
      const id = this.types[i];
      if (id === undefined) continue;
      const t = r.types[id]!;
      if (t.owner.tag === 'world') {
        const owner = t.owner.id;
        if (this.worlds[owner] === undefined) {
          fail(r, 'wit-gate', t.span, 'found a reference to a world which is excluded due to its feature not being activated; this type is not gated by a feature but its world is');
        }
        t.owner = { tag: 'world', id: this.worlds[owner]! };
      }
    }

    for (let i = foreignWorlds; i < this.worlds.length; i++) {
      const id = this.worlds[i];
      if (id === undefined) continue;
      this.processWorldIncludes(id, pkg);
      elaborateWorld(r, id, r.worlds[id]!.span);
    }

    for (let i = foreignInterfaces; i < this.interfaces.length; i++) {
      const id = this.interfaces[i];
      if (id === undefined) continue;
      const iface = r.interfaces[id]!;
      iface.package = pkg;
      if (iface.name !== undefined) r.packages[pkg]!.interfaces.set(iface.name, id);
    }
    for (let i = foreignWorlds; i < this.worlds.length; i++) {
      const id = this.worlds[i];
      if (id === undefined) continue;
      const world = r.worlds[id]!;
      world.package = pkg;
      r.packages[pkg]!.worlds.set(world.name, id);
    }
    return pkg;
  }

  private processForeignDeps(u: UnresolvedPackage, pkg: PackageId): void {
    const r = this.resolve;
    const ifaceTo = new Map<InterfaceId, { pkgName: string; name: string; span: Span; stabilities: Stability[] }>();
    const worldTo = new Map<WorldId, { pkgName: string; name: string; span: Span; stabilities: Stability[] }>();
    for (const [pkgName, dep] of u.foreignDeps) {
      for (const [name, { item, stabilities }] of dep.items) {
        (item.tag === 'interface' ? ifaceTo : worldTo).set(item.id, { pkgName, name, span: dep.span, stabilities });
      }
    }
    const lookupPkg = (pkgName: string, span: Span): PackageId => {
      const id = r.packageNames.get(pkgName);
      if (id === undefined) fail(r, 'wit-unknown-package', span, `package '${pkgName}' not found`, missingPackageHint(r, pkgName, this.pending));
      return id;
    };
    for (let id = 0; id < u.interfaces.length; id++) {
      const info = ifaceTo.get(id);
      if (!info) break;
      const depPkg = lookupPkg(info.pkgName, info.span);
      const span = u.interfaces[id]!.span;
      if (!info.stabilities.some((s) => includeStability(r, s, pkg, span))) {
        this.interfaces.push(undefined);
        continue;
      }
      const p = r.packages[depPkg]!;
      const found = p.interfaces.get(info.name);
      if (found === undefined) fail(r, 'wit-unknown-name', span, `interface '${info.name}' not found in package '${packageNameString(p.name)}'`);
      this.interfaces.push(found);
    }
    for (let id = 0; id < u.worlds.length; id++) {
      const info = worldTo.get(id);
      if (!info) break;
      const depPkg = lookupPkg(info.pkgName, info.span);
      const span = u.worlds[id]!.span;
      if (!info.stabilities.some((s) => includeStability(r, s, pkg, span))) {
        this.worlds.push(undefined);
        continue;
      }
      const p = r.packages[depPkg]!;
      const found = p.worlds.get(info.name);
      if (found === undefined) fail(r, 'wit-unknown-name', span, `world '${info.name}' not found in package '${packageNameString(p.name)}'`);
      this.worlds.push(found);
    }
    for (let id = 0; id < u.types.length; id++) {
      const ty = u.types[id]!;
      if (ty.kind.tag !== 'unknown') break;
      if (!includeStability(r, ty.stability, pkg, ty.span)) {
        this.types.push(undefined);
        continue;
      }
      const iface = this.mapInterface((ty.owner as { id: number }).id, NO_SPAN);
      const found = r.interfaces[iface]!.types.get(ty.name!);
      if (found === undefined) fail(r, 'wit-unknown-name', ty.span, `type \`${ty.name}\` not defined in interface`);
      this.types.push(found);
    }
    for (const { id, span } of u.requiredResourceTypes) {
      let cur: TypeId | undefined = this.types[id];
      if (cur === undefined) continue;
      for (;;) {
        const k: TypeDef['kind'] = r.types[cur]!.kind;
        if (k.tag === 'type' && typeof k.type === 'number') cur = k.type;
        else if (k.tag === 'resource') break;
        else fail(r, 'wit-invalid-type', span, 'type used in a handle must be a resource');
      }
    }
  }

  /** Rewrites a consumed type's references to ids of the Resolve, in place. */
  private updateTypeDefKind(ty: TypeDef): TypeDef['kind'] {
    const k = ty.kind;
    const span = ty.span;
    switch (k.tag) {
      case 'handle': k.resource = this.mapType(k.resource, span); break;
      case 'record': for (const f of k.fields) f.type = this.updateTy(f.type, f.span); break;
      case 'tuple': for (let i = 0; i < k.types.length; i++) k.types[i] = this.updateTy(k.types[i]!, span); break;
      case 'variant': for (const c of k.cases) if (c.type !== undefined) c.type = this.updateTy(c.type, span); break;
      case 'option': case 'list': case 'fixed-length-list': k.type = this.updateTy(k.type, span); break;
      case 'future': case 'stream': if (k.type !== undefined) k.type = this.updateTy(k.type, span); break;
      case 'map': k.key = this.updateTy(k.key, span); k.value = this.updateTy(k.value, span); break;
      case 'result':
        if (k.ok !== undefined) k.ok = this.updateTy(k.ok, span);
        if (k.err !== undefined) k.err = this.updateTy(k.err, span);
        break;
      case 'type': if (typeof k.type === 'number') k.type = this.mapType(k.type, span); break;
      case 'unknown': throw new Error('unknown type after defined type');
      default: break;
    }
    return k;
  }

  private updateTy(ty: Type, span: Span): Type {
    if (typeof ty !== 'number') return ty;
    const id = this.mapType(ty, span);
    const r = this.resolve;
    let cur = id;
    for (;;) {
      const k = r.types[cur]!.kind;
      if (k.tag === 'type' && typeof k.type === 'number') cur = k.type;
      else if (k.tag === 'resource') break;
      else return id;
    }
    let own = this.ownHandles.get(id);
    if (own === undefined) {
      r.types.push(newTypeDef(undefined, { tag: 'handle', handle: 'own', resource: id }, NO_OWNER, UNKNOWN_STABILITY, NO_SPAN));
      own = r.types.length - 1;
      this.ownHandles.set(id, own);
    }
    return own;
  }

  private updateInterface(iface: Interface, pkg: PackageId): void {
    const r = this.resolve;
    for (const [name, id] of iface.types) {
      if (this.types[id] === undefined) iface.types.delete(name);
      else iface.types.set(name, this.mapType(id, iface.span));
    }
    for (const [name, f] of iface.functions) {
      if (!includeStability(r, f.stability, pkg, f.span)) iface.functions.delete(name);
      else this.updateFunction(f, f.span);
    }
  }

  /** Rewrites a consumed function's type references in place. */
  private updateFunction(f: WitFunction, span: Span): WitFunction {
    const kind: FunctionKind = f.kind;
    if ('resource' in kind) kind.resource = this.mapType(kind.resource, span);
    for (const p of f.params) p.type = this.updateTy(p.type, span);
    if (f.result !== undefined) {
      f.result = this.updateTy(f.result, span);
      if (this.typeHasBorrow(f.result)) {
        fail(this.resolve, 'wit-invalid-type', span, `function \`${f.name}\` returns a type which contains a \`borrow<T>\` which is not supported`);
      }
    }
    return f;
  }

  private updateWorld(src: World, dst: World, pkg: PackageId): void {
    const r = this.resolve;
    const entries: [WorldKey, WorldItem, boolean][] = [];
    for (const [k, v] of src.imports) entries.push([k, v, true]);
    for (const [k, v] of src.exports) entries.push([k, v, false]);
    for (const [key, item0, isImport] of entries) {
      let item = item0;
      const span = itemSpan(item);
      if (item.tag === 'type') item = { ...item, id: this.mapType(item.id, span) };
      if (!includeStability(r, worldItemStability(r, item), pkg, span)) continue;
      const newKey = typeof key === 'number' ? this.mapInterface(key, span) : key;
      if (item.tag === 'interface') item = { ...item, id: this.mapInterface(item.id, span) };
      else if (item.tag === 'function') item = { tag: 'function', func: this.updateFunction(item.func, span) };
      (isImport ? dst.imports : dst.exports).set(newKey, item);
    }
  }

  private processWorldIncludes(id: WorldId, pkg: PackageId): void {
    const r = this.resolve;
    const world = r.worlds[id]!;
    const includes = world.includes;
    world.includes = [];
    for (const inc of includes) {
      if (!includeStability(r, inc.stability, pkg, inc.span)) continue;
      this.resolveInclude(id, inc.id, inc.names, inc.span, pkg);
    }
    for (const [map, what] of [[world.imports, 'import'], [world.exports, 'export']] as const) {
      const seen = new Map<string, string>();
      for (const key of map.keys()) {
        if (typeof key !== 'string') continue;
        const lower = key.toLowerCase();
        const prev = seen.get(lower);
        if (prev !== undefined && prev !== key) {
          fail(r, 'wit-world', world.span, `${what} \`${key}\` in world \`${world.name}\` conflicts with ${what} \`${prev}\` (kebab-case identifiers are case-insensitive)`);
        }
        seen.set(lower, key);
      }
    }
  }

  private resolveInclude(id: WorldId, origInclude: WorldId, names: { name: string; as: string }[], span: Span, pkg: PackageId): void {
    const r = this.resolve;
    const world = r.worlds[id]!;
    const includeId = this.mapWorld(origInclude, span);
    const inc = r.worlds[includeId]!;
    const isExternal = world.package !== inc.package;
    let pending = [...names];
    for (const map of [inc.imports, inc.exports]) {
      for (const key of map.keys()) if (typeof key === 'string') pending = pending.filter((n) => rename(key, n) === undefined);
    }
    if (pending.length > 0) {
      fail(r, 'wit-world', span, `no import or export kebab-name \`${pending[0]!.name}\`. Note that an ID does not support renaming`);
    }
    const cloner = new Cloner(r, { tag: 'world', id: includeId }, { tag: 'world', id }, pkg);
    for (const [map, dst, what] of [[inc.imports, world.imports, 'import'], [inc.exports, world.exports, 'export']] as const) {
      for (const [key, item] of [...map]) {
        if (typeof key === 'string') {
          let n = key;
          for (const inName of names) {
            const renamed = rename(key, inName);
            if (renamed !== undefined) {
              n = renamed;
              break;
            }
          }
          let newItem = cloneItem(item);
          newItem = cloner.worldItem(newItem);
          if (newItem.tag === 'function') newItem.func.name = n;
          else if (newItem.tag === 'type') r.types[newItem.id]!.name = n;
          if (dst.has(n)) fail(r, 'wit-world', span, `${what} of \`${n}\` shadows previously ${what}ed items`);
          dst.set(n, newItem);
        } else {
          let prev = dst.get(key);
          if (!prev) {
            prev = cloneItem(item);
            dst.set(key, prev);
          }
          if (item.tag !== 'interface' || prev.tag !== 'interface') throw new Error('include: non-interface keyed by id');
          if (isExternal && item.stability.tag === 'stable') prev.stability = UNKNOWN_STABILITY;
          else if (!sameStability(item.stability, prev.stability) && item.stability.tag !== 'unknown') {
            if (prev.stability.tag === 'unknown') prev.stability = item.stability;
            else fail(r, 'wit-gate', item.span, `mismatch in stability from '${JSON.stringify(item.stability)}' to '${JSON.stringify(prev.stability)}'`);
          }
        }
      }
    }
  }

  private typeHasBorrow(ty: Type): boolean {
    if (typeof ty !== 'number') return false;
    const types = this.resolve.types;
    // follow `type a = b` chains without recursing (they can be long)
    for (let k = types[ty]!.kind; k.tag === 'type'; k = types[ty]!.kind) {
      if (typeof k.type !== 'number') return false;
      ty = k.type;
    }
    const cached = this.hasBorrowCache[ty];
    if (cached !== undefined && cached !== 0) return cached === 1;
    const k = types[ty]!.kind;
    let result = false;
    switch (k.tag) {
      case 'variant': for (const c of k.cases) if (c.type !== undefined && this.typeHasBorrow(c.type)) { result = true; break; } break;
      case 'handle': result = k.handle === 'borrow'; break;
      case 'record': for (const f of k.fields) if (this.typeHasBorrow(f.type)) { result = true; break; } break;
      case 'tuple': for (const t of k.types) if (this.typeHasBorrow(t)) { result = true; break; } break;
      case 'list': case 'fixed-length-list': case 'option': result = this.typeHasBorrow(k.type); break;
      case 'future': case 'stream': result = k.type !== undefined && this.typeHasBorrow(k.type); break;
      case 'map': result = this.typeHasBorrow(k.key) || this.typeHasBorrow(k.value); break;
      case 'result': result = (k.ok !== undefined && this.typeHasBorrow(k.ok)) || (k.err !== undefined && this.typeHasBorrow(k.err)); break;
      default: result = false;
    }
    while (this.hasBorrowCache.length < ty) this.hasBorrowCache.push(0);
    this.hasBorrowCache[ty] = result ? 1 : 2;
    return result;
  }
}

function cloneItem(item: WorldItem): WorldItem {
  if (item.tag === 'function') return { tag: 'function', func: { ...item.func, params: item.func.params.map((p) => ({ ...p })) } };
  return { ...item };
}

function itemSpan(item: WorldItem): Span {
  return item.tag === 'function' ? item.func.span : item.span;
}

function worldItemStability(r: Resolve, item: WorldItem): Stability {
  if (item.tag === 'interface') return item.stability;
  if (item.tag === 'function') return item.func.stability;
  return r.types[item.id]!.stability;
}

function rename(original: string, inc: { name: string; as: string }): string | undefined {
  if (original === inc.name) return inc.as;
  const close = original.indexOf(']');
  if (close < 0) return undefined;
  const kind = original.slice(0, close);
  const rest = original.slice(close + 1);
  const dot = rest.indexOf('.');
  if (dot >= 0 && rest.slice(0, dot) === inc.name) return `${kind}]${inc.as}.${rest.slice(dot + 1)}`;
  if (rest === inc.name) return `${kind}]${inc.as}`;
  return undefined;
}

/** Copies world-owned types (and anonymous interfaces) when a world is included into another (wit-parser's `Cloner`). */
class Cloner {
  private readonly types = new Map<TypeId, TypeId>();
  constructor(
    private readonly r: Resolve,
    private readonly prevOwner: TypeOwner,
    private readonly newOwner: TypeOwner,
    private readonly newPackage: PackageId | undefined,
    private readonly interfaceMap = new Map<InterfaceId, InterfaceId>(),
    shared?: Map<TypeId, TypeId>,
  ) {
    if (shared) this.types = shared;
  }

  worldItem(item: WorldItem): WorldItem {
    if (item.tag === 'type') return { ...item, id: this.typeId(item.id) };
    if (item.tag === 'function') return { tag: 'function', func: this.func(item.func) };
    if (this.r.interfaces[item.id]!.name !== undefined) return item;
    return { ...item, id: this.iface(item.id) };
  }

  private typeId(id: TypeId): TypeId {
    let mapped = this.types.get(id);
    if (mapped === undefined) {
      const def = this.typeDef(this.r.types[id]!);
      this.r.types.push(def);
      mapped = this.r.types.length - 1;
      this.types.set(id, mapped);
    }
    return mapped;
  }

  private ty(t: Type): Type {
    return typeof t === 'number' ? this.typeId(t) : t;
  }

  private oty(t: Type | undefined): Type | undefined {
    return t === undefined ? undefined : this.ty(t);
  }

  private typeDef(src: TypeDef): TypeDef {
    const def: TypeDef = { ...src };
    if (def.owner.tag !== 'none') def.owner = this.newOwner;
    const k = src.kind;
    switch (k.tag) {
      case 'type':
        if (typeof k.type === 'number') {
          if (sameOwner(this.r.types[k.type]!.owner, this.prevOwner)) def.kind = { tag: 'type', type: this.typeId(k.type) };
          else if (this.types.has(k.type)) def.kind = { tag: 'type', type: this.types.get(k.type)! };
        }
        break;
      case 'handle': def.kind = { ...k, resource: this.typeId(k.resource) }; break;
      case 'option': case 'list': case 'fixed-length-list': def.kind = { ...k, type: this.ty(k.type) }; break;
      case 'map': def.kind = { tag: 'map', key: this.ty(k.key), value: this.ty(k.value) }; break;
      case 'tuple': def.kind = { tag: 'tuple', types: k.types.map((t) => this.ty(t)) }; break;
      case 'record': def.kind = { tag: 'record', fields: k.fields.map((f) => ({ ...f, type: this.ty(f.type) })) }; break;
      case 'variant': def.kind = { tag: 'variant', cases: k.cases.map((c) => ({ ...c, type: this.oty(c.type) })) }; break;
      case 'result': def.kind = { tag: 'result', ok: this.oty(k.ok), err: this.oty(k.err) }; break;
      case 'future': case 'stream': def.kind = { tag: k.tag, type: this.oty(k.type) }; break;
      default: break;
    }
    return def;
  }

  private func(f: WitFunction): WitFunction {
    let kind = f.kind;
    if ('resource' in kind) kind = { ...kind, resource: this.typeId(kind.resource) };
    return { ...f, kind, params: f.params.map((p) => ({ ...p, type: this.ty(p.type) })), result: this.oty(f.result) };
  }

  private iface(oldId: InterfaceId): InterfaceId {
    const old = this.r.interfaces[oldId]!;
    const nextId = this.r.interfaces.length;
    const inner = new Cloner(this.r, { tag: 'interface', id: oldId }, { tag: 'interface', id: nextId }, this.newPackage, this.interfaceMap, this.types);
    const types = new Map<string, TypeId>();
    for (const [n, id] of old.types) types.set(n, inner.typeId(id));
    const functions = new Map<string, WitFunction>();
    for (const [n, f] of old.functions) functions.set(n, inner.func(f));
    let pkg = this.newPackage;
    if (pkg === undefined) {
      const o = this.newOwner;
      pkg = o.tag === 'interface' ? this.r.interfaces[o.id]!.package : o.tag === 'world' ? this.r.worlds[o.id]!.package : undefined;
    }
    this.r.interfaces.push({ ...old, types, functions, package: pkg, cloneOf: oldId });
    this.interfaceMap.set(oldId, nextId);
    return nextId;
  }
}

/** The interface a `use`-alias type reaches into, if it comes from a different owner. */
export function typeInterfaceDep(r: Resolve, id: TypeId): InterfaceId | undefined {
  const ty = r.types[id]!;
  if (ty.kind.tag !== 'type' || typeof ty.kind.type !== 'number') return undefined;
  const other = r.types[ty.kind.type]!;
  if (sameOwner(ty.owner, other.owner)) return undefined;
  if (other.owner.tag !== 'interface') throw new Error('type dependency on a non-interface owner');
  return other.owner.id;
}

/** Interfaces `id` uses types from (may repeat). */
export function interfaceDirectDeps(r: Resolve, id: InterfaceId): InterfaceId[] {
  const out: InterfaceId[] = [];
  for (const t of r.interfaces[id]!.types.values()) {
    const d = typeInterfaceDep(r, t);
    if (d !== undefined) out.push(d);
  }
  return out;
}

function sortKey(r: Resolve, item: WorldItem): number {
  if (item.tag === 'interface') return 0;
  if (item.tag === 'type') {
    const ty = r.types[item.id]!;
    if (ty.kind.tag === 'type' && typeof ty.kind.type === 'number' && !sameOwner(r.types[ty.kind.type]!.owner, ty.owner)) return 1;
    return 2;
  }
  return item.func.kind.tag === 'freestanding' || item.func.kind.tag === 'async-freestanding' ? 3 : 4;
}

/** The entries of a world's item map in wit-parser's stable order; the map itself when it is already in order. */
function sortedEntries(r: Resolve, items: Map<WorldKey, WorldItem>): Iterable<[WorldKey, WorldItem]> {
  let prev = -1;
  let sorted = true;
  for (const item of items.values()) {
    const k = sortKey(r, item);
    if (k < prev) {
      sorted = false;
      break;
    }
    prev = k;
  }
  if (sorted) return items;
  return [...items].map((e, i) => [e, sortKey(r, e[1]), i] as const).sort((a, b) => a[1] - b[1] || a[2] - b[2]).map((x) => x[0]);
}

/** Adds every interface a world's imports and exports transitively need (wit-parser's `elaborate_world`). */
export function elaborateWorld(r: Resolve, worldId: WorldId, span: Span): void {
  const world = r.worlds[worldId]!;
  const imports = new Map<WorldKey, WorldItem>();
  // depth-first, dependencies before dependents; an explicit stack keeps long `use` chains off the call stack
  const addImport = (key: WorldKey, id: InterfaceId, stability: Stability, docs: string | undefined, externalId: string | undefined) => {
    if (imports.has(key)) return;
    const stack: { key: WorldKey; id: InterfaceId; docs?: string; externalId?: string; deps: InterfaceId[]; next: number }[] = [
      { key, id, docs, externalId, deps: interfaceDirectDeps(r, id), next: 0 },
    ];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.deps.length) {
        const dep = top.deps[top.next++]!;
        if (!imports.has(dep)) stack.push({ key: dep, id: dep, deps: interfaceDirectDeps(r, dep), next: 0 });
        continue;
      }
      stack.pop();
      if (!imports.has(top.key)) imports.set(top.key, { tag: 'interface', id: top.id, stability, docs: top.docs, externalId: top.externalId, span: NO_SPAN });
    }
  };
  for (const [key, item] of sortedEntries(r, world.imports)) {
    if (item.tag === 'interface') addImport(key, item.id, item.stability, item.docs, item.externalId);
    else if (item.tag === 'function') imports.set(key, item);
    else {
      const dep = typeInterfaceDep(r, item.id);
      if (dep !== undefined) addImport(dep, dep, r.types[item.id]!.stability, undefined, undefined);
      imports.set(key, item);
    }
  }
  const exports = new Map<WorldKey, WorldItem>();
  const exportIfaces = new Map<WorldKey, WorldItem>();
  for (const [key, item] of world.exports) {
    if (item.tag === 'interface') exportIfaces.set(key, item);
    else if (item.tag === 'function') exports.set(key, item);
    else throw new Error('type export');
  }
  const required = new Set<InterfaceId>();
  const addExport = (key: WorldKey, item: WorldItem & { tag: 'interface' }, isExport: boolean): boolean => {
    if (exports.has(key)) return isExport;
    if (!isExport && required.has(item.id)) return true;
    for (const dep of interfaceDirectDeps(r, item.id)) {
      const depItem: WorldItem & { tag: 'interface' } = { tag: 'interface', id: dep, stability: item.stability, externalId: item.externalId, span: NO_SPAN };
      if (!addExport(dep, depItem, isExport && exportIfaces.has(dep))) return false;
    }
    if (isExport) {
      if (required.has(item.id)) return false;
      exports.set(key, item);
    } else {
      required.add(item.id);
      if (!imports.has(key)) imports.set(key, item);
    }
    return true;
  };
  for (const [key, item] of exportIfaces) {
    if (!addExport(key, item as WorldItem & { tag: 'interface' }, true)) {
      fail(r, 'wit-world', span, `interface \`${worldKeyName(r, key)}\` transitively depends on an interface in incompatible ways`,
        'export the interface it depends on too, or stop importing it');
    }
  }
  const sortedImports = sortedEntries(r, imports);
  world.imports = sortedImports === imports ? imports : new Map(sortedImports);
  world.exports = exports;
}
