import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RunError } from './errors.js';

type CoreModule = unknown;
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<CoreModule>; Module: new (bytes: Uint8Array) => CoreModule } })
  .WebAssembly;

/** `async` instantiates with promises (commands, calls); `sync` instantiates in one call (a fresh instance per HTTP request). */
export type InstantiationMode = 'async' | 'sync';

/** A component transpiled by jco in instantiation mode: WASI shims off, imports supplied per instance. */
export interface TranspiledComponent {
  dir: string;
  /** Import interface names without versions, as the generated `instantiate` looks them up. */
  imports: string[];
  /** Export names with their kind (`instance` or `function`). */
  exports: [string, string][];
  instantiate(imports: Record<string, unknown>): Promise<Record<string, any>>;
  /** Only for components transpiled in `sync` mode; core modules are compiled once and reused. */
  instantiateSync(imports: Record<string, unknown>): Record<string, any>;
}

interface Meta {
  imports: string[];
  exports: [string, string][];
}

export function transpileCacheDir(): string {
  const home = process.env.WELD_HOME ?? path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'weld');
  return path.join(home, 'cache', 'transpiled');
}

/** Transpiles once per component digest into `$WELD_HOME/cache/transpiled/<sha256>` (written to a temp dir, then renamed). */
export async function transpileCached(bytes: Uint8Array, cacheDir = transpileCacheDir(), mode: InstantiationMode = 'async'): Promise<TranspiledComponent> {
  const key = createHash('sha256').update(bytes).digest('hex');
  const dir = path.join(cacheDir, mode === 'async' ? key : `${key}.${mode}`);
  if (!existsSync(path.join(dir, 'meta.json'))) {
    let out: { files: Record<string, Uint8Array>; imports: string[]; exports: [string, string][] };
    try {
      const { transpile } = await import('@bytecodealliance/jco'); // loaded only on a cache miss
      out = (await transpile(bytes, { name: 'component', instantiation: mode, noTypescript: true })) as typeof out;
    } catch (e) {
      throw new RunError('transpile-failed', `jco could not transpile the component: ${(e as Error).message}`, { cause: e });
    }
    const tmp = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
    for (const [file, content] of Object.entries(out.files)) {
      await mkdir(path.dirname(path.join(tmp, file)), { recursive: true });
      await writeFile(path.join(tmp, file), content);
    }
    await writeFile(path.join(tmp, 'package.json'), '{"type":"module"}\n');
    await writeFile(path.join(tmp, 'meta.json'), JSON.stringify({ imports: out.imports, exports: out.exports } satisfies Meta));
    try {
      await rename(tmp, dir);
    } catch {
      await rm(tmp, { recursive: true, force: true }); // a concurrent run got there first
    }
  }
  const meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')) as Meta;
  const mod = (await import(pathToFileURL(path.join(dir, 'component.js')).href)) as {
    instantiate(getCoreModule: (p: string) => unknown, imports: Record<string, unknown>): any;
  };
  const compiled = new Map<string, CoreModule>();
  const compiledSync = (p: string): CoreModule => {
    let m = compiled.get(p);
    if (!m) compiled.set(p, (m = new wasm.Module(readFileSync(path.join(dir, p)))));
    return m;
  };
  return {
    dir,
    imports: meta.imports,
    exports: meta.exports,
    instantiate: (imports) => mod.instantiate(async (p) => wasm.compile(await readFile(path.join(dir, p))), imports),
    instantiateSync: (imports) => {
      if (mode !== 'sync') throw new Error('instantiateSync needs a component transpiled in sync mode');
      return mod.instantiate(compiledSync, imports) as Record<string, any>;
    },
  };
}
