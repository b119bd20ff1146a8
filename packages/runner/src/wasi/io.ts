import { hostKit } from '../host-shim.js';

/**
 * Streams the runner owns (files, stdio) as `wasi:io/streams` resources.
 *
 * The guest's `wasi:io/streams` and `wasi:io/poll` classes stay preview2-shim's, because its sockets and HTTP
 * client hand out streams and pollables of those classes and jco checks every returned resource with
 * `instanceof`. Ours are subclasses that override every method, so no call on them reaches the shim's I/O
 * worker; "ready now" pollables are zero-length clock subscriptions.
 */

/**
 * Where an input stream's bytes come from. `undefined` means end of stream. A thrown stream-error payload
 * (`{ tag: 'last-operation-failed', val }`) reaches the guest as it is; anything else thrown becomes one.
 */
export interface ByteSource {
  read(max: number): Uint8Array | undefined;
  close?(): void;
}

/** Where an output stream's bytes go; `write` blocks until the bytes are taken (back-pressure). */
export interface ByteSink {
  write(bytes: Uint8Array): void;
  /** Bytes the guest may write now without blocking. */
  capacity(): number;
  /** Waits until what was written has been handed on (`blocking-flush`). */
  flush?(): void;
  /** No more writes: every call answers `closed`. */
  closed?(): boolean;
}

export type StreamErrorPayload = { tag: 'closed' } | { tag: 'last-operation-failed'; val: Error };

const CLOSED: StreamErrorPayload = Object.freeze({ tag: 'closed' });

function failed(e: unknown): StreamErrorPayload {
  if ((e as StreamErrorPayload | undefined)?.tag === 'last-operation-failed') return e as StreamErrorPayload;
  const IoError = hostKit().io.error.Error as new (message: string) => Error;
  const err = new IoError((e as Error)?.message ?? String(e));
  Object.assign(err, { code: (e as { payload?: string }).payload });
  return { tag: 'last-operation-failed', val: err };
}

type PollableLike = { ready(): boolean; block(): void };
let ReadyPollable: (new () => PollableLike) | undefined;

/**
 * A pollable that is ready now, answered here: the shim's own would cost a synchronous round trip to its I/O
 * thread for every subscribe, which a guest polling its streams pays on every read and write. It is a
 * subclass of the shim's `Pollable`, so jco accepts it, and `pollList` answers for it without the shim.
 */
export function readyPollable(): object {
  if (!ReadyPollable) {
    const Base = (hostKit().io.poll as { Pollable: new () => PollableLike }).Pollable;
    ReadyPollable = class extends Base {
      override ready(): boolean {
        return true;
      }
      override block(): void {}
    };
  }
  return new ReadyPollable();
}

/**
 * `wasi:io/poll.poll`: when the list holds pollables that are ready by construction, their indices are the
 * answer at once (poll returns the ready ones, at least one); otherwise the shim waits on its own.
 */
export function pollList(list: object[]): Uint32Array {
  const ready: number[] = [];
  if (ReadyPollable) for (let i = 0; i < list.length; i++) if (list[i] instanceof ReadyPollable) ready.push(i);
  if (ready.length > 0) return Uint32Array.from(ready);
  return (hostKit().io.poll as { poll(list: object[]): Uint32Array }).poll(list);
}

type StreamClass<T> = new (endpoint: T) => object;
let classes: { Input: StreamClass<ByteSource>; Output: StreamClass<ByteSink> } | undefined;

function streamClasses(): NonNullable<typeof classes> {
  if (classes) return classes;
  const { InputStream, OutputStream } = hostKit().io.streams as { InputStream: new () => object; OutputStream: new () => object };

  class SourceStream extends InputStream {
    readonly #source: ByteSource;
    #closed = false;
    constructor(source: ByteSource) {
      super();
      this.#source = source;
    }
    read(len: bigint): Uint8Array {
      if (this.#closed) throw CLOSED;
      if (len === 0n) return new Uint8Array(0);
      let bytes: Uint8Array | undefined;
      try {
        bytes = this.#source.read(Number(len > 0x100000n ? 0x100000n : len));
      } catch (e) {
        throw failed(e);
      }
      if (bytes === undefined) {
        this.#closed = true;
        throw CLOSED;
      }
      return bytes;
    }
    blockingRead(len: bigint): Uint8Array {
      return this.read(len);
    }
    skip(len: bigint): bigint {
      return BigInt(this.read(len).length);
    }
    blockingSkip(len: bigint): bigint {
      return this.skip(len);
    }
    subscribe(): object {
      return readyPollable();
    }
    [Symbol.dispose](): void {
      this.#source.close?.();
    }
  }

  class SinkStream extends OutputStream {
    readonly #sink: ByteSink;
    constructor(sink: ByteSink) {
      super();
      this.#sink = sink;
    }
    #open(): void {
      if (this.#sink.closed?.()) throw CLOSED;
    }
    checkWrite(): bigint {
      this.#open();
      return BigInt(this.#sink.capacity());
    }
    write(bytes: Uint8Array): void {
      this.#open();
      if (bytes.length === 0) return;
      try {
        this.#sink.write(bytes);
      } catch (e) {
        throw failed(e);
      }
    }
    blockingWriteAndFlush(bytes: Uint8Array): void {
      this.write(bytes);
      this.blockingFlush();
    }
    /** A request to flush: the bytes are already on their way. */
    flush(): void {
      this.#open();
    }
    blockingFlush(): void {
      this.#open();
      try {
        this.#sink.flush?.();
      } catch (e) {
        throw failed(e);
      }
    }
    writeZeroes(len: bigint): void {
      this.write(new Uint8Array(Number(len)));
    }
    blockingWriteZeroesAndFlush(len: bigint): void {
      this.blockingWriteAndFlush(new Uint8Array(Number(len)));
    }
    splice(src: { read(len: bigint): Uint8Array }, len: bigint): bigint {
      this.#open();
      const bytes = src.read(BigInt(Math.min(Number(len), this.#sink.capacity())));
      this.write(bytes);
      return BigInt(bytes.length);
    }
    blockingSplice(src: { blockingRead(len: bigint): Uint8Array }, len: bigint): bigint {
      this.#open();
      const bytes = src.blockingRead(BigInt(Math.min(Number(len), this.#sink.capacity())));
      this.blockingWriteAndFlush(bytes);
      return BigInt(bytes.length);
    }
    subscribe(): object {
      return readyPollable();
    }
  }

  return (classes = { Input: SourceStream, Output: SinkStream });
}

export function inputStream(source: ByteSource): object {
  return new (streamClasses().Input)(source);
}

export function outputStream(sink: ByteSink): object {
  return new (streamClasses().Output)(sink);
}
