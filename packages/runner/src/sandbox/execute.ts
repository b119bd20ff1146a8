import { isMainThread, parentPort } from 'node:worker_threads';
import { createHost, GuestExit, loadHostShim, useOwnKit } from '../host.js';
import { PROVIDED_INTERFACES, versionless } from '../instance.js';
import type { AttachedPlugins } from '../host-interfaces/plugins.js';
import { openTranspiled, type CoreInstance } from '../transpile-cache.js';
import type { Denial } from '../host.js';
import type { GuestOutcome, GuestTask, ListenStop, WorkerMessage } from './protocol.js';

const MemoryClass = (globalThis as unknown as { WebAssembly: { Memory: new (...a: never[]) => { buffer: ArrayBuffer } } }).WebAssembly.Memory;

/** preview2-shim is loaded only for a guest that imports sockets or HTTP; everything else is weld's own. */
const NETWORK = /^wasi:(sockets|http)\//;

export function needsShim(task: GuestTask): boolean {
  return task.info.imports.some((i) => NETWORK.test(versionless(i)));
}

/**
 * Instantiates the task's component with imports built from its grants and runs it, in the calling thread;
 * denials go to `post` as they happen. How it ended is the result; nothing here throws for the guest's sake.
 */
export async function executeGuest(task: GuestTask, post: (message: WorkerMessage) => void): Promise<GuestOutcome> {
  const memories: { buffer: ArrayBuffer }[] = [];
  const memoryAtLimit = () => {
    const cap = task.maxMemoryBytes;
    return cap !== undefined && memories.some((m) => m.buffer.byteLength + 65536 > cap);
  };
  try {
    return await execute(task, post, memories, memoryAtLimit);
  } catch (e) {
    const err = e as { code?: string; message?: string; hint?: string; exit?: number };
    return { tag: 'failed', code: err?.code ?? 'instantiate-failed', message: err?.message ?? String(e), hint: err?.hint, exit: err?.exit };
  }
}

async function execute(task: GuestTask, post: (message: WorkerMessage) => void, memories: { buffer: ArrayBuffer }[], memoryAtLimit: () => boolean): Promise<GuestOutcome> {
  if (needsShim(task)) await loadHostShim();
  else useOwnKit();
  const component = await openTranspiled(task.info, {
    maxMemoryBytes: task.maxMemoryBytes,
    onCoreInstance: (instance: CoreInstance) => {
      for (const v of Object.values(instance.exports)) if (v instanceof MemoryClass) memories.push(v);
    },
  });
  const onDenied = (denial: Denial) => post({ type: 'denied', denial });
  const host = createHost({ grants: task.grants, args: task.args, stdio: task.stdio, onDenied });
  const plugins = await attachHostPlugins(task, onDenied);
  let instance: Record<string, any>;
  try {
    instance = await component.instantiate(plugins ? { ...host.imports, ...plugins.imports } : host.imports);
    await plugins?.start(instance);
  } catch (e) {
    host.close();
    await plugins?.close();
    if ((e as { code?: string }).code === 'limit-exceeded') throw e;
    return { tag: 'failed', code: 'instantiate-failed', message: `instantiating the component failed: ${(e as Error).message}` };
  }
  try {
    if (task.kind === 'listen') return await listen(task.stop);
    if (task.kind === 'run') {
      const run = instance[task.exportName] ?? instance.run;
      return { tag: 'returned', value: await run.run() };
    }
    const holder = task.holderKeys.length === 0 ? instance : task.holderKeys.map((k) => instance[k]).find((h) => h !== undefined);
    const fn = (holder as Record<string, unknown> | undefined)?.[task.functionName];
    if (typeof fn !== 'function') return { tag: 'failed', code: 'export-not-found', message: `jco's bindings have no function ${task.functionName}` };
    return { tag: 'returned', value: await (fn as (...a: unknown[]) => unknown).apply(holder, task.callArgs) };
  } catch (e) {
    if (e instanceof GuestExit) return { tag: 'exit', code: e.code };
    if ((e as { payload?: unknown }).payload !== undefined && (e as Error).constructor?.name === 'ComponentError') {
      return { tag: 'component-error', payload: (e as { payload: unknown }).payload };
    }
    return { tag: 'trap', message: (e as Error)?.message ?? String(e), memoryAtLimit: memoryAtLimit() };
  } finally {
    host.close();
    await plugins?.close();
  }
}

/** The host plugins bound to this task's component (none when it imports only WASI and nothing is granted). */
async function attachHostPlugins(task: GuestTask, onDenied: (denial: Denial) => void): Promise<AttachedPlugins | undefined> {
  const plugins = task.grants.hostPlugins;
  if (!plugins && task.info.imports.every((i) => PROVIDED_INTERFACES.has(versionless(i)))) return undefined;
  const { attachPlugins, bindHostInterfaces } = await import('../host-interfaces/plugins.js');
  const { useInheritedBridge } = await import('../host-interfaces/bridge/sync-bridge.js');
  useInheritedBridge(task.bridge);
  const component = (task.args[0] ?? 'component').replace(/\.wasm$/, '');
  return attachPlugins(await bindHostInterfaces(task.info, plugins, component), component, onDenied);
}

/** A component that only handles deliveries (messages) runs until the process is asked to stop. */
function listen(stop: ListenStop | undefined): Promise<GuestOutcome> {
  return new Promise((resolve) => {
    const done = () => resolve({ tag: 'returned', value: undefined });
    // Signals reach the main thread only; a guest worker is told by a { stop: true } message (see runGuest).
    if (stop?.signals && isMainThread) for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, done);
    if (stop?.signals && !isMainThread) {
      const onStop = (m: { stop?: boolean }) => m?.stop && (parentPort?.off('message', onStop), done());
      parentPort?.on('message', onStop);
    }
    if (stop?.afterMs !== undefined) setTimeout(done, stop.afterMs);
    if (!stop?.signals && stop?.afterMs === undefined) done();
  });
}

