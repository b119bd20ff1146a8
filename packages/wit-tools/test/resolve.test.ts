import { describe, expect, it } from 'vitest';
import { WitError, resolveSource, toJSON } from '../src/index.js';

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
