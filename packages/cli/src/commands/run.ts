import type { Command } from 'commander';
import { resolvePolicy } from '@weld/registry';
import { loadRunnable, parseDirGrant, parseEnvGrant, parseHostGrant, runCommand, type Grants } from '@weld/runner';
import { exitState, globals, status } from '../context.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a wasi:cli/run component (file or reference) with deny-by-default capabilities')
    .argument('<component>', 'a .wasm file, or host[:port]/repo[:tag][@digest], oci:PATH[:tag], repo:tag (embedded store)')
    .argument('[args...]', 'arguments passed to the component (after --)')
    .option('--env <NAME[=VALUE]>', 'grant an environment variable (without a value: the host\'s); repeatable', collect)
    .option('--dir <HOST[:GUEST]>', 'grant a host directory at GUEST (default: the same path); repeatable', collect)
    .option('--allow-host <HOST[:PORT]>', 'allow outgoing wasi:http requests (and sockets) to HOST; *.example.com for subdomains; repeatable', collect)
    .option('--allow-lookup', 'allow DNS lookups (wasi:sockets/ip-name-lookup)')
    .option('--policy <file>', 'trust policy for references (a weld.yaml with `policy:` or a policy file; default ./weld.yaml); denial exits 3')
    .addHelpText(
      'after',
      '\nNothing is granted unless named: no environment, no files, no network. A denied call gets the WASI error the guest\n' +
        'expects and weld prints the grant that would allow it. Exits 0 when the guest\'s run succeeds, 1 when it fails\n' +
        '(WASI 0.2 reports only success or failure), or with the code the guest passes to exit-with-code.\n' +
        'With a policy, a reference runs only if it carries a valid signature by a trusted key (checked for the exact digest run).\n' +
        'Not yet available: read-only dirs (:ro), --config, --kv, --messaging, --max-memory, --timeout.',
    )
    .action(
      async (
        component: string,
        args: string[],
        opts: { env?: string[]; dir?: string[]; allowHost?: string[]; allowLookup?: boolean; policy?: string },
        cmd: Command,
      ) => {
        const g = globals(cmd);
        const grants: Grants = {
          env: Object.fromEntries((opts.env ?? []).map((e) => parseEnvGrant(e))),
          dirs: (opts.dir ?? []).map((d) => parseDirGrant(d)),
          allowHosts: (opts.allowHost ?? []).map(parseHostGrant),
          allowLookup: Boolean(opts.allowLookup),
        };
        const policy = await resolvePolicy({ policyFile: opts.policy });
        const runnable = await loadRunnable(component, { policy });
        if (runnable.decision?.rule) status(g, `weld: ${runnable.origin} is signed by a key trusted by policy rule "${runnable.decision.rule.prefix}"`);
        const result = await runCommand(runnable.bytes, {
          grants,
          args,
          programName: component,
          onDenied: (d) => process.stderr.write(`weld: denied ${d.attempted}; grant it with ${d.grant}\n`),
        });
        exitState.code = result.exitCode;
      },
    );
}
