import { RunError } from './errors.js';
import { GuestExit, type Denial } from './host.js';
import type { Grants } from './grants.js';
import { instantiateGranted, versionless } from './instance.js';
import { transpileCached } from './transpile-cache.js';

export interface RunOptions {
  grants: Grants;
  /** Arguments after argv[0]. */
  args?: string[];
  /** argv[0] the guest sees; default "component". */
  programName?: string;
  onDenied?: (denial: Denial) => void;
}

export interface RunResult {
  exitCode: number;
  denials: Denial[];
}

/** Runs a `wasi:cli/run` component to completion under `grants`; returns the guest's exit code. */
export async function runCommand(bytes: Uint8Array, options: RunOptions): Promise<RunResult> {
  const component = await transpileCached(bytes);
  const runExport = component.exports.find(([name]) => versionless(name) === 'wasi:cli/run');
  if (!runExport) {
    const names = component.exports.map(([n]) => n).join(', ') || '(none)';
    throw new RunError('not-a-command', `the component does not export wasi:cli/run, so it cannot be run as a command (exports: ${names})`);
  }
  const denials: Denial[] = [];
  const instance = await instantiateGranted(component, {
    grants: options.grants,
    args: [options.programName ?? 'component', ...(options.args ?? [])],
    onDenied: (d) => {
      denials.push(d);
      options.onDenied?.(d);
    },
  });
  const run = instance[runExport[0]] ?? instance.run;
  try {
    const result = await run.run();
    return { exitCode: result && typeof result === 'object' && result.tag === 'err' ? 1 : 0, denials };
  } catch (e) {
    if (e instanceof GuestExit) return { exitCode: e.code, denials };
    if ((e as { payload?: unknown }).payload !== undefined && (e as Error).constructor?.name === 'ComponentError') return { exitCode: 1, denials };
    throw new RunError('trap', `the guest trapped: ${(e as Error).message}`, { cause: e, exit: 1 });
  }
}
