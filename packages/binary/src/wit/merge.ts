import {
  packageNameString, type FunctionKind, type InterfaceId, type PackageId, type Resolve, type Type, type TypeDefKind, type TypeId,
  type WitFunction, type WorldItem, type WorldKey,
} from '@weld/wit-tools';

/**
 * Copies everything of `from` into `into`, reusing packages, interfaces and named types `into` already has (matched
 * by name), and returns the id in `into` of `from`'s package `main`.
 */
export function mergeResolve(into: Resolve, from: Resolve, main: PackageId): PackageId {
  const pkgMap = new Map<PackageId, PackageId>();
  const ifaceMap = new Map<InterfaceId, InterfaceId>();
  const typeMap = new Map<TypeId, TypeId>();
  for (let p = 0; p < from.packages.length; p++) {
    const src = from.packages[p];
    const key = packageNameString(src.name);
    let dst = into.packageNames.get(key);
    if (dst === undefined) {
      dst = into.packages.length;
      into.packages.push({ name: { ...src.name }, interfaces: new Map(), worlds: new Map(), ...(src.docs ? { docs: src.docs } : {}) });
      into.packageNames.set(key, dst);
    }
    pkgMap.set(p, dst);
  }
  const reuse = new Set<InterfaceId>();
  from.interfaces.forEach((iface, i) => {
    const pkg = iface.package === undefined ? undefined : pkgMap.get(iface.package)!;
    const existing = pkg !== undefined && iface.name !== undefined ? into.packages[pkg].interfaces.get(iface.name) : undefined;
    if (existing !== undefined) {
      ifaceMap.set(i, existing);
      reuse.add(i);
      for (const [n, t] of iface.types) {
        const known = into.interfaces[existing].types.get(n);
        if (known !== undefined) typeMap.set(t, known);
      }
      return;
    }
    const id = into.interfaces.length;
    into.interfaces.push({ ...iface, types: new Map(), functions: new Map(), ...(pkg !== undefined ? { package: pkg } : {}) });
    if (pkg !== undefined && iface.name !== undefined) into.packages[pkg].interfaces.set(iface.name, id);
    ifaceMap.set(i, id);
  });
  const worldMap = new Map<number, number>();
  from.worlds.forEach((w, i) => {
    const id = into.worlds.length;
    const pkg = w.package === undefined ? undefined : pkgMap.get(w.package)!;
    into.worlds.push({ ...w, imports: new Map(), exports: new Map(), includes: [], ...(pkg !== undefined ? { package: pkg } : {}) });
    if (pkg !== undefined) into.packages[pkg].worlds.set(w.name, id);
    worldMap.set(i, id);
  });
  // allocate every type not already known, then fill kinds with remapped references
  from.types.forEach((_, t) => {
    if (!typeMap.has(t)) {
      typeMap.set(t, into.types.length);
      into.types.push(undefined as never);
    }
  });
  const ty = (t: Type): Type => (typeof t === 'number' ? typeMap.get(t)! : t);
  const kind = (k: TypeDefKind): TypeDefKind => {
    switch (k.tag) {
      case 'record': return { tag: 'record', fields: k.fields.map((f) => ({ ...f, type: ty(f.type) })) };
      case 'variant': return { tag: 'variant', cases: k.cases.map((c) => ({ ...c, ...(c.type !== undefined ? { type: ty(c.type) } : {}) })) };
      case 'tuple': return { tag: 'tuple', types: k.types.map(ty) };
      case 'option': case 'list': case 'type': return { ...k, type: ty(k.type) };
      case 'fixed-length-list': return { ...k, type: ty(k.type) };
      case 'map': return { tag: 'map', key: ty(k.key), value: ty(k.value) };
      case 'result': return { tag: 'result', ...(k.ok !== undefined ? { ok: ty(k.ok) } : {}), ...(k.err !== undefined ? { err: ty(k.err) } : {}) };
      case 'handle': return { ...k, resource: typeMap.get(k.resource)! };
      case 'future': case 'stream': return k.type === undefined ? k : { ...k, type: ty(k.type) };
      default: return k;
    }
  };
  from.types.forEach((def, t) => {
    const id = typeMap.get(t)!;
    if (into.types[id] !== undefined) return;
    const owner = def.owner.tag === 'interface' ? { tag: 'interface' as const, id: ifaceMap.get(def.owner.id)! }
      : def.owner.tag === 'world' ? { tag: 'world' as const, id: worldMap.get(def.owner.id)! } : def.owner;
    into.types[id] = { ...def, kind: kind(def.kind), owner };
  });
  const fkind = (k: FunctionKind): FunctionKind => ('resource' in k ? { ...k, resource: typeMap.get(k.resource)! } : k);
  const func = (f: WitFunction): WitFunction => ({
    ...f, kind: fkind(f.kind), params: f.params.map((p) => ({ ...p, type: ty(p.type) })), ...(f.result !== undefined ? { result: ty(f.result) } : {}),
  });
  from.interfaces.forEach((iface, i) => {
    const dst = into.interfaces[ifaceMap.get(i)!];
    for (const [n, t] of iface.types) if (!dst.types.has(n)) dst.types.set(n, typeMap.get(t)!);
    for (const [n, f] of iface.functions) if (!dst.functions.has(n)) dst.functions.set(n, func(f));
    void reuse;
  });
  const item = (it: WorldItem): WorldItem =>
    it.tag === 'interface' ? { ...it, id: ifaceMap.get(it.id)! } : it.tag === 'type' ? { ...it, id: typeMap.get(it.id)! } : { tag: 'function', func: func(it.func) };
  const key = (k: WorldKey): WorldKey => (typeof k === 'number' ? ifaceMap.get(k)! : k);
  from.worlds.forEach((w, i) => {
    const dst = into.worlds[worldMap.get(i)!];
    for (const [k, it] of w.imports) dst.imports.set(key(k), item(it));
    for (const [k, it] of w.exports) dst.exports.set(key(k), item(it));
  });
  return pkgMap.get(main)!;
}
