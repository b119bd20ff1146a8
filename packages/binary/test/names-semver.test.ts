import { describe, expect, it } from 'vitest';
import { parseExternName, semverProblem } from '../src/validate/names.js';

describe('semver in names, in the words of the semver crate (which wasmparser reports)', () => {
  const cases: [string, string | undefined][] = [
    ['1.2.3', undefined],
    ['0.0.0-abcd.1.2+efg.4.ee.5', undefined],
    ['', 'empty string, expected a semver version'],
    ['.', "unexpected character '.' while parsing major version number"],
    ['1.', 'unexpected end of input while parsing minor version number'],
    ['a.2', "unexpected character 'a' while parsing major version number"],
    ['2.b', "unexpected character 'b' while parsing minor version number"],
    ['2.0x0', "unexpected character 'x' after minor version number"],
    ['2.0.0+', 'empty identifier segment in build metadata'],
    ['2.0.0-', 'empty identifier segment in pre-release identifier'],
    ['01.0.0', 'invalid leading zero in major version number'],
    ['1.0.0-01', 'invalid leading zero in pre-release identifier'],
    ['1.0.0-a..b', 'empty identifier segment in pre-release identifier'],
    ['18446744073709551616.0.0', 'value of major version number exceeds u64::MAX'],
    ['1.0.0 ', "unexpected character ' ' after patch version number"],
  ];
  for (const [text, want] of cases) it(JSON.stringify(text), () => expect(semverProblem(text)).toBe(want));

  it('version ranges of unlocked dependencies follow wasmparser', () => {
    expect(() => parseExternName('unlocked-dep=<a:a@{>=1.2.3 <2.0.0}>')).not.toThrow();
    expect(() => parseExternName('unlocked-dep=<a:a@{xyz}>')).toThrow('expected `>=` or `<` at start of version range');
    expect(() => parseExternName('unlocked-dep=<a:a@{<xyz}>')).toThrow('`xyz` is not a valid semver');
    expect(() => parseExternName('unlocked-dep=<a:a@{>=1.2.3 >=2.3.4}>')).toThrow('expected `<` at start of version range upper bounds');
  });
});
