import { ownKit } from './wasi/kit.js';

// TypeScript resolves the shim's browser typings; at run time Node loads its nodejs build, whose surface
// (io classes, clocks, sockets, http client) is what the runner uses. Loaded on first use: importing it
// prepares the shim's I/O worker.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Shim = Record<'cli' | 'clocks' | 'filesystem' | 'http' | 'io' | 'random' | 'sockets', any>;
let shim: Shim | undefined;
let kitChosen: 'shim' | 'own' | undefined;

export async function loadHostShim(): Promise<void> {
  shim ??= (await import('@bytecodealliance/preview2-shim')) as unknown as Shim;
  kitChosen ??= 'shim';
}

/**
 * For a guest that imports neither sockets nor HTTP: the host's capability-free parts come from weld's own
 * kit and preview2-shim is never loaded. Once a kit has been used in this thread it stays (its classes are
 * what earlier instances were handed).
 */
export function useOwnKit(): void {
  kitChosen ??= 'own';
}

/** The loaded preview2-shim (after `loadHostShim`). */
export function shimModule(): Shim {
  if (!shim) throw new Error('shimModule: call loadHostShim() first');
  return shim;
}

/** Where the capability-free parts (io classes, clocks, randomness, terminal classes) come from in this thread. */
export function hostKit(): Pick<Shim, 'cli' | 'clocks' | 'io' | 'random'> {
  if (kitChosen === 'own') return ownKit;
  return shimModule();
}

/** Which kit this thread has settled on, if any. */
export function kitInUse(): 'shim' | 'own' | undefined {
  return kitChosen;
}

/** Whether preview2-shim's sockets and HTTP client are available (the shim kit is in use). */
export function shimLoaded(): boolean {
  return kitChosen === 'shim';
}
