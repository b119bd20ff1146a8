import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { RunError } from './errors.js';
import { loadHostShim, type Denial } from './host.js';
import { checkGrants, resolveSocketGrants, type Grants } from './grants.js';
import { checkImportsProvided, PROVIDED_INTERFACES, versionless } from './instance.js';
import { ensureTranspiled, transpileCacheDir } from './transpile-cache.js';
import { Fetches } from './serve/fetch.js';
import { WorkerPool, type PoolWorker } from './serve/pool.js';
import { IN_FLIGHT, REQUEST_BYTES_BUFFERED, type CoreModule, type HeaderList, type LinkedSibling, type SiblingLink, type WorkerMessage } from './serve/protocol.js';

export interface ServeOptions {
  grants: Grants;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Worker threads, each running one request at a time. Default: one per core. */
  workers?: number;
  /** Keep one instance per worker across requests (module state carries over) instead of a fresh one per request. */
  reuse?: boolean;
  /** Per-request limit on the guest's running time, in milliseconds. Default 30 s. */
  timeoutMs?: number;
  /** Caps every linear memory of every instance at this many bytes (see `capCoreMemories`). */
  maxMemoryBytes?: number;
  /** How long `close()` lets in-flight requests finish, in milliseconds. Default 10 s. */
  shutdownTimeoutMs?: number;
  onDenied?: (denial: Denial) => void;
  /** A request the component failed (trap, error response, no response, invalid status, timeout). */
  onRequestFailed?: (failure: RequestFailure) => void;
  /** Told once each: what the server found out about the component while serving (an instance that could not be snapshot). */
  onNote?: (message: string) => void;
  /** One line's worth per request, when its response is over (complete, broken or abandoned). */
  onAccess?: (entry: AccessEntry) => void;
  /** Workload siblings made with every instance, providers first, each under its own grants (see `serveWorkload`). */
  siblings?: Array<{ name: string; bytes: Uint8Array; grants: Grants; links: SiblingLink[]; perRequest?: boolean; listening?: boolean }>;
  /** The served component's imports that siblings satisfy. */
  links?: SiblingLink[];
  /** The served component's name (a workload's component name; host plugins and log lines use it). */
  name?: string;
  /** Whether the served component is made with the workload's listening instances (see `serveWorkload`); default yes. */
  listening?: boolean;
}

export interface RequestFailure {
  request: number;
  reason: string;
  /** What the client got: `answered 500`, `answered 504`, `response broken` (socket destroyed mid-response) or `connection reset`. */
  outcome: 'answered 500' | 'answered 504' | 'response broken' | 'connection reset';
}

export interface AccessEntry {
  request: number;
  method: string;
  path: string;
  /** The status sent, or undefined when no head went out. */
  status: number | undefined;
  /** `complete`, `broken` (the server cut it short) or `client gone` (the client went away first). */
  outcome: 'complete' | 'broken' | 'client gone';
  /** Body bytes written. */
  bytes: number;
  ms: number;
}

export interface HttpService {
  host: string;
  port: number;
  url: string;
  /** Requests received so far. */
  requests(): number;
  /**
   * How each request gets its fresh instance: `restored` (one instance per worker, put back to its just-made state
   * after every request; see `serve/recycle.ts`) or `instantiated` (made anew, with the reason); absent with `reuse`.
   */
  fresh?: { by: 'restored' } | { by: 'instantiated'; reason: string };
  /** How many times an instance was put back to its just-made state after a request, so far. */
  restores(): number;
  /** Worker threads serving. */
  workers: number;
  /** Something the server decided that the user did not ask for (fewer workers), to be told. */
  note?: string;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), then stops the workers. */
  close(): Promise<void>;
}

const SERVER_ERROR = '500 internal server error: the component failed this request\n';
const TIMEOUT_ERROR = '504 gateway timeout: the component did not answer in time\n';
const MAX_QUEUED = 4096;
/** How long a guest whose client went away may take to return before its worker is replaced. */
const CLIENT_GONE_GRACE_MS = 200;

/** Bytes of a header value as Node gives it (latin1), in an ArrayBuffer of their own (cheap to post). */
function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}
const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/** One request from arrival until its response is over. */
class Exchange {
  readonly t0 = performance.now();
  readonly flight = new Int32Array(new SharedArrayBuffer(4));
  worker: PoolWorker | undefined;
  guestDone = false;
  /** The response is over: ended, broken, or the client left. */
  over = false;
  /** The response was ended in full (`res.end`). */
  ended = false;
  /** The server broke the response off (destroyed its socket). */
  broken = false;
  /** The guest's response head, written with the first chunk or the end (so a trap before any byte is still a 500). */
  head: { status: number; headers: HeaderList } | undefined;
  headWritten = false;
  status: number | undefined;
  bytes = 0;
  timer: NodeJS.Timeout | undefined;
  // the request body, buffered ahead of the guest's reads
  chunks: Buffer[] = [];
  buffered = 0;
  bodyEnded = false;
  bodyFailed = false;
  pull: number | undefined;

  constructor(
    readonly id: number,
    readonly req: http.IncomingMessage,
    readonly res: http.ServerResponse,
  ) {}

  release(n: number): void {
    Atomics.sub(this.flight, IN_FLIGHT, n);
    Atomics.notify(this.flight, IN_FLIGHT);
  }
}

/**
 * Serves a `wasi:http/incoming-handler` component from a pool of worker threads, each with an instance made before
 * the request that uses it (a fresh instance per request unless `reuse`), under imports built from `grants`. Bodies
 * stream both ways with bounded buffers; a request that runs past `timeoutMs` gets a 504 (or a reset connection if
 * its response had begun) and its worker is replaced. A trap, an error response or a missing response before any
 * byte is a 500; after the first byte, the response is broken off so the client cannot take it for complete.
 */
export async function serveHttp(bytes: Uint8Array, options: ServeOptions): Promise<HttpService> {
  checkGrants(options.grants);
  const grants = await resolveSocketGrants(options.grants);
  const component = await ensureTranspiled(bytes, transpileCacheDir(), 'sync');
  const handlerExport = component.exports.find(([name]) => versionless(name) === 'wasi:http/incoming-handler');
  if (!handlerExport) {
    const names = component.exports.map(([n]) => n).join(', ') || '(none)';
    throw new RunError('not-an-http-handler', `the component does not export wasi:http/incoming-handler, so it cannot be served (exports: ${names})`, {
      hint: 'weld run runs wasi:cli/run commands; weld call calls exported functions',
    });
  }
  await loadHostShim();
  // Imports a workload sibling satisfies are linked in the worker; the rest must be the host's (WASI or a granted plugin).
  const linked = new Set((options.links ?? []).map((l) => l.importKey));
  await checkImportsProvided({ imports: component.imports.filter((i) => !linked.has(versionless(i))), exports: component.exports }, grants.hostPlugins, 'component', bytes);
  let workerCount = Math.max(1, options.workers ?? os.availableParallelism());
  const pluginGrants = [grants, ...(options.siblings ?? []).map((s) => s.grants)].map((g) => g.hostPlugins?.granted);
  let note: string | undefined;
  if (workerCount > 1 && options.workers === undefined && pluginGrants.some((g) => g?.messaging?.url === 'mem')) {
    workerCount = 1;
    note = '--messaging mem is a broker per thread: serving from one worker thread, so that its messages meet (NATS serves from one per core)';
  }
  if (workerCount > 1 && pluginGrants.some((g) => g?.messaging?.url === 'mem')) {
    throw new RunError('not-implemented', `--messaging mem is a broker per thread, and weld serve runs ${workerCount} worker threads: their messages would not meet`, {
      hint: 'serve with --workers 1, or use a NATS server (--messaging nats://127.0.0.1:4222)',
    });
  }
  // Every worker reaches Redis and NATS through the process's bridge, and the in-memory keyvalue store lives there
  // too, so that it is one store for the whole server.
  const bridgeChannel = pluginGrants.some((g) => g?.keyvalue !== undefined || (g?.messaging?.url ?? 'mem') !== 'mem')
    ? (await import('./host-interfaces/bridge/sync-bridge.js')).bridgeChannelForWorker
    : undefined;
  const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<CoreModule> } }).WebAssembly;
  const cap = options.maxMemoryBytes === undefined ? undefined : (await import('@weld/binary')).capCoreMemories;
  const expose = options.reuse || (options.siblings ?? []).length > 0 ? undefined : (await import('@weld/binary')).exposeCoreState;
  const pluginImport = component.imports.find((i) => !linked.has(versionless(i)) && !PROVIDED_INTERFACES.has(versionless(i)));
  let notRestorable =
    expose === undefined || linked.size > 0
      ? 'a workload links siblings into each instance'
      : pluginImport
        ? `its host plugin (${pluginImport}) keeps state outside the instance`
        : undefined;
  if (notRestorable === undefined && !options.reuse) {
    const [{ decodeComponent }, { componentStateOutsideSnapshot }] = await Promise.all([import('@weld/binary'), import('./serve/recycle.js')]);
    const outside = componentStateOutsideSnapshot(decodeComponent(bytes));
    if (outside) notRestorable = `it uses ${outside}, whose state lives outside its core instances`;
  }
  const compileAll = async (dir: string, exposeState = false): Promise<Record<string, CoreModule>> => {
    const out: Record<string, CoreModule> = {};
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.wasm'))) {
      let core: Uint8Array = await readFile(path.join(dir, file));
      try {
        if (cap) core = cap(core, Math.floor(options.maxMemoryBytes! / 65536));
      } catch (e) {
        if ((e as { code?: string }).code === 'limit-exceeded') throw new RunError('limit-exceeded', `${file}: ${(e as Error).message}`, { cause: e, exit: 1 });
        throw e;
      }
      if (exposeState && expose) {
        const exposed = expose(core);
        if (exposed.restorable) core = exposed.bytes;
        else notRestorable ??= `${file} has ${exposed.reason} (byte offset ${exposed.offset})`;
      }
      out[file] = await wasm.compile(core);
    }
    return out;
  };
  const modules = await compileAll(component.dir, true);
  const siblings: LinkedSibling[] = [];
  for (const s of options.siblings ?? []) {
    checkGrants(s.grants);
    const transpiled = await ensureTranspiled(s.bytes, transpileCacheDir(), 'sync');
    const own = new Set(s.links.map((l) => l.importKey));
    await checkImportsProvided({ imports: transpiled.imports.filter((i) => !own.has(versionless(i))), exports: transpiled.exports }, s.grants.hostPlugins, s.name, s.bytes);
    const interfaces = { imports: transpiled.imports.filter((i) => !own.has(versionless(i))), exports: transpiled.exports };
    siblings.push({ name: s.name, dir: transpiled.dir, modules: await compileAll(transpiled.dir), grants: await resolveSocketGrants(s.grants), links: s.links, interfaces, perRequest: s.perRequest ?? true, listening: s.listening ?? true });
  }

  const timeoutMs = options.timeoutMs ?? 30_000;
  let count = 0;
  let restores = 0;
  let closing = false;
  const running = new Map<number, Exchange>();
  const open = new Set<Exchange>();
  const queue: Exchange[] = [];
  const fetches = new Map<PoolWorker, Fetches>();

  let firstReady: (error?: string) => void = () => undefined;
  const started = new Promise<string | undefined>((resolve) => (firstReady = resolve));

  const fail = (ex: Exchange, reason: string, outcome: RequestFailure['outcome']) => options.onRequestFailed?.({ request: ex.id, reason, outcome });

  /** Ends the response with a plain-text error, or breaks it off when its head is already out. */
  const abandon = (ex: Exchange, status: 500 | 504, reason: string) => {
    if (ex.over) return;
    if (!ex.headWritten) {
      fail(ex, reason, status === 500 ? 'answered 500' : 'answered 504');
      const text = status === 500 ? SERVER_ERROR : TIMEOUT_ERROR;
      ex.headWritten = true;
      ex.status = status;
      ex.over = true;
      ex.ended = true;
      ex.res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text), ...(closing ? { connection: 'close' } : {}) });
      ex.res.end(text);
      ex.bytes = Buffer.byteLength(text);
    } else {
      fail(ex, reason, status === 504 ? 'connection reset' : 'response broken');
      breakOff(ex);
    }
  };

  /** Destroys the response's socket: the client sees a reset or an unterminated body, never a complete response. */
  const breakOff = (ex: Exchange) => {
    ex.over = true;
    ex.broken = true;
    ex.res.destroy();
    if (!ex.guestDone && ex.worker) stopGuest(ex);
  };

  /** The guest still runs a request whose response is over: its worker is replaced. */
  const stopGuest = (ex: Exchange) => {
    running.delete(ex.id);
    ex.guestDone = true;
    clearTimeout(ex.timer);
    if (ex.worker) {
      fetches.get(ex.worker)?.clear();
      pool.recycle(ex.worker);
    }
  };

  const writeHead = (ex: Exchange, status: number, headers: HeaderList): boolean => {
    if (status < 200 || status > 999) {
      fail(ex, `the component set the invalid status ${status}`, 'response broken');
      breakOff(ex);
      return false;
    }
    const flat: string[] = [];
    for (const [n, v] of headers) flat.push(n, latin1(v));
    if (closing) flat.push('connection', 'close');
    try {
      ex.res.writeHead(status, flat);
    } catch (e) {
      fail(ex, `Node refused the response head: ${(e as Error).message}`, 'response broken');
      breakOff(ex);
      return false;
    }
    ex.headWritten = true;
    ex.status = status;
    return true;
  };

  /** Answers the guest's pending read of the request body, if there is something to give it. */
  const feed = (ex: Exchange) => {
    if (ex.pull === undefined || !ex.worker) return;
    const seq = ex.pull;
    if (ex.chunks.length) {
      const chunk = new Uint8Array(ex.buffered);
      let at = 0;
      for (const c of ex.chunks) chunk.set(c, (at += c.length) - c.length);
      ex.chunks = [];
      ex.buffered = 0;
      ex.req.resume();
      ex.pull = undefined;
      ex.worker.reply({ seq, chunk });
    } else if (ex.bodyEnded || ex.bodyFailed) {
      ex.pull = undefined;
      ex.worker.reply(ex.bodyEnded ? { seq, eof: true } : { seq, error: { tag: 'connection-terminated' } });
    }
  };

  const dispatch = () => {
    for (let worker = pool.idle(); worker && queue.length; worker = pool.idle()) {
      const ex = queue.shift()!;
      if (ex.over) continue;
      ex.worker = worker;
      running.set(ex.id, ex);
      const raw = ex.req.rawHeaders;
      const headers: HeaderList = [];
      for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i]!.toLowerCase(), latin1Bytes(raw[i + 1]!)]);
      pool.start(worker, {
        type: 'request',
        id: ex.id,
        method: ex.req.method ?? 'GET',
        pathWithQuery: ex.req.url ?? '/',
        scheme: 'http',
        authority: ex.req.headers.host,
        headers,
        flight: ex.flight.buffer as SharedArrayBuffer,
      });
    }
  };

  const told = new Set<string>();
  const onMessage = (worker: PoolWorker, m: WorkerMessage) => {
    if (m.type === 'denied') return options.onDenied?.(m.denial);
    if (m.type === 'note') {
      if (!told.has(m.message)) options.onNote?.(m.message);
      told.add(m.message);
      return;
    }
    if (m.type.startsWith('fetch')) {
      let f = fetches.get(worker);
      if (!f) fetches.set(worker, (f = new Fetches((r) => worker.reply(r))));
      f.handle(m);
      return;
    }
    const ex = 'id' in m ? running.get(m.id) : undefined;
    if (!ex || ex.worker !== worker) return;
    switch (m.type) {
      case 'pull':
        ex.pull = m.seq;
        return feed(ex);
      case 'head':
        if (ex.over) return;
        ex.head = m;
        if (m.status < 200 || m.status > 999) writeHead(ex, m.status, m.headers);
        return;
      case 'chunk': {
        const n = m.bytes.length;
        const head = ex.head;
        if (ex.over || (!ex.headWritten && (!head || !writeHead(ex, head.status, head.headers)))) return ex.release(n);
        ex.bytes += n;
        ex.res.write(m.bytes, () => ex.release(n));
        return;
      }
      case 'end': {
        const head = ex.head;
        if (ex.over || (!ex.headWritten && (!head || !writeHead(ex, head.status, head.headers)))) return;
        if (m.trailers?.length) ex.res.addTrailers(m.trailers.map(([n, v]): [string, string] => [n, latin1(v)]));
        ex.over = true;
        ex.ended = true;
        ex.res.end();
        return;
      }
      case 'done': {
        if (m.restored) restores++;
        running.delete(ex.id);
        ex.guestDone = true;
        clearTimeout(ex.timer);
        fetches.get(worker)?.clear();
        if (m.failure) abandon(ex, 500, m.failure);
        else if (!ex.over) abandon(ex, 500, 'the component returned without finishing its response');
        return;
      }
    }
  };

  const pool = new WorkerPool(
    workerCount,
    { dir: component.dir, modules, handlerExport: handlerExport[0], grants, reuse: Boolean(options.reuse), restorable: notRestorable === undefined, keepGrowthBytes: options.maxMemoryBytes === undefined ? undefined : 0, siblings, links: options.links, interfaces: { imports: component.imports.filter((i) => !linked.has(versionless(i))), exports: component.exports }, bridgeChannel, name: options.name, listening: options.listening },
    {
      message: onMessage,
      idle: () => {
        firstReady();
        dispatch();
      },
      initFailed: (message) => {
        firstReady(message);
        for (const ex of queue.splice(0)) abandon(ex, 500, message);
      },
      crashed: (_worker, id, reason) => {
        const ex = id === undefined ? undefined : running.get(id);
        if (!ex) return;
        running.delete(ex.id);
        ex.guestDone = true;
        clearTimeout(ex.timer);
        abandon(ex, 500, reason);
      },
    },
  );
  const startError = await started;
  if (startError) {
    await pool.close();
    throw new RunError('instantiate-failed', startError);
  }

  const server = http.createServer((req, res) => {
    const ex = new Exchange(++count, req, res);
    open.add(ex);
    req.on('data', (c: Buffer) => {
      ex.chunks.push(c);
      ex.buffered += c.length;
      if (ex.buffered >= REQUEST_BYTES_BUFFERED) req.pause();
      feed(ex);
    });
    req.on('end', () => {
      ex.bodyEnded = true;
      feed(ex);
    });
    req.on('error', () => {
      ex.bodyFailed = true;
      feed(ex);
    });
    res.on('close', () => {
      open.delete(ex);
      if (!ex.over) {
        ex.over = true; // the client went away before the response was over
        const queued = queue.indexOf(ex);
        if (queued !== -1) {
          queue.splice(queued, 1);
          ex.guestDone = true;
          clearTimeout(ex.timer);
        } else if (!ex.guestDone) {
          // the guest's writes go nowhere now and never wait; if it does not return soon, its worker is replaced
          Atomics.store(ex.flight, IN_FLIGHT, -(2 ** 30));
          Atomics.notify(ex.flight, IN_FLIGHT);
          ex.bodyFailed = true;
          feed(ex);
          setTimeout(() => ex.guestDone || stopGuest(ex), CLIENT_GONE_GRACE_MS).unref();
        }
      }
      const declared = Number(ex.head?.headers.find(([n]) => n === 'content-length')?.[1] && latin1(ex.head.headers.find(([n]) => n === 'content-length')![1]));
      options.onAccess?.({
        request: ex.id,
        method: req.method ?? '',
        path: req.url ?? '',
        status: ex.headWritten ? ex.status : undefined,
        outcome: ex.broken ? 'broken' : ex.ended || (declared > 0 && ex.bytes >= declared) ? 'complete' : 'client gone',
        bytes: ex.bytes,
        ms: performance.now() - ex.t0,
      });
      if (closing) server.closeIdleConnections();
      if (closing && open.size === 0) drained?.();
    });
    ex.timer = setTimeout(() => {
      if (ex.guestDone || ex.over) return;
      const queued = queue.indexOf(ex);
      if (queued !== -1) queue.splice(queued, 1);
      else stopGuest(ex);
      ex.guestDone = true;
      abandon(ex, 504, `the component did not finish within the ${timeoutMs} ms timeout`);
    }, timeoutMs);
    if (queue.length >= MAX_QUEUED) {
      ex.guestDone = true;
      clearTimeout(ex.timer);
      ex.over = true;
      ex.ended = true;
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('503 service unavailable: too many requests waiting\n');
      return;
    }
    queue.push(ex);
    dispatch();
  });
  server.keepAliveTimeout = 5_000;
  let drained: (() => void) | undefined;

  const host = options.host ?? '127.0.0.1';
  const wanted = options.port ?? 8080;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(wanted, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await pool.close();
    const code = (e as { code?: string }).code;
    throw new RunError('listen-failed', `cannot listen on ${host}:${wanted}: ${code === 'EADDRINUSE' ? 'the address is in use' : (e as Error).message}`, {
      hint: code === 'EADDRINUSE' ? 'pick another --port, or --port 0 for a free one' : undefined,
      cause: e,
    });
  }
  const { port } = server.address() as { port: number };
  let closed: Promise<void> | undefined;
  return {
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    requests: () => count,
    restores: () => restores,
    workers: workerCount,
    note,
    fresh: options.reuse ? undefined : notRestorable === undefined ? { by: 'restored' } : { by: 'instantiated', reason: notRestorable },
    close: () =>
      (closed ??= (async () => {
        closing = true;
        server.close();
        server.closeIdleConnections();
        if (open.size > 0) {
          await new Promise<void>((resolve) => {
            drained = resolve;
            setTimeout(resolve, options.shutdownTimeoutMs ?? 10_000).unref();
          });
        }
        server.closeAllConnections();
        for (const ex of running.values()) clearTimeout(ex.timer);
        for (const ex of open) clearTimeout(ex.timer);
        await pool.close();
      })()),
  };
}
