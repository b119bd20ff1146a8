import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

// node:crypto loads on the first write, not when a command that may write starts (it costs ~4 ms of start-up)
const requireBuiltin = createRequire(import.meta.url);

/** A temp path beside `target`, so the final rename stays on one file system. */
export function tempBeside(target: string): string {
  const { randomBytes } = requireBuiltin('node:crypto') as typeof import('node:crypto');
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes a whole file via a temp file and a rename: readers see the old content or the new, never a mix, and a
 * failure leaves nothing behind. `mode` applies from creation on (a key file is never briefly world-readable).
 * A list of chunks is written one after the other, never joined in memory (a composed component is mostly its
 * inputs' bytes).
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array | readonly Uint8Array[], options: { mode?: number; mkdir?: boolean } = {}): Promise<void> {
  if (options.mkdir) await mkdir(path.dirname(target), { recursive: true });
  const tmp = tempBeside(target);
  try {
    await writeFile(tmp, data, options.mode === undefined ? undefined : { mode: options.mode });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** `writeFileAtomic` for synchronous callers (the WIT formatter rewrites files in a loop). */
export function writeFileAtomicSync(target: string, data: string | Uint8Array): void {
  const tmp = tempBeside(target);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
