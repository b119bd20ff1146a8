import { describe, expect, it } from 'vitest';
import { resolveSource, type Resolve, type Type } from '@weld/wit-tools';
import { jsToWave, parseWaveCall, parseWaveValue, waveToJs } from '@weld/runner';

const { resolve, package: pkg } = resolveSource(`
package test:wave;
interface types {
  record point { x: s32, y: s32, label: option<string> }
  record empty {}
  variant shape { circle(f64), square(point), none-yet }
  enum color { red, green, ok }
  flags perms { read, write, exec-all }
  type alias = list<point>;
  f: func(
    a: bool, b: u8, c: s8, d: u64, e: s64, f: f32, g: f64, h: char, i: string,
    j: list<u8>, k: list<string>, l: tuple<u32, string>, m: point, n: shape, o: color, p: perms,
    q: option<u32>, r: option<option<u32>>, s: result<u32, string>, t: result<_, string>, u: result, v: alias, w: empty,
  );
}
`);
const iface = resolve.packages[pkg]!.interfaces.get('types')!;
const params = new Map(resolve.interfaces[iface]!.functions.get('f')!.params.map((p) => [p.name, p.type]));
const type = (name: string): Type => params.get(name)!;

function toJs(name: string, text: string): unknown {
  return waveToJs(resolve as Resolve, type(name), parseWaveValue(text), text);
}
function roundTrip(name: string, text: string): string {
  return jsToWave(resolve, type(name), toJs(name, text));
}

describe('WAVE values', () => {
  it('reads primitives into jco representations, with range and type checks', () => {
    expect(toJs('a', 'true')).toBe(true);
    expect(toJs('b', '255')).toBe(255);
    expect(() => toJs('b', '256')).toThrow(/256 is out of range for u8 \(0\.\.255\)/);
    expect(toJs('c', '-128')).toBe(-128);
    expect(toJs('d', '18446744073709551615')).toBe(18446744073709551615n);
    expect(toJs('e', '-9223372036854775808')).toBe(-9223372036854775808n);
    expect(() => toJs('d', '1.5')).toThrow(/expected an integer of type u64, found 1\.5/);
    expect(toJs('f', '0.1')).toBe(Math.fround(0.1));
    expect(toJs('g', '-inf')).toBe(-Infinity);
    expect(Number.isNaN(toJs('g', 'nan'))).toBe(true);
    expect(toJs('h', "'☃'")).toBe('☃');
    expect(toJs('h', "'\\u{1F600}'")).toBe('😀');
    expect(toJs('i', '"tab\\there \\"q\\" \\u{41}"')).toBe('tab\there "q" A');
    expect(() => toJs('i', '42')).toThrow(/expected a value of type string, found the number 42/);
    expect(() => toJs('h', "'ab'")).toThrow(/a char holds exactly one character/);
  });

  it('reads compound values: typed arrays, records with omitted options, variants, enums, flags', () => {
    expect(toJs('j', '[1, 2, 255]')).toEqual(new Uint8Array([1, 2, 255]));
    expect(toJs('k', '["a", "b",]')).toEqual(['a', 'b']);
    expect(toJs('l', '(7, "x")')).toEqual([7, 'x']);
    expect(toJs('m', '{y: 2, x: 1}')).toEqual({ x: 1, y: 2, label: undefined });
    expect(() => toJs('m', '{x: 1}')).toThrow(/missing field y of point/);
    expect(() => toJs('m', '{x: 1, y: 2, z: 3}')).toThrow(/point has no field z/);
    expect(toJs('n', 'circle(1.5)')).toEqual({ tag: 'circle', val: 1.5 });
    expect(toJs('n', 'none-yet')).toEqual({ tag: 'none-yet', val: undefined });
    expect(() => toJs('n', 'circle')).toThrow(/case circle of shape needs a payload/);
    expect(toJs('o', '%ok')).toBe('ok');
    expect(() => toJs('o', 'blue')).toThrow(/color has no case blue \(cases: red, green, ok\)/);
    expect(toJs('p', '{read, exec-all}')).toEqual({ read: true, write: false, execAll: true });
    expect(toJs('p', '{}')).toEqual({ read: false, write: false, execAll: false });
    expect(toJs('w', '{:}')).toEqual({});
    expect(toJs('v', '[{x: 1, y: 2, label: some("p")}]')).toEqual([{ x: 1, y: 2, label: 'p' }]);
  });

  it('reads options and results in variant and flat form', () => {
    expect(toJs('q', 'none')).toBeUndefined();
    expect(toJs('q', 'some(3)')).toBe(3);
    expect(toJs('q', '3')).toBe(3);
    expect(toJs('r', 'some(none)')).toEqual({ tag: 'some', val: undefined });
    expect(toJs('r', 'none')).toEqual({ tag: 'none' });
    expect(() => toJs('r', '3')).toThrow(/expected a value of type option<option<u32>>/);
    expect(toJs('s', '5')).toEqual({ tag: 'ok', val: 5 });
    expect(toJs('s', 'err("no")')).toEqual({ tag: 'err', val: 'no' });
    expect(toJs('t', 'ok')).toEqual({ tag: 'ok', val: undefined });
    expect(() => toJs('u', 'err(1)')).toThrow(/err of result<_, _> has no payload/);
  });

  it('prints what it reads in canonical WAVE', () => {
    expect(roundTrip('f', '0.1')).toBe('0.1');
    expect(roundTrip('g', '6.022e+23')).toBe('6.022e+23');
    expect(roundTrip('i', '"a\\nb\\\\"')).toBe('"a\\nb\\\\"');
    expect(roundTrip('h', "'\\''")).toBe("'\\''");
    expect(roundTrip('m', '{y: 2, x: 1}')).toBe('{x: 1, y: 2, label: none}');
    expect(roundTrip('n', 'square({x: 1, y: 2, label: some("s")})')).toBe('square({x: 1, y: 2, label: some("s")})');
    expect(roundTrip('o', '%ok')).toBe('%ok');
    expect(roundTrip('p', '{exec-all, read}')).toBe('{read, exec-all}');
    expect(roundTrip('q', '3')).toBe('some(3)');
    expect(roundTrip('r', 'some(none)')).toBe('some(none)');
    expect(roundTrip('s', '5')).toBe('ok(5)');
    expect(roundTrip('j', '[1, 2]')).toBe('[1, 2]');
    expect(roundTrip('w', '{:}')).toBe('{:}');
  });

  it('parses calls and reports syntax errors with a column and caret', () => {
    expect(parseWaveCall('demo:calc/calc@0.1.0#greet("x")')).toMatchObject({ target: 'demo:calc/calc@0.1.0#greet', args: [{ kind: 'string', value: 'x' }] });
    expect(parseWaveCall(' calc.add( 1 , -2 , ) // sum').args).toHaveLength(2);
    const err = (() => {
      try {
        parseWaveCall('calc.add(1 2)');
      } catch (e) {
        return e as { code: string; message: string; detail: string };
      }
    })();
    expect(err).toMatchObject({ code: 'wave-invalid' });
    expect(err!.message).toBe("expected ',' or ')', found '2' (column 12)");
    expect(err!.detail).toBe('  calc.add(1 2)\n             ^');
    expect(() => parseWaveCall('calc.add')).toThrow(/expected '\(' and the arguments/);
    expect(() => parseWaveValue('"open')).toThrow(/unterminated string/);
  });
});
