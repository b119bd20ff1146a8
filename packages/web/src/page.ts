/** The page's files: the static assets and the two bundles (page and worker) esbuild makes from the compiled page. */
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser, formatNodeImports } from './bundle.js';
import { UiError } from './errors.js';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ASSETS = new URL('../assets/', import.meta.url);

/** The page's entry files (compiled from `page/` into dist/page by `tsc -b`; the same path from src/ and dist/), by output name. */
export const PAGE_ENTRIES = {
  main: fileURLToPath(new URL('../dist/page/main.js', import.meta.url)),
  worker: fileURLToPath(new URL('../dist/page/worker.js', import.meta.url)),
};

export interface PageFiles {
  /** path relative to the page root (`index.html`, `main.js`, …) → content */
  files: Map<string, Uint8Array>;
  /** bytes per bundle (`main.js`, `worker.js`), for the report */
  bundleSizes: Record<string, number>;
}

/** Builds every file of the page in memory. Refuses a bundle that reaches a Node module. */
export async function buildPage(options: { minify?: boolean } = {}): Promise<PageFiles> {
  let bundle;
  try {
    bundle = await bundleForBrowser({ entries: PAGE_ENTRIES, workingDir: PACKAGE_ROOT, minify: options.minify ?? true });
  } catch (e) {
    throw new UiError('ui-build', `cannot bundle the page: ${(e as Error).message}`, { cause: e, hint: 'run `pnpm build` (the page is bundled from packages/web/dist/page)' });
  }
  if (bundle.nodeImports.length > 0) {
    throw new UiError('ui-build', `the page reaches Node modules, which a browser lacks:\n${formatNodeImports(bundle.nodeImports)}`);
  }
  const files = new Map(bundle.files);
  for (const name of await readdir(ASSETS)) files.set(name, new Uint8Array(await readFile(new URL(name, ASSETS))));
  const bundleSizes: Record<string, number> = {};
  for (const [name, content] of bundle.files) bundleSizes[name] = content.byteLength;
  return { files, bundleSizes };
}
