import type { CoreSig, RFunc, RVal } from './model.js';

/** Canonical ABI flattening (`CanonicalABI.md#flattening`): the core value types a component type lowers to. */
export function flatten(t: RVal | undefined, out: string[] = [], ptr = 'i32'): string[] {
  if (t === undefined) return out;
  if (typeof t === 'string') {
    switch (t) {
      case 's64': case 'u64': out.push('i64'); break;
      case 'f32': out.push('f32'); break;
      case 'f64': out.push('f64'); break;
      case 'string': out.push(ptr, ptr); break;
      default: out.push('i32');
    }
    return out;
  }
  const b = t.body;
  switch (b.kind) {
    case 'primitive': return flatten(b.type, out, ptr);
    case 'record': for (const f of b.fields) flatten(f.type, out, ptr); break;
    case 'tuple': for (const x of b.types) flatten(x, out, ptr); break;
    case 'list':
      if (b.length !== undefined) {
        const one = flatten(b.element, [], ptr);
        // only "more than MAX_FLAT_PARAMS" matters, so stop repeating once past it
        for (let i = 0; i < b.length && one.length > 0 && out.length <= 64; i++) out.push(...one);
      } else out.push(ptr, ptr);
      break;
    case 'map': out.push(ptr, ptr); break;
    case 'flags': if (b.names.length > 0) out.push('i32'); break;
    case 'enum': out.push('i32'); break;
    case 'variant': {
      out.push('i32');
      const base = out.length;
      for (const c of b.cases) joinCase(out, base, c.type, ptr);
      break;
    }
    case 'option': {
      out.push('i32');
      joinCase(out, out.length, b.type, ptr);
      break;
    }
    case 'result': {
      out.push('i32');
      const base = out.length;
      joinCase(out, base, b.ok, ptr);
      joinCase(out, base, b.err, ptr);
      break;
    }
    default: out.push('i32');
  }
  return out;
}

function join(a: string, b: string): string {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

/**
 * Joins one variant case's flat types into the payload that starts at `out[base]` (the cases so far), in place: the
 * case is flattened onto the end of `out`, then folded into the payload and the tail dropped.
 */
function joinCase(out: string[], base: number, t: RVal | undefined, ptr: string): void {
  if (t === undefined) return;
  const mark = out.length;
  const have = mark - base;
  flatten(t, out, ptr);
  const k = out.length - mark;
  // position base+i is read (at mark+i) before anything at or after it is written
  for (let i = 0; i < k; i++) {
    const ft = out[mark + i]!;
    out[base + i] = i < have ? join(out[base + i]!, ft) : ft;
  }
  out.length = base + Math.max(have, k);
}

/** How many core values `t` flattens to (`flatten(t).length`, capped a little past 64), without building them. */
export function flatLength(t: RVal | undefined): number {
  if (t === undefined) return 0;
  if (typeof t === 'string') return t === 'string' ? 2 : 1;
  const b = t.body;
  switch (b.kind) {
    case 'primitive': return flatLength(b.type);
    case 'record': {
      let n = 0;
      for (const f of b.fields) n += flatLength(f.type);
      return n;
    }
    case 'tuple': {
      let n = 0;
      for (const x of b.types) n += flatLength(x);
      return n;
    }
    case 'list':
      if (b.length !== undefined) {
        const one = flatLength(b.element);
        return one === 0 ? 0 : Math.min(b.length, Math.floor(64 / one) + 1) * one;
      }
      return 2;
    case 'map': return 2;
    case 'flags': return b.names.length > 0 ? 1 : 0;
    case 'enum': return 1;
    case 'variant': {
      let m = 0;
      for (const c of b.cases) m = Math.max(m, flatLength(c.type));
      return 1 + m;
    }
    case 'option': return 1 + flatLength(b.type);
    case 'result': return 1 + Math.max(flatLength(b.ok), flatLength(b.err));
    default: return 1;
  }
}

/** The canonical ABI's limits on flat values passed directly (beyond them, through memory). */
export const MAX_FLAT_PARAMS = 16;
export const MAX_FLAT_ASYNC_PARAMS = 4;
export const MAX_FLAT_RESULTS = 1;

/** Core signature of `canon lift` / `canon lower` of `f` (sync or async, async lift with or without callback). */
export function coreSignature(f: RFunc, context: 'lift' | 'lower', async: boolean, callback: boolean, ptr = 'i32'): CoreSig {
  let params: string[] = [];
  for (const p of f.params) flatten(p.type, params, ptr);
  const flatResults = flatten(f.result, [], ptr);
  if (async && context === 'lower') {
    if (params.length > MAX_FLAT_ASYNC_PARAMS) params = [ptr];
    if (f.result !== undefined) params.push(ptr);
    return { params, results: ['i32'] };
  }
  if (params.length > MAX_FLAT_PARAMS) params = [ptr];
  if (async && context === 'lift') return { params, results: callback ? ['i32'] : [] };
  let results = flatResults;
  if (results.length > MAX_FLAT_RESULTS) {
    if (context === 'lift') results = [ptr];
    else {
      params.push(ptr);
      results = [];
    }
  }
  return { params, results };
}

/** Whether a value of this type needs memory (pointers) / an allocator when lowered through memory. */
export function containsPointer(t: RVal | undefined): boolean {
  if (t === undefined) return false;
  if (typeof t === 'string') return t === 'string';
  const b = t.body;
  switch (b.kind) {
    case 'primitive': return b.type === 'string';
    case 'list': return b.length === undefined || containsPointer(b.element);
    case 'map': return true;
    case 'record': return b.fields.some((f) => containsPointer(f.type));
    case 'tuple': return b.types.some(containsPointer);
    case 'variant': return b.cases.some((c) => containsPointer(c.type));
    case 'option': return containsPointer(b.type);
    case 'result': return containsPointer(b.ok) || containsPointer(b.err);
    default: return false;
  }
}
