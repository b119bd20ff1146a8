import { CliError } from '@weld/core';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

/** System calls that change the file system: an error in one of them is a failed write. */
const WRITES = new Set(['mkdir', 'rename', 'write', 'unlink', 'rmdir', 'copyfile', 'symlink', 'link', 'chmod', 'utime', 'ftruncate']);

/**
 * A file-system error no library turned into a typed one (a place weld writes to is a folder, `$WELD_HOME` is a file,
 * a full disk), as the user's problem with the path it names rather than an internal error. Undefined for anything else.
 */
export function fileSystemError(e: unknown): CliError | undefined {
  const err = e as NodeJS.ErrnoException & { dest?: string };
  if (!(e instanceof Error) || typeof err.code !== 'string' || !(err.code in REASONS) || typeof err.syscall !== 'string') return undefined;
  // a rename's `dest` is the file the user named; `path` is weld's temporary file beside it
  const where = err.dest ?? err.path;
  if (where === undefined) return undefined;
  const writing = WRITES.has(err.syscall) || err.dest !== undefined;
  const code = err.code === 'ENOENT' && !writing ? 'no-such-file' : writing ? 'unwritable-file' : 'unreadable-file';
  return new CliError(code, `cannot ${writing ? 'write' : 'read'} ${where}: ${REASONS[err.code]}`, { cause: e });
}
