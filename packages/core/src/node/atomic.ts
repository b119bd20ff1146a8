import { chmodSync, lstatSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileErrorReason } from '../arguments.js';
import { WeldError, type WeldErrorOptions } from '../error.js';

// node:crypto loads on the first write, not when a command that may write starts (it costs ~4 ms of start-up)
const requireBuiltin = createRequire(import.meta.url);

export type FileWriteErrorCode =
  /** a file weld was asked to write cannot be (a folder in the way, no permission, a full disk) */
  'unwritable-file';

/** A failed write of a file the user named; the message names that file, never weld's temporary one beside it. */
export class FileWriteError extends WeldError<FileWriteErrorCode> {
  constructor(code: FileWriteErrorCode, message: string, options: WeldErrorOptions = {}) {
    super(code, message, options);
    this.name = 'FileWriteError';
  }
}

/** `e` (a file system error while writing `target`) as a `FileWriteError` naming `target`; other errors pass. */
export function writeFailure(target: string, e: unknown): unknown {
  if (e instanceof WeldError) return e;
  const reason = fileErrorReason(e);
  return reason === undefined ? e : new FileWriteError('unwritable-file', `cannot write ${target}: ${reason}`, { cause: e });
}

/** A temp path beside `target`, so the final rename stays on one file system. */
export function tempBeside(target: string): string {
  const { randomBytes } = requireBuiltin('node:crypto') as typeof import('node:crypto');
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Where a write of a path lands. */
export interface WriteDestination {
  /** The regular file to replace or create (symbolic links resolved), or the device or pipe to write into. */
  path: string;
  /** The permission bits of the regular file there now, which the write keeps. */
  mode?: number;
  /** A device, pipe or socket (`/dev/null`, a shell's `>(sha256sum)`): written into as it is, never replaced. */
  stream?: boolean;
}

export interface DestinationOptions {
  /** Whether a device, pipe or socket may be written into (a single output file); refused when false. */
  stream?: boolean;
}

const MAX_LINKS = 40;

/**
 * Where a write of `target` lands. A symbolic link is written through (the file it points at is replaced, the link
 * stays), as `>` in a shell does, and a regular file keeps its permission bits. A device, pipe or socket is written
 * into directly when `stream` is allowed, and refused otherwise: renaming over it would replace the device node (as
 * root) or the pipe a reader waits on, and report success. A folder is refused. (Synchronous: a few `stat` calls, for
 * the synchronous and the asynchronous writers alike.)
 */
export function writeDestination(target: string, options: DestinationOptions = {}): WriteDestination {
  let st: Stats | undefined;
  try {
    st = statSync(target, { throwIfNoEntry: false });
  } catch (e) {
    throw writeFailure(target, e);
  }
  if (st === undefined) return { path: linkedPath(target) };
  if (st.isFile()) return { path: realpathSync(target), mode: st.mode & 0o7777 };
  if (!st.isDirectory() && options.stream) return { path: target, stream: true };
  const what = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe' : st.isSocket() ? 'a socket' : 'a device';
  throw new FileWriteError('unwritable-file', `cannot write ${target}: it is ${what}, and this writes only regular files`, {
    hint: st.isDirectory() ? `name the file to write, e.g. ${path.join(target, 'out.wasm')}` : 'write to a file, then copy it where it should go',
  });
}

/** The path a new file at `target` is created at: `target`, or where a dangling symbolic link there points. */
function linkedPath(target: string): string {
  let at = target;
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    if (!lstatSync(at, { throwIfNoEntry: false })?.isSymbolicLink()) return at;
    at = path.resolve(path.dirname(at), readlinkSync(at));
  }
  throw new FileWriteError('unwritable-file', `cannot write ${target}: too many symbolic links (a loop?)`);
}

/**
 * `mkdir -p` that ends. Node 20's `mkdir(path, { recursive: true })` loops forever where a folder exists but creating a
 * child in it fails with ENOENT (procfs, sysfs): here a second ENOENT is final. Fails with the file system's error of
 * the folder it could not make (its `path`), or EEXIST when something that is not a folder stands there.
 */
export async function makeFolders(dir: string): Promise<void> {
  const failed = await mkdir(dir).then(
    () => undefined,
    (e: NodeJS.ErrnoException) => e,
  );
  if (!failed) return;
  if (failed.code === 'EEXIST') {
    if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw failed;
    return;
  }
  const parent = path.dirname(dir);
  if (failed.code !== 'ENOENT' || parent === dir) throw failed;
  await makeFolders(parent);
  await mkdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e; // EEXIST: made meanwhile by another process
  });
}

/**
 * Replaces (or creates) the regular file at `target` (see `writeDestination`) with what `write` puts at the temporary
 * path it is handed beside it, then renames it in: readers see the old file or the new, never a mix, and a failure
 * leaves nothing behind. The replaced file's permission bits are kept unless `mode` is given (for `write` to apply).
 * `write`'s own errors pass as they are; the file system's errors of the steps here are `FileWriteError`s naming `target`.
 */
export async function replaceFile(target: string, write: (tmp: string) => Promise<void>, options: { mode?: number; mkdir?: boolean } = {}): Promise<void> {
  return replaceAt(target, writeDestination(target), write, options);
}

async function replaceAt(target: string, dest: WriteDestination, write: (tmp: string) => Promise<void>, options: { mode?: number; mkdir?: boolean }): Promise<void> {
  const failed = (e: unknown) => Promise.reject(writeFailure(target, e));
  if (options.mkdir) await makeFolders(path.dirname(dest.path)).catch(failed);
  const tmp = tempBeside(dest.path);
  try {
    await write(tmp);
    if (options.mode === undefined && dest.mode !== undefined) await chmod(tmp, dest.mode).catch(failed);
    await rename(tmp, dest.path).catch(failed);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes a whole file via a temp file and a rename: readers see the old content or the new, never a mix, and a
 * failure leaves nothing behind. Writes through a symbolic link and keeps an existing file's permission bits; writes
 * into a device or pipe as it is (`-o /dev/null`); refuses a folder (see `writeDestination`). `mode` applies from
 * creation on (a key file is never briefly world-readable). A list of chunks is written one after the other, never
 * joined in memory (a composed component is mostly its inputs' bytes). File system failures are `FileWriteError`s
 * naming `target`.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array | readonly Uint8Array[], options: { mode?: number; mkdir?: boolean } = {}): Promise<void> {
  const dest = writeDestination(target, { stream: true });
  const written = (to: string, mode?: number) => writeFile(to, data, mode === undefined ? undefined : { mode }).catch((e: unknown) => Promise.reject(writeFailure(target, e)));
  if (dest.stream) return written(dest.path);
  return replaceAt(target, dest, (tmp) => written(tmp, options.mode), options);
}

/** `writeFileAtomic` for synchronous callers (the WIT formatter rewrites files in a loop). */
export function writeFileAtomicSync(target: string, data: string | Uint8Array): void {
  const dest = writeDestination(target, { stream: true });
  const tmp = dest.stream ? undefined : tempBeside(dest.path);
  try {
    if (tmp === undefined) return writeFileSync(dest.path, data);
    writeFileSync(tmp, data);
    if (dest.mode !== undefined) chmodSync(tmp, dest.mode);
    renameSync(tmp, dest.path);
  } catch (e) {
    if (tmp !== undefined) rmSync(tmp, { force: true });
    throw writeFailure(target, e);
  }
}
