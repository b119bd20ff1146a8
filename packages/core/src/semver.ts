/** Semantic versions as the component model uses them: the `semver` crate's grammar, Cargo's compatibility tracks. */

type SemverPosition = 'major version number' | 'minor version number' | 'patch version number' | 'pre-release identifier' | 'build metadata';

/** Rust's `{:?}` of a char, as the semver crate quotes it. */
function quoted(ch: string): string {
  if (ch === '\0') return "'\\0'";
  if (ch === "'") return "'\\''";
  if (ch === '\\') return "'\\\\'";
  if (ch === '\n') return "'\\n'";
  if (ch === '\t') return "'\\t'";
  if (ch === '\r') return "'\\r'";
  return `'${ch}'`;
}

/**
 * Why `text` is not a semver version, in the words of the `semver` crate's parser (which wasmparser reports), or
 * undefined when it is one.
 */
export function semverProblem(text: string): string | undefined {
  if (text.length === 0) return 'empty string, expected a semver version';
  let i = 0;
  const next = (): string | undefined => (i < text.length ? String.fromCodePoint(text.codePointAt(i)!) : undefined);
  const numeric = (pos: SemverPosition): string | undefined => {
    const start = i;
    let value = 0n;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) {
      if (value === 0n && i > start) return `invalid leading zero in ${pos}`;
      value = value * 10n + BigInt(text.charCodeAt(i) - 48);
      if (value > 0xffffffffffffffffn) return `value of ${pos} exceeds u64::MAX`;
      i++;
    }
    if (i > start) return undefined;
    const ch = next();
    return ch === undefined ? `unexpected end of input while parsing ${pos}` : `unexpected character ${quoted(ch)} while parsing ${pos}`;
  };
  const dot = (pos: SemverPosition): string | undefined => {
    if (text[i] === '.') {
      i++;
      return undefined;
    }
    const ch = next();
    return ch === undefined ? `unexpected end of input while parsing ${pos}` : `unexpected character ${quoted(ch)} after ${pos}`;
  };
  const identifier = (pos: 'pre-release identifier' | 'build metadata'): string | undefined => {
    const start = i;
    let segment = i;
    let nonDigit = false;
    for (;;) {
      const c = i < text.length ? text.charCodeAt(i) : -1;
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45) {
        nonDigit = true;
        i++;
      } else if (c >= 48 && c <= 57) i++;
      else {
        if (i === segment) return `empty identifier segment in ${pos}`;
        if (pos === 'pre-release identifier' && i - segment > 1 && !nonDigit && text.charCodeAt(segment) === 48) return `invalid leading zero in ${pos}`;
        if (c !== 46) return i === start ? `empty identifier segment in ${pos}` : undefined;
        i++;
        segment = i;
        nonDigit = false;
      }
    }
  };
  const problem = numeric('major version number') ?? dot('major version number') ?? numeric('minor version number') ?? dot('minor version number') ?? numeric('patch version number');
  if (problem !== undefined) return problem;
  let pos: SemverPosition = 'patch version number';
  if (text[i] === '-') {
    i++;
    pos = 'pre-release identifier';
    const p = identifier(pos);
    if (p !== undefined) return p;
  }
  if (text[i] === '+') {
    i++;
    pos = 'build metadata';
    const p = identifier(pos);
    if (p !== undefined) return p;
  }
  const rest = next();
  return rest === undefined ? undefined : `unexpected character ${quoted(rest)} after ${pos}`;
}

/** True when `text` is a semver version (`1.2.3`, `1.0.0-rc.1+build`). */
export function isVersion(text: string): boolean {
  return semverProblem(text) === undefined;
}

/** Compares semver strings (major.minor.patch, then pre-release precedence). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.split('+')[0]!.split(/-(.*)/s) as [string, string | undefined];
    return { nums: core.split('.').map(Number), pre: pre ? pre.split('.') : [] };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i]! < y.nums[i]! ? -1 : 1;
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length === 0 ? 0 : x.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i]!;
    const q = y.pre[i]!;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) < Number(q) ? -1 : 1;
    if (pn) return -1;
    if (qn) return 1;
    return p < q ? -1 : 1;
  }
  return x.pre.length - y.pre.length;
}

/**
 * Names that hosts treat as the same import: semver-compatible versions (`@0.2.10` and `@0.2.12` → `@0.2`;
 * `@1.4.0` → `@1`), as wasmtime and wit-parser match them.
 */
export function compatibleName(name: string): string {
  return name.replace(/@(\d+)\.(\d+)\.(\d+)(?:[-+][^/.#]*)?$/, (_, major: string, minor: string) => (major !== '0' ? `@${major}` : minor !== '0' ? `@0.${minor}` : _));
}

/**
 * The compatibility track of a version, as Cargo and wasmtime read `^v`: `1.4.2` → `1`, `0.2.3` → `0.2`, `0.0.3` →
 * `0.0.3`; a pre-release is its own track.
 */
export function compatibilityTrack(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(-[^+]*)?/.exec(version);
  if (!m) return version;
  if (m[4]) return version.split('+')[0]!;
  if (m[1] !== '0') return m[1]!;
  if (m[2] !== '0') return `0.${m[2]}`;
  return `0.0.${m[3]}`;
}

/** Whether `offered` can stand in for `required`: the same compatibility track, and not older. */
export function satisfies(required: string, offered: string): boolean {
  return compatibilityTrack(required) === compatibilityTrack(offered) && compareVersions(offered, required) >= 0;
}

/** The part of a version that changed from `from` to `to` (`lower` when `to` is older). */
export type VersionChange = 'major' | 'minor' | 'patch' | 'pre-release' | 'none' | 'lower';

export function versionChange(from: string, to: string): VersionChange {
  const order = compareVersions(to, from);
  if (order < 0) return 'lower';
  if (order === 0) return 'none';
  const [a, b] = [from, to].map((v) => v.split(/[-+]/)[0]!.split('.').map(Number)) as [number[], number[]];
  if (a[0] !== b[0]) return 'major';
  if (a[1] !== b[1]) return 'minor';
  if (a[2] !== b[2]) return 'patch';
  return 'pre-release';
}
