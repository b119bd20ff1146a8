/** File system helpers for the folders `weld ui` reads and writes. */
import { dirname } from 'node:path';
import { makeFolders as coreMakeFolders } from '@weld/core/node';

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

/** Core's `mkdir -p` (which, unlike Node 20's recursive mkdir, ends under procfs), with this package's wording. */
export async function makeFolders(dir: string): Promise<void> {
  await coreMakeFolders(dir).catch((e: NodeJS.ErrnoException) => {
    const failed = e.path ?? dir;
    if (e.code === 'EEXIST') throw new Error(`${failed} is not a directory`, { cause: e });
    throw new Error(`cannot create a folder in ${dirname(failed)}: ${fsReason(e)}`, { cause: e });
  });
}
