import { compatibleName } from '@weld/core';
import {
  interfaceIdString, type InterfaceId, type Resolve, type Type, type WitFunction, type WorldId, type WorldItem, type WorldKey,
} from '@weld/wit-tools';

/** One way a component does not conform to a world. */
export interface TargetMismatch {
  kind: 'extra-import' | 'missing-export' | 'type-mismatch';
  direction: 'import' | 'export';
  /** `ns:pkg/iface@ver`, or a world-level function/type name. */
  item: string;
  /** For type mismatches: the path to the difference and what differs. */
  detail?: string;
}

export interface TargetReport {
  conforms: boolean;
  mismatches: TargetMismatch[];
  /** Items checked on each side. */
  imports: string[];
  exports: string[];
}

interface Side {
  resolve: Resolve;
  world: WorldId;
}

function keyName(r: Resolve, key: WorldKey, item: WorldItem): string {
  if (typeof key === 'string') return key;
  return interfaceIdString(r, key) ?? (item.tag === 'interface' ? `interface ${item.id}` : String(key));
}

function items(side: Side, direction: 'imports' | 'exports'): Map<string, { name: string; item: WorldItem }> {
  const out = new Map<string, { name: string; item: WorldItem }>();
  for (const [key, item] of side.resolve.worlds[side.world]![direction]) {
    if (item.tag === 'type') continue; // types are checked where functions use them
    const name = keyName(side.resolve, key, item);
    out.set(compatibleName(name), { name, item });
  }
  return out;
}

/**
 * Structural comparison of types across two resolves: records, variants, enums, flags, tuples, lists, options,
 * results and handles by shape and names; resources by identity (the interface that defines them and their name).
 * Returns undefined when equal, else the path to the first difference.
 */
class TypeComparer {
  constructor(private readonly a: Resolve, private readonly b: Resolve) {}

  private name(r: Resolve, t: Type): string {
    if (typeof t === 'string') return t;
    const d = r.types[t]!;
    if (d.name) {
      const owner = d.owner.tag === 'interface' ? interfaceIdString(r, d.owner.id) : undefined;
      return owner ? `${owner}.${d.name}` : d.name;
    }
    return d.kind.tag;
  }

  private deref(r: Resolve, t: Type): Type {
    let x = t;
    while (typeof x === 'number' && r.types[x]!.kind.tag === 'type') x = (r.types[x]!.kind as { type: Type }).type;
    return x;
  }

  /** A resource's identity: where it is defined. */
  private resourceKey(r: Resolve, t: number): string {
    const d = r.types[t]!;
    const owner = d.owner.tag === 'interface' ? interfaceIdString(r, d.owner.id) ?? `#${d.owner.id}` : d.owner.tag === 'world' ? `world` : 'none';
    return `${compatibleName(owner)}.${d.name ?? '?'}`;
  }

  type(ta: Type, tb: Type, path: string): string | undefined {
    const x = this.deref(this.a, ta);
    const y = this.deref(this.b, tb);
    if (typeof x === 'string' || typeof y === 'string') {
      return x === y ? undefined : `${path}: ${this.name(this.a, x)} vs ${this.name(this.b, y)}`;
    }
    const ka = this.a.types[x]!.kind;
    const kb = this.b.types[y]!.kind;
    if (ka.tag !== kb.tag) return `${path}: ${ka.tag} ${this.name(this.a, x)} vs ${kb.tag} ${this.name(this.b, y)}`;
    const names = (l: { name: string }[]) => l.map((f) => f.name).join(', ');
    switch (ka.tag) {
      case 'record': {
        const fb = (kb as typeof ka).fields;
        if (names(ka.fields) !== names(fb)) return `${path}: record fields {${names(ka.fields)}} vs {${names(fb)}}`;
        for (let i = 0; i < ka.fields.length; i++) {
          const d = this.type(ka.fields[i]!.type, fb[i]!.type, `${path}.${ka.fields[i]!.name}`);
          if (d) return d;
        }
        return undefined;
      }
      case 'variant': {
        const cb = (kb as typeof ka).cases;
        if (names(ka.cases) !== names(cb)) return `${path}: variant cases (${names(ka.cases)}) vs (${names(cb)})`;
        for (let i = 0; i < ka.cases.length; i++) {
          const pa = ka.cases[i]!.type;
          const pb = cb[i]!.type;
          if ((pa === undefined) !== (pb === undefined)) return `${path}.${ka.cases[i]!.name}: payload differs`;
          if (pa !== undefined) {
            const d = this.type(pa, pb!, `${path}.${ka.cases[i]!.name}`);
            if (d) return d;
          }
        }
        return undefined;
      }
      case 'enum': {
        const cb = (kb as typeof ka).cases;
        return names(ka.cases) === names(cb) ? undefined : `${path}: enum cases (${names(ka.cases)}) vs (${names(cb)})`;
      }
      case 'flags': {
        const fb = (kb as typeof ka).flags;
        return names(ka.flags) === names(fb) ? undefined : `${path}: flags (${names(ka.flags)}) vs (${names(fb)})`;
      }
      case 'tuple': {
        const tb2 = (kb as typeof ka).types;
        if (ka.types.length !== tb2.length) return `${path}: tuple of ${ka.types.length} vs ${tb2.length}`;
        for (let i = 0; i < ka.types.length; i++) {
          const d = this.type(ka.types[i]!, tb2[i]!, `${path}.${i}`);
          if (d) return d;
        }
        return undefined;
      }
      case 'list':
      case 'option':
        return this.type(ka.type, (kb as typeof ka).type, `${path}<>`);
      case 'fixed-length-list': {
        const b2 = kb as typeof ka;
        if (ka.size !== b2.size) return `${path}: list of ${ka.size} vs ${b2.size}`;
        return this.type(ka.type, b2.type, `${path}<>`);
      }
      case 'map': {
        const b2 = kb as typeof ka;
        return this.type(ka.key, b2.key, `${path}.key`) ?? this.type(ka.value, b2.value, `${path}.value`);
      }
      case 'result': {
        const b2 = kb as typeof ka;
        for (const side of ['ok', 'err'] as const) {
          if ((ka[side] === undefined) !== (b2[side] === undefined)) return `${path}.${side}: present on one side only`;
          if (ka[side] !== undefined) {
            const d = this.type(ka[side]!, b2[side]!, `${path}.${side}`);
            if (d) return d;
          }
        }
        return undefined;
      }
      case 'handle': {
        const b2 = kb as typeof ka;
        if (ka.handle !== b2.handle) return `${path}: ${ka.handle} vs ${b2.handle}`;
        const ra = this.resourceKey(this.a, this.deref(this.a, ka.resource) as number);
        const rb = this.resourceKey(this.b, this.deref(this.b, b2.resource) as number);
        return ra === rb ? undefined : `${path}: ${ka.handle}<${ra}> vs ${b2.handle}<${rb}>`;
      }
      case 'resource':
        return this.resourceKey(this.a, x) === this.resourceKey(this.b, y) ? undefined : `${path}: resource ${this.resourceKey(this.a, x)} vs ${this.resourceKey(this.b, y)}`;
      case 'future':
      case 'stream': {
        const b2 = kb as typeof ka;
        if ((ka.type === undefined) !== (b2.type === undefined)) return `${path}: ${ka.tag} payload differs`;
        return ka.type === undefined ? undefined : this.type(ka.type, b2.type!, `${path}<>`);
      }
      default:
        return undefined;
    }
  }

  func(fa: WitFunction, fb: WitFunction, path: string): string | undefined {
    if (fa.kind.tag !== fb.kind.tag) return `${path}: ${fa.kind.tag} vs ${fb.kind.tag}`;
    const pa = fa.params.map((p) => p.name).join(', ');
    const pb = fb.params.map((p) => p.name).join(', ');
    if (pa !== pb) return `${path}: parameters (${pa}) vs (${pb})`;
    for (let i = 0; i < fa.params.length; i++) {
      const d = this.type(fa.params[i]!.type, fb.params[i]!.type, `${path}(${fa.params[i]!.name})`);
      if (d) return d;
    }
    if ((fa.result === undefined) !== (fb.result === undefined)) return `${path}: result present on one side only`;
    return fa.result === undefined ? undefined : this.type(fa.result, fb.result!, `${path} -> result`);
  }

  /** An interface of `a` must offer at least what `b` needs (for exports) — or the reverse, by the caller's order. */
  iface(ia: InterfaceId, ib: InterfaceId, path: string, requireAllOfB: boolean): string | undefined {
    const A = this.a.interfaces[ia]!;
    const B = this.b.interfaces[ib]!;
    for (const [name, fb] of B.functions) {
      const fa = A.functions.get(name);
      if (!fa) {
        if (requireAllOfB) return `${path}: function ${name} is missing`;
        continue;
      }
      const d = this.func(fa, fb, `${path}#${name}`);
      if (d) return d;
    }
    if (!requireAllOfB) {
      for (const name of A.functions.keys()) if (!B.functions.has(name)) return `${path}: function ${name} is not in the world's interface`;
    }
    return undefined;
  }
}

/**
 * Does the component (its extracted world) target `world`? Its imports must all be imports of the world, its exports
 * must include every export of the world, and the types of what both name must agree structurally.
 */
export function checkTargets(component: Side, target: Side): TargetReport {
  const cmp = new TypeComparer(component.resolve, target.resolve);
  const mismatches: TargetMismatch[] = [];
  const cImports = items(component, 'imports');
  const tImports = items(target, 'imports');
  const cExports = items(component, 'exports');
  const tExports = items(target, 'exports');

  const compare = (direction: 'import' | 'export', name: string, ci: WorldItem, ti: WorldItem) => {
    let detail: string | undefined;
    if (ci.tag !== ti.tag) detail = `${name}: the component has a ${ci.tag}, the world a ${ti.tag}`;
    else if (ci.tag === 'interface' && ti.tag === 'interface') {
      // an import may use less of the interface than the world offers; an export must offer all of it
      detail = direction === 'import' ? cmp.iface(ci.id, ti.id, name, false) : cmp.iface(ci.id, ti.id, name, true);
    } else if (ci.tag === 'function' && ti.tag === 'function') detail = cmp.func(ci.func, ti.func, name);
    if (detail) mismatches.push({ kind: 'type-mismatch', direction, item: name, detail });
  };

  for (const [key, c] of cImports) {
    const t = tImports.get(key);
    if (!t) mismatches.push({ kind: 'extra-import', direction: 'import', item: c.name });
    else compare('import', c.name, c.item, t.item);
  }
  for (const [key, t] of tExports) {
    const c = cExports.get(key);
    if (!c) mismatches.push({ kind: 'missing-export', direction: 'export', item: t.name });
    else compare('export', c.name, c.item, t.item);
  }
  return { conforms: mismatches.length === 0, mismatches, imports: [...cImports.values()].map((c) => c.name), exports: [...cExports.values()].map((c) => c.name) };
}
