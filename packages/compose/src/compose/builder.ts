import type { Alias, Component, ComponentTypeDecl, ExternType, Import, Instance, Section, Sort, TypeDef } from '@weld/binary';

type SectionOf<K extends Section['kind']> = Extract<Section, { kind: K }>;

/** The index spaces of the component being built that composition uses. */
interface Spaces {
  type: number;
  instance: number;
  func: number;
  component: number;
}

/**
 * Builds a component section by section, keeping count of each index space so every `add*` returns the index of
 * what it defined (as `wac-graph`'s encoder does). Consecutive items of one kind share a section.
 */
export class ComponentBuilder {
  private readonly sections: Section[] = [];
  private readonly counts: Spaces = { type: 0, instance: 0, func: 0, component: 0 };

  private push<K extends 'type' | 'import' | 'alias' | 'instance' | 'export'>(kind: K, item: SectionOf<K>['items'][number]): void {
    const last = this.sections.at(-1);
    if (last && last.kind === kind) (last.items as unknown[]).push(item);
    else this.sections.push({ id: SECTION_IDS[kind], kind, items: [item], offset: 0, size: 0 } as Section);
  }

  private bump(sort: Sort): number | undefined {
    const key = typeof sort === 'string' && sort in this.counts ? (sort as keyof Spaces) : undefined;
    return key === undefined ? undefined : this.counts[key]++;
  }

  addType(def: TypeDef): number {
    this.push('type', def);
    return this.counts.type++;
  }

  addImport(item: Import): number {
    this.push('import', item);
    return this.bump(sortOfExtern(item.type))!;
  }

  addAlias(alias: Alias): number {
    this.push('alias', alias);
    if (alias.kind === 'core-instance-export') throw new Error('core aliases are not used by composition');
    const index = this.bump(alias.sort);
    if (index === undefined) throw new Error(`aliases of sort ${JSON.stringify(alias.sort)} are not used by composition`);
    return index;
  }

  addComponent(component: Component): number {
    this.sections.push({ id: 4, kind: 'component', component, offset: 0, size: 0 });
    return this.counts.component++;
  }

  addInstance(instance: Instance): number {
    this.push('instance', instance);
    return this.counts.instance++;
  }

  addExport(name: string, sort: Sort, index: number): number | undefined {
    this.push('export', { name: { name, form: 0 }, sort, index });
    return this.bump(sort);
  }

  addCustom(name: string, data: Uint8Array): void {
    this.sections.push({ id: 0, kind: 'custom', name, data, payload: { kind: 'opaque' }, offset: 0, size: 0 });
  }

  build(): Component {
    return { offset: 0, size: 0, version: 0x0d, layer: 1, sections: this.sections };
  }
}

const SECTION_IDS = { type: 7, import: 10, alias: 6, instance: 5, export: 11 } as const;

export function sortOfExtern(type: ExternType): Sort {
  switch (type.kind) {
    case 'module': return { core: 'module' };
    case 'func': return 'func';
    case 'value': return 'value';
    case 'type': return 'type';
    case 'component': return 'component';
    case 'instance': return 'instance';
  }
}

export type { ComponentTypeDecl };
