import { describe, expect, it } from 'vitest';
import { WeldError, fileProblem, looksLikeFilePath, mayBeRelativePath, printable, renderError, type WeldErrorOptions } from '../src/index.js';

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

describe('rendering input text safely', () => {
  class InputError extends WeldError<'x'> {
    constructor(message: string, options: WeldErrorOptions = {}) {
      super('x', message, options);
    }
  }

  it('shows control characters and bidi overrides escaped, keeping line feeds of a message', () => {
    const e = new InputError('\x1b[31mred.wasm: no such file\nsecond line', { hint: 'see \u202egnp.exe', detail: 'a\x07b' });
    const text = renderError(e);
    expect(text).toContain('error[x]: \\x1b[31mred.wasm: no such file\nsecond line');
    expect(text).toContain('hint: see \\u202egnp.exe');
    expect(text).toContain('a\\x07b');
    expect(text).not.toMatch(/[\x1b\x07\u202e]/);
    expect(printable('a\nb', true)).toBe('a\\x0ab');
  });

  it('keeps the caret under the spanned text when the line before it needed escaping', () => {
    const e = new InputError('bad', { span: { file: 'f\x1b.yaml', line: 1, column: 4, length: 3, lineText: '\x1b\x1b\x1bbad' } });
    const lines = renderError(e).split('\n');
    expect(lines[1]).toBe('     --> f\\x1b.yaml:1:4');
    const shown = lines[3]!.slice(lines[3]!.indexOf('| ') + 2);
    const caret = lines[4]!.slice(lines[4]!.indexOf('| ') + 2);
    expect(shown).toBe('\\x1b\\x1b\\x1bbad');
    expect(shown.slice(caret.indexOf('^'), caret.indexOf('^') + 3)).toBe('bad');
    expect(caret.trim()).toBe('^--');
  });
});
