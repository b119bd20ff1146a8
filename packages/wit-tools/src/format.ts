/** `fmt`: formats WIT files in place through the model, one output per input file. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomicSync } from '@weld/core/node';
import { canonicalModel } from './canonical.js';
import { type ResolvedPackage, resolveFiles, type WitFile } from './resolve.js';
import { readPackageDir, resolveDir, resolvePath } from './resolve-fs.js';
import { formatFileIn, type FormattedFile } from './format-file.js';
export type { FormattedFile };
import { WitError, readFailure } from './wit-error.js';

function formatAll(resolved: ResolvedPackage, files: WitFile[]): FormattedFile[] {
  return files.map((f) => {
    const formatted = formatFileIn(resolved.resolve, resolved.package, f);
    return { path: f.path, original: f.text, formatted, changed: formatted !== f.text };
  });
}

/** Checks that formatting did not change meaning: the formatted files resolve to the same model. */
function verify(resolved: ResolvedPackage, out: FormattedFile[], deps: WitFile[][]): void {
  const again = resolveFiles(out.map((f) => ({ path: f.path, text: f.formatted })), deps, { allFeatures: true });
  const a = JSON.stringify(canonicalModel(resolved.resolve));
  const b = JSON.stringify(canonicalModel(again.resolve));
  if (a !== b) {
    throw new WitError('wit-syntax', `formatting ${out.map((f) => f.path).join(', ')} would change its meaning; left unchanged`, {
      hint: 'please report this with the input file',
    });
  }
}

/** The text dependency packages in `dir/deps`, or undefined when it holds binary packages. */
function textDeps(dir: string): WitFile[][] | undefined {
  const depsDir = join(dir, 'deps');
  let entries: { name: string; isDir: boolean }[];
  try {
    entries = readdirSync(depsDir, { withFileTypes: true }).map((e) => ({ name: e.name, isDir: statSync(join(depsDir, e.name)).isDirectory() }));
  } catch {
    return [];
  }
  const out: WitFile[][] = [];
  for (const e of entries) {
    const p = join(depsDir, e.name);
    if (e.isDir) out.push(readPackageDir(p));
    else if (e.name.endsWith('.wit')) out.push([{ path: p, text: readFileSync(p, 'utf8') }]);
    else if (e.name.endsWith('.wasm')) return undefined;
  }
  return out;
}

/**
 * Formats a folder's `.wit` files or a single file. A single file is resolved alone, or with its
 * folder when it refers to siblings. Every `@unstable` item is kept (all features on).
 */
export function formatPath(path: string): FormattedFile[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new WitError(readFailure(e), `failed to read path for WIT [${path}]: ${(e as Error).message}`, { cause: e });
  }
  if (isDir) {
    const files = readPackageDir(path);
    const resolved = resolveDir(path, { allFeatures: true });
    const out = formatAll(resolved, files);
    const deps = textDeps(path);
    if (out.some((f) => f.changed) && deps) verify(resolved, out, deps);
    return out;
  }
  const text = readFileSync(path, 'utf8');
  const file = { path, text };
  let resolved: ResolvedPackage;
  try {
    resolved = resolvePath(path, { allFeatures: true });
  } catch (e) {
    if (!(e instanceof WitError) || (e.code !== 'wit-unknown-name' && e.code !== 'wit-unknown-package' && e.code !== 'wit-package')) throw e;
    const dir = dirname(path);
    let inDir: ResolvedPackage;
    try {
      inDir = resolveDir(dir, { allFeatures: true });
    } catch {
      throw e;
    }
    const all = readPackageDir(dir);
    const files = all.filter((f) => basename(f.path) === basename(path));
    const out = formatAll(inDir, files.length > 0 ? files : [file]);
    const deps = textDeps(dir);
    if (out[0]!.changed && deps) {
      const others = all.filter((f) => basename(f.path) !== basename(path)).map((f) => ({ path: f.path, original: f.text, formatted: f.text, changed: false }));
      verify(inDir, [...out, ...others], deps);
    }
    return out;
  }
  const out = formatAll(resolved, [file]);
  if (out[0]!.changed) verify(resolved, out, []);
  return out;
}

/** Writes a file atomically (core's temporary sibling and rename); a failure is a `wit-io` error. */
export function writeFileAtomic(path: string, text: string): void {
  try {
    writeFileAtomicSync(path, text);
  } catch (e) {
    throw new WitError('wit-io', `failed to write ${path}: ${(e as Error).message}`, { cause: e });
  }
}
