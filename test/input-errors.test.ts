import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWeld } from './helpers/cli.js';
import { polyglotComponent, REPO_ROOT } from './helpers/fixtures.js';

// Errors about an input name that input: a binary's decoding error names its file on the `at` line (and as `file`
// under -o json), whichever command read it; commander's usage errors render as every other error does; a YAML
// input that is not text says so.
let dir: string;
let home: string;
const weld = (args: string[]) => runWeld(args, { cwd: dir, env: { WELD_HOME: home, NO_COLOR: '1' } });
const AT = 'at trunc.wasm: type section, byte offset 9 (0x9)';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'weld-input-errors-'));
  home = await mkdtemp(path.join(os.tmpdir(), 'weld-home-'));
  await copyFile(path.join(REPO_ROOT, 'test/goldens/cli/truncated-section/files/truncated.wasm'), path.join(dir, 'trunc.wasm'));
  await copyFile(polyglotComponent('calc'), path.join(dir, 'calc.wasm'));
  await writeFile(path.join(dir, 'empty.wasm'), '');
  await writeFile(path.join(dir, 'trunc.yaml'), 'component: trunc.wasm\ntests:\n  - call: add(1, 2)\n');
});

describe('a binary that does not decode: the error names the file', () => {
  it.each([
    [['inspect', 'trunc.wasm']],
    [['grants', 'trunc.wasm']],
    [['call', 'trunc.wasm', 'add(1, 2)']],
    [['run', 'trunc.wasm']],
    [['serve', 'trunc.wasm', '--port', '0']],
    [['wit', 'extract', 'trunc.wasm']],
    [['wit', 'targets', 'trunc.wasm', '--world', 'a:b/c']],
    [['wit', 'breaking', 'calc.wasm', 'trunc.wasm']],
  ])('weld %s', async (args) => {
    const r = await weld(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error[section-size-mismatch]: unexpected end-of-file (section size 5 is out of bounds: 2 bytes left)\n${AT}\n`);
  });

  it('the old side of wit breaking is named as well, and -o json carries the file', async () => {
    const r = await weld(['-o', 'json', 'wit', 'breaking', 'trunc.wasm', 'calc.wasm']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: 'section-size-mismatch', message: 'unexpected end-of-file (section size 5 is out of bounds: 2 bytes left)', file: 'trunc.wasm', offset: 9, section: 'type' },
    });
  });

  it('weld validate names the file on its at line; its JSON keeps file at the top', async () => {
    const r = await weld(['validate', 'trunc.wasm']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`  ${AT} [section-size-mismatch]`);
    const json = JSON.parse((await weld(['-o', 'json', 'validate', 'trunc.wasm'])).stdout) as { file: string; error: object };
    expect(json.file).toBe('trunc.wasm');
  });

  it('weld test: a case failed by a decoding error names the component file', async () => {
    const r = await weld(['-o', 'json', 'test', 'trunc.yaml']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { specs: { component: string; cases: { failure: { message: string; error: { file: string; offset: number } } }[] }[] };
    const failure = doc.specs[0]!.cases[0]!.failure;
    expect(failure.error).toMatchObject({ file: doc.specs[0]!.component, offset: 9 });
    expect(failure.message).toContain(`(${doc.specs[0]!.component}, byte offset 9)`);
  });

  it('an empty file is unexpected-end for validate, inspect and wit extract alike (as wasm-tools says)', async () => {
    const expected = 'error[unexpected-end]: unexpected end-of-file: expected an 8-byte preamble, found 0 bytes\nat empty.wasm: byte offset 0 (0x0)\n';
    for (const args of [['validate', 'empty.wasm'], ['inspect', 'empty.wasm'], ['wit', 'extract', 'empty.wasm']]) {
      const r = await weld(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toBe(expected);
    }
  });
});

describe("commander's usage errors", () => {
  it.each([
    [['validate', '--nope', 'x'], "error[usage]: unknown option '--nope'\nhint: run weld validate --help for usage\n"],
    [['completion'], "error[usage]: missing required argument 'shell'\nhint: run weld completion --help for usage\n"],
    [['validate', '--no-cor', 'x'], "error[usage]: unknown option '--no-cor'\nhint: Did you mean --no-core? (run weld validate --help for usage)\n"],
    [
      ['validate', '-d.wasm'],
      "error[usage]: unknown option '-d.wasm'\nhint: run weld validate --help for usage; if -d.wasm is a file, end the options before it with --: weld validate -- -d.wasm\n",
    ],
  ])('weld %s: error[usage] and the hint on stderr, exit 2', async (args, text) => {
    const r = await weld(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(text);
  });

  it('an unknown option that is not a file name gets no -- hint', async () => {
    for (const args of [['validate', '-x', 'calc.wasm'], ['validate', '--feature=a/b', 'calc.wasm']]) {
      const r = await weld(args);
      expect(r.stderr, args.join(' ')).toMatch(/^error\[usage\]: unknown option/);
      expect(r.stderr, args.join(' ')).not.toContain(' -- ');
    }
  });
});

describe('a YAML input that is not text', () => {
  it('--policy naming a component says it is not a text file instead of quoting binary', async () => {
    const r = await weld(['run', '--policy', 'calc.wasm', 'calc.wasm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[policy-invalid\]: policy file calc\.wasm is not a text file: it contains NUL bytes\nhint: /);
    expect(r.stderr).not.toContain('\0');
  });

  it('a weld.yaml that is not UTF-8 says so', async () => {
    const project = await mkdtemp(path.join(os.tmpdir(), 'weld-not-text-'));
    await writeFile(path.join(project, 'weld.yaml'), Buffer.from('name: x\n\xff\xfe: y\n', 'latin1'));
    const r = await weld(['build', project]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[project-invalid\]: .*weld\.yaml is not a text file: it is not UTF-8 \(byte 0xff at offset 8\)\n +--> .*weld\.yaml:2:1\n/);
  });

  it('a .wit file that is not UTF-8 names the byte, its offset, line and column', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-not-utf8-'));
    const file = path.join(dir, 'bad.wit');
    await writeFile(file, Buffer.concat([Buffer.from('package a:b;\n\ninterface i {\n  f: func(x: u32'), Buffer.from([0xff]), Buffer.from(');\n}\n')]));
    const r = await weld(['-o', 'json', 'wit', 'check', file]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'wit-io', message: expect.stringContaining('(byte 0xff at offset 44)'), file, line: 4, column: 17 });
  });
});
