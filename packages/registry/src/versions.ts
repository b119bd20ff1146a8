import { compareVersions, isVersion } from '@weld/core';
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

/**
 * The version a new one follows: the highest semver tag below `version` (so a fix to an older series, 1.4.1 after
 * 2.0.0, is compared with 1.4.0, as wkg compares within a series). Undefined for a first release.
 */
export async function previousVersionTag(target: TagLister, version: string): Promise<string | undefined> {
  let best: string | undefined;
  for await (const tag of target.tags()) {
    if (!isVersion(tag) || compareVersions(tag, version) >= 0) continue;
    if (best === undefined || compareVersions(tag, best) > 0) best = tag;
  }
  return best;
}
