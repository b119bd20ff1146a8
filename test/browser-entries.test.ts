// The pure entries of weld's libraries bundle for the browser (esbuild, platform browser) without reaching a Node
// module; a failure names the import chain from the entry to the `node:` import. Bundles the compiled dist/ files
// the global setup builds, resolved through package.json `exports` as a user's bundler would.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser, formatNodeImports, PAGE_ENTRIES } from '@weld/web';
import { REPO_ROOT } from './helpers/fixtures.js';

/** `@weld/binary` → packages/binary/dist/index.js, `@weld/compose/graph` → …/dist/graph.js (from package.json exports) */
function entryFile(specifier: string): string {
  const [, pkg, sub] = /^@weld\/([^/]+)(\/.*)?$/.exec(specifier)!;
  const dir = path.join(REPO_ROOT, 'packages', pkg!);
  const exports = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).exports as Record<string, { default: string }>;
  const target = exports[sub ? `.${sub}` : '.'];
  if (!target) throw new Error(`${specifier} is not in the exports of packages/${pkg}/package.json`);
  return path.join(dir, target.default);
}

const PURE = ['@weld/wit-tools', '@weld/binary', '@weld/compose/graph', '@weld/registry/verify', '@weld/runner/grants'];

describe('browser bundles of the pure entries', () => {
  for (const specifier of PURE) {
    it(`${specifier} reaches no Node module`, async () => {
      const b = await bundleForBrowser({ entries: { entry: entryFile(specifier) }, workingDir: REPO_ROOT });
      expect(formatNodeImports(b.nodeImports), `${specifier} imports Node modules`).toBe('');
      expect(b.files.get('entry.js')!.byteLength).toBeGreaterThan(1000);
    });
  }

  it("the page and its worker reach no Node module", async () => {
    const b = await bundleForBrowser({ entries: PAGE_ENTRIES, workingDir: path.join(REPO_ROOT, 'packages/web') });
    expect(formatNodeImports(b.nodeImports)).toBe('');
  });

  it('a Node entry is caught, with the chain that reaches node:fs', async () => {
    const b = await bundleForBrowser({ entries: { entry: entryFile('@weld/wit-tools/node') }, workingDir: REPO_ROOT });
    const fs = b.nodeImports.find((n) => n.module === 'node:fs');
    expect(fs?.chain).toEqual(['packages/wit-tools/dist/node.js', 'packages/wit-tools/dist/resolve-fs.js']);
    expect(formatNodeImports(b.nodeImports)).toContain('node:fs ← packages/wit-tools/dist/resolve-fs.js ← packages/wit-tools/dist/node.js');
  });

  it('a bare builtin (no node: prefix) is caught too', async () => {
    const b = await bundleForBrowser({ entries: { entry: entryFile('@weld/binary/node') }, workingDir: REPO_ROOT });
    expect(b.nodeImports.map((n) => n.module)).toContain('node:fs');
    const { isNodeBuiltin } = await import('@weld/web');
    expect(['fs', 'fs/promises', 'path', 'node:crypto', 'crypto'].every(isNodeBuiltin)).toBe(true);
    expect(['yaml', '@weld/binary', 'acorn'].some(isNodeBuiltin)).toBe(false);
  });
});
