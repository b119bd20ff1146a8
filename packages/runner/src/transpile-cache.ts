import { guardImports } from './import-guard.js';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isWeldError } from '@weld/core';
import { sha256Hex, weldHome } from '@weld/core/node';
import { RunError } from './errors.js';

type CoreModule = unknown;
/** A core instance as the bindings see it: its exports (memories among them). */
export interface CoreInstance {
  exports: Record<string, unknown>;
}
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      compile(bytes: Uint8Array): Promise<CoreModule>;
      Module: new (bytes: Uint8Array) => CoreModule;
      Instance: new (module: CoreModule, imports?: unknown) => CoreInstance;
      instantiate(module: CoreModule, imports?: unknown): Promise<CoreInstance>;
    };
  }
).WebAssembly;

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
  return path.join(weldHome(), 'cache', 'transpiled');
}

/** Changes whenever `patchBindings` does, so cached bindings from an earlier recipe are made again. */
const BINDINGS_RECIPE = 'w3';

/**
 * jco's bindings call `WebAssembly.promising(…)` inside a try/catch on every instantiation. Where the engine has
 * no JSPI (Node 20) that call throws "is not a function", and V8 builds that message by re-parsing the whole
 * enclosing function (several thousand lines): about half a millisecond per instance, most of the cost of a
 * fresh instance per request. A stand-in that throws an ordinary error keeps the bindings' behaviour without it.
 */
export function patchBindings(js: string): string {
  js = exposeBindingsState(js);
  // Every trampoline calls a debug logger that reads process.env.JCO_DEBUG on each call; read it once.
  const debugCheck = 'if (!globalThis?.process?.env?.JCO_DEBUG) { return; }';
  if (js.includes(debugCheck)) js = 'const __weldJcoDebug = Boolean(globalThis?.process?.env?.JCO_DEBUG);\n' + js.replaceAll(debugCheck, 'if (!__weldJcoDebug) { return; }');
  if (!js.includes('WebAssembly.promising(')) return js;
  // One error made once: capturing a fresh stack per instance would cost again what the stand-in saves.
  const standIn =
    "const __weldNoJspi = new TypeError('WebAssembly.promising is not available (no JSPI in this engine)');\n" +
    "const __weldPromising = typeof WebAssembly.promising === 'function' ? WebAssembly.promising : () => { throw __weldNoJspi; };\n";
  return standIn + js.replaceAll('WebAssembly.promising(', '__weldPromising(');
}

/** The key under which `exposeBindingsState`'s bindings look for the object to fill in the import object. */
const BINDINGS_STATE_KEY = 'weld.bindings-state';
export const BINDINGS_STATE = Symbol.for(BINDINGS_STATE_KEY);

/**
 * What jco's bindings keep per instance besides the core instances: the handle tables (a guest sees their indices),
 * the host objects its handles reach, the instance flags and the store's trap. Bindings patched here hand them to
 * whoever puts an object under `BINDINGS_STATE` in the import object, so that a served instance can be checked and
 * put back to how it was made (see `serve/recycle.ts`). Bindings of another shape get no hook: then nothing is
 * handed over, and instances are made afresh instead.
 */
function exposeBindingsState(js: string): string {
  const instantiate = /^export function instantiate\(getCoreModule, imports, instantiateCore[^\n]*\{$/m;
  const markers = ['const HANDLE_TABLES= [];', 'const INSTANCE_FLAGS = new Map();', 'const STORE_TRAP = { error: null };'];
  if (!instantiate.test(js) || markers.some((m) => js.split(m).length !== 2)) return js;
  return js
    .replace(instantiate, (line) => `${line}\nconst __weldState = imports[Symbol.for('${BINDINGS_STATE_KEY}')];\nif (__weldState) __weldState.captureTables = [];`)
    .replace(markers[0]!, `${markers[0]} if (__weldState) __weldState.handleTables = HANDLE_TABLES;`)
    .replace(markers[1]!, `${markers[1]} if (__weldState) __weldState.instanceFlags = INSTANCE_FLAGS;`)
    .replace(markers[2]!, `${markers[2]} if (__weldState) __weldState.storeTrap = STORE_TRAP;`)
    .replace(/const (captureTable\d+)= new Map\(\);/g, (decl, name: string) => `${decl} if (__weldState) __weldState.captureTables.push(${name});`);
}

let jcoVersion: string | undefined;
function transpilerVersion(): string {
  if (jcoVersion) return jcoVersion;
  // jco's exports map hides its package.json: walk up from its entry point to find it.
  let dir = path.dirname(createRequire(import.meta.url).resolve('@bytecodealliance/jco'));
  while (!existsSync(path.join(dir, 'package.json')) || !readFileSync(path.join(dir, 'package.json'), 'utf8').includes('"name": "@bytecodealliance/jco"')) {
    const up = path.dirname(dir);
    if (up === dir) return (jcoVersion = 'unknown');
    dir = up;
  }
  return (jcoVersion = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version);
}

/** A component transpiled into a cache folder: what `openTranspiled` needs, small enough to post to a worker. */
export interface TranspiledInfo extends Meta {
  dir: string;
  mode: InstantiationMode;
}

/**
 * Transpiles once per component digest and jco version into `$WELD_HOME/cache/transpiled/<sha256>-jco<ver>`
 * (written to a temp dir, then renamed), so a jco upgrade never runs bindings an older jco generated.
 */
export async function ensureTranspiled(bytes: Uint8Array, cacheDir = transpileCacheDir(), mode: InstantiationMode = 'async'): Promise<TranspiledInfo> {
  const key = `${sha256Hex(bytes)}-jco${transpilerVersion()}-${BINDINGS_RECIPE}`;
  const dir = path.join(cacheDir, mode === 'async' ? key : `${key}.${mode}`);
  if (!existsSync(path.join(dir, 'meta.json'))) {
    let out: { files: Record<string, Uint8Array>; imports: string[]; exports: [string, string][] };
    refuseCoreModule(bytes);
    try {
      const { transpile } = await import('@bytecodealliance/jco'); // loaded only on a cache miss
      out = (await transpile(bytes, { name: 'component', instantiation: mode, noTypescript: true })) as typeof out;
    } catch (e) {
      // Bytes that do not decode get the codec's typed error (code, section, byte offset), as inspect and validate
      // report them, rather than jco's wasmparser text; anything else jco rejects stays transpile-failed.
      const { decodeComponent } = await import('@weld/binary');
      try {
        decodeComponent(bytes);
      } catch (d) {
        if (isWeldError(d)) throw d;
      }
      throw new RunError('transpile-failed', `jco could not transpile the component: ${(e as Error).message}`, { cause: e });
    }
    const tmp = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
    for (const [file, content] of Object.entries(out.files)) {
      await mkdir(path.dirname(path.join(tmp, file)), { recursive: true });
      await writeFile(path.join(tmp, file), file.endsWith('.js') ? patchBindings(new TextDecoder().decode(content)) : content);
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
  return { dir, mode, imports: meta.imports, exports: meta.exports };
}

export interface OpenOptions {
  /** Caps every linear memory of every core module at this many bytes (see `capCoreMemories`). */
  maxMemoryBytes?: number;
  /** Sees every core instance made, e.g. to find its memories after a trap. */
  onCoreInstance?: (instance: CoreInstance) => void;
}

/** Loads a transpiled component's bindings; core modules are compiled once per call of this function. */
export async function openTranspiled(info: TranspiledInfo, options: OpenOptions = {}): Promise<TranspiledComponent> {
  const { dir, mode } = info;
  const mod = (await import(pathToFileURL(path.join(dir, 'component.js')).href)) as {
    instantiate(getCoreModule: (p: string) => unknown, imports: Record<string, unknown>, instantiateCore?: unknown): any;
  };
  // The codec is loaded only when memories are capped: a plain run should not pay for it at start.
  const { capCoreMemories, isBinaryError } = options.maxMemoryBytes === undefined ? ({} as typeof import('@weld/binary')) : await import('@weld/binary');
  const coreBytes = (p: string, bytes: Uint8Array): Uint8Array => {
    if (options.maxMemoryBytes === undefined) return bytes;
    try {
      return capCoreMemories(bytes, Math.floor(options.maxMemoryBytes / 65536));
    } catch (e) {
      if (isBinaryError(e) && e.code === 'limit-exceeded') throw new RunError('limit-exceeded', `${p}: ${e.message}`, { cause: e, exit: 1 });
      throw e;
    }
  };
  const compiled = new Map<string, CoreModule>();
  const compiledSync = (p: string): CoreModule => {
    let m = compiled.get(p);
    if (!m) compiled.set(p, (m = new wasm.Module(coreBytes(p, readFileSync(path.join(dir, p))))));
    return m;
  };
  const watch = options.onCoreInstance;
  const instantiateCoreSync = watch
    ? (module: CoreModule, imports: unknown) => {
        const instance = new wasm.Instance(module, imports);
        watch(instance);
        return instance;
      }
    : undefined;
  const instantiateCoreAsync = watch
    ? async (module: CoreModule, imports: unknown) => {
        const instance = await wasm.instantiate(module, imports);
        watch(instance);
        return instance;
      }
    : undefined;
  return {
    dir,
    imports: info.imports,
    exports: info.exports,
    instantiate: (imports) => mod.instantiate(async (p) => wasm.compile(coreBytes(p, await readFile(path.join(dir, p)))), guardImports(imports), instantiateCoreAsync),
    instantiateSync: (imports) => {
      if (mode !== 'sync') throw new Error('instantiateSync needs a component transpiled in sync mode');
      return mod.instantiate(compiledSync, guardImports(imports), instantiateCoreSync) as Record<string, any>;
    },
  };
}

/** `ensureTranspiled` then `openTranspiled`, in this thread. */
export async function transpileCached(bytes: Uint8Array, cacheDir = transpileCacheDir(), mode: InstantiationMode = 'async', options: OpenOptions = {}): Promise<TranspiledComponent> {
  return openTranspiled(await ensureTranspiled(bytes, cacheDir, mode), options);
}

/** A core module (wasm version 1) said as such, as `weld call` says it, rather than as jco's parser failure. */
function refuseCoreModule(bytes: Uint8Array): void {
  const wasm = bytes.length >= 8 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
  if (wasm && bytes[4] === 1 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0) {
    throw new RunError('not-a-component', 'expected a version header for a component, found the header of a core WebAssembly module', {
      at: { offset: 0 },
      hint: 'wrap it into a component first (e.g. `jco new` / componentNew)',
    });
  }
}
