import type { Command } from 'commander';
import { resolve } from 'node:path';
import { CliError } from '@weld/core';
import { pullTrusted, resolvePolicy } from '@weld/registry/transfer';
import { emit, globals, status } from '../context.js';
import { humanBytes, openOptions, progressFor, withRegistryFlags } from './registry-common.js';

export function registerPull(program: Command): void {
  withRegistryFlags(
    program
      .command('pull')
      .description('fetch a component from a registry or store into a file (digest-verified, written atomically)')
      .argument('<ref>', 'reference to pull')
      .argument('[file]', 'where to write the .wasm')
      .option('--out <file>', 'where to write the .wasm (same as the [file] argument; -o is the global output format)')
      .option('--policy <file>', 'trust policy (a weld.yaml with `policy:` or a policy file; default: the nearest weld.yaml); denial exits 3')
      .addHelpText(
        'after',
        '\nWith a policy, the reference is resolved to a digest, that digest must carry a valid signature by a key the\n' +
          'policy trusts for the repository, and exactly that digest is pulled. Verification is offline (no transparency log).',
      ),
  ).action(async (ref: string, fileArg: string | undefined, opts: { out?: string; policy?: string; plainHttp?: boolean; timeout?: string }, cmd: Command) => {
    const g = globals(cmd);
    const file = opts.out ?? fileArg;
    if (!file) {
      throw new CliError('usage', 'weld pull needs a destination file', { hint: 'weld pull <ref> app.wasm  (or --out app.wasm)' });
    }
    const policy = await resolvePolicy({ policyFile: opts.policy });
    const progress = progressFor(g);
    try {
      const result = await pullTrusted(ref, { ...openOptions(opts), policy, output: resolve(file), onEvent: progress.onEvent });
      progress.stop();
      const d = result.decision;
      const trustedBy = d ? (d.rule ? `policy rule "${d.rule.prefix}" (${d.signatures.length} valid signature${d.signatures.length === 1 ? '' : 's'})` : 'no rule (unmatched references allowed)') : undefined;
      if (trustedBy) status(g, `weld: ${ref}@${result.digest} accepted by ${trustedBy}`);
      emit(
        g,
        {
          reference: result.reference,
          digest: result.digest,
          layer: result.layer,
          output: result.output,
          config: result.config,
          ...(trustedBy ? { policy: trustedBy } : {}),
        },
        () => [`${result.output} (${humanBytes(result.layer.size)}, ${result.layer.digest})`],
      );
    } finally {
      progress.stop();
    }
  });
}
