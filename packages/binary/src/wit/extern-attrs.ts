import type { Alias, Component, ComponentTypeDecl, ExternName, TypeDef } from '../ast.js';

/** Attributes of an import/export name that the validated type does not keep. */
export interface ExternAttrs {
  implements?: string;
  externalId?: string;
}

/** The name attributes of a binary, looked up by where the name is. */
export interface NameAttrs {
  /** an import or export of world `world` (`undefined`: of the component itself) */
  item(world: string | undefined, dir: 'import' | 'export', name: string): ExternAttrs | undefined;
  /** a function or type of an interface: `iface` is its qualified name, or `inlineKey(...)` for an inline one */
  member(iface: string, name: string): ExternAttrs | undefined;
}

export const NO_ATTRS: NameAttrs = { item: () => undefined, member: () => undefined };

/** Key of the inline interface a world imports or exports under the plain name `label`. */
export const inlineKey = (world: string | undefined, dir: 'import' | 'export', label: string): string => `${world ?? ''}|${dir}|${label}`;

const attrsOfName = (n: ExternName): ExternAttrs | undefined =>
  n.implements === undefined && n.externalId === undefined
    ? undefined
    : { ...(n.implements !== undefined ? { implements: n.implements } : {}), ...(n.externalId !== undefined ? { externalId: n.externalId } : {}) };

const aliasesType = (a: Alias) => a.kind !== 'core-instance-export' && a.sort === 'type';

/** Does this declaration add an entry to the type index space of the component or instance type it is in? */
function definesType(d: ComponentTypeDecl): boolean {
  if (d.kind === 'type') return true;
  if (d.kind === 'alias') return aliasesType(d.alias);
  if (d.kind === 'core-type') return false;
  return d.type.kind === 'type';
}

/** `ns:pkg/iface[@v]` names an interface; anything else is a plain label. */
const isInterfaceName = (n: string) => /^[^:/]+:[^/]+\/[^@]+/.test(n);

/**
 * The name attributes (`implements`, `external-id`) the validated type of a component drops: of the component's own
 * imports and exports (and the members of the instance types it imports), of each world a binary WIT package defines,
 * and of the functions and types of every interface the package's items import or export.
 */
export function externAttrs(c: Component): NameAttrs {
  const items = new Map<string, ExternAttrs>();
  const members = new Map<string, ExternAttrs>();
  const noteItem = (world: string | undefined, dir: 'import' | 'export', n: ExternName) => {
    const a = attrsOfName(n);
    if (a) items.set(`${world ?? ''}|${dir}|${n.name}`, a);
  };
  const noteInstance = (world: string | undefined, dir: 'import' | 'export', name: string, t: TypeDef | undefined) => {
    if (t?.kind !== 'instance') return;
    const key = isInterfaceName(name) ? name : inlineKey(world, dir, name);
    for (const d of t.decls) {
      const a = d.kind === 'export' ? attrsOfName(d.name) : undefined;
      if (a && d.kind === 'export') members.set(`${key}|${d.name.name}`, a);
    }
  };
  /** A component type's declarations; `world` names it when it is a world (its imports and exports are items). */
  const scan = (decls: ComponentTypeDecl[], world: string | undefined, isWorld: boolean) => {
    const typeDefs = decls.filter(definesType).map((d) => (d.kind === 'type' ? d.type : undefined));
    for (const d of decls) {
      if (d.kind !== 'import' && d.kind !== 'export') continue;
      if (isWorld) noteItem(world, d.kind, d.name);
      if (d.type.kind === 'instance') noteInstance(world, d.kind, d.name.name, typeDefs[d.type.type]);
      else if (d.type.kind === 'component' && d.kind === 'export') {
        const inner = typeDefs[d.type.type];
        if (inner?.kind === 'component') scan(inner.decls, d.name.name, true);
      }
    }
  };
  const topTypes: (TypeDef | undefined)[] = [];
  for (const s of c.sections) {
    if (s.kind === 'type') {
      for (const t of s.items) {
        topTypes.push(t);
        if (t.kind === 'component') scan(t.decls, undefined, false);
      }
    } else if (s.kind === 'alias') {
      for (const a of s.items) if (aliasesType(a)) topTypes.push(undefined);
    } else if (s.kind === 'import') {
      for (const i of s.items) {
        noteItem(undefined, 'import', i.name);
        if (i.type.kind === 'instance') noteInstance(undefined, 'import', i.name.name, topTypes[i.type.type]);
        if (i.type.kind === 'type') topTypes.push(undefined);
      }
    } else if (s.kind === 'export') {
      for (const e of s.items) {
        noteItem(undefined, 'export', e.name);
        if (e.sort === 'type') topTypes.push(undefined);
      }
    }
  }
  return {
    item: (world, dir, name) => items.get(`${world ?? ''}|${dir}|${name}`),
    member: (iface, name) => members.get(`${iface}|${name}`),
  };
}
