import path from 'node:path';
import { CliError, fileErrorReason } from '@weld/core';

/** System calls that change the file system: an error in one of them is a failed write. */
const WRITES = new Set(['mkdir', 'rename', 'write', 'writev', 'unlink', 'rmdir', 'copyfile', 'symlink', 'link', 'chmod', 'fchmod', 'utime', 'ftruncate', 'fsync']);

/** weld's temporary file beside a target (`.app.wasm.1234.0a1b2c3d4e5f.tmp`, see core's `tempBeside`) names the target. */
const TEMP_BESIDE = /^\.(.+)\.\d+\.[0-9a-f]{12}\.tmp$/;

/**
 * A file-system error no library turned into a typed one (a full disk, a folder in the way of a store), as the user's
 * problem with the path it names rather than an internal error. Undefined for anything else.
 */
export function fileSystemError(e: unknown): CliError | undefined {
  const err = e as NodeJS.ErrnoException & { dest?: string };
  const reason = fileErrorReason(e);
  if (!(e instanceof Error) || reason === undefined || typeof err.syscall !== 'string') return undefined;
  // a rename's `dest` is the file the user named; a temporary file beside a target stands for that target
  let where = err.dest ?? err.path;
  let writing = WRITES.has(err.syscall) || err.dest !== undefined;
  const temp = where === undefined ? null : TEMP_BESIDE.exec(path.basename(where));
  if (where !== undefined && temp) {
    where = path.join(path.dirname(where), temp[1]!);
    writing = true;
  }
  const code = err.code === 'ENOENT' && !writing ? 'no-such-file' : writing ? 'unwritable-file' : 'unreadable-file';
  const message = where === undefined ? `cannot ${writing ? 'write' : 'read'}: ${reason}` : `cannot ${writing ? 'write' : 'read'} ${where}: ${reason}`;
  return new CliError(code, message, { cause: e });
}
