import path from 'node:path';
import type { LinkPlan, WorkloadManifest } from '@weld/compose/workload';
import { GuestExit, type Denial, type StdioRoute } from '../host.js';
import type { GuestOutcome } from '../sandbox/protocol.js';
import { instantiateWorkload } from './instantiate.js';
import type { LoadedComponent, LoadedWorkload } from './load.js';
import { loadPlugins } from './plugins.js';
import { BUILTIN_PLUGINS } from '../host-interfaces/plugins.js';

/** What to do once the workload is linked: run a command export, or call one function of one component. */
export type WorkloadAction =
  | { kind: 'run'; component: string; exportName: string }
  | { kind: 'call'; component: string; holderKeys: string[]; functionName: string; callArgs: unknown[] };

/** A workload and an action as plain data, so a guest thread can run it (see `workload-worker.ts`). */
export interface WorkloadTask {
  manifest: WorkloadManifest;
  file: string;
  components: Array<Omit<LoadedComponent, 'decision'>>;
  plan: LinkPlan;
  action: WorkloadAction;
  args: string[];
  stdio: StdioRoute;
  pluginConfig?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  maxMemoryBytes?: number;
  /** Volume folders the parent made, by name. */
  volumeDirs?: Array<[string, string]>;
}

export function taskOf(loaded: LoadedWorkload, action: WorkloadAction, rest: Omit<WorkloadTask, 'manifest' | 'file' | 'components' | 'plan' | 'action'>): WorkloadTask {
  return {
    manifest: loaded.manifest,
    file: loaded.file,
    components: [...loaded.components.values()].map(({ spec, bytes, origin, interfaces }) => ({ spec, bytes, origin, interfaces })),
    plan: loaded.plan,
    action,
    ...rest,
  };
}

/** How a guest's work ended, as the single-component runner reports it. */
async function settle(work: () => unknown): Promise<GuestOutcome> {
  try {
    return { tag: 'returned', value: await work() };
  } catch (e) {
    if (e instanceof GuestExit) return { tag: 'exit', code: e.code };
    if ((e as { payload?: unknown }).payload !== undefined && (e as Error).constructor?.name === 'ComponentError') return { tag: 'component-error', payload: (e as { payload: unknown }).payload };
    return { tag: 'trap', message: (e as Error)?.message ?? String(e), memoryAtLimit: false };
  }
}

/**
 * Links the workload in this thread, performs the action and stops the workload; `plugins` are the loaded ones
 * (a guest thread loads the manifest's own from their modules). Failures to start are thrown; how the guest's
 * work ended is the result.
 */
export async function executeWorkloadTask(task: WorkloadTask, onDenied: (denial: Denial) => void, loaded?: LoadedWorkload): Promise<GuestOutcome> {
  const workload: LoadedWorkload = loaded ?? {
    manifest: task.manifest,
    file: task.file,
    components: new Map(task.components.map((c) => [c.spec.name, c])),
    plugins: [...BUILTIN_PLUGINS, ...(await loadPlugins(task.manifest.plugins, path.dirname(task.file)))],
    plan: task.plan,
  };
  const running = await instantiateWorkload(workload, {
    args: task.args,
    stdio: task.stdio,
    pluginConfig: task.pluginConfig,
    maxMemoryBytes: task.maxMemoryBytes,
    onDenied,
    volumeDirs: task.volumeDirs ? new Map(task.volumeDirs) : undefined,
  });
  try {
    const instance = running.instances.get(task.action.component)!;
    const action = task.action;
    if (action.kind === 'run') return await settle(() => (instance[action.exportName] ?? instance.run).run());
    const holder = action.holderKeys.length === 0 ? instance : action.holderKeys.map((k) => instance[k]).find((h) => h !== undefined);
    const fn = (holder as Record<string, unknown> | undefined)?.[action.functionName];
    if (typeof fn !== 'function') return { tag: 'failed', code: 'export-not-found', message: `jco's bindings have no function ${action.functionName}` };
    return await settle(() => (fn as (...a: unknown[]) => unknown).apply(holder, action.callArgs));
  } finally {
    await running.close();
  }
}
