import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BuildError } from '../errors.js';
import type { CComponent } from '../project.js';
import { runWorker } from '../worker.js';
import type { Toolchain } from './types.js';
import { classifyWitFailure } from './wit-failure.js';

const run = promisify(execFile);
export const C_PACKAGES = 'clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32';

export interface CToolchain {
  clang: string;
  sysroot: string;
  version: string;
}

let cached: Promise<CToolchain> | undefined;

async function which(cmd: string): Promise<string | undefined> {
  if (cmd.includes('/')) return existsSync(cmd) ? cmd : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, cmd);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function probe(): Promise<CToolchain> {
  const missing: string[] = [];
  const clang = await which(process.env.WELD_CLANG ?? 'clang-14');
  if (!clang) missing.push('clang-14 (the compiler)');
  if (!(await which('wasm-ld-14')) && !(await which('wasm-ld'))) missing.push('wasm-ld (lld-14)');
  const sysroot = process.env.WELD_WASI_SYSROOT ?? '/usr';
  if (!existsSync(path.join(sysroot, 'lib/wasm32-wasi/libc.a'))) missing.push(`wasi-libc (no ${sysroot}/lib/wasm32-wasi/libc.a)`);
  let version = '';
  if (clang) {
    version = (await run(clang, ['--version'])).stdout.split('\n')[0] ?? '';
    const { stdout } = await run(clang, ['--target=wasm32-wasi', '-print-libgcc-file-name', '-rtlib=compiler-rt']);
    if (!existsSync(stdout.trim())) missing.push('the wasm32 compiler-rt builtins (libclang-rt-14-dev-wasm32)');
  }
  if (missing.length > 0) {
    throw new BuildError('c-toolchain-missing', `the C toolchain for wasm32-wasi is not installed: missing ${missing.join(', ')}`, {
      hint: `install it with: apt-get install -y ${C_PACKAGES}`,
    });
  }
  return { clang: clang!, sysroot, version };
}

/** Finds clang-14, wasm-ld, wasi-libc and the wasm32 builtins once per process. */
export function cToolchain(): Promise<CToolchain> {
  cached ??= probe();
  cached.catch(() => (cached = undefined));
  return cached;
}

export const buildC: Toolchain<CComponent> = async (spec, ctx) => {
  const tc = await cToolchain();
  const core = path.join(ctx.scratch, `${spec.name}.core.wasm`);
  const args = [
    '--target=wasm32-wasi',
    `--sysroot=${tc.sysroot}`,
    `-mexec-model=${spec.execModel}`,
    '-O2',
    '-fdiagnostics-color=never',
    ...spec.cflags,
    '-o',
    core,
    ...spec.sources,
  ];
  try {
    await run(tc.clang, args, { cwd: ctx.root, maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const stderr = String((e as { stderr?: string }).stderr ?? '').trim();
    const first = stderr.split('\n').find((l) => /error:/.test(l)) ?? 'clang failed';
    throw new BuildError('c-compile', `C compilation failed: ${first.replace(ctx.root + path.sep, '')}`, {
      component: spec.name,
      detail: stderr.split(ctx.root + path.sep).join(''),
    });
  }
  const wit = spec.wit
    ? { wit: spec.wit, world: spec.world }
    : { witSource: 'package weld:command;\n\nworld command {}\n', world: 'command' };
  const failure = await runWorker({ op: 'embed-new', core, ...wit, adapter: spec.execModel, out: ctx.out });
  if (failure) {
    throw (await classifyWitFailure(failure.message, spec, ctx.root)) ??
      new BuildError('component-new-failed', `making a component from the C module failed: ${failure.message.trim()}`, { component: spec.name });
  }
};
