/**
 * The contract checks run in a browser (the web page calls them): everything `src/contract/index.ts` reaches,
 * through relative imports and workspace packages, imports no `node:` module and no file-reading module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const packages = fileURLToPath(new URL('../../../', import.meta.url));

function reachable(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
      const spec = m[1]!;
      if (/^import\s+type\s/.test(m[0]) || /^export\s+type\s/.test(m[0])) continue;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (spec === '@weld/core') visit(join(packages, 'core/src/index.ts'));
      else bare.add(spec);
    }
  };
  visit(entry);
  return { files, bare };
}

it('src/contract reaches no node: module and no file access', () => {
  const entry = join(src, 'contract/index.ts');
  expect(existsSync(entry)).toBe(true);
  const { files, bare } = reachable(entry);
  expect([...bare].filter((s) => s.startsWith('node:'))).toEqual([]);
  expect([...files].map((f) => f.replace(packages, ''))).not.toContain('wit-tools/src/resolve.ts');
  expect(files.size).toBeGreaterThan(10);
  // the walker sees node: imports where they are (so the check can fail)
  expect([...reachable(join(src, 'resolve.ts')).bare].some((s) => s.startsWith('node:'))).toBe(true);
});
