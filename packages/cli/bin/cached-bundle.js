// Runs the CLI bundle with V8's code cache where that pays. Node 20 has no compile cache for ES modules, and most of
// a short command's time beyond Node's own start is compiling and first running weld's code; so the bundle also
// comes as one CommonJS script (cli.cjs, made beside the ES module chunks by scripts/bundle-cli.mjs), which a
// vm.Script compiles with a cache. Without a cache that script costs more than the chunks (V8 parses all 4 MB of
// it, ~50 ms), so a command's first run takes the chunks and only marks the command as seen (an empty cache file);
// its second run takes the script and writes the cache, what V8 compiled while it ran; later runs use it. Caches
// live in <bundle>/.v8-cache/<node>-<arch>/<command>.bin, are written only after runs that end with 0 or 1 (not a
// usage error), are made again when V8 rejects one (other code, another V8), and are skipped where the folder
// cannot be written. WELD_CODE_CACHE=0 always takes the chunks.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

export const CJS_BUNDLE = 'cli.cjs';
export const CACHE_DIR = '.v8-cache';

/**
 * Whether `argv` may run from `bundleDir`'s cli.cjs: Node must require() ES modules (the script require()s the
 * externals: runner, compose, …); a bare `--version` is answered by the small ES module entry without the CLI.
 */
export function scriptAllowed(bundleDir, argv) {
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

function cacheFileFor(bundleDir, argv) {
  return path.join(bundleDir, CACHE_DIR, `${process.version}-${process.arch}`, `${commandKey(argv)}.bin`);
}

/** Writes `bytes` to `file` atomically; best effort: an install that cannot be written to runs without caches. */
function writeCache(file, bytes) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    // the first cache for this Node: the caches of other Node versions can go
    if (mkdirSync(path.dirname(file), { recursive: true }) !== undefined) {
      const root = path.dirname(path.dirname(file));
      for (const other of readdirSync(root)) if (other !== path.basename(path.dirname(file))) rmSync(path.join(root, other), { recursive: true, force: true });
    }
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* nothing was written */
    }
  }
}

const succeeded = (code) => code === 0 || code === 1;

/**
 * The CLI for `argv`: `{ main, cache }`, where `cache` says how it runs: `chunks` (the ES module entry
 * `importChunks` loads), `none` (the script, making its cache), `used`, or `rejected` (made again).
 */
export async function loadBundle(bundleDir, argv, importChunks) {
  const cacheFile = cacheFileFor(bundleDir, argv);
  if (!scriptAllowed(bundleDir, argv)) return { cache: 'chunks', main: (await importChunks()).main };
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run of this command: the chunks, then mark it seen so its next run makes the cache
    const { main } = await importChunks();
    return {
      cache: 'chunks',
      main: async (args) => {
        const code = await main(args);
        if (succeeded(code)) writeCache(cacheFile, new Uint8Array(0));
        return code;
      },
    };
  }
  const file = path.join(bundleDir, CJS_BUNDLE);
  // the bundle script writes it in ASCII only, which latin1 reads ~6× faster than utf8 reads 4 MB
  const wrapper = `(function (exports, require, module, __filename, __dirname, __weldImportMetaUrl) {${readFileSync(file, 'latin1')}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData: cachedData.length > 0 ? cachedData : undefined });
  const cache = cachedData.length === 0 ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, bundleDir, pathToFileURL(path.join(bundleDir, 'main.js')).href);
  return {
    cache,
    main: async (args) => {
      const code = await mod.exports.main(args);
      if (cache !== 'used' && succeeded(code)) writeCache(cacheFile, script.createCachedData());
      return code;
    },
  };
}
