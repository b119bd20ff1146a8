import { readFile } from 'node:fs/promises';
import { SignError } from './errors.js';

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
