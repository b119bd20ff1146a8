import type { CoreExternType, CoreInstance, CoreType, CoreValType, ModuleTypeDecl, Section } from '../ast.js';
import { BinaryError } from '../error.js';
import { coreModuleInfo } from '../read/module.js';
import type { ValidatorContext } from './context.js';
import { coreExt, funcSigIn, recGroupBounds, spaceOf, cvt } from './core-extern.js';
import { codeSectionProblem } from './core-framing.js';
import type { CoreTypeSpace } from './core-identity.js';
import { addRecGroup, type CoreTypeEntry } from './core-types.js';
import { ENGINE_VERSION, engineLacksFeature, engineRefusal, wasmparserCategory } from './engine.js';
import { fail } from './invalid.js';
import type { CoreExt, CoreSig, RModule } from './model.js';
import { coreExtMismatch } from './subtyping.js';
import { readLimit, type Scope } from './scope.js';

// Core modules, core instances and core types inside a component.

/** An embedded core module: checked by the engine (unless turned off), then its imports and exports typed. */
export function coreModule(cx: ValidatorContext, sec: Extract<Section, { kind: 'core-module' }>): RModule {
  const bytes = sec.module.bytes;
  let engineDeclined = false;
  if (cx.coreModules) {
    const refusal = engineRefusal(bytes);
    if (refusal !== undefined) {
      const msg = refusal.replace(/^WebAssembly\.Module\(\): /, '');
      // the engine lacks some proposals (memory64, custom page sizes, multi-memory, exception references, GC in
      // older V8): those are left to the structural checks below rather than reported as invalid
      if (!engineLacksFeature(msg)) fail('invalid-core-module', `core module is invalid: ${wasmparserCategory(msg)}${msg}`);
      engineDeclined = true;
      cx.notes.push(`the core module at byte ${sec.module.offset} uses a proposal this engine (V8 ${ENGINE_VERSION}) cannot check (${msg}); only its structure, imports and exports were validated`);
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
    if (problem) throw new BinaryError('invalid-core-module', `core module is invalid: ${problem.message}`, sec.module.offset + problem.at, cx.hereSection);
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

/** A core instance: a module instantiated with core instances as its arguments, or a bag of core exports. */
export function coreInstance(cx: ValidatorContext, s: Scope, x: CoreInstance): void {
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
    exports.set(e.name, coreItem(cx, s, e.sort, e.index));
  }
  s.coreInstances.push(exports);
}

function coreItem(cx: ValidatorContext, s: Scope, sort: string, index: number): CoreExt {
  const oob = (what: string) => fail('index-out-of-bounds', `unknown ${what} ${index}: ${what} index out of bounds`);
  switch (sort) {
    case 'func': return { kind: 'func', sig: s.coreFuncs[index] ?? oob('function') };
    case 'table': return s.coreTables[index] ?? oob('table');
    case 'memory': return s.coreMemories[index] ?? oob('memory');
    case 'global': return s.coreGlobals[index] ?? oob('global');
    case 'tag':
      cx.require('exceptions', 'exceptions proposal not enabled');
      return { kind: 'tag', sig: s.coreTags[index] ?? oob('tag') };
    default: return fail('wrong-sort', `core sort \`${sort}\` cannot be exported from a core instance`);
  }
}

/** A core type: a recursion group of function/struct/array types, or a module type. */
export function coreType(cx: ValidatorContext, s: Scope, t: CoreType): void {
  if (t.kind === 'rec') {
    if (t.group.types.some((x) => x.composite.shared)) cx.require('shared-everything-threads', 'shared types require the shared-everything-threads proposal');
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
  s.coreTypes.push({ kind: 'module', type: moduleType(s, t.decls) });
}

function moduleType(s: Scope, decls: ModuleTypeDecl[]): RModule {
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
