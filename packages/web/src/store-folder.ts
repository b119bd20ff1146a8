/** The store `weld ui` serves, checked before the server starts, so a mistyped --store is not shown as an empty store. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UiError } from './errors.js';
import { fsReason } from './fs-paths.js';

/**
 * Refuses a `store` that is not a folder holding an OCI image layout. `mayBeMissing`: the embedded store, which
 * the first `weld push` creates, so before that it is legitimately absent (the page then shows no store).
 */
export async function checkStoreFolder(store: string, options: { mayBeMissing?: boolean } = {}): Promise<void> {
  const info = await stat(store).catch((e: NodeJS.ErrnoException) => e);
  if (info instanceof Error) {
    if (info.code === 'ENOENT' && options.mayBeMissing) return;
    const reason = info.code === 'ENOENT' ? 'the folder does not exist' : fsReason(info);
    throw new UiError('ui-store', `cannot serve the store ${store}: ${reason}`, { cause: info, hint: 'name an OCI image layout folder, or leave --store out for the embedded store' });
  }
  if (!info.isDirectory()) throw new UiError('ui-store', `cannot serve the store ${store}: it is not a directory`, { hint: 'name an OCI image layout folder (holding index.json and blobs/), not a file' });
  if (options.mayBeMissing) return;
  const index = await stat(join(store, 'index.json')).catch(() => undefined);
  if (!index?.isFile()) throw new UiError('ui-store', `cannot serve the store ${store}: it is not an OCI image layout (no index.json)`, { hint: 'name an OCI image layout folder, or leave --store out for the embedded store' });
}
