import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage } from '../sandbox/protocol.js';
import { executeWorkloadTask, type WorkloadTask } from './task.js';

/**
 * A workload's own thread, for runs with a time or memory limit: the parent enforces the time by terminating this
 * worker, which stops every component of the workload at once, however it loops.
 */
const task = (workerData as { task: WorkloadTask }).task;
const post = (message: WorkerMessage) => parentPort!.postMessage(message);
try {
  post({ type: 'outcome', outcome: await executeWorkloadTask(task, (denial) => post({ type: 'denied', denial })) });
} catch (e) {
  const err = e as { code?: string; message?: string; hint?: string; exit?: number };
  post({ type: 'outcome', outcome: { tag: 'failed', code: err?.code ?? 'instantiate-failed', message: err?.message ?? String(e), hint: err?.hint, exit: err?.exit } });
}
