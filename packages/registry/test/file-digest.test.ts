import { mkdtempSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/digest.js';
import { fileDigest, rememberedFileDigest, rememberWrittenFile } from '../src/file-digest.js';
import { RegistryError } from '../src/errors.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'weld-file-digest-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A clock 10 s ahead: files written by the test count as settled (older than the racy margin). */
const later = () => Date.now() + 10_000;

function setup(content = 'component bytes, version 1') {
  const d = tmp();
  const file = join(d, 'c.wasm');
  writeFileSync(file, content);
  return { file, cacheDir: join(d, 'cache') };
}

describe('fileDigest', () => {
  it('hashes a file, remembers the digest, and reads nothing the second time', async () => {
    const { file, cacheDir } = setup();
    const first = await fileDigest(file, { cacheDir, now: later });
    expect(first).toEqual({ digest: sha256(Buffer.from('component bytes, version 1')), size: 26, mtime: statSync(file, { bigint: true }).mtime, source: 'hashed' });
    expect(await fileDigest(file, { cacheDir, now: later })).toEqual({ ...first, source: 'cache' });
    expect(readdirSync(cacheDir)).toHaveLength(1);
  });

  it('hashes again after a same-size edit whose mtime was set back (ctime moved)', async () => {
    const { file, cacheDir } = setup();
    const before = statSync(file);
    await fileDigest(file, { cacheDir, now: later });
    writeFileSync(file, 'component bytes, version 2');
    utimesSync(file, before.atime, before.mtime);
    const second = await fileDigest(file, { cacheDir, now: () => Date.now() + 20_000 });
    expect(second).toMatchObject({ digest: sha256(Buffer.from('component bytes, version 2')), size: 26, source: 'hashed' });
  });

  it('hashes again when the path now names another file (new inode)', async () => {
    const { file, cacheDir } = setup();
    await fileDigest(file, { cacheDir, now: later });
    writeFileSync(file + '.new', 'component bytes, version 3');
    renameSync(file + '.new', file);
    expect(await fileDigest(file, { cacheDir, now: later })).toMatchObject({ digest: sha256(Buffer.from('component bytes, version 3')), source: 'hashed' });
  });

  it('does not remember a file written moments ago (a same-timestamp rewrite could follow)', async () => {
    const { file, cacheDir } = setup();
    await fileDigest(file, { cacheDir });
    expect((await fileDigest(file, { cacheDir })).source).toBe('hashed');
  });

  it('treats a damaged cache entry as absent, and works without a cache', async () => {
    const { file, cacheDir } = setup();
    await fileDigest(file, { cacheDir, now: later });
    const [entry] = readdirSync(cacheDir);
    writeFileSync(join(cacheDir, entry), '{"v":1,"digest":');
    expect((await fileDigest(file, { cacheDir, now: later })).source).toBe('hashed');
    const noCache = setup();
    expect((await fileDigest(noCache.file, { cacheDir: false, now: later })).source).toBe('hashed');
    expect((await fileDigest(noCache.file, { cacheDir: false, now: later })).source).toBe('hashed');
  });

  it('a digest told by the writer is remembered as written; reading the file settles it as read', async () => {
    const { file, cacheDir } = setup();
    const digest = sha256(Buffer.from('component bytes, version 1'));
    await rememberWrittenFile(file, { digest, size: 26 }, { cacheDir });
    expect(await rememberedFileDigest(file, { cacheDir })).toMatchObject({ digest, size: 26, source: 'written' });
    // where a file must be read, a written digest is not enough
    expect(await fileDigest(file, { cacheDir, now: later })).toMatchObject({ digest, source: 'hashed' });
    expect(await rememberedFileDigest(file, { cacheDir })).toMatchObject({ digest, source: 'cache' });
    // told again by a writer (a cached build), what was read stays read
    await rememberWrittenFile(file, { digest, size: 26 }, { cacheDir });
    expect(await rememberedFileDigest(file, { cacheDir })).toMatchObject({ digest, source: 'cache' });
  });

  it('a writer digest of the wrong size, or for a file since rewritten, is not remembered', async () => {
    const { file, cacheDir } = setup();
    const digest = sha256(Buffer.from('component bytes, version 1'));
    await rememberWrittenFile(file, { digest, size: 25 }, { cacheDir });
    expect(await rememberedFileDigest(file, { cacheDir })).toBeUndefined();
    await rememberWrittenFile(file, { digest, size: 26 }, { cacheDir });
    writeFileSync(file + '.new', 'component bytes, version 2');
    renameSync(file + '.new', file);
    expect(await rememberedFileDigest(file, { cacheDir })).toBeUndefined();
    await rememberWrittenFile(join(cacheDir, 'missing.wasm'), { digest, size: 26 }, { cacheDir }); // never throws
  });

  it('a missing file or a directory is a typed error naming the path', async () => {
    const d = tmp();
    const missing = fileDigest(join(d, 'nope.wasm'), { cacheDir: false });
    await expect(missing).rejects.toBeInstanceOf(RegistryError);
    await expect(missing).rejects.toMatchObject({ code: 'no-such-file', message: expect.stringContaining('nope.wasm: no such file') });
    await expect(fileDigest(d, { cacheDir: false })).rejects.toMatchObject({ code: 'unreadable-file', message: `${d} is a folder, not a file` });
  });
});
