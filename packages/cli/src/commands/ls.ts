import type { Command } from 'commander';
import { RegistryError, embeddedStorePath, formatReference, listLayoutRepositories, openTarget } from '@weld/registry';
import { emit, globals } from '../context.js';
import { openOptions, withRegistryFlags } from './registry-common.js';

export function registerLs(program: Command): void {
  withRegistryFlags(
    program
      .command('ls')
      .description('list the tags of a repository (registry, OCI layout, archive or embedded store); no argument lists the embedded store')
      .argument('[repo]', 'repository reference; a tag in it is ignored'),
  ).action(async (repo: string | undefined, opts: { plainHttp?: boolean; timeout?: string }, cmd: Command) => {
    const g = globals(cmd);
    if (repo === undefined) {
      const store = embeddedStorePath();
      const repositories = await listLayoutRepositories(store);
      emit(g, { store, repositories }, () => (repositories.length ? repositories.map((r) => `${r.repository}  ${r.tags.join(' ')}`) : [`(the embedded store at ${store} is empty)`]));
      return;
    }
    const opened = await openTarget(repo, openOptions(opts));
    try {
      const tags: string[] = [];
      for await (const t of opened.target.tags()) tags.push(t);
      if (tags.length === 0 && opened.reference.kind === 'embedded') {
        // an embedded repository exists only through its tags: none means the name is wrong, not an empty listing
        const store = embeddedStorePath();
        const known = (await listLayoutRepositories(store)).map((r) => r.repository);
        throw new RegistryError('name-unknown', `no tags for "${opened.reference.repository}" in the embedded store (${store})`, {
          hint: known.length ? `it has ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''}; \`weld ls\` lists them` : 'the store is empty: weld push app.wasm repo:v1',
        });
      }
      emit(g, { repository: formatReference({ ...opened.reference, tag: undefined, digest: undefined }), tags }, () => tags);
    } finally {
      await opened.close();
    }
  });
}
