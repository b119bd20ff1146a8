import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWeld } from './helpers/cli.js';
import { POLYGLOT, polyglotComponent } from './helpers/fixtures.js';

let dir: string;
const weld = (args: string[]) => runWeld(args, { cwd: dir });

// a binary WIT package `d:d` with an interface `d` exporting a function, written as component text
const D_PACKAGE_WAT = `(component
  (type (component
    (type (instance
      (type (func (param "x" u32) (result u32)))
      (export "twice" (func (type 0)))))
    (export "d:d/d" (instance (type 0)))))
  (export "d" (type 0)))
`;

describe('WIT inputs in binary and text form (wit check / json)', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weld-wit-inputs-'));
    await mkdir(path.join(dir, 'pkg/deps'), { recursive: true });
    await writeFile(path.join(dir, 'pkg/root.wit'), 'package a:a;\n\nworld w {\n  import d:d/d;\n}\n');
    await writeFile(path.join(dir, 'pkg/deps/d.wat'), D_PACKAGE_WAT);
    await writeFile(path.join(dir, 'd.wat'), D_PACKAGE_WAT);
    await writeFile(path.join(dir, 'bad.wat'), '(component\n  (type (instance (export "x" (func (type 9)))))\n  oops\n)\n');
  });

  it('a deps/ package given as WebAssembly text (.wat) resolves like a .wasm one', async () => {
    const r = await weld(['-o', 'json', 'wit', 'json', 'pkg']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.packages.map((p: { name: string }) => p.name)).toEqual(['d:d', 'a:a']);
    const d = json.interfaces.find((i: { name: string }) => i.name === 'd');
    expect(Object.keys(d.functions)).toEqual(['twice']);
    expect(json.worlds[0].imports).toHaveProperty('interface-0');
  });

  it('a .wat file is a WIT package by itself', async () => {
    const r = await weld(['wit', 'check', 'd.wat']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ok: d:d (1 interfaces, 0 worlds');
  });

  it('a .wasm WIT package or component is read through the binary decoder', async () => {
    const built = await weld(['wit', 'build', path.join(POLYGLOT, 'calc/wit'), '--out', 'calc-pkg.wasm']);
    expect(built.code, built.stderr).toBe(0);
    const pkg = await weld(['wit', 'check', 'calc-pkg.wasm']);
    expect(pkg.code, pkg.stderr).toBe(0);
    expect(pkg.stdout).toContain('ok: demo:calc@0.1.0');
    const component = await weld(['-o', 'json', 'wit', 'check', polyglotComponent('calc')]);
    expect(component.code, component.stderr).toBe(0);
    expect(JSON.parse(component.stdout).package).toBe('root:component');
  });

  it('wit extract prints WIT text, a .wat package or a folder as `wasm-tools component wit` does, features included', async () => {
    await writeFile(path.join(dir, 'gated.wit'), 'package a:g;\n\ninterface i {\n  @unstable(feature = fancy)\n  f: func();\n  g: func();\n}\n');
    const plain = await weld(['wit', 'extract', 'gated.wit']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('g: func();');
    expect(plain.stdout).not.toContain('f: func();');
    const fancy = await weld(['wit', 'extract', 'gated.wit', '--features', 'fancy']);
    expect(fancy.stdout).toContain('@unstable(feature = fancy)\n  f: func();');
    const all = await weld(['wit', 'extract', 'gated.wit', '--all-features']);
    expect(all.stdout).toContain('f: func();');
    const wat = await weld(['wit', 'extract', 'd.wat']);
    expect(wat.code, wat.stderr).toBe(0);
    expect(wat.stdout).toContain('package d:d;');
    expect(wat.stdout).toContain('twice: func(x: u32) -> u32;');
    const folder = await weld(['wit', 'extract', 'pkg', '--root-only']);
    expect(folder.stdout).toContain('package a:a;');
    expect(folder.stdout).not.toContain('package d:d');
  });

  it('a syntax error in a .wat input is reported at file:line:col with a caret, exit 2', async () => {
    const r = await weld(['wit', 'check', 'bad.wat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.wat:3:3: /);
    expect(r.stderr).toContain('^');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
