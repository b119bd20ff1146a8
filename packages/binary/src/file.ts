import { readFileSync, statSync } from 'node:fs';
import { BinaryError } from './error.js';

/** Reads a binary from disk; a missing or unreadable file is a `BinaryError` with code `unreadable-file` (exit 2). */
export function readBinaryFile(path: string): Uint8Array {
  try {
    if (statSync(path).isDirectory()) throw new Error('is a directory');
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    const why = errno === 'ENOENT' ? 'no such file' : errno === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new BinaryError('unreadable-file', `cannot read ${path}: ${why}`, 0, undefined, { cause: e });
  }
}
