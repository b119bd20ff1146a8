import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Denial } from '../host.js';
import type { Limits } from '../limits.js';
import type { GuestOutcome } from '../sandbox/protocol.js';
import { superviseWorker } from '../sandbox/supervise.js';
import type { WorkloadTask } from './task.js';

/** The compiled worker entry; from sources (tests run them directly) the package's dist/ build. */
function workerEntry(): string {
  const here = fileURLToPath(new URL('./workload-worker.js', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../../dist/workload/workload-worker.js', import.meta.url));
}

/** Runs a workload task in its own thread: `limits.timeoutMs` terminates it, and its JS heap is capped with the memory limit. */
export function runWorkloadInThread(task: WorkloadTask, limits: Limits, onDenied: (denial: Denial) => void): Promise<GuestOutcome> {
  const heapMb = limits.maxMemoryBytes === undefined ? undefined : Math.max(128, Math.ceil(limits.maxMemoryBytes / 2 ** 20) * (task.components.length + 1));
  const worker = new Worker(workerEntry(), { workerData: { task }, execArgv: [], resourceLimits: heapMb === undefined ? undefined : { maxOldGenerationSizeMb: heapMb } });
  return superviseWorker(worker, limits, onDenied, 'the workload');
}
