import { parse } from '@bytecodealliance/jco';
import { packageNameString, resolveSource, WitError } from '@weld/wit-tools';
import { describe, expect, it } from 'vitest';
import { BinaryError, componentWorld, decodeComponent, extractWit, findWorld, witPackageFile } from '../src/index.js';

// Two packages of one resolve: the main one, and a dependency with a world of the same name in two versions.
const WIT = `package demo:app@1.0.0;
world app { export run: func(); }
world proxy { import log: func(msg: string); }

package wasi:http@0.2.0 { world proxy { export handle: func(); } }
package wasi:http@0.3.0 { world proxy { export handle: func(); export later: func(); } }
`;
const { resolve, package: main } = resolveSource(WIT, 'app.wit');
const nameOf = (w: number) => `${packageNameString(resolve.packages[resolve.worlds[w]!.package!]!.name)}/${resolve.worlds[w]!.name}`;

describe('findWorld', () => {
  it.each([
    ['app', 'demo:app@1.0.0/app'],
    ['proxy', 'demo:app@1.0.0/proxy'], // a bare name is the main package's
    ['demo:app/app', 'demo:app@1.0.0/app'],
    ['wasi:http@0.2.0/proxy', 'wasi:http@0.2.0/proxy'],
    ['wasi:http/proxy@0.3.0', 'wasi:http@0.3.0/proxy'], // WIT's own spelling, version after the world
    ['wasi:http/proxy', 'wasi:http@0.2.0/proxy'], // without a version: the first package of that name
  ])('%s is %s', (spec, want) => {
    expect(nameOf(findWorld(resolve, main, spec))).toBe(want);
  });

  it('names the worlds there are when none matches', () => {
    expect(() => findWorld(resolve, main, 'wasi:http@0.4.0/proxy')).toThrow(WitError);
    expect(() => findWorld(resolve, main, 'nope')).toThrow(
      'no world nope in the WIT (worlds: demo:app@1.0.0/app, demo:app@1.0.0/proxy, wasi:http@0.2.0/proxy, wasi:http@0.3.0/proxy)',
    );
  });

  it('refuses what is not a world name', () => {
    try {
      findWorld(resolve, main, 'a/b/c');
      expect.unreachable();
    } catch (e) {
      expect((e as WitError).code).toBe('wit-unknown-name');
      expect((e as WitError).message).toBe('"a/b/c" is not a world name (e.g. wasi:http/proxy@0.2.0)');
    }
  });
});

describe('witPackageFile', () => {
  it('encodes the package as binary WIT named like wkg, and the bytes read back as that package', () => {
    const single = resolveSource('package demo:greet@0.1.0;\ninterface hello { hi: func() -> string; }\n', 'greet.wit');
    const f = witPackageFile(single.resolve, single.package);
    expect(f.name).toBe('demo:greet@0.1.0');
    expect(f.fileName).toBe('demo:greet@0.1.0.wasm');
    const back = extractWit(f.bytes);
    expect(back.kind).toBe('package');
    expect(packageNameString(back.resolve.packages[back.package]!.name)).toBe('demo:greet@0.1.0');
  });
});

describe('componentWorld', () => {
  it('gives the world of a component', async () => {
    const x = componentWorld(await parse('(component (import "f" (func)))'));
    expect(x.kind).toBe('component');
    expect([...x.resolve.worlds[x.world]!.imports.keys()]).toEqual(['f']);
  });

  it('refuses a binary WIT package, naming the input', () => {
    const single = resolveSource('package demo:greet@0.1.0;\ninterface hello { hi: func(); }\n', 'greet.wit');
    const { bytes } = witPackageFile(single.resolve, single.package);
    expect(decodeComponent(bytes).sections.length).toBeGreaterThan(0);
    expect(() => componentWorld(bytes, 'greet.wasm')).toThrow(BinaryError);
    expect(() => componentWorld(bytes, 'greet.wasm')).toThrow('greet.wasm is a binary WIT package, not a component');
  });
});
