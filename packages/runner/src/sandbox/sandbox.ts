import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Denial } from '../host.js';
import { kitInUse } from '../host-shim.js';
import type { Limits } from '../limits.js';
import type { GuestOutcome, GuestTask } from './protocol.js';
import { superviseWorker } from './supervise.js';

/** The compiled worker entry; from sources (tests run them directly) the package's dist/ build. */
function workerEntry(): string {
  const here = fileURLToPath(new URL('./guest-worker.js', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../../dist/sandbox/guest-worker.js', import.meta.url));
}

/** A guest worker whose plugins reach Redis or NATS gets a channel to this process's sync bridge. */
async function withBridge(task: GuestTask): Promise<GuestTask> {
  const granted = task.grants.hostPlugins?.granted;
  const remote = [granted?.keyvalue?.url, granted?.messaging?.url].some((u) => u !== undefined && u !== 'mem');
  if (!remote) return task;
  const { bridgeChannelForWorker } = await import('../host-interfaces/bridge/sync-bridge.js');
  return { ...task, bridge: bridgeChannelForWorker() };
}

function spawnGuest(limits: Limits, task?: GuestTask): Worker {
  const heapMb = limits.maxMemoryBytes === undefined ? undefined : Math.max(128, Math.ceil(limits.maxMemoryBytes / 2 ** 20));
  return new Worker(workerEntry(), {
    workerData: task ? { task: { ...task, maxMemoryBytes: limits.maxMemoryBytes } } : undefined,
    transferList: task?.bridge ? [task.bridge.port] : undefined,
    execArgv: [],
    resourceLimits: heapMb === undefined ? undefined : { maxOldGenerationSizeMb: heapMb },
  });
}

let warm: { worker: Worker; limits: Limits } | undefined;

/**
 * Starts the worker for the next `runGuest` now, so the thread and the host's modules load while the caller
 * is still reading and checking the component. It does not keep the process alive until it is used.
 */
export function prewarmGuest(limits: Limits): void {
  if (warm) return;
  const worker = spawnGuest(limits);
  worker.unref();
  worker.on('error', () => undefined);
  warm = { worker, limits };
}

function takeWarm(limits: Limits, task: GuestTask): Worker | undefined {
  const w = warm;
  warm = undefined;
  if (!w) return undefined;
  if (w.limits.maxMemoryBytes !== limits.maxMemoryBytes) {
    void w.worker.terminate();
    return undefined;
  }
  w.worker.removeAllListeners('error');
  w.worker.ref();
  w.worker.postMessage({ task: { ...task, maxMemoryBytes: limits.maxMemoryBytes } }, task.bridge ? [task.bridge.port] : []);
  return w.worker;
}

/**
 * Runs a guest task and settles with how it ended. With a time or memory limit (or a worker started for it by
 * `prewarmGuest`) it runs in its own worker thread: `limits.timeoutMs` is enforced by terminating the worker,
 * which stops even a guest spinning in a loop that never calls the host, and the worker's JS heap is capped
 * with the memory. Without limits there is nothing to terminate and the guest runs in this thread, under the
 * same host, sparing a thread's start (most of a cold `weld run`).
 */
export async function runGuest(task: GuestTask, limits: Limits, onDenied: (denial: Denial) => void): Promise<GuestOutcome> {
  if (limits.timeoutMs === undefined && limits.maxMemoryBytes === undefined && !warm) {
    const { executeGuest, needsShim } = await import('./execute.js');
    // A thread keeps the kit it first used; a networked guest after a shim-free one needs a thread of its own.
    if (!(needsShim(task) && kitInUse() === 'own')) return executeGuest(task, (message) => message.type === 'denied' && onDenied(message.denial));
  }
  task = await withBridge(task);
  const worker = takeWarm(limits, task) ?? spawnGuest(limits, task);
  const stopListening = () => worker.postMessage({ stop: true });
  const listening = task.kind === 'listen' && task.stop?.signals;
  if (listening) for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, stopListening);
  return superviseWorker(worker, limits, onDenied, 'the guest', () => {
    if (listening) for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, stopListening);
  });
}
