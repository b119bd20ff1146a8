import type { Command } from 'commander';
import { errorInFile } from '@weld/core';
import { callFunction, loadRunnable } from '@weld/runner';
import { componentName } from '@weld/runner/run';
import { policyFor } from './policy-for.js';
import { emit, exitState, globals, status } from '../context.js';
import { pluginGrants, withPluginFlags } from './plugin-flags.js';
import type { PluginFlags } from '@weld/runner/run';
import { grantsFrom, limitsFromFlags, printDenial, withGrantFlags, type GrantFlags } from './grant-flags.js';

export function registerCall(program: Command): void {
  withPluginFlags(withGrantFlags(
    program
      .command('call')
      .description("invoke one of a component's exported functions with WAVE arguments and print the result as WAVE")
      .argument('<component>', 'a .wasm file, or a reference (pulled, under the policy if there is one); or a workload YAML')
      .argument('<call>', 'iface.func(args) in WAVE, e.g. \'calc.add(2, 40)\' or \'demo:calc/calc@0.1.0#greet("weld")\''),
  ))
    .addHelpText(
      'after',
      '\nArguments are checked against the component\'s own WIT types before it runs. Values are WAVE:\n' +
        '  true  42  -7  3.5  nan  \'x\'  "text"  [1, 2]  (1, "a")  {name: "a", size: 2}  {read, write}\n' +
        '  some(1)  none  ok(1)  err("no")  case-name  case(payload)   (trailing option arguments may be left out)\n' +
        'The component runs under the same deny-by-default grants and limits as `weld run`; its stdout and stderr go to\n' +
        'stderr. Exits 1 when the function returns err(…).',
    )
    .option('--component <name>', 'for a workload: the component to call (default: the one that exports the function)')
    .action(async (component: string, expression: string, opts: GrantFlags & PluginFlags & { component?: string }, cmd: Command) => {
      const g = globals(cmd);
      const { isWorkloadTarget } = await import('./workload-target.js');
      if (isWorkloadTarget(component)) return (await import('./workload-run.js')).callWorkloadTarget(component, expression, opts, g);
      const grants = { ...grantsFrom(opts), hostPlugins: await pluginGrants(opts) };
      const limits = limitsFromFlags(opts);
      const policy = await policyFor(component, opts.policy);
      const runnable = await loadRunnable(component, { policy });
      if (runnable.decision?.rule) status(g, `weld: ${runnable.origin} is signed by a key trusted by policy rule "${runnable.decision.rule.prefix}"`);
      const result = await callFunction(runnable.bytes, expression, {
        grants,
        limits,
        componentName: componentName(component),
        onDenied: printDenial,
      }).catch((e: unknown) => Promise.reject(errorInFile(e, runnable.origin)));
      emit(g, { target: result.target, result: result.wave, ok: result.ok }, () => [result.wave]);
      if (!result.ok) exitState.code = 1;
    });
}
