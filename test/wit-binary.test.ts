import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco';
import { runWeld } from './helpers/cli.js';
import { POLYGLOT, polyglotComponent, REPO_ROOT } from './helpers/fixtures.js';

let dir: string;
const weld = (args: string[]) => runWeld(args, { cwd: dir });

describe('weld wit build / extract / targets', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weld-wit-binary-'));
    await writeFile(path.join(dir, 'calc-add-only.wasm'), await parse(await readFile(path.join(REPO_ROOT, 'test/fixtures/calc-add-only.wat'), 'utf8')));
  });

  it('build writes a binary WIT package named like wkg; extract prints the same WIT back', async () => {
    const build = await weld(['wit', 'build', path.join(POLYGLOT, 'calc/wit')]);
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toContain('demo:calc@0.1.0 → demo:calc@0.1.0.wasm');
    const extracted = await weld(['wit', 'extract', 'demo:calc@0.1.0.wasm']);
    expect(extracted.code, extracted.stderr).toBe(0);
    const source = await readFile(path.join(POLYGLOT, 'calc/wit/calc.wit'), 'utf8');
    // docs are not part of binary WIT here; everything else reads back line for line
    const norm = (t: string) => t.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('//')).join('\n');
    expect(norm(extracted.stdout)).toBe(norm(source));
  });

  it('extract prints a component world with the packages it uses, or JSON', async () => {
    const r = await weld(['wit', 'extract', polyglotComponent('app')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('package root:component;');
    expect(r.stdout).toContain('import demo:calc/calc@0.1.0;');
    expect(r.stdout).toContain('export demo:app/app@0.1.0;');
    expect(r.stdout).toContain('package demo:calc@0.1.0 {');
    const json = JSON.parse((await weld(['-o', 'json', 'wit', 'extract', polyglotComponent('calc')])).stdout);
    expect(json.worlds[0].name).toBe('root');
    expect(json.interfaces.map((i: { name: string }) => i.name)).toContain('calc');
  });

  it('targets: conforming, missing functions, extra imports; versions match semver-compatibly', async () => {
    const wit = path.join(POLYGLOT, 'calc/wit');
    const ok = await weld(['wit', 'targets', polyglotComponent('calc'), '--world', 'demo:calc/calculator', '--wit', wit]);
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    expect(ok.stdout).toContain('calc.wasm targets demo:calc/calculator');
    const partial = await weld(['wit', 'targets', 'calc-add-only.wasm', '--world', 'demo:calc/calculator@0.1.0', '--wit', wit]);
    expect(partial.code).toBe(1);
    expect(partial.stdout).toContain('  ~ export demo:calc/calc@0.1.0: demo:calc/calc@0.1.0: function divide is missing');
    const app = await weld(['wit', 'targets', polyglotComponent('app'), '--world', 'demo:calc/calculator', '--wit', wit]);
    expect(app.stdout).toContain('  + import demo:calc/calc@0.1.0  (the world does not import it)');
    expect(app.stdout).toContain('  - export demo:calc/calc@0.1.0  (the world exports it; the component does not)');
    // componentize-js imports WASI 0.2.12 next to wasi:http 0.2.10: compatible versions; filesystem is not in proxy
    const http = await weld(['-o', 'json', 'wit', 'targets', polyglotComponent('http'), '--world', 'wasi:http/proxy@0.2.10', '--wit', path.join(POLYGLOT, 'http/wit')]);
    expect(http.code).toBe(1);
    const report = JSON.parse(http.stdout);
    expect(report.mismatches.every((m: { kind: string }) => m.kind === 'extra-import')).toBe(true);
    expect(report.mismatches.map((m: { item: string }) => m.item)).toContain('wasi:filesystem/types@0.2.12');
    expect(report.mismatches.map((m: { item: string }) => m.item)).not.toContain('wasi:io/streams@0.2.12');
    const unknown = await weld(['wit', 'targets', polyglotComponent('calc'), '--world', 'demo:calc/nope', '--wit', wit]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no world demo:calc/nope in the WIT (worlds: demo:calc@0.1.0/calculator)');
  });
});
