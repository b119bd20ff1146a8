/**
 * Entry points that turn WIT text, files and folders into a `Resolve`: a folder is one package,
 * its `deps/` folder holds dependencies (sub-folders, single `.wit` files, binary `.wasm` packages
 * through a pluggable decoder), packages are added in topological order.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageFile } from './ast.js';
import { compareVersions } from '@weld/core';
import { appendPackage } from './merge.js';
import { type PackageId, type PackageName, Resolve, packageNameString } from './model.js';
import { parseFile } from './parser.js';
import type { Span } from './source.js';
import { PackageBuilder, type UnresolvedPackage } from './unresolved.js';
import { WitError } from './wit-error.js';

export interface ResolveOptions {
  /** `@unstable` features to enable */
  features?: Iterable<string>;
  /** enable every `@unstable` feature */
  allFeatures?: boolean;
  /** decodes a binary WIT package found in deps/ into `into`; defaults to the registered decoder */
  decodeWasmPackage?: WasmPackageDecoder;
  /**
   * The binary of a WebAssembly text file (`.wat`, a WIT package or component in text form) met while resolving.
   * Text-to-binary is jco's (asynchronous) parser, so callers parse such files up front: see `watFilesOf`.
   */
  readWat?: (path: string) => Uint8Array | undefined;
}

/**
 * Decodes a binary (`.wasm`) WIT package into an existing `Resolve`, adding its packages, and
 * returns the id of the package the binary defines. Supplied by the binary codec.
 */
export type WasmPackageDecoder = (bytes: Uint8Array, path: string, into: Resolve, opts?: { allowComponent?: boolean }) => PackageId;

let registeredDecoder: WasmPackageDecoder | undefined;

/** Installs the decoder used for `.wasm` packages in deps/ (the binary package calls this). */
export function registerWasmPackageDecoder(decoder: WasmPackageDecoder | undefined): void {
  registeredDecoder = decoder;
}

/** A parsed package together with the packages nested inside its files. */
export interface UnresolvedGroup {
  main: UnresolvedPackage;
  nested: UnresolvedPackage[];
}

export interface ResolvedPackage {
  resolve: Resolve;
  /** the package the folder/file/text defines */
  package: PackageId;
}

export interface WitFile {
  path: string;
  text: string;
}

function newResolve(opts: ResolveOptions): Resolve {
  const r = new Resolve();
  for (const f of opts.features ?? []) if (f) r.features.add(f);
  r.allFeatures = Boolean(opts.allFeatures);
  return r;
}

/** Parses the files of one package (sorted by path, as wit-parser does) into an unresolved group. */
export function parseGroup(resolve: Resolve, files: WitFile[]): UnresolvedGroup {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const builder = new PackageBuilder(resolve.sources);
  const nested: UnresolvedPackage[] = [];
  let headerSeen = false;
  let firstFile: Span | undefined;
  let firstNested: Span | undefined;
  for (const f of sorted) {
    const offset = resolve.sources.add(f.path, f.text);
    const file: PackageFile = parseFile(f.text, offset, resolve.sources);
    if (file.packageId) headerSeen = true;
    firstFile ??= { start: offset, end: offset + Math.min(1, f.text.length) };
    const items = [];
    for (const item of file.items) {
      if (item.kind === 'package') {
        firstNested ??= item.span;
        const nb = new PackageBuilder(resolve.sources);
        nb.push(item.pkg);
        nested.push(nb.resolve());
      } else items.push(item);
    }
    builder.push({ packageId: file.packageId, items });
  }
  if (sorted.length === 0) {
    throw new WitError('wit-package', 'no `package` header was found in any WIT file for this package', { hint: 'the folder holds no .wit files' });
  }
  if (!headerSeen) {
    // wit-parser reports this without a location; point at the first nested package or the first file
    throw new WitError('wit-package', 'no `package` header was found in any WIT file for this package', {
      span: firstNested ?? firstFile, sources: resolve.sources,
      hint: firstNested
        ? 'a file of nested `package … { }` blocks still needs a root: start it with `package namespace:name;`, or move each package to its own file under deps/'
        : 'start one file with `package namespace:name;`',
    });
  }
  return { main: builder.resolve(), nested };
}

function comparePackageNames(a: PackageName, b: PackageName): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.version === b.version) return 0;
  if (a.version === undefined) return -1;
  if (b.version === undefined) return 1;
  return compareVersions(a.version, b.version);
}

/** Adds a main group and its dependency groups to `resolve` in topological order; returns the main package. */
export function pushGroups(resolve: Resolve, main: UnresolvedGroup, deps: UnresolvedGroup[]): PackageId {
  const all = new Map<string, UnresolvedPackage>();
  for (const g of [main, ...deps]) {
    for (const pkg of [...g.nested, g.main]) {
      const key = packageNameString(pkg.name);
      const prev = all.get(key);
      if (prev) {
        const where = resolve.sources.locate(prev.nameSpan);
        throw new WitError('wit-package', `package \`${key}\` is defined in two different locations`, {
          span: pkg.nameSpan, sources: resolve.sources, hint: where ? `also defined at ${where.path}:${where.line}:${where.col}` : undefined,
        });
      }
      all.set(key, pkg);
    }
  }
  for (const key of all.keys()) {
    const id = resolve.packageNames.get(key);
    if (id !== undefined) {
      throw new WitError('wit-package', `package \`${key}\` is defined in two different locations`, { span: all.get(key)!.nameSpan, sources: resolve.sources });
    }
  }
  const sorted = [...all.values()].sort((a, b) => comparePackageNames(a.name, b.name));
  const order: UnresolvedPackage[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (pkg: UnresolvedPackage) => {
    const key = packageNameString(pkg.name);
    if (done.has(key)) return;
    for (const [dep, info] of pkg.foreignDeps) {
      if (visiting.has(dep)) {
        throw new WitError('wit-package-cycle', `package \`${dep}\` creates a dependency cycle`, { span: info.span as Span, sources: resolve.sources });
      }
      visiting.add(dep);
      const depPkg = all.get(dep);
      if (depPkg) visit(depPkg);
      visiting.delete(dep);
    }
    done.add(key);
    order.push(pkg);
  };
  for (const pkg of sorted) visit(pkg);
  let mainId: PackageId | undefined;
  const mainKey = packageNameString(main.main.name);
  const pending = [...all.keys()];
  for (const pkg of order) {
    const id = appendPackage(resolve, pkg, pending);
    if (packageNameString(pkg.name) === mainKey) mainId = id;
  }
  return mainId!;
}

/** Runs a resolution step, turning stack exhaustion on pathological nesting into a typed error. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new WitError('wit-too-deep', 'WIT nests too deeply to resolve (the call stack was exhausted)', {
        hint: 'shorten long chains of `use`, `include` or type aliases', cause: e,
      });
    }
    throw e;
  }
}

/** Parses and resolves WIT text (one file, possibly with nested packages) with no dependencies. */
export function resolveSource(source: string, path = '<input>.wit', opts: ResolveOptions = {}): ResolvedPackage {
  return guarded(() => resolveSourceUnguarded(source, path, opts));
}

function resolveSourceUnguarded(source: string, path: string, opts: ResolveOptions): ResolvedPackage {
  const resolve = newResolve(opts);
  const group = parseGroup(resolve, [{ path, text: source }]);
  return { resolve, package: pushGroups(resolve, group, []) };
}

/** Resolves several in-memory files as one package plus dependency packages (each a list of files). */
export function resolveFiles(files: WitFile[], deps: WitFile[][] = [], opts: ResolveOptions = {}): ResolvedPackage {
  return guarded(() => {
    const resolve = newResolve(opts);
    const depGroups = deps.map((d) => parseGroup(resolve, d));
    const group = parseGroup(resolve, files);
    return { resolve, package: pushGroups(resolve, group, depGroups) };
  });
}

function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new WitError('wit-io', `failed to read path for WIT [${path}]: ${(e as Error).message}`, { cause: e });
  }
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return text.decode(bytes);
  } catch (e) {
    throw new WitError('wit-io', `input file is not valid utf-8 [${path}]`, { cause: e });
  }
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
    throw new WitError('wit-io', `failed to read directory ${JSON.stringify(dir)}: ${(e as Error).message}`, { cause: e });
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
    throw new WitError('wit-io', `failed to read path for WIT [${path}]: ${(e as Error).message}`, { cause: e });
  }
  return isWasm(bytes) ? bytes : undefined;
}

function decodeBinary(bytes: Uint8Array, path: string, resolve: Resolve, opts: ResolveOptions, allowComponent: boolean): PackageId {
  const decoder = opts.decodeWasmPackage ?? registeredDecoder;
  if (!decoder) {
    throw new WitError('wit-io', `cannot read binary WIT package [${path}]: no wasm package decoder is registered`, {
      hint: "import '@weld/binary' (it registers the decoder) or pass `decodeWasmPackage`",
    });
  }
  return decoder(bytes, path, resolve, { allowComponent });
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

function isWasm(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
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
    throw new WitError('wit-io', `failed to read path for WIT [${path}]: ${(e as Error).message}`, { cause: e });
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
