/** Hand-assembled component binaries for tests: imports/exports of instance type, metadata, padding. */

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function str(s: string): number[] {
  const b = [...Buffer.from(s, 'utf8')];
  return [...leb(b.length), ...b];
}

function section(id: number, payload: number[] | Buffer): Buffer {
  const p = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  return Buffer.concat([Buffer.from([id, ...leb(p.length)]), p]);
}

export interface ComponentSpec {
  imports?: string[];
  exports?: string[];
  metadata?: Record<string, string>;
  /** Bytes of an extra custom section, to make big artifacts. */
  padding?: number;
}

/**
 * A valid component: one empty instance type; each import is an instance of it; each export re-exports
 * the first imported instance.
 */
export function buildComponent(spec: ComponentSpec = {}): Buffer {
  const imports = spec.imports ?? ['wasi:cli/stdout@0.2.0'];
  const exports = spec.exports ?? [];
  const parts: Buffer[] = [Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00])];
  parts.push(section(7, [0x01, 0x42, 0x00]));
  if (imports.length) parts.push(section(10, [...leb(imports.length), ...imports.flatMap((n) => [0x00, ...str(n), 0x05, 0x00])]));
  if (exports.length) parts.push(section(11, [...leb(exports.length), ...exports.flatMap((n) => [0x00, ...str(n), 0x05, 0x00, 0x00])]));
  for (const [k, v] of Object.entries(spec.metadata ?? {})) parts.push(section(0, [...str(k), ...Buffer.from(v, 'utf8')]));
  if (spec.padding) {
    const name = Buffer.from(str('weld-test-padding'));
    const body = Buffer.alloc(spec.padding);
    for (let i = 0; i < body.length; i += 4096) body.writeUInt32LE((i * 2654435761) >>> 0, i);
    parts.push(section(0, Buffer.concat([name, body])));
  }
  return Buffer.concat(parts);
}

/** A core module (layer 0): pushes as os wasip1 with no component info. */
export function buildModule(): Buffer {
  return Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
}
