import { RunError } from './errors.js';

export function versionless(name: string): string {
  return name.replace(/@[^/]+$/, '');
}

/** Interfaces the runner's host provides (without versions); see `createHost`. */
export const PROVIDED_INTERFACES: ReadonlySet<string> = new Set([
  'wasi:cli/environment',
  'wasi:cli/exit',
  'wasi:cli/stdin',
  'wasi:cli/stdout',
  'wasi:cli/stderr',
  'wasi:cli/terminal-input',
  'wasi:cli/terminal-output',
  'wasi:cli/terminal-stdin',
  'wasi:cli/terminal-stdout',
  'wasi:cli/terminal-stderr',
  'wasi:clocks/monotonic-clock',
  'wasi:clocks/wall-clock',
  'wasi:filesystem/preopens',
  'wasi:filesystem/types',
  'wasi:io/error',
  'wasi:io/poll',
  'wasi:io/streams',
  'wasi:random/random',
  'wasi:random/insecure',
  'wasi:random/insecure-seed',
  'wasi:sockets/network',
  'wasi:sockets/instance-network',
  'wasi:sockets/tcp',
  'wasi:sockets/udp',
  'wasi:sockets/tcp-create-socket',
  'wasi:sockets/udp-create-socket',
  'wasi:sockets/ip-name-lookup',
  'wasi:http/types',
  'wasi:http/outgoing-handler',
]);

/** Throws `unsatisfied-import` when the component imports something the host does not provide. */
export function checkImportsProvided(component: { imports: string[] }): void {
  const missing = component.imports.filter((i) => !PROVIDED_INTERFACES.has(versionless(i)));
  if (missing.length > 0) {
    throw new RunError('unsatisfied-import', `no host implementation for ${missing.join(', ')}`, {
      hint: 'compose the component with one that exports these interfaces first; weld supplies WASI only',
    });
  }
}
