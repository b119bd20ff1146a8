/** Reads an async byte stream in exact-size pieces without buffering more than one upstream chunk. */
export class ChunkReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private pending?: Uint8Array;
  private done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Yields up to `n` bytes (fewer only at end of stream). */
  async *take(n: number): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0) {
      let chunk = this.pending;
      this.pending = undefined;
      if (!chunk) {
        if (this.done) return;
        const r = await this.it.next();
        if (r.done) {
          this.done = true;
          return;
        }
        chunk = r.value;
      }
      if (chunk.byteLength > left) {
        this.pending = chunk.subarray(left);
        chunk = chunk.subarray(0, left);
      }
      left -= chunk.byteLength;
      yield chunk;
    }
  }

  async atEnd(): Promise<boolean> {
    if (this.pending && this.pending.byteLength > 0) return false;
    if (this.done) return true;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return true;
    }
    this.pending = r.value;
    return false;
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}
