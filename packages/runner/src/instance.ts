import type { PluginGrants } from './host-interfaces/grants.js';

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

/**
 * Throws `unsatisfied-import` when the component imports something neither the WASI host nor a host plugin
 * provides, and `host-interface-denied` (exit 3) when the plugin that would is not granted (see
 * `bindHostInterfaces`). A component that imports only WASI loads no plugin code.
 */
export async function checkImportsProvided(
  component: { imports: readonly string[]; exports?: ReadonlyArray<readonly [string, string]> },
  grants?: PluginGrants,
  name?: string,
  bytes?: Uint8Array,
): Promise<void> {
  const foreign = component.imports.some((i) => !PROVIDED_INTERFACES.has(versionless(i)));
  if (!foreign && grants === undefined) return;
  const { bindHostInterfaces } = await import('./host-interfaces/plugins.js');
  const versioned = foreign && bytes ? await (await import('./host-interfaces/versions.js')).versionedImports(bytes) : undefined;
  await bindHostInterfaces({ imports: component.imports, exports: component.exports ?? [], versioned }, grants, name);
}
