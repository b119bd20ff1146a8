import type { BigIntStats } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { sha256File, sha256Hex } from '@weld/core/node';
import { join, resolve as resolvePath } from 'node:path';
import { RegistryError } from './errors.js';
import { atomicWriteFile } from './fsutil.js';
import { weldHome } from './reference.js';

/** A file's sha256 and size, and whether it came from the cache or from reading the file now. */
export interface FileDigest {
  digest: string;
  size: number;
  /** The file's modification time (an artifact's default creation time). */
  mtime: Date;
  source: 'cache' | 'hashed';
}

export interface FileDigestOptions {
  /** Where remembered digests live. Default `$WELD_HOME/cache/file-digests`; `false` hashes every time. */
  cacheDir?: string | false;
  /** Wall clock in ms (tests). */
  now?: () => number;
  /** Forget what is remembered and hash the file (after a registry refused the remembered digest). */
  refresh?: boolean;
}

/**
 * A file whose mtime or ctime is this close to the moment we hash it is not remembered: a write right after
 * hashing could keep the same timestamps (coarse filesystem clocks: one jiffy on Linux, 1–2 s on some
 * filesystems), and a remembered digest of other bytes would publish the wrong content. Git's "racily clean" rule.
 */
const RACY_MARGIN_NS = 2_000_000_000n;

const ENTRY_VERSION = 1;

interface CacheEntry {
  v: number;
  path: string;
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  digest: string;
}

export function defaultFileDigestCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(weldHome(env), 'cache', 'file-digests');
}

/**
 * The sha256 of a file, read in streaming pieces (memory does not grow with the file). Remembered under
 * `cacheDir` by path, device, inode, size, mtime and ctime (ctime cannot be set back by `touch`), so
 * pushing an unchanged file again reads nothing.
 */
export async function fileDigest(path: string, options: FileDigestOptions = {}): Promise<FileDigest> {
  const abs = resolvePath(path);
  const cacheDir = options.cacheDir === undefined ? defaultFileDigestCacheDir() : options.cacheDir;
  const before = await statFile(path);
  const entryPath = cacheDir === false ? undefined : join(cacheDir, `${sha256Hex(`${abs}\0${before.dev}:${before.ino}`)}.json`);
  if (entryPath && options.refresh) await rm(entryPath, { force: true }).catch(() => undefined);
  else if (entryPath) {
    const remembered = await readEntry(entryPath);
    if (remembered && sameFile(remembered, abs, before)) return { digest: remembered.digest, size: Number(before.size), mtime: before.mtime, source: 'cache' };
  }
  const startedNs = BigInt(Math.floor((options.now ?? Date.now)())) * 1_000_000n;
  const { digest, size } = await hashFile(path);
  const after = await statFile(path);
  if (entryPath && size === Number(after.size) && sameStat(before, after) && startedNs - after.mtimeNs >= RACY_MARGIN_NS && startedNs - after.ctimeNs >= RACY_MARGIN_NS) {
    const entry: CacheEntry = { v: ENTRY_VERSION, path: abs, ...statKey(after), digest };
    // The cache only saves time: a read-only or full $WELD_HOME must not fail the push.
    await atomicWriteFile(entryPath, JSON.stringify(entry) + '\n').catch(() => undefined);
  }
  return { digest, size, mtime: after.mtime, source: 'hashed' };
}

/** A file's digest and size, streamed from disk (see `sha256File`), with a typed error naming the path. */
export async function hashFile(path: string): Promise<{ digest: string; size: number }> {
  return sha256File(path).catch((e: NodeJS.ErrnoException) => {
    throw notReadable(path, e);
  });
}

async function statFile(path: string): Promise<BigIntStats> {
  const st = await stat(path, { bigint: true }).catch((e: NodeJS.ErrnoException) => {
    throw notReadable(path, e);
  });
  if (!st.isFile()) throw new RegistryError('file-not-found', `cannot read ${path}: not a regular file`);
  return st;
}

function notReadable(path: string, e: NodeJS.ErrnoException): RegistryError {
  return new RegistryError('file-not-found', `cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { cause: e });
}

function statKey(st: BigIntStats): Omit<CacheEntry, 'v' | 'path' | 'digest'> {
  return { dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs) };
}

function sameStat(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

function sameFile(entry: CacheEntry, abs: string, st: BigIntStats): boolean {
  const key = statKey(st);
  return (
    entry.v === ENTRY_VERSION &&
    entry.path === abs &&
    entry.dev === key.dev &&
    entry.ino === key.ino &&
    entry.size === key.size &&
    entry.mtimeNs === key.mtimeNs &&
    entry.ctimeNs === key.ctimeNs &&
    /^sha256:[0-9a-f]{64}$/.test(entry.digest)
  );
}

async function readEntry(path: string): Promise<CacheEntry | undefined> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as unknown;
    return doc && typeof doc === 'object' ? (doc as CacheEntry) : undefined;
  } catch {
    return undefined; // absent or damaged: hash again
  }
}
