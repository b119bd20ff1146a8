import path from 'node:path';
import { RunError } from './errors.js';
import { checkGrants, resolveSocketGrants, type Grants } from './grants.js';
import type { Denial, StdioRoute } from './host.js';
import { checkImportsProvided, versionless } from './instance.js';
import type { Limits } from './limits.js';
import { outcomeError } from './sandbox/outcome.js';
import { runGuest } from './sandbox/sandbox.js';
import { ensureTranspiled } from './transpile-cache.js';
import { commandExitCode, isCommandEnd } from './sandbox/supervise.js';

/** The name a component goes by in logs and denials: its file's stem. */
export function componentName(programName: string | undefined): string {
  return path.basename(programName ?? 'component').replace(/\.wasm$/, '') || 'component';
}

export interface RunOptions {
  grants: Grants;
  /** Arguments after argv[0]. */
  args?: string[];
  /** argv[0] the guest sees (its file name only, never a host path); default "component". */
  programName?: string;
  limits?: Limits;
  /** Where the guest's stdio goes; default stdout to fd 1, stderr to fd 2. */
  stdio?: StdioRoute;
  onDenied?: (denial: Denial) => void;
  /**
   * For a component that exports `wasmcloud:messaging/handler` instead of `wasi:cli/run` and has subscriptions:
   * how long it handles messages (default: until SIGINT or SIGTERM).
   */
  listenMs?: number;
}

export interface RunResult {
  exitCode: number;
  denials: Denial[];
}

/** Runs a `wasi:cli/run` component to completion under `grants` in its own worker; returns the guest's exit code. */
export async function runCommand(bytes: Uint8Array, options: RunOptions): Promise<RunResult> {
  checkGrants(options.grants);
  const info = await ensureTranspiled(bytes);
  const runExport = info.exports.find(([name]) => versionless(name) === 'wasi:cli/run');
  const listens = !runExport && info.exports.some(([name]) => versionless(name) === 'wasmcloud:messaging/handler') && options.grants.hostPlugins?.granted.messaging?.subscriptions;
  if (!runExport && !listens) {
    const names = info.exports.map(([n]) => n).join(', ') || '(none)';
    const handler = info.exports.some(([name]) => versionless(name) === 'wasmcloud:messaging/handler');
    throw new RunError('not-a-command', `the component does not export wasi:cli/run, so it cannot be run as a command (exports: ${names})`, {
      hint: handler ? 'a component exporting wasmcloud:messaging/handler runs as a message handler with --messaging mem|nats://HOST:PORT --subscribe SUBJECT' : undefined,
    });
  }
  await checkImportsProvided(info, options.grants.hostPlugins, componentName(options.programName), bytes);
  const grants = await resolveSocketGrants(options.grants);
  const denials: Denial[] = [];
  const limits = options.limits ?? {};
  const outcome = await runGuest(
    {
      ...(runExport ? { kind: 'run' as const, exportName: runExport[0] } : { kind: 'listen' as const, stop: { signals: true, afterMs: options.listenMs } }),
      info,
      grants,
      args: [path.basename(options.programName ?? 'component'), ...(options.args ?? [])],
      stdio: options.stdio ?? { stdout: 1, stderr: 2, stdin: grants.stdin ? 0 : undefined },
    },
    limits,
    (d) => {
      denials.push(d);
      options.onDenied?.(d);
    },
  );
  if (isCommandEnd(outcome)) return { exitCode: commandExitCode(outcome), denials };
  throw outcomeError(outcome, limits, 'while running');
}
