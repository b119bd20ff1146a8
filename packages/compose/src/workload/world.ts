import { extractWit } from '@weld/binary';
import { interfaceIdString, type WorldKey } from '@weld/wit-tools';
import type { SourceSpan } from '@weld/core';
import { WorkloadError } from './errors.js';

/** What one component imports and exports, as full WIT names (`demo:calc/calc@0.1.0`, or a bare function name). */
export interface ComponentInterfaces {
  imports: string[];
  exports: string[];
}

/** Reads a component's world from its binary (pure: no file access). */
export function componentInterfaces(bytes: Uint8Array, what: string, span?: SourceSpan): ComponentInterfaces {
  let wit;
  try {
    wit = extractWit(bytes);
  } catch (e) {
    throw new WorkloadError('manifest-invalid', `${what}: not a readable component: ${(e as Error).message}`, { cause: e, span });
  }
  if (wit.kind !== 'component') throw new WorkloadError('manifest-invalid', `${what}: a binary WIT package, not a component`, { span });
  const { resolve, world } = wit;
  const names = (m: Map<WorldKey, { tag: string }>) => {
    const out: string[] = [];
    for (const [key, item] of m) {
      if (item.tag === 'type') continue;
      out.push(typeof key === 'string' ? key : (interfaceIdString(resolve, key) ?? String(key)));
    }
    return out;
  };
  const w = resolve.worlds[world]!;
  return { imports: names(w.imports), exports: names(w.exports) };
}
