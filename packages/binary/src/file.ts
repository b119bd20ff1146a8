import { readFileSync, statSync } from 'node:fs';
import { fileProblem, notRegularFile } from '@weld/core';
import { BinaryError } from './error.js';

/** Reads a binary from disk; a missing file is a `BinaryError` `no-such-file`, an unreadable one `unreadable-file` (exit 2). */
export function readBinaryFile(path: string): Uint8Array {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw notRegularFile(path, st);
    const buf = readFileSync(path);
    // a plain Uint8Array over the file's own memory: copying a 12 MB component costs more than parsing what a
    // command needs of it. A small file's Buffer is a slice of Node's shared pool, which is copied out instead.
    return buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength ? new Uint8Array(buf.buffer, 0, buf.byteLength) : new Uint8Array(buf);
  } catch (e) {
    const problem = fileProblem(path, e);
    throw new BinaryError(problem.code, problem.message, 0, undefined, { cause: e });
  }
}
