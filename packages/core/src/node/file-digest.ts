import type { BigIntStats } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { notRegularFile } from '../arguments.js';
import { sha256Hex } from '../digest.js';
import { writeFileAtomic } from './atomic.js';
import { sha256File } from './digest.js';
import { weldHome } from './home.js';

/**
 * A file's sha256 and size, and where it came from:
 * - `hashed`: the file was read now;
 * - `cache`: remembered from an earlier read of this very file (same path, device, inode, size, mtime, ctime);
 * - `written`: remembered from when weld wrote the file (`rememberWrittenFile`). Good for sending the file under
 *   that digest, which the receiver checks; not for deciding the receiver already has the file without reading it,
 *   because a same-size rewrite within the filesystem's clock tick would leave every timestamp as it was.
 */
export interface FileDigest {
  digest: string;
  size: number;
  /** The file's modification time (an artifact's default creation time). */
  mtime: Date;
  source: 'cache' | 'hashed' | 'written';
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
 * A file whose mtime or ctime is this close to the moment we hash it is not remembered as read: a write right
 * after hashing could keep the same timestamps (coarse filesystem clocks: one jiffy on Linux, 1–2 s on some
 * filesystems), and a remembered digest of other bytes would publish the wrong content. Git's "racily clean" rule.
 */
const RACY_MARGIN_NS = 2_000_000_000n;

const ENTRY_VERSION = 2;

interface CacheEntry {
  v: number;
  path: string;
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  digest: string;
  /** true: read and hashed, settled (see RACY_MARGIN_NS); false: told by the writer */
  read: boolean;
}

export function defaultFileDigestCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(weldHome(env), 'cache', 'file-digests');
}

/**
 * The sha256 of a file, read in streaming pieces (memory does not grow with the file). Remembered under
 * `cacheDir` by path, device, inode, size, mtime and ctime (ctime cannot be set back by `touch`), so hashing an
 * unchanged file again reads nothing. A digest remembered only from writing the file is not trusted here: the
 * file is read (see `FileDigest.source`). Fails with the file system's error (`ENOENT`, …) or `ENOTFILE`.
 */
export async function fileDigest(path: string, options: FileDigestOptions = {}): Promise<FileDigest> {
  const found = await lookup(path, options);
  if (found.remembered?.source === 'cache') return found.remembered;
  const startedNs = BigInt(Math.floor((options.now ?? Date.now)())) * 1_000_000n;
  const { digest, size } = await sha256File(path);
  const after = await statFile(path);
  if (found.entryPath && size === Number(after.size) && sameStat(found.before, after) && startedNs - after.mtimeNs >= RACY_MARGIN_NS && startedNs - after.ctimeNs >= RACY_MARGIN_NS) {
    await writeEntry(found.entryPath, { v: ENTRY_VERSION, path: resolvePath(path), ...statKey(after), digest, read: true });
  }
  return { digest, size, mtime: after.mtime, source: 'hashed' };
}

/** What is remembered of a file, whether read (`cache`) or told by its writer (`written`); nothing is read. */
export async function rememberedFileDigest(path: string, options: Pick<FileDigestOptions, 'cacheDir'> = {}): Promise<FileDigest | undefined> {
  return (await lookup(path, options)).remembered;
}

/**
 * Remembers the digest of a file weld has just written in full (a build output, a composition, a pull), so sending
 * it on needs no second read. Remembered as `written`. Never fails: the cache only saves time.
 */
export async function rememberWrittenFile(path: string, written: { digest: string; size: number }, options: Pick<FileDigestOptions, 'cacheDir'> = {}): Promise<void> {
  try {
    const cacheDir = options.cacheDir === undefined ? defaultFileDigestCacheDir() : options.cacheDir;
    if (cacheDir === false || !/^sha256:[0-9a-f]{64}$/.test(written.digest)) return;
    const st = await statFile(path);
    if (Number(st.size) !== written.size) return;
    const entryPath = entryPathFor(cacheDir, resolvePath(path), st);
    const known = await readEntry(entryPath);
    if (known && known.read && known.digest === written.digest && sameFile(known, resolvePath(path), st)) return; // already known as read: stronger
    await writeEntry(entryPath, { v: ENTRY_VERSION, path: resolvePath(path), ...statKey(st), digest: written.digest, read: false });
  } catch {
    /* unreadable file or cache: nothing remembered */
  }
}

async function lookup(path: string, options: FileDigestOptions): Promise<{ before: BigIntStats; entryPath?: string; remembered?: FileDigest }> {
  const abs = resolvePath(path);
  const cacheDir = options.cacheDir === undefined ? defaultFileDigestCacheDir() : options.cacheDir;
  const before = await statFile(path);
  if (cacheDir === false) return { before };
  const entryPath = entryPathFor(cacheDir, abs, before);
  if (options.refresh) {
    await rm(entryPath, { force: true }).catch(() => undefined);
    return { before, entryPath };
  }
  const entry = await readEntry(entryPath);
  if (!entry || !sameFile(entry, abs, before)) return { before, entryPath };
  return { before, entryPath, remembered: { digest: entry.digest, size: Number(before.size), mtime: before.mtime, source: entry.read ? 'cache' : 'written' } };
}

function entryPathFor(cacheDir: string, abs: string, st: BigIntStats): string {
  return join(cacheDir, `${sha256Hex(`${abs}\0${st.dev}:${st.ino}`)}.json`);
}

async function writeEntry(entryPath: string, entry: CacheEntry): Promise<void> {
  // The cache only saves time: a read-only or full $WELD_HOME must not fail the command.
  await writeFileAtomic(entryPath, JSON.stringify(entry) + '\n', { mkdir: true }).catch(() => undefined);
}

async function statFile(path: string): Promise<BigIntStats> {
  const st = await stat(path, { bigint: true });
  if (!st.isFile()) throw notRegularFile(path, st);
  return st;
}

function statKey(st: BigIntStats): Omit<CacheEntry, 'v' | 'path' | 'digest' | 'read'> {
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
    typeof entry.read === 'boolean' &&
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
