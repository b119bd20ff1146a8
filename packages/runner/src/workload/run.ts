import { WorkloadError } from '@weld/compose/workload';
import { prepareCall, type CallResult } from '../call.js';
import { GuestExit, type Denial, type StdioRoute } from '../host.js';
import { versionless } from '../instance.js';
import type { Limits } from '../limits.js';
import type { GuestOutcome } from '../sandbox/protocol.js';
import { instantiateWorkload } from './instantiate.js';
import type { LoadedWorkload } from './load.js';

export interface WorkloadRunOptions {
  args?: string[];
  stdio?: StdioRoute;
  onDenied?: (denial: Denial) => void;
  limits?: Limits;
  config?: Readonly<Record<string, string>>;
}

function checkLimits(limits: Limits | undefined): void {
  if (limits?.timeoutMs !== undefined) {
    throw new WorkloadError('manifest-unsupported', '--timeout is not implemented for workloads yet (their components share one thread)', { hint: 'run without --timeout' });
  }
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
  checkLimits(options.limits);
  const entry = entryOf(loaded);
  const denials: Denial[] = [];
  const running = await instantiateWorkload(loaded, {
    args: options.args,
    stdio: options.stdio,
    config: options.config,
    maxMemoryBytes: options.limits?.maxMemoryBytes,
    onDenied: (d) => {
      denials.push(d);
      options.onDenied?.(d);
    },
  });
  try {
    const instance = running.instances.get(entry.name)!;
    const outcome = await settle(() => (instance[entry.exportName] ?? instance.run).run());
    switch (outcome.tag) {
      case 'returned': {
        const result = outcome.value as { tag?: string } | undefined;
        return { exitCode: result && typeof result === 'object' && result.tag === 'err' ? 1 : 0, denials };
      }
      case 'exit':
        return { exitCode: outcome.code, denials };
      case 'component-error':
        return { exitCode: 1, denials };
      default:
        throw new WorkloadError('link-failed', `${entry.name} trapped while running: ${(outcome as { message: string }).message}`, { exit: 1 });
    }
  } finally {
    await running.close();
  }
}

export interface WorkloadCallOptions extends WorkloadRunOptions {
  /** The component to call; by default the one that exports the target. */
  component?: string;
}

/** Calls one export of one component with every sibling linked (`weld call workload.yaml 'app.report(…)'`). */
export async function callWorkload(loaded: LoadedWorkload, expression: string, options: WorkloadCallOptions = {}): Promise<CallResult & { component: string }> {
  checkLimits(options.limits);
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
  const running = await instantiateWorkload(loaded, {
    stdio: options.stdio ?? { stdout: 2, stderr: 2 },
    config: options.config,
    maxMemoryBytes: options.limits?.maxMemoryBytes,
    onDenied: (d) => {
      denials.push(d);
      options.onDenied?.(d);
    },
  });
  try {
    const instance = running.instances.get(name)!;
    const holder = call.holderKeys.length === 0 ? instance : call.holderKeys.map((k) => instance[k]).find((h) => h !== undefined);
    const fn = (holder as Record<string, unknown> | undefined)?.[call.functionName];
    const outcome: GuestOutcome =
      typeof fn === 'function' ? await settle(() => (fn as (...a: unknown[]) => unknown).apply(holder, call.callArgs)) : { tag: 'failed', code: 'export-not-found', message: `no function ${call.functionName}` };
    return { ...call.finish(outcome, options.limits ?? {}, denials), component: name };
  } finally {
    await running.close();
  }
}
