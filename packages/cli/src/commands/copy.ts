import type { Command } from 'commander';
import { copy, formatReference, openTarget, RegistryClient } from '@weld/registry';
import { emit, globals } from '../context.js';
import { humanBytes, openOptions, progressFor, withRegistryFlags } from './registry-common.js';

export function registerCopy(program: Command): void {
  withRegistryFlags(
    program
      .command('copy')
      .description('copy an artifact and everything it references between registries and stores')
      .argument('<src>', 'source reference')
      .argument('<dst>', 'destination reference (its tag defaults to the source tag)')
      .option('--referrers', 'also copy signatures and other referrers'),
  ).action(async (srcRef: string, dstRef: string, opts: { referrers?: boolean; plainHttp?: boolean; timeout?: string }, cmd: Command) => {
    const g = globals(cmd);
    const clients = new Map<string, RegistryClient>();
    const src = await openTarget(srcRef, { ...openOptions(opts), clients });
    const dst = await openTarget(dstRef, { ...openOptions(opts), clients }).catch(async (e) => {
      await src.close();
      throw e;
    });
    const progress = progressFor(g);
    try {
      const tag = dst.reference.tag ?? src.reference.tag ?? (src.reference.digest ? undefined : 'latest');
      const result = await copy(src.target, dst.target, src.selector, { tag, referrers: opts.referrers, onEvent: progress.onEvent });
      progress.stop();
      emit(
        g,
        {
          source: formatReference(src.reference),
          destination: formatReference({ ...dst.reference, tag, digest: undefined }),
          digest: result.root.digest,
          copied: result.copied.map((d) => d.digest),
          skipped: result.skipped.map((d) => d.digest),
          bytes: result.bytesCopied,
        },
        () => [`${result.root.digest} → ${formatReference({ ...dst.reference, tag, digest: undefined })} (${result.copied.length} copied, ${humanBytes(result.bytesCopied)}; ${result.skipped.length} already present)`],
      );
    } finally {
      progress.stop();
      await src.close();
      await dst.close();
    }
  });
}
