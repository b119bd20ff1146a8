import type {
  PrimValType, Alias, Canon, CanonOption, Component, ComponentTypeDecl, CoreExternType, CoreImport, CoreInstance, CoreType, CoreValType,
  DefinedType, Export, ExternName, ExternType, Import, Instance, ModuleTypeDecl, RecGroup, Section, Sort, TypeDef, ValType,
} from '../ast.js';
import { BinaryError, type BinaryErrorCode } from '../error.js';
import { coreModuleInfo } from '../read/module.js';
import { itemOffsets } from '../read/component.js';
import { MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, containsPointer, coreSignature, flatten } from './abi.js';
import { codeSectionProblem } from './core-framing.js';
import { type CoreFuncDef, type CoreTypeSpace, funcTypeMatches, identityDifference, withCoreTypeIdentity } from './core-identity.js';
import { gcLoweringProblem, showDebug, type StringEncoding } from './gc-abi.js';
import { addRecGroup, type CoreTypeEntry } from './core-types.js';
import {
  coreExtMismatch, type CoreExt, type CoreSig, type Entity, entityMismatch, entityResources, freeResources, freshResource, hasBorrow,
  type RComponent, type RDefined, type RDefinedBody, type RFunc, type RInstance, type RModule, type RResource, type RType,
  type RVal, res, someVal, Substitution, typeDepth, typeSize, unwrapPrim, valDifference, valOf, withTypeMemo,
} from './model.js';
import { nameKey, type NameKind, parseExternName, semverProblem } from './names.js';

export type Feature =
  | 'cm-async' | 'cm-async-stackful' | 'cm-more-async-builtins' | 'cm-error-context' | 'cm-fixed-length-lists' | 'cm-map'
  | 'cm-values' | 'cm-nested-names' | 'cm-threading' | 'cm64' | 'cm-gc' | 'cm-implements' | 'cm-canon-names' | 'gc'
  | 'shared-everything-threads' | 'custom-page-sizes' | 'exceptions';

/**
 * Features on unless told otherwise: wasmparser's defaults (of the ones checked at the component level), so
 * `weld validate` accepts and refuses what `wasm-tools validate` does. A refusal for a feature that is off names the
 * `--features` flag that turns it on.
 */
export const DEFAULT_FEATURES: readonly Feature[] = ['exceptions', 'gc', 'cm-async'];

export interface ValidateOptions {
  features?: Iterable<Feature>;
  /** validate embedded core modules with the engine (`new WebAssembly.Module`); default true */
  coreModules?: boolean;
}

class Invalid extends Error {
  constructor(readonly code: BinaryErrorCode, message: string, readonly hint?: string) {
    super(message);
  }
}
const fail = (code: BinaryErrorCode, message: string, hint?: string): never => {
  throw new Invalid(code, message, hint);
};

// how to fix the errors users meet most when hand-writing or composing components
const HINT_NAMED = 'every record/variant/enum/flags and resource an import or export mentions must be imported or exported first, and referred to through the type index that import or export created, e.g. `(export $t2 "t" (type $t))` and then `$t2`';
const GC_HINT = 'under the `gc` option each component value is one core value: small integers i32 (i8/i16 in a field), strings and lists (ref (array ...)), records and tuples (ref (struct ...)) with a field per member, variants/options/results (ref (struct)), resources, futures and streams externref';
const HINT_RESOURCE_NAME = 'name the resource with a type import/export of this component first (a resource reached through an instance has no name here)';

type ScopeKind = 'component' | 'component-type' | 'instance-type';

class Scope {
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

const MAX_TYPE_SIZE = 1_000_000;
const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean; Module: new (b: Uint8Array) => unknown } }).WebAssembly;
const SIG = (params: string[], results: string[]): CoreSig => ({ params, results });
const fmtTypes = (t: string[]) => `[${t.map((x) => x.toUpperCase()).join(', ')}]`;

const ENGINE_VERSION = typeof process === 'object' ? process.versions?.v8 ?? 'unknown' : 'unknown';

/**
 * Whether the engine refused a core module for lacking a proposal rather than for the module being invalid: its
 * messages for disabled proposals, and for multi-memory and `try_table`/`throw_ref` (exnref), which V8 before 12
 * does not know at all.
 */
export function engineLacksFeature(message: string): boolean {
  return /experimental|enable with|enable via|limits flags|At most one memory is supported|memory count of \d+ exceeds internal limit|Invalid opcode 0x(?:1f|a)\b/i.test(message);
}

/**
 * The words wasmparser leads its core-module errors with, for V8's messages of the same kind ("type mismatch" for
 * operand-stack errors, "section out of order"), so output matched against wasm-tools' wording matches; '' otherwise.
 */
function wasmparserCategory(v8Message: string): string {
  if (/not enough arguments on the stack|elements on the stack for|expected type \S+, found|type error in/.test(v8Message)) return 'type mismatch: ';
  if (/unexpected section/.test(v8Message)) return 'section out of order: ';
  return '';
}

export class ComponentValidator {
  private features: Set<Feature>;
  private coreModules: boolean;
  private path: string[] = [];
  /** what could not be checked fully (core modules using proposals this engine lacks), for the caller to show */
  readonly notes: string[] = [];

  constructor(opts: ValidateOptions = {}) {
    this.features = new Set(opts.features ?? DEFAULT_FEATURES);
    this.coreModules = opts.coreModules ?? true;
  }

  private has(f: Feature): boolean {
    return this.features.has(f);
  }

  private require(f: Feature, what: string): void {
    if (!this.has(f)) fail('unsupported-feature', what, `the \`${f}\` feature is off: enable it with \`--features ${f}\` (or ValidateOptions.features)`);
  }

  validate(c: Component): RComponent {
    return withTypeMemo(() => withCoreTypeIdentity(() => this.component(c, undefined)));
  }

  // ---------- components ----------

  private component(c: Component, parent: Scope | undefined): RComponent {
    const s = new Scope('component', parent);
    let nested = 0;
    for (const sec of c.sections) {
      const label = this.path.length ? `${this.path.join(' > ')} > ${sec.kind}` : sec.kind;
      const added = sectionCount(sec);
      if (added !== undefined) this.at(label, sec.offset, () => checkSectionLimit(s, sec.kind, added));
      if (sec.kind === 'component') {
        this.path.push(`component[${nested++}]`);
        const t = this.component(sec.component, s);
        this.path.pop();
        if (typeSize(t) > MAX_TYPE_SIZE) this.at(label, sec.offset, () => fail('limit-exceeded', 'effective type size exceeds the limit of 1000000'));
        s.components.push(t);
        continue;
      }
      const offsets = itemOffsets(sec);
      // one try per section rather than a closure and a try per item; the failing item's offset names the error
      const each = <T>(items: T[], fn: (x: T) => void) => {
        let i = 0;
        try {
          for (; i < items.length; i++) {
            this.hereSection = label;
            this.hereOffset = offsets?.[i] ?? sec.offset;
            fn(items[i]!);
          }
        } catch (e) {
          throw this.located(e, label, offsets?.[i] ?? sec.offset);
        }
      };
      switch (sec.kind) {
        case 'custom':
          break;
        case 'core-module':
          this.at(label, sec.module.offset, () => s.coreModules.push(this.coreModule(sec)));
          break;
        case 'core-instance':
          each(sec.items, (x) => this.coreInstance(s, x));
          break;
        case 'core-type':
          each(sec.items, (x) => this.coreType(s, x));
          break;
        case 'instance':
          each(sec.items, (x) => this.instance(s, x));
          break;
        case 'alias':
          each(sec.items, (x) => this.alias(s, x));
          break;
        case 'type':
          each(sec.items, (x) => this.typeDef(s, x));
          break;
        case 'canon':
          each(sec.items, (x) => this.canon(s, x));
          break;
        case 'start':
          this.at(label, sec.offset, () => this.start(s, sec.start));
          break;
        case 'import':
          each(sec.items, (x) => this.importDecl(s, x.name, x.type));
          break;
        case 'export':
          each(sec.items, (x) => this.exportDef(s, x));
          break;
        case 'value':
          each(sec.items, (x) => {
            this.require('cm-values', 'support for component model `value`s is not enabled');
            s.values.push({ type: this.valType(s, x.type), used: false, section: this.hereSection, offset: this.hereOffset });
          });
          break;
      }
    }
    const unused = s.values.findIndex((v) => !v.used);
    if (unused >= 0) {
      const v = s.values[unused];
      this.at(v.section ?? (this.path.join(' > ') || 'component'), v.offset ?? c.offset, () => fail('value-not-consumed', `value index ${unused} was not used as part of an instantiation, start function, or export`));
    }
    return { kind: 'component', imports: s.imports, exports: s.exports, imported: s.imported, defined: s.defined };
  }

  /** the item being validated, so a value can remember where it was defined */
  private hereSection = 'component';
  private hereOffset = 0;

  private at<T>(section: string, offset: number, fn: () => T): T {
    this.hereSection = section;
    this.hereOffset = offset;
    try {
      return fn();
    } catch (e) {
      throw this.located(e, section, offset);
    }
  }

  /** The error to throw for `e` raised while validating the item at `offset` of `section`. */
  private located(e: unknown, section: string, offset: number): unknown {
    if (e instanceof Invalid) return new BinaryError(e.code, e.message, offset, section, { hint: e.hint });
    if (e instanceof BinaryError) return e;
    if (e instanceof RangeError) return new BinaryError('limit-exceeded', `type too deeply nested: ${e.message}`, offset, section);
    return e;
  }

  // ---------- core ----------

  private coreModule(sec: Extract<Section, { kind: 'core-module' }>): RModule {
    const bytes = sec.module.bytes;
    let engineDeclined = false;
    if (this.coreModules) {
      try {
        // validate() checks without compiling; only a failure pays for Module() to get the engine's message
        if (!wasm.validate(bytes)) new wasm.Module(bytes);
      } catch (e) {
        const msg = (e as Error).message.replace(/^WebAssembly\.Module\(\): /, '');
        // the engine lacks some proposals (memory64, custom page sizes, multi-memory, exception references, GC in
        // older V8): those are left to the structural checks below rather than reported as invalid
        if (!engineLacksFeature(msg)) fail('invalid-core-module', `core module is invalid: ${wasmparserCategory(msg)}${msg}`);
        engineDeclined = true;
        this.notes.push(`the core module at byte ${sec.module.offset} uses a proposal this engine (V8 ${ENGINE_VERSION}) cannot check (${msg}); only its structure, imports and exports were validated`);
      }
    }
    let info;
    try {
      info = coreModuleInfo(sec.module);
    } catch (e) {
      if (e instanceof BinaryError) fail('invalid-core-module', e.message);
      throw e;
    }
    if (engineDeclined) {
      const problem = codeSectionProblem(bytes, info);
      if (problem) throw new BinaryError('invalid-core-module', `core module is invalid: ${problem.message}`, sec.module.offset + problem.at, this.hereSection);
    }
    // Signatures are built only for the types imports and exports use: a 12 MB module defines tens of thousands
    // of functions, and materializing each one's signature dominated extracting a component's world.
    const types = info.types.length === 1 ? info.types[0]!.types : info.types.flatMap((g) => g.types);
    const sigs: (CoreSig | null | undefined)[] = new Array(types.length);
    let groups: { start: Uint32Array; end: Uint32Array } | undefined;
    const space: CoreTypeSpace = (i) => {
      const t = types[i];
      if (!t) return undefined;
      groups ??= recGroupBounds(info.types, types.length);
      return { composite: t.composite, space, index: i, groupStart: groups.start[i]!, groupEnd: groups.end[i]!, final: t.final, supertype: t.supertypes[0] };
    };
    const funcSig = (i: number): CoreSig => {
      let sig = sigs[i];
      if (sig === undefined) {
        const c = types[i]?.composite;
        sigs[i] = sig = c?.kind === 'func' ? { params: c.params.map(cvt), results: c.results.map(cvt), def: { params: c.params, results: c.results, space, index: i } } : null;
      }
      return sig ?? fail('invalid-core-module', `type index ${i} is not a function type`);
    };
    // every function's type index must name a function type (checked cheaply when all types are function types)
    const fns = info.functions;
    if (types.every((t) => t.composite.kind === 'func')) {
      for (let i = 0; i < fns.length; i++) if (fns[i]! >= types.length) funcSig(fns[i]!);
    } else {
      for (let i = 0; i < fns.length; i++) if (types[fns[i]!]?.composite.kind !== 'func') funcSig(fns[i]!);
    }
    const ext = (t: CoreExternType): CoreExt => coreExt(t, funcSig, space);
    const imports = info.imports.map((i) => ({ module: i.module, name: i.name, type: ext(i.type) }));
    // the JS API tolerates a repeated import; a module inside a component is instantiated by name, so it may not
    const importKeys = new Set<string>();
    for (const i of imports) {
      const key = `${i.module}\u0000${i.name}`;
      if (importKeys.has(key)) fail('duplicate-name', `duplicate import name \`${i.module}:${i.name}\` in a core module`);
      importKeys.add(key);
    }
    const importedFuncs: CoreSig[] = [];
    for (const i of imports) if (i.type.kind === 'func') importedFuncs.push(i.type.sig);
    const funcAt = (index: number): CoreSig | undefined => {
      if (index < importedFuncs.length) return importedFuncs[index];
      const t = info.functions[index - importedFuncs.length];
      return t === undefined ? undefined : funcSig(t);
    };
    const exports = new Map<string, CoreExt>();
    for (const e of info.exports) {
      const pick = (): CoreExt | undefined => {
        switch (e.kind) {
          case 'func': {
            const sig = funcAt(e.index);
            return sig && { kind: 'func', sig };
          }
          case 'table': return info.tables[e.index] && ext(info.tables[e.index]);
          case 'memory': return info.memories[e.index] && ext(info.memories[e.index]);
          case 'global': return info.globals[e.index] && ext(info.globals[e.index]);
          case 'tag': return info.tags[e.index] !== undefined ? { kind: 'tag', sig: funcSig(info.tags[e.index]) } : undefined;
        }
      };
      exports.set(e.name, pick() ?? fail('invalid-core-module', `export \`${e.name}\` refers to a missing ${e.kind}`));
    }
    return { kind: 'module', imports, exports };
  }

  private coreInstance(s: Scope, x: CoreInstance): void {
    if (x.kind === 'instantiate') {
      readLimit(x.args.length, 100_000, 'core instantiation arguments');
      const m = s.coreModules[x.module] ?? fail('index-out-of-bounds', `unknown module ${x.module}: module index out of bounds`);
      const args = new Map<string, Map<string, CoreExt>>();
      for (const a of x.args) {
        if (args.has(a.name)) fail('duplicate-name', `duplicate module instantiation argument named \`${a.name}\``);
        args.set(a.name, s.coreInstances[a.instance] ?? fail('index-out-of-bounds', `unknown core instance ${a.instance}: instance index out of bounds`));
      }
      for (const imp of m.imports) {
        const inst = args.get(imp.module) ?? fail('missing-argument', `missing module instantiation argument named \`${imp.module}\``);
        const got = inst.get(imp.name) ?? fail('missing-export', `module instantiation argument \`${imp.module}\` does not export an item named \`${imp.name}\``);
        const why = coreExtMismatch(got, imp.type);
        if (why) fail('type-mismatch', `type mismatch for export \`${imp.name}\` of module instantiation argument \`${imp.module}\`\n${why}`);
      }
      s.coreInstances.push(m.exports);
      return;
    }
    const exports = new Map<string, CoreExt>();
    for (const e of x.exports) {
      if (exports.has(e.name)) fail('duplicate-name', `export name \`${e.name}\` already defined`);
      exports.set(e.name, this.coreItem(s, e.sort, e.index));
    }
    s.coreInstances.push(exports);
  }

  private coreItem(s: Scope, sort: string, index: number): CoreExt {
    const oob = (what: string) => fail('index-out-of-bounds', `unknown ${what} ${index}: ${what} index out of bounds`);
    switch (sort) {
      case 'func': return { kind: 'func', sig: s.coreFuncs[index] ?? oob('function') };
      case 'table': return s.coreTables[index] ?? oob('table');
      case 'memory': return s.coreMemories[index] ?? oob('memory');
      case 'global': return s.coreGlobals[index] ?? oob('global');
      case 'tag':
        this.require('exceptions', 'exceptions proposal not enabled');
        return { kind: 'tag', sig: s.coreTags[index] ?? oob('tag') };
      default: return fail('wrong-sort', `core sort \`${sort}\` cannot be exported from a core instance`);
    }
  }

  private coreType(s: Scope, t: CoreType): void {
    if (t.kind === 'rec') {
      if (t.group.types.some((x) => x.composite.shared)) this.require('shared-everything-threads', 'shared types require the shared-everything-threads proposal');
      // a reference may name an earlier core type or one of its own recursion group, never a module type
      const groupEnd = s.coreTypes.length + t.group.types.length;
      const checkRef = (v: CoreValType) => {
        if (typeof v === 'string' || !('index' in v.ref)) return;
        const i = v.ref.index;
        if (i >= groupEnd) fail('index-out-of-bounds', `unknown type ${i}: type index out of bounds`);
        if (s.coreTypes[i]?.kind === 'module') fail('invalid-type', `type index ${i} is a module type`);
      };
      for (const x of t.group.types) if (x.composite.kind === 'func') [...x.composite.params, ...x.composite.results].forEach(checkRef);
      const bad = addRecGroup(s.coreTypes, t.group, funcSigIn(s.coreTypes));
      if (bad) fail(bad.code, bad.message, bad.hint);
      return;
    }
    if (s.kind !== 'component' && false) return;
    s.coreTypes.push({ kind: 'module', type: this.moduleType(s, t.decls) });
  }

  private moduleType(s: Scope, decls: ModuleTypeDecl[]): RModule {
    readLimit(decls.length, 100_000, 'module type declaration');
    const types: CoreTypeEntry[] = [];
    const imports: RModule['imports'] = [];
    const exports = new Map<string, CoreExt>();
    const importKeys = new Set<string>();
    const funcSig = (i: number): CoreSig => {
      const t = types[i] ?? fail('index-out-of-bounds', `type index out of bounds`);
      return t.kind === 'func' ? t.sig : fail('invalid-type', `type index ${i} is not a function type`);
    };
    for (const d of decls) {
      switch (d.kind) {
        case 'type':
        {
          const bad = addRecGroup(types, d.type, funcSigIn(types));
          if (bad) fail(bad.code, bad.message, bad.hint);
          break;
        }
        case 'alias': {
          let target: Scope | undefined = s;
          for (let i = 1; i < d.count && target; i++) target = target.parent;
          if (d.count === 0 || !target) fail('invalid-alias', `invalid outer alias count of ${d.count}`);
          const t = target!.coreTypes[d.index] ?? fail('index-out-of-bounds', `type index out of bounds`);
          if (t.kind === 'module') fail('invalid-alias', 'cannot create an outer alias to a module type');
          types.push(t);
          break;
        }
        case 'import': {
          const key = `${d.import.module}\0${d.import.name}`;
          if (importKeys.has(key)) fail('duplicate-name', `duplicate import name \`${d.import.module}:${d.import.name}\` already defined`);
          importKeys.add(key);
          imports.push({ module: d.import.module, name: d.import.name, type: coreExt(d.import.type, funcSig, spaceOf(types)) });
          break;
        }
        case 'export':
          if (exports.has(d.name)) fail('duplicate-name', `duplicate export name \`${d.name}\` already defined`);
          exports.set(d.name, coreExt(d.type, funcSig, spaceOf(types)));
          break;
      }
    }
    return { kind: 'module', imports, exports };
  }

  // ---------- component instances ----------

  private instance(s: Scope, x: Instance): void {
    if (x.kind === 'instantiate') {
      readLimit(x.args.length, 100_000, 'instantiation arguments');
      const c = s.components[x.component] ?? fail('index-out-of-bounds', `unknown component ${x.component}: component index out of bounds`);
      const args = new Map<string, Entity>();
      for (const a of x.args) {
        const key = a.name;
        if (args.has(key)) fail('duplicate-name', `instantiation argument \`${a.name}\` conflicts with previous argument \`${a.name}\``);
        args.set(key, this.sortEntity(s, a.sort, a.index, true));
      }
      const inst = this.instantiate(c, args);
      for (const r of namedBy({ sort: 'instance', type: inst })) s.named.add(r);
      s.instances.push(inst);
      return;
    }
    const exports = new Map<string, Entity>();
    readLimit(x.exports.length, 100_000, 'instantiation exports');
    const keys = new Map<string, string>();
    const named = new Set<RResource>();
    for (const e of x.exports) {
      const kind = this.checkName(e.name, 'export');
      const key = nameKey(kind);
      if (keys.has(key)) fail('duplicate-name', `export name \`${e.name.name}\` conflicts with previous name \`${keys.get(key)}\``);
      keys.set(key, e.name.name);
      const ent = this.sortEntity(s, e.sort, e.index, true);
      // a bag of exports introduces no index space, so no resource has a name its functions could use
      this.checkResourceName(e.name.name, 'export', kind, ent, NO_NAMES);
      if (e.sort === 'type' && ent.sort === 'type' && ent.type.kind === 'resource') named.add(ent.type);
      exports.set(e.name.name, ent);
    }
    s.instances.push({ kind: 'instance', exports, defined: [] });
  }

  private instantiate(c: RComponent, args: Map<string, Entity>): RInstance {
    const map = new Map<object, RType>();
    const abstract = new Set(c.imported);
    for (const [name, expected] of c.imports) {
      const arg = args.get(name) ?? fail('missing-argument', `missing import named \`${name}\``);
      // abstract resource imports take whatever resource is supplied; later imports see it substituted
      bindResources(expected, arg, map, abstract);
      const exp = new Substitution(map).entity(expected);
      const why = entityMismatch(arg, exp);
      if (why) fail('type-mismatch', `type mismatch for import \`${name}\`\n${why}`);
      // a checked `(type (eq T))` import, or a type exported by an imported instance, now stands for the supplied
      // type in everything after it (so the instance's exports mention the caller's names, not the callee's)
      bindTypes(expected, arg, map);
    }
    for (const name of args.keys()) {
      if (!c.imports.has(name)) {
        // extra arguments are allowed by the spec only when they match an import; wasmparser accepts them
      }
    }
    const fresh: RResource[] = [];
    for (const r of c.defined) {
      const n = freshResource(false);
      map.set(r, n);
      fresh.push(n);
    }
    const sub = new Substitution(map);
    return { kind: 'instance', exports: sub.entities(c.exports), defined: fresh };
  }

  // ---------- aliases ----------

  private alias(s: Scope, a: Alias): void {
    if (s.kind !== 'component') {
      // wasmparser's one rule: instance exports of types and instances, outer aliases of types and core types
      const allowed = a.kind === 'instance-export' ? a.sort === 'type' || a.sort === 'instance'
        : a.kind === 'outer' ? a.sort === 'type' || (typeof a.sort === 'object' && a.sort.core === 'type') : false;
      if (!allowed) fail('invalid-alias', 'aliases in a component or instance type may only refer to types or instances');
    }
    switch (a.kind) {
      case 'instance-export': {
        const inst = s.instances[a.instance] ?? fail('index-out-of-bounds', `unknown instance ${a.instance}: instance index out of bounds`);
        const e = inst.exports.get(a.name) ?? fail('missing-export', `instance ${a.instance} has no export named \`${a.name}\``);
        const want = sortName(a.sort);
        if (e.sort !== want) fail('wrong-sort', `export \`${a.name}\` for instance ${a.instance} is not a ${want === 'func' ? 'function' : want}`);
        this.push(s, e);
        return;
      }
      case 'core-instance-export': {
        if (a.sort === 'tag') this.require('exceptions', 'exceptions proposal not enabled');
        const inst = s.coreInstances[a.instance] ?? fail('index-out-of-bounds', `unknown core instance ${a.instance}: instance index out of bounds`);
        const e = inst.get(a.name) ?? fail('missing-export', `core instance ${a.instance} has no export named \`${a.name}\``);
        if (e.kind !== a.sort) fail('wrong-sort', `export \`${a.name}\` for core instance ${a.instance} is not a ${a.sort === 'func' ? 'function' : a.sort}`);
        pushCore(s, e);
        return;
      }
      case 'outer': {
        let target: Scope | undefined = s;
        let crossesComponent = false;
        for (let i = 0; i < a.count && target; i++) {
          if (target.kind === 'component') crossesComponent = true;
          target = target.parent;
        }
        if (!target) fail('invalid-alias', `invalid outer alias count of ${a.count}`);
        const t = target!;
        if (typeof a.sort === 'object') {
          if (a.sort.core === 'type') {
            s.coreTypes.push(t.coreTypes[a.index] ?? fail('index-out-of-bounds', `unknown core type ${a.index}: type index out of bounds`));
          } else if (a.sort.core === 'module') {
            s.coreModules.push(t.coreModules[a.index] ?? fail('index-out-of-bounds', `unknown module ${a.index}: module index out of bounds`));
          } else {
            fail('invalid-alias', `outer aliases of core ${a.sort.core}s are not supported`);
          }
          return;
        }
        switch (a.sort) {
          case 'type': {
            const ty = t.types[a.index] ?? fail('index-out-of-bounds', `unknown type ${a.index}: type index out of bounds`);
            if (crossesComponent && freeResources(ty).size > 0) fail('invalid-resource-use', 'cannot alias outer type which transitively refers to resources not defined in the current component', 'a component must stay self-contained: import the resource (or the type) into the inner component instead');
            s.types.push(ty);
            return;
          }
          case 'component':
            s.components.push(t.components[a.index] ?? fail('index-out-of-bounds', `unknown component ${a.index}: component index out of bounds`));
            return;
          default:
            fail('invalid-alias', `outer aliases of ${a.sort}s are not supported`);
        }
      }
    }
  }

  private push(s: Scope, e: Entity): void {
    switch (e.sort) {
      case 'func': s.funcs.push(e.type); limit(s.funcs.length + s.coreFuncs.length, MAX_ITEMS, 'functions'); break;
      case 'type': s.types.push(e.type); limit(s.types.length + s.coreTypes.length, MAX_ITEMS, 'types'); break;
      case 'instance': s.instances.push(e.type); limit(s.instances.length + s.coreInstances.length, MAX_INSTANCES, 'instances'); break;
      case 'component': s.components.push(e.type); limit(s.components.length, MAX_COMPONENTS, 'components'); break;
      case 'module': s.coreModules.push(e.type); limit(s.coreModules.length, MAX_MODULES, 'modules'); break;
      case 'value': s.values.push({ type: e.type, used: false, section: this.hereSection, offset: this.hereOffset }); limit(s.values.length, MAX_VALUES, 'values'); break;
    }
  }

  private sortEntity(s: Scope, sort: Sort, index: number, consume: boolean): Entity {
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
        this.require('cm-values', 'support for component model `value`s is not enabled');
        const v = s.values[index] ?? oob('value');
        if (consume) {
          if (v.used) fail('value-not-consumed', `value ${index} cannot be used more than once`);
          v.used = true;
        }
        return { sort: 'value', type: v.type };
      }
    }
  }

  // ---------- types ----------

  private typeAt(s: Scope, i: number): RType {
    return s.types[i] ?? fail('index-out-of-bounds', `unknown type ${i}: type index out of bounds`);
  }

  private valType(s: Scope, t: ValType): RVal {
    if (typeof t === 'string') {
      if (t === 'error-context') this.require('cm-error-context', '`error-context` requires the component model error-context feature');
      return t;
    }
    const ty = this.typeAt(s, t);
    return valOf(ty) ?? fail('invalid-type', `type index ${t} is not a defined type`);
  }

  private resourceAt(s: Scope, i: number): RResource {
    const t = this.typeAt(s, i);
    return t.kind === 'resource' ? t : fail('invalid-type', `type index ${i} is not a resource type`);
  }

  private typeDef(s: Scope, t: TypeDef): void {
    const r = this.resolveType(s, t);
    if (typeSize(r) > MAX_TYPE_SIZE) fail('limit-exceeded', 'effective type size exceeds the limit of 1000000');
    s.types.push(r);
  }

  private resolveType(s: Scope, t: TypeDef): RType {
    switch (t.kind) {
      case 'defined':
        return t.type.kind === 'primitive' ? { kind: 'defined', body: { kind: 'primitive', type: this.valType(s, t.type.type) as PrimValType } } : this.defined(s, t.type);
      case 'func':
        return this.funcType(s, t);
      case 'resource': {
        if (s.kind !== 'component') fail('invalid-type', 'resources can only be defined within a concrete component');
        if (t.rep !== 'i32') {
          if (t.rep === 'i64') this.require('cm64', 'resources with `i64` require the `cm64` feature to be enabled');
          else fail('invalid-type', 'resources can only be represented by `i32` or `i64`');
        }
        if (t.dtor !== undefined) {
          const sig = s.coreFuncs[t.dtor] ?? fail('index-out-of-bounds', `unknown function ${t.dtor}: function index out of bounds`);
          if (sig.params.join() !== (t.rep === 'i64' ? 'i64' : 'i32') || sig.results.length) fail('type-mismatch', `core function ${t.dtor} has wrong signature for a destructor`);
        }
        const r = freshResource(true, t.rep, t.dtor);
        s.local.add(r);
        return r;
      }
      case 'instance': {
        readLimit(t.decls.length, 1_000_000, 'instance type declaration');
        const inner = new Scope('instance-type', s);
        for (const d of t.decls) this.decl(inner, d);
        return { kind: 'instance', exports: inner.exports, defined: inner.defined };
      }
      case 'component': {
        readLimit(t.decls.length, 1_000_000, 'component type declaration');
        const inner = new Scope('component-type', s);
        for (const d of t.decls) this.decl(inner, d);
        return { kind: 'component', imports: inner.imports, exports: inner.exports, imported: inner.imported, defined: inner.defined };
      }
    }
  }

  private decl(s: Scope, d: ComponentTypeDecl): void {
    switch (d.kind) {
      case 'core-type':
        this.coreType(s, d.type);
        return;
      case 'type':
        this.typeDef(s, d.type);
        return;
      case 'alias':
        this.alias(s, d.alias);
        return;
      case 'import':
        this.importDecl(s, d.name, d.type);
        return;
      case 'export':
        this.exportDecl(s, d.name, d.type);
    }
  }

  private defined(s: Scope, d: DefinedType): RDefined {
    const v = (t: ValType) => this.valType(s, t);
    const unique = (names: string[], what: string, prev: string) => {
      const seen = new Map<string, string>();
      for (const n of names) {
        if (!isKebabLabel(n)) fail('invalid-name', n === '' ? `${what} name cannot be empty` : `${what} name \`${n}\` is not in kebab case`);
        const k = n.toLowerCase();
        if (seen.has(k)) fail('duplicate-name', `${what} name \`${n}\` conflicts with previous ${prev} name \`${seen.get(k)}\``);
        seen.set(k, n);
      }
    };
    let body: RDefinedBody;
    switch (d.kind) {
      case 'record':
        readLimit(d.fields.length, 10_000, 'record field');
        if (d.fields.length === 0) fail('invalid-type', 'record type must have at least one field');
        unique(d.fields.map((f) => f.name), 'record field', 'field');
        body = { kind: 'record', fields: d.fields.map((f) => ({ name: f.name, type: v(f.type) })) };
        break;
      case 'variant':
        readLimit(d.cases.length, 10_000, 'variant cases');
        if (d.cases.length === 0) fail('invalid-type', 'variant type must have at least one case');
        unique(d.cases.map((c) => c.name), 'variant case', 'case');
        body = { kind: 'variant', cases: d.cases.map((c) => ({ name: c.name, type: c.type === undefined ? undefined : v(c.type) })) };
        break;
      case 'list':
        body = { kind: 'list', element: v(d.element) };
        break;
      case 'fixed-list':
        this.require('cm-fixed-length-lists', 'Fixed-length lists require the component model fixed-length lists feature');
        if (d.length === 0) fail('invalid-type', 'Fixed-length lists must have more than zero elements');
        if (d.length > MAX_FIXED_LIST_ELEMENTS) fail('invalid-type', `fixed-length list element count exceeds limit of ${MAX_FIXED_LIST_ELEMENTS}`);
        body = { kind: 'list', element: v(d.element), length: d.length };
        break;
      case 'map': {
        this.require('cm-map', 'Maps require the component model map feature');
        const key = unwrapPrim(v(d.key));
        if (typeof key !== 'string' || key === 'f32' || key === 'f64' || key === 'error-context') fail('invalid-type', 'map key must be a primitive type other than a float');
        body = { kind: 'map', key, value: v(d.value) };
        break;
      }
      case 'tuple':
        readLimit(d.types.length, 10_000, 'tuple types');
        if (d.types.length === 0) fail('invalid-type', 'tuple type must have at least one type');
        body = { kind: 'tuple', types: d.types.map(v) };
        break;
      case 'flags':
        readLimit(d.names.length, 1000, 'flag names');
        if (d.names.length === 0) fail('invalid-type', 'flags must have at least one entry');
        if (d.names.length > 32) fail('invalid-type', 'cannot have more than 32 flags');
        unique(d.names, 'flag', 'flag');
        body = { kind: 'flags', names: d.names };
        break;
      case 'enum':
        readLimit(d.names.length, 10_000, 'enum cases');
        if (d.names.length === 0) fail('invalid-type', 'enum type must have at least one variant');
        unique(d.names, 'enum tag', 'tag');
        body = { kind: 'enum', names: d.names };
        break;
      case 'option':
        body = { kind: 'option', type: v(d.type) };
        break;
      case 'result':
        body = { kind: 'result', ok: d.ok === undefined ? undefined : v(d.ok), err: d.err === undefined ? undefined : v(d.err) };
        break;
      case 'own':
      case 'borrow':
        body = { kind: d.kind, resource: this.resourceAt(s, d.resource) };
        break;
      case 'stream':
      case 'future': {
        this.require('cm-async', `\`${d.kind}\` requires the component model async feature`);
        const e = d.element === undefined ? undefined : v(d.element);
        if (d.kind === 'stream' && e !== undefined && unwrapPrim(e) === 'char') fail('invalid-type', '`stream<char>` is not valid at this time, use `stream<u8>` with a defined by encoding instead for now');
        if (hasBorrow(e)) fail('invalid-type', `\`${d.kind}\` element type cannot contain a \`borrow\``);
        body = { kind: d.kind, element: e };
        break;
      }
      default:
        return fail('invalid-type', 'unknown defined type');
    }
    const out: RDefined = { kind: 'defined', body };
    if (typeDepth(out) > MAX_TYPE_DEPTH) fail('invalid-type', 'type nesting is too deep');
    if (flatSizeTooLarge(out)) fail('invalid-type', 'effective type size exceeds the limit');
    return out;
  }

  private funcType(s: Scope, f: Extract<TypeDef, { kind: 'func' }>): RFunc {
    readLimit(f.params.length, 1000, 'component function parameters');
    if (f.async) this.require('cm-async', 'async component functions require the component model async feature');
    const seen = new Map<string, string>();
    const params = f.params.map((p) => {
      if (!isKebabLabel(p.name)) fail('invalid-name', p.name === '' ? 'function parameter name cannot be empty' : `function parameter name \`${p.name}\` is not in kebab case`);
      const k = p.name.toLowerCase();
      if (seen.has(k)) fail('duplicate-name', `function parameter name \`${p.name}\` conflicts with previous parameter name \`${seen.get(k)}\``);
      seen.set(k, p.name);
      return { name: p.name, type: this.valType(s, p.type) };
    });
    const result = f.result === undefined ? undefined : this.valType(s, f.result);
    if (hasBorrow(result)) fail('invalid-type', 'function result cannot contain a `borrow` type');
    return { kind: 'func', async: f.async, params, result };
  }

  // ---------- canon ----------

  private options(s: Scope, opts: CanonOption[]) {
    readLimit(opts.length, 10, 'canonical options');
    let encoding: string | undefined;
    let memory: CoreExt | undefined;
    let realloc: number | undefined;
    let postReturn: number | undefined;
    let isAsync = false;
    let callback: number | undefined;
    let coreType: CoreSig | undefined;
    let gc = false;
    for (const o of opts) {
      switch (o.kind) {
        case 'utf8':
        case 'utf16':
        case 'latin1+utf16': {
          const name = o.kind === 'latin1+utf16' ? 'latin1-utf16' : o.kind;
          if (encoding) fail('invalid-canon-options', `canonical encoding option \`${encoding}\` conflicts with option \`${name}\``);
          encoding = name;
          break;
        }
        case 'memory':
          if (memory) fail('invalid-canon-options', 'canonical option `memory` is specified more than once');
          memory = this.cabiMemory(s, o.index);
          break;
        case 'realloc':
          if (realloc !== undefined) fail('invalid-canon-options', 'canonical option `realloc` is specified more than once');
          realloc = o.index;
          break;
        case 'post-return':
          if (postReturn !== undefined) fail('invalid-canon-options', 'canonical option `post-return` is specified more than once');
          postReturn = o.index;
          break;
        case 'async':
          if (isAsync) fail('invalid-canon-options', 'canonical option `async` is specified more than once');
          this.require('cm-async', 'canonical option `async` requires the component model async feature');
          isAsync = true;
          break;
        case 'callback':
          if (callback !== undefined) fail('invalid-canon-options', 'canonical option `callback` is specified more than once');
          callback = o.index;
          break;
        case 'core-type': {
          if (coreType) fail('invalid-canon-options', 'canonical option `core type` is specified more than once');
          this.require('cm-gc', 'canonical option `core type` requires the component model gc feature');
          const t = s.coreTypes[o.index] ?? fail('index-out-of-bounds', `unknown type ${o.index}: type index out of bounds`);
          if (t.kind !== 'func') fail('invalid-canon-options', 'canonical option `core type` must reference a core function type');
          else coreType = t.sig;
          break;
        }
        case 'gc':
          if (gc) fail('invalid-canon-options', 'canonical option `gc` is specified more than once');
          this.require('cm-gc', 'canonical option `gc` requires the `cm-gc` feature');
          gc = true;
          break;
      }
    }
    if (!isAsync && callback !== undefined) fail('invalid-canon-options', 'cannot specify callback without async');
    if (isAsync && postReturn !== undefined) fail('invalid-canon-options', 'cannot specify post-return function in async');
    if (!gc && coreType !== undefined) fail('invalid-canon-options', 'cannot specify `core-type` without `gc`');
    const ptr = memory && memory.kind === 'memory' && memory.is64 ? 'i64' : 'i32';
    if (realloc !== undefined) {
      if (!memory) fail('invalid-canon-options', 'canonical option `realloc` requires `memory` to also be specified');
      const sig = this.coreFunc(s, realloc);
      if (sig.params.join() !== [ptr, ptr, ptr, ptr].join() || sig.results.join() !== ptr) fail('invalid-canon-options', 'canonical option `realloc` uses a core function with an incorrect signature');
    }
    if (callback !== undefined) this.coreFunc(s, callback);
    if (postReturn !== undefined) this.coreFunc(s, postReturn);
    return new CanonOpts(memory, realloc, postReturn, isAsync, callback, gc, coreType, (encoding ?? 'utf8') as StringEncoding, ptr);
  }

  /** A memory the canonical ABI may use: a plain (unshared) 32-bit memory, or 64-bit with `cm64` (wasmparser's `cabi_memory_at`). */
  private cabiMemory(s: Scope, i: number): CoreExt {
    const m = s.coreMemories[i] ?? fail('index-out-of-bounds', `unknown memory ${i}: memory index out of bounds`);
    if (m.kind !== 'memory') return m;
    if (m.is64) this.require('cm64', '64-bit memories require the `cm64` feature to be enabled');
    if (m.shared) fail('type-mismatch', 'mismatch in the shared flag for memories', 'the canonical ABI reads and writes through an unshared linear memory');
    return m;
  }

  /** The GC canonical ABI: the core function type must be the lowering of the component one (wasmparser's `lower_gc`). */
  private checkGcLowering(params: RVal[], result: RVal | undefined, core: CoreFuncDef, encoding: StringEncoding): void {
    const problem = gcLoweringProblem(params, result, core, encoding);
    if (problem) fail('type-mismatch', problem, GC_HINT);
  }

  private coreFunc(s: Scope, i: number): CoreSig {
    return s.coreFuncs[i] ?? fail('index-out-of-bounds', `unknown function ${i}: function index out of bounds`);
  }

  private typedAt(s: Scope, i: number, kind: 'stream' | 'future', op: string): RDefined {
    const t = this.typeAt(s, i);
    if (t.kind !== 'defined' || t.body.kind !== kind) fail('invalid-type', `\`${op}\` requires a ${kind} type`);
    return t as RDefined;
  }

  private canon(s: Scope, c: Canon): void {
    const push = (params: string[], results: string[]) => s.coreFuncs.push(SIG(params, results));
    const async = (what: string) => this.require('cm-async', `\`${what}\` requires the component model async feature`);
    switch (c.op) {
      case 'lift': {
        const sig = this.coreFunc(s, c.coreFunc);
        const ft = this.typeAt(s, c.type);
        if (ft.kind !== 'func') fail('invalid-type', `type index ${c.type} is not a function type`);
        const f = ft as RFunc;
        const o = this.options(s, c.options);
        // wasmparser's order: the options' own functions (check_lift), async-ness, then the lowered signature
        if (o.postReturn !== undefined) {
          const pr = this.coreFunc(s, o.postReturn);
          if (pr.params.join() !== sig.results.join() || pr.results.length) fail('invalid-canon-options', 'canonical option `post-return` uses a core function with an incorrect signature');
        }
        if (o.isAsync && o.callback === undefined) this.require('cm-async-stackful', 'requires the component model async stackful feature');
        if (o.callback !== undefined) {
          const cb = this.coreFunc(s, o.callback);
          if ((cb.params.join() !== 'i32,i32,i32' && cb.params.join() !== 'i32') || cb.results.join() !== 'i32') fail('invalid-canon-options', 'canonical option `callback` uses a core function with an incorrect signature');
        }
        if (o.coreType) fail('invalid-canon-options', 'canonical option `core-type` is not allowed in `canon lift`');
        if (o.isAsync && !f.async) fail('invalid-canon-options', 'the `async` canonical option requires an async function type');
        if (o.gc) {
          // the core function's own type is the one the GC ABI checks
          this.checkGcLowering(f.params.map((p) => p.type), f.result, defOf(sig), o.encoding);
          s.funcs.push(f);
          return;
        }
        const want = coreSignature(f, 'lift', o.isAsync, o.callback !== undefined, o.ptr);
        checkPtrOptions(o, f, 'lift', o.isAsync);
        if (sig.params.join() !== want.params.join()) fail('type-mismatch', `lowered parameter types \`${fmtTypes(want.params)}\` do not match parameter types \`${fmtTypes(sig.params)}\` of core function ${c.coreFunc}`);
        if (sig.results.join() !== want.results.join()) fail('type-mismatch', `lowered result types \`${fmtTypes(want.results)}\` do not match result types \`${fmtTypes(sig.results)}\` of core function ${c.coreFunc}`);
        // the lowered type is a final function type in a recursion group of its own; a core function's type must be that type
        const why = identityDifference(sig, want);
        if (why && !funcTypeMatches(sig, want)) fail('type-mismatch', `lowered function type does not match the type of core function ${c.coreFunc}: ${why}`);
        s.funcs.push(f);
        return;
      }
      case 'lower': {
        const f = s.funcs[c.func] ?? fail('index-out-of-bounds', `unknown function ${c.func}: function index out of bounds`);
        const o = this.options(s, c.options);
        o.checkLower();
        if (o.isAsync && !f.async) fail('invalid-canon-options', 'the `async` canonical option requires an async function type');
        if (o.coreType) {
          this.checkGcLowering(f.params.map((p) => p.type), f.result, defOf(o.coreType), o.encoding);
          s.coreFuncs.push(o.coreType);
          return;
        }
        checkPtrOptions(o, f, 'lower', o.isAsync);
        const sig = coreSignature(f, 'lower', o.isAsync, false, o.ptr);
        push(sig.params, sig.results);
        return;
      }
      case 'resource.new':
      case 'resource.rep': {
        const r = this.resourceAt(s, c.resource);
        if (!s.local.has(res(r))) fail('invalid-resource-use', `type index ${c.resource} is not a local resource`);
        const rep = r.rep === 'i64' ? 'i64' : 'i32';
        if (c.op === 'resource.new') push([rep], ['i32']);
        else push(['i32'], [rep]);
        return;
      }
      case 'resource.drop':
        this.resourceAt(s, c.resource);
        push(['i32'], []);
        return;
      case 'backpressure.inc':
      case 'backpressure.dec':
      case 'task.cancel':
        async(c.op);
        push([], []);
        return;
      case 'task.return': {
        async(c.op);
        const result = c.result === undefined ? undefined : this.valType(s, c.result);
        const o = this.options(s, c.options);
        if (o.realloc !== undefined) fail('invalid-canon-options', 'cannot specify `realloc` option on `task.return`');
        if (o.postReturn !== undefined) fail('invalid-canon-options', 'cannot specify `post-return` option on `task.return`');
        o.checkLower();
        o.requireSync('task.return');
        if (o.coreType) {
          this.checkGcLowering(result === undefined ? [] : [result], undefined, defOf(o.coreType), o.encoding);
          s.coreFuncs.push(o.coreType);
          return;
        }
        // lowered like an import taking the result as its one parameter: pointers in it are read from `memory`,
        // and more than 16 flat values are passed through memory
        if (containsPointer(result)) o.requireMemory();
        const flat = flatten(result, [], o.ptr);
        if (flat.length > MAX_FLAT_PARAMS) o.requireMemory();
        push(flat.length > MAX_FLAT_PARAMS ? [o.ptr] : flat, []);
        return;
      }
      case 'context.get':
      case 'context.set': {
        async(c.op);
        if (c.type !== 'i32') {
          if (c.type === 'i64') this.require('cm64', `64-bit \`${c.op}\` requires the component model 64-bit feature`);
          else fail('invalid-type', `\`${c.op}\` only supports \`i32\` or \`i64\``);
        }
        // one context type per component, shared by every slot (wasmparser's `context_type`)
        const t = c.type === 'i64' ? 'i64' : 'i32';
        if (s.contextType !== undefined && s.contextType !== t) fail('type-mismatch', `\`${c.op}\` type must match previous context type`, `every context.get/context.set of a component uses one core type; an earlier one used ${s.contextType}`);
        s.contextType = t;
        const limit = this.has('cm-threading') ? 2 : 1;
        if (c.slot >= limit) fail('invalid-canon-options', `\`${c.op}\` immediate must be ${limit === 1 ? 'zero' : 'zero or one'}: ${c.slot}`);
        if (c.op === 'context.get') push([], [t]);
        else push([t], []);
        return;
      }
      case 'subtask.drop':
        async(c.op);
        push(['i32'], []);
        return;
      case 'subtask.cancel':
        async(c.op);
        if (c.async) this.require('cm-more-async-builtins', 'async `subtask.cancel` requires the component model more async builtins feature');
        push(['i32'], ['i32']);
        return;
      case 'stream.new':
      case 'future.new':
        async(c.op);
        this.typedAt(s, c.type, c.op === 'stream.new' ? 'stream' : 'future', c.op);
        push([], ['i64']);
        return;
      case 'stream.read':
      case 'stream.write':
      case 'future.read':
      case 'future.write': {
        async(c.op);
        const kind = c.op.startsWith('stream') ? 'stream' : 'future';
        const t = this.typedAt(s, c.type, kind, c.op);
        const elem = (t.body as { element?: RVal }).element;
        const o = this.options(s, c.options);
        if (!o.isAsync) this.require('cm-more-async-builtins', `synchronous \`${c.op}\` requires the component model more async builtins feature`);
        if (elem !== undefined) o.requireMemory();
        if (c.op.endsWith('read') && containsPointer(elem)) o.requireRealloc();
        o.checkLower();
        s.coreFuncs.push(o.coreSignature(kind === 'stream' ? ['i32', 'i32', 'i32'] : ['i32', 'i32'], ['i32']));
        return;
      }
      case 'stream.cancel-read':
      case 'stream.cancel-write':
      case 'future.cancel-read':
      case 'future.cancel-write':
        async(c.op);
        if (c.async) this.require('cm-more-async-builtins', `async \`${c.op}\` requires the component model more async builtins feature`);
        this.typedAt(s, c.type, c.op.startsWith('stream') ? 'stream' : 'future', c.op);
        push(['i32'], ['i32']);
        return;
      case 'stream.drop-readable':
      case 'stream.drop-writable':
      case 'future.drop-readable':
      case 'future.drop-writable':
        async(c.op);
        this.typedAt(s, c.type, c.op.startsWith('stream') ? 'stream' : 'future', c.op);
        push(['i32'], []);
        return;
      case 'error-context.new':
      case 'error-context.debug-message': {
        this.require('cm-error-context', `\`${c.op}\` requires the component model error-context feature`);
        const o = this.options(s, c.options);
        o.requireMemory();
        if (c.op === 'error-context.debug-message') o.requireRealloc();
        o.requireSync(c.op);
        o.checkLower();
        s.coreFuncs.push(o.coreSignature(['i32', 'i32'], c.op === 'error-context.new' ? ['i32'] : []));
        return;
      }
      case 'error-context.drop':
        this.require('cm-error-context', '`error-context.drop` requires the component model error-context feature');
        push(['i32'], []);
        return;
      case 'waitable-set.new':
        async(c.op);
        push([], ['i32']);
        return;
      case 'waitable-set.wait':
      case 'waitable-set.poll': {
        async(c.op);
        const m = this.cabiMemory(s, c.memory);
        const is64 = m.kind === 'memory' && m.is64;
        push(['i32', is64 ? 'i64' : 'i32'], ['i32']);
        return;
      }
      case 'waitable-set.drop':
        async(c.op);
        push(['i32'], []);
        return;
      case 'waitable.join':
        async(c.op);
        push(['i32', 'i32'], []);
        return;
      case 'thread.yield':
        async(c.op);
        // the `cancellable` flag is read and ignored (component-model#716 removed it), as wasmparser does
        push([], ['i32']);
        return;
      case 'thread.index':
        this.require('cm-threading', '`thread.index` requires the component model threading feature');
        push([], ['i32']);
        return;
      case 'thread.new-indirect': {
        this.require('cm-threading', '`thread.new-indirect` requires the component model threading feature');
        const t = s.coreTypes[c.funcType] ?? fail('index-out-of-bounds', `unknown core type ${c.funcType}: type index out of bounds`);
        if (t.kind === 'module') fail('invalid-type', 'expected a core function type');
        if (t.kind !== 'func') fail('invalid-type', 'start type must be a function');
        else {
          if (t.sig.params.join() !== 'i32') fail('invalid-type', 'start function must take a single `i32` argument');
          if (t.sig.results.length) fail('invalid-type', 'start function must not return any values');
        }
        const table = s.coreTables[c.table] ?? fail('index-out-of-bounds', `unknown table ${c.table}: table index out of bounds`);
        // the table must be usable as `(table 0 funcref)` (wasmparser's subtype check against it)
        if (table.kind === 'table') {
          if (table.element !== 'funcref' && table.element !== '(ref null func)') fail('type-mismatch', `expected table element type funcref, found ${table.element}`);
          if (table.shared) fail('type-mismatch', 'mismatch in the shared flag for tables');
        }
        push(['i32', 'i32'], ['i32']);
        return;
      }
      case 'thread.resume-later':
        this.require('cm-threading', '`thread.resume-later` requires the component model threading feature');
        push(['i32'], []);
        return;
      case 'thread.suspend':
        this.require('cm-threading', '`thread.suspend` requires the component model threading feature');
        push([], ['i32']);
        return;
      case 'thread.suspend-then-resume':
      case 'thread.yield-then-resume':
      case 'thread.suspend-then-promote':
      case 'thread.yield-then-promote':
        this.require('cm-threading', `\`${c.op}\` requires the component model threading feature`);
        push(['i32'], ['i32']);
        return;
      case 'thread.spawn-ref':
      case 'thread.spawn-indirect':
      case 'thread.available-parallelism':
        this.require('shared-everything-threads', `\`${c.op}\` requires the shared-everything-threads proposal`);
        push(c.op === 'thread.available-parallelism' ? [] : ['i32', 'i32'], ['i32']);
        return;
    }
  }

  // ---------- start ----------

  private start(s: Scope, st: { func: number; args: number[]; results: number }): void {
    readLimit(st.args.length, 1000, 'start function arguments');
    readLimit(st.results, 1000, 'start function results');
    if (s.started) fail('invalid-start', 'component cannot have more than one start function');
    s.started = true;
    this.require('cm-values', 'support for component model `value`s is not enabled');
    const f = s.funcs[st.func] ?? fail('index-out-of-bounds', `unknown function ${st.func}: function index out of bounds`);
    if (f.params.length !== st.args.length) fail('invalid-start', `component start function requires ${f.params.length} arguments but was given ${st.args.length}`);
    f.params.forEach((p, i) => {
      const v = this.sortEntity(s, 'value', st.args[i], true) as { type: RVal };
      if (!valEqual2(v.type, p.type)) fail('type-mismatch', `value type mismatch for component start function argument ${i}\n${valDifference(v.type, p.type)}`);
    });
    const n = f.result === undefined ? 0 : 1;
    if (n !== st.results) fail('invalid-start', `component start function has a result count of ${st.results} but the function type has a result count of ${n}`);
    if (f.result !== undefined) s.values.push({ type: f.result, used: false, section: this.hereSection, offset: this.hereOffset });
  }

  // ---------- imports / exports ----------

  private checkName(n: ExternName, dir: 'import' | 'export'): NameKind {
    let kind: NameKind;
    try {
      kind = parseExternName(n.name, { nested: this.has('cm-nested-names') });
    } catch (e) {
      return fail('invalid-name', `${dir} name \`${n.name}\` is not a valid extern name: ${(e as Error).message}`);
    }
    if (dir === 'export' && (kind.kind === 'dependency' || kind.kind === 'url' || kind.kind === 'hash')) {
      fail('invalid-name', `\`${n.name}\` is not a valid export name: ${kind.kind} names are for imports only`);
    }
    if (n.form === 2 && !this.has('cm-implements') && !this.has('cm-canon-names')) fail('unsupported-feature', 'the `cm-implements` feature is not active');
    if (kind.kind === 'interface' && kind.version !== undefined) {
      const full = kind.version + (n.versionSuffix ?? '');
      const problem = semverProblem(full);
      if (problem !== undefined) fail('invalid-name', `invalid interface version: ${problem}`);
    } else if (n.versionSuffix !== undefined) {
      fail('invalid-name', 'versionsuffix requires an interface name with a version');
    }
    if (n.implements !== undefined) {
      if (kind.kind !== 'label') fail('invalid-name', `name \`${n.name}\` is not valid with \`implements\``);
      try {
        const i = parseExternName(n.implements, { nested: this.has('cm-nested-names') });
        if (i.kind !== 'interface') fail('invalid-name', `name \`${n.implements}\` must be an interface`);
      } catch (e) {
        if (e instanceof Invalid) throw e;
        fail('invalid-name', `\`${n.implements}\` is not a valid name: ${(e as Error).message}`);
      }
    }
    return kind;
  }

  private entityOf(s: Scope, t: ExternType): Entity {
    switch (t.kind) {
      case 'module': {
        const ct = s.coreTypes[t.type] ?? fail('index-out-of-bounds', `unknown core type ${t.type}: type index out of bounds`);
        return ct.kind === 'module' ? { sort: 'module', type: ct.type } : fail('invalid-type', `core type index ${t.type} is not a module type`);
      }
      case 'func': {
        const ft = this.typeAt(s, t.type);
        return ft.kind === 'func' ? { sort: 'func', type: ft } : fail('invalid-type', `type index ${t.type} is not a function type`);
      }
      case 'instance': {
        const it = this.typeAt(s, t.type);
        return it.kind === 'instance' ? { sort: 'instance', type: it } : fail('invalid-type', `type index ${t.type} is not an instance type`);
      }
      case 'component': {
        const ct = this.typeAt(s, t.type);
        return ct.kind === 'component' ? { sort: 'component', type: ct } : fail('invalid-type', `type index ${t.type} is not a component type`);
      }
      case 'value': {
        this.require('cm-values', 'support for component model `value`s is not enabled');
        return { sort: 'value', type: this.valType(s, t.type) };
      }
      case 'type':
        if (t.bound.kind === 'eq') {
          const ty = this.typeAt(s, t.bound.index);
          // a second name for a resource is a distinct object with the same identity (see `res`)
          if (ty.kind === 'resource') return { sort: 'type', type: { ...ty, aliasOf: res(ty), via: ty } };
          // so is a second name for a defined type (wasmparser's alias id): instantiation binds each name separately
          if (ty.kind === 'defined') return { sort: 'type', type: { kind: 'defined', body: ty.body, origin: ty } };
          return { sort: 'type', type: ty };
        }
        return { sort: 'type', type: freshResource(false) };
    }
  }

  /** A type import/export gives a record/variant/enum/flags a name: a new type index equal to, but distinct from, the original. */
  private nameEntity(s: Scope, e: Entity): Entity {
    const always = s.kind !== 'component'; // in a type every `(eq T)` export is a new type index, so a new name
    if (e.sort === 'type' && e.type.kind === 'defined' && (always || (NAMED_KINDS.has(e.type.body.kind) && !s.namedTypes.has(e.type)))) {
      const copy: RDefined = { kind: 'defined', body: e.type.body, origin: e.type };
      s.namedTypes.add(copy);
      return { sort: 'type', type: copy };
    }
    return e;
  }

  /** Every record/variant/enum/flags and resource an import or export mentions must itself be named here. */
  private checkNamed(s: Scope, e: Entity, dir: 'import' | 'export'): void {
    if (s.kind === 'instance-type') return;
    const extra = new Set<RDefined>();
    const extraRes = new Set<RResource>();
    const collect = (x: Entity) => {
      if (x.sort === 'type' && x.type.kind === 'defined') extra.add(x.type);
      if (x.sort === 'type' && x.type.kind === 'resource') extraRes.add(res(x.type));
      if (x.sort === 'instance') x.type.exports.forEach(collect);
    };
    if (e.sort === 'instance') e.type.exports.forEach(collect);
    const bad = (): never => fail('invalid-resource-use', `${e.sort} not valid to be used as ${dir}`, HINT_NAMED);
    const seen = new Set<RDefined>();
    const val = (v: RVal | undefined, top = false): void => {
      if (v === undefined || typeof v === 'string') return;
      const b = v.body;
      // checked at every mention: a type visited as the top of one export may be an unnamed member of the next
      if (!top && NAMED_KINDS.has(b.kind)) {
        if (!s.namedTypes.has(v) && !extra.has(v)) bad();
        if (dir === 'import' && s.exportNamedTypes.has(v) && !extra.has(v)) bad();
        return;
      }
      if (seen.has(v)) return;
      seen.add(v);
      switch (b.kind) {
        case 'record': b.fields.forEach((f) => val(f.type)); break;
        case 'variant': b.cases.forEach((c) => val(c.type)); break;
        case 'list': val(b.element); break;
        case 'map': val(b.key); val(b.value); break;
        case 'tuple': b.types.forEach((t) => val(t)); break;
        case 'option': val(b.type); break;
        case 'result': val(b.ok); val(b.err); break;
        case 'own': case 'borrow': {
          const r = res(b.resource);
          if (!s.named.has(r) && !extraRes.has(r)) bad();
          // a resource this component defines is named by exporting it; its definition itself is never named
          if (dir === 'export' && b.resource === r && s.local.has(r) && !extraRes.has(r) && !s.exportedDefinitions.has(r)) bad();
          // an import cannot mention a resource this component itself defines or exports
          if (dir === 'import' && !extraRes.has(r) && (r.local || s.defined.includes(r))) bad();
          break;
        }
        case 'stream': case 'future': val(b.element); break;
        default: break;
      }
    };
    const ent = (x: Entity): void => {
      switch (x.sort) {
        case 'func': x.type.params.forEach((p) => val(p.type)); val(x.type.result); break;
        case 'value': val(x.type); break;
        case 'type':
          if (x.type.kind === 'defined') val(x.type, true);
          else if (x.type.kind === 'func') ent({ sort: 'func', type: x.type });
          // an instance type's exported types name nothing here: what they refer to must already be named
          // (wasmparser's all_valtypes_named_in_instance)
          else if (x.type.kind === 'instance') x.type.exports.forEach(ent);
          break;
        case 'instance': x.type.exports.forEach(ent); break;
        default: break;
      }
    };
    ent(e);
  }

  private importDecl(s: Scope, n: ExternName, t: ExternType): void {
    const kind = this.checkName(n, 'import');
    const key = nameKey(kind);
    if (s.importKeys.has(key)) fail('duplicate-name', `import name \`${n.name}\` conflicts with previous name \`${s.importKeys.get(key)}\``);
    s.importKeys.set(key, n.name);
    let e = this.entityOf(s, t);
    if (n.implements !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `implements`');
    if (n.versionSuffix !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `versionsuffix`');
    this.checkResourceName(n.name, 'import', kind, e, s.importResourceNames);
    if (e.sort === 'type' && e.type.kind === 'resource') {
      if (t.kind === 'type' && t.bound.kind === 'sub-resource') s.imported.push(e.type);
      s.named.add(res(e.type));
      if (kind.kind === 'label') s.importResourceNames.set(kind.label.toLowerCase(), e.type);
    }
    if (e.sort === 'instance' && e.type.defined.length) {
      // an imported instance's abstract resources become imports of this component (fresh per import)
      const map = new Map<RResource, RType>();
      for (const r of e.type.defined) {
        const fresh = freshResource(false);
        map.set(r, fresh);
        s.imported.push(fresh);
      }
      e = new Substitution(map).entity(e);
    }
    // an import cannot name a resource this component defines (wasmparser's `finish`: free variables of the imports)
    for (const r of namedBy(e)) if (s.local.has(r) || s.defined.includes(r)) fail('invalid-resource-use', 'local resource type found in imports', 'import the resource itself with `(sub resource)`, or use the local definition directly');
    for (const r of entityResources(e)) s.named.add(r);
    this.checkNamed(s, e, 'import');
    if (e.sort === 'instance') for (const t2 of namedTypesOf(e)) s.namedTypes.add(t2);
    e = this.nameEntity(s, e);
    s.imports.set(n.name, e);
    this.push(s, e);
  }

  private exportDecl(s: Scope, n: ExternName, t: ExternType): void {
    const kind = this.checkName(n, 'export');
    const key = nameKey(kind);
    if (s.exportKeys.has(key)) fail('duplicate-name', `export name \`${n.name}\` conflicts with previous name \`${s.exportKeys.get(key)}\``);
    s.exportKeys.set(key, n.name);
    let e = this.entityOf(s, t);
    if (n.implements !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `implements`');
    if (n.versionSuffix !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `versionsuffix`');
    if (e.sort === 'instance' && e.type.defined.length) {
      // two exports of one instance type are two instances: each gets its own abstract resources
      const map = new Map<RResource, RType>();
      for (const r of e.type.defined) map.set(r, freshResource(false));
      e = new Substitution(map).entity(e);
    }
    this.checkResourceName(n.name, 'export', kind, e, s.exportResourceNames);
    if (e.sort === 'type' && e.type.kind === 'resource') {
      if (t.kind === 'type' && t.bound.kind === 'sub-resource') s.defined.push(e.type);
      s.named.add(res(e.type));
      if (kind.kind === 'label') s.exportResourceNames.set(kind.label.toLowerCase(), e.type);
    }
    if (e.sort === 'instance') for (const r of e.type.defined) s.defined.push(r);
    this.checkNamed(s, e, 'export');
    if (e.sort === 'instance') {
      // an exported instance names its exported types for the exports after it (not for imports)
      for (const r of namedBy(e)) s.named.add(r);
      for (const t2 of namedTypesOf(e)) {
        s.namedTypes.add(t2);
        s.exportNamedTypes.add(t2);
      }
    }
    const named = this.nameEntity(s, e);
    if (named !== e && named.sort === 'type' && named.type.kind === 'defined') s.exportNamedTypes.add(named.type);
    s.exports.set(n.name, named);
    this.push(s, named);
  }

  private exportDef(s: Scope, x: Export): void {
    const kind = this.checkName(x.name, 'export');
    const key = nameKey(kind);
    if (s.exportKeys.has(key)) fail('duplicate-name', `export name \`${x.name.name}\` conflicts with previous name \`${s.exportKeys.get(key)}\``);
    s.exportKeys.set(key, x.name.name);
    let e = this.sortEntity(s, x.sort, x.index, true);
    if (x.type) {
      const ascribed = this.entityOf(s, x.type);
      if (ascribed.sort === 'type' && ascribed.type.kind === 'resource' && x.type.kind === 'type' && x.type.bound.kind === 'sub-resource') {
        if (e.sort !== 'type' || e.type.kind !== 'resource') fail('type-mismatch', 'expected resource, found defined type');
        // `(sub resource)` ascribes a fresh abstract resource: the export no longer reveals which resource it is
        e = ascribed;
      } else {
        const why = entityMismatch(e, ascribed);
        if (why) fail('type-mismatch', `ascribed type of export is not compatible with item's type\n${why}`);
        e = ascribed;
      }
    }
    if (x.name.implements !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `implements`');
    if (x.name.versionSuffix !== undefined && e.sort !== 'instance') fail('invalid-name', 'only instances can have an `versionsuffix`');
    this.checkResourceName(x.name.name, 'export', kind, e, s.exportResourceNames);
    // every resource an export mentions must be imported or exported by this component (an exported instance
    // exports its resources by name too)
    for (const r of namedBy(e)) s.named.add(r);
    for (const r of entityResources(e)) {
      if (!s.named.has(r)) {
        fail('invalid-resource-use', `${e.sort} not valid to be used as export`, HINT_NAMED);
      }
    }
    // the index an export adds is a new name for a resource (wasmparser's `with_unique`): only that name, not the
    // definition, counts as exported when a later export mentions the resource, and only it matches `[method]r.x`
    const created: RResource | undefined = e.sort === 'type' && e.type.kind === 'resource' ? { ...e.type, aliasOf: res(e.type), via: e.type } : undefined;
    if (created) {
      s.named.add(res(created));
      if (kind.kind === 'label') s.exportResourceNames.set(kind.label.toLowerCase(), created);
    }
    if (e.sort === 'instance') {
      for (const x2 of e.type.exports.values()) if (x2.sort === 'type' && x2.type.kind === 'resource') s.named.add(res(x2.type));
      // a bag of exports exports a resource under its definition, so exporting the bag names the definition
      for (const r of namedBy(e, new Set(), false)) if (s.local.has(r)) s.exportedDefinitions.add(r);
    }
    this.checkNamed(s, e, 'export');
    if (e.sort === 'instance') for (const t2 of namedTypesOf(e)) s.namedTypes.add(t2);
    // resources this component creates (not ones it imports) are created afresh by each instantiation of it
    if (s.kind === 'component') {
      for (const r of entityResources(e, namedBy(e))) {
        const root = res(r);
        if (!s.imported.some((i) => res(i) === root) && !s.defined.includes(root)) s.defined.push(root);
      }
    }
    const before = e;
    e = this.nameEntity(s, e);
    if (e !== before && e.sort === 'type' && e.type.kind === 'defined') s.exportNamedTypes.add(e.type);
    s.exports.set(x.name.name, e);
    this.push(s, created ? { sort: 'type', type: created } : e);
    if (e.sort === 'value') s.values[s.values.length - 1].used = true;
  }

  /**
   * `[constructor]r`, `[method]r.m` and `[static]r.m` names: the function's shape, and that the resource it uses is
   * the one named `r` in this context (wasmparser's `ComponentNameContext::validate`). `names`: label → resource.
   */
  private checkResourceName(name: string, dir: 'import' | 'export', kind: NameKind, e: Entity, names: ReadonlyMap<string, RResource>): void {
    if (kind.kind !== 'constructor' && kind.kind !== 'method' && kind.kind !== 'static') return;
    try {
      this.checkResourceFunction(kind, e, names);
    } catch (err) {
      if (err instanceof Invalid) throw new Invalid(err.code, `${dir} name \`${name}\` is not valid\n${err.message}`, err.hint);
      throw err;
    }
  }

  private checkResourceFunction(kind: NameKind & { kind: 'constructor' | 'method' | 'static' }, e: Entity, names: ReadonlyMap<string, RResource>): void {
    if (e.sort !== 'func') fail('invalid-name', `item is not a func: \`[${kind.kind}]\` names can only be used on functions`);
    const f = e.type as RFunc;
    const handle = (v: RVal | undefined, k: 'own' | 'borrow') => (v !== undefined && typeof v !== 'string' && v.body.kind === k ? v.body.resource : undefined);
    let used: RResource | undefined;
    if (kind.kind === 'static') {
      if (!names.has(kind.resource.toLowerCase())) fail('invalid-name', 'static resource name is not known in this context');
      return;
    }
    if (kind.kind === 'constructor') {
      if (f.async) fail('invalid-name', 'constructor function cannot be async');
      const result = f.result;
      if (result === undefined) fail('invalid-name', 'function should return one value');
      used = handle(result, 'own') ?? (typeof result !== 'string' && result?.body.kind === 'result' ? handle(result.body.ok, 'own') : undefined);
      if (!used) fail('invalid-name', 'function should return `(own $T)` or `(result (own $T))`');
    } else {
      const p = f.params[0];
      if (!p) fail('invalid-name', 'function should have at least one argument');
      if (p.name !== 'self') fail('invalid-name', 'function should have a first argument called `self`');
      used = handle(p.type, 'borrow');
      if (!used) fail('invalid-name', 'function should take a first argument of `(borrow $T)`');
    }
    // names belong to type indices, not resources: `(export $c "c" (type $t))` names $c, and a function using
    // $t itself is not a method of `c` (wasmparser keys the names by aliasable resource id)
    const named = names.get(kind.resource.toLowerCase());
    if (named !== undefined && named === used) return;
    for (const [label, r] of names) if (r === used) fail('invalid-name', `function does not match expected resource name \`${label}\``);
    fail('invalid-name', 'resource used in function does not have a name in this context', HINT_RESOURCE_NAME);
  }
}

// ---------- helpers ----------

function isKebabLabel(s: string): boolean {
  try {
    return parseExternName(s).kind === 'label';
  } catch {
    return false;
  }
}

function valEqual2(a: RVal, b: RVal): boolean {
  return entityMismatch({ sort: 'value', type: a }, { sort: 'value', type: b }) === undefined;
}

function sortName(s: Sort): Entity['sort'] | string {
  if (typeof s === 'object') return s.core === 'module' ? 'module' : `core ${s.core}`;
  return s;
}

/** Builds the signatures of function types defined in `owner`, remembering where their type indices point. */
const funcSigIn = (owner: CoreTypeEntry[]) => {
  const space = spaceOf(owner);
  return (c: { params: CoreValType[]; results: CoreValType[] }, index: number): CoreSig => ({ params: c.params.map(cvt), results: c.results.map(cvt), def: { params: c.params, results: c.results, space, index } });
};

const spaces = new WeakMap<CoreTypeEntry[], CoreTypeSpace>();
/** The type space of a component's (or module type's) core types: an aliased entry resolves in its own owner. */
function spaceOf(owner: CoreTypeEntry[]): CoreTypeSpace {
  let space = spaces.get(owner);
  if (!space) {
    space = (i) => {
      const e = owner[i];
      if (e === undefined || e.kind === 'module') return undefined;
      return { composite: e.composite, space: spaceOf(e.owner), index: e.index, groupStart: e.groupStart, groupEnd: e.groupEnd, final: e.final, supertype: e.supertype };
    };
    spaces.set(owner, space);
  }
  return space;
}

/** For each type index of a module, where its recursion group starts and ends. */
function recGroupBounds(groups: RecGroup[], count: number): { start: Uint32Array; end: Uint32Array } {
  const start = new Uint32Array(count);
  const end = new Uint32Array(count);
  let i = 0;
  for (const g of groups) {
    const s = i;
    const e = i + g.types.length;
    for (; i < e; i++) {
      start[i] = s;
      end[i] = e;
    }
  }
  return { start, end };
}

/** The written form of a signature: a built-in's has only numeric and abstract reference types, readable from its strings. */
function defOf(sig: CoreSig): CoreFuncDef {
  return sig.def ?? { params: sig.params.map(coreValTypeOf), results: sig.results.map(coreValTypeOf), space: () => undefined, index: -1 };
}

/** Reads back what `cvt` wrote. */
function coreValTypeOf(t: string): CoreValType {
  if (t === 'i32' || t === 'i64' || t === 'f32' || t === 'f64' || t === 'v128') return t;
  const short = /^(\w+)ref$/.exec(t);
  if (short) return { ref: { abstract: short[1]! }, nullable: true, short: true };
  const long = /^\(ref (null )?(\$?)(\w+)\)$/.exec(t);
  if (!long) return fail('invalid-type', `unreadable core type \`${t}\``);
  return { ref: long[2] ? { index: Number(long[3]) } : { abstract: long[3]! }, nullable: long[1] !== undefined };
}

function cvt(t: CoreValType): string {
  if (typeof t === 'string') return t;
  const h = 'index' in t.ref ? `$${t.ref.index}` : t.ref.abstract;
  return t.short ? `${h}ref` : `(ref ${t.nullable ? 'null ' : ''}${h})`;
}

/** `space`: where the type indices of a table's or global's reference type point. */
function coreExt(t: CoreExternType, funcSig: (i: number) => CoreSig, space: CoreTypeSpace): CoreExt {
  switch (t.kind) {
    case 'func': return { kind: 'func', sig: funcSig(t.type) };
    case 'tag': return { kind: 'tag', sig: funcSig(t.type) };
    case 'table':
      checkLimits(t.limits);
      return { kind: 'table', element: cvt(t.element), min: t.limits.min, max: t.limits.max, is64: t.limits.is64, shared: t.limits.shared, def: { type: t.element, space } };
    case 'memory':
      checkMemoryType(t.limits);
      return { kind: 'memory', min: t.limits.min, max: t.limits.max, is64: t.limits.is64, shared: t.limits.shared, pageSizeLog2: t.limits.pageSizeLog2 };
    case 'global': return { kind: 'global', type: cvt(t.type), mutable: t.mutable, def: { type: t.type, space } };
  }
}

/** A core memory type as wasmparser's `check_memory_type`: limits, page size 1 or 64 KiB, at most 4 GiB (2^64 bytes for memory64). */
function checkMemoryType(l: { min: bigint; max?: bigint; is64: boolean; shared: boolean; pageSizeLog2?: number }): void {
  checkLimits(l);
  if (l.pageSizeLog2 !== undefined && l.pageSizeLog2 !== 0 && l.pageSizeLog2 !== 16) fail('invalid-type', 'invalid custom page size');
  const pageSize = 1n << BigInt(l.pageSizeLog2 ?? 16);
  const addressable = l.is64 ? 1n << 64n : 1n << 32n;
  const cap = addressable / pageSize >= addressable ? addressable - 1n : addressable / pageSize;
  if (l.min > cap || (l.max !== undefined && l.max > cap)) fail('invalid-type', `memory size must be at most 0x${cap.toString(16)} ${pageSize}-byte pages`);
  if (l.shared && l.max === undefined) fail('invalid-type', 'shared memory must have maximum size');
}

/** Core limits as wasmparser's `check_limits` (memory/table types written in module types are not seen by V8). */
function checkLimits(l: { min: bigint; max?: bigint }): void {
  if (l.max !== undefined && l.min > l.max) fail('invalid-type', 'size minimum must not be greater than maximum');
}

function bindTypes(expected: Entity, arg: Entity, map: Map<object, RType>): void {
  if (expected.sort === 'type' && expected.type.kind === 'defined' && arg.sort === 'type') map.set(expected.type, arg.type);
  // a second name of a resource stands for the very name supplied (identity is unchanged, checked by the caller)
  else if (expected.sort === 'type' && expected.type.kind === 'resource' && expected.type.aliasOf && arg.sort === 'type' && arg.type.kind === 'resource') map.set(expected.type, arg.type);
  else if (expected.sort === 'instance' && arg.sort === 'instance') {
    for (const [name, x] of expected.type.exports) {
      const a = arg.type.exports.get(name);
      if (a) bindTypes(x, a, map);
    }
  }
}

function pushCore(s: Scope, e: CoreExt): void {
  switch (e.kind) {
    case 'func': s.coreFuncs.push(e.sig); limit(s.coreFuncs.length + s.funcs.length, MAX_ITEMS, 'functions'); break;
    case 'table': s.coreTables.push(e); limit(s.coreTables.length, MAX_ITEMS, 'tables'); break;
    case 'memory': s.coreMemories.push(e); limit(s.coreMemories.length, MAX_ITEMS, 'memories'); break;
    case 'global': s.coreGlobals.push(e); limit(s.coreGlobals.length, MAX_ITEMS, 'globals'); break;
    case 'tag': s.coreTags.push(e.sig); limit(s.coreTags.length, MAX_ITEMS, 'tags'); break;
  }
}

// wasmparser's index-space limits (`limits.rs`): types, functions and core items 1M; modules, components,
// instances (core and component together) and values 1000
const MAX_ITEMS = 1_000_000;
const MAX_MODULES = 1000;
const MAX_COMPONENTS = 1000;
const MAX_INSTANCES = 1000;
const MAX_VALUES = 1000;

/** wasmparser's reader limits on vector lengths (`read_size`), reported in its words. */
function readLimit(count: number, max: number, desc: string): void {
  if (count > max) fail('limit-exceeded', `${desc} size is out of bounds`);
}

function limit(count: number, max: number, desc: string): void {
  if (count > max) fail('limit-exceeded', `${desc} count exceeds limit of ${max}`);
}

/** How many items a section adds to an index space that has a limit, checked before its items (as wasmparser). */
function sectionCount(sec: Section): number | undefined {
  switch (sec.kind) {
    case 'core-instance': case 'instance': case 'core-type': case 'type': case 'canon': case 'export': return sec.items.length;
    case 'core-module': case 'component': return 1;
    default: return undefined;
  }
}

function checkSectionLimit(s: Scope, kind: Section['kind'], added: number): void {
  switch (kind) {
    case 'core-instance': case 'instance': return limit(s.instances.length + s.coreInstances.length + added, MAX_INSTANCES, 'instances');
    case 'core-type': case 'type': return limit(s.types.length + s.coreTypes.length + added, MAX_ITEMS, 'types');
    case 'canon': return limit(s.funcs.length + s.coreFuncs.length + added, MAX_ITEMS, 'functions');
    case 'export': return limit(s.exports.size + added, MAX_ITEMS, 'exports');
    case 'core-module': return limit(s.coreModules.length + added, MAX_MODULES, 'modules');
    case 'component': return limit(s.components.length + added, MAX_COMPONENTS, 'components');
  }
}

const NO_NAMES: ReadonlyMap<string, RResource> = new Map();
const NAMED_KINDS: ReadonlySet<string> = new Set(['record', 'variant', 'enum', 'flags']);

function namedTypesOf(e: Entity, out = new Set<RDefined>()): Set<RDefined> {
  if (e.sort === 'type' && e.type.kind === 'defined') out.add(e.type);
  else if (e.sort === 'instance') for (const x of e.type.exports.values()) namedTypesOf(x, out);
  return out;
}

/** Resources an entity exports as types (roots, or the exported objects themselves when `roots` is false). */
function namedBy(e: Entity, out = new Set<RResource>(), roots = true): Set<RResource> {
  if (e.sort === 'type' && e.type.kind === 'resource') out.add(roots ? res(e.type) : e.type);
  else if (e.sort === 'instance') for (const x of e.type.exports.values()) namedBy(x, out, roots);
  return out;
}

function bindResources(expected: Entity, actual: Entity, map: Map<object, RType>, abstract: Set<RResource>): void {
  if (expected.sort === 'type' && actual.sort === 'type' && expected.type.kind === 'resource') {
    const r = res(expected.type);
    if (abstract.has(r) && !map.has(r) && actual.type.kind === 'resource') map.set(r, actual.type);

  } else if (expected.sort === 'instance' && actual.sort === 'instance') {
    for (const [name, e] of expected.type.exports) {
      const a = actual.type.exports.get(name);
      if (a) bindResources(e, a, map, abstract);
    }
  }
}

const MAX_TYPE_DEPTH = 100;
const MAX_FIXED_LIST_ELEMENTS = 1_073_741_824;

/** Rejects types whose canonical-ABI element size would reach 2^28 (fixed-size lists multiply quickly). */
function flatSizeTooLarge(t: RDefined): boolean {
  const size = (v: RVal | undefined, depth = 0): number => {
    if (v === undefined) return 0;
    if (typeof v === 'string') return v === 'string' ? 8 : v === 's64' || v === 'u64' || v === 'f64' ? 8 : 4;
    if (depth > 200) return Infinity;
    const b = v.body;
    switch (b.kind) {
      case 'primitive': return size(b.type, depth + 1);
      case 'list': return b.length === undefined ? 8 : size(b.element, depth + 1) * b.length;
      case 'record': return b.fields.reduce((a, f) => a + size(f.type, depth + 1), 0);
      case 'tuple': return b.types.reduce((a, x) => a + size(x, depth + 1), 0);
      case 'variant': return 4 + Math.max(0, ...b.cases.map((c) => size(c.type, depth + 1)));
      case 'option': return 4 + size(b.type, depth + 1);
      case 'result': return 4 + Math.max(size(b.ok, depth + 1), size(b.err, depth + 1));
      default: return 8;
    }
  };
  return size(t) >= 2 ** 28;
}

/** Canonical options after validation, with the requirements a built-in may place on them. */
class CanonOpts {
  constructor(
    readonly memory: CoreExt | undefined, readonly realloc: number | undefined, readonly postReturn: number | undefined,
    readonly isAsync: boolean, readonly callback: number | undefined,
    /** the GC canonical ABI, and the core function type a built-in or lowering declares for it */
    readonly gc: boolean, readonly coreType: CoreSig | undefined,
    readonly encoding: StringEncoding, readonly ptr: 'i32' | 'i64',
  ) {}

  requireMemory(): void {
    if (!this.memory) fail('invalid-canon-options', 'canonical option `memory` is required');
  }

  requireRealloc(): void {
    this.requireMemory();
    if (this.realloc === undefined) fail('invalid-canon-options', 'canonical option `realloc` is required');
  }

  /** wasmparser's `check_lower`: what only a lift may carry. */
  checkLower(): void {
    if (this.postReturn !== undefined) fail('invalid-canon-options', 'canonical option `post-return` cannot be specified for lowerings');
    if (this.callback !== undefined) fail('invalid-canon-options', 'canonical option `callback` cannot be specified for lowerings');
    if (this.gc && !this.coreType) fail('invalid-canon-options', 'cannot specify `gc` without also specifying a `core-type` for lowerings');
  }

  /**
   * wasmparser's `check_core_type` for a built-in with a fixed core signature: a declared `core-type` must be exactly
   * it, and then is the type the built-in gets. Returns the core function's signature.
   */
  coreSignature(params: string[], results: string[]): CoreSig {
    const declared = this.coreType;
    if (!declared) return SIG(params, results);
    const def = defOf(declared);
    if (declared.params.join() !== params.join()) fail('type-mismatch', `declared core type has \`${showDebug(def.params)}\` parameter types, but actual lowering has \`${showDebug(params.map(coreValTypeOf))}\` parameter types`);
    if (declared.results.join() !== results.join()) fail('type-mismatch', `declared core type has \`${showDebug(def.results)}\` result types, but actual lowering has \`${showDebug(results.map(coreValTypeOf))}\` result types`);
    return declared;
  }

  requireSync(where: string): void {
    if (this.isAsync) fail('invalid-canon-options', `cannot specify \`async\` option on \`${where}\``);
  }
}

/**
 * The `memory`/`realloc` options a lifted or lowered function needs, in the order wasmparser's
 * `ComponentFuncType::lower` asks for them: a pointer in a parameter needs `memory` (lowering) or `realloc`
 * (lifting); parameters spilled to memory need both; a lowered result with a pointer needs `realloc`; a sync result
 * of more than one flat value needs `memory`; an async lowering with a result writes it through `memory`; an async
 * lift's result goes through `task.return`, which needs `memory` only when it holds a pointer or spills.
 */
function checkPtrOptions(o: { requireMemory: () => void; requireRealloc: () => void }, f: RFunc, context: 'lift' | 'lower', isAsync: boolean): void {
  const maxParams = context === 'lower' && isAsync ? MAX_FLAT_ASYNC_PARAMS : MAX_FLAT_PARAMS;
  const flat: string[] = [];
  for (const p of f.params) {
    if (containsPointer(p.type)) {
      if (context === 'lower') o.requireMemory();
      else o.requireRealloc();
    }
    flatten(p.type, flat);
    if (flat.length > maxParams) {
      o.requireMemory();
      if (context === 'lift') o.requireRealloc();
      break;
    }
  }
  if (f.result === undefined) return;
  if (context === 'lower' && containsPointer(f.result)) o.requireRealloc();
  if (!isAsync) {
    if (flatCount([f.result]) > MAX_FLAT_RESULTS) o.requireMemory();
  } else if (context === 'lower') o.requireMemory();
  else if (flatCount([f.result]) > MAX_FLAT_PARAMS || containsPointer(f.result)) o.requireMemory();
}

/** How many core values the types flatten to, before any spilling to memory. */
function flatCount(types: RVal[]): number {
  const out: string[] = [];
  for (const t of types) flatten(t, out);
  return out.length;
}
