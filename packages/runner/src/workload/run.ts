import { WorkloadError } from '@weld/compose/workload';
import path from 'node:path';
import { prepareCall, type CallResult } from '../call.js';
import type { Denial, StdioRoute } from '../host.js';
import { versionless } from '../instance.js';
import type { Limits } from '../limits.js';
import { outcomeError } from '../sandbox/outcome.js';
import type { GuestOutcome } from '../sandbox/protocol.js';
import { prepareVolumes } from './grants.js';
import { assertLinked, type LoadedWorkload } from './load.js';
import { executeWorkloadTask, taskOf, type WorkloadAction } from './task.js';
import { commandExitCode, isCommandEnd } from '../sandbox/supervise.js';

export interface WorkloadRunOptions {
  args?: string[];
  stdio?: StdioRoute;
  onDenied?: (denial: Denial) => void;
  limits?: Limits;
  /** Configuration from flags by plugin name, applied after the manifest's (see `InstantiateOptions.pluginConfig`). */
  pluginConfig?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * Runs the task in this thread, or, with a time or memory limit, in a thread of its own that the limit can stop.
 * Volumes are made here either way, so a stopped thread leaves no ephemeral folder behind.
 */
async function execute(loaded: LoadedWorkload, action: WorkloadAction, options: WorkloadRunOptions, stdio: StdioRoute, onDenied: (d: Denial) => void): Promise<GuestOutcome> {
  const limits = options.limits ?? {};
  const volumes = await prepareVolumes(loaded.manifest, path.dirname(loaded.file));
  try {
    const task = taskOf(loaded, action, { args: options.args ?? [], stdio, pluginConfig: options.pluginConfig, maxMemoryBytes: limits.maxMemoryBytes, volumeDirs: [...volumes.dirs] });
    if (limits.timeoutMs === undefined && limits.maxMemoryBytes === undefined) {
      return await executeWorkloadTask(task, onDenied, loaded);
    }
    assertLinked(loaded); // refuse before a thread starts
    const { runWorkloadInThread } = await import('./guest-thread.js');
    return await runWorkloadInThread(task, limits, onDenied);
  } finally {
    await volumes.remove();
  }
}

/** The component `weld run` starts: the service, else the one component exporting wasi:cli/run. */
export function entryOf(loaded: LoadedWorkload): { name: string; exportName: string } {
  const runExport = (name: string) => loaded.components.get(name)!.interfaces.exports.find((e) => versionless(e) === 'wasi:cli/run');
  const { service } = loaded.manifest;
  if (service) {
    const exportName = runExport('service');
    if (!exportName) throw new WorkloadError('manifest-invalid', `the service (${service.image}) does not export wasi:cli/run`, { hint: 'a workload service is a command: it exports wasi:cli/run' });
    return { name: 'service', exportName };
  }
  const commands = loaded.manifest.components.flatMap((c) => (runExport(c.name) ? [{ name: c.name, exportName: runExport(c.name)! }] : []));
  if (commands.length === 1) return commands[0]!;
  if (commands.length === 0) {
    throw new WorkloadError('not-found', `${loaded.manifest.name}: no service and no component exports wasi:cli/run, so there is nothing to run`, {
      hint: "call a component's export instead: weld call WORKLOAD 'iface.func(args)'",
    });
  }
  throw new WorkloadError('manifest-invalid', `${loaded.manifest.name}: ${commands.map((c) => c.name).join(' and ')} all export wasi:cli/run; weld run starts one`, {
    hint: 'make one of them the workload `service`',
  });
}

/** Runs the workload's entry command with every sibling linked; stops the workload when it returns. */
export async function runWorkload(loaded: LoadedWorkload, options: WorkloadRunOptions = {}): Promise<{ exitCode: number; denials: Denial[] }> {
  const entry = entryOf(loaded);
  const denials: Denial[] = [];
  const outcome = await execute(loaded, { kind: 'run', component: entry.name, exportName: entry.exportName }, options, options.stdio ?? { stdout: 1, stderr: 2 }, (d) => {
    denials.push(d);
    options.onDenied?.(d);
  });
  if (isCommandEnd(outcome)) return { exitCode: commandExitCode(outcome), denials };
  throw outcomeError(outcome, options.limits ?? {}, `while running ${entry.name}`);
}

export interface WorkloadCallOptions extends WorkloadRunOptions {
  /** The component to call; by default the one that exports the target. */
  component?: string;
}

/** Calls one export of one component with every sibling linked (`weld call workload.yaml 'app.report(…)'`). */
export async function callWorkload(loaded: LoadedWorkload, expression: string, options: WorkloadCallOptions = {}): Promise<CallResult & { component: string }> {
  const candidates = options.component ? [options.component] : loaded.manifest.components.map((c) => c.name);
  if (options.component && !loaded.components.has(options.component)) {
    throw new WorkloadError('not-found', `${loaded.manifest.name} has no component "${options.component}" (have ${[...loaded.components.keys()].join(', ')})`);
  }
  const prepared: Array<{ name: string; call: ReturnType<typeof prepareCall> }> = [];
  let lastError: unknown;
  for (const name of candidates) {
    try {
      prepared.push({ name, call: prepareCall(loaded.components.get(name)!.bytes, expression) });
    } catch (e) {
      if ((e as { code?: string }).code !== 'export-not-found' || options.component) throw e;
      lastError = e;
    }
  }
  if (prepared.length === 0) throw lastError ?? new WorkloadError('not-found', `no component of ${loaded.manifest.name} exports the target of ${expression}`);
  if (prepared.length > 1) {
    throw new WorkloadError('not-found', `${expression}: ${prepared.map((p) => p.name).join(' and ')} both export it`, { hint: 'choose one with --component NAME' });
  }
  const { name, call } = prepared[0]!;
  const denials: Denial[] = [];
  const action = { kind: 'call' as const, component: name, holderKeys: call.holderKeys, functionName: call.functionName, callArgs: call.callArgs };
  const outcome = await execute(loaded, action, options, options.stdio ?? { stdout: 2, stderr: 2 }, (d) => {
    denials.push(d);
    options.onDenied?.(d);
  });
  return { ...call.finish(outcome, options.limits ?? {}, denials), component: name };
}
