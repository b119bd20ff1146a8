import { isWeldError, printPackage, resolveSource, type Resolve } from '@weld/wit-tools';
import { describe, expect, it } from 'vitest';
import { mergeResolve } from '../src/index.js';

const resolve = (wit: string) => resolveSource(wit, 'merge.wit');

/** Merges `from` into `into` and returns the merged resolve and the printed package `name`. */
function merge(intoWit: string, fromWit: string): { r: Resolve; print: (name: string) => string } {
  const into = resolve(intoWit);
  const from = resolve(fromWit);
  mergeResolve(into.resolve, from.resolve, from.package);
  return { r: into.resolve, print: (name) => printPackage(into.resolve, into.resolve.packageNames.get(name)!) };
}

function mergeError(intoWit: string, fromWit: string): { code: string; message: string } {
  try {
    merge(intoWit, fromWit);
  } catch (e) {
    if (isWeldError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('merged fine');
}

describe("mergeResolve follows wit-parser's Resolve::merge", () => {
  it('unions the functions and types of an interface both sides have, in either direction', () => {
    const a = 'package t:m;\ninterface i { type x = u8; f: func(); }\n';
    const b = 'package t:m;\ninterface i { type y = u16; g: func(); }\n';
    expect(merge(a, b).print('t:m')).toBe('package t:m;\n\ninterface i {\n  type x = u8;\n\n  type y = u16;\n\n  f: func();\n\n  g: func();\n}\n\n');
    expect(merge(b, a).print('t:m')).toBe('package t:m;\n\ninterface i {\n  type y = u16;\n\n  type x = u8;\n\n  g: func();\n\n  f: func();\n}\n\n');
  });

  it('reuses a world both sides have instead of adding a second copy', () => {
    const wit = 'package t:w;\ninterface i { f: func(); }\nworld w { import i; }\n';
    const { r } = merge(wit, wit);
    expect(r.worlds.length).toBe(1);
    expect(r.interfaces.length).toBe(1);
  });

  it('rejects worlds that differ, naming the package, the world and the item', () => {
    const into = 'package t:w;\ninterface i {}\nworld w { import i; }\n';
    const from = 'package t:w;\ninterface i {}\nworld w { export i; }\n';
    expect(mergeError(into, from)).toEqual({
      code: 'wit-package',
      message: 'failed to merge package `t:w` into existing copy: failed to merge world `w`: world contains different number of imports than expected',
    });
    const named = mergeError('package t:w;\nworld w { import a: func(); }\n', 'package t:w;\nworld w { import b: func(); }\n');
    expect(named.message).toBe('failed to merge package `t:w` into existing copy: failed to merge world `w`: import `b` not found in target world');
  });

  it('rejects a function both sides have with different parameters', () => {
    const e = mergeError('package t:f;\ninterface i { f: func(a: u8); }\n', 'package t:f;\ninterface i { f: func(a: u16); }\n');
    expect(e.message).toBe(
      'failed to merge package `t:f` into existing copy: failed to merge interface `i`: mismatch in function `f`: different function parameter types for `a`: different kinds of types',
    );
  });

  it('fills in a gate the other side lacks, and rejects two different gates', () => {
    const gated = 'package t:g@1.0.0;\n@since(version = 1.0.0)\ninterface i { f: func(); }\n';
    const plain = 'package t:g@1.0.0;\ninterface i { f: func(); }\n';
    expect(merge(plain, gated).print('t:g@1.0.0')).toContain('@since(version = 1.0.0)\ninterface i {');
    const other = 'package t:g@1.0.0;\n@since(version = 0.9.0)\ninterface i { f: func(); }\n';
    expect(mergeError(gated, other).code).toBe('wit-gate');
  });
});
