import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWeld } from './helpers/cli.js';
import { POLYGLOT, polyglotComponent } from './helpers/fixtures.js';

let dir: string;
const weld = (args: string[]) => runWeld(args, { cwd: dir, env: { WELD_HOME: path.join(dir, 'home') } });

/** The example's own spec, pointed at the fixture build of its component. */
async function exampleSpec(name: 'calc' | 'numbers' | 'http'): Promise<string> {
  const text = await readFile(path.join(POLYGLOT, 'tests', `${name}.test.yaml`), 'utf8');
  const file = path.join(dir, `${name}.test.yaml`);
  await writeFile(file, text.replace(`component: ../build/${name}.wasm`, `component: ${polyglotComponent(name)}`));
  return file;
}

describe('weld test: YAML specs of WAVE calls and HTTP requests', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weld-test-specs-'));
  });

  it("the example's specs pass, with JUnit and TAP reports written", async () => {
    const specs = await Promise.all((['calc', 'numbers', 'http'] as const).map(exampleSpec));
    const r = await weld(['test', ...specs, '--junit', 'report.xml', '--tap', 'report.tap']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('  ✓ division by zero is an err, not a trap');
    expect(r.stdout).toContain('  ✓ outgoing HTTP is denied without a grant');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('14 passed, 0 failed');
    const junit = await readFile(path.join(dir, 'report.xml'), 'utf8');
    expect(junit).toContain('<testsuites name="weld test" tests="14" failures="0"');
    expect(junit).toContain('<testcase classname="http.test.yaml" name="no state survives between requests"');
    const tap = await readFile(path.join(dir, 'report.tap'), 'utf8');
    expect(tap.split('\n').slice(0, 3)).toEqual(['TAP version 13', '1..14', 'ok 1 - calc.test.yaml: calc.add(2, 40)']);
  });

  it('failures report expected and actual with the spec location, in text, TAP and JUnit; exit 1', async () => {
    const file = path.join(dir, 'failing.test.yaml');
    await writeFile(
      file,
      [
        `component: ${polyglotComponent('calc')}`,
        'tests:',
        '  - call: calc.add(2, 2)',
        '    expect: 5',
        '  - call: calc.divide(1, 0)',
        '    expect: 1',
        '  - name: string without WAVE quotes',
        '    call: calc.greet("x")',
        '    expect: Hello, x!',
        '  - name: a denial that never happens',
        '    call: calc.add(1, 1)',
        '    denied: [http]',
        '  - call: calc.add(1, 1)',
        '    expect: 2',
        '  - call: calc.nope(1)',
        '    expect: 2',
        '',
      ].join('\n'),
    );
    const r = await weld(['test', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  ✗ calc.add(2, 2)');
    expect(r.stdout).toContain('      expected: 5\n      actual:   4\n      at failing.test.yaml:3:5');
    expect(r.stdout).toContain('returned err("division by zero")');
    expect(r.stdout).toContain('a WAVE string needs double quotes inside the YAML');
    expect(r.stdout).toContain('expected a denied http access, but none happened');
    expect(r.stdout).toContain('  ✓ calc.add(1, 1)');
    // a typed error fails its case as one line with its code, and its structured form under -o json
    expect(r.stdout).toMatch(/ {6}error\[export-not-found\]: [^\n]*nope/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 passed, 5 failed');
    const tap = await weld(['test', file, '--reporter', 'tap']);
    expect(tap.stdout).toContain('not ok 1 - failing.test.yaml: calc.add(2, 2)\n  ---\n  message: "demo:calc/calc@0.1.0#add returned 4"\n  expected: "5"\n  actual: "4"');
    const junit = await weld(['test', file, '--reporter', 'junit']);
    expect(junit.stdout).toContain('<failure message="demo:calc/calc@0.1.0#add returned 4" type="call">');
    const json = await weld(['-o', 'json', 'test', file]);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ passed: 1, failed: 5 });
    expect(JSON.stringify(doc)).toContain('"error":{"code":"export-not-found"');
  });

  it('an invalid spec is exit 2 with file:line:col, the field and a caret', async () => {
    const file = path.join(dir, 'bad.test.yaml');
    await writeFile(file, `component: ${polyglotComponent('calc')}\ntests:\n  - call: calc.add(1, 2)\n    expekt: 3\n`);
    const r = await weld(['test', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[spec-invalid]: tests[0].expekt: unknown field (expected one of name, call, request, expect, denied)\n     --> bad.test.yaml:4:5');
    expect(r.stderr).toContain('    4 |     expekt: 3\n      |     ^-----');
    await writeFile(file, 'tests:\n  - { request: { path: /x }, denied: [files] }\n');
    const noComponent = await weld(['test', file]);
    expect(noComponent.stderr).toContain('error[spec-invalid]: component: missing');
    expect(noComponent.stderr).toContain('--> bad.test.yaml:1:1');
    await writeFile(file, `component: x.wasm\ntests:\n  - &t { call: "f()" }\n  - *t\n`);
    expect((await weld(['test', file])).stderr).toContain('error[spec-invalid]: YAML aliases (*name) are not read here: write the value out\n     --> bad.test.yaml:4:5');
    await writeFile(file, `component: x.wasm\ntests:\n  - { call: "f()", request: { path: / } }\n`);
    expect((await weld(['test', file])).stderr).toContain('a test has either `call` (a WAVE call) or `request` (an HTTP request)');
    expect((await weld(['test', 'missing.yaml'])).stderr).toContain('error[no-such-file]: missing.yaml: no such file');
  });
});
