import type { Command } from 'commander';
import { formatReference, openTarget } from '@weld/registry';
import { emit, globals } from '../context.js';
import { openOptions, withRegistryFlags } from './registry-common.js';

export function registerLs(program: Command): void {
  withRegistryFlags(
    program
      .command('ls')
      .description('list the tags of a repository (registry, OCI layout, archive or embedded store)')
      .argument('<repo>', 'repository reference; a tag in it is ignored'),
  ).action(async (repo: string, opts: { plainHttp?: boolean; timeout?: string }, cmd: Command) => {
    const g = globals(cmd);
    const opened = await openTarget(repo, openOptions(opts));
    try {
      const tags: string[] = [];
      for await (const t of opened.target.tags()) tags.push(t);
      emit(g, { repository: formatReference({ ...opened.reference, tag: undefined, digest: undefined }), tags }, () => tags);
    } finally {
      await opened.close();
    }
  });
}
