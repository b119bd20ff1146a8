import { print } from '@bytecodealliance/jco';
import { resolveSource } from '@weld/wit-tools';
import { describe, expect, it } from 'vitest';
import { encodeWitPackage, extractWit } from '../src/index.js';

// The binary layout of wit-component's encoder (encoding/wit.rs, encoding/types.rs), checked on small packages of our
// own: which types are shared and in which order they are defined.

async function wat(wit: string): Promise<string> {
  const { resolve, package: pkg } = resolveSource(wit, 'layout.wit');
  const text = await print(encodeWitPackage(resolve, pkg, { processedBy: false }));
  return text.split('\n').map((l) => l.trim()).join('\n');
}

describe('binary WIT packages are laid out like wit-component writes them', () => {
  it('shares one function type between functions of one signature, and the own handle of a constructor with `-> r`', async () => {
    const text = await wat(`package t:share;
interface i {
  resource r { constructor(); }
  make: func() -> r;
  a: func();
  b: func();
}
`);
    expect(text).toContain(`(export (;0;) "r" (type (sub resource)))
(type (;1;) (own 0))
(type (;2;) (func (result 1)))
(export (;0;) "[constructor]r" (func (type 2)))
(export (;1;) "make" (func (type 2)))
(type (;3;) (func))
(export (;2;) "a" (func (type 3)))
(export (;3;) "b" (func (type 3)))`);
  });

  it('defines an anonymous type once per instance and shares it between signatures', async () => {
    const text = await wat(`package t:anon;
interface i {
  l1: func(x: list<u8>);
  l2: func(y: list<u8>) -> list<u8>;
}
`);
    expect(text).toContain(`(type (;0;) (list u8))
(type (;1;) (func (param "x" 0)))
(export (;0;) "l1" (func (type 1)))
(type (;2;) (func (param "y" 0) (result 0)))
(export (;1;) "l2" (func (type 2)))`);
  });

  it('orders resource functions before freestanding ones, by their resource', async () => {
    const text = await wat(`package t:order;
interface i {
  f: func();
  resource a { m: func(); }
  resource b { n: func(); }
}
`);
    const names = [...text.matchAll(/\(export \(;\d+;\) "([^"]+)" \(func/g)].map((m) => m[1]);
    expect(names).toEqual(['[method]a.m', '[method]b.n', 'f']);
  });

  it('imports a used interface with its types only, aliases the type out and back in', async () => {
    const text = await wat(`package t:uses;
interface i {
  type t = u32;
  f: func();
}
interface j {
  use i.{t};
  g: func(x: t);
}
`);
    expect(text).toContain(`(instance
(type (;0;) u32)
(export (;1;) "t" (type (eq 0)))
)
)
(import "t:uses/i" (instance (;0;) (type 0)))
(alias export 0 "t" (type (;1;)))
(type (;2;)
(instance
(alias outer 1 1 (type (;0;)))
(export (;1;) "t" (type (eq 0)))
(type (;2;) (func (param "x" 1)))`);
  });

  it('writes world types as imports and a plain-named import of a named interface with `implements`', async () => {
    const wit = `package t:w;
interface i { f: func(); }
world w {
  type w1 = u8;
  import primary: i;
}
`;
    const text = await wat(wit);
    expect(text).toContain('(import "primary" (implements "t:w/i") (instance (;0;) (type 0)))');
    expect(text).toContain('(type (;1;) u8)\n(import "w1" (type (;2;) (eq 1)))');
    const { resolve, package: pkg } = resolveSource(wit, 'w.wit');
    const back = extractWit(encodeWitPackage(resolve, pkg));
    if (back.kind !== 'package') throw new Error('not a package');
    const w = back.resolve.worlds[back.resolve.packages[back.package]!.worlds.get('w')!]!;
    const primary = w.imports.get('primary');
    expect(primary?.tag === 'interface' && back.resolve.interfaces[primary.id]!.name).toBe('i');
  });
});
