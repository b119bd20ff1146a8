import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CliError, compatibilityTrack, compareVersions, compatibleName, decodeTextFile, decodeUtf8, decodingFile, firstInvalidUtf8, errorDocument, errorInFile, errorLine, isKebab,
  isLowerKebab, renderError, renderSpan, satisfies, semverProblem, spanAt, versionChange,
} from '@weld/core';
import {
  ProjectError, PROJECT_SECTIONS, parsePolicySource, parseProjectDocument, findProjectFileUpward, loadProjectDocument, locateProjectFile, projectFileIn,
} from '@weld/core/project';
import { readFileDigest, sha256Digest, sha256File, weldHome, writeFileAtomic } from '@weld/core/node';

describe('semver rules', () => {
  it.each([
    ['1.4.2', '1'], ['0.2.3', '0.2'], ['0.0.3', '0.0.3'], ['2.0.0-rc.1', '2.0.0-rc.1'], ['1.0.0+build', '1'],
  ])('%s is on track %s', (v, track) => expect(compatibilityTrack(v)).toBe(track));
  it.each([
    ['1.0.0', '1.0.2', true], ['1.0.0', '1.9.0', true], ['1.0.0', '2.0.0', false], ['1.2.0', '1.1.9', false],
    ['0.2.0', '0.2.12', true], ['0.2.0', '0.3.0', false], ['0.0.1', '0.0.2', false], ['1.0.0-rc.1', '1.0.0', false],
  ])('%s is satisfied by %s: %s', (required, offered, ok) => expect(satisfies(required, offered)).toBe(ok));
  it.each([
    ['1.0.0', '2.0.0', 'major'], ['1.0.0', '1.1.0', 'minor'], ['1.0.0', '1.0.1', 'patch'], ['1.0.0', '1.0.0', 'none'],
    ['1.1.0', '1.0.9', 'lower'], ['1.0.0-rc.1', '1.0.0-rc.2', 'pre-release'], ['0.2.0', '0.3.0', 'minor'],
  ])('%s → %s changes the %s', (from, to, change) => expect(versionChange(from, to)).toBe(change));
  it('orders pre-releases before releases and numerically within', () => {
    const sorted = ['1.0.0', '1.0.0-rc.10', '1.0.0-alpha', '1.0.0-rc.2', '0.9.9'].sort(compareVersions);
    expect(sorted).toEqual(['0.9.9', '1.0.0-alpha', '1.0.0-rc.2', '1.0.0-rc.10', '1.0.0']);
  });
  it('explains a bad version in the semver crate\'s words', () => {
    expect(semverProblem('1.0')).toBe('unexpected end of input while parsing minor version number');
    expect(semverProblem('01.0.0')).toBe('invalid leading zero in major version number');
    expect(semverProblem('1.0.0')).toBeUndefined();
  });
  it('names compatible imports alike', () => {
    expect(compatibleName('wasi:io/streams@0.2.3')).toBe('wasi:io/streams@0.2');
    expect(compatibleName('a:b/c@1.4.0')).toBe('a:b/c@1');
  });
});

describe('names', () => {
  it.each([['http-client', true], ['HTTP-Client', false], ['a1-b2', true], ['1a', false], ['a--b', false], ['a-', false], ['ABC-def', true]])(
    'isKebab(%s) = %s', (s, ok) => expect(isKebab(s)).toBe(ok));
  it('lower kebab for names that become files', () => {
    expect(isLowerKebab('my-component')).toBe(true);
    expect(isLowerKebab('My-Component')).toBe(false);
  });
});

describe('the one renderer', () => {
  const text = 'components:\n  - name: Calc\n';
  it('draws file:line:col and a caret as wide as the span', () => {
    const span = spanAt('weld.yaml', text, text.indexOf('Calc'), 4);
    expect(span).toMatchObject({ file: 'weld.yaml', line: 2, column: 11, length: 4, lineText: '  - name: Calc' });
    const e = new CliError('usage', 'bad name', { span, hint: 'use kebab-case' });
    expect(renderError(e)).toBe(
      'error[usage]: bad name\n     --> weld.yaml:2:11\n      |\n    2 |   - name: Calc\n      |           ^---\nhint: use kebab-case',
    );
    expect(errorDocument(e)).toEqual({ code: 'usage', message: 'bad name', file: 'weld.yaml', line: 2, column: 11, hint: 'use kebab-case' });
  });
  it('colours only when asked', () => {
    const e = new CliError('usage', 'x', { hint: 'y' });
    expect(renderError(e, { color: true })).toContain('\x1b[1;31merror[usage]\x1b[0m');
    expect(renderError(e)).not.toContain('\x1b[');
  });
  it('a span without a file (an argument) is the text and a caret', () => {
    const e = new CliError('usage', 'bad', { span: { line: 1, column: 3, lineText: 'ab!c' } });
    expect(renderError(e)).toBe('error[usage]: bad\n  ab!c\n    ^');
    expect(errorDocument(e)).toEqual({ code: 'usage', message: 'bad', line: 1, column: 3 });
  });
  it('keeps the cause', () => {
    const cause = new Error('root');
    expect(new CliError('usage', 'outer', { cause }).cause).toBe(cause);
  });
});

describe('a byte location names its file', () => {
  const at = { offset: 9, section: 'type' };
  it('renders the file on the at line and puts it in the JSON document and the one-line form', () => {
    const e = new CliError('usage', 'cut short', { at: { ...at, file: 'trunc.wasm' } });
    expect(renderError(e)).toBe('error[usage]: cut short\nat trunc.wasm: type section, byte offset 9 (0x9)');
    expect(errorDocument(e)).toEqual({ code: 'usage', message: 'cut short', file: 'trunc.wasm', offset: 9, section: 'type' });
    expect(errorLine(e)).toBe('error[usage]: cut short (trunc.wasm, byte offset 9)');
    expect(renderError(new CliError('usage', 'x', { at: { offset: 0, file: 'e.wasm' } }))).toBe('error[usage]: x\nat e.wasm: byte offset 0 (0x0)');
  });
  it('inFile / errorInFile / decodingFile add the file to the same error, once, and only where there is a byte location', () => {
    const e = new CliError('usage', 'cut short', { at });
    expect(e.inFile('a.wasm')).toBe(e);
    expect(e.at).toEqual({ ...at, file: 'a.wasm' });
    expect(e.inFile('b.wasm').at?.file).toBe('a.wasm'); // the innermost reader knows best
    const noAt = new CliError('usage', 'no location');
    expect((errorInFile(noAt, 'a.wasm') as CliError).at).toBeUndefined();
    const plain = new Error('not weld');
    expect(errorInFile(plain, 'a.wasm')).toBe(plain);
    let thrown: unknown;
    try {
      decodingFile('c.wasm', () => {
        throw new CliError('usage', 'bad', { at });
      });
    } catch (x) {
      thrown = x;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).at).toEqual({ ...at, file: 'c.wasm' });
    expect(decodingFile('c.wasm', () => 42)).toBe(42);
  });
});

describe('files that are not text', () => {
  it('decodeTextFile names a NUL byte or bytes that are not UTF-8, and passes text (a BOM kept) through', () => {
    expect(decodeTextFile(new Uint8Array([0x00, 0x61, 0x73, 0x6d]))).toEqual({ notText: 'it contains NUL bytes' });
    expect(decodeTextFile(new Uint8Array([0x61, 0xff, 0x62]), 'f.yaml')).toEqual({
      notText: 'it is not UTF-8 (byte 0xff at offset 1)',
      where: 'byte 0xff at offset 1',
      offset: 1,
      span: { file: 'f.yaml', line: 1, column: 2, length: 1, lineText: 'a\ufffdb' },
    });
    expect(decodeTextFile(new TextEncoder().encode('\ufeffname: ü\n'))).toEqual({ text: '\ufeffname: ü\n' });
  });
  it('a weld.yaml that is binary is a project-invalid error saying so, not a YAML snippet', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weld-core-'));
    const file = path.join(dir, 'weld.yaml');
    writeFileSync(file, Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x0a]));
    await expect(loadProjectDocument(file)).rejects.toMatchObject({ code: 'project-invalid', message: expect.stringMatching(/weld\.yaml is not a text file: it contains NUL bytes$/), span: undefined });
    writeFileSync(file, 'name: x\n');
    await expect(loadProjectDocument(file)).resolves.toMatchObject({ file: expect.stringMatching(/weld\.yaml$/) });
  });
});

describe('a long source line', () => {
  it('is shown as the 120 characters around the column, cut with …, the caret under the character', () => {
    const line = 'x'.repeat(2500) + 'BAD' + 'y'.repeat(2500);
    const [arrow, , shown, caret] = renderSpan({ file: 'big.wit', line: 1, column: 2501, length: 3, lineText: line });
    expect(arrow).toContain('big.wit:1:2501');
    const text = shown.slice(shown.indexOf('| ') + 2);
    expect(text).toMatch(/^…x+BADy+…$/);
    expect(text.length).toBe(122);
    const mark = caret.slice(caret.indexOf('| ') + 2);
    expect(text.slice(mark.indexOf('^'), mark.indexOf('^') + 3)).toBe('BAD');
    expect(mark.trim()).toBe('^--');
    // at either end, no … on that side
    const start = renderSpan({ file: 'f', line: 1, column: 1, lineText: 'Q' + 'z'.repeat(999) })[2];
    expect(start).toMatch(/\| Qz+…$/);
    const end = renderSpan({ file: 'f', line: 1, column: 1000, lineText: 'z'.repeat(999) + 'Q' })[3];
    const endText = renderSpan({ file: 'f', line: 1, column: 1000, lineText: 'z'.repeat(999) + 'Q' })[2];
    expect(endText).toMatch(/\| …z+Q$/);
    expect(endText.indexOf('Q')).toBe(end.indexOf('^'));
  });
});

describe('where bytes stop being UTF-8', () => {
  const bytes = (...xs: (number | string)[]) => new Uint8Array(xs.flatMap((x) => (typeof x === 'string' ? [...Buffer.from(x)] : [x])));
  it('firstInvalidUtf8 accepts every well-formed sequence and finds the first ill-formed byte', () => {
    expect(firstInvalidUtf8(bytes('ascii ü € 𝄞 \ufffd'))).toBeUndefined();
    expect(firstInvalidUtf8(bytes('ab', 0xff))).toBe(2);
    expect(firstInvalidUtf8(bytes('a', 0xc0, 0x80))).toBe(1); // overlong NUL
    expect(firstInvalidUtf8(bytes('a', 0xe0, 0x80, 0x80))).toBe(1); // overlong three-byte
    expect(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(0); // a surrogate
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0); // above U+10FFFF
    expect(firstInvalidUtf8(bytes('€', 0xe2, 0x82))).toBe(3); // cut short at the end
    expect(firstInvalidUtf8(bytes(0x80))).toBe(0); // a lone continuation byte
  });
  it('decodeUtf8 places the byte by line and character column, on its line', () => {
    const read = decodeUtf8(bytes('one\r\ntwö: x', 0xfe, ' y\nthree\n'), 'w.wit');
    expect(read).toMatchObject({ offset: 12, span: { file: 'w.wit', line: 2, column: 7, lineText: 'twö: x\ufffd y' } });
    expect(decodeUtf8(bytes(0xff, 'x'))).toMatchObject({ offset: 0, span: { line: 1, column: 1 } });
  });
});

describe('weld.yaml', () => {
  it('names an unknown section at its line with a caret', () => {
    let err: ProjectError | undefined;
    try {
      parseProjectDocument('name: x\ncomponnets: []\n', 'weld.yaml');
    } catch (e) {
      err = e as ProjectError;
    }
    expect(err?.code).toBe('project-invalid');
    // the location is the span's, not repeated in the message
    expect(err?.message).toMatch(/^componnets: unknown top-level field/);
    expect(err?.span).toMatchObject({ file: 'weld.yaml', line: 2, column: 1 });
    expect(errorDocument(err!)).toMatchObject({ file: 'weld.yaml', line: 2, column: 1 });
    expect(renderError(err!)).toContain('    2 | componnets: []\n      | ^---------');
  });
  it('reports YAML syntax at its position', () => {
    expect(() => parseProjectDocument('a: [1, 2\n', 'weld.yaml')).toThrow(/^YAML syntax/);
    expect(() => parseProjectDocument('a: [1, 2\n', 'weld.yaml')).toThrow(expect.objectContaining({ span: expect.objectContaining({ file: 'weld.yaml', line: 2 }) }));
  });
  it('refuses a YAML alias at its position rather than reading it as nothing', () => {
    const text = 'components:\n  - &c { name: a, language: wat, source: a.wat }\n  - *c\n';
    expect(() => parseProjectDocument(text, 'weld.yaml')).toThrow(
      expect.objectContaining({ code: 'project-invalid', message: 'YAML aliases (*name) are not read here: write the value out', span: expect.objectContaining({ line: 3, column: 5 }) }),
    );
  });
  it('accepts a file with only a policy or registries, and the lint and plugins sections', () => {
    const doc = parseProjectDocument('registries:\n  default: example.com\nlint:\n  naming: warn\nplugins: []\n', 'weld.yaml');
    expect([...doc.sections.keys()]).toEqual(['registries', 'lint', 'plugins']);
  });
  it('checks registries: and policy: as it loads, each error at its line', () => {
    const failure = (text: string) => {
      try {
        parseProjectDocument(text, 'weld.yaml');
      } catch (e) {
        return e as ProjectError;
      }
      throw new Error('accepted');
    };
    const typo = failure('name: x\nregistries:\n  defualt: ghcr.io\n');
    expect(typo).toMatchObject({ code: 'project-invalid', message: 'registries.defualt: unknown field (expected one of default, namespaces)' });
    expect(typo.span).toMatchObject({ file: 'weld.yaml', line: 3, column: 3 });
    expect(renderError(typo)).toContain('    3 |   defualt: ghcr.io\n      |   ^------');
    expect(failure('registries:\n  namespaces: {a: 3}\n')).toMatchObject({ message: 'registries.namespaces.a: expected registry hosts (quote it)', span: { line: 2, column: 19 } });
    expect(failure('policy:\n  trust:\n    - prefix: demo\n      kyes: [a.pub]\n')).toMatchObject({
      message: 'policy.trust[0].kyes: unknown field (expected one of prefix, keys, annotations)', span: { line: 4, column: 7 },
    });
    expect(failure('policy:\n  unmatched: maybe\n  trust: [{prefix: a, keys: k.pub}]\n')).toMatchObject({ span: { line: 2, column: 14 } });
    expect(failure('policy:\n  trust: []\n')).toMatchObject({ message: 'policy.trust: expected a non-empty list of { prefix, keys }' });
    const ok = parseProjectDocument('registries:\n  default: ghcr.io\n  namespaces: {acme: oci:/x}\npolicy:\n  trust:\n    - {prefix: "*", keys: k.pub, annotations: {env: prod}}\n', 'weld.yaml');
    expect(ok.registries).toEqual({ default: 'ghcr.io', namespaces: { acme: 'oci:/x' } });
    expect(ok.policy).toEqual({ unmatched: 'deny', trust: [{ prefix: '*', keys: ['k.pub'], annotations: { env: 'prod' }, keySpans: [expect.objectContaining({ file: 'weld.yaml', line: 6, column: 27 })] }] });
    expect(parseProjectDocument('registries:\n', 'weld.yaml').registries).toEqual({});
  });
  it('tells a policy-only file from a project file; a policy-only file\'s errors take the caller\'s code', () => {
    const fail = (span: unknown, message: string): never => {
      throw Object.assign(new Error(message), { span });
    };
    expect(parsePolicySource('trust:\n  - {prefix: a, keys: [k.pub]}\nunmatched: allow\n', 'p.yaml', fail)).toMatchObject({ kind: 'policy', policy: { unmatched: 'allow' } });
    expect(() => parsePolicySource('trust:\n  - {prefix: a}\n', 'p.yaml', fail)).toThrow(expect.objectContaining({ message: 'trust[0].keys: expected one or more public key files', span: expect.objectContaining({ line: 2 }) }));
    // every section weld.yaml may hold makes a project file, however few it has
    for (const section of PROJECT_SECTIONS.filter((s) => s !== 'policy')) {
      expect(parsePolicySource(`${section}:\n`, 'p.yaml', fail)).toMatchObject({ kind: 'project', project: { policy: undefined } });
    }
    expect(() => parsePolicySource('trust: []\n', 'weld.yaml', fail)).toThrow(ProjectError);
  });
  it('is found as weld.yaml or weld.yml, from a sub-folder upwards', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'weld-core-'));
    mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    writeFileSync(path.join(root, 'weld.yml'), 'name: x\n');
    expect(findProjectFileUpward(path.join(root, 'a', 'b'))).toBe(path.join(root, 'weld.yml'));
    expect(locateProjectFile(root)).toBe(path.join(root, 'weld.yml'));
    expect(() => locateProjectFile(path.join(root, 'a'))).toThrow(/no weld\.yaml/);
  });
  it('both weld.yaml and weld.yml in one folder is an error, wherever the project is looked for', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'weld-core-'));
    mkdirSync(path.join(root, 'a'));
    writeFileSync(path.join(root, 'weld.yaml'), 'name: x\n');
    writeFileSync(path.join(root, 'weld.yml'), 'not: [valid\n');
    const both = { code: 'project-ambiguous', message: expect.stringMatching(/^both .*weld\.yaml and .*weld\.yml exist; keep one$/) };
    expect(() => projectFileIn(root)).toThrow(expect.objectContaining(both));
    expect(() => locateProjectFile(root)).toThrow(expect.objectContaining(both));
    expect(() => findProjectFileUpward(path.join(root, 'a'))).toThrow(expect.objectContaining(both));
  });
});

describe('node helpers', () => {
  it('hashes bytes and files alike', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weld-core-'));
    const file = path.join(dir, 'f');
    const bytes = new Uint8Array((3 << 20) + 12345).map((_, i) => i & 0xff);
    await writeFileAtomic(file, bytes);
    expect(await sha256File(file)).toEqual({ digest: sha256Digest(bytes), size: bytes.length });
    // as read from a slow disk: after the first piece, the next is read on the thread pool while one is hashed
    expect(await sha256File(file, { slowReadMs: -1 })).toEqual({ digest: sha256Digest(bytes), size: bytes.length });
    expect(readdirSync(dir)).toEqual(['f']); // no temp file left behind
    expect(readFileSync(file).equals(Buffer.from(bytes))).toBe(true);
  });
  it('reads a file and its digest in one pass, for any size', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weld-core-'));
    // empty, under one piece, exactly one piece, pieces plus a tail
    for (const size of [0, 1000, 64 << 10, (1 << 20) + 4097]) {
      const file = path.join(dir, `f${size}`);
      const bytes = new Uint8Array(size).map((_, i) => (i * 7 + size) & 0xff);
      await writeFileAtomic(file, bytes);
      const r = await readFileDigest(file);
      expect(r.digest).toBe(sha256Digest(bytes));
      expect(Buffer.from(r.bytes).equals(Buffer.from(bytes))).toBe(true);
    }
    await expect(readFileDigest(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
  it('$WELD_HOME, else XDG, else ~/.local/share', () => {
    expect(weldHome({ WELD_HOME: '/w' })).toBe('/w');
    expect(weldHome({ XDG_DATA_HOME: '/x' })).toBe('/x/weld');
    expect(weldHome({})).toMatch(/\.local\/share\/weld$/);
  });
  it('$WELD_HOME: empty is unset; relative or starting with ~ is a typed error, never a folder in the working directory', () => {
    expect(weldHome({ WELD_HOME: '', XDG_DATA_HOME: '/x' })).toBe('/x/weld');
    expect(weldHome({ WELD_HOME: '/w/' })).toBe('/w');
    expect(() => weldHome({ WELD_HOME: '~/x' })).toThrow(expect.objectContaining({ code: 'weld-home-invalid', hint: expect.stringContaining('$HOME/x') }));
    expect(() => weldHome({ WELD_HOME: '~' })).toThrow(expect.objectContaining({ code: 'weld-home-invalid' }));
    expect(() => weldHome({ WELD_HOME: 'store' })).toThrow(expect.objectContaining({ code: 'weld-home-invalid', message: expect.stringContaining('relative') }));
    // the XDG spec: a relative value is invalid and ignored
    expect(weldHome({ XDG_DATA_HOME: 'rel' })).toMatch(/\.local\/share\/weld$/);
  });
});
