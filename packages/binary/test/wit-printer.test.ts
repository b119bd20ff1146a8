import { printPackage, printResolve, resolveSource } from '@weld/wit-tools';
import { describe, expect, it } from 'vitest';
import { encodeWitPackage, extractWit } from '../src/index.js';

/** Prints `wit`'s package from the text and again after a trip through the binary encoding; both must agree. */
function printBoth(wit: string, options: Parameters<typeof printPackage>[2] = {}): string {
  const { resolve, package: pkg } = resolveSource(wit, 'test.wit');
  const text = printPackage(resolve, pkg, options);
  const back = extractWit(encodeWitPackage(resolve, pkg));
  if (back.kind !== 'package') throw new Error('not a package');
  expect(printPackage(back.resolve, back.package, options)).toBe(text);
  return text;
}

describe("the printer lays out packages like wit-component's WitPrinter", () => {
  it('puts a blank line after every interface of the main package, none between worlds', () => {
    const text = printBoth('package t:layout;\ninterface a { f: func(); }\ninterface b {}\nworld w1 { import a; }\nworld w2 { export b; }\n');
    expect(text).toBe(`package t:layout;

interface a {
  f: func();
}

interface b {
}

world w1 {
  import a;
}
world w2 {
  export b;
}
`);
  });

  it('ends with a blank line when the package has only interfaces', () => {
    expect(printBoth('package t:only;\ninterface a {}\n')).toBe('package t:only;\n\ninterface a {\n}\n\n');
  });

  it('prints nested packages without blank lines between their items, two blank lines between packages', () => {
    const wit = `package t:main;
world w { import x:one/i; import x:two/j; }
package x:one { interface i {} interface k {} }
package x:two { interface j {} }
`;
    const { resolve, package: pkg } = resolveSource(wit, 'nested.wit');
    expect(printResolve(resolve, pkg)).toBe(`package t:main;

world w {
  import x:one/i;
  import x:two/j;
}
package x:one {
  interface i {
  }
  interface k {
  }
}


package x:two {
  interface j {
  }
}
`);
  });

  it('keeps the file layout for formatting: one blank line between all items and none at the end', () => {
    const { resolve, package: pkg } = resolveSource('package t:fmt;\ninterface a {}\nworld w1 {}\nworld w2 {}\n', 'fmt.wit');
    expect(printPackage(resolve, pkg, { layout: 'file' })).toBe('package t:fmt;\n\ninterface a {\n}\n\nworld w1 {\n}\n\nworld w2 {\n}\n');
  });

  it('prints docs line by line as `///`, with an empty line as a bare `///`', () => {
    const text = printBoth(`package t:docs;
/// first
///
/// third
interface a {}
`);
    expect(text).toContain('/// first\n///\n/// third\ninterface a {');
  });

  it("splits docs like Rust's `lines()`: a `\\r` before a newline is dropped, a final newline adds no line", () => {
    const { resolve, package: pkg } = resolveSource('package t:crlf;\ninterface a {}\n', 'crlf.wit');
    resolve.interfaces[0]!.docs = 'from a binary\r\nwritten on Windows\n';
    expect(printPackage(resolve, pkg)).toContain('/// from a binary\n/// written on Windows\ninterface a {');
  });
});
