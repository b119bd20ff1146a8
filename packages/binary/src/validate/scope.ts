import type { Section, Sort } from '../ast.js';
import type { ValidatorContext } from './context.js';
import type { CoreTypeEntry } from './core-types.js';
import { fail } from './invalid.js';
import type { CoreExt, CoreSig, Entity, RComponent, RDefined, RFunc, RInstance, RModule, RResource, RType, RVal } from './model.js';

export type ScopeKind = 'component' | 'component-type' | 'instance-type';

/** The index spaces and naming state of one component, component type or instance type being validated. */
export class Scope {
  coreTypes: CoreTypeEntry[] = [];
  coreFuncs: CoreSig[] = [];
  coreTables: CoreExt[] = [];
  coreMemories: CoreExt[] = [];
  coreGlobals: CoreExt[] = [];
  coreTags: CoreSig[] = [];
  coreModules: RModule[] = [];
  coreInstances: Map<string, CoreExt>[] = [];
  types: RType[] = [];
  funcs: RFunc[] = [];
  values: { type: RVal; used: boolean; section?: string; offset?: number }[] = [];
  instances: RInstance[] = [];
  components: RComponent[] = [];
  imports = new Map<string, Entity>();
  exports = new Map<string, Entity>();
  importKeys = new Map<string, string>();
  exportKeys = new Map<string, string>();
  imported: RResource[] = [];
  defined: RResource[] = [];
  /** resources defined by `resource` type definitions in this (concrete) component */
  local = new Set<RResource>();
  /** resources reachable by name here (imported or exported), for the export naming rule */
  named = new Set<RResource>();
  /** local resource definitions exported as themselves (inside an exported bag of exports) */
  exportedDefinitions = new Set<RResource>();
  /** record/variant/enum/flags types that carry a name here (introduced by an import or export) */
  namedTypes = new Set<RDefined>();
  /** names an export gave to a record/variant/enum/flags: an import may not refer to them */
  exportNamedTypes = new Set<RDefined>();
  /** the core type of `context.get`/`context.set`, fixed by the first one */
  contextType?: 'i32' | 'i64';
  started = false;
  /** resource label → resource, for `[constructor]`/`[method]`/`[static]` names */
  importResourceNames = new Map<string, RResource>();
  exportResourceNames = new Map<string, RResource>();
  constructor(readonly kind: ScopeKind, readonly parent?: Scope) {}
}

// wasmparser's index-space limits (`limits.rs`): types, functions and core items 1M; modules, components,
// instances (core and component together) and values 1000
export const MAX_ITEMS = 1_000_000;
export const MAX_MODULES = 1000;
export const MAX_COMPONENTS = 1000;
export const MAX_INSTANCES = 1000;
export const MAX_VALUES = 1000;
export const MAX_TYPE_SIZE = 1_000_000;
export const MAX_TYPE_DEPTH = 100;
export const MAX_FIXED_LIST_ELEMENTS = 1_073_741_824;

/** wasmparser's reader limits on vector lengths (`read_size`), reported in its words. */
export function readLimit(count: number, max: number, desc: string): void {
  if (count > max) fail('limit-exceeded', `${desc} size is out of bounds`);
}

export function limit(count: number, max: number, desc: string): void {
  if (count > max) fail('limit-exceeded', `${desc} count exceeds limit of ${max}`);
}

/** How many items a section adds to an index space that has a limit, checked before its items (as wasmparser). */
export function sectionCount(sec: Section): number | undefined {
  switch (sec.kind) {
    case 'core-instance': case 'instance': case 'core-type': case 'type': case 'canon': case 'export': return sec.items.length;
    case 'core-module': case 'component': return 1;
    default: return undefined;
  }
}

export function checkSectionLimit(s: Scope, kind: Section['kind'], added: number): void {
  switch (kind) {
    case 'core-instance': case 'instance': return limit(s.instances.length + s.coreInstances.length + added, MAX_INSTANCES, 'instances');
    case 'core-type': case 'type': return limit(s.types.length + s.coreTypes.length + added, MAX_ITEMS, 'types');
    case 'canon': return limit(s.funcs.length + s.coreFuncs.length + added, MAX_ITEMS, 'functions');
    case 'export': return limit(s.exports.size + added, MAX_ITEMS, 'exports');
    case 'core-module': return limit(s.coreModules.length + added, MAX_MODULES, 'modules');
    case 'component': return limit(s.components.length + added, MAX_COMPONENTS, 'components');
  }
}

/** Adds a core item to its index space. */
export function pushCore(s: Scope, e: CoreExt): void {
  switch (e.kind) {
    case 'func': s.coreFuncs.push(e.sig); limit(s.coreFuncs.length + s.funcs.length, MAX_ITEMS, 'functions'); break;
    case 'table': s.coreTables.push(e); limit(s.coreTables.length, MAX_ITEMS, 'tables'); break;
    case 'memory': s.coreMemories.push(e); limit(s.coreMemories.length, MAX_ITEMS, 'memories'); break;
    case 'global': s.coreGlobals.push(e); limit(s.coreGlobals.length, MAX_ITEMS, 'globals'); break;
    case 'tag': s.coreTags.push(e.sig); limit(s.coreTags.length, MAX_ITEMS, 'tags'); break;
  }
}

/** Adds a component-level item to its index space; a value remembers the item that defined it. */
export function pushEntity(cx: ValidatorContext, s: Scope, e: Entity): void {
  switch (e.sort) {
    case 'func': s.funcs.push(e.type); limit(s.funcs.length + s.coreFuncs.length, MAX_ITEMS, 'functions'); break;
    case 'type': s.types.push(e.type); limit(s.types.length + s.coreTypes.length, MAX_ITEMS, 'types'); break;
    case 'instance': s.instances.push(e.type); limit(s.instances.length + s.coreInstances.length, MAX_INSTANCES, 'instances'); break;
    case 'component': s.components.push(e.type); limit(s.components.length, MAX_COMPONENTS, 'components'); break;
    case 'module': s.coreModules.push(e.type); limit(s.coreModules.length, MAX_MODULES, 'modules'); break;
    case 'value': s.values.push({ type: e.type, used: false, section: cx.hereSection, offset: cx.hereOffset }); limit(s.values.length, MAX_VALUES, 'values'); break;
  }
}

/** The item at `index` of a component-level sort; a value used here is consumed (`consume`) and may be used once. */
export function sortEntity(cx: ValidatorContext, s: Scope, sort: Sort, index: number, consume: boolean): Entity {
  const oob = (what: string) => fail('index-out-of-bounds', `unknown ${what} ${index}: ${what} index out of bounds`);
  if (typeof sort === 'object') {
    if (sort.core !== 'module') fail('wrong-sort', `core ${sort.core} is not a valid component-level item`);
    return { sort: 'module', type: s.coreModules[index] ?? oob('module') };
  }
  switch (sort) {
    case 'func': return { sort: 'func', type: s.funcs[index] ?? oob('function') };
    case 'type': return { sort: 'type', type: s.types[index] ?? oob('type') };
    case 'instance': return { sort: 'instance', type: s.instances[index] ?? oob('instance') };
    case 'component': return { sort: 'component', type: s.components[index] ?? oob('component') };
    case 'value': {
      cx.require('cm-values', 'support for component model `value`s is not enabled');
      const v = s.values[index] ?? oob('value');
      if (consume) {
        if (v.used) fail('value-not-consumed', `value ${index} cannot be used more than once`);
        v.used = true;
      }
      return { sort: 'value', type: v.type };
    }
  }
}
