// --build's output folder: only a new folder or an earlier build is replaced; anything else is refused untouched.
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { writePageFiles } from '../src/build.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, readdir: vi.fn(actual.readdir) };
});

const PAGE = new Map([['index.html', new TextEncoder().encode('<!doctype html>')]]);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'weld-ui-build-'));
});

describe('writePageFiles', () => {
  it('writes a new folder, creating its parents', async () => {
    const out = path.join(dir, 'a', 'b', 'site');
    expect(await writePageFiles(PAGE, out)).toEqual(['index.html']);
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toBe('<!doctype html>');
  });

  it('refuses a file, leaving it as it was', async () => {
    const file = path.join(dir, 'notes.txt');
    await writeFile(file, 'important');
    await expect(writePageFiles(PAGE, file)).rejects.toMatchObject({ code: 'ui-output', exit: 2, message: `${file} is not a directory` });
    expect(await readFile(file, 'utf8')).toBe('important');
    await expect(writePageFiles(PAGE, path.join(file, 'site'))).rejects.toThrow('a part of the path is not a directory');
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('refuses a folder it cannot read, rather than taking it for an empty one', async () => {
    const mine = path.join(dir, 'mine');
    await mkdir(mine);
    await writeFile(path.join(mine, 'notes.txt'), 'keep me');
    vi.mocked(readdir).mockRejectedValueOnce(Object.assign(new Error(`EACCES: permission denied, scandir '${mine}'`), { code: 'EACCES' }));
    await expect(writePageFiles(PAGE, mine)).rejects.toMatchObject({ code: 'ui-output', message: `cannot read ${mine}: permission denied` });
    expect(await readFile(path.join(mine, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses a symlink loop or a dangling symlink, leaving the link', async () => {
    const loop = path.join(dir, 'loop');
    await symlink('loop', loop);
    await expect(writePageFiles(PAGE, loop)).rejects.toThrow('too many symbolic links');
    const dangling = path.join(dir, 'dangling');
    await symlink('nothing', dangling);
    await expect(writePageFiles(PAGE, dangling)).rejects.toThrow(`${dangling} is a symbolic link to nothing`);
    expect((await lstat(loop)).isSymbolicLink()).toBe(true);
    expect(await readlink(dangling)).toBe('nothing');
    expect((await readdir(dir)).sort()).toEqual(['dangling', 'loop']);
  });

  // Node's recursive mkdir spins forever there: /proc exists but creating a child in it fails with ENOENT
  it.skipIf(!existsSync('/proc/self'))('fails at once where no folder can be made (/proc)', async () => {
    const started = Date.now();
    await expect(writePageFiles(PAGE, '/proc/weld-nope/site')).rejects.toMatchObject({
      code: 'ui-output',
      message: 'cannot write the page to /proc/weld-nope/site: cannot create a folder in /proc: no such file or directory',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 15_000);
});
