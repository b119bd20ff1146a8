// TypeScript resolves the shim's browser typings; at run time Node loads its nodejs build, whose
// surface (createFilesystem, sockets, outgoingHandler) is what this module uses. Loaded on first use:
// importing it starts the shim's I/O worker.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Shim = Record<'cli' | 'clocks' | 'filesystem' | 'http' | 'io' | 'random' | 'sockets', any>;
let shim: Shim | undefined;

export async function loadHostShim(): Promise<void> {
  shim ??= (await import('@bytecodealliance/preview2-shim')) as unknown as Shim;
}

/** The loaded preview2-shim (after `loadHostShim`). */
export function shimModule(): Shim {
  if (!shim) throw new Error('shimModule: call loadHostShim() first');
  return shim;
}
import { RunError } from './errors.js';
import { hostAllowed, type Grants } from './grants.js';
import { guardReadOnly, markReadOnly } from './read-only.js';

/** One denied capability: what the guest tried and the grant that would have allowed it. */
export interface Denial {
  capability: 'http' | 'sockets' | 'lookup' | 'files';
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
}

/**
 * The import object for one instance, keyed as jco's instantiation mode asks (`wasi:cli/environment`, no
 * version). preview2-shim provides the implementations; every capability is filtered through `grants`
 * here, per instance, since the shim's own switches are process-global.
 */
export function hostImports(options: HostOptions): Record<string, unknown> {
  if (!shim) throw new Error('hostImports: call loadHostShim() first');
  const { cli, clocks, filesystem, http, io, random, sockets } = shim;
  const { grants, onDenied } = options;
  const env = Object.entries(grants.env);
  const fs = filesystem.createFilesystem({
    preopens: Object.fromEntries(grants.dirs.map((d) => [d.guest, d.host])),
  });
  if (grants.dirs.some((d) => d.readonly)) {
    guardReadOnly(fs.types.Descriptor);
    for (const [descriptor, guest] of fs.preopens.getDirectories() as [object, string][]) {
      const grant = grants.dirs.find((d) => d.guest === guest);
      if (grant?.readonly) markReadOnly(descriptor, { guest, host: grant.host, onDenied });
    }
  }
  const mayConnect = grants.allowHosts.length > 0;
  const denySocket = (kind: string): never => {
    onDenied({ capability: 'sockets', attempted: `creating a ${kind} socket`, grant: '--allow-host HOST[:PORT]' });
    throw wasiError('access-denied');
  };
  return {
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
    'wasi:cli/stdin': cli.stdin,
    'wasi:cli/stdout': cli.stdout,
    'wasi:cli/stderr': cli.stderr,
    'wasi:cli/terminal-input': cli.terminalInput,
    'wasi:cli/terminal-output': cli.terminalOutput,
    'wasi:cli/terminal-stdin': cli.terminalStdin,
    'wasi:cli/terminal-stdout': cli.terminalStdout,
    'wasi:cli/terminal-stderr': cli.terminalStderr,
    'wasi:clocks/monotonic-clock': clocks.monotonicClock,
    'wasi:clocks/wall-clock': clocks.wallClock,
    'wasi:filesystem/preopens': fs.preopens,
    'wasi:filesystem/types': fs.types,
    'wasi:io/error': io.error,
    'wasi:io/poll': io.poll,
    'wasi:io/streams': io.streams,
    'wasi:random/random': random.random,
    'wasi:random/insecure': random.insecure,
    'wasi:random/insecure-seed': random.insecureSeed,
    'wasi:sockets/network': sockets.network,
    'wasi:sockets/instance-network': sockets.instanceNetwork,
    'wasi:sockets/tcp': sockets.tcp,
    'wasi:sockets/udp': sockets.udp,
    'wasi:sockets/tcp-create-socket': {
      createTcpSocket: (family: unknown) => (mayConnect ? sockets.tcpCreateSocket.createTcpSocket(family) : denySocket('TCP')),
    },
    'wasi:sockets/udp-create-socket': {
      createUdpSocket: (family: unknown) => (mayConnect ? sockets.udpCreateSocket.createUdpSocket(family) : denySocket('UDP')),
    },
    'wasi:sockets/ip-name-lookup': {
      ...sockets.ipNameLookup,
      resolveAddresses(network: unknown, name: string) {
        if (!grants.allowLookup) {
          onDenied({ capability: 'lookup', attempted: `DNS lookup of ${name}`, grant: '--allow-lookup' });
          throw wasiError('access-denied');
        }
        return sockets.ipNameLookup.resolveAddresses(network, name);
      },
    },
    'wasi:http/types': http.types,
    'wasi:http/outgoing-handler': {
      handle(request: { authority(): string | undefined; scheme(): { tag: string; val?: string } | undefined }, opts: unknown) {
        const authority = request.authority() ?? '';
        const scheme = request.scheme();
        const schemeName = scheme ? (scheme.tag === 'other' ? scheme.val : scheme.tag) : 'https';
        if (!hostAllowed(grants, authority, schemeName)) {
          onDenied({ capability: 'http', attempted: `HTTP request to ${schemeName?.toLowerCase()}://${authority}`, grant: `--allow-host ${authority || 'HOST'}` });
          throw wasiError({ tag: 'HTTP-request-denied' });
        }
        return http.outgoingHandler.handle(request, opts);
      },
    },
  };
}

/** Interfaces `hostImports` provides (without versions). */
export function providedInterfaces(): Set<string> {
  return new Set(Object.keys(hostImports({ grants: { env: {}, dirs: [], allowHosts: [], allowLookup: false }, args: [], onDenied: () => undefined })));
}
