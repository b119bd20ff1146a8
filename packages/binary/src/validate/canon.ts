import type { Canon } from '../ast.js';
import { MAX_FLAT_PARAMS, containsPointer, coreSignature, flatten } from './abi.js';
import { checkGcLowering, checkPtrOptions, coreFunc, cabiMemory, options, SIG } from './canon-options.js';
import type { ValidatorContext } from './context.js';
import { defOf } from './core-extern.js';
import { funcTypeMatches, identityDifference } from './core-identity.js';
import { fail } from './invalid.js';
import { res, type RDefined, type RFunc, type RVal } from './model.js';
import type { Scope } from './scope.js';
import { resourceAt, typeAt, valType } from './types.js';

// The `canon` section: lifting core functions, lowering component functions, and the canonical built-ins.

const fmtTypes = (t: string[]) => `[${t.map((x) => x.toUpperCase()).join(', ')}]`;

/** One `canon` definition: a lifted function adds to the component functions, every other one to the core functions. */
export function canon(cx: ValidatorContext, s: Scope, c: Canon): void {
  const push = (params: string[], results: string[]) => s.coreFuncs.push(SIG(params, results));
  const async = (what: string) => cx.require('cm-async', `\`${what}\` requires the component model async feature`);
  switch (c.op) {
    case 'lift': {
      const sig = coreFunc(s, c.coreFunc);
      const ft = typeAt(s, c.type);
      if (ft.kind !== 'func') fail('invalid-type', `type index ${c.type} is not a function type`);
      const f = ft as RFunc;
      const o = options(cx, s, c.options);
      // wasmparser's order: the options' own functions (check_lift), async-ness, then the lowered signature
      if (o.postReturn !== undefined) {
        const pr = coreFunc(s, o.postReturn);
        if (pr.params.join() !== sig.results.join() || pr.results.length) fail('invalid-canon-options', 'canonical option `post-return` uses a core function with an incorrect signature');
      }
      if (o.isAsync && o.callback === undefined) cx.require('cm-async-stackful', 'requires the component model async stackful feature');
      if (o.callback !== undefined) {
        const cb = coreFunc(s, o.callback);
        if ((cb.params.join() !== 'i32,i32,i32' && cb.params.join() !== 'i32') || cb.results.join() !== 'i32') fail('invalid-canon-options', 'canonical option `callback` uses a core function with an incorrect signature');
      }
      if (o.coreType) fail('invalid-canon-options', 'canonical option `core-type` is not allowed in `canon lift`');
      if (o.isAsync && !f.async) fail('invalid-canon-options', 'the `async` canonical option requires an async function type');
      if (o.gc) {
        // the core function's own type is the one the GC ABI checks
        checkGcLowering(f.params.map((p) => p.type), f.result, defOf(sig), o.encoding);
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
      const o = options(cx, s, c.options);
      o.checkLower();
      if (o.isAsync && !f.async) fail('invalid-canon-options', 'the `async` canonical option requires an async function type');
      if (o.coreType) {
        checkGcLowering(f.params.map((p) => p.type), f.result, defOf(o.coreType), o.encoding);
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
      const r = resourceAt(s, c.resource);
      if (!s.local.has(res(r))) fail('invalid-resource-use', `type index ${c.resource} is not a local resource`);
      const rep = r.rep === 'i64' ? 'i64' : 'i32';
      if (c.op === 'resource.new') push([rep], ['i32']);
      else push(['i32'], [rep]);
      return;
    }
    case 'resource.drop':
      resourceAt(s, c.resource);
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
      const result = c.result === undefined ? undefined : valType(cx, s, c.result);
      const o = options(cx, s, c.options);
      if (o.realloc !== undefined) fail('invalid-canon-options', 'cannot specify `realloc` option on `task.return`');
      if (o.postReturn !== undefined) fail('invalid-canon-options', 'cannot specify `post-return` option on `task.return`');
      o.checkLower();
      o.requireSync('task.return');
      if (o.coreType) {
        checkGcLowering(result === undefined ? [] : [result], undefined, defOf(o.coreType), o.encoding);
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
        if (c.type === 'i64') cx.require('cm64', `64-bit \`${c.op}\` requires the component model 64-bit feature`);
        else fail('invalid-type', `\`${c.op}\` only supports \`i32\` or \`i64\``);
      }
      // one context type per component, shared by every slot (wasmparser's `context_type`)
      const t = c.type === 'i64' ? 'i64' : 'i32';
      if (s.contextType !== undefined && s.contextType !== t) fail('type-mismatch', `\`${c.op}\` type must match previous context type`, `every context.get/context.set of a component uses one core type; an earlier one used ${s.contextType}`);
      s.contextType = t;
      const slots = cx.has('cm-threading') ? 2 : 1;
      if (c.slot >= slots) fail('invalid-canon-options', `\`${c.op}\` immediate must be ${slots === 1 ? 'zero' : 'zero or one'}: ${c.slot}`);
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
      if (c.async) cx.require('cm-more-async-builtins', 'async `subtask.cancel` requires the component model more async builtins feature');
      push(['i32'], ['i32']);
      return;
    case 'stream.new':
    case 'future.new':
      async(c.op);
      typedAt(s, c.type, c.op === 'stream.new' ? 'stream' : 'future', c.op);
      push([], ['i64']);
      return;
    case 'stream.read':
    case 'stream.write':
    case 'future.read':
    case 'future.write': {
      async(c.op);
      const kind = c.op.startsWith('stream') ? 'stream' : 'future';
      const t = typedAt(s, c.type, kind, c.op);
      const elem = (t.body as { element?: RVal }).element;
      const o = options(cx, s, c.options);
      if (!o.isAsync) cx.require('cm-more-async-builtins', `synchronous \`${c.op}\` requires the component model more async builtins feature`);
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
      if (c.async) cx.require('cm-more-async-builtins', `async \`${c.op}\` requires the component model more async builtins feature`);
      typedAt(s, c.type, c.op.startsWith('stream') ? 'stream' : 'future', c.op);
      push(['i32'], ['i32']);
      return;
    case 'stream.drop-readable':
    case 'stream.drop-writable':
    case 'future.drop-readable':
    case 'future.drop-writable':
      async(c.op);
      typedAt(s, c.type, c.op.startsWith('stream') ? 'stream' : 'future', c.op);
      push(['i32'], []);
      return;
    case 'error-context.new':
    case 'error-context.debug-message': {
      cx.require('cm-error-context', `\`${c.op}\` requires the component model error-context feature`);
      const o = options(cx, s, c.options);
      o.requireMemory();
      if (c.op === 'error-context.debug-message') o.requireRealloc();
      o.requireSync(c.op);
      o.checkLower();
      s.coreFuncs.push(o.coreSignature(['i32', 'i32'], c.op === 'error-context.new' ? ['i32'] : []));
      return;
    }
    case 'error-context.drop':
      cx.require('cm-error-context', '`error-context.drop` requires the component model error-context feature');
      push(['i32'], []);
      return;
    case 'waitable-set.new':
      async(c.op);
      push([], ['i32']);
      return;
    case 'waitable-set.wait':
    case 'waitable-set.poll': {
      async(c.op);
      const m = cabiMemory(cx, s, c.memory);
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
      cx.require('cm-threading', '`thread.index` requires the component model threading feature');
      push([], ['i32']);
      return;
    case 'thread.new-indirect': {
      cx.require('cm-threading', '`thread.new-indirect` requires the component model threading feature');
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
      cx.require('cm-threading', '`thread.resume-later` requires the component model threading feature');
      push(['i32'], []);
      return;
    case 'thread.suspend':
      cx.require('cm-threading', '`thread.suspend` requires the component model threading feature');
      push([], ['i32']);
      return;
    case 'thread.suspend-then-resume':
    case 'thread.yield-then-resume':
    case 'thread.suspend-then-promote':
    case 'thread.yield-then-promote':
      cx.require('cm-threading', `\`${c.op}\` requires the component model threading feature`);
      push(['i32'], ['i32']);
      return;
    case 'thread.spawn-ref':
    case 'thread.spawn-indirect':
    case 'thread.available-parallelism':
      cx.require('shared-everything-threads', `\`${c.op}\` requires the shared-everything-threads proposal`);
      push(c.op === 'thread.available-parallelism' ? [] : ['i32', 'i32'], ['i32']);
      return;
  }
}

function typedAt(s: Scope, i: number, kind: 'stream' | 'future', op: string): RDefined {
  const t = typeAt(s, i);
  if (t.kind !== 'defined' || t.body.kind !== kind) fail('invalid-type', `\`${op}\` requires a ${kind} type`);
  return t as RDefined;
}
