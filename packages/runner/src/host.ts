import { hrtime } from 'node:process';
import { hostAllowed, httpGrantHint, loopbackAuthority, type Grants } from './grants.js';
import { PROVIDED_INTERFACES } from './instance.js';
import { hostKit, loadHostShim, shimLoaded, shimModule, useOwnKit } from './host-shim.js';
import { createFilesystem } from './wasi/filesystem.js';
import { inputStream, outputStream, pollList, readyPollable } from './wasi/io.js';
import { createSockets } from './wasi/sockets.js';
import { fdSink, stdinSource, type StdioRoute } from './wasi/stdio.js';

export { loadHostShim, shimModule, useOwnKit };
export type { StdioRoute };

/** One denied capability: what the guest tried and the grant that would have allowed it. */
export interface Denial {
  capability: 'http' | 'sockets' | 'lookup' | 'files' | 'stdin' | 'config' | 'logging' | 'keyvalue' | 'blobstore' | 'messaging' | 'plugin';
  attempted: string;
  grant: string;
}

/** Thrown by `wasi:cli/exit` so the run ends with the guest's code instead of Node's process.exit. */
export class GuestExit extends Error {
  constructor(readonly code: number) {
    super(`guest exited with ${code}`);
  }
}

/** A WASI error value for jco: it lowers a thrown error's `payload` as the `err` case. */
function wasiError(payload: unknown): Error & { payload: unknown } {
  return Object.assign(new Error(typeof payload === 'string' ? payload : JSON.stringify(payload)), { payload });
}

export interface HostOptions {
  grants: Grants;
  /** argv[0] and the rest, as `wasi:cli/environment.get-arguments` returns them. */
  args: string[];
  onDenied: (denial: Denial) => void;
  /** Where stdio goes; default: stdout to fd 1, stderr to fd 2, no stdin (unless `grants.stdin`). */
  stdio?: StdioRoute;
}

export interface Host {
  /** The import object, keyed as jco's instantiation mode asks (`wasi:cli/environment`, no version). */
  imports: Record<string, unknown>;
  /** Closes what the instance still holds open (descriptors). */
  close(): void;
  /**
   * Makes the host as it was for a new instance (its monotonic clock starts at zero again), when the guest left
   * nothing open but its preopens; false when it did (then the host must be closed, not used again).
   */
  recycle(): boolean;
}

/**
 * The WASI host of one instance. Everything that reaches the host is the runner's own and checked at use
 * against this instance's grants: the filesystem (descriptors are open fds, paths resolved beneath them),
 * stdio (written straight to host fds, so a slow reader slows the guest instead of filling memory; control
 * characters escaped for a terminal), the environment, a monotonic clock that starts at zero, and sockets
 * (preview2-shim's, wrapped so connect, send, bind and listen are checked). preview2-shim supplies only
 * what holds no capability: stream and pollable classes, wall clock, randomness, the HTTP client (gated here).
 */
export function createHost(options: HostOptions): Host {
  const { cli, clocks, io, random } = hostKit();
  const { grants, onDenied } = options;
  const route: StdioRoute = options.stdio ?? { stdout: 1, stderr: 2, stdin: grants.stdin ? 0 : undefined };
  const env = Object.entries(grants.env);
  const fs = createFilesystem(grants.dirs, onDenied);
  const stdout = outputStream(fdSink(route.stdout));
  const stderr = outputStream(fdSink(route.stderr));
  const stdin = inputStream(stdinSource(grants.stdin ? route.stdin : undefined));
  let start = hrtime.bigint();
  const imports: Record<string, unknown> = {
    'wasi:cli/environment': {
      getEnvironment: () => env,
      getArguments: () => options.args,
      initialCwd: () => undefined,
    },
    'wasi:cli/exit': {
      exit(status: { tag: string }) {
        throw new GuestExit(status.tag === 'err' ? 1 : 0);
      },
      exitWithCode(code: number) {
        throw new GuestExit(code);
      },
    },
    'wasi:cli/stdin': { getStdin: () => stdin },
    'wasi:cli/stdout': { getStdout: () => stdout },
    'wasi:cli/stderr': { getStderr: () => stderr },
    // No terminal is ever handed to a guest: it would learn about, and could drive, the host's TTY.
    'wasi:cli/terminal-input': cli.terminalInput,
    'wasi:cli/terminal-output': cli.terminalOutput,
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
    'wasi:clocks/monotonic-clock': {
      resolution: () => 1n,
      now: () => hrtime.bigint() - start,
      subscribeInstant: (instant: bigint) => clocks.monotonicClock.subscribeInstant(instant + start),
      subscribeDuration: (duration: bigint) => (duration <= 0n ? readyPollable() : clocks.monotonicClock.subscribeDuration(duration)),
    },
    'wasi:clocks/wall-clock': clocks.wallClock,
    'wasi:filesystem/preopens': fs.preopens,
    'wasi:filesystem/types': fs.types,
    'wasi:io/error': io.error,
    'wasi:io/poll': { Pollable: io.poll.Pollable, poll: pollList },
    'wasi:io/streams': io.streams,
    'wasi:random/random': random.random,
    'wasi:random/insecure': random.insecure,
    'wasi:random/insecure-seed': random.insecureSeed,
  };
  if (shimLoaded()) Object.assign(imports, networkImports(options));
  return {
    imports,
    close: () => fs.close(),
    recycle() {
      if (fs.openBeyondPreopens()) return false;
      start = hrtime.bigint();
      return true;
    },
  };
}

/** Sockets, DNS and the outgoing HTTP client: preview2-shim's, checked at use against this instance's grants. */
function networkImports(options: HostOptions): Record<string, unknown> {
  const { grants, onDenied } = options;
  const { http } = shimModule();
  return {
    ...createSockets({ connect: grants.connectAddresses ?? [], listen: grants.allowListen ?? [], onDenied, hostLoopback: (grants.loopbackPorts ?? []).length > 0 }, grants.allowLookup),
    'wasi:http/types': http.types,
    'wasi:http/outgoing-handler': {
      handle(request: { authority(): string | undefined; setAuthority(a: string | undefined): void; scheme(): { tag: string; val?: string } | undefined }, opts: unknown) {
        const authority = request.authority() ?? '';
        const scheme = request.scheme();
        const schemeName = scheme ? (scheme.tag === 'other' ? scheme.val : scheme.tag) : 'https';
        if (!hostAllowed(grants, authority, schemeName)) {
          onDenied({ capability: 'http', attempted: `HTTP request to ${schemeName?.toLowerCase()}://${authority}`, grant: httpGrantHint(authority, schemeName?.toLowerCase()) });
          throw wasiError({ tag: 'HTTP-request-denied' });
        }
        const target = loopbackAuthority(authority);
        if (target !== authority) request.setAuthority(target); // wasmCloud's name for this machine: granted above
        return http.outgoingHandler.handle(request, opts);
      },
    },
  };
}

/** The import object for one instance (see `createHost`; its descriptors close with the process). */
export function hostImports(options: HostOptions): Record<string, unknown> {
  return createHost(options).imports;
}

/** Interfaces the host provides (without versions). */
export function providedInterfaces(): Set<string> {
  return new Set(PROVIDED_INTERFACES);
}
