import { printPackage, resolveSource } from '@weld/wit-tools';
import { describe, expect, it } from 'vitest';
import { encodeWitPackage, extractWit } from '../src/index.js';

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
