import { describe, expect, it } from 'vitest';
import { bumpFor, madeBump, type Severity } from '../../src/index.js';

describe('bump rules', () => {
  // [old version, severity, bump needed]: 1.x follows semver, 0.m.p shifts one place, 0.0.p is always patch
  const needed: [string | undefined, Severity, string][] = [
    ['1.2.3', 'breaking', 'major'], ['1.2.3', 'additive', 'minor'], ['1.2.3', 'patch', 'patch'], ['1.2.3', 'none', 'none'],
    ['0.2.3', 'breaking', 'minor'], ['0.2.3', 'additive', 'patch'], ['0.2.3', 'patch', 'patch'],
    ['0.0.3', 'breaking', 'patch'], ['0.0.3', 'additive', 'patch'], ['0.0.3', 'patch', 'patch'],
    ['1.0.0-rc.1', 'breaking', 'major'], ['0.3.0-alpha', 'breaking', 'minor'], [undefined, 'breaking', 'major'],
  ];
  for (const [from, severity, bump] of needed) it(`${severity} change from ${from ?? 'no version'} needs ${bump}`, () => expect(bumpFor(severity, from)).toBe(bump));

  const made: [string, string, string][] = [
    ['1.2.3', '2.0.0', 'major'], ['1.2.3', '1.3.0', 'minor'], ['1.2.3', '1.2.4', 'patch'], ['1.2.3', '1.2.3', 'none'],
    ['1.2.3', '1.2.2', 'lower'], ['2.0.0', '1.9.9', 'lower'], ['1.0.0-rc.1', '1.0.0', 'patch'], ['1.0.0', '1.0.0-rc.1', 'lower'],
    ['0.2.0', '0.3.0', 'minor'], ['0.9.0', '1.0.0', 'major'],
  ];
  for (const [from, to, bump] of made) it(`${from} → ${to} is ${bump}`, () => expect(madeBump(from, to)).toBe(bump));
});
