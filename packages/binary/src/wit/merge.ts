import {
  elaborateWorld, NO_SPAN, packageNameString, WitError, worldKeyName, type FunctionKind, type InterfaceId, type PackageId, type Resolve,
  type Stability, type Type, type TypeDefKind, type TypeId, type WitFunction, type WorldId, type WorldItem, type WorldKey,
} from '@weld/wit-tools';

/**
 * Which items of `from` already exist in `into` (wit-parser's `MergeMap`): packages by name, interfaces and worlds by
 * name within them, types by name within interfaces. Checks that the shared parts agree and throws a `wit-package`
 * error naming the first disagreement otherwise.
 */
class MergePlan {
  readonly packages = new Map<PackageId, PackageId>();
  readonly interfaces = new Map<InterfaceId, InterfaceId>();
  readonly types = new Map<TypeId, TypeId>();
  readonly worlds = new Map<WorldId, WorldId>();
  readonly interfacesToAdd: [string, PackageId, InterfaceId][] = [];
  readonly worldsToAdd: [string, PackageId, WorldId][] = [];

  constructor(private readonly from: Resolve, private readonly into: Resolve) {}

  build(): void {
    this.from.packages.forEach((p, fromId) => {
      const name = packageNameString(p.name);
      const intoId = this.into.packageNames.get(name);
      if (intoId === undefined) return;
      context(`failed to merge package \`${name}\` into existing copy`, () => this.package(fromId, intoId));
    });
  }

  private package(fromId: PackageId, intoId: PackageId): void {
    this.packages.set(fromId, intoId);
    const from = this.from.packages[fromId]!;
    const into = this.into.packages[intoId]!;
    for (const [n, id] of from.interfaces) {
      const existing = into.interfaces.get(n);
      if (existing === undefined) this.interfacesToAdd.push([n, intoId, id]);
      else context(`failed to merge interface \`${n}\``, () => this.interface(id, existing));
    }
    for (const [n, id] of from.worlds) {
      const existing = into.worlds.get(n);
      if (existing === undefined) this.worldsToAdd.push([n, intoId, id]);
      else context(`failed to merge world \`${n}\``, () => this.world(id, existing));
    }
  }

  /** Either side may have types and functions the other lacks; the ones both have must agree. */
  private interface(fromId: InterfaceId, intoId: InterfaceId): void {
    this.interfaces.set(fromId, intoId);
    const from = this.from.interfaces[fromId]!;
    const into = this.into.interfaces[intoId]!;
    for (const [n, t] of from.types) {
      const existing = into.types.get(n);
      if (existing !== undefined) this.types.set(t, existing);
    }
    for (const [n, f] of from.functions) {
      const existing = into.functions.get(n);
      if (existing !== undefined) context(`mismatch in function \`${n}\``, () => this.func(f, existing));
    }
  }

  private func(from: WitFunction, into: WitFunction): void {
    if (from.name !== into.name) conflict(`different function names \`${from.name}\` and \`${into.name}\``);
    if (from.kind.tag !== into.kind.tag) conflict('different function kind types');
    if (from.params.length !== into.params.length) conflict('different number of function parameters');
    from.params.forEach((p, i) => {
      const q = into.params[i]!;
      if (p.name !== q.name) conflict(`different function parameter names: ${p.name} != ${q.name}`);
      context(`different function parameter types for \`${p.name}\``, () => sameKind(p.type, q.type));
    });
    if ((from.result === undefined) !== (into.result === undefined)) conflict('different number of function results');
    if (from.result !== undefined) context('different function result types', () => sameKind(from.result!, into.result!));
  }

  /** Worlds must match exactly: the same imports and exports (interfaces by identity after mapping). */
  private world(fromId: WorldId, intoId: WorldId): void {
    this.worlds.set(fromId, intoId);
    const from = this.from.worlds[fromId]!;
    const into = this.into.worlds[intoId]!;
    if (from.imports.size !== into.imports.size) conflict('world contains different number of imports than expected');
    if (from.exports.size !== into.exports.size) conflict('world contains different number of exports than expected');
    for (const [dir, fromItems, intoItems] of [['import', from.imports, into.imports], ['export', from.exports, into.exports]] as const) {
      for (const [k, item] of fromItems) {
        const name = worldKeyName(this.from, k);
        const target = intoItems.get(this.key(k) as WorldKey);
        if (target === undefined) conflict(`${dir} \`${name}\` not found in target world`);
        context(`${dir} \`${name}\` didn't match target world`, () => this.worldItem(item, target));
      }
    }
  }

  key(k: WorldKey): WorldKey | undefined {
    return typeof k === 'string' ? k : this.interfaces.get(k);
  }

  private worldItem(from: WorldItem, into: WorldItem): void {
    if (from.tag === 'interface' && into.tag === 'interface') {
      const named = this.from.interfaces[from.id]!.name !== undefined || this.into.interfaces[into.id]!.name !== undefined;
      if (!named) this.interface(from.id, into.id);
      else if (this.interfaces.get(from.id) !== into.id) conflict('interfaces are not the same');
    } else if (from.tag === 'type' && into.tag === 'type') {
      this.types.set(from.id, into.id);
    } else if (from.tag !== into.tag) {
      conflict('world items do not have the same type');
    }
  }
}

function conflict(message: string): never {
  throw new WitError('wit-package', message);
}

/** Runs `fn`, prefixing the message of a merge conflict it throws with `what` (anyhow's `context`). */
function context(what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof WitError && e.code === 'wit-package') throw new WitError('wit-package', `${what}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Two uses of types agree when both are type definitions (not compared further, as in wit-parser) or the same primitive. */
function sameKind(a: Type, b: Type): void {
  if (typeof a === 'number' && typeof b === 'number') return;
  if (a !== b) conflict('different kinds of types');
}

/** `from`'s gate fills in an unknown one; two different known gates conflict. */
function updateStability(from: Stability, into: { stability: Stability }, what: string): void {
  if (from.tag === 'unknown' || JSON.stringify(from) === JSON.stringify(into.stability)) return;
  if (into.stability.tag === 'unknown') {
    into.stability = from;
    return;
  }
  throw new WitError('wit-gate', `mismatch in stability of ${what}: ${JSON.stringify(from)} vs ${JSON.stringify(into.stability)}`);
}

/**
 * Merges all of `from` into `into` as wit-parser's `Resolve::merge` does: packages, interfaces, worlds and interface
 * types already in `into` (by name) are reused after checking they agree (a `wit-package` error otherwise), interfaces
 * seen on both sides gain the other side's extra types and functions, unknown gates are filled in, everything else is
 * copied. Returns the id in `into` of `from`'s package `main`.
 */
export function mergeResolve(into: Resolve, from: Resolve, main: PackageId): PackageId {
  const plan = new MergePlan(from, into);
  plan.build();

  // ids for everything that moves, allocated up front so references can be rewritten in one pass
  const typeMap = new Map(plan.types);
  const movedTypes: TypeId[] = [];
  from.types.forEach((def, t) => {
    const existing = plan.types.get(t);
    if (existing !== undefined) updateStability(def.stability, into.types[existing]!, `type \`${def.name ?? t}\``);
    else {
      typeMap.set(t, into.types.length);
      into.types.push(undefined as never);
      movedTypes.push(t);
    }
  });
  const ifaceMap = new Map(plan.interfaces);
  from.interfaces.forEach((_, i) => {
    if (!ifaceMap.has(i)) {
      ifaceMap.set(i, into.interfaces.length);
      into.interfaces.push(undefined as never);
    }
  });
  const worldMap = new Map(plan.worlds);
  from.worlds.forEach((_, w) => {
    if (!worldMap.has(w)) {
      worldMap.set(w, into.worlds.length);
      into.worlds.push(undefined as never);
    }
  });
  const pkgMap = new Map(plan.packages);
  from.packages.forEach((_, p) => {
    if (!pkgMap.has(p)) {
      pkgMap.set(p, into.packages.length);
      into.packages.push(undefined as never);
    }
  });

  const ty = (t: Type): Type => (typeof t === 'number' ? typeMap.get(t)! : t);
  const kind = (k: TypeDefKind): TypeDefKind => {
    switch (k.tag) {
      case 'record': return { tag: 'record', fields: k.fields.map((f) => ({ ...f, type: ty(f.type) })) };
      case 'variant': return { tag: 'variant', cases: k.cases.map((c) => ({ ...c, ...(c.type !== undefined ? { type: ty(c.type) } : {}) })) };
      case 'tuple': return { tag: 'tuple', types: k.types.map(ty) };
      case 'option': case 'list': case 'type': case 'fixed-length-list': return { ...k, type: ty(k.type) };
      case 'map': return { tag: 'map', key: ty(k.key), value: ty(k.value) };
      case 'result': return { tag: 'result', ...(k.ok !== undefined ? { ok: ty(k.ok) } : {}), ...(k.err !== undefined ? { err: ty(k.err) } : {}) };
      case 'handle': return { ...k, resource: typeMap.get(k.resource)! };
      case 'future': case 'stream': return k.type === undefined ? k : { ...k, type: ty(k.type) };
      default: return k;
    }
  };
  for (const t of movedTypes) {
    const def = from.types[t]!;
    const owner = def.owner.tag === 'interface' ? { tag: 'interface' as const, id: ifaceMap.get(def.owner.id)! }
      : def.owner.tag === 'world' ? { tag: 'world' as const, id: worldMap.get(def.owner.id)! } : def.owner;
    into.types[typeMap.get(t)!] = { ...def, kind: kind(def.kind), owner };
  }
  const fkind = (k: FunctionKind): FunctionKind => ('resource' in k ? { ...k, resource: typeMap.get(k.resource)! } : k);
  const func = (f: WitFunction): WitFunction => ({
    ...f, kind: fkind(f.kind), params: f.params.map((p) => ({ ...p, type: ty(p.type) })), ...(f.result !== undefined ? { result: ty(f.result) } : {}),
  });

  const grown = new Set<InterfaceId>();
  from.interfaces.forEach((iface, i) => {
    const id = ifaceMap.get(i)!;
    const existing = plan.interfaces.get(i);
    if (existing !== undefined) {
      const dst = into.interfaces[existing]!;
      updateStability(iface.stability, dst, `interface \`${iface.name ?? i}\``);
      for (const [n, t] of iface.types) {
        if (dst.types.has(n)) continue;
        dst.types.set(n, typeMap.get(t)!);
        grown.add(existing);
      }
      for (const [n, f] of iface.functions) if (!dst.functions.has(n)) dst.functions.set(n, func(f));
      return;
    }
    into.interfaces[id] = {
      ...iface,
      types: new Map([...iface.types].map(([n, t]) => [n, typeMap.get(t)!])),
      functions: new Map([...iface.functions].map(([n, f]) => [n, func(f)])),
      ...(iface.package !== undefined ? { package: pkgMap.get(iface.package)! } : {}),
      ...(iface.cloneOf !== undefined ? { cloneOf: ifaceMap.get(iface.cloneOf)! } : {}),
    };
  });

  const item = (it: WorldItem): WorldItem =>
    it.tag === 'interface' ? { ...it, id: ifaceMap.get(it.id)! } : it.tag === 'type' ? { ...it, id: typeMap.get(it.id)! } : { tag: 'function', func: func(it.func) };
  const key = (k: WorldKey): WorldKey => (typeof k === 'number' ? ifaceMap.get(k)! : k);
  from.worlds.forEach((w, i) => {
    const existing = plan.worlds.get(i);
    if (existing !== undefined) {
      const dst = into.worlds[existing]!;
      updateStability(w.stability, dst, `world \`${w.name}\``);
      for (const [fromItems, intoItems] of [[w.imports, dst.imports], [w.exports, dst.exports]] as const) {
        for (const [k, it] of fromItems) {
          const target = typeof k === 'number' ? intoItems.get(key(k)) : undefined;
          if (it.tag === 'interface' && target?.tag === 'interface') updateStability(it.stability, target, `\`${worldKeyName(from, k)}\``);
        }
      }
      return;
    }
    into.worlds[worldMap.get(i)!] = {
      ...w,
      imports: new Map([...w.imports].map(([k, it]) => [key(k), item(it)])),
      exports: new Map([...w.exports].map(([k, it]) => [key(k), item(it)])),
      includes: [],
      ...(w.package !== undefined ? { package: pkgMap.get(w.package)! } : {}),
    };
  });

  from.packages.forEach((p, i) => {
    if (plan.packages.has(i)) return;
    const id = pkgMap.get(i)!;
    into.packages[id] = {
      ...p,
      name: { ...p.name },
      interfaces: new Map([...p.interfaces].map(([n, x]) => [n, ifaceMap.get(x)!])),
      worlds: new Map([...p.worlds].map(([n, x]) => [n, worldMap.get(x)!])),
    };
    into.packageNames.set(packageNameString(p.name), id);
  });
  for (const [n, pkg, iface] of plan.interfacesToAdd) into.packages[pkg]!.interfaces.set(n, ifaceMap.get(iface)!);
  for (const [n, pkg, world] of plan.worldsToAdd) into.packages[pkg]!.worlds.set(n, worldMap.get(world)!);

  // an interface that gained types may now use other interfaces: worlds that include it need those imports too
  if (grown.size > 0) {
    into.worlds.forEach((w, id) => {
      const uses = [...w.imports.values(), ...w.exports.values()].some((it) => it.tag === 'interface' && grown.has(it.id));
      if (uses && w.includes.length === 0) elaborateWorld(into, id, NO_SPAN);
    });
  }
  return pkgMap.get(main)!;
}
