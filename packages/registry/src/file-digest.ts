import {
  defaultFileDigestCacheDir,
  fileDigest as coreFileDigest,
  rememberedFileDigest as coreRememberedFileDigest,
  rememberWrittenFile,
  sha256File,
  type FileDigest,
  type FileDigestOptions,
} from '@weld/core/node';
import { fileProblem } from '@weld/core';
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

/** The file system's error for `path` (no such file, a folder, …) as a typed `no-such-file` or `unreadable-file`. */
function namingPath<T>(path: string, work: Promise<T>): Promise<T> {
  return work.catch((e: unknown) => {
    const problem = fileProblem(path, e);
    throw new RegistryError(problem.code, problem.message, { cause: e });
  });
}
