import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Denial } from '../host.js';
import type { Limits } from '../limits.js';
import type { GuestOutcome, WorkerMessage } from '../sandbox/protocol.js';
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
  return new Promise((resolve) => {
    const worker = new Worker(workerEntry(), { workerData: { task }, execArgv: [], resourceLimits: heapMb === undefined ? undefined : { maxOldGenerationSizeMb: heapMb } });
    let settled = false;
    const settle = (outcome: GuestOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    };
    const timer = limits.timeoutMs === undefined ? undefined : setTimeout(() => settle({ tag: 'timeout' }), limits.timeoutMs);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'denied') onDenied(message.denial);
      else settle(message.outcome);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') settle({ tag: 'failed', code: 'limit-exceeded', message: 'the workload exhausted the host memory it may use', hint: 'raise --max-memory', exit: 1 });
      else settle({ tag: 'trap', message: e.message, memoryAtLimit: false });
    });
    worker.on('exit', (code) => settle({ tag: 'failed', code: 'trap', message: `the workload's thread stopped unexpectedly (exit code ${code})`, exit: 1 }));
  });
}
