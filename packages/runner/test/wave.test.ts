import { renderError } from '@weld/core';
import { describe, expect, it } from 'vitest';
import { resolveSource, type Resolve, type Type } from '@weld/wit-tools';
import { WaveError, jsToWave, parseWaveCall, parseWaveValue, waveErrorText, waveToJs } from '@weld/runner';

const { resolve, package: pkg } = resolveSource(`
package test:wave;
interface types {
  record point { x: s32, y: s32, label: option<string> }
  record empty {}
  variant shape { circle(f64), square(point), none-yet, none, some(u8) }
  enum color { red, green, ok }
  record opts { a: option<u8>, b: option<option<u8>> }
  flags perms { read, write, exec-all }
  type alias = list<point>;
  f: func(
    a: bool, b: u8, c: s8, d: u64, e: s64, f: f32, g: f64, h: char, i: string,
    j: list<u8>, k: list<string>, l: tuple<u32, string>, m: point, n: shape, o: color, p: perms,
    q: option<u32>, r: option<option<u32>>, s: result<u32, string>, t: result<_, string>, u: result, v: alias, w: empty,
    x: opts, y: option<shape>, z: list<list<u8>>,
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
    expect(() => toJs('b', '256')).toThrow(/^invalid value: 256 is out of range for u8 \(0\.\.255\) \(column 1\)$/);
    expect(() => toJs('b', '-0')).toThrow(/expected an unsigned integer of type u8, found -0/);
    expect(toJs('c', '-0')).toBe(0);
    expect(toJs('c', '-128')).toBe(-128);
    expect(toJs('d', '18446744073709551615')).toBe(18446744073709551615n);
    expect(toJs('e', '-9223372036854775808')).toBe(-9223372036854775808n);
    expect(() => toJs('d', '1.5')).toThrow(/expected an unsigned integer of type u64, found 1\.5/);
    expect(() => toJs('e', 'inf')).toThrow(/expected an integer of type s64, found inf/);
    expect(toJs('f', '0.1')).toBe(Math.fround(0.1));
    expect(toJs('g', '-inf')).toBe(-Infinity);
    expect(Number.isNaN(toJs('g', 'nan'))).toBe(true);
    expect(toJs('h', "'☃'")).toBe('☃');
    expect(toJs('h', "'\\u{1F600}'")).toBe('😀');
    expect(toJs('i', '"tab\\there \\"q\\" \\u{41}"')).toBe('tab\there "q" A');
    expect(() => toJs('i', '42')).toThrow(/expected a value of type string, found the number 42/);
    expect(() => toJs('h', "'ab'")).toThrow(/a char holds exactly one character/);
    expect(() => toJs('a', '%true')).toThrow(/expected a value of type bool, found true/);
  });

  it('reads compound values: typed arrays, records with omitted options, variants, enums, flags', () => {
    expect(toJs('j', '[1, 2, 255]')).toEqual(new Uint8Array([1, 2, 255]));
    expect(toJs('k', '["a", "b",]')).toEqual(['a', 'b']);
    expect(toJs('l', '(7, "x")')).toEqual([7, 'x']);
    expect(toJs('m', '{y: 2, x: 1}')).toEqual({ x: 1, y: 2, label: undefined });
    expect(() => toJs('m', '{x: 1}')).toThrow(/^missing field y of point \(column 1\)$/);
    expect(() => toJs('m', '{x: 1, y: 2, z: 3}')).toThrow(/^point has no field z \(fields: x, y, label\) \(column 14\)$/);
    expect(() => toJs('m', '{x: 1, y: 2, x: 3}')).toThrow(/^duplicate field: x is given twice \(column 14\)$/);
    expect(() => toJs('p', '{read, read}')).toThrow(/^duplicate flag: read is given twice/);
    expect(toJs('n', 'circle(1.5)')).toEqual({ tag: 'circle', val: 1.5 });
    expect(toJs('n', 'none-yet')).toEqual({ tag: 'none-yet', val: undefined });
    expect(() => toJs('n', 'circle')).toThrow(/case circle of shape needs a payload/);
    expect(toJs('o', '%ok')).toBe('ok');
    expect(() => toJs('o', 'blue')).toThrow(/color has no case blue \(cases: red, green, ok\)/);
    expect(toJs('p', '{read, exec-all}')).toEqual({ read: true, write: false, execAll: true });
    expect(toJs('p', '{}')).toEqual({ read: false, write: false, execAll: false });
    expect(toJs('w', '{:}')).toEqual({});
    expect(toJs('w', '{ : }')).toEqual({});
    expect(() => toJs('w', '{}')).toThrow(/expected a value of type empty, found flags/);
    expect(toJs('x', '{:}')).toEqual({ a: undefined, b: { tag: 'none' } });
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
    expect(() => toJs('u', 'err(1)')).toThrow(/case err of result<_, _> has no payload/);
    expect(() => toJs('s', 'ok')).toThrow(/case ok of result<u32, string> needs a payload/);
  });

  it('prints what it reads in canonical WAVE', () => {
    expect(roundTrip('f', '0.1')).toBe('0.1');
    expect(roundTrip('g', '6.022e+23')).toBe('602200000000000000000000');
    expect(roundTrip('i', '"a\\nb\\\\"')).toBe('"a\\nb\\\\"');
    expect(roundTrip('h', "'\\''")).toBe("'\\''");
    expect(roundTrip('m', '{y: 2, x: 1}')).toBe('{x: 1, y: 2}');
    expect(roundTrip('m', '{y: 2, x: 1, label: none}')).toBe('{x: 1, y: 2}');
    expect(roundTrip('n', 'square({x: 1, y: 2, label: some("s")})')).toBe('square({x: 1, y: 2, label: some("s")})');
    expect(roundTrip('o', '%ok')).toBe('%ok');
    expect(roundTrip('p', '{exec-all, read}')).toBe('{read, exec-all}');
    expect(roundTrip('q', '3')).toBe('some(3)');
    expect(roundTrip('r', 'some(none)')).toBe('some(none)');
    expect(roundTrip('s', '5')).toBe('ok(5)');
    expect(roundTrip('j', '[1, 2]')).toBe('[1, 2]');
    expect(roundTrip('w', '{:}')).toBe('{:}');
    expect(roundTrip('x', '{a: none, b: none}')).toBe('{:}');
    expect(roundTrip('x', '{b: some(none)}')).toBe('{b: some(none)}');
    expect(roundTrip('u', 'err')).toBe('err');
  });

  it('prints floats as Rust Display does: shortest round-trip digits, never an exponent', () => {
    const f64: Array<[string, string]> = [
      ['1e21', '1000000000000000000000'], ['1e-7', '0.0000001'], ['0.1', '0.1'], ['1.0', '1'], ['-0.0', '-0'], ['0', '0'],
      ['123.456', '123.456'], ['5e-324', `0.${'0'.repeat(323)}5`], ['1.7976931348623157e308', `17976931348623157${'0'.repeat(292)}`],
      ['nan', 'nan'], ['inf', 'inf'], ['-inf', '-inf'], ['1e400', 'inf'], ['0.30000000000000004', '0.30000000000000004'],
    ];
    for (const [input, printed] of f64) expect(roundTrip('g', input), input).toBe(printed);
    const f32: Array<[string, string]> = [
      ['0.1', '0.1'], ['1e-7', '0.0000001'], ['16777217', '16777216'], ['3.4028234664e38', '340282350000000000000000000000000000000'],
      ['3.4028234664e39', 'inf'], ['1.4012984643e-45', `0.${'0'.repeat(44)}1`], ['1.4012984643e-46', '0'], ['-0', '-0'],
      ['0.3', '0.3'], ['16777216.0', '16777216'], ['1.17549435e-38', '0.000000000000000000000000000000000000011754944'],
    ];
    for (const [input, printed] of f32) expect(roundTrip('f', input), input).toBe(printed);
    // Rounded once from the decimal, not through f64: this decimal lies just above an f32 midpoint.
    expect(toJs('f', '1.000000059604644775390625000000000000001')).toBe(1.0000001192092896);
    expect(toJs('f', '1.000000059604644775390625')).toBe(1);
  });

  it('printed floats read back to the same bits, and f64s use as few digits as JavaScript does', () => {
    const bits = new Uint32Array(2);
    const asF32 = new Float32Array(bits.buffer, 0, 1);
    const asF64 = new Float64Array(bits.buffer);
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 2000; i++) {
      bits[0] = next();
      bits[1] = next();
      const f = asF32[0]!;
      if (!Number.isNaN(f)) expect(toJs('f', jsToWave(resolve, type('f'), f))).toBe(f);
      const d = asF64[0]!;
      if (Number.isNaN(d)) continue;
      const printed = jsToWave(resolve, type('g'), d);
      expect(toJs('g', printed)).toBe(d);
      expect(printed.replace(/[-.]/g, '').replace(/^0+|0+$/g, '')).toBe(d.toExponential().replace(/e.*$/, '').replace(/[-.]/g, ''));
    }
  });

  it('escapes labels, chars and strings as wasm-wave does', () => {
    expect(toJs('n', '%none')).toEqual({ tag: 'none', val: undefined });
    expect(toJs('n', '%some(1)')).toEqual({ tag: 'some', val: 1 });
    expect(() => toJs('n', 'none')).toThrow(/expected a value of type shape, found none/);
    expect(() => toJs('n', 'some(1)')).toThrow(/expected a value of type shape, found some\(…\)/);
    expect(roundTrip('n', '%none')).toBe('%none');
    expect(roundTrip('y', '%none')).toBe('some(%none)');
    expect(roundTrip('y', 'none')).toBe('none');
    expect(roundTrip('y', '%some(2)')).toBe('some(%some(2))');
    expect(roundTrip('i', String.raw`"\u{0}\u{7f}\u{85}\u{a0}\u{200b}\u{301}é\u{1F30A}'\"\t\r"`)).toBe(String.raw`"\u{0}\u{7f}\u{85}\u{a0}\u{200b}\u{301}é🌊\'\"\t\r"`);
    expect(roundTrip('h', `'"'`)).toBe(String.raw`'\"'`);
    expect(roundTrip('h', String.raw`'\u{000041}'`)).toBe("'A'");
    expect(() => toJs('h', String.raw`'\u{D800}'`)).toThrow(/^invalid character escape/);
    expect(() => toJs('i', String.raw`"a\u{110000}"`)).toThrow(/^invalid character escape: invalid escape \\u\{110000\} \(column 3\)/);
    expect(toJs('i', '"""\n    two\n      lines\n    """')).toBe('two\n  lines');
  });

  it('refuses nesting deeper than 100 with a clean error, not a stack overflow', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    let caught: unknown;
    try {
      parseWaveValue(deep);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WaveError);
    expect(caught).toMatchObject({ code: 'wave-invalid', exit: 2, kind: 'nesting-too-deep' });
    expect((caught as Error).message).toBe('value nesting too deep: values nest at most 100 deep (column 100)');
    expect(toJs('z', '[[1], []]')).toEqual([new Uint8Array([1]), new Uint8Array([])]);
    const ninetyNine = '['.repeat(99) + ']'.repeat(99);
    expect(parseWaveValue(ninetyNine)).toMatchObject({ kind: 'list' });
  });

  it('parses calls and reports errors with wasm-wave kinds, a column and caret', () => {
    expect(parseWaveCall('demo:calc/calc@0.1.0#greet("x")')).toMatchObject({ target: 'demo:calc/calc@0.1.0#greet', args: [{ kind: 'string' }] });
    expect(parseWaveCall(' calc.add( 1 , -2 , ) // sum').args).toHaveLength(2);
    expect(parseWaveCall('f()')).toMatchObject({ target: 'f', args: [] });
    expect(parseWaveCall('f()').argsSpan).toBeUndefined();
    const text = 'calc.add(1 2)';
    let err: WaveError | undefined;
    try {
      parseWaveCall(text);
    } catch (e) {
      err = e as WaveError;
    }
    expect(err).toMatchObject({ code: 'wave-invalid', kind: 'unexpected-token' });
    expect(err!.message).toBe("unexpected token: expected ',' or ')', found a number (column 12)");
    expect(renderError(err!).split('\n').slice(1).join('\n')).toBe('  calc.add(1 2)\n             ^');
    expect(waveErrorText(err!, text)).toBe('unexpected token: Number at 11..12');
    expect(() => parseWaveCall('calc.add')).toThrow(/expected '\(' and the arguments/);
    expect(() => parseWaveValue('"open')).toThrow(/^invalid token: unterminated string/);
    expect(() => parseWaveValue('1 2')).toThrow(/^trailing characters after value: unexpected "2" after the value \(column 3\)$/);
    expect(() => parseWaveValue('{\n  a: 1,\n  a: 2}')).toThrow(/^duplicate field: a is given twice \(line 3, column 3\)$/);
    expect(() => parseWaveValue('()')).toThrow(/^empty tuple/);
  });
});
