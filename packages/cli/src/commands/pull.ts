import type { Command } from 'commander';
import { resolve } from 'node:path';
import { RegistryError, formatReference, openTarget, pullComponent } from '@weld/registry';
import { emit, globals } from '../context.js';
import { humanBytes, openOptions, progressFor, withRegistryFlags } from './registry-common.js';

export function registerPull(program: Command): void {
  withRegistryFlags(
    program
      .command('pull')
      .description('fetch a component from a registry or store into a file (digest-verified, written atomically)')
      .argument('<ref>', 'reference to pull')
      .argument('[file]', 'where to write the .wasm')
      .option('--out <file>', 'where to write the .wasm (same as the [file] argument; -o is the global output format)'),
  ).action(async (ref: string, fileArg: string | undefined, opts: { out?: string; plainHttp?: boolean; timeout?: string }, cmd: Command) => {
    const g = globals(cmd);
    const file = opts.out ?? fileArg;
    if (!file) {
      throw new RegistryError('file-not-found', 'weld pull needs a destination file', { hint: 'weld pull <ref> app.wasm  (or --out app.wasm)' });
    }
    const opened = await openTarget(ref, openOptions(opts));
    const progress = progressFor(g);
    try {
      const result = await pullComponent(opened.target, opened.selector, { output: resolve(file), onEvent: progress.onEvent });
      progress.stop();
      emit(
        g,
        {
          reference: formatReference(opened.reference),
          digest: result.manifestDesc.digest,
          layer: result.layer,
          output: result.output,
          config: result.config,
        },
        () => [`${result.output} (${humanBytes(result.layer.size)}, ${result.layer.digest})`],
      );
    } finally {
      progress.stop();
      await opened.close();
    }
  });
}
