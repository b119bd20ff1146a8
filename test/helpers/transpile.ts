import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { transpile } from '@bytecodealliance/jco';
import { REPO_ROOT } from './fixtures.js';

/**
 * Transpiles a component with jco into a fresh directory under `.cache/transpiled` (inside the repo, so the
 * generated code resolves @bytecodealliance/preview2-shim) and imports it.
 */
export async function transpileAndImport<T = Record<string, any>>(
  component: string,
  name: string,
  options: { map?: Record<string, string>; dir?: string } = {},
): Promise<{ module: T; dir: string }> {
  const base = path.join(REPO_ROOT, '.cache', 'transpiled');
  await mkdir(base, { recursive: true });
  const dir = options.dir ?? (await mkdtemp(path.join(base, `${name}-`)));
  const { files } = await transpile(await readFile(component), { name, map: options.map });
  for (const [file, bytes] of Object.entries(files)) {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
  await writeFile(path.join(dir, 'package.json'), '{"type":"module"}\n');
  const module = (await import(path.join(dir, `${name}.js`))) as T;
  return { module, dir };
}
