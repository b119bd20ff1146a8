/**
 * Semver as WIT packages use it: which part of a version a change must bump, and which versions of a
 * dependency are interchangeable (wit-component unifies `1.x` with `1.y`, `0.2.x` with `0.2.y`, `0.0.x` only with itself).
 */
import { compareVersions } from '@weld/core';

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

export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
  pre: string;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(v: string): ParsedVersion | undefined {
  const m = SEMVER.exec(v);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? '' } : undefined;
}

export function isVersion(v: string): boolean {
  return SEMVER.test(v);
}

export { compareVersions };

/**
 * The bump a change of this severity needs when the released version is `from`: 1.0.0 and later follow
 * semver; under 0.m.p (m > 0) a breaking change needs a minor bump and an additive one a patch bump; under
 * 0.0.p every release is a patch bump.
 */
export function bumpFor(severity: Severity, from: string | undefined): Bump {
  if (severity === 'none') return 'none';
  if (severity === 'patch') return 'patch';
  const v = from === undefined ? undefined : parseVersion(from);
  if (!v || v.major > 0) return severity === 'breaking' ? 'major' : 'minor';
  if (v.minor > 0) return severity === 'breaking' ? 'minor' : 'patch';
  return 'patch';
}

/**
 * The bump `to` makes over `from`: the leftmost part that grew. `lower` when `to` precedes `from`;
 * `none` for the same version. A change of pre-release only counts as a patch bump.
 */
export function madeBump(from: string, to: string): Bump | 'lower' {
  const a = parseVersion(from);
  const b = parseVersion(to);
  if (!a || !b) return from === to ? 'none' : 'lower';
  const order = compareVersions(from, to);
  if (order > 0) return 'lower';
  if (order === 0) return 'none';
  if (b.major !== a.major) return 'major';
  if (b.minor !== a.minor) return 'minor';
  return 'patch';
}

/** The part of a version that must match for two versions to be used interchangeably: `1`, `0.2`, `0.0.3`. */
export function compatibleVersionKey(v: string | undefined): string {
  if (v === undefined) return '';
  const p = parseVersion(v);
  if (!p) return v;
  if (p.pre) return v;
  if (p.major > 0) return `${p.major}`;
  if (p.minor > 0) return `0.${p.minor}`;
  return `0.0.${p.patch}`;
}
