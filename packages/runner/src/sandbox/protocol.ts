import type { Grants } from '../grants.js';
import type { Denial, StdioRoute } from '../host.js';
import type { TranspiledInfo } from '../transpile-cache.js';
import type { BridgeChannel } from '../host-interfaces/bridge/protocol.js';

/** What a guest worker is asked to do: run a command, or call one exported function. */
export type GuestTask = {
  info: TranspiledInfo;
  grants: Grants;
  /** argv[0] and the rest. */
  args: string[];
  stdio: StdioRoute;
  maxMemoryBytes?: number;
  /** A channel to the process's sync bridge for a guest in a worker thread (see host-interfaces/bridge). */
  bridge?: BridgeChannel;
} & (
  | { kind: 'run'; exportName: string }
  /** Instantiate and start the host plugins (subscriptions), then serve deliveries until `stop`. */
  | { kind: 'listen'; stop?: ListenStop }
  | {
      kind: 'call';
      /** Keys to try on the instance for the exported interface (none: a world-level function). */
      holderKeys: string[];
      functionName: string;
      callArgs: unknown[];
    }
);

/** When a listening component stops: on SIGINT/SIGTERM, and/or after a time. */
export interface ListenStop {
  signals?: boolean;
  afterMs?: number;
}

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
