import { parse } from '@bytecodealliance/jco';
import { printPackage, resolveSource } from '@weld/wit-tools';
import { describe, expect, it } from 'vitest';
import { encodeWitPackage, extractWit, validateComponent } from '../src/index.js';

function decodedPackage(wit: string) {
  const { resolve, package: pkg } = resolveSource(wit, 'decode.wit');
  const back = extractWit(encodeWitPackage(resolve, pkg));
  if (back.kind !== 'package') throw new Error('not a package');
  return { text: printPackage(resolve, pkg), back, decoded: printPackage(back.resolve, back.package) };
}

describe('decoding binary WIT packages', () => {
  it("puts a world's inline interfaces in the world's package, so their `use`s print as local paths", () => {
    const { text, back, decoded } = decodedPackage(`package t:inline;
interface shared { enum e { a } }
world w {
  import shared;
  import x: interface { use shared.{e}; }
}
`);
    expect(decoded).toBe(text);
    expect(decoded).toContain('    use shared.{e};');
    const inline = back.resolve.interfaces.find((i) => i.name === undefined)!;
    expect(inline.package).toBe(back.package);
  });
});

describe('the decoded model', () => {
  it('holds each type and interface once', () => {
    const { back } = decodedPackage('package t:once;\ninterface i { type t = u32; record r { a: t } f: func(x: r); }\n');
    expect(back.resolve.interfaces.length).toBe(1);
    expect(back.resolve.types.map((t) => t.name)).toEqual(['t', 'r']);
  });
});

describe('external ids', () => {
  it('survive the binary on interface functions and types, world items and inline interfaces', () => {
    const { text, decoded } = decodedPackage(`package t:ext;
interface i {
  @external-id("ext:t")
  type t = u32;
  @external-id("ext:f")
  f: func();
}
world w {
  @external-id("ext:i")
  import i;
  @external-id("ext:g")
  import g: func();
  export x: interface {
    @external-id("inner")
    h: func();
  }
}
`);
    expect(decoded).toBe(text);
    for (const id of ['ext:t', 'ext:f', 'ext:i', 'ext:g', 'inner']) expect(decoded).toContain(`@external-id("${id}")`);
  });
});

describe('extracting the WIT of a component', () => {
  it('accepts every proposal (as wit-component does): a threading builtin does not stop extraction', async () => {
    const bytes = await parse('(component (core func (canon context.get i32 1)) (import "f" (func)))');
    expect(validateComponent(bytes).valid).toBe(false); // slot 1 needs cm-threading, which validation does not enable
    const x = extractWit(bytes);
    expect(x.kind === 'component' && printPackage(x.resolve, x.resolve.worlds[x.world]!.package!)).toContain('import f: func();');
  });
});

describe('which interface a re-exported type is a `use` of', () => {
  it('the latest interface that names the type, as wit-parser maps a type to its last registration', async () => {
    // a resource exported by foo:bar/a, re-exported by foo:bar/b (through b's import of it), then used by `later`
    const bytes = await parse(`(component
      (type $r (resource (rep i32)))
      (component $shim (import "r-in" (type (sub resource))) (export "r" (type 0)))
      (instance $a (instantiate $shim (with "r-in" (type $r))))
      (export $ea "foo:bar/a" (instance $a))
      (alias export $ea "r" (type $ar))
      (instance $b (instantiate $shim (with "r-in" (type $ar))))
      (export $eb "foo:bar/b" (instance $b))
      (alias export $eb "r" (type $br))
      (instance $later (instantiate $shim (with "r-in" (type $br))))
      (export "later" (instance $later))
    )`);
    const x = extractWit(bytes);
    if (x.kind !== 'component') throw new Error('not a component');
    const text = printPackage(x.resolve, x.resolve.worlds[x.world]!.package!);
    expect(text).toContain('  export later: interface {\n    use foo:bar/b.{r};\n  }');
  });
});
