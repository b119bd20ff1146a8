import type { ComponentTypeDecl, DefinedType, ExternType, InstanceTypeDecl, TypeDef, ValType } from '@weld/binary';

/**
 * The union of two instance types, for one import that serves components which each import a different part of an
 * interface (a component imports only what it uses): `base`'s declarations, then the declarations `extra` needs for
 * the exports in `names`. A type `extra` exports under a name `base` also exports (a resource, a record) is
 * `base`'s, so both importers see one type. An instance both export, named in `nested`, is itself the union of the
 * two (recursively: every instance they share inside it is merged too). Both lists are already in the output's outer
 * index space. Returns undefined when `extra` uses a form this does not rewrite (core types).
 */
export function unionInstanceDecls(base: InstanceTypeDecl[], extra: InstanceTypeDecl[], names: Set<string>, nested: Set<string> = new Set()): InstanceTypeDecl[] | undefined {
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
  // a shared instance to merge: extra's body needs what it refers to as well
  const merges: { name: string; baseType: number; extraType: number }[] = [];
  const baseExport = (n: string) => base.find((d) => d.kind === 'export' && d.name.name === n && d.type.kind === 'instance');
  extra.forEach((d) => {
    if (d.kind !== 'export' || d.type.kind !== 'instance' || !nested.has(d.name.name) || names.has(d.name.name)) return;
    const b = baseExport(d.name.name);
    if (!b || b.kind !== 'export' || b.type.kind !== 'instance') return;
    const at = typeDecl[d.type.type];
    const body = at === undefined ? undefined : extra[at];
    if (body?.kind !== 'type' || body.type.kind !== 'instance') return void (unsupported = true);
    const refs = refsOf(body);
    if (refs === undefined) return void (unsupported = true);
    refs.forEach(needType);
    merges.push({ name: d.name.name, baseType: b.type.type, extraType: d.type.type });
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

  for (const m of merges) {
    const baseBody = localTypeDef(base, m.baseType);
    const extraBody = localTypeDef(extra, m.extraType);
    if (baseBody?.kind !== 'instance' || extraBody?.kind !== 'instance') return undefined;
    // inside the bodies, `outer 1` is this instance type's space: base's indices stand, extra's are remapped
    const extraDecls = extraBody.decls.map((d) => remapOuter(d, 1, (t) => mapping.get(t)!)) as InstanceTypeDecl[];
    const innerNames = new Set(exportNames(extraDecls).filter((n) => !exportNames(baseBody.decls).includes(n)));
    const innerNested = new Set(exportNames(extraDecls).filter((n) => !innerNames.has(n)));
    const merged = unionInstanceDecls(baseBody.decls, extraDecls, innerNames, innerNested);
    if (!merged) return undefined;
    // the merged body is a new type; the export points at it (an instance export defines no type index to shift)
    out.splice(out.findIndex((d) => d.kind === 'export' && d.name.name === m.name && d.type.kind === 'instance'), 1);
    out.push({ kind: 'type', type: { kind: 'instance', decls: merged } });
    out.push({ kind: 'export', name: { name: m.name, form: 0 }, type: { kind: 'instance', type: next++ } });
  }
  return out;
}

function exportNames(decls: InstanceTypeDecl[]): string[] {
  return decls.flatMap((d) => (d.kind === 'export' ? [d.name.name] : []));
}

/** The definition of local type `index` of a declaration list, when it is a plain `type` declaration. */
function localTypeDef(decls: InstanceTypeDecl[], index: number): TypeDef | undefined {
  let n = 0;
  for (const d of decls) {
    if (!definesType(d)) continue;
    if (n++ === index) return d.kind === 'type' ? d.type : undefined;
  }
  return undefined;
}

/** Rewrites the outer aliases that reach `depth` levels out (the space `f` maps), inside nested bodies too. */
function remapOuter(d: ComponentTypeDecl, depth: number, f: (t: number) => number): ComponentTypeDecl {
  if (d.kind === 'alias' && d.alias.kind === 'outer' && d.alias.count === depth) return { kind: 'alias', alias: { ...d.alias, index: f(d.alias.index) } };
  if (d.kind === 'type' && (d.type.kind === 'instance' || d.type.kind === 'component')) {
    return { kind: 'type', type: { kind: d.type.kind, decls: d.type.decls.map((x) => remapOuter(x, depth + 1, f)) } as TypeDef };
  }
  return d;
}

/** Local type indices referred to from inside a nested body: its outer aliases that reach `depth` levels out. */
function nestedRefs(decls: ComponentTypeDecl[], depth: number, refs: number[]): boolean {
  for (const d of decls) {
    if (d.kind === 'core-type') return false;
    if (d.kind === 'alias' && d.alias.kind === 'outer' && d.alias.count === depth) refs.push(d.alias.index);
    if (d.kind === 'type' && (d.type.kind === 'instance' || d.type.kind === 'component') && !nestedRefs(d.type.decls, depth + 1, refs)) return false;
  }
  return true;
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
  // a nested instance or component type refers to this space through its outer aliases
  if ((t.kind === 'instance' || t.kind === 'component') && nestedRefs(t.decls, 1, refs)) return refs;
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
  if (t.kind === 'instance' || t.kind === 'component') return remapOuter(d, 0, f) as InstanceTypeDecl;
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
