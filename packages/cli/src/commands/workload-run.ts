import { callWorkload, loadWorkload, runWorkload, type LoadedWorkload } from '@weld/runner';
import { emit, exitState, status, type GlobalOptions } from '../context.js';
import { limitsFromFlags, printDenial, type GrantFlags } from './grant-flags.js';
import { policyFor } from './policy-for.js';
import { rejectGrantFlags } from './workload-target.js';

async function load(target: string, opts: GrantFlags, g: GlobalOptions): Promise<LoadedWorkload> {
  rejectGrantFlags(opts);
  const loaded = await loadWorkload(target, { policyFor: (image) => policyFor(image, opts.policy) });
  for (const c of loaded.components.values()) {
    if (c.decision?.rule) status(g, `weld: ${c.origin} is signed by a key trusted by policy rule "${c.decision.rule.prefix}"`);
  }
  return loaded;
}

/** `weld run workload.yaml`: the service (or the one wasi:cli/run component) with its siblings linked. */
export async function runWorkloadTarget(target: string, args: string[], opts: GrantFlags, g: GlobalOptions): Promise<void> {
  const limits = limitsFromFlags(opts);
  const loaded = await load(target, opts, g);
  const result = await runWorkload(loaded, { args, limits, onDenied: printDenial });
  exitState.code = result.exitCode;
}

/** `weld call workload.yaml 'iface.func(…)'`: one export of one component, with its siblings linked. */
export async function callWorkloadTarget(target: string, expression: string, opts: GrantFlags & { component?: string }, g: GlobalOptions): Promise<void> {
  const limits = limitsFromFlags(opts);
  const loaded = await load(target, opts, g);
  const result = await callWorkload(loaded, expression, { component: opts.component, limits, onDenied: printDenial });
  emit(g, { component: result.component, target: result.target, result: result.wave, ok: result.ok }, () => [result.wave]);
  if (!result.ok) exitState.code = 1;
}
