import type { Resolve, WorldId } from '@weld/wit-tools';
import type { Component, ComponentTypeDecl, Section } from '../ast.js';
import { BinaryError } from '../error.js';
import type { Entity, RComponent } from '../validate/model.js';
import { encodeWorld } from './encode.js';
import { worldOfComponent } from './from-component.js';

type Item = Extract<Section, { kind: 'type' | 'alias' | 'import' }>;

/**
 * A component that only imports what world `w` imports: no core code, no exports. Composition declares a graph's
 * explicit imports by copying them out of such a component, as it copies the imports of the components it embeds.
 * Names are plain (wac imports `x: ns:pkg/iface` as `x`, without an `implements` attribute).
 */
export function importsComponent(resolve: Resolve, w: WorldId): Component {
  const world = encodeWorld(resolve, w);
  if (world.kind !== 'component') throw new BinaryError('invalid-type', 'a world encodes as a component type', 0);
  const sections: Section[] = [];
  const push = (kind: Item['kind'], id: number, item: Item['items'][number]) => {
    const last = sections.at(-1);
    if (last?.kind === kind) (last.items as unknown[]).push(item);
    else sections.push({ id, kind, items: [item], offset: 0, size: 0 } as Section);
  };
  for (const d of world.decls as ComponentTypeDecl[]) {
    if (d.kind === 'type') push('type', 7, d.type);
    else if (d.kind === 'alias') push('alias', 6, d.alias);
    else if (d.kind === 'import') push('import', 10, { name: { name: d.name.name, form: 0 }, type: d.type });
    // a world's exports need an implementation; an imports-only component has none
  }
  return { offset: 0, size: 0, version: 0x0d, layer: 1, sections };
}

/**
 * The imports-only component of items of validated component types (an export of one component that a composition
 * imports, say). `context` are imports the items' types may `use` (the source component's interface imports): they
 * are declared too, so a shared type stays one type.
 */
export function importsComponentOf(items: Map<string, Entity>, context: Map<string, Entity> = new Map()): Component {
  const imports = new Map([...context].filter(([n]) => !items.has(n)));
  for (const [n, e] of items) imports.set(n, e);
  const type: RComponent = { kind: 'component', imports, exports: new Map(), imported: [], defined: [] };
  const { resolve, world } = worldOfComponent(type);
  return importsComponent(resolve, world);
}
