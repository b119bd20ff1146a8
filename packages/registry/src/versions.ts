import { compareVersions, isVersion } from '@weld/wit-tools';
import type { TagLister } from './store/types.js';

/** The highest semver tag of a repository (pre-releases count), or undefined when it has none. */
export async function newestVersionTag(target: TagLister): Promise<string | undefined> {
  let best: string | undefined;
  for await (const tag of target.tags()) {
    if (!isVersion(tag)) continue;
    if (best === undefined || compareVersions(tag, best) > 0) best = tag;
  }
  return best;
}
