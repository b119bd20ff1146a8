import type { Command } from 'commander';
import { errorInFile } from '@weld/core';
import { loadRunnable, prewarmGuest, runCommand } from '@weld/runner/run';
import { policyFor } from './policy-for.js';
import { exitState, globals, status } from '../context.js';
import { pluginGrants, withPluginFlags } from './plugin-flags.js';
import type { PluginFlags } from '@weld/runner/run';
import { grantsFrom, limitsFromFlags, printDenial, withGrantFlags, type GrantFlags } from './grant-flags.js';

export function registerRun(program: Command): void {
  withPluginFlags(withGrantFlags(
    program
      .command('run')
      .description('run a wasi:cli/run component (file or reference) with deny-by-default capabilities')
      .argument('<component>', 'a .wasm file, or host[:port]/repo[:tag][@digest], oci:PATH[:tag], repo:tag (embedded store); or a workload YAML (its service or wasi:cli/run component, siblings linked)')
      .argument('[args...]', 'arguments passed to the component (after --)'),
  ))
    .addHelpText(
      'after',
      '\nNothing is granted unless named: no environment, no files, no network. A denied call gets the WASI error the guest\n' +
        'expects and weld prints the grant that would allow it. Exits 0 when the guest\'s run succeeds, 1 when it fails\n' +
        '(WASI 0.2 reports only success or failure), or with the code the guest passes to exit-with-code.\n' +
        'With a policy, a reference runs only if it carries a valid signature by a trusted key (checked for the exact digest run).\n' +
        'The guest runs in its own thread: --timeout stops it, --max-memory caps its linear memories. Its stdout and\n' +
        'stderr are written as it writes them (a slow reader slows the guest; control characters are escaped on a\n' +
        'terminal).\n' +
        'Host interfaces are granted one by one: --config/--config-file (wasi:config), --logging (wasi:logging),\n' +
        '--kv (wasi:keyvalue), --blobstore (wasi:blobstore), --messaging (wasmcloud:messaging), plugins: in weld.yaml or\n' +
        '--plugin. A component that exports wasmcloud:messaging/handler instead of wasi:cli/run handles the messages of\n' +
        'its --subscribe subjects until Ctrl-C.',
    )
    .action(async (component: string, args: string[], opts: GrantFlags & PluginFlags, cmd: Command) => {
      const g = globals(cmd);
      const { isWorkloadTarget } = await import('./workload-target.js');
      if (isWorkloadTarget(component)) return (await import('./workload-run.js')).runWorkloadTarget(component, args, opts, g);
      const grants = { ...grantsFrom(opts), hostPlugins: await pluginGrants(opts) };
      const limits = limitsFromFlags(opts);
      if (limits.timeoutMs !== undefined || limits.maxMemoryBytes !== undefined) prewarmGuest(limits);
      const policy = await policyFor(component, opts.policy);
      const runnable = await loadRunnable(component, { policy });
      if (runnable.decision?.rule) status(g, `weld: ${runnable.origin} is signed by a key trusted by policy rule "${runnable.decision.rule.prefix}"`);
      const result = await runCommand(runnable.bytes, {
        grants,
        args,
        programName: component,
        limits,
        onDenied: printDenial,
      }).catch((e: unknown) => Promise.reject(errorInFile(e, runnable.origin)));
      exitState.code = result.exitCode;
    });
}
