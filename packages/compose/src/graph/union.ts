import type { DefinedType, ExternType, InstanceTypeDecl, TypeDef, ValType } from '@weld/binary';

/**
 * The union of two instance types, for one import that serves components which each import a different part of an
 * interface (a component imports only what it uses): `base`'s declarations, then the declarations `extra` needs for
 * the exports in `names`. A type `extra` exports under a name `base` also exports (a resource, a record) is
 * `base`'s, so both importers see one type. Both lists are already in the output's outer index space.
 * Returns undefined when `extra` uses a form this does not rewrite (nested instance or component types).
 */
export function unionInstanceDecls(base: InstanceTypeDecl[], extra: InstanceTypeDecl[], names: Set<string>): InstanceTypeDecl[] | undefined {
  const baseTypeExports = new Map<string, number>();
  let baseTypes = 0;
  for (const d of base) {
    if (d.kind === 'export' && d.type.kind === 'type') baseTypeExports.set(d.name.name, baseTypes);
    if (definesType(d)) baseTypes++;
  }
  /** extra's local type index → the declaration that made it */
  const typeDecl: number[] = [];
  extra.forEach((d, i) => {
    if (definesType(d)) typeDecl.push(i);
  });

  const mapping = new Map<number, number>();
  const needed = new Set<number>();
  let unsupported = false;
  const needType = (t: number) => {
    if (mapping.has(t) || unsupported) return;
    const at = typeDecl[t];
    if (at === undefined) return void (unsupported = true);
    const d = extra[at]!;
    if (d.kind === 'export' && d.type.kind === 'type' && baseTypeExports.has(d.name.name)) {
      mapping.set(t, baseTypeExports.get(d.name.name)!);
      return;
    }
    mapping.set(t, -1);
    needDecl(at);
  };
  const needDecl = (at: number) => {
    if (needed.has(at)) return;
    needed.add(at);
    const refs = refsOf(extra[at]!);
    if (refs === undefined) unsupported = true;
    else refs.forEach(needType);
  };
  extra.forEach((d, i) => {
    if (d.kind === 'export' && names.has(d.name.name)) needDecl(i);
  });
  if (unsupported) return undefined;

  const out = [...base];
  let next = baseTypes;
  let local = 0;
  extra.forEach((d, i) => {
    const index = definesType(d) ? local++ : -1;
    if (!needed.has(i)) return;
    if (index >= 0) mapping.set(index, next++);
    out.push(remap(d, (t) => mapping.get(t)!));
  });
  return out;
}

function definesType(d: InstanceTypeDecl): boolean {
  return d.kind === 'type' || (d.kind === 'alias' && d.alias.sort === 'type') || (d.kind === 'export' && d.type.kind === 'type');
}

/** The local type indices a declaration refers to; undefined for forms this module does not rewrite. */
function refsOf(d: InstanceTypeDecl): number[] | undefined {
  const refs: number[] = [];
  const val = (v: ValType | undefined) => {
    if (typeof v === 'number') refs.push(v);
  };
  if (d.kind === 'core-type') return undefined;
  if (d.kind === 'alias') return d.alias.kind === 'outer' ? refs : undefined;
  if (d.kind === 'export') {
    externRefs(d.type, refs);
    return refs;
  }
  const t = d.type;
  if (t.kind === 'func') {
    t.params.forEach((p) => val(p.type));
    val(t.result);
    return refs;
  }
  if (t.kind === 'defined') {
    mapDefined(t.type, (x) => (refs.push(x), x));
    return refs;
  }
  return undefined;
}

function externRefs(t: ExternType, refs: number[]): void {
  if (t.kind === 'func' || t.kind === 'instance' || t.kind === 'component') refs.push(t.type);
  else if (t.kind === 'type' && t.bound.kind === 'eq') refs.push(t.bound.index);
  else if (t.kind === 'value' && typeof t.type === 'number') refs.push(t.type);
}

function remap(d: InstanceTypeDecl, f: (t: number) => number): InstanceTypeDecl {
  const v = (x: ValType): ValType => (typeof x === 'number' ? f(x) : x);
  if (d.kind === 'export') {
    const t = d.type;
    const type: ExternType =
      t.kind === 'func' || t.kind === 'instance' || t.kind === 'component' ? { kind: t.kind, type: f(t.type) }
      : t.kind === 'type' && t.bound.kind === 'eq' ? { kind: 'type', bound: { kind: 'eq', index: f(t.bound.index) } }
      : t.kind === 'value' ? { kind: 'value', type: v(t.type) }
      : t;
    return { kind: 'export', name: d.name, type };
  }
  if (d.kind !== 'type') return d;
  const t: TypeDef = d.type;
  if (t.kind === 'func') return { kind: 'type', type: { ...t, params: t.params.map((p) => ({ name: p.name, type: v(p.type) })), result: t.result === undefined ? undefined : v(t.result) } };
  if (t.kind === 'defined') return { kind: 'type', type: { kind: 'defined', type: mapDefined(t.type, f) } };
  return d;
}

function mapDefined(t: DefinedType, f: (t: number) => number): DefinedType {
  const v = (x: ValType): ValType => (typeof x === 'number' ? f(x) : x);
  const o = (x: ValType | undefined) => (x === undefined ? undefined : v(x));
  switch (t.kind) {
    case 'primitive': case 'flags': case 'enum': return t;
    case 'record': return { kind: 'record', fields: t.fields.map((q) => ({ name: q.name, type: v(q.type) })) };
    case 'variant': return { kind: 'variant', cases: t.cases.map((c) => ({ name: c.name, type: o(c.type) })) };
    case 'list': return { kind: 'list', element: v(t.element) };
    case 'fixed-list': return { kind: 'fixed-list', element: v(t.element), length: t.length };
    case 'map': return { kind: 'map', key: v(t.key), value: v(t.value) };
    case 'tuple': return { kind: 'tuple', types: t.types.map(v) };
    case 'option': return { kind: 'option', type: v(t.type) };
    case 'result': return { kind: 'result', ok: o(t.ok), err: o(t.err) };
    case 'own': case 'borrow': return { kind: t.kind, resource: f(t.resource) };
    case 'stream': case 'future': return { kind: t.kind, element: o(t.element) };
  }
}
