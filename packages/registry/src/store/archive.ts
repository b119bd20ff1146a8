import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceFile, writeFailure } from '@weld/core/node';
import { RegistryError } from '../errors.js';
import { fileSize } from '../fsutil.js';
import type { Descriptor } from './types.js';
import { OciLayoutStore } from './layout.js';

/**
 * An OCI image layout inside a tar file (`oci-archive:`), for air-gapped hand-over. The tar is unpacked to a
 * temporary directory on open; `close()` repacks it (atomically) when something was written.
 */
export class OciArchiveStore extends OciLayoutStore {
  private dirty = false;

  private constructor(
    readonly file: string,
    workDir: string,
  ) {
    super(workDir, { name: `oci-archive:${file}` });
  }

  static async open(file: string): Promise<OciArchiveStore> {
    const work = await mkdtemp(join(tmpdir(), 'weld-archive-'));
    if ((await fileSize(file)) !== undefined) {
      const tar = await import('tar'); // loaded only for archives: a registry push or pull does not need it
      try {
        await tar.x({ file, cwd: work, strict: true });
      } catch (e) {
        await rm(work, { recursive: true, force: true });
        throw new RegistryError('archive-invalid', `${file} is not a readable tar archive`, { cause: e });
      }
      if ((await fileSize(join(work, 'index.json'))) === undefined) {
        await rm(work, { recursive: true, force: true });
        throw new RegistryError('archive-invalid', `${file} does not contain an OCI image layout (no index.json)`);
      }
    }
    return new OciArchiveStore(file, work);
  }

  override async push(desc: Descriptor, content: AsyncIterable<Uint8Array> | Uint8Array): Promise<void> {
    await super.push(desc, content);
    this.dirty = true;
  }

  override async tag(desc: Descriptor, tag: string): Promise<void> {
    await super.tag(desc, tag);
    this.dirty = true;
  }

  /** Writes the tar back if anything changed, then removes the working directory. */
  async close(): Promise<void> {
    try {
      if (this.dirty) {
        const entries = (await readdir(this.root)).filter((e) => e === 'oci-layout' || e === 'index.json' || e === 'blobs');
        const tar = await import('tar');
        await replaceFile(this.file, (tmp) =>
          tar.c({ file: tmp, cwd: this.root, portable: true, noMtime: true }, entries.sort()).catch((e: unknown) => Promise.reject(writeFailure(this.file, e))),
        );
        this.dirty = false;
      }
    } finally {
      await rm(this.root, { recursive: true, force: true });
    }
  }
}
