/** `weld wit lint`: rules from weld.yaml `lint:`, exit codes, --fix in place, GitHub annotations and SARIF. */
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/fixtures.js';
import { runWeld } from './helpers/cli.js';

const CASES = path.join(REPO_ROOT, 'packages/wit-tools/test/contract/lint');
let dir: string;
const weld = (args: string[], cwd = dir) => runWeld(args, { cwd, env: { NO_COLOR: '1' } });

describe('weld wit lint', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weld-lint-'));
    for (const name of ['fix-many', 'unused-type', 'clean']) await cp(path.join(CASES, name, 'wit'), path.join(dir, name), { recursive: true });
  });

  it('warnings alone exit 0; weld.yaml can make a rule an error (exit 1) or turn it off', async () => {
    const warned = await weld(['wit', 'lint', 'unused-type']);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stdout).toContain('unused-type/main.wit\n  5:10  warn   type `unused` is not used by any function or type of the package  unused-type');
    expect(warned.stdout).toContain('0 errors, 1 warning');
    await writeFile(path.join(dir, 'weld.yaml'), 'lint:\n  unused-type: error\n');
    const errored = await weld(['wit', 'lint', 'unused-type']);
    expect(errored.code).toBe(1);
    expect(errored.stdout).toContain('1 error, 0 warnings');
    await writeFile(path.join(dir, 'weld.yaml'), 'lint:\n  unused-type: off\n');
    const off = await weld(['wit', 'lint', 'unused-type']);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('ok: t:types has no lint problems');
  });

  it('a bad lint: section is a usage error at its line', async () => {
    await writeFile(path.join(dir, 'weld.yaml'), 'lint:\n  unused-type: error\n  no-such-rule: warn\n');
    const r = await weld(['wit', 'lint', 'clean']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[project-invalid]: lint: unknown rule "no-such-rule"\n');
    expect(r.stderr).toContain('weld.yaml:3:3\n');
    expect(r.stderr).toContain('hint: rules: naming-kebab-case,');
    await writeFile(path.join(dir, 'weld.yaml'), 'lint:\n  unused-type: loud\n');
    const level = await weld(['wit', 'lint', 'clean']);
    expect(level.code).toBe(2);
    expect(level.stderr).toContain('error[project-invalid]: lint: unused-type: expected off, warn or error\n');
    expect(level.stderr).toContain('weld.yaml:2:16\n');
    await writeFile(path.join(dir, 'weld.yaml'), 'lint: {}\n');
  });

  it('--fix rewrites the files; the result resolves and has nothing left to fix', async () => {
    const before = await weld(['-o', 'json', 'wit', 'lint', 'fix-many']);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout)).toMatchObject({ errors: 1, warnings: 9, fixable: 10 });
    const fixed = await weld(['wit', 'lint', 'fix-many', '--fix']);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('fixed fix-many/main.wit');
    // removing the unused `use` of `a` leaves the type `a` unused: reported, not fixable
    expect(fixed.stdout).toContain('6:10  warn   type `a` is not used by any function or type of the package  unused-type');
    expect(fixed.stdout).toContain('0 errors, 1 warning\n');
    const after = JSON.parse((await weld(['-o', 'json', 'wit', 'lint', 'fix-many'])).stdout);
    expect(after).toMatchObject({ errors: 0, warnings: 1, fixable: 0 });
    expect(await readFile(path.join(dir, 'fix-many/main.wit'), 'utf8')).toBe(await readFile(path.join(CASES, 'fix-many/fixed.wit'), 'utf8'));
    expect((await weld(['wit', 'check', 'fix-many'])).code).toBe(0);
  });

  it('a package that does not resolve is refused as `weld wit check` refuses it, before any fix is written', async () => {
    // and an unused `use`, which --fix would remove
    const bad = 'package demo:calc@0.1.0;\n\ninterface calc {\n  use types.{t};\n  bad: func(a: strin);\n}\n\ninterface types { type t = u8; }\n';
    await mkdir(path.join(dir, 'bad'));
    await writeFile(path.join(dir, 'bad/calc.wit'), bad);
    const check = await weld(['wit', 'check', 'bad']);
    const lint = await weld(['wit', 'lint', 'bad']);
    expect(lint.code).toBe(check.code);
    expect(lint.code).toBe(2);
    expect(lint.stdout).toBe('');
    expect(lint.stderr).toBe(check.stderr);
    expect(lint.stderr).toContain('error[wit-unknown-name]: name `strin` does not exist\n     --> bad/calc.wit:5:16\n');
    expect((await weld(['wit', 'lint', 'bad', '--fix'])).code).toBe(2);
    expect(await readFile(path.join(dir, 'bad/calc.wit'), 'utf8')).toBe(bad);
    // no package at all: an empty .wit file, a folder with no .wit files
    await mkdir(path.join(dir, 'blank'));
    await writeFile(path.join(dir, 'blank/x.wit'), '');
    await mkdir(path.join(dir, 'none/deps'), { recursive: true });
    for (const d of ['blank', 'none']) {
      const [c, l] = [await weld(['wit', 'check', d]), await weld(['wit', 'lint', d])];
      expect(l.code, d).toBe(2);
      expect(l.stderr, d).toBe(c.stderr);
      expect(l.stderr, d).toContain('error[wit-package]: no `package` header was found');
    }
  });

  it('--format github and sarif', async () => {
    await cp(path.join(CASES, 'unused-use', 'wit'), path.join(dir, 'uses'), { recursive: true });
    const gh = await weld(['wit', 'lint', 'uses', '--format', 'github']);
    expect(gh.stdout.trimEnd().split('\n')).toEqual([
      '::warning file=uses/main.wit,line=10,col=14,title=unused-use::`a` is brought in by `use` but never used in api',
      '::warning file=uses/main.wit,line=10,col=25,title=unused-use::`see` is brought in by `use` but never used in api',
      '::warning file=uses/main.wit,line=15,col=14,title=unused-use::`a` is brought in by `use` but never used in other',
    ]);
    const schema = JSON.parse(await readFile(path.join(REPO_ROOT, 'packages/wit-tools/test/contract/sarif-schema-2.1.0.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    const sarif = JSON.parse((await weld(['wit', 'lint', 'uses', '--format', 'sarif'])).stdout);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    expect(sarif.runs[0].results).toHaveLength(3);
    expect(sarif.runs[0].tool.driver.rules).toEqual([{ id: 'unused-use', shortDescription: { text: 'every name a `use` brings in is used (--fix removes it)' } }]);
  });
});
