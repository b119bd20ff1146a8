import type { Worker } from 'node:worker_threads';
import type { Denial } from '../host.js';
import type { Limits } from '../limits.js';
import type { GuestOutcome, WorkerMessage } from './protocol.js';

/**
 * Settles with how a guest thread ended: its outcome message, a timeout (`limits.timeoutMs` terminates the thread,
 * which stops even a guest spinning without calling the host), running out of its capped heap, or dying. The thread
 * is terminated once settled. `what` names it in messages (`the guest`, `the workload`).
 */
export function superviseWorker(
  worker: Worker,
  limits: Limits,
  onDenied: (denial: Denial) => void,
  what: string,
  onSettled?: () => void,
): Promise<GuestOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: GuestOutcome) => {
      if (settled) return;
      settled = true;
      onSettled?.();
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
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') settle({ tag: 'failed', code: 'limit-exceeded', message: `${what} exhausted the host memory it may use`, hint: 'raise --max-memory', exit: 1 });
      else settle({ tag: 'trap', message: e.message, memoryAtLimit: false });
    });
    worker.on('exit', (code) => settle({ tag: 'failed', code: 'trap', message: `${what}'s thread stopped unexpectedly (exit code ${code})`, exit: 1 }));
  });
}

/** How a command can end by itself: it returned (`ok`/`err` from wasi:cli/run), called exit, or failed in a component. */
export type CommandEnd = Extract<GuestOutcome, { tag: 'returned' | 'exit' | 'component-error' }>;

export function isCommandEnd(outcome: GuestOutcome): outcome is CommandEnd {
  return outcome.tag === 'returned' || outcome.tag === 'exit' || outcome.tag === 'component-error';
}

/** The process exit code of such an end: `err` from wasi:cli/run and a component error are 1, `exit(n)` is n. */
export function commandExitCode(outcome: CommandEnd): number {
  switch (outcome.tag) {
    case 'returned': {
      const result = outcome.value as { tag?: string } | undefined;
      return result && typeof result === 'object' && result.tag === 'err' ? 1 : 0;
    }
    case 'exit':
      return outcome.code;
    case 'component-error':
      return 1;
  }
}
