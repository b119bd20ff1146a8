import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export { sha256Hex, sha256Digest } from '../digest.js';

/** `sha256:<hex>` and size of a file, streamed (never held in memory whole). */
export async function sha256File(path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}
