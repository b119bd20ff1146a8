import { createReadStream } from 'node:fs';
import type { FileBody } from './remote/http.js';

/** Marks blob content that is the first `size` bytes of a file, so a store able to send a file itself can. */
const FILE_CONTENT = Symbol('weld.fileContent');

/** Blob content read from a file: any store can iterate it; a registry upload reads the file itself instead. */
export interface FileContent extends AsyncIterable<Uint8Array> {
  readonly [FILE_CONTENT]: { path: string; size: number; onBytes?: (n: number) => void };
}

/** Size of the pieces a file is iterated in (1 MiB keeps the pieces in cache while they are hashed or sent). */
export const READ_CHUNK_BYTES = 1 << 20;

/**
 * A file's content as a blob source. Iterated, it is a read stream of the whole file (a store that checks sizes
 * sees a file that grew); a registry upload sends it as `FileBody` ranges through a few reused buffers
 * (`fileRange`), so a 200 MB push neither allocates per piece nor grows the heap with the file.
 */
export function fileContent(path: string, size: number, onBytes?: (n: number) => void): FileContent {
  return {
    [FILE_CONTENT]: { path, size, onBytes },
    async *[Symbol.asyncIterator]() {
      for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
        onBytes?.(chunk.byteLength);
        yield chunk;
      }
    },
  };
}

export function isFileContent(content: unknown): content is FileContent {
  return typeof content === 'object' && content !== null && FILE_CONTENT in content;
}

/** The same file with another progress callback (called after the one it had). */
export function withFileProgress(content: FileContent, onBytes: (n: number) => void): FileContent {
  const { path, size, onBytes: before } = content[FILE_CONTENT];
  return fileContent(path, size, before ? (n) => (before(n), onBytes(n)) : onBytes);
}

/** `length` bytes of the file from `start`, as an HTTP request body. */
export function fileRange(content: FileContent, start: number, length: number): FileBody {
  const { path, onBytes } = content[FILE_CONTENT];
  return { file: path, start, length, onBytes };
}

