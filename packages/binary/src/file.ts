import { readFileSync, statSync } from 'node:fs';
import { BinaryError } from './error.js';

/** Reads a binary from disk; a missing or unreadable file is a `BinaryError` with code `unreadable-file` (exit 2). */
export function readBinaryFile(path: string): Uint8Array {
  try {
    if (statSync(path).isDirectory()) throw new Error('is a directory');
    const buf = readFileSync(path);
    // a plain Uint8Array over the file's own memory: copying a 12 MB component costs more than parsing what a
    // command needs of it. A small file's Buffer is a slice of Node's shared pool, which is copied out instead.
    return buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength ? new Uint8Array(buf.buffer, 0, buf.byteLength) : new Uint8Array(buf);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    const why = errno === 'ENOENT' ? 'no such file' : errno === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new BinaryError('unreadable-file', `cannot read ${path}: ${why}`, 0, undefined, { cause: e });
  }
}
