import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateComponent } from '@weld/binary';
import { readProvenance } from '@weld/compose';
import { sha256Digest } from '@weld/core/node';
import { runWeld } from './helpers/cli.js';
import { POLYGLOT, polyglotComponent } from './helpers/fixtures.js';

let dir: string;
const weld = (args: string[]) => runWeld(args, { cwd: dir, env: { WELD_HOME: path.join(dir, 'home') } });
const deps = () => ['--dep', `demo:calc=${polyglotComponent('calc')}`, '--dep', `demo:app=${polyglotComponent('app')}`, '--dep', `demo:numbers=${polyglotComponent('numbers')}`];

describe('weld compose <file.wac>: the example three-component graph', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weld-wac-'));
  });

  it('composes C, JS and WAT from a .wac file; the result runs, validates and records its inputs', async () => {
    const r = await weld(['compose', path.join(POLYGLOT, 'compose.wac'), ...deps(), '-o', 'graph.wasm']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  app: demo:calc/calc@0.1.0 ← calc');
    expect(r.stdout).toContain('exports: demo:app/app@0.1.0, demo:numbers/numbers@0.1.0');
    const bytes = await readFile(path.join(dir, 'graph.wasm'));
    expect(validateComponent(bytes).valid).toBe(true);
    expect((await weld(['call', 'graph.wasm', 'app.report("graph", 2, 40)'])).stdout).toBe('"Hello, graph! 2 + 40 = 42"\n');
    expect((await weld(['call', 'graph.wasm', 'numbers.fib(20)'])).stdout).toBe('6765\n');
    const p = readProvenance(bytes)!;
    expect(p.inputs.map((i) => [i.name, i.digest])).toEqual([
      ['demo:calc', sha256Digest(await readFile(polyglotComponent('calc')))],
      ['demo:app', sha256Digest(await readFile(polyglotComponent('app')))],
      ['demo:numbers', sha256Digest(await readFile(polyglotComponent('numbers')))],
    ]);
    // deterministic: the same graph again gives the same bytes
    expect((await weld(['compose', path.join(POLYGLOT, 'compose.wac'), ...deps(), '-o', 'again.wasm'])).code).toBe(0);
    expect(Buffer.from(await readFile(path.join(dir, 'again.wasm'))).equals(bytes)).toBe(true);
  });

  it('a --dep may be a registry reference (here the embedded store)', async () => {
    expect((await weld(['push', polyglotComponent('calc'), 'demo/calc:0.1.0'])).code).toBe(0);
    const r = await weld(['compose', path.join(POLYGLOT, 'compose.wac'), '--dep', 'demo:calc=demo/calc:0.1.0', '--dep', `demo:app=${polyglotComponent('app')}`, '--dep', `demo:numbers=${polyglotComponent('numbers')}`, '-o', 'by-ref.wasm']);
    expect(r.code, r.stderr).toBe(0);
    expect((await weld(['call', 'by-ref.wasm', 'app.report("ref", 1, 2)'])).stdout).toBe('"Hello, ref! 1 + 2 = 3"\n');
  });

  it('--plan and --graph print the graph without writing anything; -o json is one document', async () => {
    const plan = await weld(['compose', path.join(POLYGLOT, 'compose.wac'), ...deps(), '--plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('instance app (demo:app)\n  demo:calc/calc@0.1.0 ← calc.demo:calc/calc@0.1.0\n');
    expect(plan.stdout).toMatch(/imports \(\d+\):\n  wasi:io\/poll@0\.2\.\d+ ← host, used by app/);
    expect(plan.stdout).toContain('exports (2):\n  demo:app/app@0.1.0 ← app.demo:app/app@0.1.0\n  demo:numbers/numbers@0.1.0 ← numbers.demo:numbers/numbers@0.1.0\n');
    const json = JSON.parse((await weld(['-o', 'json', 'compose', path.join(POLYGLOT, 'compose.wac'), ...deps(), '--plan'])).stdout);
    expect(json.instances.map((i: { label: string }) => i.label)).toEqual(['calc', 'app', 'numbers']);
    const mermaid = await weld(['compose', path.join(POLYGLOT, 'compose.wac'), ...deps(), '--graph', 'mermaid']);
    expect(mermaid.stdout).toMatch(/^flowchart LR\n/);
    expect(mermaid.stdout).toContain('i0 -->|"demo:calc/calc@0.1.0"| i1');
    const dot = await weld(['compose', path.join(POLYGLOT, 'compose.wac'), ...deps(), '--graph', 'dot']);
    expect(dot.stdout).toMatch(/^digraph composition \{/);
    expect(dot.stdout).toContain('i0 -> i1 [label="demo:calc/calc@0.1.0"];');
    const bad = await weld(['compose', path.join(POLYGLOT, 'compose.wac'), ...deps(), '--graph', 'svg']);
    expect(bad.code).toBe(2);
    // plug mode has a plan too
    const plugPlan = await weld(['compose', polyglotComponent('app'), '--plug', polyglotComponent('calc'), '--plan']);
    expect(plugPlan.stdout).toContain('instance app\n  demo:calc/calc@0.1.0 ← calc.demo:calc/calc@0.1.0\n');
    expect(existsSync(path.join(dir, 'out.wasm'))).toBe(false);
  });

  it('errors point at the .wac statement; a missing package says where it looked; nothing is written', async () => {
    await writeFile(
      path.join(dir, 'bad.wac'),
      'package demo:bad;\n\nlet numbers = new demo:numbers {};\nlet app = new demo:app {\n  calc: numbers.numbers,\n  ...\n};\nexport app.app;\n',
    );
    const r = await weld(['compose', 'bad.wac', ...deps(), '-o', 'bad.wasm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[argument-type-mismatch]: app imports demo:calc/calc@0.1.0: missing function add');
    expect(r.stderr).toContain('--> bad.wac:5:3');
    expect(r.stderr).toContain('    5 |   calc: numbers.numbers,');
    const missing = await weld(['compose', 'bad.wac', '-o', 'bad.wasm']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error[package-not-found]: package demo:numbers not found: looked for deps/demo/numbers.wasm, deps/demo/numbers.wat');
    expect(missing.stderr).toContain('hint: give it with --dep demo:numbers=FILE (or a registry reference)');
    expect(existsSync(path.join(dir, 'bad.wasm'))).toBe(false);
  });

  it('import statements: an export of a component package imported by path feeds an instance and stays an import; unsupported forms say so at their line', async () => {
    await writeFile(
      path.join(dir, 'imports.wac'),
      'package demo:imports;\n\n// calc is left to the host: its type is demo:calc\'s export\nimport calc: demo:calc/calc;\nlet app = new demo:app { calc, ... };\nexport app.app;\n',
    );
    const plan = await weld(['compose', 'imports.wac', ...deps(), '--plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('  demo:calc/calc@0.1.0 ← host (explicit), used by app\n');
    const r = await weld(['compose', 'imports.wac', ...deps(), '-o', 'imports.wasm']);
    expect(r.code, r.stderr).toBe(0);
    const checked = validateComponent(await readFile(path.join(dir, 'imports.wasm')));
    if (!checked.valid) throw checked.error;
    expect([...checked.type.imports.keys()]).toContain('demo:calc/calc@0.1.0');
    expect([...checked.type.exports.keys()]).toEqual(['demo:app/app@0.1.0']);

    await writeFile(path.join(dir, 'resource.wac'), 'package demo:res;\n\nresource handle;\nlet app = new demo:app { ... };\nexport app.app;\n');
    const refused = await weld(['compose', 'resource.wac', ...deps(), '-o', 'resource.wasm']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("error[not-implemented]: top-level `resource` statements are not supported by weld's .wac reader yet");
    expect(refused.stderr).toContain('--> resource.wac:3:1');
    expect(existsSync(path.join(dir, 'resource.wasm'))).toBe(false);
  });

  it("weld.yaml's compose: section takes a graph (instances, arguments, exports), with errors at the YAML line", async () => {
    const project = path.join(dir, 'project');
    await import('node:fs/promises').then((fs) => fs.mkdir(project, { recursive: true }));
    const yaml = (arg: string) =>
      `compose:\n  - name: app-graph\n    instances:\n      calc: { component: ${polyglotComponent('calc')} }\n      app:\n        component: ${polyglotComponent('app')}\n        arguments: { calc: ${arg} }\n    exports: [app.app]\n`;
    await writeFile(path.join(project, 'weld.yaml'), yaml('calc'));
    const r = await weld(['compose', project]);
    expect(r.code, r.stderr).toBe(0);
    expect((await weld(['call', path.join(project, 'build', 'app-graph.wasm'), 'app.report("yaml", 1, 1)'])).stdout).toBe('"Hello, yaml! 1 + 1 = 2"\n');
    const plan = await weld(['compose', project, '--plan']);
    expect(plan.stdout).toContain('app-graph:\n  instance calc\n  instance app\n    demo:calc/calc@0.1.0 ← calc.demo:calc/calc@0.1.0\n');
    await writeFile(path.join(project, 'weld.yaml'), yaml('calc.nope'));
    const bad = await weld(['compose', project]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[export-not-found]: calc has no export nope (it exports demo:calc/calc@0.1.0)');
    expect(bad.stderr).toContain('--> project/weld.yaml:7:28');
  });
});
