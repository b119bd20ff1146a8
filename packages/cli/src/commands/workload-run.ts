import { CliError } from '@weld/core';
import { callWorkload, loadWorkload, runWorkload, type LoadedWorkload } from '@weld/runner';
import { grantFlagFor, pluginGrantsFromFlags, type PluginFlags } from '@weld/runner/run';
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

type PluginConfig = Record<string, Record<string, string>>;

/**
 * Host-interface flags (`--kv redis://…`, `--config k=v`, …) configure the plugins the manifest already names, for
 * every component that uses them (after the manifest's config). They cannot grant what the manifest does not:
 * a workload's host interfaces are its `hostInterfaces`, as on a wasmCloud host.
 */
export function workloadPluginConfig(loaded: LoadedWorkload, opts: PluginFlags): PluginConfig | undefined {
  if (opts.plugin?.length) {
    throw new CliError('usage', '--plugin: a workload names its plugin modules in weld.yaml `plugins:`', { hint: 'add the module to plugins: beside the workload' });
  }
  const granted = pluginGrantsFromFlags(opts)?.granted;
  if (!granted) return undefined;
  const used = new Set([
    ...loaded.plan.links.flatMap((l) => (l.source.tag === 'plugin' ? [l.source.plugin] : [])),
    ...loaded.plan.hostCalls.map((c) => c.plugin),
  ]);
  for (const name of Object.keys(granted)) {
    if (!used.has(name)) {
      throw new CliError('usage', `${grantFlagFor(name).split(' ')[0]}: workload ${loaded.manifest.name} uses no ${name} host interface`, {
        hint: `a workload's host interfaces come from its manifest: add a hostInterfaces entry for ${name}, then the flag configures it`,
      });
    }
  }
  return granted;
}

/** `weld run workload.yaml`: the service (or the one wasi:cli/run component) with its siblings linked. */
export async function runWorkloadTarget(target: string, args: string[], opts: GrantFlags & PluginFlags, g: GlobalOptions): Promise<void> {
  const limits = limitsFromFlags(opts);
  const loaded = await load(target, opts, g);
  const result = await runWorkload(loaded, { args, limits, onDenied: printDenial, pluginConfig: workloadPluginConfig(loaded, opts) });
  exitState.code = result.exitCode;
}

/** `weld call workload.yaml 'iface.func(…)'`: one export of one component, with its siblings linked. */
export async function callWorkloadTarget(target: string, expression: string, opts: GrantFlags & PluginFlags & { component?: string }, g: GlobalOptions): Promise<void> {
  const limits = limitsFromFlags(opts);
  const loaded = await load(target, opts, g);
  const result = await callWorkload(loaded, expression, { component: opts.component, limits, onDenied: printDenial, pluginConfig: workloadPluginConfig(loaded, opts) });
  emit(g, { component: result.component, target: result.target, result: result.wave, ok: result.ok }, () => [result.wave]);
  if (!result.ok) exitState.code = 1;
}
