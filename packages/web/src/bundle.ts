/**
 * Bundling for the browser with esbuild, and the check that a bundle reaches no Node module: every `node:` import
 * or Node builtin is kept out of the bundle and reported with the chain of imports that reached it.
 */
import { builtinModules } from 'node:module';
import { build, type Metafile, type Plugin } from 'esbuild';

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** Whether an import specifier names a Node builtin (`node:fs`, `fs`, `fs/promises`). */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

/** A Node module a browser bundle reached, with the files that lead to it from the entry (entry first). */
export interface NodeImport {
  module: string;
  chain: string[];
}

export interface BrowserBundle {
  /** output files by name relative to the output folder (`main.js`, `main.js.map`, …) */
  files: Map<string, Uint8Array>;
  metafile: Metafile;
  nodeImports: NodeImport[];
  /** Node globals (`Buffer`, unguarded `process.…`, `__dirname`) the bundled code uses; only without `minify` */
  nodeGlobals: NodeImport[];
}

export interface BrowserBundleOptions {
  /** entry name (output file stem) → file */
  entries: Record<string, string>;
  /** the folder module resolution starts from (node_modules lookups) */
  workingDir: string;
  minify?: boolean;
  sourcemap?: boolean;
}

// Node builtins are left external (so the bundle still builds) and reported by the caller from the metafile.
const externalNode: Plugin = {
  name: 'external-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (isNodeBuiltin(args.path) ? { path: args.path, external: true } : undefined));
  },
};

/** Bundles `entries` for the browser (ES modules, no splitting), in memory. */
export async function bundleForBrowser(opts: BrowserBundleOptions): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: opts.entries,
    absWorkingDir: opts.workingDir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outdir: 'out',
    write: false,
    metafile: true,
    minify: opts.minify ?? true,
    sourcemap: opts.sourcemap ? 'external' : false,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [externalNode],
  });
  const files = new Map<string, Uint8Array>();
  for (const f of result.outputFiles) {
    const name = f.path.slice(f.path.lastIndexOf('/out/') + 5);
    files.set(name, f.contents);
  }
  const nodeImports = nodeImportChains(result.metafile);
  const nodeGlobals: NodeImport[] = [];
  if (opts.minify === false) {
    for (const [name, content] of files) if (name.endsWith('.js')) nodeGlobals.push(...nodeGlobalUses(new TextDecoder().decode(content), result.metafile));
  }
  return { files, metafile: result.metafile, nodeImports, nodeGlobals };
}

// `Buffer` anywhere; `process.` unless the line tests `typeof process` first; CommonJS module paths.
const NODE_GLOBAL = /\b(Buffer|__dirname|__filename)\b|(?<![.\w])process\./;

/**
 * Node globals used by the code of an unminified bundle: esbuild heads each input's code with a `// path` line, so
 * each use is attributed to its file, and the file's import chain from the entry is given.
 */
export function nodeGlobalUses(code: string, metafile: Metafile): NodeImport[] {
  const chains = new Map<string, string[]>();
  const seen = new Set<string>();
  const found: NodeImport[] = [];
  let file = '';
  for (const line of code.split('\n')) {
    const header = /^\/\/ (\S+)$/.exec(line);
    if (header && metafile.inputs[header[1]!]) {
      file = header[1]!;
      continue;
    }
    if (/^\s*(\*|\/\*|\/\/)/.test(line)) continue; // comment lines
    const code = line.replace(/\/\/.*$|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""');
    const m = NODE_GLOBAL.exec(code);
    if (!m || (m[1] === undefined && code.includes('typeof process'))) continue;
    const what = `global ${m[1] ?? 'process'}`;
    if (seen.has(`${what} ${file}`)) continue;
    seen.add(`${what} ${file}`);
    if (chains.size === 0) for (const n of chainsTo(metafile)) chains.set(n.file, n.chain);
    found.push({ module: what, chain: chains.get(file) ?? [file] });
  }
  return found;
}

/** The shortest import chain from an entry to every input file. */
function chainsTo(metafile: Metafile): { file: string; chain: string[] }[] {
  const parent = new Map<string, string | null>();
  const queue: string[] = [];
  for (const o of Object.values(metafile.outputs)) {
    if (o.entryPoint && !parent.has(o.entryPoint)) {
      parent.set(o.entryPoint, null);
      queue.push(o.entryPoint);
    }
  }
  while (queue.length > 0) {
    const f = queue.shift()!;
    for (const imp of metafile.inputs[f]?.imports ?? []) {
      if (!parent.has(imp.path) && metafile.inputs[imp.path]) {
        parent.set(imp.path, f);
        queue.push(imp.path);
      }
    }
  }
  return [...parent.keys()].map((file) => {
    const chain: string[] = [];
    for (let f: string | null = file; f !== null; f = parent.get(f) ?? null) chain.unshift(f);
    return { file, chain };
  });
}

/** Every Node builtin the bundle's inputs import, each with the shortest import chain from an entry. */
export function nodeImportChains(metafile: Metafile): NodeImport[] {
  const entries = Object.values(metafile.outputs).flatMap((o) => (o.entryPoint ? [o.entryPoint] : []));
  // breadth-first from the entries: the first parent recorded for a file is on a shortest path
  const parent = new Map<string, string | null>();
  const queue: string[] = [];
  for (const e of entries) {
    parent.set(e, null);
    queue.push(e);
  }
  const found: NodeImport[] = [];
  const chainTo = (file: string): string[] => {
    const chain: string[] = [];
    for (let f: string | null = file; f !== null; f = parent.get(f) ?? null) chain.unshift(f);
    return chain;
  };
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const imp of metafile.inputs[file]?.imports ?? []) {
      if (imp.external && isNodeBuiltin(imp.path)) {
        found.push({ module: imp.path, chain: chainTo(file) });
        continue;
      }
      if (!parent.has(imp.path) && metafile.inputs[imp.path]) {
        parent.set(imp.path, file);
        queue.push(imp.path);
      }
    }
  }
  return found;
}

/** One line per Node import: `node:fs ← a.js ← b.js ← entry.js`. */
export function formatNodeImports(found: NodeImport[]): string {
  return found.map((f) => `${f.module} ← ${[...f.chain].reverse().join(' ← ')}`).join('\n');
}
