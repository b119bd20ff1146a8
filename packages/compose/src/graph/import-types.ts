import { ALL_FEATURES, importsComponentOf, validateComponent, type Component, type Entity, type RComponent, type RResource, type TypeDef } from '@weld/binary';
import { isWeldError } from '@weld/core';
import { ComponentSpaces, type ComponentImport } from '../compose/imports.js';
import { GraphError, type Site } from './errors.js';

const root = (r: RResource): RResource => r.aliasOf ?? r;

/**
 * The declarations of a graph's explicit imports: an imports-only component (`importsComponent` of a WIT world,
 * `importsComponentOf` of validated types), validated, with its index spaces. The encoder copies an import out of it
 * as it copies the leftover imports of the components it embeds; imports it depends on (a `use`d interface) come along.
 */
export class ImportTypes {
  readonly type: RComponent;
  readonly spaces: ComponentSpaces;
  /** resources it imports → the import that brings each and its export name inside that import */
  readonly importedResources: Map<RResource, { import: string; path: string[] }>;

  constructor(readonly component: Component, site?: Site) {
    const checked = validateComponent(component, { features: ALL_FEATURES, coreModules: false });
    if (!checked.valid) {
      throw new GraphError('import-type-invalid', `the import declarations do not validate: ${checked.error.message}`, { detail: checked.error.detail, cause: checked.error, site });
    }
    this.type = checked.type;
    this.spaces = new ComponentSpaces(component);
    this.importedResources = importedResources(checked.type);
  }

  /** The import `name` declares, or undefined. */
  declaration(name: string): { import: ComponentImport; entity: Entity } | undefined {
    const imp = this.spaces.imports.find((i) => i.name === name);
    const entity = this.type.imports.get(name);
    return imp && entity ? { import: imp, entity } : undefined;
  }
}

/**
 * What an explicit import is declared as: a type found in the graph (`CompositionGraph.exportType`: an export of a
 * registered package) written out through WIT, or an import of an imports-only component that already declares it
 * under the import's name (a `.wac` file's `import` statements).
 */
export type ImportType =
  | { kind: 'entity'; entity: Entity; context: Map<string, Entity> }
  | { kind: 'declared'; types: ImportTypes };

/** The declarations for import `name` of `type`. Throws `ImportError` (`import-type-invalid`). */
export function declareImport(name: string, type: ImportType, site?: Site): { types: ImportTypes; import: ComponentImport; entity: Entity } {
  let types: ImportTypes;
  if (type.kind === 'declared') types = type.types;
  else {
    let component: Component;
    try {
      component = importsComponentOf(new Map([[name, type.entity]]), type.context);
    } catch (e) {
      if (!isWeldError(e)) throw e;
      throw new GraphError('import-type-invalid', `import ${name} cannot be declared: ${e.message}`, { data: { name }, site, cause: e });
    }
    types = new ImportTypes(component, site);
  }
  const found = types.declaration(name);
  if (!found) throw new GraphError('import-type-invalid', `the import declarations have no import named ${name}`, { data: { name }, site });
  return { types, ...found };
}

/**
 * A type the result defines and exports: a self-contained component type (a WIT interface or world as
 * `encodeWitItem` writes it), or the type an imports-only component imports under the definition's name with an
 * `(eq T)` bound (a `.wac` top-level type, declared in its WIT world): T is defined, and the carrier's imports that
 * use the type use the export.
 */
export type TypeDefinition =
  | { kind: 'component-type'; def: TypeDef }
  | { kind: 'declared'; types: ImportTypes }
  /** a function type: the type of function import `declaredAs` of the imports-only component (WIT has no function type definitions) */
  | { kind: 'function-type'; types: ImportTypes; declaredAs: string };

/** The entity a definition exports (validated on its own first). Throws `ExportError` (`export-name-invalid`). */
export function defineTypeEntity(name: string, d: TypeDefinition, site?: Site): Entity {
  if (d.kind === 'function-type') {
    const found = d.types.declaration(d.declaredAs);
    if (found?.entity.sort !== 'func') throw new GraphError('export-name-invalid', `the declarations define no function type for ${name}`, { data: { name }, site });
    return { sort: 'type', type: found.entity.type };
  }
  if (d.kind === 'declared') {
    const found = d.types.declaration(name);
    const t = found?.import.item.type;
    if (!found || t?.kind !== 'type' || t.bound.kind !== 'eq') throw new GraphError('export-name-invalid', `the declarations define no type named ${name}`, { data: { name }, site });
    return found.entity;
  }
  const component: Component = {
    offset: 0, size: 0, version: 0x0d, layer: 1,
    sections: [
      { id: 7, kind: 'type', items: [d.def], offset: 0, size: 0 },
      { id: 11, kind: 'export', items: [{ name: { name, form: 0 }, sort: 'type', index: 0 }], offset: 0, size: 0 },
    ],
  };
  const checked = validateComponent(component, { features: ALL_FEATURES, coreModules: false });
  if (!checked.valid) throw new GraphError('import-type-invalid', `type ${name} does not validate: ${checked.error.message}`, { data: { name }, site, cause: checked.error });
  return checked.type.exports.get(name)!;
}

/** An item as a value rather than a type definition (wac's `ItemKind::promote`): an exported `(type (func))` is imported as a function. */
export function promote(e: Entity): Entity {
  if (e.sort !== 'type') return e;
  const t = e.type;
  if (t.kind === 'func') return { sort: 'func', type: t };
  if (t.kind === 'instance') return { sort: 'instance', type: t };
  if (t.kind === 'component') return { sort: 'component', type: t };
  return e;
}

export function importedResources(type: RComponent): Map<RResource, { import: string; path: string[] }> {
  const out = new Map<RResource, { import: string; path: string[] }>();
  for (const [name, e] of type.imports) {
    if (e.sort === 'type' && e.type.kind === 'resource' && !out.has(root(e.type))) out.set(root(e.type), { import: name, path: [] });
    if (e.sort !== 'instance') continue;
    for (const [member, x] of e.type.exports) {
      if (x.sort === 'type' && x.type.kind === 'resource' && !out.has(root(x.type))) out.set(root(x.type), { import: name, path: [member] });
    }
  }
  return out;
}

/** The resource at `path` (instance exports, outermost first) inside an entity, if there is one. */
export function resourceAt(e: Entity, path: string[]): RResource | undefined {
  let cur: Entity | undefined = e;
  for (const step of path) cur = cur?.sort === 'instance' ? cur.type.exports.get(step) : undefined;
  return cur?.sort === 'type' && cur.type.kind === 'resource' ? root(cur.type) : undefined;
}

/** Resources a component exports → a printable name (`demo:files/types.file`). */
export function exportedResourceNames(type: RComponent): Map<RResource, string> {
  const out = new Map<RResource, string>();
  for (const [name, e] of type.exports) {
    if (e.sort === 'type' && e.type.kind === 'resource' && !out.has(root(e.type))) out.set(root(e.type), name);
    if (e.sort !== 'instance') continue;
    for (const [member, x] of e.type.exports) {
      if (x.sort === 'type' && x.type.kind === 'resource' && !out.has(root(x.type))) out.set(root(x.type), `${name}.${member}`);
    }
  }
  return out;
}
