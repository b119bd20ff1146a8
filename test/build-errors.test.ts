import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLYGLOT } from './helpers/fixtures.js';
import { runWeld } from './helpers/cli.js';
import { tempProject } from './helpers/tmp.js';

async function wasmOutputs(dir: string): Promise<string[]> {
  const files = await readdir(path.join(dir, 'build')).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.wasm') || f.endsWith('.tmp'));
}

const calcWit = 'package demo:calc@0.1.0;\ninterface calc { add: func(a: s32, b: s32) -> s32; }\nworld calculator { export calc; }\nworld other { export calc; }\n';

describe('weld build: bad input', () => {
  it('JS syntax error → file:line:col with a caret, exit 2, nothing written', async () => {
    const dir = await tempProject({
      'weld.yaml': 'components:\n  - { name: app, language: js, source: app.js, wit: wit, world: calculator }\n',
      'app.js': 'export const calc = {\n  add(a, b) {\n    return a +* b;\n  },\n};\n',
      'wit/calc.wit': calcWit,
    });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[js-syntax\]: app: app\.js:3:15: Unexpected token/);
    expect(r.stderr).toContain('3 |     return a +* b;');
    expect(r.stderr).toMatch(/\n\s+\| {15}\^/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await wasmOutputs(dir)).toEqual([]);
  });

  it('missing WIT world → names the world and the worlds that exist', async () => {
    const dir = await tempProject({
      'weld.yaml': 'components:\n  - { name: app, language: js, source: app.js, wit: wit, world: calculatr }\n',
      'app.js': 'export const calc = { add(a, b) { return a + b; } };\n',
      'wit/calc.wit': calcWit,
    });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[wit-world-missing\]: app: world "calculatr" not found in wit; worlds there: calculator, other/);
    expect(await wasmOutputs(dir)).toEqual([]);
  });

  it('missing world in a C component is reported the same way', async () => {
    const dir = await tempProject({ 'weld.yaml': 'components:\n  - { name: calc, language: c, source: calc/calc.c, wit: calc/wit, world: nope }\n' });
    await cp(path.join(POLYGLOT, 'calc'), path.join(dir, 'calc'), { recursive: true });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[wit-world-missing\]: calc: world "nope" not found in calc\/wit; worlds there: calculator/);
    expect(await wasmOutputs(dir)).toEqual([]);
  });

  it('unknown language → names the field, the line and the accepted languages', async () => {
    const dir = await tempProject({ 'weld.yaml': 'components:\n  - name: x\n    language: rust\n    source: x.rs\n' });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    // the location is in the arrow line only, not repeated in the message
    expect(r.stderr).toContain('error[unknown-language]: components[0].language: unknown language "rust" (expected one of js, c, wat, wasm)\n');
    expect(r.stderr).toMatch(/--> \S*weld\.yaml:3:15\n/);
    expect(r.stderr).toContain('3 |     language: rust');
  });

  it('a weld.yaml with only a policy (no components) is valid: weld build has nothing to do', async () => {
    const dir = await tempProject({ 'weld.yaml': 'policy:\n  trust:\n    - { prefix: team, keys: [k.pub] }\n' });
    const r = await runWeld(['build', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/nothing to build: .*weld\.yaml has no components/);
  });

  it('schema errors name the field', async () => {
    const cases: [string, RegExp][] = [
      ['components:\n  - { name: x, language: wat, source: a.wat, colour: red }\n', /components\[0\]\.colour: unknown field for a wat component/],
      ['components:\n  - { language: wat, source: a.wat }\n', /components\[0\]\.name: missing/],
      ['components:\n  - { name: Bad_Name, language: wat, source: a.wat }\n', /components\[0\]\.name: "Bad_Name" is not a kebab-case name/],
      ['components:\n  - { name: a, language: js, source: a.js }\n', /components\[0\]\.wit: missing/],
      ['components:\n  - { name: a, language: c, source: a.c, wit: w, exec-model: daemon }\n', /components\[0\]\.exec-model: expected reactor or command/],
      ['components:\n  - { name: a, language: wat, source: a.wat }\n  - { name: a, language: wat, source: b.wat }\n', /components\[1\]\.name: duplicate component name "a"/],
      ['compnents: []\n', /compnents: unknown top-level field/],
      ['components: [\n', /YAML syntax/],
    ];
    for (const [yaml, expected] of cases) {
      const dir = await tempProject({ 'weld.yaml': yaml });
      const r = await runWeld(['build', dir]);
      expect(r.code, yaml).toBe(2);
      expect(r.stderr, yaml).toMatch(expected);
      expect(r.stderr, yaml).toMatch(/weld\.yaml:\d+:\d+/);
    }
  });

  it('missing source file and missing project', async () => {
    const dir = await tempProject({ 'weld.yaml': 'components:\n  - { name: a, language: wat, source: missing.wat }\n' });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[source-missing\]: a: source file missing\.wat does not exist/);
    const none = await runWeld(['build', path.join(dir, 'nowhere')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`error[no-such-file]: ${path.join(dir, 'nowhere')}: no such file or folder`);
    await mkdir(path.join(dir, 'empty'));
    const empty = await runWeld(['build', path.join(dir, 'empty')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/error\[project-not-found\]: no weld\.yaml in/);
  });

  it("C compile error shows clang's message", async () => {
    const dir = await tempProject({
      'weld.yaml': 'components:\n  - { name: calc, language: c, source: calc.c, wit: wit, world: calculator }\n',
      'calc.c': '#include <stdint.h>\nint32_t add(int32_t a, int32_t b) {\n  return a + c;\n}\n',
      'wit/calc.wit': calcWit,
    });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[c-compile\]: calc: C compilation failed: calc\.c:3:14: error: use of undeclared identifier 'c'/);
    expect(r.stderr).toContain('return a + c;');
    expect(await wasmOutputs(dir)).toEqual([]);
  });

  it('a missing C toolchain names the Debian packages to install', async () => {
    const dir = await tempProject({
      'weld.yaml': 'components:\n  - { name: calc, language: c, source: calc.c, wit: wit, world: calculator }\n',
      'calc.c': 'int x;\n',
      'wit/calc.wit': calcWit,
    });
    const r = await runWeld(['build', dir], { env: { WELD_CLANG: '/nonexistent/clang-14' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[c-toolchain-missing\]: the C toolchain for wasm32-wasi is not installed: missing clang-14/);
    expect(r.stderr).toContain('hint: install it with: apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32');
  });

  it('WAT syntax error → file:line:col with a caret', async () => {
    const dir = await tempProject({
      'weld.yaml': 'components:\n  - { name: w, language: wat, source: w.wat }\n',
      'w.wat': '(component\n  (core module)\n  (bogus))\n',
    });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[wat-parse\]: w: w\.wat:3:4: expected valid component field/);
    expect(r.stderr).toContain('3 |   (bogus))');
  });

  it('prebuilt wasm: not wasm, or a core module without WIT, is refused', async () => {
    const dir = await tempProject({
      'weld.yaml': 'components:\n  - { name: a, language: wasm, source: a.wasm }\n',
      'a.wasm': 'hello world, not wasm',
    });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[wasm-invalid\]: a: a\.wasm: missing the \\0asm magic at byte offset 0/);
    const core = await tempProject({ 'weld.yaml': 'components:\n  - { name: a, language: wat, source: a.wat }\n', 'a.wat': '(module)' });
    const c = await runWeld(['build', core]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/core module, not a component: add `wit`/);
  });

  it('an output that does not validate is refused, naming the component, the problem and its offset; nothing written', async () => {
    const dir = await tempProject({
      'weld.yaml': 'components:\n  - { name: a, language: wat, source: a.wat }\n',
      'a.wat': '(component (core module (func (result i32) i64.const 1)))\n',
    });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[wasm-invalid\]: a: a\.wat is not a valid component: core module is invalid: type mismatch: .*expected i32, got i64/);
    expect(r.stderr).toContain('at core-module section, byte offset 10 (0xa)');
    expect(r.stderr).not.toContain('internal error');
    expect(await wasmOutputs(dir)).toEqual([]);
    // the same component, prebuilt: refused the same way
    const pre = await tempProject({ 'weld.yaml': 'components:\n  - { name: p, language: wasm, source: p.wasm }\n' });
    await writeFile(path.join(pre, 'p.wasm'), Buffer.from('0061736d0d000100011b0061736d010000000105016000017f030201000a0601040042010b', 'hex'));
    const p = await runWeld(['-o', 'json', 'build', pre]);
    expect(p.code).toBe(2);
    expect(JSON.parse(p.stdout || p.stderr).error).toMatchObject({ code: 'wasm-invalid', offset: 10, section: 'core-module' });
    expect(await wasmOutputs(pre)).toEqual([]);
  });

  it('a prebuilt component is copied; a core module with WIT is wrapped into a component', async () => {
    const dir = await tempProject({
      'weld.yaml': [
        'components:',
        '  - { name: pre, language: wasm, source: numbers.wasm }',
        '  - { name: wrapped, language: wat, source: core.wat, wit: wit, world: adder }',
      ].join('\n'),
      'core.wat': '(module (memory (export "memory") 1) (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))',
      'wit/adder.wit': 'package demo:adder;\nworld adder { export add: func(a: s32, b: s32) -> s32; }\n',
    });
    const src = await tempProject({ 'weld.yaml': 'components:\n  - { name: numbers, language: wat, source: n.wat }\n' });
    await cp(path.join(POLYGLOT, 'wat', 'numbers.wat'), path.join(src, 'n.wat'));
    expect((await runWeld(['build', src])).code).toBe(0);
    await cp(path.join(src, 'build', 'numbers.wasm'), path.join(dir, 'numbers.wasm'));
    const r = await runWeld(['-o', 'json', 'build', dir]);
    expect(r.code, r.stderr).toBe(0);
    const names = (JSON.parse(r.stdout) as { components: { name: string }[] }).components.map((c) => c.name);
    expect(names).toEqual(['pre', 'wrapped']);
  });

  it('usage errors exit 2', async () => {
    expect((await runWeld(['build', '--jobs', 'zero'])).code).toBe(2);
    expect((await runWeld(['frobnicate'])).code).toBe(2);
    const help = await runWeld(['build', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--jobs');
  });
});

describe('weld build: WIT problems found before the toolchain runs', () => {
  it('invalid WIT → weld resolver error with file:line:col and caret', async () => {
    const dir = await tempProject({
      'weld.yaml': 'components:\n  - { name: app, language: js, source: app.js, wit: wit, world: calculator }\n',
      'app.js': 'export const calc = { add(a, b) { return a + b; } };\n',
      'wit/calc.wit': 'package demo:calc@0.1.0;\ninterface calc { add: func(a: s32, b: nosuchtype) -> s32; }\nworld calculator { export calc; }\n',
    });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[wit-invalid\]: app: WIT in wit does not resolve: .*nosuchtype/);
    expect(r.stderr).toMatch(/wit\/calc\.wit:2:\d+/);
    expect(r.stderr).toContain('^');
    expect(await wasmOutputs(dir)).toEqual([]);
  });

  it('several worlds and no world: → asks which, listing them', async () => {
    const dir = await tempProject({
      'weld.yaml': 'components:\n  - { name: app, language: js, source: app.js, wit: wit }\n',
      'app.js': 'export const calc = { add(a, b) { return a + b; } };\n',
      'wit/calc.wit': calcWit,
    });
    const r = await runWeld(['build', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error\[wit-world-missing\]: app: wit declares 2 worlds \(calculator, other\); say which one to build/);
  });
});
