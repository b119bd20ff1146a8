/** `weld ui --build DIR`: the page as static files (the store panel then says no store is served). */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UiError } from './errors.js';

/** Writes `files` into `dir` through a sibling temporary folder, so a failure leaves no half-written page. */
export async function writePageFiles(files: Map<string, Uint8Array>, dir: string): Promise<string[]> {
  const existing = await readdir(dir).catch(() => [] as string[]);
  const foreign = existing.filter((n) => !files.has(n));
  if (foreign.length > 0) {
    // it is replaced whole: refuse a folder that holds anything but an earlier build of the page
    throw new UiError('ui-output', `${dir} holds files that are not the page's (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})`, { hint: 'build into an empty or new folder' });
  }
  const tmp = `${dir.replace(/\/+$/, '')}.weld-tmp-${process.pid}`;
  try {
    await rm(tmp, { recursive: true, force: true });
    for (const [name, content] of files) {
      const path = join(tmp, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
    await rm(dir, { recursive: true, force: true });
    await mkdir(dirname(dir), { recursive: true });
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw new UiError('ui-output', `cannot write the page to ${dir}: ${(e as Error).message}`, { cause: e });
  }
  return [...files.keys()].sort();
}
