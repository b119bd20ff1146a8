import { BinaryError, type BinaryErrorCode } from './error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Recently read ASCII names, direct-mapped by a hash of their bytes (see `Reader.string`). */
const NAME_TABLE_SIZE = 2048;
const nameTable: string[] = new Array<string>(NAME_TABLE_SIZE).fill('');

/** Bytes needed for `v` as a minimal unsigned LEB128. */
export function uLebSize(v: number): number {
  let n = 1;
  while (v >= 0x80) { v = Math.floor(v / 128); n++; }
  return n;
}

/** Bytes needed for a non-negative `v` as a minimal signed LEB128. */
export function sLebSize(v: number): number {
  let n = 1;
  while (v >= 0x40) { v = Math.floor(v / 128); n++; }
  return n;
}

/**
 * A cursor over one input buffer. Positions are absolute offsets into the outermost input, so errors can name
 * them directly. Every LEB128 read is counted; a non-minimal one records its width under its ordinal so the writer
 * can reproduce the exact bytes (see `Writer`).
 */
export class Reader {
  pos: number;
  section = '';
  private lebCount = 0;
  private widths: Record<number, number> | undefined;

  constructor(readonly buf: Uint8Array, start: number, public end: number) {
    this.pos = start;
  }

  fail(code: BinaryErrorCode, message: string, at = this.pos): never {
    throw new BinaryError(code, message, at, this.section || undefined);
  }

  /** Starts counting LEBs for one section payload. */
  beginWidths(): void {
    this.lebCount = 0;
    this.widths = undefined;
  }

  /** Non-minimal LEB widths recorded since `beginWidths`, or undefined when every LEB was minimal. */
  takeWidths(): Record<number, number> | undefined {
    const w = this.widths;
    this.widths = undefined;
    return w;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected-end', 'unexpected end-of-file');
    return this.buf[this.pos++];
  }

  peek(): number {
    if (this.pos >= this.end) this.fail('unexpected-end', 'unexpected end-of-file');
    return this.buf[this.pos];
  }

  u32(): number {
    const start = this.pos;
    // most LEBs are one byte: skip the general loop (and its width bookkeeping beyond the count)
    if (start < this.end) {
      const b = this.buf[start];
      if (b < 0x80) {
        this.pos = start + 1;
        this.lebCount++;
        return b;
      }
    }
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      if (shift === 28) {
        if (b & 0x80) this.fail('invalid-leb', 'invalid var_u32: integer representation too long', start);
        if (b & 0x70) this.fail('invalid-leb', 'invalid var_u32: integer too large', start);
      }
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    this.noteWidth(this.pos - start, uLebSize(result));
    return result;
  }

  u64(): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; ; i++) {
      const b = this.u8();
      if (i === 9 && (b & 0x80 || b & 0x7e)) this.fail('invalid-leb', 'invalid var_u64: integer too large', start);
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7n;
    }
    let minimal = 1;
    for (let v = result; v >= 0x80n; v >>= 7n) minimal++;
    this.noteWidth(this.pos - start, minimal);
    return result;
  }

  /** A non-negative s33 (type index position); negative values are type codes and handled by callers via `peek`. */
  s33(): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    let b: number;
    for (;;) {
      b = this.u8();
      if (shift === 28) {
        if (b & 0x80) this.fail('invalid-leb', 'invalid var_s33: integer representation too long', start);
        const sign = b & 0x08 ? 0x70 : 0;
        if ((b & 0x70) !== sign) this.fail('invalid-leb', 'invalid var_s33: integer too large', start);
      }
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if (b & 0x40) result -= 2 ** shift;
    if (result < 0) this.fail('invalid-leb', 'expected a type index, found a negative number', start);
    if (result > 0xffffffff) this.fail('invalid-leb', 'type index out of range', start);
    this.noteWidth(this.pos - start, sLebSize(result));
    return result;
  }

  /** Skips one LEB128 of at most `maxBytes` bytes without recording it (core module scanning). */
  skipLeb(maxBytes: number): void {
    const start = this.pos;
    for (let i = 0; ; i++) {
      if (i >= maxBytes) this.fail('invalid-leb', 'integer representation too long', start);
      if (!(this.u8() & 0x80)) return;
    }
  }

  private noteWidth(actual: number, minimal: number): void {
    const ordinal = this.lebCount++;
    if (actual !== minimal) (this.widths ??= {})[ordinal] = actual;
  }

  bytes(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail('unexpected-end', `unexpected end-of-file (need ${n} bytes, have ${this.end - this.pos})`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    const at = this.pos;
    const len = this.u32();
    if (len > 100_000) this.fail('limit-exceeded', `string of ${len} bytes is too long`, at);
    if (len > this.end - this.pos) this.fail('unexpected-end', `unexpected end-of-file (need ${len} bytes, have ${this.end - this.pos})`);
    // names are short ASCII almost always and repeat a lot (import names, interface names): they come from a small
    // table of strings already built, compared byte for byte, so a repeated name costs no allocation at all
    if (len <= 64) {
      const buf = this.buf;
      const pos = this.pos;
      const stop = pos + len;
      let h = len;
      let i = pos;
      for (; i < stop; i++) {
        const b = buf[i]!;
        if (b >= 0x80) break;
        h = (Math.imul(h, 31) + b) | 0;
      }
      if (i === stop) {
        this.pos = stop;
        const slot = (h ^ (h >>> 15)) & (NAME_TABLE_SIZE - 1);
        const known = nameTable[slot]!;
        if (known.length === len) {
          let j = 0;
          while (j < len && known.charCodeAt(j) === buf[pos + j]) j++;
          if (j === len) return known;
        }
        const name = len === 0 ? '' : String.fromCharCode.apply(null, buf.subarray(pos, stop) as unknown as number[]);
        nameTable[slot] = name;
        return name;
      }
    }
    const raw = this.bytes(len);
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail('invalid-utf8', 'malformed UTF-8 encoding', at);
    }
  }

  /** A vector length, bounded so a corrupted count fails fast instead of allocating. */
  count(what: string, max = 1_000_000): number {
    const at = this.pos;
    const n = this.u32();
    if (n > max) this.fail('limit-exceeded', `${what} size is out of bounds (${n}; the limit is ${max})`, at);
    if (n > this.end - this.pos) this.fail('unexpected-end', `unexpected end-of-file (${what} count ${n} exceeds the remaining ${this.end - this.pos} bytes)`, at);
    return n;
  }

  vec<T>(what: string, item: () => T, max?: number): T[] {
    const n = this.count(what, max);
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = item();
    return out;
  }

  leading(what: string, b: number, at = this.pos - 1): never {
    return this.fail('invalid-leading-byte', `invalid leading byte (0x${b.toString(16)}) for ${what}`, at);
  }
}
