import type { Command } from 'commander';
import { RegistryError, formatReference, isValidTag, openTarget } from '@weld/registry';
import { emit, globals } from '../context.js';
import { openOptions, withRegistryFlags } from './registry-common.js';

export function registerTag(program: Command): void {
  withRegistryFlags(
    program
      .command('tag')
      .description('give an existing artifact more tags in the same repository')
      .argument('<ref>', 'the artifact (by tag or digest)')
      .argument('<tags...>', 'new tags'),
  ).action(async (ref: string, tags: string[], opts: { plainHttp?: boolean; timeout?: string }, cmd: Command) => {
    const g = globals(cmd);
    for (const t of tags) {
      if (!isValidTag(t)) throw new RegistryError('invalid-reference', `"${t}" is not a valid tag`, { hint: 'tags are 1-128 characters of letters, digits, _ . - and do not start with . or -' });
    }
    const opened = await openTarget(ref, openOptions(opts));
    try {
      const desc = await opened.target.resolve(opened.selector);
      for (const t of tags) await opened.target.tag(desc, t);
      const refs = tags.map((t) => formatReference({ ...opened.reference, tag: t, digest: undefined }));
      emit(g, { digest: desc.digest, tagged: refs }, () => refs.map((r) => `${r} → ${desc.digest}`));
    } finally {
      await opened.close();
    }
  });
}
