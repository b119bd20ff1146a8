/**
 * A serve worker: loads the transpiled component (core modules compiled once, on the main thread), keeps an
 * instance ready, and runs one request at a time through it with weld's wasi:http host.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { createHost, loadHostShim, type Denial } from '../host.js';
import { PROVIDED_INTERFACES, versionless } from '../instance.js';
import { readyPollable } from '../wasi/io.js';
import { SYNC_SIGNAL, type RequestStart, type SiblingLink, type SyncReply, type WorkerConfig, type WorkerMessage } from './protocol.js';
import { createWasiHttp, guestHeaders, type HttpLink } from './wasi-http.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const config = workerData as WorkerConfig;
const port = parentPort!;
const signal = new Int32Array(config.signal);
let seq = 0;

let pending: WorkerMessage[] = [];
let pendingTransfer: ArrayBuffer[] = [];

/**
 * Queues a message for the main thread. Body chunks and anything the worker then waits on go out at once (a
 * response streams as it is written); the rest (head, end, done, ready) goes with the next flush, so a small
 * request costs two messages instead of five.
 */
function post(message: WorkerMessage, transfer?: ArrayBuffer[]): void {
  pending.push(message);
  if (transfer) pendingTransfer.push(...transfer);
  if (message.type !== 'head' && message.type !== 'end' && message.type !== 'done') flush();
}

function flush(): void {
  if (pending.length === 0) return;
  const message: WorkerMessage = pending.length === 1 ? pending[0]! : { type: 'batch', messages: pending };
  port.postMessage(message, pendingTransfer);
  pending = [];
  pendingTransfer = [];
}

function call(message: WorkerMessage & { seq: number }): SyncReply {
  post(message); // flushed: the worker waits for the answer
  for (;;) {
    const seen = Atomics.load(signal, SYNC_SIGNAL);
    for (let m = receiveMessageOnPort(config.replies); m; m = receiveMessageOnPort(config.replies)) {
      const reply = m.message as SyncReply;
      if (reply.seq === message.seq) return reply;
    }
    Atomics.wait(signal, SYNC_SIGNAL, seen);
  }
}

/**
 * Host plugins for this worker's instances: bound once, then created per instance synchronously (instances are
 * made synchronously here), so a plugin whose `create` returns a promise cannot serve.
 */
async function pluginFactory(): Promise<(() => { imports: Record<string, object>; start(guest: Record<string, unknown>): void; close(): void }) | undefined> {
  const interfaces = config.interfaces;
  if (!interfaces || (!config.grants.hostPlugins && interfaces.imports.every((i) => PROVIDED_INTERFACES.has(versionless(i))))) return undefined;
  const { bindHostInterfaces } = await import('../host-interfaces/plugins.js');
  const { useInheritedBridge } = await import('../host-interfaces/bridge/sync-bridge.js');
  useInheritedBridge(config.bridge);
  const bindings = await bindHostInterfaces(interfaces, config.grants.hostPlugins, 'component');
  if (bindings.length === 0) return undefined;
  const onDenied = (denial: Denial) => post({ type: 'denied', denial });
  return () => {
    const instances = bindings.map((b) => {
      // Instances here live for one request (or one worker): subscriptions belong to `weld run` of a handler.
      const { subscriptions: _, ...config } = b.config;
      const made = b.plugin.create({ component: 'component', imports: b.imports, config, onDenied });
      if (made instanceof Promise) throw new Error(`host plugin ${b.plugin.name} creates its instances asynchronously, which weld serve cannot wait for`);
      return made;
    });
    const imports: Record<string, object> = {};
    instances.forEach((inst, i) => {
      for (const name of bindings[i]!.imports) imports[name] = inst.imports[name]!;
    });
    return {
      imports,
      start: (guest) => instances.forEach((inst) => void Promise.resolve(inst.start?.(guest)).catch((e: Error) => post({ type: 'init-failed', message: e.message }))),
      close: () => instances.forEach((inst) => void Promise.resolve(inst.close()).catch(() => undefined)),
    };
  };
}

async function main(): Promise<void> {
  await loadHostShim();
  const mod = (await import(pathToFileURL(path.join(config.dir, 'component.js')).href)) as {
    instantiate(getCoreModule: (p: string) => unknown, imports: Record<string, unknown>): Record<string, any>;
  };
  // The guest's stdout and stderr go to the server's stderr as it writes them; its stdin is empty.
  const plugins = await pluginFactory();
  const makeHost = (grants = config.grants) =>
    createHost({
      grants,
      args: ['component'],
      stdio: { stdout: 2, stderr: 2 },
      onDenied: (denial) => post({ type: 'denied', denial }),
    });
  const link: HttpLink = {
    post,
    call,
    nextSeq: () => ++seq,
    grants: config.grants,
    onDenied: (denial) => post({ type: 'denied', denial }),
    ready: readyPollable,
  };
  const http = createWasiHttp(link);
  // Workload siblings: their bindings, and an HTTP client each that checks their own grants.
  const siblings = await Promise.all(
    (config.siblings ?? []).map(async (s) => ({
      ...s,
      mod: (await import(pathToFileURL(path.join(s.dir, 'component.js')).href)) as { instantiate(getCoreModule: (p: string) => unknown, imports: Record<string, unknown>): Record<string, any> },
      http: createWasiHttp({ ...link, grants: s.grants }),
    })),
  );
  const linkInto = (imports: Record<string, unknown>, links: SiblingLink[], made: Map<string, Record<string, any>>) => {
    for (const l of links) imports[l.importKey] = made.get(l.from)![l.exportName];
  };

  type Ready = { handle(request: unknown, out: unknown): void; close(): void };
  const instantiate = (): Ready => {
    const made = new Map<string, Record<string, any>>();
    const hosts: Array<{ close(): void }> = [];
    for (const s of siblings) {
      const siblingHost = makeHost(s.grants);
      hosts.push(siblingHost);
      const imports = siblingHost.imports;
      imports['wasi:http/types'] = s.http.types;
      imports['wasi:http/outgoing-handler'] = s.http.outgoingHandler;
      linkInto(imports, s.links, made);
      made.set(s.name, s.mod.instantiate((p) => s.modules[p], imports));
    }
    const host = makeHost();
    hosts.push(host);
    const attached = plugins?.();
    const imports = attached ? { ...host.imports, ...attached.imports } : host.imports;
    imports['wasi:http/types'] = http.types;
    imports['wasi:http/outgoing-handler'] = http.outgoingHandler;
    linkInto(imports, config.links ?? [], made);
    const instance = mod.instantiate((p) => config.modules[p], imports);
    attached?.start(instance);
    const exported = (instance[config.handlerExport] ?? instance.incomingHandler) as { handle(request: unknown, out: unknown): void };
    return {
      handle: (request, out) => exported.handle(request, out),
      close: () => {
        hosts.forEach((h) => h.close());
        attached?.close();
      },
    };
  };

  // Two instances are kept made: the one the next request gets, and a spare that becomes it the moment a request
  // ends. So the worker reports itself ready at once and makes the next spare while the server is still answering
  // the client and dispatching, instead of leaving a gap of two messages plus an instantiation between requests.
  let ready: Ready | undefined;
  let spare: Ready | undefined;
  const make = (): Ready | undefined => {
    try {
      return instantiate();
    } catch (e) {
      post({ type: 'init-failed', message: `instantiating the component failed: ${(e as Error).message}` });
      return undefined;
    }
  };
  const refill = () => {
    if (!ready) {
      ready = spare ?? make();
      spare = undefined;
      if (!ready) return;
    }
    post({ type: 'ready' });
    if (!config.reuse && !spare) spare = make();
  };

  port.on('message', (start: RequestStart) => {
    const handler = ready!;
    if (!config.reuse) ready = undefined;
    start.headers = guestHeaders(start.headers);
    const failure = http.serve(start, (request, out) => handler.handle(request, out));
    post({ type: 'done', id: start.id, failure });
    if (failure?.startsWith('the component trapped')) ready = undefined; // a trapped instance is not used again
    if (ready !== handler) handler.close(); // its descriptors close with it
    refill();
  });
  refill();
}

main().catch((e) => post({ type: 'init-failed', message: `loading the component failed: ${(e as Error).message}` }));
