import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SignError } from './errors.js';

/** Writes via temp file + rename so a reader never sees half a key; `mode` applies from creation on. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Reads a key/policy file; a missing file is a typed `key-not-found` (or the given code). */
export async function readTextFile(path: string, what: string, code: 'key-not-found' | 'policy-invalid' = 'key-not-found'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    throw new SignError(code, `cannot read ${what} ${path}: ${errno === 'ENOENT' ? 'no such file' : (e as Error).message}`, {
      cause: e,
      hint: code === 'key-not-found' ? 'create a key pair with `weld keygen` (or `cosign generate-key-pair`)' : undefined,
    });
  }
}
