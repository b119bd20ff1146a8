/**
 * A growable byte buffer. LEB128 writes are counted per section in the same order the reader counts them, so a
 * section decoded with non-minimal LEBs (recorded as `widths`) is written back with the same widths.
 */
const UTF8 = new TextEncoder();

export class Writer {
  private buf: Uint8Array;
  len = 0;
  private lebCount = 0;
  private widths: Record<number, number> | undefined;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  useWidths(widths: Record<number, number> | undefined): void {
    this.lebCount = 0;
    this.widths = widths;
  }

  u8(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  private width(): number | undefined {
    const ordinal = this.lebCount++;
    return this.widths?.[ordinal];
  }

  u32(v: number): void {
    this.leb(v, this.width(), false);
  }

  u64(v: bigint): void {
    const width = this.width();
    this.reserve(11);
    let n = 0;
    for (;;) {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      n++;
      const more = width !== undefined ? n < width : v !== 0n;
      this.buf[this.len++] = more ? byte | 0x80 : byte;
      if (!more) return;
    }
  }

  s33(v: number): void {
    this.leb(v, this.width(), true);
  }

  /** Unsigned LEB without counting (section sizes, which are tracked separately). */
  rawU32(v: number, width?: number): void {
    this.leb(v, width, false);
  }

  private leb(v: number, width: number | undefined, signed: boolean): void {
    this.reserve(10);
    let n = 0;
    for (;;) {
      const byte = v % 128;
      v = Math.floor(v / 128);
      n++;
      const more = width !== undefined ? n < width : signed ? v !== 0 || (byte & 0x40) !== 0 : v !== 0;
      this.buf[this.len++] = more ? byte | 0x80 : byte;
      if (!more) return;
    }
  }

  string(s: string): void {
    const b = UTF8.encode(s);
    this.u32(b.length);
    this.bytes(b);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
