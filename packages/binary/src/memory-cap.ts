import { BinaryError } from './error.js';
import { pushULeb } from './leb.js';

/**
 * Caps every linear memory of a core module (defined or imported) at `maxPages` 64 KiB pages by rewriting
 * its limits: a missing or larger maximum becomes `maxPages`, so `memory.grow` past it fails inside the guest
 * (malloc returns NULL) instead of the host committing it. A memory whose minimum is already larger cannot
 * run under the cap: that is a `limit-exceeded` error naming the byte offset. Everything else is copied as is.
 */
export function capCoreMemories(module: Uint8Array, maxPages: number): Uint8Array {
  if (module.length < 8 || module[0] !== 0 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d || module[4] !== 1) {
    throw new BinaryError('bad-magic', 'not a core wasm module', 0);
  }
  const out: number[] = Array.from(module.subarray(0, 8));
  let pos = 8;
  const u32 = (at: { p: number }): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = module[at.p++];
      if (b === undefined) throw new BinaryError('unexpected-end', 'unexpected end-of-file', at.p);
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  const skipLeb = (at: { p: number }) => {
    while ((module[at.p++]! & 0x80) !== 0) if (at.p > module.length) throw new BinaryError('unexpected-end', 'unexpected end-of-file', at.p);
  };
  /** Reads limits at `at`, writes the capped form to `into`. */
  const limits = (at: { p: number }, into: number[]) => {
    const start = at.p;
    const flags = module[at.p++]!;
    if (flags & 0x08) throw new BinaryError('unsupported-feature', 'memories with a custom page size cannot be capped', start);
    const min = u32(at);
    const max = flags & 0x01 ? u32(at) : undefined;
    if (min > maxPages) {
      throw new BinaryError('limit-exceeded', `a memory needs ${min} pages (${min * 64} KiB) at start, more than the cap of ${maxPages} pages`, start);
    }
    into.push(flags | 0x01);
    pushULeb(into, min);
    pushULeb(into, max === undefined ? maxPages : Math.min(max, maxPages));
  };
  const valType = (at: { p: number }) => {
    const b = module[at.p++]!;
    if (b === 0x63 || b === 0x64) skipLeb(at); // (ref null? heaptype)
  };
  while (pos < module.length) {
    const id = module[pos]!;
    const sizeAt = { p: pos + 1 };
    const size = u32(sizeAt);
    const bodyStart = sizeAt.p;
    const bodyEnd = bodyStart + size;
    if (bodyEnd > module.length) throw new BinaryError('unexpected-end', 'section extends past the end of the module', pos);
    if (id !== 2 && id !== 5) {
      for (let i = pos; i < bodyEnd; i++) out.push(module[i]!);
      pos = bodyEnd;
      continue;
    }
    const body: number[] = [];
    const at = { p: bodyStart };
    const count = u32(at);
    pushULeb(body, count);
    for (let n = 0; n < count; n++) {
      if (id === 5) {
        limits(at, body);
        continue;
      }
      const entryStart = at.p;
      for (let s = 0; s < 2; s++) {
        const len = u32(at);
        at.p += len;
      }
      const kind = module[at.p++]!;
      for (let i = entryStart; i < at.p; i++) body.push(module[i]!);
      if (kind === 0x02) {
        limits(at, body);
        continue;
      }
      const descStart = at.p;
      if (kind === 0x00) skipLeb(at);
      else if (kind === 0x01) {
        valType(at);
        const flags = module[at.p++]!;
        skipLeb(at);
        if (flags & 0x01) skipLeb(at);
      } else if (kind === 0x03) {
        valType(at);
        at.p++;
      } else if (kind === 0x04) {
        at.p++;
        skipLeb(at);
      } else throw new BinaryError('malformed-core-module', `unknown import kind 0x${kind.toString(16)}`, descStart - 1);
      for (let i = descStart; i < at.p; i++) body.push(module[i]!);
    }
    for (let i = at.p; i < bodyEnd; i++) body.push(module[i]!);
    out.push(id);
    pushULeb(out, body.length);
    for (const b of body) out.push(b);
    pos = bodyEnd;
  }
  return Uint8Array.from(out);
}
