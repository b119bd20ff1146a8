import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { componentsOnStack } from '../util.js';
import { BRIDGE_MAX_BYTES, payloadBytes, type BridgeChannel, type BridgeMessage, type BridgeOp, type BrokerMessage } from './protocol.js';

/**
 * Synchronous calls into asynchronous clients. jco's bindings call host imports synchronously (Node 20 has no
 * JSPI), while ioredis and the NATS client only have promises; so a guest thread posts its request to the
 * bridge worker and blocks in `Atomics.wait` until the reply is posted back, then takes it off the port with
 * `receiveMessageOnPort`. One bridge worker serves the whole process: guest worker threads get a channel to
 * the main thread's bridge (see `bridgeChannelForWorker`), so connections are shared by URL.
 *
 * While a thread is blocked, subscription deliveries can arrive on the same port; they are handed to their
 * handler at once unless the component they are for is itself on the stack of blocked calls (re-entering a
 * component instance is not allowed), in which case they wait until the thread is free.
 */
export class SyncBridge {
  private readonly signal: Int32Array;
  private nextId = 0;
  private readonly handlers = new Map<number, { owner: string; deliver: (m: BrokerMessage) => void }>();
  private readonly deferred: Array<{ sid: number; message: BrokerMessage }> = [];
  private nextSid = 1;
  /** The failure of an operation sent with `post`, reported by the next call. */
  private postFailure: string | undefined;
  /** URLs whose connection has served a call, so a `post` to them needs no wait to surface a connect error. */
  private readonly connected = new Set<string>();

  constructor(private readonly port: MessagePort, signal: SharedArrayBuffer) {
    this.signal = new Int32Array(signal);
    port.on('message', (m: BridgeMessage) => this.onIdleMessage(m));
    port.unref();
  }

  /** Performs `op` in the bridge worker and blocks this thread until it is done; `owner` names the calling component. */
  call(op: BridgeOp, owner: string): unknown {
    this.checkSize(op);
    this.throwPostFailure();
    const id = ++this.nextId;
    this.port.postMessage({ ...op, id });
    const m = this.waitFor(owner, (m) => m.kind === 'reply' && m.id === id) as Extract<BridgeMessage, { kind: 'reply' }>;
    if (!m.ok) throw new Error(m.error);
    if ('url' in op) this.connected.add(op.url);
    return m.value;
  }

  /**
   * Blocks until the reply to a request this thread published itself arrives on its inbox (see the `nats.inbox`
   * op) with `token`; undefined when `timeoutMs` passes first.
   */
  awaitInbox(token: number, timeoutMs: number, owner: string): Extract<BridgeMessage, { kind: 'inbox' }> | undefined {
    const deadline = performance.now() + timeoutMs;
    const m = this.waitFor(owner, (m) => (m.kind === 'inbox' && m.token === token) || (m.kind === 'reply' && m.id === 0 && !m.ok), deadline);
    if (m?.kind === 'reply') throw new Error(m.ok ? 'unexpected reply' : m.error); // the request's publish failed
    return m as Extract<BridgeMessage, { kind: 'inbox' }> | undefined;
  }

  /**
   * Takes messages off the port, blocking while there are none, until `wanted` accepts one (returned) or the
   * deadline passes (undefined). Deliveries meanwhile go to their handlers (see `deliver`); replies and inbox
   * messages nobody waits for any more are dropped.
   */
  private waitFor(owner: string, wanted: (m: BridgeMessage) => boolean, deadline?: number): BridgeMessage | undefined {
    for (const f of beforeBlocking) f();
    componentsOnStack.push(owner);
    try {
      for (;;) {
        const seen = Atomics.load(this.signal, 0);
        const received = receiveMessageOnPort(this.port);
        if (received === undefined) {
          if (deadline === undefined) Atomics.wait(this.signal, 0, seen);
          else {
            const left = deadline - performance.now();
            if (left <= 0) return undefined;
            Atomics.wait(this.signal, 0, seen, left);
          }
          continue;
        }
        const m = received.message as BridgeMessage;
        if (wanted(m)) return m;
        if (m.kind === 'delivery') this.deliver(m.sid, m.message);
        else if (m.kind === 'reply' && m.id === 0 && !m.ok) this.postFailure ??= m.error;
      }
    } finally {
      componentsOnStack.splice(componentsOnStack.lastIndexOf(owner), 1);
      if (this.deferred.length > 0) setImmediate(() => this.flushDeferred());
    }
  }

  /**
   * Sends `op` without waiting for it, once its URL has a working connection (before that it is a `call`, so a
   * server that cannot be reached is the caller's error). A later failure is thrown by the next call. Order is
   * kept: the port is first in, first out, and the worker starts operations in arrival order.
   */
  post(op: BridgeOp & { url: string }, owner: string): void {
    if (!this.connected.has(op.url)) {
      this.call(op, owner);
      return;
    }
    this.checkSize(op);
    this.throwPostFailure();
    this.port.postMessage({ ...op, id: 0 });
  }

  private checkSize(op: BridgeOp): void {
    const size = payloadBytes(op);
    if (size > BRIDGE_MAX_BYTES) throw new Error(`the call carries ${size} bytes, more than the bridge's limit of ${BRIDGE_MAX_BYTES}`);
  }

  private throwPostFailure(): void {
    const failure = this.postFailure;
    if (failure === undefined) return;
    this.postFailure = undefined;
    throw new Error(`an earlier publish failed: ${failure}`);
  }

  /** Registers a delivery handler; the returned id goes into the subscribe op. The port keeps the thread alive meanwhile. */
  handler(owner: string, deliver: (m: BrokerMessage) => void): number {
    const sid = this.nextSid++;
    this.handlers.set(sid, { owner, deliver });
    this.port.ref();
    return sid;
  }

  dropHandler(sid: number): void {
    this.handlers.delete(sid);
    if (this.handlers.size === 0) this.port.unref();
  }

  private deliver(sid: number, message: BrokerMessage): void {
    const h = this.handlers.get(sid);
    if (!h) return;
    if (componentsOnStack.includes(h.owner)) this.deferred.push({ sid, message });
    else h.deliver(message);
  }

  private flushDeferred(): void {
    const ready = this.deferred.splice(0);
    for (const d of ready) this.deliver(d.sid, d.message);
  }

  private onIdleMessage(m: BridgeMessage): void {
    if (m.kind === 'delivery') this.deliver(m.sid, m.message);
    else if (m.kind === 'reply' && m.id === 0 && !m.ok) this.postFailure ??= m.error;
  }
}

function bridgeWorkerEntry(): string {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../../../dist/host-interfaces/bridge/worker.js', import.meta.url));
}

/** Called before this thread blocks on its bridge (see `onBlocking`). */
const beforeBlocking: Array<() => void> = [];

/** Has `f` called each time before this thread blocks on the bridge (writes it left for later must go out first); returns the undo. */
export function onBlocking(f: () => void): () => void {
  beforeBlocking.push(f);
  return () => {
    const i = beforeBlocking.indexOf(f);
    if (i >= 0) beforeBlocking.splice(i, 1);
  };
}

let worker: Worker | undefined;
let inherited: BridgeChannel | undefined;
let threadBridge: SyncBridge | undefined;

/** Opens a channel to this thread's bridge worker (started on first use, never keeping the process alive). */
function openChannel(): BridgeChannel {
  if (!worker) {
    worker = new Worker(bridgeWorkerEntry(), { execArgv: [] });
    worker.unref();
  }
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  worker.postMessage({ channel: { port: port2, signal } }, [port2]);
  return { port: port1, signal };
}

/**
 * A channel for a guest worker thread to use as its bridge, from the main thread's bridge worker: pass it in the
 * worker's data with `port` in the transfer list, and call `useInheritedBridge` there.
 */
export function bridgeChannelForWorker(): BridgeChannel {
  return openChannel();
}

/** In a guest worker thread: use the channel the main thread handed over instead of starting a bridge worker. */
export function useInheritedBridge(channel: BridgeChannel | undefined): void {
  if (channel && !threadBridge) inherited = channel;
}

/** This thread's bridge. */
export function syncBridge(): SyncBridge {
  if (!threadBridge) {
    const channel = inherited ?? openChannel();
    threadBridge = new SyncBridge(channel.port, channel.signal);
  }
  return threadBridge;
}

/** Drains NATS connections and quits Redis clients held by this thread's bridge worker (if it started one). */
export async function closeBridge(): Promise<void> {
  const w = worker;
  if (!w) return;
  worker = undefined;
  threadBridge = undefined;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    w.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    w.postMessage({ close: true });
  });
  await w.terminate();
}
