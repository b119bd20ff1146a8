import { parentPort, workerData } from 'node:worker_threads';
import { createHost, GuestExit, loadHostShim, useOwnKit } from '../host.js';
import { versionless } from '../instance.js';
import { openTranspiled, type CoreInstance } from '../transpile-cache.js';
import type { GuestOutcome, GuestTask, WorkerMessage } from './protocol.js';

/**
 * A guest's own thread: it instantiates the component with imports built from the task's grants and runs it.
 * The main thread enforces the time limit by terminating this worker, so nothing here needs the guest's
 * cooperation; blocking host calls (stdout to a slow pipe) block only this thread.
 */
// A worker may be started before its task is known (see `prewarmGuest`): its modules load meanwhile.
const task: GuestTask =
  (workerData as { task?: GuestTask } | undefined)?.task ?? (await new Promise<GuestTask>((resolve) => parentPort!.once('message', (m: { task: GuestTask }) => resolve(m.task))));
const post = (message: WorkerMessage) => parentPort!.postMessage(message);

const MemoryClass = (globalThis as unknown as { WebAssembly: { Memory: new (...a: never[]) => { buffer: ArrayBuffer } } }).WebAssembly.Memory;
const memories: { buffer: ArrayBuffer }[] = [];

function memoryAtLimit(): boolean {
  const cap = task.maxMemoryBytes;
  return cap !== undefined && memories.some((m) => m.buffer.byteLength + 65536 > cap);
}

/** preview2-shim is loaded only for a guest that imports sockets or HTTP; everything else is weld's own. */
const NETWORK = /^wasi:(sockets|http)\//;

async function main(): Promise<GuestOutcome> {
  if (task.info.imports.some((i) => NETWORK.test(versionless(i)))) await loadHostShim();
  else useOwnKit();
  const component = await openTranspiled(task.info, {
    maxMemoryBytes: task.maxMemoryBytes,
    onCoreInstance: (instance: CoreInstance) => {
      for (const v of Object.values(instance.exports)) if (v instanceof MemoryClass) memories.push(v);
    },
  });
  const host = createHost({ grants: task.grants, args: task.args, stdio: task.stdio, onDenied: (denial) => post({ type: 'denied', denial }) });
  let instance: Record<string, any>;
  try {
    instance = await component.instantiate(host.imports);
  } catch (e) {
    if ((e as { code?: string }).code === 'limit-exceeded') throw e;
    return { tag: 'failed', code: 'instantiate-failed', message: `instantiating the component failed: ${(e as Error).message}` };
  }
  try {
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
  }
}

main().then(
  (outcome) => post({ type: 'outcome', outcome }),
  (e: { code?: string; message?: string; hint?: string; exit?: number }) =>
    post({ type: 'outcome', outcome: { tag: 'failed', code: e?.code ?? 'instantiate-failed', message: e?.message ?? String(e), hint: e?.hint, exit: e?.exit } }),
);
