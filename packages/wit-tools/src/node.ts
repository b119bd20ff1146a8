/**
 * The Node edge of wit-tools: reading WIT folders, files and `deps/` from disk, and formatting files in place.
 * The main entry (`@weld/wit-tools`) imports no `node:` module, so it runs in a browser.
 */
export { resolveDir, resolvePath, readPackageDir, watFilesOf } from './resolve-fs.js';
export { formatPath, writeFileAtomic } from './format.js';
