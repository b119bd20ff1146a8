/** `writeKeyPair` never leaves a mismatched pair: both targets are checked first, and a failed second rename is undone. */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { checkKeyPairTargets, writeKeyPair } from '../../src/sign/keys.js';
import { tempDir } from './temp-dirs.js';

// rename fails for a target named in `failRename` (as a full disk, a permission change or a race would)
const failRename = new Set<string>();
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    rename: async (from: string, to: string) => {
      if (failRename.has(to)) throw Object.assign(new Error(`EACCES: permission denied, rename '${from}' -> '${to}'`), { code: 'EACCES' });
      return fs.rename(from, to);
    },
  };
});

describe('key pair files', () => {
  it('a folder at <prefix>.pub is refused with --force before the private key is written', async () => {
    const dir = await tempDir('weld-keypair-');
    const prefix = join(dir, 'h');
    await writeFile(`${prefix}.key`, 'old private key');
    await mkdir(`${prefix}.pub`);
    await expect(writeKeyPair('pw', { prefix, force: true })).rejects.toMatchObject({ code: 'unwritable-file', message: `cannot write ${prefix}.pub: it is a folder, and this writes only regular files` });
    expect(await readFile(`${prefix}.key`, 'utf8')).toBe('old private key');
    await expect(checkKeyPairTargets({ prefix, force: true })).rejects.toMatchObject({ code: 'unwritable-file' });
    expect((await readdir(dir)).sort()).toEqual(['h.key', 'h.pub']);
    // a folder is refused even without --force, as a folder rather than as an existing key
    await expect(writeKeyPair('pw', { prefix: join(dir, 'h') })).rejects.toMatchObject({ code: 'unwritable-file' });
  });

  it('when the public key cannot be renamed into place, the old private key is put back', async () => {
    const dir = await tempDir('weld-keypair-');
    const prefix = join(dir, 'h');
    await writeFile(`${prefix}.key`, 'old private key', { mode: 0o600 });
    await writeFile(`${prefix}.pub`, 'old public key');
    failRename.add(`${prefix}.pub`);
    try {
      await expect(writeKeyPair('pw', { prefix, force: true })).rejects.toMatchObject({ code: 'unwritable-file', message: expect.stringContaining(`cannot write ${prefix}.pub: `) });
    } finally {
      failRename.clear();
    }
    expect(await readFile(`${prefix}.key`, 'utf8')).toBe('old private key');
    expect(await readFile(`${prefix}.pub`, 'utf8')).toBe('old public key');
    expect((await readdir(dir)).sort()).toEqual(['h.key', 'h.pub']); // no temp file or backup left
    // with no old pair, nothing is left
    const fresh = join(dir, 'new');
    failRename.add(`${fresh}.pub`);
    try {
      await expect(writeKeyPair('pw', { prefix: fresh })).rejects.toMatchObject({ code: 'unwritable-file' });
    } finally {
      failRename.clear();
    }
    expect((await readdir(dir)).sort()).toEqual(['h.key', 'h.pub']);
  });
});
