/**
 * `weld wit breaking` as a user runs it: every input kind (WIT folder and file, binary WIT package, component,
 * `.wat`, embedded-store and `oci:` references, `--against` picking the newest tag), exit codes, text, JSON,
 * GitHub annotations (line by line) and SARIF validated against the SARIF 2.1.0 schema.
 */
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/fixtures.js';
import { runWeld } from './helpers/cli.js';

const CASES = path.join(REPO_ROOT, 'packages/wit-tools/test/contract/breaking');
const SCHEMA = path.join(REPO_ROOT, 'packages/wit-tools/test/contract/sarif-schema-2.1.0.json');
let dir: string;
let env: Record<string, string>;
const weld = (args: string[]) => runWeld(args, { cwd: dir, env });

const COMPONENT_OLD = `(component
  (import "log" (func (param "m" string)))
  (core module $m (func (export "run")))
  (core instance $i (instantiate $m))
  (func $run (canon lift (core func $i "run")))
  (export "run" (func $run)))
`;
const COMPONENT_NEW = COMPONENT_OLD.replace('(import "log" (func (param "m" string)))', '(import "log" (func (param "m" string)))\n  (import "clock" (func (result u64)))');

describe('weld wit breaking', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weld-breaking-'));
    env = { WELD_HOME: path.join(dir, 'home'), NO_COLOR: '1' };
    for (const name of ['function-removed', 'record-field-added', 'function-added', 'dep-reached-type-changed']) {
      await cp(path.join(CASES, name), path.join(dir, name), { recursive: true });
    }
    await writeFile(path.join(dir, 'c-old.wat'), COMPONENT_OLD);
    await writeFile(path.join(dir, 'c-new.wat'), COMPONENT_NEW);
  });

  it('folders: a removed function under a minor bump exits 1 and names the bump it needs', async () => {
    const r = await weld(['wit', 'breaking', 'function-removed/old', 'function-removed/new']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('function-removed  function g was removed from t:p/api');
    expect(r.stdout).toContain('function-removed/old/main.wit:5:3');
    expect(r.stdout).toContain('required bump: major; made: minor');
    expect(r.stdout).toContain('error: 1.0.0 → 1.1.0 is a minor bump, but the changes need a major bump (e.g. 2.0.0)');
  });

  it('text is coloured when asked (FORCE_COLOR, as on a TTY) and plain otherwise', async () => {
    const coloured = await runWeld(['wit', 'breaking', 'function-removed/old', 'function-removed/new'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\x1b[31mmajor\x1b[0m  \x1b[36mfunction-removed\x1b[0m');
    const plain = await weld(['wit', 'breaking', 'function-removed/old', 'function-removed/new']);
    expect(plain.stdout).not.toContain('\x1b[');
  });

  it('single files and a bump that covers the change exit 0', async () => {
    const r = await weld(['wit', 'breaking', 'function-added/old/main.wit', 'function-added/new/main.wit']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ok: 1.0.0 → 1.1.0 is a minor bump; the changes need that');
  });

  it('a file copied under another name is no change; its text changed under the new name is a patch', async () => {
    await cp(path.join(dir, 'function-added/old/main.wit'), path.join(dir, 'renamed.wit'));
    const same = await weld(['wit', 'breaking', 'function-added/old/main.wit', 'renamed.wit']);
    expect(same.code, same.stdout).toBe(0);
    expect(same.stdout).toContain('t:p (1.0.0 → 1.0.0): 0 changes');
    await writeFile(path.join(dir, 'commented.wit'), (await readFile(path.join(dir, 'renamed.wit'), 'utf8')) + '// a comment\n');
    const commented = await weld(['wit', 'breaking', 'function-added/old/main.wit', 'commented.wit']);
    expect(commented.code).toBe(1);
    expect(commented.stdout).toContain('source-changed  the WIT text changed (main.wit, commented.wit) but the resolved types did not');
  });

  it('-o json prints one document with every finding', async () => {
    const r = await weld(['-o', 'json', 'wit', 'breaking', 'dep-reached-type-changed/old', 'dep-reached-type-changed/new']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ package: 't:p', requiredBump: 'major', madeBump: 'major', ok: true });
    expect(doc.findings).toEqual([expect.objectContaining({ code: 'record-field-added', via: 't:io', reachedThrough: 't:p/api.chunk', new: { path: 'dep-reached-type-changed/new/deps/io.wit', line: 4, col: 34 } })]);
  });

  it('a binary WIT package (weld wit build) compares with a folder', async () => {
    const built = await weld(['wit', 'build', 'record-field-added/old', '--out', 'old-pkg.wasm']);
    expect(built.code, built.stderr).toBe(0);
    const r = await weld(['-o', 'json', 'wit', 'breaking', 'old-pkg.wasm', 'record-field-added/new', '--new-version', '1.1.0']);
    expect(r.code, r.stdout).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: { code: string }) => f.code)).toEqual(['record-field-added']);
    expect(doc.findings[0].old).toEqual({ path: 'old-pkg.wasm' });
    expect(doc.requiredBump).toBe('major');
  });

  it('components (.wat): a new import breaks hosts; versions come from flags', async () => {
    const r = await weld(['-o', 'json', 'wit', 'breaking', 'c-old.wat', 'c-new.wat', '--old-version', '1.0.0', '--new-version', '1.0.1']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings).toEqual([expect.objectContaining({ code: 'world-import-added', affects: ['hosts'], bump: 'major' })]);
    const none = await weld(['wit', 'breaking', 'c-old.wat', 'c-old.wat']);
    expect(none.code, none.stdout).toBe(0);
  });

  it('references: the embedded store (newest tag with --against) and an oci: layout', async () => {
    const published = await weld(['wit', 'publish', 'function-removed/old']);
    expect(published.code, published.stderr).toBe(0);
    const against = await weld(['wit', 'breaking', 'function-removed/new', '--against', 't/p']);
    expect(against.code, against.stdout + against.stderr).toBe(1);
    expect(against.stdout).toContain('function-removed');
    await weld(['wit', 'build', 'function-added/old', '--out', 'fa-old.wasm']);
    const pushed = await weld(['push', 'fa-old.wasm', `oci:${path.join(dir, 'layout')}:1.0.0`]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const oci = await weld(['-o', 'json', 'wit', 'breaking', `oci:${path.join(dir, 'layout')}:1.0.0`, 'function-added/new']);
    expect(oci.code, oci.stdout).toBe(0);
    expect(JSON.parse(oci.stdout)).toMatchObject({ requiredBump: 'minor', madeBump: 'minor', ok: true });
  });

  it('--format github prints one annotation per finding', async () => {
    const r = await weld(['wit', 'breaking', 'function-removed/old', 'function-removed/new', '--format', 'github']);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      '::error file=function-removed/old/main.wit,line=5,col=3,title=function-removed::function g was removed from t%3Ap/api (needs a major bump)'.replace('t%3Ap', 't:p'),
    ]);
  });

  it('--format sarif is valid SARIF 2.1.0 (the OASIS schema) and lists every finding', async () => {
    const schema = JSON.parse(await readFile(SCHEMA, 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const [oldDir, newDir] of [['function-removed/old', 'function-removed/new'], ['dep-reached-type-changed/old', 'dep-reached-type-changed/new']]) {
      const r = await weld(['wit', 'breaking', oldDir!, newDir!, '--format', 'sarif']);
      const log = JSON.parse(r.stdout);
      expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
      expect(log.runs[0].results.length).toBe(1);
    }
    const r = await weld(['wit', 'breaking', 'record-field-added/old', 'record-field-added/new', '--format', 'sarif']);
    const log = JSON.parse(r.stdout);
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results[0]).toMatchObject({
      ruleId: 'record-field-added', level: 'warning',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'record-field-added/new/main.wit' }, region: { startLine: 4, startColumn: 34 } } }],
    });
    expect(log.runs[0].tool.driver.rules[0]).toEqual({ id: 'record-field-added', shortDescription: { text: 'a record gained a field' } });
    // a broken document is refused, so the check can fail
    expect(validate({ version: '2.1.0', runs: [{ results: [] }] })).toBe(false);
  });

  it('bad input: a missing side and a syntax error exit 2 without a stack trace', async () => {
    const missing = await weld(['wit', 'breaking', 'function-removed/old']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('give the old and the new version');
    await mkdir(path.join(dir, 'bad'), { recursive: true });
    await writeFile(path.join(dir, 'bad/x.wit'), 'package t:p@1.0.0;\ninterface i {\n  f: func(;\n}\n');
    const bad = await weld(['wit', 'breaking', 'bad', 'function-removed/new']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\/x\.wit:3:\d+/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const version = await weld(['wit', 'breaking', 'c-old.wat', 'c-new.wat', '--old-version', '1.x']);
    expect(version.code).toBe(2);
    expect(version.stderr).toContain('error[usage]: --old-version 1.x: not a semver version');
    const absent = await weld(['wit', 'breaking', 'old.wasm', 'function-removed/new']);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain('error[no-such-file]: old.wasm: no such file or folder');
  });
});
