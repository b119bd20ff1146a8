/**
 * Outgoing requests a guest sends through `wasi:http/outgoing-handler`, made by the main thread with `fetch` once
 * the worker has checked the grants. The worker blocks on the head (`fetch-head`) and then pulls the body chunk by
 * chunk (`fetch-pull`), so an upstream body streams through without being buffered whole.
 */
import type { ErrorCode, HeaderList, SyncReply, WorkerMessage } from './protocol.js';

const DEFAULT_TIMEOUT_MS = 30_000;

interface Pending {
  abort: AbortController;
  response: Promise<Response | ErrorCode>;
  reader?: ReadableStreamDefaultReader<Uint8Array>;
}

function errorCode(e: unknown): ErrorCode {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code;
  if (err.name === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT') return { tag: 'connection-timeout' };
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return { tag: 'HTTP-response-timeout' };
  if (code === 'ECONNREFUSED') return { tag: 'connection-refused' };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return { tag: 'connection-terminated' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { tag: 'DNS-error', val: { rcode: code, infoCode: undefined } };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return { tag: 'destination-unavailable' };
  return { tag: 'internal-error', val: err.cause?.message ?? err.message ?? String(e) };
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** The outgoing requests of one worker. */
export class Fetches {
  readonly #pending = new Map<number, Pending>();

  constructor(readonly reply: (message: SyncReply) => void) {}

  handle(m: WorkerMessage): boolean {
    switch (m.type) {
      case 'fetch': {
        const abort = new AbortController();
        const headers = new Headers();
        for (const [n, v] of m.headers) headers.append(n, latin1(v));
        const timeout = AbortSignal.timeout(m.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        const response = fetch(m.url, {
          method: m.method,
          headers,
          body: m.body && m.method !== 'GET' && m.method !== 'HEAD' ? m.body : undefined,
          redirect: 'manual',
          signal: AbortSignal.any([abort.signal, timeout]),
        }).catch(errorCode);
        this.#pending.set(m.fid, { abort, response });
        return true;
      }
      case 'fetch-head': {
        const p = this.#pending.get(m.fid);
        if (!p) return this.reply({ seq: m.seq, error: { tag: 'internal-error', val: 'unknown request' } }), true;
        void p.response.then((r) => {
          if (!(r instanceof Response)) return this.reply({ seq: m.seq, error: r });
          const headers: HeaderList = [];
          r.headers.forEach((v, n) => headers.push([n, Buffer.from(v, 'latin1')])); // set-cookie comes one by one
          this.reply({ seq: m.seq, status: r.status, headers });
        });
        return true;
      }
      case 'fetch-pull': {
        const p = this.#pending.get(m.fid);
        void (async () => {
          const r = await p?.response;
          if (!p || !(r instanceof Response) || !r.body) return this.reply({ seq: m.seq, eof: true });
          p.reader ??= r.body.getReader();
          try {
            const { value, done } = await p.reader.read();
            if (done) {
              this.#pending.delete(m.fid);
              this.reply({ seq: m.seq, eof: true });
            } else this.reply({ seq: m.seq, chunk: value });
          } catch (e) {
            this.#pending.delete(m.fid);
            this.reply({ seq: m.seq, error: errorCode(e) });
          }
        })();
        return true;
      }
      case 'fetch-drop': {
        this.#pending.get(m.fid)?.abort.abort();
        this.#pending.delete(m.fid);
        return true;
      }
      default:
        return false;
    }
  }

  /** The worker is gone or done: abandon what it left open. */
  clear(): void {
    for (const p of this.#pending.values()) p.abort.abort();
    this.#pending.clear();
  }
}
