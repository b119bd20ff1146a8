// Runs the CLI bundle's CommonJS script (cli.cjs, made beside the ES module chunks by scripts/bundle-cli.mjs) with
// V8's code cache: Node 20 has no compile cache for ES modules, and most of a short command's time beyond Node's
// own start is compiling and first running weld's code. The cache of a command is what V8 compiled while it ran,
// written after its first run that ends with 0 or 1 (not a usage error), under <bundle>/.v8-cache/<node>/<command>.bin;
// V8 rejects a cache made for other code or another V8, which is then made again. Where the folder cannot be
// written, the CLI runs without one. WELD_CODE_CACHE=0 runs the ES module chunks instead.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

export const CJS_BUNDLE = 'cli.cjs';
export const CACHE_DIR = '.v8-cache';

/**
 * Whether to run `bundleDir`'s cli.cjs for `argv`: Node must require() ES modules (the script require()s the
 * externals: runner, compose, …); a bare `--version` is answered by the small ES module entry without the CLI.
 */
export function useCachedBundle(bundleDir, argv) {
  if (process.env.WELD_CODE_CACHE === '0') return false;
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return false;
  return process.features.require_module === true && existsSync(path.join(bundleDir, CJS_BUNDLE));
}

/** The cache a run uses: its command word (and a `wit` subcommand's, which differ most), else `other`. */
export function commandKey(argv) {
  const words = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    if (argv[i] === '-o' || argv[i] === '--output') i++;
    else if (!argv[i].startsWith('-')) words.push(argv[i]);
  }
  const key = (words[0] === 'wit' ? words : words.slice(0, 1)).join('-');
  return /^[a-z][a-z-]{0,40}$/.test(key) ? key : 'other';
}

function writeCache(file, script) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    // the first cache for this Node: the caches of other Node versions can go
    if (mkdirSync(path.dirname(file), { recursive: true }) !== undefined) {
      const root = path.dirname(path.dirname(file));
      for (const other of readdirSync(root)) if (other !== path.basename(path.dirname(file))) rmSync(path.join(root, other), { recursive: true, force: true });
    }
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, file);
  } catch {
    // an install that cannot be written to runs without a cache
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* nothing was written */
    }
  }
}

/**
 * Compiles and runs `bundleDir`'s cli.cjs with the cache for `argv`'s command. `cache` says what became of it:
 * `none` (no cache yet), `used`, or `rejected` (made for other code or another V8); `main` writes one after a
 * run that had none or a rejected one.
 */
export function loadCachedBundle(bundleDir, argv) {
  const file = path.join(bundleDir, CJS_BUNDLE);
  const cacheFile = path.join(bundleDir, CACHE_DIR, `${process.version}-${process.arch}`, `${commandKey(argv)}.bin`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // the bundle script writes it in ASCII only, which latin1 reads ~6× faster than utf8 reads 4 MB
  const wrapper = `(function (exports, require, module, __filename, __dirname, __weldImportMetaUrl) {${readFileSync(file, 'latin1')}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, bundleDir, pathToFileURL(path.join(bundleDir, 'main.js')).href);
  return {
    cache,
    main: async (args) => {
      const code = await mod.exports.main(args);
      if (cache !== 'used' && (code === 0 || code === 1)) writeCache(cacheFile, script);
      return code;
    },
  };
}
