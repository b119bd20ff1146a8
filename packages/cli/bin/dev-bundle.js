// A checkout's `pnpm build` also bundles the CLI into dist-bundle/ (scripts/bundle-cli.mjs --dev), so bin/weld.js
// starts as the npm package does. The bundle is used only while it is fresh: freshness.json records the size and
// mtime of every file whose change makes it stale (each package's dist/.tsbuildinfo, which `tsc -b` rewrites
// whenever it emits; each package.json; node_modules/.modules.yaml, which pnpm rewrites on install; the bundle
// script), and one differing or missing file means dist/ runs instead. WELD_CLI_DIST=1 always runs dist/.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const DEV_BUNDLE = 'dist-bundle';
export const FRESHNESS_FILE = 'freshness.json';

/**
 * Whether `<cliDir>/dist-bundle` matches what is built now; paths in its freshness.json are relative to the
 * repository root (two folders above the CLI package).
 */
export function devBundleFresh(cliDir) {
  let stamps;
  try {
    ({ stamps } = JSON.parse(readFileSync(path.join(cliDir, DEV_BUNDLE, FRESHNESS_FILE), 'utf8')));
  } catch {
    return false; // no bundle (or one still being written: the file is written last)
  }
  if (!Array.isArray(stamps) || stamps.length === 0) return false;
  const root = path.join(cliDir, '..', '..');
  for (const [file, size, mtimeMs] of stamps) {
    const s = statSync(path.join(root, file), { throwIfNoEntry: false });
    if (!s || s.size !== size || s.mtimeMs !== mtimeMs) return false;
  }
  return true;
}
