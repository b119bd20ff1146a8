import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WitError, resolveSource, toJSON } from '../src/index.js';
import { resolveDir } from '../src/node.js';

describe('resolveSource', () => {
  it('resolves a package with an interface and a world', () => {
    const { resolve, package: pkg } = resolveSource(`package a:b@1.0.0;
interface i { type t = list<u32>; f: func(x: t) -> string; }
world w { export i; }`);
    expect(resolve.packages[pkg]!.name).toEqual({ namespace: 'a', name: 'b', version: '1.0.0' });
    const iface = resolve.interfaces[resolve.packages[pkg]!.interfaces.get('i')!]!;
    expect([...iface.functions.keys()]).toEqual(['f']);
    const json = toJSON(resolve) as { types: { name: string | null }[] };
    expect(json.types.map((t) => t.name)).toEqual(['t']);
  });

  it('reports unknown names with a caret snippet', () => {
    let err: unknown;
    try {
      resolveSource('package a:b;\ninterface i {\n  type t = nope;\n}\n', 'x.wit');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WitError);
    const w = err as WitError;
    expect(w.code).toBe('wit-unknown-name');
    expect(w.render()).toBe('type `nope` does not exist\n     --> x.wit:3:12\n      |\n    3 |   type t = nope;\n      |            ^---');
  });
});

describe('forbidden codepoints', () => {
  // the lexer checks comment bodies, strings and identifiers itself instead of a separate pass over the text
  const cases: [string, number, string][] = [
    ['line comment', 0x202e, 'package a:b;\n// x\u202ey\ninterface i {}\n'],
    ['block comment', 0x0b, 'package a:b;\n/* x\u000by */\ninterface i {}\n'],
    ['string', 0x2066, 'package a:b;\ninterface i {\n  @external-id("x\u2066")\n  f: func();\n}\n'],
    ['identifier', 0x149, 'package a:b;\ninterface i\u0149 {}\n'],
    ['between tokens', 0x7f, 'package a:b;\ninterface i \u007f{}\n'],
    ['before a later syntax error', 0x17b4, 'package a:b;\ninterface i {}}\n// \u17b4\n'],
  ];
  for (const [where, cp, text] of cases) {
    it(`rejects U+${cp.toString(16)} in a ${where} at its own position`, () => {
      let err: unknown;
      try {
        resolveSource(text, 'x.wit');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WitError);
      const w = err as WitError;
      expect(w.code).toBe('wit-syntax');
      expect(w.message).toContain(`\\u{${cp.toString(16)}}`);
      const line = text.slice(0, text.indexOf(String.fromCodePoint(cp))).split('\n').length;
      expect(w.render()).toContain(`x.wit:${line}:`);
    });
  }
});

describe('anonymous type interning', () => {
  it('shares equal anonymous types and keeps different ones apart', () => {
    const { resolve } = resolveSource(`package a:b;
interface i {
  f: func(a: list<u8, 4294967295>, b: list<u8, 4294967295>, c: list<u8, 4294967294>, d: list<u16, 4294967295>);
  g: func(a: result<u8>, b: result<_, u8>, c: result<u8, u8>, d: result<u8>, e: result);
  h: func(a: future<u8>, b: stream<u8>, c: future, d: stream, e: future<u8>, f: map<string, u8>, g: map<string, u8>);
}`);
    const iface = resolve.interfaces[0]!;
    const params = (name: string) => iface.functions.get(name)!.params.map((p) => p.type);
    const [fa, fb, fc, fd] = params('f');
    expect(fa).toBe(fb);
    expect(new Set([fa, fc, fd]).size).toBe(3);
    const [ga, gb, gc, gd, ge] = params('g');
    expect(ga).toBe(gd);
    expect(new Set([ga, gb, gc, ge]).size).toBe(4);
    const [ha, hb, hc, hd, he, hf, hg] = params('h');
    expect(ha).toBe(he);
    expect(hf).toBe(hg);
    expect(new Set([ha, hb, hc, hd, hf]).size).toBe(5);
  });
});

describe('resolveDir on a project root', () => {
  it('points at the wit/ folder when the folder itself holds no .wit files', () => {
    const root = mkdtempSync(join(tmpdir(), 'weld-wit-root-'));
    try {
      mkdirSync(join(root, 'wit'));
      writeFileSync(join(root, 'wit', 'w.wit'), 'package a:b;\nworld w {}\n');
      const err = (() => {
        try {
          resolveDir(root);
        } catch (e) {
          return e as WitError;
        }
      })();
      expect(err?.code).toBe('wit-package');
      expect(err?.hint).toContain(join(root, 'wit'));
      expect(resolveDir(join(root, 'wit')).resolve.packages).toHaveLength(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
