/** File system helpers for the folders `weld ui` reads and writes. */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** A file system error in words, without the call and path Node puts in its message. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && REASONS[code]) ?? (e as Error).message;
}

/**
 * `mkdir -p`. Node's `mkdir(path, { recursive: true })` loops forever where a folder exists but creating a child in
 * it fails with ENOENT (procfs, sysfs, a dangling symlink as the parent): here a second ENOENT is final.
 */
export async function makeFolders(path: string): Promise<void> {
  const made = await mkdir(path).then(
    () => undefined,
    (e: NodeJS.ErrnoException) => e,
  );
  if (!made) return;
  if (made.code === 'EEXIST') {
    if (!(await stat(path).then((s) => s.isDirectory(), () => false))) throw new Error(`${path} is not a directory`, { cause: made });
    return;
  }
  const parent = dirname(path);
  if (made.code !== 'ENOENT' || parent === path) throw new Error(`cannot create a folder in ${parent}: ${fsReason(made)}`, { cause: made });
  await makeFolders(parent);
  await mkdir(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EEXIST') return; // made meanwhile by another process
    throw new Error(`cannot create a folder in ${parent}: ${fsReason(e)}`, { cause: e });
  });
}
