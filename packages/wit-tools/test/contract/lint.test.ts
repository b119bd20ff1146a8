/**
 * Lint cases as data: each folder under lint/ holds wit/ and case.json (the weld.yaml `lint:` config and the rules
 * expected to fire, hand-written). problems.txt is the golden of every problem; for cases with fixes, fixed.wit is
 * the golden of `--fix`, which must still resolve and must not report the fixed problems again.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyEdits, lintWit, readPackageDir, resolveFiles, type LintConfig } from '../../src/index.js';

const root = fileURLToPath(new URL('./lint/', import.meta.url));

describe('weld wit lint cases', () => {
  for (const name of readdirSync(root).sort()) {
    it(name, async () => {
      const dir = join(root, name);
      const expected = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { config: LintConfig; rules: string[] };
      const wit = join(dir, 'wit');
      const files = readPackageDir(wit);
      const deps = existsSync(join(wit, 'deps')) ? readdirSync(join(wit, 'deps')).filter((f) => f.endsWith('.wit')).map((f) => [{ path: join(wit, 'deps', f), text: readFileSync(join(wit, 'deps', f), 'utf8') }]) : [];
      const resolved = (fs: typeof files) => {
        try {
          return resolveFiles(fs, deps);
        } catch {
          return undefined; // lint still runs on WIT that does not resolve (e.g. an unversioned reference)
        }
      };
      const lint = (fs: typeof files) => lintWit(fs, { config: expected.config, resolved: resolved(fs), deps });
      const report = lint(files);
      expect(report.problems.map((p) => p.rule).sort()).toEqual(expected.rules);
      const text = report.problems.map((p) => `${relative(dir, p.location.path)}:${p.location.line}:${p.location.col} ${p.level} ${p.rule}${p.fix ? ' (fixable)' : ''}: ${p.message}`);
      await expect(text.join('\n') + '\n').toMatchFileSnapshot(join(dir, 'problems.txt'));
      const edits = report.problems.flatMap((p) => p.fix ?? []);
      if (edits.length === 0) return;
      // --fix round trip: apply until nothing changes (overlapping edits wait for the next pass)
      let current = files;
      for (let pass = 0; pass < 5; pass++) {
        const again = lint(current);
        const fixed = applyEdits(current, again.problems.flatMap((p) => p.fix ?? []));
        if (fixed.length === 0) break;
        current = current.map((f) => fixed.find((x) => x.path === f.path) ?? f);
      }
      await expect(current.map((f) => f.text).join('\n')).toMatchFileSnapshot(join(dir, 'fixed.wit'));
      expect(() => resolveFiles(current, deps)).not.toThrow();
      const after = lint(current);
      expect(after.problems.filter((p) => p.fix)).toEqual([]);
    });
  }
});
