/**
 * The WASI WIT that ships inside jco resolves: every package of 0.2.10, 0.2.12 and 0.3.0 with the
 * others as its deps, as in-memory files and as a deps/ folder on disk. For `wasi:http/proxy` the
 * elaborated world is checked against the world jco (wit-parser + wit-component in wasm) embeds.
 */
import { componentEmbed, componentNew, componentWit } from '@bytecodealliance/jco';
import { cpSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { interfaceIdString, printResolve, resolveFiles, resolveSource, toJSON, worldKeyName } from '../src/index.js';
import { resolveDir } from '../src/node.js';
import { JCO_WIT, singleSource, wasiPackages } from './wasi-helpers.js';

const VERSIONS = ['0.2.10', '0.2.12', '0.3.0'];

describe('jco bundled WASI WIT', () => {
  for (const version of VERSIONS) {
    const pkgs = wasiPackages(version);
    for (const main of pkgs) {
      it(`${version} ${main.name} resolves with the others as deps and round-trips`, () => {
        const { resolve, package: id } = resolveFiles(main.files, pkgs.filter((p) => p !== main).map((p) => p.files));
        expect(resolve.packages[id]!.name.version).toBe(version);
        const again = resolveSource(printResolve(resolve, id), 'printed.wit');
        expect(toJSON(again.resolve)).toBeTruthy();
        expect(printResolve(again.resolve, again.package)).toBe(printResolve(resolve, id));
      });
    }
  }

  const tmp = mkdtempSync(join(tmpdir(), 'weld-wasi-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('0.2.12 wasi:http resolves from a folder with deps/ and elaborates proxy like wit-parser', async () => {
    const root = join(tmp, 'http');
    mkdirSync(join(root, 'deps'), { recursive: true });
    cpSync(join(JCO_WIT, '0.2.12', 'wasi-http', 'package.wit'), join(root, 'package.wit'));
    for (const p of wasiPackages('0.2.12')) {
      if (p.name === 'wasi-http') continue;
      cpSync(dirname(p.files[0]!.path), join(root, 'deps', p.name.replace(/^wasi-/, '')), { recursive: true });
    }
    const { resolve, package: pkg } = resolveDir(root);
    const proxy = resolve.worlds[resolve.packages[pkg]!.worlds.get('proxy')!]!;
    const imports = [...proxy.imports.keys()].map((k) => worldKeyName(resolve, k));
    const exports = [...proxy.exports.keys()].map((k) => worldKeyName(resolve, k));
    expect(exports).toEqual(['wasi:http/incoming-handler@0.2.12']);
    // transitive imports come before the interfaces that use them (wit-parser's elaboration order)
    expect(imports.indexOf('wasi:io/error@0.2.12')).toBeLessThan(imports.indexOf('wasi:io/streams@0.2.12'));
    expect(imports.indexOf('wasi:io/streams@0.2.12')).toBeLessThan(imports.indexOf('wasi:http/types@0.2.12'));

    // the same world as jco embeds it, read back from the component
    const pkgs = wasiPackages('0.2.12');
    const source = singleSource(pkgs.find((p) => p.name === 'wasi-http')!, pkgs.filter((p) => p.name !== 'wasi-http'));
    const core = await componentEmbed({ dummy: true, witSource: source, world: 'wasi:http/proxy@0.2.12' });
    const wit = await componentWit(await componentNew(core));
    const jcoImports = [...wit.matchAll(/^\s*import (\S+);/gm)].map((m) => m[1]);
    const jcoExports = [...wit.matchAll(/^\s*export (\S+);/gm)].map((m) => m[1]);
    expect(imports).toEqual(jcoImports);
    expect(exports).toEqual(jcoExports);

    // a hand-checked sample of type shapes in wasi:http/types
    const types = resolve.interfaces[resolve.packages[pkg]!.interfaces.get('types')!]!;
    expect(interfaceIdString(resolve, resolve.packages[pkg]!.interfaces.get('types')!)).toBe('wasi:http/types@0.2.12');
    const method = resolve.types[types.types.get('method')!]!;
    expect(method.kind.tag).toBe('variant');
    const fields = resolve.types[types.types.get('fields')!]!;
    expect(fields.kind.tag).toBe('resource');
    const fieldsCtor = types.functions.get('[constructor]fields')!;
    expect(fieldsCtor.kind).toEqual({ tag: 'constructor', resource: types.types.get('fields')! });
    const inputStream = resolve.types[types.types.get('input-stream')!]!;
    expect(inputStream.kind.tag).toBe('type');
    const streams = resolve.packages[resolve.packageNames.get('wasi:io@0.2.12')!]!.interfaces.get('streams')!;
    expect(inputStream.kind).toEqual({ tag: 'type', type: resolve.interfaces[streams]!.types.get('input-stream')! });
  });
});
