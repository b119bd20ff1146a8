// The pure entries of weld's libraries bundle for the browser (esbuild, platform browser) without reaching a Node
// module; a failure names the import chain from the entry to the `node:` import. Bundles the compiled dist/ files
// the global setup builds, resolved through package.json `exports` as a user's bundler would.
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
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

const PURE = ['@weld/core', '@weld/wit-tools', '@weld/binary', '@weld/binary/codec', '@weld/wit-tools/contract', '@weld/compose/graph', '@weld/registry/verify'];

describe('browser bundles of the pure entries', () => {
  for (const specifier of PURE) {
    it(`${specifier} reaches no Node module`, async () => {
      const b = await bundleForBrowser({ entries: { entry: entryFile(specifier) }, workingDir: REPO_ROOT, minify: false });
      expect(formatNodeImports(b.nodeImports), `${specifier} imports Node modules`).toBe('');
      expect(formatNodeImports(b.nodeGlobals), `${specifier} uses Node globals`).toBe('');
      expect(b.files.get('entry.js')!.byteLength).toBeGreaterThan(1000);
    });
  }

  it("the page and its worker reach no Node module", async () => {
    const b = await bundleForBrowser({ entries: PAGE_ENTRIES, workingDir: path.join(REPO_ROOT, 'packages/web'), minify: false });
    expect(formatNodeImports(b.nodeImports)).toBe('');
    expect(formatNodeImports(b.nodeGlobals)).toBe('');
  });

  it('a Node entry is caught, with the chain that reaches node:fs', async () => {
    const b = await bundleForBrowser({ entries: { entry: entryFile('@weld/wit-tools/node') }, workingDir: REPO_ROOT });
    const fs = b.nodeImports.find((n) => n.module === 'node:fs');
    expect(fs?.chain).toEqual(['packages/wit-tools/dist/node.js', 'packages/wit-tools/dist/resolve-fs.js']);
    expect(formatNodeImports(b.nodeImports)).toContain('node:fs ← packages/wit-tools/dist/resolve-fs.js ← packages/wit-tools/dist/node.js');
  });

  it('a Node global is caught, with its file and chain; a guarded process check or a string is not', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weld-bundle-'));
    await writeFile(path.join(dir, 'entry.js'), "import { b } from './b.js';\nexport const a = typeof process === 'object' ? process.version : 'web';\nexport const s = 'Buffer and process.env in a string';\nexport { b };\n");
    await writeFile(path.join(dir, 'b.js'), "export const b = () => Buffer.from('x');\n");
    const b = await bundleForBrowser({ entries: { entry: path.join(dir, 'entry.js') }, workingDir: dir, minify: false });
    expect(b.nodeImports).toEqual([]);
    expect(b.nodeGlobals).toEqual([{ module: 'global Buffer', chain: ['entry.js', 'b.js'] }]);
  });

  it('a bare builtin (no node: prefix) is caught too', async () => {
    const b = await bundleForBrowser({ entries: { entry: entryFile('@weld/binary/node') }, workingDir: REPO_ROOT });
    expect(b.nodeImports.map((n) => n.module)).toContain('node:fs');
    const { isNodeBuiltin } = await import('@weld/web');
    expect(['fs', 'fs/promises', 'path', 'node:crypto', 'crypto'].every(isNodeBuiltin)).toBe(true);
    expect(['yaml', '@weld/binary', 'acorn'].some(isNodeBuiltin)).toBe(false);
  });
});
