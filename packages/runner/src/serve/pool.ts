/**
 * The main thread's pool of serve workers: each worker keeps an instance ready and runs one request at a time;
 * requests wait in a FIFO queue only while every worker is busy. A worker whose request timed out or whose client
 * went away mid-request is terminated and replaced by a fresh one.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { SYNC_SIGNAL, type RequestStart, type SyncReply, type WorkerConfig, type WorkerMessage } from './protocol.js';
import type { BridgeChannel } from '../host-interfaces/bridge/protocol.js';

export interface PoolWorker {
  readonly slot: number;
  /** `starting`: loading or instantiating; `ready`: has an instance and no request; `busy`: running `current`. */
  state: 'starting' | 'ready' | 'busy' | 'dead';
  /** The id of the request the worker runs now. */
  current: number | undefined;
  /** Answers a message the worker is blocked on. */
  reply(message: SyncReply): void;
}

export interface PoolEvents {
  /** A message from a worker (anything but `ready` and `init-failed`, which the pool handles). */
  message(worker: PoolWorker, message: WorkerMessage): void;
  /** A worker stopped on its own (crash) while running request `id`. */
  crashed(worker: PoolWorker, id: number | undefined, reason: string): void;
  /** A worker could not load or instantiate the component. */
  initFailed(message: string): void;
  /** A worker became ready: the server dispatches a waiting request, if any. */
  idle(worker: PoolWorker): void;
}

function workerScript(): URL {
  const url = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(url))) return url;
  // under vitest the sources run from src/; the worker runs compiled, from dist/
  return new URL(url.href.replace('/src/serve/worker.js', '/dist/serve/worker.js'));
}

class Slot implements PoolWorker {
  state: PoolWorker['state'] = 'starting';
  current: number | undefined;
  readonly worker: Worker;
  readonly #signal = new Int32Array(new SharedArrayBuffer(4));
  readonly #replies: MessagePort;

  constructor(
    readonly slot: number,
    config: SlotConfig,
    events: PoolEvents,
    onGone: (s: Slot) => void,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.#replies = port1;
    const { bridgeChannel, ...data } = config;
    const bridge = bridgeChannel?.();
    this.worker = new Worker(workerScript(), {
      workerData: { ...data, signal: this.#signal.buffer, replies: port2, bridge, slot } satisfies WorkerConfig,
      transferList: bridge ? [port2, bridge.port] : [port2],
      stdin: false,
    });
    const receive = (m: WorkerMessage): void => {
      if (this.state === 'dead') return;
      if (m.type === 'batch') {
        for (const one of m.messages) receive(one);
      } else if (m.type === 'ready') {
        this.state = 'ready';
        this.current = undefined;
        events.idle(this);
      } else if (m.type === 'init-failed') {
        events.initFailed(m.message);
        this.stop();
        onGone(this);
      } else events.message(this, m);
    };
    this.worker.on('message', receive);
    const gone = (reason: string) => {
      if (this.state === 'dead') return;
      const id = this.current;
      this.stop();
      events.crashed(this, id, reason);
      onGone(this);
    };
    this.worker.on('error', (e) => gone(`the worker failed: ${e.message}`));
    this.worker.on('exit', (code) => gone(`the worker exited with code ${code}`));
  }

  reply(message: SyncReply): void {
    if (this.state === 'dead') return;
    this.#replies.postMessage(message);
    Atomics.add(this.#signal, SYNC_SIGNAL, 1);
    Atomics.notify(this.#signal, SYNC_SIGNAL);
  }

  start(request: RequestStart): void {
    this.state = 'busy';
    this.current = request.id;
    this.worker.postMessage(request);
  }

  stop(): void {
    this.state = 'dead';
    this.#replies.close();
    void this.worker.terminate();
  }
}

/** What each worker is started with; `bridgeChannel` opens its line to the process's sync bridge, if one is needed. */
export type SlotConfig = Omit<WorkerConfig, 'signal' | 'replies' | 'bridge' | 'slot'> & { bridgeChannel?: () => BridgeChannel };

export class WorkerPool {
  readonly #slots: Slot[] = [];
  #closed = false;
  #failedStarts = 0;

  constructor(
    size: number,
    readonly config: SlotConfig,
    readonly events: PoolEvents,
  ) {
    for (let i = 0; i < size; i++) this.#spawn(i);
  }

  #spawn(slot: number): void {
    if (this.#closed) return;
    const s = new Slot(slot, this.config, { ...this.events, initFailed: (m) => (this.#failedStarts++, this.events.initFailed(m)) }, (gone) => this.#replace(gone));
    s.worker.once('message', () => (this.#failedStarts = 0));
    this.#slots[slot] = s;
  }

  #replace(gone: Slot): void {
    if (this.#slots[gone.slot] !== gone) return;
    // a component that cannot be instantiated would otherwise be restarted in a tight loop
    const delay = this.#failedStarts > 0 ? Math.min(5000, 100 * 2 ** Math.min(this.#failedStarts, 6)) : 0;
    if (delay) setTimeout(() => this.#spawn(gone.slot), delay).unref();
    else this.#spawn(gone.slot);
  }

  /** A ready worker, if there is one. */
  idle(): PoolWorker | undefined {
    return this.#slots.find((s) => s.state === 'ready');
  }

  start(worker: PoolWorker, request: RequestStart): void {
    (worker as Slot).start(request);
  }

  /** Terminates `worker` (it is running a request nobody waits for any more) and starts a replacement. */
  recycle(worker: PoolWorker): void {
    const s = worker as Slot;
    if (s.state === 'dead') return;
    s.stop();
    this.#replace(s);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => (s.state === 'dead' ? undefined : (s.stop(), s.worker.terminate()))));
  }
}
