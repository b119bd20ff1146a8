/**
 * weld's own `wasi:http/types` and `wasi:http/outgoing-handler`, run inside a serve worker. Body streams are the
 * runner's own (`wasi/io.ts`, whose classes jco accepts), and their pollables are ready at once: a read or a
 * check-write that has nothing to offer yet blocks the worker (it runs one request at a time) until the main thread
 * answers, instead of making the guest spin.
 */
import { hostAllowed, httpGrantHint, loopbackAuthority, type Grants } from '../grants.js';
import type { Denial } from '../host.js';
import { hostKit } from '../host-shim.js';
import { inputStream, outputStream } from '../wasi/io.js';
import { IN_FLIGHT, RESPONSE_BYTES_IN_FLIGHT, type ErrorCode, type HeaderList, type RequestStart, type SyncReply, type WorkerMessage } from './protocol.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const dispose: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('dispose');

/** What the types need from the worker: the main thread and the grants. */
export interface HttpLink {
  post(message: WorkerMessage, transfer?: ArrayBuffer[]): void;
  /** Posts `message` with a fresh `seq` and blocks until the main thread's reply to it. */
  call(message: WorkerMessage & { seq: number }): SyncReply;
  nextSeq(): number;
  grants: Grants;
  onDenied(denial: Denial): void;
  /** A pollable that is ready at once. */
  ready(): unknown;
}

/** Where a body's bytes go. */
interface Sink {
  /** Bytes the guest may write now; blocks until that is more than 0. */
  capacity(): number;
  write(bytes: Uint8Array): void;
  /** Blocks until everything written has left. */
  drain(): void;
  finish(trailers: HeaderList | undefined): void;
  abandon(): void;
}

/** Where a body's bytes come from: a chunk, or null at the end; throws an `ErrorCode` on failure. */
type Source = () => Uint8Array | null;

/** A body read from the main thread a chunk per `pull` until it answers that the body ended (or failed). */
function pulled(pull: () => SyncReply): { source: Source; ended(): boolean } {
  let ended = false;
  const source: Source = () => {
    if (ended) return null;
    const reply = pull();
    if ('chunk' in reply) return reply.chunk;
    if ('error' in reply) throw reply.error;
    ended = true;
    return null;
  };
  return { source, ended: () => ended };
}

const FORBIDDEN = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'transfer-encoding', 'upgrade', 'host', 'http2-settings']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function validValue(value: Uint8Array): boolean {
  for (const b of value) if ((b < 0x20 && b !== 0x09) || b === 0x7f) return false;
  return true;
}

function checkField(name: string, value?: Uint8Array): string {
  if (!TOKEN.test(name) || (value && !validValue(value))) throw { tag: 'invalid-syntax' };
  const lower = name.toLowerCase();
  if (FORBIDDEN.has(lower)) throw { tag: 'forbidden' };
  return lower;
}

/** Request headers as the guest sees them: without hop-by-hop and other forbidden fields. */
export function guestHeaders(headers: HeaderList): HeaderList {
  return headers.filter(([n]) => TOKEN.test(n) && !FORBIDDEN.has(n.toLowerCase())).map(([n, v]) => [n.toLowerCase(), v]);
}

const make: unique symbol = Symbol('make');

export function createWasiHttp(link: HttpLink) {

  class Fields {
    #entries: HeaderList = [];
    #immutable = false;
    static [make](entries: HeaderList, immutable: boolean): Fields {
      const f = new Fields();
      f.#entries = entries.map(([n, v]) => [n, v.slice()]);
      f.#immutable = immutable;
      return f;
    }
    static fromList(entries: HeaderList): Fields {
      return Fields[make](entries.map(([n, v]) => [checkField(n, v), v]), false);
    }
    static entriesOf(f: Fields): HeaderList {
      return f.#entries;
    }
    #mutable(): void {
      if (this.#immutable) throw { tag: 'immutable' };
    }
    get(name: string): Uint8Array[] {
      const key = name.toLowerCase();
      return this.#entries.filter(([n]) => n === key).map(([, v]) => v.slice());
    }
    has(name: string): boolean {
      const key = name.toLowerCase();
      return this.#entries.some(([n]) => n === key);
    }
    set(name: string, values: Uint8Array[]): void {
      this.#mutable();
      const key = checkField(name);
      for (const v of values) checkField(name, v);
      this.#entries = [...this.#entries.filter(([n]) => n !== key), ...values.map((v): [string, Uint8Array] => [key, v.slice()])];
    }
    delete(name: string): void {
      this.#mutable();
      const key = checkField(name);
      this.#entries = this.#entries.filter(([n]) => n !== key);
    }
    append(name: string, value: Uint8Array): void {
      this.#mutable();
      this.#entries.push([checkField(name, value), value.slice()]);
    }
    entries(): HeaderList {
      return this.#entries.map(([n, v]) => [n, v.slice()]);
    }
    clone(): Fields {
      return Fields[make](this.#entries, false);
    }
    [dispose](): void {}
  }

  const ownFields = (headers: unknown): HeaderList => {
    if (!(headers instanceof Fields)) throw new TypeError('not a wasi:http fields resource');
    return Fields.entriesOf(headers).map(([n, v]) => [n, v]);
  };

  /** A body's input stream: chunks from `source`, handed out as the guest asks; a failure stays failed. */
  const bodyInput = (source: Source): object => {
    let buffer: Uint8Array | null = null;
    let ended = false;
    let error: unknown;
    return inputStream({
      read(max) {
        if (!buffer || buffer.length === 0) {
          if (error) throw error;
          if (ended) return undefined;
          try {
            buffer = source();
          } catch (e) {
            const IoError = hostKit().io.error.Error as new (message: string) => object;
            const io = new IoError(`the body failed: ${(e as ErrorCode).tag ?? String(e)}`);
            errorCodes.set(io, e as ErrorCode);
            throw (error = { tag: 'last-operation-failed', val: io });
          }
          if (buffer === null) {
            ended = true;
            return undefined;
          }
        }
        const out = buffer.subarray(0, max);
        buffer = buffer.subarray(out.length);
        return out;
      },
    });
  };

  /** A body's output stream into `sink`; `close()` ends it when the body is finished or dropped. */
  const bodyOutput = (sink: Sink): { stream: object; close(): void } => {
    let closed = false;
    const stream = outputStream({
      closed: () => closed,
      capacity: () => sink.capacity(),
      // chunks are handed to the main thread, so each is a copy of its own; larger writes go in capacity-sized pieces
      write(bytes) {
        for (let at = 0; at < bytes.length; ) {
          const n = Math.max(1, Math.min(sink.capacity(), bytes.length - at));
          sink.write(bytes.slice(at, at + n));
          at += n;
        }
      },
      flush: () => sink.drain(),
    });
    return { stream, close: () => void (closed = true) };
  };

  /** An `incoming-body` (request or response): one stream, then `finish` for the trailers. */
  class IncomingBody {
    #source: Source;
    #onFinish: () => void;
    #streamed = false;
    constructor(source: Source, onFinish: () => void) {
      if (typeof source !== 'function') throw new TypeError('incoming-body has no constructor');
      this.#source = source;
      this.#onFinish = onFinish;
    }
    stream(): object {
      if (this.#streamed) throw undefined;
      this.#streamed = true;
      return bodyInput(this.#source);
    }
    static finish(body: IncomingBody): FutureTrailers {
      body.#onFinish();
      return new FutureTrailers(undefined);
    }
    [dispose](): void {
      this.#onFinish();
    }
  }

  class FutureTrailers {
    #trailers: HeaderList | undefined;
    #taken = false;
    constructor(trailers: HeaderList | undefined) {
      this.#trailers = trailers;
    }
    subscribe(): unknown {
      return link.ready();
    }
    get(): unknown {
      if (this.#taken) return { tag: 'err', val: undefined };
      this.#taken = true;
      return { tag: 'ok', val: { tag: 'ok', val: this.#trailers && Fields[make](this.#trailers, true) } };
    }
    [dispose](): void {}
  }

  class OutgoingBody {
    #sink: Sink;
    #stream: { stream: object; close(): void } | undefined;
    #finished = false;
    constructor(sink: Sink) {
      if (!sink || typeof (sink as Sink).write !== 'function') throw new TypeError('outgoing-body has no constructor');
      this.#sink = sink;
    }
    write(): object {
      if (this.#stream) throw undefined;
      return (this.#stream = bodyOutput(this.#sink)).stream;
    }
    static finish(body: OutgoingBody, trailers: unknown): void {
      body.#finished = true;
      body.#stream?.close();
      body.#sink.finish(trailers === undefined ? undefined : ownFields(trailers));
    }
    [dispose](): void {
      if (!this.#finished) {
        this.#finished = true;
        this.#stream?.close();
        this.#sink.abandon();
      }
    }
  }

  const methodName = (m: { tag: string; val?: string }) => (m.tag === 'other' ? m.val! : m.tag.toUpperCase());
  const methodVariant = (name: string) => {
    const lower = name.toLowerCase();
    return ['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch'].includes(lower) && name === name.toUpperCase()
      ? { tag: lower }
      : { tag: 'other', val: name };
  };
  const schemeName = (s: { tag: string; val?: string } | undefined) => (s ? (s.tag === 'other' ? s.val! : s.tag.toLowerCase()) : 'https');

  // ---- the incoming side: one request and its response-outparam ----

  /** The state of the request the worker runs now. */
  interface Incoming {
    id: number;
    flight: Int32Array;
    responseSet: boolean;
    bodyOpen: boolean;
    failure: string | undefined;
  }
  let current: Incoming | undefined;

  class IncomingRequest {
    #start: RequestStart;
    #consumed = false;
    constructor(start: RequestStart) {
      if (!start || start.type !== 'request') throw new TypeError('incoming-request has no constructor');
      this.#start = start;
    }
    method(): unknown {
      return methodVariant(this.#start.method);
    }
    pathWithQuery(): string | undefined {
      return this.#start.pathWithQuery;
    }
    scheme(): unknown {
      return { tag: this.#start.scheme === 'https' ? 'HTTPS' : 'HTTP' };
    }
    authority(): string | undefined {
      return this.#start.authority;
    }
    headers(): Fields {
      return Fields[make](this.#start.headers, true);
    }
    consume(): IncomingBody {
      if (this.#consumed) throw undefined;
      this.#consumed = true;
      const id = this.#start.id;
      return new IncomingBody(pulled(() => link.call({ type: 'pull', seq: link.nextSeq(), id })).source, () => undefined);
    }
    [dispose](): void {}
  }

  /** The response body of the current request: chunks go to the main thread, at most RESPONSE_BYTES_IN_FLIGHT unwritten. */
  function responseSink(req: Incoming): Sink & { attach(): void } {
    let attached = false;
    let early: Uint8Array[] = [];
    let earlyEnd: { trailers: HeaderList | undefined } | undefined;
    const flight = req.flight;
    const waitBelow = (limit: number) => {
      for (;;) {
        const now = Atomics.load(flight, IN_FLIGHT);
        if (now < limit) return now;
        Atomics.wait(flight, IN_FLIGHT, now);
      }
    };
    const send = (bytes: Uint8Array) => {
      Atomics.add(flight, IN_FLIGHT, bytes.length);
      link.post({ type: 'chunk', id: req.id, bytes }, [bytes.buffer as ArrayBuffer]);
    };
    const end = (trailers: HeaderList | undefined) => {
      req.bodyOpen = false;
      link.post({ type: 'end', id: req.id, trailers });
    };
    return {
      capacity: () => (attached ? RESPONSE_BYTES_IN_FLIGHT - waitBelow(RESPONSE_BYTES_IN_FLIGHT) : RESPONSE_BYTES_IN_FLIGHT),
      write(bytes) {
        if (!attached) early.push(bytes);
        else send(bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice());
      },
      // A flush hands the bytes to the server; it waits only while the client is too far behind (back-pressure),
      // not for every chunk to reach the socket, which would cost a round trip to the main thread per write.
      drain: () => void (attached && waitBelow(RESPONSE_BYTES_IN_FLIGHT)),
      finish(trailers) {
        if (attached) end(trailers);
        else earlyEnd = { trailers };
      },
      abandon() {
        req.failure ??= 'the component dropped the response body without finishing it';
      },
      attach() {
        attached = true;
        for (const bytes of early) send(bytes);
        early = [];
        if (earlyEnd) end(earlyEnd.trailers);
      },
    };
  }

  class OutgoingResponse {
    #status = 200;
    #headers: HeaderList;
    #body: OutgoingBody | undefined;
    #sink: (Sink & { attach(): void }) | undefined;
    constructor(headers: unknown) {
      this.#headers = ownFields(headers);
    }
    static parts(r: OutgoingResponse) {
      return { status: r.#status, headers: r.#headers, sink: r.#sink };
    }
    statusCode(): number {
      return this.#status;
    }
    setStatusCode(code: number): void {
      // Any u16 is taken; one Node refuses breaks the response on the main thread (see pool.ts).
      this.#status = code;
    }
    headers(): Fields {
      return Fields[make](this.#headers, true);
    }
    body(): OutgoingBody {
      if (this.#body || !current) throw undefined;
      current.bodyOpen = true;
      this.#sink = responseSink(current);
      return (this.#body = new OutgoingBody(this.#sink));
    }
    [dispose](): void {}
  }

  class ResponseOutparam {
    #id: number;
    constructor(id: number) {
      if (typeof id !== 'number') throw new TypeError('response-outparam has no constructor');
      this.#id = id;
    }
    static set(param: ResponseOutparam, response: { tag: 'ok' | 'err'; val: unknown }): void {
      const req = current;
      if (!req || req.id !== param.#id || req.responseSet) return;
      req.responseSet = true;
      if (response.tag === 'err') {
        req.failure = `the component answered with an error: ${JSON.stringify(response.val)}`;
        return;
      }
      const { status, headers, sink } = OutgoingResponse.parts(response.val as OutgoingResponse);
      link.post({ type: 'head', id: req.id, status, headers: headers.filter(([n]) => !FORBIDDEN.has(n)) });
      if (sink) sink.attach();
      else link.post({ type: 'end', id: req.id, trailers: undefined });
    }
    [dispose](): void {}
  }

  // ---- the outgoing side: requests the guest sends, through the main thread ----

  const errorCodes = new WeakMap<object, ErrorCode>();
  let nextFetch = 0;

  class OutgoingRequest {
    #headers: HeaderList;
    #method: { tag: string; val?: string } = { tag: 'get' };
    #path: string | undefined;
    #scheme: { tag: string; val?: string } | undefined;
    #authority: string | undefined;
    #body: { chunks: Uint8Array[]; finished: boolean; onFinish?: () => void } | undefined;
    constructor(headers: unknown) {
      this.#headers = ownFields(headers);
    }
    static parts(r: OutgoingRequest) {
      return { method: methodName(r.#method), path: r.#path, scheme: r.#scheme, authority: r.#authority, headers: r.#headers, body: r.#body };
    }
    body(): OutgoingBody {
      if (this.#body) throw undefined;
      const body: { chunks: Uint8Array[]; finished: boolean; onFinish?: () => void } = (this.#body = { chunks: [], finished: false });
      return new OutgoingBody({
        capacity: () => 65536,
        write: (bytes) => void body.chunks.push(bytes),
        drain: () => undefined,
        finish: () => {
          body.finished = true;
          body.onFinish?.();
        },
        abandon: () => undefined,
      });
    }
    method(): unknown {
      return this.#method;
    }
    setMethod(m: { tag: string; val?: string }): void {
      if (m.tag === 'other' && !TOKEN.test(m.val ?? '')) throw undefined;
      this.#method = m;
    }
    pathWithQuery(): string | undefined {
      return this.#path;
    }
    setPathWithQuery(p: string | undefined): void {
      if (p !== undefined && /[\s\x00-\x1f\x7f]/.test(p)) throw undefined;
      this.#path = p;
    }
    scheme(): unknown {
      return this.#scheme;
    }
    setScheme(s: { tag: string; val?: string } | undefined): void {
      if (s?.tag === 'other' && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(s.val ?? '')) throw undefined;
      this.#scheme = s;
    }
    authority(): string | undefined {
      return this.#authority;
    }
    setAuthority(a: string | undefined): void {
      if (a !== undefined && !/^[^\s/?#@]*$/.test(a)) throw undefined;
      this.#authority = a;
    }
    headers(): Fields {
      return Fields[make](this.#headers, true);
    }
    [dispose](): void {}
  }

  class RequestOptions {
    #connect: bigint | undefined;
    #firstByte: bigint | undefined;
    #betweenBytes: bigint | undefined;
    static timeoutMs(o: RequestOptions | undefined): number | undefined {
      if (!o) return undefined;
      const all = [o.#connect, o.#firstByte].filter((d): d is bigint => d !== undefined);
      return all.length ? Number(all.reduce((a, b) => a + b, 0n) / 1_000_000n) : undefined;
    }
    connectTimeout(): bigint | undefined {
      return this.#connect;
    }
    setConnectTimeout(d: bigint | undefined): void {
      this.#connect = d;
    }
    firstByteTimeout(): bigint | undefined {
      return this.#firstByte;
    }
    setFirstByteTimeout(d: bigint | undefined): void {
      this.#firstByte = d;
    }
    betweenBytesTimeout(): bigint | undefined {
      return this.#betweenBytes;
    }
    setBetweenBytesTimeout(d: bigint | undefined): void {
      this.#betweenBytes = d;
    }
    [dispose](): void {}
  }

  class IncomingResponse {
    #fid: number;
    #status: number;
    #headers: HeaderList;
    #consumed = false;
    constructor(fid: number, status: number, headers: HeaderList) {
      if (typeof fid !== 'number') throw new TypeError('incoming-response has no constructor');
      this.#fid = fid;
      this.#status = status;
      this.#headers = headers;
    }
    status(): number {
      return this.#status;
    }
    headers(): Fields {
      return Fields[make](guestHeaders(this.#headers), true);
    }
    consume(): IncomingBody {
      if (this.#consumed) throw undefined;
      this.#consumed = true;
      const fid = this.#fid;
      const body = pulled(() => link.call({ type: 'fetch-pull', seq: link.nextSeq(), fid }));
      let dropped = false;
      return new IncomingBody(body.source, () => {
        if (!dropped && !body.ended()) link.post({ type: 'fetch-drop', fid });
        dropped = true;
      });
    }
    [dispose](): void {
      if (!this.#consumed) link.post({ type: 'fetch-drop', fid: this.#fid });
    }
  }

  class FutureIncomingResponse {
    #fid: number;
    #sent: () => boolean;
    #result: { tag: 'ok' | 'err'; val: unknown } | undefined;
    #taken = false;
    constructor(fid: number, sent: () => boolean) {
      if (typeof fid !== 'number') throw new TypeError('future-incoming-response has no constructor');
      this.#fid = fid;
      this.#sent = sent;
    }
    subscribe(): unknown {
      return link.ready();
    }
    get(): unknown {
      if (this.#taken) return { tag: 'err', val: undefined };
      if (!this.#sent()) return undefined;
      if (!this.#result) {
        const reply = link.call({ type: 'fetch-head', seq: link.nextSeq(), fid: this.#fid });
        this.#result =
          'status' in reply ? { tag: 'ok', val: new IncomingResponse(this.#fid, reply.status, reply.headers) } : { tag: 'err', val: 'error' in reply ? reply.error : { tag: 'internal-error', val: 'no response' } };
      }
      this.#taken = true;
      return { tag: 'ok', val: this.#result };
    }
    [dispose](): void {}
  }

  const outgoingHandler = {
    handle(request: OutgoingRequest, options: RequestOptions | undefined): FutureIncomingResponse {
      const { method, path, scheme, authority, headers, body } = OutgoingRequest.parts(request);
      const name = schemeName(scheme);
      if (name !== 'http' && name !== 'https') throw { payload: { tag: 'HTTP-protocol-error' } };
      if (!authority || !hostAllowed(link.grants, authority, name)) {
        link.onDenied({ capability: 'http', attempted: `HTTP request to ${name}://${authority ?? ''}`, grant: httpGrantHint(authority, name) });
        throw Object.assign(new Error('HTTP-request-denied'), { payload: { tag: 'HTTP-request-denied' } });
      }
      const fid = ++nextFetch;
      let sent = false;
      const send = () => {
        sent = true;
        const bytes = body?.chunks.length ? Buffer.concat(body.chunks) : undefined;
        link.post({ type: 'fetch', fid, method, url: `${name}://${loopbackAuthority(authority)}${path ?? '/'}`, headers, body: bytes, timeoutMs: RequestOptions.timeoutMs(options) });
      };
      if (body && !body.finished) body.onFinish = send;
      else send();
      return new FutureIncomingResponse(fid, () => sent);
    },
  };

  const types = {
    Fields,
    IncomingRequest,
    IncomingBody,
    FutureTrailers,
    OutgoingResponse,
    OutgoingBody,
    ResponseOutparam,
    OutgoingRequest,
    RequestOptions,
    FutureIncomingResponse,
    IncomingResponse,
    httpErrorCode(err: object): ErrorCode | undefined {
      return errorCodes.get(err);
    },
  };

  /** Runs one request through `handle` (the guest's export) and says how it went. */
  function serve(start: RequestStart, handle: (request: IncomingRequest, out: ResponseOutparam) => void): string | undefined {
    const req: Incoming = (current = { id: start.id, flight: new Int32Array(start.flight), responseSet: false, bodyOpen: false, failure: undefined });
    try {
      handle(new IncomingRequest(start), new ResponseOutparam(start.id));
      if (!req.responseSet) return 'the component returned without setting a response';
      if (req.failure) return req.failure;
      if (req.bodyOpen) return 'the component returned without finishing the response body';
      return undefined;
    } catch (e) {
      return `the component trapped: ${(e as Error)?.message ?? String(e)}`;
    } finally {
      current = undefined;
    }
  }

  return { types, outgoingHandler, serve };
}
