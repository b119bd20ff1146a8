import type { CanonOption } from '../ast.js';
import { MAX_FLAT_ASYNC_PARAMS, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, containsPointer, flatten } from './abi.js';
import type { ValidatorContext } from './context.js';
import { coreValTypeOf, defOf } from './core-extern.js';
import type { CoreFuncDef } from './core-identity.js';
import { gcLoweringProblem, showDebug, type StringEncoding } from './gc-abi.js';
import { fail } from './invalid.js';
import type { CoreExt, CoreSig, RFunc, RVal } from './model.js';
import { readLimit, type Scope } from './scope.js';

// Canonical options (`memory`, `realloc`, `string-encoding`, `async`, `gc`, ...) and the requirements lifting,
// lowering and the built-ins place on them.

const GC_HINT = 'under the `gc` option each component value is one core value: small integers i32 (i8/i16 in a field), strings and lists (ref (array ...)), records and tuples (ref (struct ...)) with a field per member, variants/options/results (ref (struct)), resources, futures and streams externref';

export const SIG = (params: string[], results: string[]): CoreSig => ({ params, results });

/** Canonical options after validation, with the requirements a built-in may place on them. */
export class CanonOpts {
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
export function checkPtrOptions(o: { requireMemory: () => void; requireRealloc: () => void }, f: RFunc, context: 'lift' | 'lower', isAsync: boolean): void {
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

/** Reads and checks a list of canonical options (each at most once, consistent with each other). */
export function options(cx: ValidatorContext, s: Scope, opts: CanonOption[]): CanonOpts {
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
        memory = cabiMemory(cx, s, o.index);
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
        cx.require('cm-async', 'canonical option `async` requires the component model async feature');
        isAsync = true;
        break;
      case 'callback':
        if (callback !== undefined) fail('invalid-canon-options', 'canonical option `callback` is specified more than once');
        callback = o.index;
        break;
      case 'core-type': {
        if (coreType) fail('invalid-canon-options', 'canonical option `core type` is specified more than once');
        cx.require('cm-gc', 'canonical option `core type` requires the component model gc feature');
        const t = s.coreTypes[o.index] ?? fail('index-out-of-bounds', `unknown type ${o.index}: type index out of bounds`);
        if (t.kind !== 'func') fail('invalid-canon-options', 'canonical option `core type` must reference a core function type');
        else coreType = t.sig;
        break;
      }
      case 'gc':
        if (gc) fail('invalid-canon-options', 'canonical option `gc` is specified more than once');
        cx.require('cm-gc', 'canonical option `gc` requires the `cm-gc` feature');
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
    const sig = coreFunc(s, realloc);
    if (sig.params.join() !== [ptr, ptr, ptr, ptr].join() || sig.results.join() !== ptr) fail('invalid-canon-options', 'canonical option `realloc` uses a core function with an incorrect signature');
  }
  if (callback !== undefined) coreFunc(s, callback);
  if (postReturn !== undefined) coreFunc(s, postReturn);
  return new CanonOpts(memory, realloc, postReturn, isAsync, callback, gc, coreType, (encoding ?? 'utf8') as StringEncoding, ptr);
}

/** A memory the canonical ABI may use: a plain (unshared) 32-bit memory, or 64-bit with `cm64` (wasmparser's `cabi_memory_at`). */
export function cabiMemory(cx: ValidatorContext, s: Scope, i: number): CoreExt {
  const m = s.coreMemories[i] ?? fail('index-out-of-bounds', `unknown memory ${i}: memory index out of bounds`);
  if (m.kind !== 'memory') return m;
  if (m.is64) cx.require('cm64', '64-bit memories require the `cm64` feature to be enabled');
  if (m.shared) fail('type-mismatch', 'mismatch in the shared flag for memories', 'the canonical ABI reads and writes through an unshared linear memory');
  return m;
}

/** The GC canonical ABI: the core function type must be the lowering of the component one (wasmparser's `lower_gc`). */
export function checkGcLowering(params: RVal[], result: RVal | undefined, core: CoreFuncDef, encoding: StringEncoding): void {
  const problem = gcLoweringProblem(params, result, core, encoding);
  if (problem) fail('type-mismatch', problem, GC_HINT);
}

/** The core function at index `i`. */
export function coreFunc(s: Scope, i: number): CoreSig {
  return s.coreFuncs[i] ?? fail('index-out-of-bounds', `unknown function ${i}: function index out of bounds`);
}
