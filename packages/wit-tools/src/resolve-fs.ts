/**
 * The file-system side of resolving: a folder is one package, its `deps/` folder holds dependencies
 * (sub-folders, single `.wit` files, binary `.wasm` packages through the decoder). Node only: reached
 * through `@weld/wit-tools/node`, so the main entry runs in a browser.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBinary, guarded, isWasm, newResolve, parseGroup, pushGroups, type ResolveOptions, type ResolvedPackage, type UnresolvedGroup, type WitFile } from './resolve.js';
import { decodeUtf8 } from '@weld/core';
import { WitError, readFailure } from './wit-error.js';

function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new WitError(readFailure(e), `failed to read path for WIT [${path}]: ${(e as Error).message}`, { cause: e });
  }
  const read = decodeUtf8(bytes, path);
  if ('notText' in read) throw new WitError('wit-io', `input file is not valid utf-8 [${path}] (${read.where})`, { place: read.span });
  return read.text;
}

function listDir(dir: string): { name: string; isDir: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .map((e) => {
        let isDir = e.isDirectory();
        if (e.isSymbolicLink()) {
          try {
            isDir = statSync(join(dir, e.name)).isDirectory();
          } catch {
            isDir = false;
          }
        }
        return { name: e.name, isDir };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    throw new WitError(readFailure(e), `failed to read directory ${JSON.stringify(dir)}: ${(e as Error).message}`, { cause: e });
  }
}

/** The `.wit` files directly inside a folder (no recursion; `deps/` is handled separately). */
export function readPackageDir(dir: string): WitFile[] {
  return listDir(dir)
    .filter((e) => !e.isDir && e.name.endsWith('.wit'))
    .map((e) => ({ path: join(dir, e.name), text: readText(join(dir, e.name)) }));
}

/** The binary behind a `.wasm` or `.wat` path (undefined for any other file, or a `.wasm` that is not one). */
function binaryOf(path: string, opts: ResolveOptions): Uint8Array | undefined {
  if (path.endsWith('.wat')) {
    const bytes = opts.readWat?.(path);
    if (!bytes) {
      throw new WitError('wit-io', `cannot read WebAssembly text [${path}]: no WAT parser was supplied`, {
        hint: 'parse the files `watFilesOf` lists and pass `readWat` (the weld CLI does this)',
      });
    }
    return bytes;
  }
  if (!path.endsWith('.wasm')) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new WitError(readFailure(e), `failed to read path for WIT [${path}]: ${(e as Error).message}`, { cause: e });
  }
  return isWasm(bytes) ? bytes : undefined;
}


/** The `.wat` files resolving `path` reads (the file itself, or `.wat` packages in its deps/ folder). */
export function watFilesOf(path: string): string[] {
  if (path.endsWith('.wat')) return [path];
  try {
    if (!statSync(path).isDirectory()) return [];
    const deps = join(path, 'deps');
    if (!statSync(deps).isDirectory()) return [];
    return listDir(deps).filter((e) => !e.isDir && e.name.endsWith('.wat')).map((e) => join(deps, e.name));
  } catch {
    return [];
  }
}


/** Resolves a folder (`*.wit` plus `deps/`) or a single file. */
export function resolvePath(path: string, opts: ResolveOptions = {}): ResolvedPackage {
  return guarded(() => resolvePathUnguarded(path, opts));
}

function resolvePathUnguarded(path: string, opts: ResolveOptions): ResolvedPackage {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new WitError(readFailure(e), `failed to read path for WIT [${path}]: ${(e as Error).message}`, { cause: e });
  }
  if (isDir) return resolveDirUnguarded(path, opts);
  const resolve = newResolve(opts);
  const binary = binaryOf(path, opts);
  if (binary) return { resolve, package: decodeBinary(binary, path, resolve, opts, true) };
  const group = parseGroup(resolve, [{ path, text: readText(path) }]);
  return { resolve, package: pushGroups(resolve, group, []) };
}

/** Resolves the package in `dir` with the dependencies in `dir/deps`. */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function resolveDir(dir: string, opts: ResolveOptions = {}): ResolvedPackage {
  return guarded(() => resolveDirUnguarded(dir, opts));
}

function resolveDirUnguarded(dir: string, opts: ResolveOptions): ResolvedPackage {
  const resolve = newResolve(opts);
  const depsDir = join(dir, 'deps');
  const depGroups: UnresolvedGroup[] = [];
  let hasDeps = false;
  try {
    hasDeps = statSync(depsDir).isDirectory();
  } catch {
    hasDeps = false;
  }
  const files = readPackageDir(dir);
  if (files.length === 0) {
    // a project root (cargo-component, wkg, componentize-js layouts) keeps its package in wit/
    const nested = join(dir, 'wit');
    const hint = isDirectory(nested) ? `the folder holds no .wit files, but ${nested} is a folder: point at it instead` : 'the folder holds no .wit files';
    throw new WitError('wit-package', 'no `package` header was found in any WIT file for this package', { hint });
  }
  const group = parseGroup(resolve, files);
  if (hasDeps) {
    for (const entry of listDir(depsDir)) {
      const p = join(depsDir, entry.name);
      if (entry.isDir) {
        depGroups.push(parseGroup(resolve, readPackageDir(p)));
        continue;
      }
      if (entry.name.endsWith('.wit')) {
        depGroups.push(parseGroup(resolve, [{ path: p, text: readText(p) }]));
      } else if (entry.name.endsWith('.wasm') || entry.name.endsWith('.wat')) {
        const bytes = binaryOf(p, opts);
        if (!bytes) throw new WitError('wit-io', `dependency [${p}] is not a WebAssembly binary`);
        decodeBinary(bytes, p, resolve, opts, false);
      }
    }
  }
  return { resolve, package: pushGroups(resolve, group, depGroups) };
}
