/**
 * Breaking-change cases as data: each folder under breaking/ holds old/ and new/ WIT packages and case.json with
 * the hand-written expectation (finding codes, required bump, ok). findings.txt is the full golden (bump, code,
 * item, both locations, message), regenerated with `vitest -u` and reviewed. `make-cases.py` wrote the folders.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Finding, type Location, checkBreaking, resolvePath } from '../../src/index.js';

const root = fileURLToPath(new URL('./breaking/', import.meta.url));
const names = readdirSync(root).sort();

function at(l: Location | undefined, dir: string): string {
  if (!l) return '-';
  return `${relative(dir, l.path)}${l.line !== undefined ? `:${l.line}:${l.col}` : ''}`;
}

function line(f: Finding, dir: string): string {
  const tags = [f.unstable ? 'unstable' : '', f.via ? `via ${f.via}${f.reachedThrough ? ` from ${f.reachedThrough}` : ''}` : '', f.affects.length ? `breaks ${f.affects.join('+')}` : ''].filter(Boolean).join(', ');
  return `${f.bump.padEnd(5)} ${f.code} ${f.item} [${at(f.old, dir)} → ${at(f.new, dir)}]${tags ? ` (${tags})` : ''}\n      ${f.message}`;
}

describe('weld wit breaking cases', () => {
  it('has at least 80 cases', () => expect(names.length).toBeGreaterThanOrEqual(80));
  for (const name of names) {
    it(name, async () => {
      const dir = join(root, name);
      const expected = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { codes: string[]; requiredBump: string; ok: boolean };
      const report = checkBreaking(resolvePath(join(dir, 'old'), { allFeatures: true }), resolvePath(join(dir, 'new'), { allFeatures: true }));
      expect(report.findings.map((f) => f.code).sort()).toEqual(expected.codes);
      expect(report.requiredBump).toBe(expected.requiredBump);
      expect(report.ok).toBe(expected.ok);
      const text = [
        `required ${report.requiredBump}, made ${report.madeBump}, ok ${report.ok}: ${report.verdict}`,
        ...report.findings.map((f) => line(f, dir)),
      ].join('\n');
      await expect(text + '\n').toMatchFileSnapshot(join(dir, 'findings.txt'));
    });
  }
});
