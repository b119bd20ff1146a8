/**
 * A command-line argument the user meant as a file, not a reference: it starts like a path (`./`, `../`, `/`, `~`)
 * or names a `.wasm`, `.wat` or `.wit` file with no tag after its last `/` (`repo:v1.wasm` is a tag, `app.wasm` a file).
 */
export function looksLikeFilePath(arg: string): boolean {
  if (/^(\.{1,2}\/|\/|~)/.test(arg)) return true;
  const last = arg.slice(arg.lastIndexOf('/') + 1);
  return /\.(wasm|wat|wit)$/i.test(last) && !last.includes(':') && !arg.includes('@');
}

/**
 * An argument that could be a relative path or an embedded-store repository (`dir/app`): it has a `/`, no tag or
 * digest, and its first segment is no registry host (`localhost`, or a name with `.` or `:`). When it is neither a
 * file nor a repository, the user most likely meant a file.
 */
export function mayBeRelativePath(arg: string): boolean {
  if (!arg.includes('/') || arg.includes(':') || arg.includes('@')) return false;
  const first = arg.slice(0, arg.indexOf('/'));
  return first !== 'localhost' && !first.includes('.');
}

/** The ways a named file can fail to be read or written, shared by every package so a user meets one code for each. */
export type FileProblemCode =
  /** nothing at that path (or a parent is missing) */
  | 'no-such-file'
  /** something is there but cannot be read as a file: a folder, a device, no permission, a parent that is a file */
  | 'unreadable-file';

/** Why a file system call failed, in words, by its errno code. */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder, not a file',
  ENOTFILE: 'is not a regular file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'a file is in the way',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links (a loop?)',
  EFBIG: 'the file is too large',
  EIO: 'input/output error',
};

/** The words for a file system error (`no space left on the device`), or undefined for an errno not listed. */
export function fileErrorReason(e: unknown): string | undefined {
  const errno = (e as { code?: unknown } | undefined)?.code;
  return typeof errno === 'string' ? REASONS[errno] : undefined;
}

/**
 * The error for a path that exists but is no regular file, coded as the file system would code it (EISDIR for a
 * folder, ENOTFILE for a device, pipe or socket), so `fileProblem` words it. Readers check first: a device or pipe
 * (/dev/zero, a FIFO) would be read without end.
 */
export function notRegularFile(path: string, st: { isDirectory(): boolean }): Error {
  return Object.assign(new Error(`${path} is not a regular file`), { code: st.isDirectory() ? 'EISDIR' : 'ENOTFILE' });
}

/** A file system error met reading `path` (what the user named), as a code and a message that names the path. */
export function fileProblem(path: string, e: unknown): { code: FileProblemCode; message: string } {
  const errno = (e as { code?: unknown } | undefined)?.code;
  if (errno === 'ENOENT') return { code: 'no-such-file', message: `${path}: no such file` };
  if (errno === 'EISDIR') return { code: 'unreadable-file', message: `${path} is a folder, not a file` };
  const reason = fileErrorReason(e);
  if (reason && errno !== 'EEXIST') return { code: 'unreadable-file', message: `${path}: ${reason}` };
  return { code: 'unreadable-file', message: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}` };
}
