import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeDestination, writeFailure, writeFileAtomic, writeFileAtomicSync } from '../src/node.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weld-atomic-'));
});

describe('writeFileAtomic', () => {
  it('writes through a symbolic link, leaving the link a link (async and sync)', async () => {
    symlinkSync('target.wasm', path.join(dir, 'link.wasm'));
    await writeFileAtomic(path.join(dir, 'link.wasm'), 'one');
    expect(lstatSync(path.join(dir, 'link.wasm')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'target.wasm'), 'utf8')).toBe('one');
    writeFileAtomicSync(path.join(dir, 'link.wasm'), 'two');
    expect(lstatSync(path.join(dir, 'link.wasm')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'target.wasm'), 'utf8')).toBe('two');
  });

  it('keeps the permission bits of the file it replaces', async () => {
    const file = path.join(dir, 'key.txt');
    writeFileSync(file, 'old');
    chmodSync(file, 0o600);
    await writeFileAtomic(file, 'new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o444);
    writeFileAtomicSync(file, 'newer');
    expect(statSync(file).mode & 0o777).toBe(0o444);
    expect(readFileSync(file, 'utf8')).toBe('newer');
  });

  it('writes into a device as it is, never renaming over it', async () => {
    await writeFileAtomic('/dev/null', 'x');
    writeFileAtomicSync('/dev/null', 'x');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    await expect(writeFileAtomic('/dev/full', 'x')).rejects.toMatchObject({ code: 'unwritable-file', message: 'cannot write /dev/full: no space left on the device' });
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('refuses a folder and a link loop, and a pipe or device where only a regular file will do, leaving nothing behind', async () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    expect(() => writeDestination(path.join(dir, 'pipe'))).toThrow(expect.objectContaining({ code: 'unwritable-file', message: expect.stringContaining('it is a named pipe') }));
    expect(writeDestination(path.join(dir, 'pipe'), { stream: true })).toEqual({ path: path.join(dir, 'pipe'), stream: true });
    expect(() => writeDestination('/dev/null')).toThrow(expect.objectContaining({ message: 'cannot write /dev/null: it is a device, and this writes only regular files' }));
    expect(statSync(path.join(dir, 'pipe')).isFIFO()).toBe(true);
    expect(() => writeFileAtomicSync(dir, 'x')).toThrow(expect.objectContaining({ code: 'unwritable-file', message: expect.stringContaining('it is a folder') }));
    symlinkSync('b', path.join(dir, 'a'));
    symlinkSync('a', path.join(dir, 'b'));
    await expect(writeFileAtomic(path.join(dir, 'a'), 'x')).rejects.toMatchObject({ code: 'unwritable-file', message: expect.stringContaining('too many symbolic links') });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a failed write names the target, not the temporary file beside it', async () => {
    writeFileSync(path.join(dir, 'afile'), '');
    await expect(writeFileAtomic(path.join(dir, 'afile', 'x.wasm'), 'x', { mkdir: true })).rejects.toMatchObject({
      code: 'unwritable-file',
      message: `cannot write ${path.join(dir, 'afile', 'x.wasm')}: a part of the path is a file, not a folder`,
    });
    await expect(writeFileAtomic(path.join(dir, 'nowhere', 'x.wasm'), 'x')).rejects.toMatchObject({
      code: 'unwritable-file',
      message: `cannot write ${path.join(dir, 'nowhere', 'x.wasm')}: no such file or folder`,
    });
    // Node 20's recursive mkdir never returns here (procfs refuses a child with ENOENT): makeFolders does
    await expect(writeFileAtomic('/proc/weld-nope/x.wasm', 'x', { mkdir: true })).rejects.toMatchObject({
      code: 'unwritable-file',
      message: 'cannot write /proc/weld-nope/x.wasm: no such file or folder',
    });
    const full = writeFailure('out.wasm', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' }));
    expect(full).toMatchObject({ code: 'unwritable-file', message: 'cannot write out.wasm: no space left on the device' });
  });
});
