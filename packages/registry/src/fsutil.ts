import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { makeFolders, writeFileAtomic } from '@weld/core/node';
import { dirname, join } from 'node:path';

export function tempName(dir: string, base: string): string {
  return join(dir, `.${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes a whole file via temp file + rename (creating its folder), so readers see the old or the new content. */
export function atomicWriteFile(path: string, data: Uint8Array | string, mode?: number): Promise<void> {
  return writeFileAtomic(path, data, { mode, mkdir: true });
}

const WRITE_BATCH_BYTES = 2 * 1024 * 1024;

function skipWritten(bufs: Uint8Array[], n: number): Uint8Array[] {
  let i = 0;
  while (i < bufs.length && n >= bufs[i].byteLength) n -= bufs[i++].byteLength;
  if (i === bufs.length) return [];
  return [bufs[i].subarray(n), ...bufs.slice(i + 1)];
}

/**
 * Streams chunks into `tmpPath`, runs `check` (e.g. digest verification that throws), then renames to `path`.
 * On any failure the temp file is removed and `path` is untouched.
 */
export async function atomicWriteStream(
  path: string,
  tmpPath: string,
  source: AsyncIterable<Uint8Array>,
  check?: () => void,
  /** Permission bits for the file (those of the file it replaces); the umask's otherwise. */
  mode?: number,
): Promise<void> {
  await makeFolders(dirname(tmpPath));
  const fh = await open(tmpPath, 'w');
  let ok = false;
  try {
    // Network sources arrive in ~64 KiB pieces; one writev per ~2 MiB keeps syscalls and awaits few.
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      let bufs = pending;
      pending = [];
      pendingBytes = 0;
      while (bufs.length > 0) {
        const { bytesWritten } = await fh.writev(bufs);
        bufs = skipWritten(bufs, bytesWritten);
      }
    };
    for await (const chunk of source) {
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes >= WRITE_BATCH_BYTES) await flush();
    }
    await flush();
    check?.();
    if (mode !== undefined) await fh.chmod(mode);
    ok = true;
  } finally {
    await fh.close();
    if (!ok) await rm(tmpPath, { force: true });
  }
  try {
    await makeFolders(dirname(path));
    await rename(tmpPath, path);
  } catch (e) {
    await rm(tmpPath, { force: true });
    throw e;
  }
}

/** Writes chunks into a device or pipe as they come (`weld pull ref /dev/stdout`): nothing to rename, nothing to undo. */
export async function writeInto(path: string, source: AsyncIterable<Uint8Array>): Promise<void> {
  const fh = await open(path, 'w');
  try {
    for await (const chunk of source) {
      let at = 0;
      while (at < chunk.byteLength) at += (await fh.write(chunk, at)).bytesWritten;
    }
  } finally {
    await fh.close();
  }
}

export async function fileSize(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

const LOCK_STALE_MS = 30_000;

/** Cross-process lock by exclusive-create of `lockPath`; a lock older than 30 s is considered abandoned. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockPath), { recursive: true });
  let delay = 2;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const s = await stat(lockPath).catch(() => undefined);
      if (s && Date.now() - s.mtimeMs > LOCK_STALE_MS) {
        await rm(lockPath, { force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 50);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}
