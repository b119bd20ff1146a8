import { closeSync, constants, lstatSync, openSync, readlinkSync } from 'node:fs';
import { WasiFsError } from './fs-errors.js';

/**
 * Path resolution beneath a directory descriptor, the userland form of `openat2(RESOLVE_BENEATH)`.
 *
 * Node has no `openat`, but Linux's `/proc/self/fd/N/name` resolves `name` inside the directory that fd N
 * holds open, wherever that directory has been moved since; so a descriptor is an open directory fd, never a
 * path that is resolved again. Every intermediate component is opened by its own fd with O_NOFOLLOW, symlinks
 * are read and expanded here (absolute targets refused), and `..` pops what this walk pushed: it can never
 * climb above the descriptor it started from. The final component is handed back unfollowed, to be used with
 * calls that do not follow it (lstat, unlink, rename, open with O_NOFOLLOW).
 */

const MAX_SYMLINK_EXPANSIONS = 40;
const DIRECTORY_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** The host path that names `name` inside the directory open as `dirFd`. */
export function at(dirFd: number, name = '.'): string {
  return `/proc/self/fd/${dirFd}/${name}`;
}

export interface Resolved {
  /** An open directory fd: the base descriptor's own or one this walk opened (closed by `release`). */
  dirFd: number;
  /** One path component, never containing '/'; '.' for the directory itself. */
  name: string;
  /** The path ended in '/', so it must name a directory. */
  mustBeDirectory: boolean;
  release(): void;
}

function components(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

/**
 * Resolves `path` beneath the directory open as `baseFd`. With `followFinal`, a symlink in the final position
 * is expanded too (still beneath the base). Errors are WASI error codes.
 */
export function resolveBeneath(baseFd: number, path: string, followFinal: boolean): Resolved {
  if (path === '') throw new WasiFsError('no-entry');
  if (path.startsWith('/')) throw new WasiFsError('not-permitted');
  if (path.includes('\0')) throw new WasiFsError('invalid');
  const owned: number[] = [];
  const stack: number[] = [baseFd];
  const release = () => {
    for (const fd of owned.splice(0)) closeSync(fd);
  };
  const top = () => stack[stack.length - 1]!;
  let parts = components(path);
  let mustBeDirectory = path.endsWith('/') || path.endsWith('/.') || path === '.';
  let expansions = 0;
  try {
    while (parts.length > 0) {
      const name = parts.shift()!;
      const last = parts.length === 0;
      if (name === '..') {
        if (stack.length === 1) throw new WasiFsError('not-permitted');
        const fd = stack.pop()!;
        owned.splice(owned.indexOf(fd), 1);
        closeSync(fd);
        if (last) mustBeDirectory = true;
        continue;
      }
      if (Buffer.byteLength(name) > 255) throw new WasiFsError('name-too-long');
      if (last && !followFinal && !mustBeDirectory) return { dirFd: top(), name, mustBeDirectory, release };
      let isLink = false;
      let isDirectory = false;
      try {
        const st = lstatSync(at(top(), name));
        isLink = st.isSymbolicLink();
        isDirectory = st.isDirectory();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' && last) return { dirFd: top(), name, mustBeDirectory, release };
        throw e;
      }
      if (isLink) {
        if (++expansions > MAX_SYMLINK_EXPANSIONS) throw new WasiFsError('loop');
        const target = readlinkSync(at(top(), name));
        if (target.startsWith('/')) throw new WasiFsError('not-permitted');
        if (target.endsWith('/') && last) mustBeDirectory = true;
        parts = [...components(target), ...parts];
        continue;
      }
      if (last) return { dirFd: top(), name, mustBeDirectory, release };
      if (!isDirectory) throw new WasiFsError('not-directory');
      const fd = openSync(at(top(), name), DIRECTORY_FLAGS);
      owned.push(fd);
      stack.push(fd);
    }
    return { dirFd: top(), name: '.', mustBeDirectory: true, release };
  } catch (e) {
    release();
    throw WasiFsError.from(e);
  }
}

/**
 * Whether a symlink created `depth` directories below a preopen root, with this target, stays inside the
 * root: relative, and its `..`s never climb above the root.
 */
export function symlinkTargetStaysBeneath(target: string, depth: number): boolean {
  if (target.startsWith('/') || target === '' || target.includes('\0')) return false;
  let level = depth;
  for (const c of components(target)) {
    level += c === '..' ? -1 : 1;
    if (level < 0) return false;
  }
  return true;
}
