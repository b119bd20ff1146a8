import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as watToWasm } from '@bytecodealliance/jco';
import { extractWit, isBinaryError, validateComponent, type Entity } from '@weld/binary';
import { describe as describeVal } from '@weld/compose';
import { printResolve } from '@weld/wit-tools';
import { resolvePath } from '@weld/wit-tools/node';
import { FIXTURE_CACHE, REPO_ROOT } from './fixtures.js';

/**
 * A component for a composition case: `name.wat` assembled, `name.wit` (one world, nested packages for its deps)
 * made into a component with a dummy core module (what wac's tests and `wasm-tools component embed --dummy` do),
 * or a WIT folder `name/` with `deps/`. Cached by content hash under .cache/fixtures/compose-cases.
 */
export async function caseComponent(file: string): Promise<Uint8Array> {
  if (file.endsWith('.wat')) return watToWasm(await readFile(file, 'utf8'));
  const isDir = statSync(file).isDirectory();
  const text = isDir ? await witFolderText(file) : await readFile(file, 'utf8');
  const key = createHash('sha256').update(text).digest('hex').slice(0, 32);
  const cached = path.join(FIXTURE_CACHE, 'compose-cases', `${key}.wasm`);
  if (existsSync(cached)) return new Uint8Array(await readFile(cached));
  // the world of the package itself, not of one in deps/
  const own = isDir ? (await readdir(file)).filter((f) => f.endsWith('.wit')).sort() : [];
  const ownText = isDir ? (await Promise.all(own.map((f) => readFile(path.join(file, f), 'utf8')))).join('\n') : text;
  const world = /^\s*world\s+([a-z][a-z0-9-]*)/m.exec(ownText)?.[1];
  await mkdir(path.dirname(cached), { recursive: true });
  // in a child process: a WIT that makes jco's wasm-tools trap leaves that instance unusable for every later call
  const script = `
    import { componentEmbed, componentNew } from '@bytecodealliance/jco';
    import { writeFileSync } from 'node:fs';
    const [file, world, out, isDir] = process.argv.slice(1);
    const opts = { dummy: true, witSource: (await import('node:fs')).readFileSync(file, 'utf8'), world: world || undefined };
    writeFileSync(out, await componentNew(await componentEmbed(opts), []));`;
  // a WIT folder with deps/ is handed over as one text, its deps as nested packages (jco cannot read folders here)
  let source = file;
  if (isDir) {
    const r = resolvePath(file);
    source = path.join(path.dirname(cached), `${key}.wit`);
    await writeFile(source, printResolve(r.resolve, r.package));
  }
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, source, world ?? '', cached], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot make a component of ${file}: ${r.stderr.split('\n').find((l) => /Error/.test(l)) ?? r.stderr}`);
  return new Uint8Array(await readFile(cached));
}

async function witFolderText(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.wit')).sort();
  return (await Promise.all(files.map(async (f) => `// ${f}\n${await readFile(path.join(dir, f), 'utf8')}`))).join('\n');
}

/** The WIT of a composed component, as `weld wit extract` prints it: the golden of a valid case. */
export function witOf(bytes: Uint8Array): string {
  const x = extractWit(bytes);
  return printResolve(x.resolve, x.package);
}

/**
 * The golden of a valid case whose result WIT cannot express (nested instances): its imports and exports as types,
 * nested instances indented.
 */
export function typesOf(bytes: Uint8Array): string {
  const checked = validateComponent(bytes);
  if (!checked.valid) throw checked.error;
  const lines: string[] = [];
  const entity = (e: Entity, indent: string): string => {
    if (e.sort === 'func') {
      const params = e.type.params.map((p) => `${p.name}: ${describeVal(p.type, () => 'resource')}`).join(', ');
      return `${e.type.async ? 'async ' : ''}func(${params})${e.type.result === undefined ? '' : ` -> ${describeVal(e.type.result, () => 'resource')}`}`;
    }
    if (e.sort === 'instance') {
      const inner = [...e.type.exports].map(([n, x]) => `${indent}  ${n}: ${entity(x, `${indent}  `)}`);
      return `instance {\n${inner.join('\n')}\n${indent}}`;
    }
    return e.sort;
  };
  for (const [n, e] of checked.type.imports) lines.push(`import ${n}: ${entity(e, '')}`);
  for (const [n, e] of checked.type.exports) lines.push(`export ${n}: ${entity(e, '')}`);
  return lines.join('\n') + '\n';
}

/** `witOf`, or for a result WIT cannot express, `typesOf` (and which golden file it goes to). */
export function goldenOf(bytes: Uint8Array): { file: 'result.wit' | 'result.types.txt'; text: string } {
  try {
    return { file: 'result.wit', text: witOf(bytes) };
  } catch (e) {
    if (!isBinaryError(e) || e.code !== 'unsupported-feature') throw e;
    return { file: 'result.types.txt', text: typesOf(bytes) };
  }
}
