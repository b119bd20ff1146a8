import { describe, expect, it } from 'vitest';
import { fileProblem, looksLikeFilePath, mayBeRelativePath } from '../src/index.js';

describe('looksLikeFilePath', () => {
  it.each(['./app', '../x', '/abs/app', '~/app.wasm', 'app.wasm', 'APP.WASM', 'sub/x.wit', 'calc.wat', 'localhost:5000/repo/app.wasm'])('%s is a file', (arg) => {
    expect(looksLikeFilePath(arg)).toBe(true);
  });
  it.each(['app', 'repo:v1', 'repo:v1.wasm', 'ghcr.io/acme/app:1.0.0', 'dir/app', `repo@sha256:${'0'.repeat(64)}`, 'oci:layout:v1', 'app.wasm.d'])('%s is not', (arg) => {
    expect(looksLikeFilePath(arg)).toBe(false);
  });
});

describe('mayBeRelativePath', () => {
  it.each(['dir/app', 'a/b/c'])('%s may be', (arg) => expect(mayBeRelativePath(arg)).toBe(true));
  it.each(['app', 'dir/app:v1', 'ghcr.io/acme/app', 'localhost/app', 'host:5000/app', `dir/app@sha256:${'0'.repeat(64)}`])('%s is not', (arg) =>
    expect(mayBeRelativePath(arg)).toBe(false),
  );
});

describe('fileProblem', () => {
  it('names the path and tells a missing file from an unreadable one', () => {
    expect(fileProblem('a.wasm', Object.assign(new Error('x'), { code: 'ENOENT' }))).toEqual({ code: 'no-such-file', message: 'a.wasm: no such file' });
    expect(fileProblem('d', Object.assign(new Error('x'), { code: 'EISDIR' }))).toEqual({ code: 'unreadable-file', message: 'd is a folder, not a file' });
    expect(fileProblem('k', Object.assign(new Error('x'), { code: 'EACCES' }))).toEqual({ code: 'unreadable-file', message: 'k: permission denied' });
    expect(fileProblem('z', new Error('boom'))).toEqual({ code: 'unreadable-file', message: 'cannot read z: boom' });
  });
});
