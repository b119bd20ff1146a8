/** `weld ui --build DIR`: the page as static files (the store panel then says no store is served). */
import { lstat, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UiError } from './errors.js';
import { fsReason, makeFolders } from './fs-paths.js';

const OUTPUT_HINT = 'name a new or empty folder, or one holding an earlier build of the page';

/** The names `dir` holds: none when it does not exist yet; anything but a readable folder is refused. */
async function currentEntries(dir: string): Promise<string[]> {
  const info = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
  if (info instanceof Error) {
    if (info.code === 'ENOENT') {
      // a dangling symlink is not a new folder: replacing it would delete the link
      if (!(await lstat(dir).catch(() => undefined))) return [];
      throw new UiError('ui-output', `${dir} is a symbolic link to nothing`, { cause: info, hint: OUTPUT_HINT });
    }
    throw new UiError('ui-output', `cannot use ${dir} as the output folder: ${fsReason(info)}`, { cause: info, hint: OUTPUT_HINT });
  }
  if (!info.isDirectory()) throw new UiError('ui-output', `${dir} is not a directory`, { hint: OUTPUT_HINT });
  try {
    return await readdir(dir);
  } catch (e) {
    throw new UiError('ui-output', `cannot read ${dir}: ${fsReason(e)}`, { cause: e });
  }
}

/** Writes `files` into `dir` through a sibling temporary folder, so a failure leaves no half-written page. */
export async function writePageFiles(files: Map<string, Uint8Array>, dir: string): Promise<string[]> {
  const existing = await currentEntries(dir);
  const foreign = existing.filter((n) => !files.has(n));
  if (foreign.length > 0) {
    // it is replaced whole: refuse a folder that holds anything but an earlier build of the page
    throw new UiError('ui-output', `${dir} holds files that are not the page's (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})`, { hint: 'build into an empty or new folder' });
  }
  const tmp = `${dir.replace(/\/+$/, '')}.weld-tmp-${process.pid}`;
  try {
    await rm(tmp, { recursive: true, force: true });
    await makeFolders(tmp);
    for (const [name, content] of files) {
      const path = join(tmp, name);
      await makeFolders(dirname(path));
      await writeFile(path, content);
    }
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw new UiError('ui-output', `cannot write the page to ${dir}: ${fsReason(e)}`, { cause: e });
  }
  return [...files.keys()].sort();
}
