import { packageNameString, WitError, type PackageId, type Resolve, type WorldId } from '@weld/wit-tools';
import { BinaryError } from '../error.js';
import { encodeWitPackage } from './encode.js';
import { extractWit, type ExtractedWit } from './index.js';

// What the `weld wit build|targets` commands do with a resolved WIT or a component, as typed functions: naming a world
// on the command line, the component side of a target check, a binary WIT package and the file it is written to.

/**
 * The world a command-line spec names in a resolved WIT: `ns:pkg/world`, with the version after the package
 * (`ns:pkg@1.0.0/world`) or after the world as WIT spells it (`ns:pkg/world@1.0.0`), or a bare `world` of the main
 * package. Throws `WitError` (`wit-unknown-name`) listing the worlds there are.
 */
export function findWorld(resolve: Resolve, main: PackageId, spec: string): WorldId {
  const m = /^(?:([^/@]+)(@[^/]+)?\/)?([^/@]+)(@.+)?$/.exec(spec);
  if (!m) throw new WitError('wit-unknown-name', `"${spec}" is not a world name (e.g. wasi:http/proxy@0.2.0)`);
  const worldName = m[3]!;
  const version = m[2] ?? m[4];
  const pkgSpec = m[1] !== undefined ? `${m[1]}${version ?? ''}` : undefined;
  const candidates = resolve.packages
    .map((p, i) => ({ p, i }))
    .filter(({ p, i }) => (pkgSpec ? packageNameString(p.name) === pkgSpec || `${p.name.namespace}:${p.name.name}` === pkgSpec : i === main));
  for (const { p } of candidates) {
    const w = p.worlds.get(worldName);
    if (w !== undefined) return w;
  }
  const known = resolve.packages.flatMap((p) => [...p.worlds.keys()].map((w) => `${packageNameString(p.name)}/${w}`));
  throw new WitError('wit-unknown-name', `no world ${spec} in the WIT (worlds: ${known.join(', ') || 'none'})`);
}

/**
 * The world of a component, for checking what it targets. Throws `BinaryError` (`not-a-component`) for a binary WIT
 * package, naming the input as `name`.
 */
export function componentWorld(input: Uint8Array, name = 'input'): Extract<ExtractedWit, { kind: 'component' }> {
  const x = extractWit(input);
  if (x.kind !== 'component') throw new BinaryError('not-a-component', `${name} is a binary WIT package, not a component`, 0);
  return x;
}

/** A WIT package encoded as binary WIT, with its name and the file name `weld wit build` gives it (as wkg does). */
export function witPackageFile(resolve: Resolve, pkg: PackageId): { name: string; bytes: Uint8Array; fileName: string } {
  const name = packageNameString(resolve.packages[pkg]!.name);
  return { name, bytes: encodeWitPackage(resolve, pkg), fileName: `${name}.wasm` };
}
