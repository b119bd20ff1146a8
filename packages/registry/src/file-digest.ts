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
export async function fileDigest(path: string, options: FileDigestOptions = {}): Promise<FileDigest> {
  return coreFileDigest(path, options).catch((e: NodeJS.ErrnoException) => {
    throw notReadable(path, e);
  });
}

/** What is remembered of a file (read, or told by weld when it wrote it), or undefined; typed error for a missing file. */
export async function rememberedFileDigest(path: string, options: Pick<FileDigestOptions, 'cacheDir'> = {}): Promise<FileDigest | undefined> {
  return coreRememberedFileDigest(path, options).catch((e: NodeJS.ErrnoException) => {
    throw notReadable(path, e);
  });
}

/** A file's digest and size, streamed from disk (see `sha256File`), with a typed error naming the path. */
export async function hashFile(path: string): Promise<{ digest: string; size: number }> {
  return sha256File(path).catch((e: NodeJS.ErrnoException) => {
    throw notReadable(path, e);
  });
}

function notReadable(path: string, e: NodeJS.ErrnoException): RegistryError {
  const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'ENOTFILE' ? 'not a regular file' : e.message;
  return new RegistryError('file-not-found', `cannot read ${path}: ${why}`, { cause: e });
}
