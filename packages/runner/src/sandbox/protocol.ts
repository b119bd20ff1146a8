import type { Grants } from '../grants.js';
import type { Denial, StdioRoute } from '../host.js';
import type { TranspiledInfo } from '../transpile-cache.js';

/** What a guest worker is asked to do: run a command, or call one exported function. */
export type GuestTask = {
  info: TranspiledInfo;
  grants: Grants;
  /** argv[0] and the rest. */
  args: string[];
  stdio: StdioRoute;
  maxMemoryBytes?: number;
} & (
  | { kind: 'run'; exportName: string }
  | {
      kind: 'call';
      /** Keys to try on the instance for the exported interface (none: a world-level function). */
      holderKeys: string[];
      functionName: string;
      callArgs: unknown[];
    }
);

/** How the guest's work ended. */
export type GuestOutcome =
  | { tag: 'returned'; value: unknown }
  | { tag: 'exit'; code: number }
  /** A top-level `result`'s `err` payload, thrown by jco's bindings. */
  | { tag: 'component-error'; payload: unknown }
  | { tag: 'trap'; message: string; memoryAtLimit: boolean }
  | { tag: 'timeout' }
  | { tag: 'failed'; code: string; message: string; hint?: string; exit?: number };

export type WorkerMessage = { type: 'denied'; denial: Denial } | { type: 'outcome'; outcome: GuestOutcome };
