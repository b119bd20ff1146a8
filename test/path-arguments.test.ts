// A file path where weld expected something else, or a file-system problem at a path the user named: each is the
// user's mistake, reported with the path and a non-zero exit, never a registry error about a made-up repository or an
// internal error.
import { lstat, mkdir, mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco';
import { runWeld } from './helpers/cli.js';
import { REPO_ROOT } from './helpers/fixtures.js';

let dir: string;
let home: string;
const weld = (args: string[], env: Record<string, string> = {}) => runWeld(args, { cwd: dir, env: { WELD_HOME: home, ...env } });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'weld-path-args-'));
  home = path.join(dir, 'home');
  await writeFile(path.join(dir, 'calc.wasm'), await parse(await readFile(path.join(REPO_ROOT, 'test/fixtures/calc-add-only.wat'), 'utf8')));
  await mkdir(path.join(dir, 'adir'));
  await writeFile(path.join(dir, 'f.txt'), 'not a folder\n');
});

describe('a path-looking argument that does not exist is no such file', () => {
  it.each([
    ['run', 'nope.wit'],
    ['run', 'dir/nope'],
    ['inspect', 'sub/x.wit'],
    ['inspect', 'sub/missing'],
    ['serve', 'dir/nope'],
    ['grants', 'sub/app.wasm'],
  ])('weld %s %s', async (command, arg) => {
    const r = await weld([command, arg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[no-such-file]: ${arg}: no such file`);
    expect(r.stderr).not.toContain('push something first');
  });

  it('in a command that takes only a reference, whether the file is missing or there', async () => {
    const missing = await weld(['pull', './nope.wasm', 'out.wasm']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error[no-such-file]: ./nope.wasm: no such file');
    const there = await weld(['pull', 'calc.wasm', 'out.wasm']);
    expect(there.code).toBe(2);
    expect(there.stderr).toContain('error[invalid-reference]: calc.wasm is a file, not a reference');
    const listed = await weld(['-o', 'json', 'ls', 'sub/x.wasm']);
    expect(listed.code).toBe(2);
    expect(JSON.parse(listed.stdout)).toMatchObject({ error: { code: 'no-such-file', message: 'sub/x.wasm: no such file' } });
  });

  it('a repository of the embedded store still runs under a name with a slash', async () => {
    expect((await weld(['push', 'calc.wasm', 'team/calc:v1'])).code).toBe(0);
    const shown = await weld(['inspect', 'team/calc:v1']);
    expect(shown.code).toBe(0);
    expect((await weld(['ls', 'team/calc'])).stdout.trim()).toBe('v1');
    const untagged = await weld(['ls', 'team/other']);
    expect(untagged.code).toBe(2);
    expect(untagged.stderr).toContain('error[name-unknown]: no tags for "team/other" in the embedded store');
    expect(untagged.stderr).toContain('it has team/calc');
  });
});

describe('file-system problems at a path the user named are typed errors, not internal ones', () => {
  it('pushing a folder', async () => {
    const text = await weld(['push', 'adir', 'calc:2']);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('error[unreadable-file]: adir is a folder, not a file');
    const json = await weld(['-o', 'json', 'push', 'adir', 'calc:2']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'unreadable-file', message: 'adir is a folder, not a file' } });
    expect(json.stderr).toBe('');
  });

  it('pulling onto a folder is refused before anything is downloaded', async () => {
    expect((await weld(['push', 'calc.wasm', 'calc:1'])).code).toBe(0);
    const r = await weld(['pull', 'calc:1', 'adir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[unwritable-file]: cannot write ${path.join(dir, 'adir')}: it is a folder, and this writes only regular files`);
    expect(await readdir(path.join(dir, 'adir'))).toEqual([]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('pulling through a symlink writes its target, over a file keeps its mode, into /dev/null leaves the device', async () => {
    expect((await weld(['push', 'calc.wasm', 'calc:1'])).code).toBe(0);
    await symlink('pulled-target.wasm', path.join(dir, 'pulled-link.wasm'));
    expect((await weld(['pull', 'calc:1', 'pulled-link.wasm'])).code).toBe(0);
    expect((await lstat(path.join(dir, 'pulled-link.wasm'))).isSymbolicLink()).toBe(true);
    expect(await readFile(path.join(dir, 'pulled-target.wasm'))).toEqual(await readFile(path.join(dir, 'calc.wasm')));
    await writeFile(path.join(dir, 'private.wasm'), 'old', { mode: 0o600 });
    expect((await weld(['pull', 'calc:1', 'private.wasm'])).code).toBe(0);
    expect((await stat(path.join(dir, 'private.wasm'))).mode & 0o777).toBe(0o600);
    expect((await weld(['pull', 'calc:1', '/dev/null'])).code).toBe(0);
    expect((await stat('/dev/null')).isCharacterDevice()).toBe(true);
  });

  it('a layout or $WELD_HOME under a file', async () => {
    const layout = await weld(['push', 'calc.wasm', `oci:${path.join(dir, 'f.txt')}:1`]);
    expect(layout.code).toBe(2);
    expect(layout.stderr).toContain(`error[unwritable-file]: cannot write ${path.join(dir, 'f.txt')}/`);
    expect(layout.stderr).toContain('a part of the path is a file, not a folder');
    expect(layout.stderr).not.toContain('internal error');
    const badHome = await weld(['push', 'calc.wasm', 'nums:1'], { WELD_HOME: path.join(dir, 'f.txt') });
    expect(badHome.code).toBe(2);
    expect(badHome.stderr).toContain('error[unwritable-file]');
    expect(await readFile(path.join(dir, 'f.txt'), 'utf8')).toBe('not a folder\n');
  });

  it('keygen --force with a folder at <prefix>.pub writes neither key', async () => {
    await mkdir(path.join(dir, 'keys/h.pub'), { recursive: true });
    await writeFile(path.join(dir, 'keys/h.key'), 'old private key');
    const r = await weld(['keygen', '--output-key-prefix', 'keys/h', '--force'], { WELD_PASSWORD: 'pw' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[unwritable-file]: cannot write keys/h.pub: it is a folder');
    expect(r.stderr).not.toContain('internal error');
    expect(await readFile(path.join(dir, 'keys/h.key'), 'utf8')).toBe('old private key');
    expect((await readdir(path.join(dir, 'keys'))).sort()).toEqual(['h.key', 'h.pub']);
  });

  it('a digest in the reference that the push would not make is refused before anything is stored', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    const r = await weld(['push', 'calc.wasm', `pinned@${wrong}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[invalid-reference]: the reference names manifest ${wrong}, but this push makes sha256:`);
    const listed = await weld(['-o', 'json', 'ls']);
    expect(JSON.parse(listed.stdout).repositories.map((x: { repository: string }) => x.repository)).not.toContain('pinned');
  });
});
