/**
 * An id-free form of a `Resolve` for comparing two models: types are written out structurally
 * (named types as `owner#name` references), packages are sorted by name, function maps by name.
 * Two models are the same WIT exactly when their canonical forms are deep-equal.
 */
import type { InterfaceId, Resolve, Stability, Type, TypeId, TypeOwner, WitFunction, WorldItem, WorldKey } from './model.js';
import { interfaceIdString, packageNameString } from './model.js';

type Canon = unknown;

export function canonicalModel(resolve: Resolve): Canon {
  const ownerName = (o: TypeOwner): string => {
    if (o.tag === 'interface') return interfaceName(o.id);
    if (o.tag === 'world') {
      const w = resolve.worlds[o.id]!;
      return `${w.package !== undefined ? packageNameString(resolve.packages[w.package]!.name) : '?'}/world:${w.name}`;
    }
    return '';
  };
  const anonNames = new Map<InterfaceId, string>();
  for (const w of resolve.worlds) {
    const where = `${w.package !== undefined ? packageNameString(resolve.packages[w.package]!.name) : '?'}/world:${w.name}`;
    for (const [dir, items] of [['import', w.imports], ['export', w.exports]] as const) {
      for (const [k, it] of items) if (it.tag === 'interface' && typeof k === 'string' && !anonNames.has(it.id)) anonNames.set(it.id, `${where}/${dir}:${k}`);
    }
  }
  const interfaceName = (id: InterfaceId): string => interfaceIdString(resolve, id) ?? anonNames.get(id) ?? `interface-${id}`;
  const stab = (s: Stability) => (s.tag === 'unknown' ? undefined : s);
  const ref = (t: Type | undefined): Canon => {
    if (t === undefined || typeof t === 'string') return t;
    const def = resolve.types[t]!;
    if (def.name !== undefined) return `${ownerName(def.owner)}#${def.name}`;
    return kind(t);
  };
  const kind = (id: TypeId): Canon => {
    const k = resolve.types[id]!.kind;
    switch (k.tag) {
      case 'record': return { record: k.fields.map((f) => [f.name, ref(f.type), f.docs]) };
      case 'flags': return { flags: k.flags.map((f) => [f.name, f.docs]) };
      case 'variant': return { variant: k.cases.map((c) => [c.name, ref(c.type), c.docs]) };
      case 'enum': return { enum: k.cases.map((c) => [c.name, c.docs]) };
      case 'handle': return { [k.handle]: ref(k.resource) };
      case 'tuple': return { tuple: k.types.map(ref) };
      case 'result': return { result: [ref(k.ok), ref(k.err)] };
      case 'map': return { map: [ref(k.key), ref(k.value)] };
      case 'fixed-length-list': return { fixed: [ref(k.type), k.size] };
      case 'resource': case 'unknown': return k.tag;
      default: return { [k.tag]: ref(k.type) };
    }
  };
  const typeDef = (id: TypeId): Canon => {
    const t = resolve.types[id]!;
    return { kind: kind(id), docs: t.docs, stability: stab(t.stability), externalId: t.externalId };
  };
  const func = (f: WitFunction): Canon => ({
    kind: f.kind.tag, resource: 'resource' in f.kind ? ref(f.kind.resource) : undefined,
    params: f.params.map((p) => [p.name, ref(p.type)]), result: ref(f.result), docs: f.docs, stability: stab(f.stability), externalId: f.externalId,
  });
  const funcs = (m: Map<string, WitFunction>) => Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([n, f]) => [n, func(f)]));
  function ifaceBody(id: InterfaceId): Canon {
    const i = resolve.interfaces[id]!;
    return {
      docs: i.docs, stability: stab(i.stability),
      types: Object.fromEntries([...i.types].map(([n, t]) => [n, typeDef(t)])),
      functions: funcs(i.functions),
    };
  }
  const item = (key: WorldKey, it: WorldItem): [string, Canon] => {
    const k = typeof key === 'string' ? key : interfaceName(key);
    if (it.tag === 'interface') return [k, { interface: resolve.interfaces[it.id]!.name === undefined ? ifaceBody(it.id) : interfaceName(it.id), stability: stab(it.stability), docs: it.docs }];
    if (it.tag === 'function') return [k, { function: func(it.func) }];
    return [k, { type: typeDef(it.id) }];
  };
  return resolve.packages
    .map((p) => ({
      name: packageNameString(p.name),
      docs: p.docs,
      interfaces: Object.fromEntries([...p.interfaces].map(([n, id]) => [n, ifaceBody(id)])),
      worlds: Object.fromEntries([...p.worlds].map(([n, id]) => {
        const w = resolve.worlds[id]!;
        return [n, { docs: w.docs, stability: stab(w.stability), imports: [...w.imports].map(([k, v]) => item(k, v)), exports: [...w.exports].map(([k, v]) => item(k, v)) }];
      })),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}
