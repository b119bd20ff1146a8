import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BuildError } from '../errors.js';
import type { WasmComponent, WatComponent } from '../project.js';
import { runWorker } from '../worker.js';
import type { Toolchain } from './types.js';
import { wasmKind } from './wasm-header.js';
import { watToBinary } from './wat-text.js';
import { classifyWitFailure } from './wit-failure.js';

/** A core module becomes a component by embedding its WIT world and wrapping it (with the preview1 adapter). */
async function wrapCore(core: Uint8Array, spec: WatComponent | WasmComponent, scratch: string, out: string, root: string): Promise<void> {
  if (!spec.wit) {
    throw new BuildError('wasm-invalid', 'this is a core module, not a component: add `wit` (and `world`) to wrap it into a component', {
      component: spec.name,
    });
  }
  const corePath = path.join(scratch, `${spec.name}.core.wasm`);
  await writeFile(corePath, core);
  const failure = await runWorker({ op: 'embed-new', core: corePath, wit: spec.wit, world: spec.world, adapter: 'reactor', out });
  if (failure) {
    throw (await classifyWitFailure(failure.message, spec, root)) ??
      new BuildError('component-new-failed', `making a component from the core module failed: ${failure.message.trim()}`, { component: spec.name });
  }
}

export const buildWat: Toolchain<WatComponent> = async (spec, ctx) => {
  const bytes = await watToBinary(spec.sources[0]!, { root: ctx.root, component: spec.name });
  const kind = wasmKind(bytes);
  if (kind === 'module') return wrapCore(bytes, spec, ctx.scratch, ctx.out, ctx.root);
  await writeFile(ctx.out, bytes);
};

export const buildWasm: Toolchain<WasmComponent> = async (spec, ctx) => {
  const file = spec.sources[0]!;
  const bytes = await readFile(file);
  const kind = wasmKind(bytes);
  const rel = path.relative(ctx.root, file) || file;
  if (typeof kind === 'object') throw new BuildError('wasm-invalid', `${rel}: ${kind.problem}`, { component: spec.name });
  if (kind === 'module') return wrapCore(bytes, spec, ctx.scratch, ctx.out, ctx.root);
  await writeFile(ctx.out, bytes);
};
