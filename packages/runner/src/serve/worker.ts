/**
 * A serve worker: loads the transpiled component (core modules compiled once, on the main thread), keeps an
 * instance ready, and runs one request at a time through it with weld's wasi:http host.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { Grants } from '../grants.js';
import type { AttachedPlugins } from '../host-interfaces/plugins.js';
import { createHost, loadHostShim, type Denial } from '../host.js';
import { PROVIDED_INTERFACES, versionless } from '../instance.js';
import { BINDINGS_STATE } from '../transpile-cache.js';
import { readyPollable } from '../wasi/io.js';
import { SYNC_SIGNAL, type RequestStart, type SiblingLink, type SyncReply, type WorkerConfig, type WorkerMessage } from './protocol.js';
import { InstanceRecorder } from './recycle.js';
import { createWasiHttp, guestHeaders, type HttpLink } from './wasi-http.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const config = workerData as WorkerConfig;
const port = parentPort!;
const signal = new Int32Array(config.signal);
let seq = 0;

/** Above this much memory to copy back, a restore takes long enough (~0.1 ms) to send the response's end first. */
const RESTORE_AFTER_FLUSH_BYTES = 2 ** 20;

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

type Attach = (listen: boolean) => Promise<AttachedPlugins | undefined>;

/**
 * The host plugins of one component of this worker, bound once and attached to each instance. Only the listening
 * instances (see `main`) keep the messaging subscriptions: the others live for one request.
 */
async function pluginsFor(interfaces: WorkerConfig['interfaces'], grants: Grants, name: string): Promise<{ attach: Attach; subscribes: boolean }> {
  const none = { attach: async () => undefined, subscribes: false };
  if (!interfaces || (!grants.hostPlugins && interfaces.imports.every((i) => PROVIDED_INTERFACES.has(versionless(i))))) return none;
  const { attachPlugins, bindHostInterfaces } = await import('../host-interfaces/plugins.js');
  const bindings = await bindHostInterfaces(interfaces, grants.hostPlugins, name);
  if (bindings.length === 0) return none;
  (await import('../host-interfaces/bridge/sync-bridge.js')).useInheritedBridge(config.bridge);
  // The pool's workers are threads of one server: its in-memory keyvalue store is one, in the bridge worker; and
  // a NATS connection outlives the instance that opened it, for the next one.
  (await import('../host-interfaces/kv-backends.js')).shareMemoryStore();
  (await import('../host-interfaces/bridge/thread-nats.js')).retainThreadNats();
  const once = bindings.map(({ config: { subscriptions: _, ...config }, ...b }) => ({ ...b, config }));
  const onDenied = (denial: Denial) => post({ type: 'denied', denial });
  return {
    attach: (listen) => attachPlugins(listen ? bindings : once, name, onDenied),
    subscribes: bindings.some((b) => b.config.subscriptions),
  };
}

async function main(): Promise<void> {
  await loadHostShim();
  const mod = (await import(pathToFileURL(path.join(config.dir, 'component.js')).href)) as {
    instantiate(getCoreModule: (p: string) => unknown, imports: Record<string | symbol, unknown>, instantiateCore?: InstanceRecorder['instantiateCore']): Record<string, any>;
  };
  const name = config.name ?? 'component';
  const plugins = await pluginsFor(config.interfaces, config.grants, name);
  // The guest's stdout and stderr go to the server's stderr as it writes them; its stdin is empty.
  const makeHost = (grants = config.grants) =>
    createHost({
      grants,
      args: [name],
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
      plugins: await pluginsFor(s.interfaces, s.grants, s.name),
    })),
  );
  const linkInto = (imports: Record<string, unknown>, links: SiblingLink[], made: Map<string, Record<string, any>>) => {
    for (const l of links) imports[l.importKey] = made.get(l.from)![l.exportName];
  };

  /**
   * An instance ready for a request. `recycle` (when the component could be snapshot) puts it back as it was made,
   * so that it serves the next request as a fresh instance; false when it cannot, and then it is closed instead.
   */
  type Ready = { handle(request: unknown, out: unknown): void; close(): void; recycle?: () => boolean; restoreBytes?: number };
  let toldNoSnapshot = false;
  /** Every component made and linked, siblings first; with `listen`, their messaging subscriptions start. */
  const instantiate = async (listen = false): Promise<Ready> => {
    const made = new Map<string, Record<string, any>>();
    const hosts: Array<{ close(): void }> = [];
    const attached: Array<[AttachedPlugins, string]> = [];
    const close = () => {
      hosts.forEach((h) => h.close());
      for (const [a] of attached) void a.close().catch(() => undefined);
    };
    try {
      for (const s of siblings) {
        if (!(listen ? s.listening : s.perRequest)) continue;
        const siblingHost = makeHost(s.grants);
        hosts.push(siblingHost);
        const own = await s.plugins.attach(listen);
        if (own) attached.push([own, s.name]);
        const imports = own ? { ...siblingHost.imports, ...own.imports } : siblingHost.imports;
        imports['wasi:http/types'] = s.http.types;
        imports['wasi:http/outgoing-handler'] = s.http.outgoingHandler;
        linkInto(imports, s.links, made);
        made.set(s.name, s.mod.instantiate((p) => s.modules[p], imports));
      }
      // The subscriptions may all be siblings': then the served component is not made for them.
      let exported: { handle(request: unknown, out: unknown): void } | undefined;
      if (!listen || config.listening !== false) {
        const host = makeHost();
        hosts.push(host);
        const own = await plugins.attach(listen);
        if (own) attached.push([own, name]);
        const imports = own ? { ...host.imports, ...own.imports } : host.imports;
        imports['wasi:http/types'] = http.types;
        imports['wasi:http/outgoing-handler'] = http.outgoingHandler;
        linkInto(imports, config.links ?? [], made);
        // Only a component alone, with no plugin state outside it, is put back between requests.
        const recorder = config.restorable && !own && siblings.length === 0 && !listen ? new InstanceRecorder() : undefined;
        if (recorder) imports[BINDINGS_STATE as unknown as string] = recorder.bindings;
        const instance = mod.instantiate((p) => config.modules[p], imports, recorder?.instantiateCore);
        made.set(name, instance);
        exported = (instance[config.handlerExport] ?? instance.incomingHandler) as typeof exported;
        const snapshot = recorder?.snapshot(config.keepGrowthBytes);
        if (typeof snapshot === 'string' && !toldNoSnapshot) {
          toldNoSnapshot = true;
          post({ type: 'note', message: `an instance could not be snapshot (${snapshot}): each request gets a new instantiation` });
        }
        if (snapshot !== undefined && typeof snapshot !== 'string') {
          const recycle = () => snapshot.restore() === undefined && host.recycle();
          return { handle: (request, out) => exported!.handle(request, out), close, recycle, restoreBytes: snapshot.memoryBytes };
        }
      }
      for (const [a, component] of attached) await a.start(made.get(component)!);
      return { handle: (request, out) => exported!.handle(request, out), close };
    } catch (e) {
      close();
      throw e;
    }
  };

  // Messaging subscriptions belong to the server, not to a request: slot 0 keeps one set of instances for
  // handle-message (made again if its worker is replaced), so each message is handled once, not once per worker.
  if (config.slot === 0 && (plugins.subscribes || siblings.some((s) => s.plugins.subscribes))) {
    try {
      await instantiate(true);
    } catch (e) {
      post({ type: 'init-failed', message: `starting the messaging subscriptions failed: ${(e as Error).message}` });
      return;
    }
  }

  // Two instances are kept made: the one the next request gets, and a spare that becomes it the moment a request
  // ends. So the worker reports itself ready at once and makes the next spare while the server is still answering
  // the client and dispatching, instead of leaving a gap of two messages plus an instantiation between requests.
  let ready: Ready | undefined;
  let spare: Ready | undefined;
  const make = async (): Promise<Ready | undefined> => {
    try {
      return await instantiate();
    } catch (e) {
      post({ type: 'init-failed', message: `instantiating the component failed: ${(e as Error).message}` });
      return undefined;
    }
  };
  // A spare is made only when the last instance could not be put back (or never can be).
  let recycled = false;
  const fill = async () => {
    if (!ready) {
      ready = spare ?? (await make());
      spare = undefined;
      if (!ready) return;
    }
    post({ type: 'ready' });
    if (!config.reuse && !spare && !(recycled && ready.recycle)) spare = await make();
  };
  // Instances are made asynchronously (a plugin may connect first): one fill at a time.
  let filling = Promise.resolve();
  const refill = () => {
    filling = filling.then(fill);
  };

  port.on('message', (start: RequestStart) => {
    const handler = ready!;
    if (!config.reuse) ready = undefined;
    start.headers = guestHeaders(start.headers);
    const failure = http.serve(start, (request, out) => handler.handle(request, out));
    if (failure?.startsWith('the component trapped')) ready = undefined; // a trapped instance is not used again
    // The response's end goes out before a restore that takes long enough to delay it (a copy of megabytes).
    if ((handler.restoreBytes ?? 0) > RESTORE_AFTER_FLUSH_BYTES) flush();
    recycled = !config.reuse && failure === undefined && handler.recycle !== undefined && handler.recycle();
    if (recycled) ready ??= handler;
    post(recycled ? { type: 'done', id: start.id, restored: true } : { type: 'done', id: start.id, failure });
    if (ready !== handler) handler.close(); // its descriptors close with it
    refill();
  });
  refill();
}

main().catch((e) => post({ type: 'init-failed', message: `loading the component failed: ${(e as Error).message}` }));
