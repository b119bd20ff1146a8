import {
  defaultFileDigestCacheDir,
  fileDigest as coreFileDigest,
  rememberedFileDigest as coreRememberedFileDigest,
  rememberWrittenFile,
  sha256File,
  type FileDigest,
  type FileDigestOptions,
} from '@weld/core/node';
import { RegistryError } from './errors.js';

export { defaultFileDigestCacheDir, rememberWrittenFile, type FileDigest, type FileDigestOptions };

/** `@weld/core/node`'s `fileDigest` (remembered by path and stat), with a typed error naming the path. */
export function fileDigest(path: string, options: FileDigestOptions = {}): Promise<FileDigest> {
  return namingPath(path, coreFileDigest(path, options));
}

/** What is remembered of a file (read, or told by weld when it wrote it), or undefined; typed error for a missing file. */
export function rememberedFileDigest(path: string, options: Pick<FileDigestOptions, 'cacheDir'> = {}): Promise<FileDigest | undefined> {
  return namingPath(path, coreRememberedFileDigest(path, options));
}

/** A file's digest and size, streamed from disk (see `sha256File`), with a typed error naming the path. */
export function hashFile(path: string): Promise<{ digest: string; size: number }> {
  return namingPath(path, sha256File(path));
}

/** The file system's error for `path` (no such file, not a regular file, …) as a typed `file-not-found`. */
function namingPath<T>(path: string, work: Promise<T>): Promise<T> {
  return work.catch((e: NodeJS.ErrnoException) => {
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'ENOTFILE' ? 'not a regular file' : e.message;
    throw new RegistryError('file-not-found', `cannot read ${path}: ${why}`, { cause: e });
  });
}
