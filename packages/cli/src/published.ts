import { CliError } from '@weld/core';

/**
 * `--against REF`: a reference with a tag or digest is used as it is; without one, the repository's newest
 * semver tag (the latest published version).
 */
export async function resolveAgainst(ref: string, open: { plainHttp?: boolean; timeoutMs?: number }): Promise<string> {
  const { openTarget, newestVersionTag, formatReference } = await import('@weld/registry');
  const opened = await openTarget(ref, open);
  try {
    if (opened.reference.tag !== undefined || opened.reference.digest !== undefined) return ref;
    const newest = await newestVersionTag(opened.target);
    if (newest === undefined) {
      throw new CliError('usage', `${formatReference(opened.reference)} has no semver tag to compare with`, { exit: 2, hint: 'name the version: --against REPO:1.2.0' });
    }
    return formatReference({ ...opened.reference, tag: newest });
  } finally {
    await opened.close();
  }
}
