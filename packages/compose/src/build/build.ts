import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ALL_FEATURES, validateWasm } from '@weld/binary';
import { BuildCache } from './cache.js';
import { BuildError } from './errors.js';
import { inputsHash } from './inputs.js';
import type { ComponentSpec, Project } from './project.js';
import { buildC, C_BUILD_RECIPE, cToolchain } from './toolchains/c.js';
import { buildJs } from './toolchains/js.js';
import type { ToolchainContext } from './toolchains/types.js';
import { buildWasm, buildWat } from './toolchains/wat.js';
import { toolVersions } from './toolchain-versions.js';
import { fileDigest, makeFolders, readFileDigest, rememberWrittenFile, replaceFile } from '@weld/core/node';
import { precheckWit, witBuildError } from './toolchains/wit-precheck.js';
import type { BuildErrorCode } from './errors.js';

const TOOLCHAIN_WIT_FAILURES = new Set<BuildErrorCode>(['wit-invalid', 'wit-world-missing', 'componentize-failed', 'component-new-failed']);

export interface BuildOptions {
  /** Output directory; default `<root>/build`. */
  outDir?: string;
  /** Components built at once; default the machine's parallelism. */
  jobs?: number;
  /** Rebuild even when the inputs are unchanged. */
  force?: boolean;
  /** Build only these components (by name). */
  only?: string[];
  onEvent?: (event: BuildEvent) => void;
}

export type BuildEvent = { kind: 'start'; name: string; language: string } | { kind: 'done'; result: ComponentBuildResult };

export interface ComponentBuildResult {
  name: string;
  language: ComponentSpec['language'];
  /** Absolute path of the component. */
  path: string;
  size: number;
  /** `sha256:<hex>` of the component bytes. */
  digest: string;
  /** True when the inputs were unchanged and the existing output was kept. */
  cached: boolean;
  milliseconds: number;
}

export interface BuildSummary {
  outDir: string;
  components: ComponentBuildResult[];
  built: number;
  cached: number;
  milliseconds: number;
}

/**
 * An existing output's digest and size (streamed, never whole in memory), or undefined when it cannot be read; one
 * unchanged since an earlier read is not read again (see `fileDigest` in `@weld/core/node`).
 */
async function outputDigest(file: string): Promise<{ digest: string; size: number } | undefined> {
  try {
    const { digest, size } = await fileDigest(file);
    return { digest, size };
  } catch {
    return undefined;
  }
}

async function toolchainKey(spec: ComponentSpec): Promise<string> {
  const v = toolVersions();
  if (spec.language === 'js') return `componentize-js@${v['componentize-js']}`;
  if (spec.language === 'c') return `${(await cToolchain()).version}|jco@${v.jco}|c-recipe@${C_BUILD_RECIPE}`;
  return `jco@${v.jco}`;
}

async function checkSources(spec: ComponentSpec, root: string): Promise<void> {
  for (const src of spec.sources) {
    const info = await stat(src).catch(() => undefined);
    if (!info?.isFile()) {
      throw new BuildError('source-missing', `source file ${path.relative(root, src) || src} does not exist`, { component: spec.name });
    }
  }
  if (spec.wit && !(await stat(spec.wit).catch(() => undefined))) {
    throw new BuildError('source-missing', `WIT path ${path.relative(root, spec.wit) || spec.wit} does not exist`, { component: spec.name });
  }
}

function runToolchain(spec: ComponentSpec, ctx: ToolchainContext): Promise<void> {
  switch (spec.language) {
    case 'js':
      return buildJs(spec, ctx);
    case 'c':
      return buildC(spec, ctx);
    case 'wat':
      return buildWat(spec, ctx);
    case 'wasm':
      return buildWasm(spec, ctx);
  }
}

/**
 * Validates what a toolchain wrote, as `weld validate` would, so an invalid component (hand-written WAT, a prebuilt
 * binary, a toolchain's bad output) fails the build instead of being shipped. Every proposal is enabled: the build
 * refuses what is invalid, not what uses a feature `weld validate` leaves off by default. Milliseconds even for the
 * 12 MB componentize-js outputs (the engine validates their core modules).
 */
function checkOutput(spec: ComponentSpec, bytes: Uint8Array, root: string): void {
  const source = spec.language === 'wat' || spec.language === 'wasm' ? path.relative(root, spec.sources[0]!) || spec.sources[0]! : undefined;
  const made = source ? `${source} is not a valid component` : `the ${spec.language} toolchain produced an invalid component`;
  const hint =
    spec.language === 'wat'
      ? `the byte offset is in the binary ${source} compiles to (not written); \`weld validate\` reports the same for a binary`
      : spec.language === 'wasm'
        ? `the byte offset is in the component built from ${source} (not written); \`weld validate ${source}\` checks the file itself`
        : 'the toolchain wrote a component that does not validate (nothing was written); please report it with the source';
  let r;
  try {
    r = validateWasm(bytes, { features: [...ALL_FEATURES] });
  } catch (e) {
    // not a wasm binary at all (bad magic)
    throw new BuildError('wasm-invalid', `${made}: ${(e as Error).message}`, { component: spec.name, cause: e, hint });
  }
  if (r.kind === 'module') {
    // a core module is refused before the toolchain runs (it needs `wit` to be wrapped); no toolchain leaves one
    throw new BuildError('wasm-invalid', `${made}: the output is a core module`, { component: spec.name, hint });
  }
  if (!r.valid) {
    const e = r.error;
    throw new BuildError('wasm-invalid', `${made}: ${e.message}`, {
      component: spec.name,
      cause: e,
      at: { offset: e.offset, ...(e.section ? { section: e.section } : {}) },
      hint: e.hint ?? hint,
    });
  }
}

async function buildOne(spec: ComponentSpec, project: Project, outDir: string, cache: BuildCache, force: boolean): Promise<ComponentBuildResult> {
  const started = performance.now();
  await checkSources(spec, project.root);
  const out = path.join(outDir, `${spec.name}.wasm`);
  const inputs = await inputsHash(spec, project.root, await toolchainKey(spec));
  const previous = cache.get(spec.name);
  if (!force && previous?.inputs === inputs) {
    const existing = await outputDigest(out);
    if (existing && existing.digest === previous.digest) {
      await rememberWrittenFile(out, existing); // as a build that wrote it would (read now, or remembered as read)
      return { name: spec.name, language: spec.language, path: out, ...existing, cached: true, milliseconds: performance.now() - started };
    }
  }
  const witProblem = precheckWit(spec, project.root);
  const scratch = await mkdtemp(path.join(os.tmpdir(), `weld-build-${spec.name}-`));
  let built: { digest: string; size: number } | undefined;
  try {
    // a device or pipe at the output is refused before the toolchain runs (replaceFile looks first)
    await replaceFile(out, async (tmpOut) => {
      try {
        await runToolchain(spec, { scratch, out: tmpOut, root: project.root });
      } catch (e) {
        // Both weld's resolver and the toolchain rejected the WIT: weld's error has the location and caret.
        if (witProblem && e instanceof BuildError && TOOLCHAIN_WIT_FAILURES.has(e.code)) throw witBuildError(spec, project.root, witProblem);
        throw e;
      }
      // read once: hashed as it is read, then validated from memory
      const output = await readFileDigest(tmpOut).catch(() => undefined);
      if (!output) throw new BuildError('component-new-failed', 'the toolchain finished without writing a component', { component: spec.name });
      checkOutput(spec, output.bytes, project.root);
      built = { digest: output.digest, size: output.bytes.byteLength };
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  await rememberWrittenFile(out, built!); // `weld push` of the output need not read it again
  cache.set(spec.name, { inputs, digest: built!.digest, size: built!.size });
  return { name: spec.name, language: spec.language, path: out, ...built!, cached: false, milliseconds: performance.now() - started };
}

/**
 * Builds the project's components into `outDir`, at most `jobs` at a time. Unchanged components are kept
 * (content-hash cache). On the first failure no new component starts; the ones running finish, their
 * results are cached, and the first error is thrown. Outputs appear only complete (temp file + rename).
 */
export async function buildProject(project: Project, options: BuildOptions = {}): Promise<BuildSummary> {
  const started = performance.now();
  const outDir = path.resolve(project.root, options.outDir ?? 'build');
  let specs = project.components;
  if (options.only?.length) {
    const unknown = options.only.filter((n) => !specs.some((s) => s.name === n));
    if (unknown.length) {
      throw new BuildError('project-invalid', `no component named ${unknown.join(', ')}; components: ${specs.map((s) => s.name).join(', ')}`);
    }
    specs = specs.filter((s) => options.only!.includes(s.name));
  }
  await makeFolders(outDir);
  const cache = await BuildCache.open(outDir);
  const jobs = Math.max(1, options.jobs ?? os.availableParallelism());
  const results: ComponentBuildResult[] = new Array(specs.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < specs.length) {
      const index = next++;
      const spec = specs[index]!;
      options.onEvent?.({ kind: 'start', name: spec.name, language: spec.language });
      try {
        results[index] = await buildOne(spec, project, outDir, cache, options.force ?? false);
        options.onEvent?.({ kind: 'done', result: results[index]! });
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, specs.length) }, worker));
  await cache.save();
  if (failure !== undefined) throw failure;
  const built = results.filter((r) => !r.cached).length;
  return { outDir, components: results, built, cached: results.length - built, milliseconds: performance.now() - started };
}
