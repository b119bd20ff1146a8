/**
 * Component import/export names as composition matches them: `ns:pkg/iface@1.2.3` (an interface) or a plain
 * kebab name. Versions follow the component model's rule for "semver-compatible" names (wasmparser's
 * `ComponentName` / wac's matching): the same major for 1.x and up, the same minor for 0.x, the same patch for
 * 0.0.x; pre-release versions only match themselves.
 */
import { compatibilityTrack, satisfies } from '@weld/core';

export interface Version {
  major: number;
  minor: number;
  patch: number;
  pre?: string;
  text: string;
}

export interface InterfaceName {
  /** `ns:pkg/iface` without the version */
  base: string;
  /** `ns:pkg` */
  package: string;
  /** `iface` */
  interface: string;
  version?: Version;
}

const VERSION_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4], text };
}

/** `ns:pkg/iface@ver` → its parts; undefined for a plain name (`calc`, `[method]r.m`, …). */
export function parseInterfaceName(name: string): InterfaceName | undefined {
  const m = /^([a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)+)\/([a-z][a-z0-9-]*(?:\/[a-z][a-z0-9-]*)*)(?:@(.+))?$/.exec(name);
  if (!m) return undefined;
  const version = m[3] === undefined ? undefined : parseVersion(m[3]);
  if (m[3] !== undefined && !version) return undefined;
  return { base: `${m[1]}/${m[2]}`, package: m[1]!, interface: m[2]!.split('/').at(-1)!, version };
}

/** The key under which semver-compatible names are merged: `wasi:io/streams@0.2` for `wasi:io/streams@0.2.3`. */
export function mergeKey(name: string): string {
  const p = parseInterfaceName(name);
  if (!p) return name;
  return p.version ? `${p.base}@${compatibilityTrack(p.version.text)}` : p.base;
}

/**
 * How well an exported name satisfies an imported one: `exact`, `compatible` (same interface, a compatible version
 * at least as new as the import asks), or undefined. `@1.0.0` is satisfied by `@1.0.2`, never by `@2.0.0` or `@0.9.0`.
 */
export function nameSatisfies(exported: string, imported: string): 'exact' | 'compatible' | undefined {
  if (exported === imported) return 'exact';
  const e = parseInterfaceName(exported);
  const i = parseInterfaceName(imported);
  if (!e || !i || e.base !== i.base || !e.version || !i.version) return undefined;
  return satisfies(i.version.text, e.version.text) ? 'compatible' : undefined;
}

/** The short form a `.wac` argument or alias may use for an interface name: `calc` for `demo:calc/calc@0.1.0`. */
export function shortName(name: string): string {
  return parseInterfaceName(name)?.interface ?? name;
}

/**
 * Which of `names` a requested name means: itself, else the newest semver-compatible one, else the one whose short
 * interface name it is (when exactly one has it).
 */
export function matchName(wanted: string, names: string[]): string | undefined {
  if (names.includes(wanted)) return wanted;
  const compatible = names.filter((n) => nameSatisfies(n, wanted));
  if (compatible.length > 0) return newest(compatible);
  const short = names.filter((n) => shortName(n) === wanted);
  return short.length === 1 ? short[0] : undefined;
}

function newest(names: string[]): string {
  return names.reduce((best, n) => (nameSatisfies(n, best) ? n : best));
}

/** A kebab-case name or an interface name `ns:pkg/iface[@version]`: what the result may import or export under. */
export function validExternName(name: string): boolean {
  return /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/.test(name) || parseInterfaceName(name) !== undefined;
}
