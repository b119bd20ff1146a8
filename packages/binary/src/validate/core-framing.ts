import type { CoreModuleInfo } from '../read/module.js';

/**
 * The framing of a core module's code section, checked when the engine cannot validate the module (a proposal V8
 * lacks, such as memory64 or custom page sizes): one body per declared function, each body inside the section and the
 * bodies filling it exactly. Returns wasmparser's message for the first problem and its offset within the module.
 */
export function codeSectionProblem(bytes: Uint8Array, info: CoreModuleInfo): { message: string; at: number } | undefined {
  const code = info.sections.find((s) => s.id === 10);
  if (!code) return info.functions.length > 0 ? { message: 'function and code section have inconsistent lengths', at: bytes.length } : undefined;
  let pos = code.offset - info.offset + 1;
  const leb = (): number | undefined => {
    let n = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= bytes.length) return undefined;
      const b = bytes[pos++]!;
      n += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return n;
    }
    return undefined;
  };
  const size = leb();
  if (size === undefined) return { message: 'unexpected end-of-file', at: pos };
  const end = pos + size;
  const count = leb();
  if (count === undefined || pos > end) return { message: 'unexpected end-of-file', at: pos };
  if (count !== info.functions.length) return { message: 'function and code section have inconsistent lengths', at: pos };
  for (let i = 0; i < count; i++) {
    const start = pos;
    const body = leb();
    if (body === undefined || pos + body > end) return { message: 'unexpected end-of-file', at: start };
    pos += body;
  }
  return pos === end ? undefined : { message: 'trailing bytes at end of section', at: pos };
}
