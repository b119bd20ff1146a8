// `node scripts/bundle-cli.mjs [OUTDIR] | --clean | --dev`: bundles the compiled CLI (packages/cli/dist, after `pnpm build`)
// with esbuild into packages/cli/bundle/: one entry and lazy chunks, one per command's dynamic import, so a
// command loads a few files instead of hundreds of modules (bench/cli-start.mjs measures it against dist/).
// `@weld/cli`'s prepack runs it and postpack removes it again (under npm pack and pnpm pack alike); the package.json `bin` is
// bin/weld-bundle.js (which runs bin/weld.js where bundle/ is absent), while a checkout's bin/weld.js runs the --dev
// bundle below while it is fresh, else dist/.
//
// `--dev` (the end of `pnpm build`, the test setup and `pnpm bench`) bundles into packages/cli/dist-bundle/ instead,
// when that one is stale, with the freshness stamps bin/weld.js checks before it uses it (packages/cli/bin/dev-bundle.js);
// it is not packed.
//
// Each bundle is made twice: ES module chunks (main.js and one chunk per command) and one CommonJS script
// (cli.cjs) that the launchers run with V8's code cache where Node can require ES modules (bin/cached-bundle.js).
//
// Left outside the bundle, loaded from node_modules as they are: @weld/runner and @weld/compose (they start
// workers from files next to their own modules, and pull in jco, componentize-js, preview2-shim, ioredis, NATS).
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const cliDir = path.join(root, 'packages', 'cli');
export const BUNDLE_DIR = path.join(cliDir, 'bundle');
const { DEV_BUNDLE, FRESHNESS_FILE, devBundleFresh } = await import(new URL('../packages/cli/bin/dev-bundle.js', import.meta.url).href);
const { CJS_BUNDLE } = await import(new URL('../packages/cli/bin/cached-bundle.js', import.meta.url).href);
export const DEV_BUNDLE_DIR = path.join(cliDir, DEV_BUNDLE);

export const EXTERNAL = ['@weld/runner', '@weld/runner/*', '@weld/compose', '@weld/compose/*', '@bytecodealliance/*', 'ioredis', '@nats-io/*',
  // weld ui bundles its page with esbuild at run time: esbuild finds its native binary from its own files, and @weld/web
  // reads the compiled page beside itself
  'esbuild', '@weld/web'];

/**
 * Modules that read their own package.json relative to their file at run time: in a chunk that path points
 * elsewhere, so the version is written in at bundle time instead.
 */
const inlinePackageVersion = {
  name: 'inline-package-version',
  setup(b) {
    const pattern = /JSON\.parse\(readFileSync\(new URL\('((?:\.\.\/)+)package\.json', import\.meta\.url\), 'utf8'\)\)\.version/g;
    b.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const src = await readFile(args.path, 'utf8');
      if (!src.includes('package.json')) return undefined;
      let out = src;
      for (const m of src.matchAll(pattern)) {
        const pkg = JSON.parse(await readFile(path.resolve(path.dirname(args.path), m[1], 'package.json'), 'utf8'));
        out = out.replace(m[0], JSON.stringify(pkg.version));
      }
      return { contents: out, loader: 'js' };
    });
  },
};

/**
 * commander requires node:child_process at its top only to spawn executable subcommands, which weld has none of;
 * loading it (with net, dgram and the stream modules behind it) costs every start ~3 ms. In the bundle,
 * commander gets a stand-in that loads the real module on the first spawn.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]lib[\\/]command\.js$/.test(args.importer) ? { path: 'commander-child-process', namespace: 'weld-lazy' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'weld-lazy' }, () => ({
      contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      loader: 'js',
    }));
  },
};

/**
 * For the CommonJS script: an import() of what stays outside the bundle (an external package, a Node built-in, an
 * optional package that is not installed) becomes a require() behind a promise, as esbuild does for what it bundles.
 */
const requireWhatStaysOutside = {
  name: 'require-what-stays-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.namespace === 'weld-require') return { path: args.path, external: true };
      if (args.kind !== 'dynamic-import' || args.pluginData === 'weld-require') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'weld-require' });
      return r.errors.length > 0 || r.external ? { path: args.path, namespace: 'weld-require' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'weld-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/**
 * esbuild escapes non-ASCII characters in strings and names but leaves them in comments (undici's, weld's own),
 * and one such character makes V8 hold and parse the whole file as a two-byte string: decoding cli.cjs took ~20 ms
 * instead of ~3. A `\\uXXXX` escape means the same character wherever JavaScript reads one, and is inert in a comment.
 */
function escapeNonAscii(outdir) {
  for (const f of readdirSync(outdir)) {
    if (!/\.c?js$/.test(f)) continue;
    const file = path.join(outdir, f);
    const text = readFileSync(file, 'utf8');
    if (/[^\x00-\x7f]/.test(text)) writeFileSync(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  }
}

export async function bundleCli(outdir = BUNDLE_DIR) {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { main: path.join(cliDir, 'dist', 'main.js') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir,
    external: EXTERNAL,
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import { createRequire as __weldCreateRequire } from 'node:module'; const require = __weldCreateRequire(import.meta.url);" },
    plugins: [inlinePackageVersion, lazyChildProcessForCommander],
    legalComments: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
  // The same CLI as one CommonJS script, which bin/cached-bundle.js compiles with V8's code cache (ES modules
  // cannot use one on Node 20). Externals are require()d, also where the source import()s them (a vm.Script with a
  // code cache loses its import() callback), so it runs only where Node can require ES modules.
  const cjs = await build({
    entryPoints: [path.join(cliDir, 'dist', 'main.js')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: path.join(outdir, CJS_BUNDLE),
    external: EXTERNAL,
    // what import.meta.url would be in an ES module chunk of this folder (the launcher passes it in)
    define: { 'import.meta.url': '__weldImportMetaUrl' },
    plugins: [requireWhatStaysOutside, inlinePackageVersion, lazyChildProcessForCommander],
    legalComments: 'linked',
    logLevel: 'warning',
    metafile: true,
  });
  escapeNonAscii(outdir);
  const left = Object.values(cjs.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path));
  if (left.length > 0) throw new Error(`${CJS_BUNDLE} would import() ${left.join(', ')}: a vm.Script with a code cache cannot`);
  return result.metafile;
}

/**
 * The files whose change makes a dev bundle stale, relative to the repository root: what `tsc -b` rewrites when it
 * emits a package (its dist/.tsbuildinfo), every package.json (versions are written into the bundle, `sideEffects`
 * shapes it), what pnpm rewrites on install, and this script.
 */
function freshnessStamps() {
  const packages = readdirSync(path.join(root, 'packages')).map((d) => path.join('packages', d));
  const files = [
    ...packages.map((d) => path.join(d, 'dist', '.tsbuildinfo')),
    ...packages.map((d) => path.join(d, 'package.json')),
    path.join('node_modules', '.modules.yaml'),
    path.relative(root, fileURLToPath(import.meta.url)),
  ].filter((f) => existsSync(path.join(root, f)));
  return files.map((f) => {
    const s = statSync(path.join(root, f));
    return [f.split(path.sep).join('/'), s.size, s.mtimeMs];
  });
}

/** The checkout's bundle (dist-bundle/), stamped for bin/weld.js; the stamps are taken before bundling, written after. */
export async function bundleDev() {
  const stamps = freshnessStamps();
  await bundleCli(DEV_BUNDLE_DIR);
  writeFileSync(path.join(DEV_BUNDLE_DIR, FRESHNESS_FILE), JSON.stringify({ stamps }) + '\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  if (process.argv[2] === '--clean') rmSync(BUNDLE_DIR, { recursive: true, force: true });
  else if (process.argv[2] === '--dev') {
    if (!devBundleFresh(cliDir)) await bundleDev();
  }
  else await bundleCli(process.argv[2] ? path.resolve(process.argv[2]) : BUNDLE_DIR);
}
