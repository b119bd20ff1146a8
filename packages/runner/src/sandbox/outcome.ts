import { RunError, type RunErrorCode } from '../errors.js';
import type { Limits } from '../limits.js';
import type { GuestOutcome } from './protocol.js';

/** The error for an outcome that is neither a return nor an exit; `during` names what was running. */
export function outcomeError(outcome: Exclude<GuestOutcome, { tag: 'returned' } | { tag: 'exit' } | { tag: 'component-error' }>, limits: Limits, during: string): RunError {
  switch (outcome.tag) {
    case 'timeout':
      return new RunError('limit-exceeded', `the guest did not finish ${during} within the time limit (--timeout ${limits.timeoutText ?? `${limits.timeoutMs}ms`}) and was stopped`, {
        hint: 'raise --timeout if the work needs longer',
        exit: 1,
      });
    case 'trap':
      if (outcome.memoryAtLimit) {
        return new RunError('limit-exceeded', `the guest trapped ${during} with its memory at the limit (--max-memory ${limits.maxMemoryText ?? limits.maxMemoryBytes}): ${outcome.message}`, {
          hint: 'raise --max-memory if the work needs more',
          exit: 1,
        });
      }
      return new RunError('trap', `the guest trapped ${during}: ${outcome.message}`, { exit: 1 });
    case 'failed':
      return new RunError(outcome.code as RunErrorCode, outcome.message, { hint: outcome.hint, exit: outcome.exit ?? (outcome.code === 'limit-exceeded' ? 1 : 2) });
  }
}
