import type { Component, ComponentNames, ExternType, Metadata, ProducerField, SectionKind, Sort } from './ast.js';
import { decodeComponent } from './codec.js';
import { coreModuleInfo } from './read/module.js';
import { ComponentValidator } from './validate/component.js';
import { ALL_FEATURES } from './validate/features.js';
import type { Entity, RComponent } from './validate/model.js';

export interface WorldItem {
  name: string;
  kind: 'instance' | 'func' | 'type' | 'component' | 'module' | 'value';
  /** for instances: the names it exports (functions, types) */
  items?: string[];
}
export interface ModuleReport {
  /** where it sits, e.g. `module[0]` or `component[1] > module[0]` */
  path: string;
  name?: string;
  offset: number;
  size: number;
  imports: number;
  exports: number;
  functions: number;
  memories: number;
  /** adapter name when this module is a wit-component adapter (e.g. `wasi_snapshot_preview1`) */
  adapter?: string;
  producers?: ProducerField[];
  sections: { name: string; size: number }[];
}
export interface InspectReport {
  size: number;
  version: number;
  name?: string;
  world: { imports: WorldItem[]; exports: WorldItem[] };
  sections: { kind: SectionKind; offset: number; size: number; items?: number; name?: string }[];
  sizeByKind: Partial<Record<SectionKind, number>>;
  modules: ModuleReport[];
  components: { path: string; name?: string; offset: number; size: number }[];
  producers: ProducerField[];
  metadata: Metadata;
  adapters: string[];
}

function namesOf(c: Component): ComponentNames | undefined {
  for (const s of c.sections) if (s.kind === 'custom' && s.payload.kind === 'component-name') return s.payload.names;
  return undefined;
}

function nameFor(names: ComponentNames | undefined, sort: 'module' | 'component', index: number): string | undefined {
  const entry = names?.sorts.find((x) => (sort === 'module' ? typeof x.sort === 'object' && x.sort.core === 'module' : x.sort === 'component'));
  return entry?.names.find((n) => n.index === index)?.name;
}

const kindOf = (t: ExternType | { kind: string }): WorldItem['kind'] => (t.kind === 'module' ? 'module' : (t.kind as WorldItem['kind']));

function entityItems(e: Entity | undefined): string[] | undefined {
  if (!e || e.sort !== 'instance') return undefined;
  return [...e.type.exports.keys()];
}

/** Structure of a component for people and tools: its world, sizes per section and per core module, metadata. */
export function inspectComponent(input: Uint8Array | Component): InspectReport {
  const c = input instanceof Uint8Array ? decodeComponent(input) : input;
  let type: RComponent | undefined;
  try {
    // inspection describes whatever the component uses: every feature on
    type = new ComponentValidator({ coreModules: false, features: ALL_FEATURES }).validate(c);
  } catch {
    type = undefined; // an invalid component is still inspected, with names only
  }
  const names = namesOf(c);
  const report: InspectReport = {
    size: c.size, version: c.version, name: names?.component, world: { imports: [], exports: [] }, sections: [], sizeByKind: {},
    modules: [], components: [], producers: [], metadata: {}, adapters: [],
  };
  for (const s of c.sections) {
    const items = 'items' in s ? s.items.length : undefined;
    report.sections.push({ kind: s.kind, offset: s.offset, size: s.size, ...(items !== undefined ? { items } : {}), ...(s.kind === 'custom' ? { name: s.name } : {}) });
    report.sizeByKind[s.kind] = (report.sizeByKind[s.kind] ?? 0) + s.size;
    if (s.kind === 'import') for (const i of s.items) report.world.imports.push({ name: i.name.name, kind: kindOf(i.type), ...withItems(entityItems(type?.imports.get(i.name.name))) });
    if (s.kind === 'export') for (const e of s.items) report.world.exports.push({ name: e.name.name, kind: sortKind(e.sort), ...withItems(entityItems(type?.exports.get(e.name.name))) });
    if (s.kind === 'custom' && s.payload.kind === 'producers') report.producers = s.payload.fields;
    if (s.kind === 'custom' && s.payload.kind === 'metadata') report.metadata[s.payload.field] = s.payload.value;
  }
  walk(c, '', report);
  report.adapters = [...new Set(report.modules.flatMap((m) => (m.adapter ? [m.adapter] : [])))];
  return report;
}

const withItems = (items: string[] | undefined) => (items ? { items } : {});
function sortKind(s: Sort): WorldItem['kind'] {
  if (typeof s === 'object') return 'module';
  return s;
}

function walk(c: Component, prefix: string, report: InspectReport): void {
  const names = namesOf(c);
  let m = 0;
  let k = 0;
  for (const s of c.sections) {
    if (s.kind === 'core-module') {
      const path = `${prefix}module[${m}]`;
      const name = nameFor(names, 'module', m);
      m++;
      const r: ModuleReport = { path, ...(name ? { name } : {}), offset: s.module.offset, size: s.module.bytes.length, imports: 0, exports: 0, functions: 0, memories: 0, sections: [] };
      try {
        const info = coreModuleInfo(s.module);
        r.imports = info.imports.length;
        r.exports = info.exports.length;
        r.functions = info.functions.length;
        r.memories = info.memories.length;
        r.sections = info.sections.map((x) => ({ name: x.customName ? `custom:${x.customName}` : x.name, size: x.size }));
      } catch {
        r.sections = [];
      }
      const adapter = /^wit-component:adapter:(.+)$/.exec(name ?? '')?.[1];
      if (adapter) r.adapter = adapter;
      report.modules.push(r);
    } else if (s.kind === 'component') {
      const path = `${prefix}component[${k}]`;
      const name = nameFor(names, 'component', k);
      k++;
      report.components.push({ path, ...(name ? { name } : {}), offset: s.offset, size: s.size });
      walk(s.component, `${path} > `, report);
    }
  }
}
