import type { Component, ComponentTypeDecl, ExternName } from '../ast.js';
import type { ExternAttrs, ExternAttrsOf } from './from-component.js';

const attrsOfName = (n: ExternName): ExternAttrs | undefined =>
  n.implements === undefined && n.externalId === undefined
    ? undefined
    : { ...(n.implements !== undefined ? { implements: n.implements } : {}), ...(n.externalId !== undefined ? { externalId: n.externalId } : {}) };

/** Does this declaration add an entry to the type index space of the component type it is in? */
function definesType(d: ComponentTypeDecl): boolean {
  if (d.kind === 'type') return true;
  if (d.kind === 'alias') return d.alias.sort === 'type';
  return d.type.kind === 'type';
}

/**
 * The name attributes (`implements`, `external-id`) the validated type of a component drops: of the component's own
 * imports and exports, and of the imports and exports of each world a binary WIT package defines (a package item's
 * component type exporting `ns:pkg/world` as a component type).
 */
export function externAttrs(c: Component): ExternAttrsOf {
  const map = new Map<string, ExternAttrs>();
  const note = (world: string | undefined, dir: 'import' | 'export', n: ExternName) => {
    const a = attrsOfName(n);
    if (a) map.set(`${world ?? ''}|${dir}|${n.name}`, a);
  };
  for (const s of c.sections) {
    if (s.kind === 'import') for (const i of s.items) note(undefined, 'import', i.name);
    else if (s.kind === 'export') for (const e of s.items) note(undefined, 'export', e.name);
    else if (s.kind === 'type') {
      for (const t of s.items) {
        if (t.kind !== 'component') continue;
        const typeDefs = t.decls.filter(definesType);
        for (const d of t.decls) {
          if (d.kind !== 'export' || d.type.kind !== 'component') continue;
          const world = typeDefs[d.type.type];
          if (world?.kind !== 'type' || world.type.kind !== 'component') continue;
          for (const w of world.type.decls) if (w.kind === 'import' || w.kind === 'export') note(d.name.name, w.kind, w.name);
        }
      }
    }
  }
  return (world, dir, name) => map.get(`${world ?? ''}|${dir}|${name}`);
}
