/**
 * Semver as WIT packages use it: which part of a version a change must bump, and which versions of a
 * dependency are interchangeable (wit-component unifies `1.x` with `1.y`, `0.2.x` with `0.2.y`, `0.0.x` only with itself).
 */
import { compareVersions, compatibilityTrack, isVersion, versionChange } from '@weld/core';

/** The part of a version a release changes, from none to major. */
export type Bump = 'none' | 'patch' | 'minor' | 'major';

/** How much a change breaks, independent of the version: `breaking` can break a caller/implementer/host, `additive` adds. */
export type Severity = 'none' | 'patch' | 'additive' | 'breaking';

const BUMP_RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };
const SEVERITY_RANK: Record<Severity, number> = { none: 0, patch: 1, additive: 2, breaking: 3 };

export function bumpRank(b: Bump): number {
  return BUMP_RANK[b];
}

export function maxBump(a: Bump, b: Bump): Bump {
  return BUMP_RANK[a] >= BUMP_RANK[b] ? a : b;
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

export { compareVersions, isVersion };

/**
 * The bump a change of this severity needs when the released version is `from`: 1.0.0 and later follow
 * semver; under 0.m.p (m > 0) a breaking change needs a minor bump and an additive one a patch bump; under
 * 0.0.p every release is a patch bump.
 */
export function bumpFor(severity: Severity, from: string | undefined): Bump {
  if (severity === 'none') return 'none';
  if (severity === 'patch') return 'patch';
  const track = from === undefined || !isVersion(from) ? '1' : compatibilityTrack(from.split('-')[0]!);
  if (!track.startsWith('0.')) return severity === 'breaking' ? 'major' : 'minor';
  if (!track.startsWith('0.0.')) return severity === 'breaking' ? 'minor' : 'patch';
  return 'patch';
}

/**
 * The bump `to` makes over `from`: the leftmost part that grew (core's `versionChange`); `lower` when `to`
 * precedes `from`; `none` for the same version. A change of pre-release only counts as a patch bump.
 */
export function madeBump(from: string, to: string): Bump | 'lower' {
  if (!isVersion(from) || !isVersion(to)) return from === to ? 'none' : 'lower';
  const change = versionChange(from, to);
  return change === 'pre-release' ? 'patch' : change;
}

/** The part of a version that must match for two versions to be used interchangeably: `1`, `0.2`, `0.0.3`. */
export function compatibleVersionKey(v: string | undefined): string {
  return v === undefined ? '' : compatibilityTrack(v);
}
