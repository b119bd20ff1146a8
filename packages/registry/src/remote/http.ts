/**
 * One HTTP exchange over Node's own `http`/`https` (native llhttp, loaded with Node): a registry command pays
 * neither the ~90 ms load of the undici package nor its WebAssembly parser's warm-up on a first large upload
 * (measured: a 200 MB streamed PUT costs ~160 ms of CPU here against ~230–400 ms through undici).
 * Bodies stream both ways with backpressure; nothing is buffered beyond one chunk.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { open } from 'node:fs/promises';
import { fileProblem, type FileProblemCode } from '@weld/core';

/** Connection pools for plain and TLS hosts (keep-alive, so a push's requests share connections). */
export interface HttpAgents {
  http: HttpAgent;
  https: HttpsAgent;
}

export function createAgents(maxSockets = 32): HttpAgents {
  // `timeout` closes a pooled connection idle for 10 s (Node's agent applies it to free sockets only)
  const opts = { keepAlive: true, timeout: 10_000, maxSockets };
  return { http: new HttpAgent(opts), https: new HttpsAgent(opts) };
}

/**
 * A byte range of a file as a request body: read into a few buffers that are reused once the socket has taken
 * them (no new memory per piece: a 200 MB upload costs less CPU and RSS than through a read stream), and it
 * fails as `CONTENT_LENGTH_MISMATCH` if the file ends before the range does.
 */
export interface FileBody {
  file: string;
  start: number;
  length: number;
  /** Called with each piece's size once it is handed to the socket (progress). */
  onBytes?: (n: number) => void;
  /**
   * Sent with no length (chunked), so it can end early: once `stop` fires, no further piece is read and the body
   * ends where it is, a complete request the other side answers (a registry's upload then holds what came).
   */
  stop?: AbortSignal;
}

/** Pieces a file body is read in, and how many may be in flight (read ahead or queued on the socket). */
const FILE_PIECE_BYTES = 1 << 20;
const FILE_PIECES = 4;

export interface HttpRequestOptions {
  method: string;
  headers?: Record<string, string>;
  /** A Buffer or string is sent as is; an async iterable streams (and must match a given content-length); a file range is read as it is sent. */
  body?: Uint8Array | string | AsyncIterable<Uint8Array> | FileBody;
  agents?: HttpAgents;
  /**
   * Longest silence allowed: to connect, while the other side reads the request, before the response headers
   * and between pieces of the response body. Default: none.
   */
  timeoutMs?: number;
  /** Time allowed to connect. Default: `timeoutMs`. */
  connectTimeoutMs?: number;
}

/** A response body: read it to the end (iterate, `text()`) or `dump()` it, so its connection can be reused. */
export interface ResponseBody extends AsyncIterable<Uint8Array> {
  dump(): Promise<void>;
  text(): Promise<string>;
}

export interface HttpResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: ResponseBody;
}

/** Failure codes of this module, next to Node's socket codes (ECONNRESET, ECONNREFUSED, …). */
export type HttpErrorCode = 'CONNECT_TIMEOUT' | 'TIMEOUT' | 'CONTENT_LENGTH_MISMATCH' | 'BODY_UNREADABLE';

export class HttpError extends Error {
  /** For `BODY_UNREADABLE`: how the file failed to be read. */
  readonly fileProblem?: FileProblemCode;

  constructor(
    readonly code: HttpErrorCode,
    message: string,
    options?: { cause?: unknown; fileProblem?: FileProblemCode },
  ) {
    super(message, options);
    this.fileProblem = options?.fileProblem;
    this.name = 'HttpError';
  }
}

let defaultAgents: HttpAgents | undefined;

export async function sendHttp(url: string | URL, options: HttpRequestOptions): Promise<HttpResponse> {
  const u = typeof url === 'string' ? new URL(url) : url;
  const tls = u.protocol === 'https:';
  const agents = options.agents ?? (defaultAgents ??= createAgents());
  const headers = { ...options.headers };
  const body = options.body;
  if ((typeof body === 'string' || body instanceof Uint8Array) && headers['content-length'] === undefined) {
    headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  }
  if (isFileBody(body) && !body.stop) headers['content-length'] ??= String(body.length);
  const req = (tls ? httpsRequest : httpRequest)(u, { method: options.method, headers, agent: tls ? agents.https : agents.http });
  let early: IncomingMessage | undefined;
  if (options.timeoutMs) guardSilence(req, () => early, u.host, options.timeoutMs, options.connectTimeoutMs ?? options.timeoutMs);
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', (r: IncomingMessage) => resolve((early = r)));
    req.once('error', reject);
  });
  response.catch(() => undefined); // awaited below, after the body is sent
  let res: IncomingMessage;
  try {
    const sent = await sendBody(req, body, headers['content-length'], response);
    res = await response;
    // answered before the whole body went (an error status): this connection cannot carry another request
    if (sent === 'cut-short') res.once('close', () => req.destroy()).once('end', () => req.destroy());
  } catch (e) {
    // A registry that answers before reading the whole body (401, 413, a digest error) closes the connection,
    // so the write fails: its answer says more than the broken pipe.
    if (!early || e instanceof HttpError) {
      req.destroy();
      throw e;
    }
    res = early;
  }
  // A HEAD answer has no body, but its connection returns to the pool only once the (empty) body is read.
  if (options.method === 'HEAD') res.resume();
  return { statusCode: res.statusCode ?? 0, headers: res.headers, body: responseBody(res) };
}

/** Fails the exchange after `ms` without progress: connecting, then any socket silence (Node's idle timer). */
function guardSilence(req: ClientRequest, res: () => IncomingMessage | undefined, host: string, ms: number, connectMs: number): void {
  req.setTimeout(ms, () => {
    const e = new HttpError('TIMEOUT', `${host} was silent for ${ms} ms`);
    res()?.destroy(e); // a reader of the body sees the timeout, not a bare "aborted"
    req.destroy(e);
  });
  req.once('socket', (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => req.destroy(new HttpError('CONNECT_TIMEOUT', `cannot connect to ${host} within ${connectMs} ms`)), connectMs);
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
}

/** Sends the body; a streamed one stops early ('cut-short') when the other side answers before reading it all. */
async function sendBody(req: ClientRequest, body: HttpRequestOptions['body'], contentLength: string | undefined, answer: Promise<unknown>): Promise<'sent' | 'cut-short'> {
  const failed = new Promise<never>((_, reject) => req.once('error', reject));
  failed.catch(() => undefined);
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
    await Promise.race([new Promise<void>((resolve) => req.end(body, () => resolve())), failed]);
    return 'sent';
  }
  let answered = false;
  answer.then(() => (answered = true)).catch(() => undefined);
  if (isFileBody(body)) return sendFile(req, body, failed, answer, () => answered);
  const declared = contentLength === undefined ? undefined : Number(contentLength);
  let sent = 0;
  for await (const chunk of body) {
    if (answered) return 'cut-short';
    sent += chunk.byteLength;
    if (declared !== undefined && sent > declared) throw lengthMismatch(declared, sent);
    if (!req.write(chunk)) await Promise.race([new Promise((r) => req.once('drain', r)), failed, answer]);
  }
  if (declared !== undefined && sent !== declared) throw lengthMismatch(declared, sent);
  await Promise.race([new Promise<void>((resolve) => req.end(() => resolve())), failed]);
  return 'sent';
}

export function isFileBody(body: unknown): body is FileBody {
  return typeof body === 'object' && body !== null && typeof (body as FileBody).file === 'string' && typeof (body as FileBody).length === 'number';
}

/**
 * Streams a file range through `FILE_PIECES` reused buffers: a buffer is read into again only after the socket
 * has taken what it held (its write callback), so at most that many pieces are in memory, and the next piece is
 * read (on libuv's thread pool) while earlier ones are still being written.
 */
async function sendFile(req: ClientRequest, body: FileBody, failed: Promise<never>, answer: Promise<unknown>, answered: () => boolean): Promise<'sent' | 'cut-short'> {
  const unreadable = (e: unknown) => {
    const problem = fileProblem(body.file, e);
    return new HttpError('BODY_UNREADABLE', problem.message, { cause: e, fileProblem: problem.code });
  };
  const fh = await open(body.file, 'r').catch((e) => Promise.reject(unreadable(e)));
  try {
    const slots = Array.from({ length: FILE_PIECES }, () => ({ buf: Buffer.allocUnsafe(Math.min(FILE_PIECE_BYTES, Math.max(body.length, 1))), free: Promise.resolve() as Promise<void> }));
    const end = body.start + body.length;
    let pos = body.start;
    const stopped = body.stop ? new Promise<void>((resolve) => (body.stop!.aborted ? resolve() : body.stop!.addEventListener('abort', () => resolve(), { once: true }))) : undefined;
    for (let i = 0; pos < end; i++) {
      const slot = slots[i % slots.length];
      await Promise.race([slot.free, failed, answer, ...(stopped ? [stopped] : [])]);
      if (answered()) return 'cut-short';
      if (body.stop?.aborted) break;
      const { bytesRead } = await fh.read(slot.buf, 0, Math.min(slot.buf.byteLength, end - pos), pos).catch((e) => Promise.reject(unreadable(e)));
      if (bytesRead === 0) throw lengthMismatch(body.length, pos - body.start);
      pos += bytesRead;
      // settled once the socket has taken the bytes, or failed (then the loop stops: nothing reuses the buffer)
      const written = new Promise<void>((resolve, reject) => req.write(slot.buf.subarray(0, bytesRead), (e) => (e ? reject(e) : resolve())));
      written.catch(() => undefined);
      slot.free = written;
      body.onBytes?.(bytesRead);
    }
    await Promise.race([new Promise<void>((resolve) => req.end(() => resolve())), failed]);
    return 'sent';
  } finally {
    await fh.close();
  }
}

function lengthMismatch(declared: number, sent: number): HttpError {
  return new HttpError('CONTENT_LENGTH_MISMATCH', sent > declared ? `the request body is longer than the ${declared} bytes declared` : `the request body has ${sent} bytes, ${declared} declared`);
}

function responseBody(res: IncomingMessage): ResponseBody {
  return {
    [Symbol.asyncIterator]: () => res[Symbol.asyncIterator](),
    async dump() {
      if (res.readableEnded || res.destroyed) return;
      await new Promise<void>((resolve) => {
        res.once('end', resolve);
        res.once('close', resolve);
        res.resume();
      });
    },
    async text() {
      const parts: Buffer[] = [];
      for await (const chunk of res) parts.push(chunk as Buffer);
      return Buffer.concat(parts).toString('utf8');
    },
  };
}
