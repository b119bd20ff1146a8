import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { componentEmbed, componentNew, parse as watToWasm } from '@bytecodealliance/jco';
import { extractWit } from '@weld/binary';
import { printResolve } from '@weld/wit-tools';
import { FIXTURE_CACHE } from './fixtures.js';

/**
 * A component for a composition case: `name.wat` assembled, `name.wit` (one world, nested packages for its deps)
 * made into a component with a dummy core module (what wac's tests and `wasm-tools component embed --dummy` do),
 * or a WIT folder `name/` with `deps/`. Cached by content hash under .cache/fixtures/compose-cases.
 */
export async function caseComponent(file: string): Promise<Uint8Array> {
  if (file.endsWith('.wat')) return watToWasm(await readFile(file, 'utf8'));
  const isDir = !file.endsWith('.wit');
  const text = isDir ? await witFolderText(file) : await readFile(file, 'utf8');
  const key = createHash('sha256').update(text).digest('hex').slice(0, 32);
  const cached = path.join(FIXTURE_CACHE, 'compose-cases', `${key}.wasm`);
  if (existsSync(cached)) return new Uint8Array(await readFile(cached));
  const world = /^\s*world\s+([a-z][a-z0-9-]*)/m.exec(text)?.[1];
  const embedded = isDir ? await componentEmbed({ dummy: true, witPath: file, world }) : await componentEmbed({ dummy: true, witSource: text, world });
  const bytes = await componentNew(embedded, []);
  await mkdir(path.dirname(cached), { recursive: true });
  await writeFile(cached, bytes);
  return bytes;
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
