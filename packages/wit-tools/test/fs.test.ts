import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WitError, canonicalModel, parseGroup, pushGroups, registerWasmPackageDecoder, type WasmPackageDecoder } from '../src/index.js';
import { formatPath, resolveDir, resolvePath, writeFileAtomic } from '../src/node.js';

const tmp = mkdtempSync(join(tmpdir(), 'weld-wit-fs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function dir(name: string, files: Record<string, string | Uint8Array>): string {
  const root = join(tmp, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

// A stand-in for the binary codec: the "binary" holds WIT text after the wasm magic.
const textInWasm: WasmPackageDecoder = (bytes, path, into) => {
  const text = new TextDecoder().decode(bytes.subarray(8));
  return pushGroups(into, parseGroup(into, [{ path, text }]), []);
};
const wasmWith = (text: string) => new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, ...new TextEncoder().encode(text)]);

describe('deps/ with binary packages', () => {
  it('hands .wasm packages to the pluggable decoder before resolving text packages', () => {
    const root = dir('wasm-dep', {
      'root.wit': 'package a:app;\nworld w { import b:bin/api; }\n',
      'deps/bin.wasm': wasmWith('package b:bin;\ninterface api { f: func() -> u32; }\n'),
    });
    const { resolve, package: pkg } = resolveDir(root, { decodeWasmPackage: textInWasm });
    expect(resolve.packages.map((p) => `${p.name.namespace}:${p.name.name}`)).toEqual(['b:bin', 'a:app']);
    const w = resolve.worlds[resolve.packages[pkg]!.worlds.get('w')!]!;
    expect([...w.imports.keys()]).toEqual([resolve.packages[0]!.interfaces.get('api')]);
  });

  it('uses the registered decoder and explains when none is registered', () => {
    const root = dir('wasm-dep-2', {
      'root.wit': 'package a:app;\ninterface i { use b:bin/api.{t}; }\n',
      'deps/bin.wasm': wasmWith('package b:bin;\ninterface api { type t = u8; }\n'),
    });
    expect(() => resolveDir(root)).toThrow(/no wasm package decoder is registered/);
    registerWasmPackageDecoder(textInWasm);
    try {
      expect(resolveDir(root).resolve.packages).toHaveLength(2);
    } finally {
      registerWasmPackageDecoder(undefined);
    }
  });

  it('rejects a .wasm dependency that is not WebAssembly', () => {
    const root = dir('wasm-dep-bad', { 'root.wit': 'package a:app;\n', 'deps/x.wasm': 'not wasm' });
    expect(() => resolveDir(root, { decodeWasmPackage: textInWasm })).toThrow(WitError);
  });
});

describe('paths', () => {
  it('reports a missing path as no-such-file, with wasm-tools\' message', () => {
    try {
      resolvePath(join(tmp, 'nope'));
      expect.unreachable();
    } catch (e) {
      expect((e as WitError).code).toBe('no-such-file');
      expect((e as WitError).message).toContain(`failed to read path for WIT [${join(tmp, 'nope')}]`);
    }
  });
});

describe('formatPath', () => {
  it('formats each file of a multi-file package separately and keeps the meaning', () => {
    const root = dir('fmt-multi', {
      'a.wit': 'package t:fmt;\ninterface a{use b.{t};f:func(x:t)->t;}\n',
      'b.wit': '// types live here\ninterface b {   type t=u32;  }\n@unstable(feature = later)\ninterface c { g: func(); }\n',
      'deps/d/d.wit': 'package d:d;\ninterface x {}\n',
    });
    const before = canonicalModel(resolveDir(root, { allFeatures: true }).resolve);
    const out = formatPath(root);
    expect(out.map((f) => f.changed)).toEqual([true, true]);
    expect(out[0]!.formatted).toBe('package t:fmt;\n\ninterface a {\n  use b.{t};\n\n  f: func(x: t) -> t;\n}\n');
    expect(out[1]!.formatted).toBe('/// types live here\ninterface b {\n  type t = u32;\n}\n\n@unstable(feature = later)\ninterface c {\n  g: func();\n}\n');
    for (const f of out) writeFileAtomic(f.path, f.formatted);
    expect(canonicalModel(resolveDir(root, { allFeatures: true }).resolve)).toEqual(before);
    expect(formatPath(root).every((f) => !f.changed)).toBe(true);
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('formats a single file that refers to its siblings through its folder', () => {
    const root = dir('fmt-single', {
      'a.wit': 'package t:one;\ninterface a { use b.{t}; }\n',
      'b.wit': 'interface b{type t=u8;}\n',
    });
    const [b] = formatPath(join(root, 'b.wit'));
    expect(b!.formatted).toBe('interface b {\n  type t = u8;\n}\n');
    expect(readFileSync(join(root, 'b.wit'), 'utf8')).toBe('interface b{type t=u8;}\n');
  });

  it('keeps nested packages in the file that defines them', () => {
    const root = dir('fmt-nested', { 'x.wit': 'package t:x;\nworld w{import n:n/i;}\npackage n:n{interface i{}}\n' });
    const [x] = formatPath(join(root, 'x.wit'));
    expect(x!.formatted).toBe('package t:x;\n\nworld w {\n  import n:n/i;\n}\n\npackage n:n {\n  interface i {\n  }\n}\n');
  });
});
