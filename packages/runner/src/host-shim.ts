// TypeScript resolves the shim's browser typings; at run time Node loads its nodejs build, whose surface
// (io classes, clocks, sockets, http client) is what the runner uses. Loaded on first use: importing it
// prepares the shim's I/O worker.
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
