/**
 * Golden corpus: every case under corpus/valid resolves to the JSON in its `.wit.json` golden and
 * survives print → parse unchanged; every case under corpus/invalid fails with the code and
 * rendered message in its `.err` golden. Regenerate goldens with `vitest -u` and review the diff.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WitError, canonicalModel, printResolve, resolveSource, toJSONString } from '../src/index.js';
import { resolvePath } from '../src/node.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const validDir = join(here, 'corpus', 'valid');
const invalidDir = join(here, 'corpus', 'invalid');

function cases(dir: string): string[] {
  return readdirSync(dir).filter((n) => !n.endsWith('.json') && !n.endsWith('.err')).sort();
}

const FEATURES = { features: ['active'] };
/** options for a case: `all-features-*` cases resolve with every `@unstable` feature enabled */
const optionsFor = (name: string) => (name.startsWith('all-features') ? { allFeatures: true } : FEATURES);

describe('valid WIT', () => {
  for (const name of cases(validDir)) {
    const path = join(validDir, name);
    const golden = join(validDir, `${name.replace(/\.wit$/, '')}.wit.json`);
    it(`${name} resolves to its golden JSON`, async () => {
      const { resolve } = resolvePath(path, optionsFor(name));
      await expect(toJSONString(resolve) + '\n').toMatchFileSnapshot(golden);
    });
    it(`${name} round-trips through the printer`, () => {
      const { resolve, package: pkg } = resolvePath(path, optionsFor(name));
      const printed = printResolve(resolve, pkg);
      const again = resolveSource(printed, 'printed.wit', optionsFor(name));
      expect(printResolve(again.resolve, again.package)).toBe(printed);
      expect(canonicalModel(again.resolve)).toEqual(canonicalModel(resolve));
    });
  }
});

describe('invalid WIT', () => {
  for (const name of cases(invalidDir)) {
    const path = join(invalidDir, name);
    it(`${name} fails with its golden error`, async () => {
      let error: unknown;
      try {
        resolvePath(path, optionsFor(name));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WitError);
      const w = error as WitError;
      const text = `[${w.code}] ${w.render()}${w.hint ? `\nhint: ${w.hint}` : ''}\n`.split(invalidDir + '/').join('');
      await expect(text).toMatchFileSnapshot(join(invalidDir, `${name.replace(/\.wit$/, '')}.err`));
    });
  }
});
