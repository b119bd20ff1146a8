import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { displayPath, readFileDigest } from '@weld/core/node';
import path from 'node:path';
import type { Project } from '../build/project.js';
import { writeFileAtomic } from '@weld/core/node';
import { ComposeError } from './errors.js';
import { plugComponents, type ComposedComponent } from './plug.js';
import { withJoinedBytes } from '../graph/encode.js';
import { plugGraph } from '../graph/plugs.js';
import { planGraph, type CompositionPlan } from '../graph/plan.js';
import type { PackageInput } from '../graph/graph.js';
import { evaluateStatements } from '../wac/evaluate.js';
import { encodeComposition } from './wac-file.js';

export interface ProjectComposition extends ComposedComponent {
  name: string;
  output: string;
}

interface ProjectOptions {
  outDir?: string;
  weldVersion: string;
  strict?: boolean;
}

/**
 * Runs the `compose:` entries of a project in order. Inputs named after components are read from the build
 * output folder (run `weld build` first); an entry may use an earlier entry's output by its path. Everything is
 * composed before anything is written, so a failing entry leaves no half-written outputs.
 */
export async function composeProject(project: Project, options: ProjectOptions): Promise<ProjectComposition[]> {
  const ctx = await projectContext(project, options);
  const composed: ProjectComposition[] = [];
  for (const c of project.compositions) {
    const output = path.join(ctx.outDir, `${c.name}.wasm`);
    let result: ComposedComponent;
    if (c.kind === 'graph') {
      const g = await evaluateStatements(c.document, ctx.source, ctx.load);
      const r = encodeComposition(g, { weldVersion: options.weldVersion, strict: options.strict });
      result = withJoinedBytes({ chunks: r.chunks, plugs: [], imports: r.imports, exports: r.exports, provenance: r.provenance, plan: r.plan, warnings: r.warnings });
    } else {
      result = await plugComponents(await ctx.load(c.socket), await Promise.all(c.plugs.map(ctx.load)), { weldVersion: options.weldVersion, strict: options.strict });
    }
    ctx.produced.set(output, result.bytes);
    composed.push({ ...result, name: c.name, output });
  }
  await mkdir(ctx.outDir, { recursive: true });
  for (const c of composed) await writeFileAtomic(c.output, c.bytes);
  return composed;
}

/** The plan of every `compose:` entry (`weld compose --plan` in a project); nothing is encoded or written. */
export async function planProject(project: Project, options: Omit<ProjectOptions, 'weldVersion' | 'strict'> = {}): Promise<{ name: string; plan: CompositionPlan }[]> {
  const ctx = await projectContext(project, options);
  const plans: { name: string; plan: CompositionPlan }[] = [];
  for (const c of project.compositions) {
    const graph = c.kind === 'graph' ? (await evaluateStatements(c.document, ctx.source, ctx.load)).graph : plugGraph(await ctx.load(c.socket), await Promise.all(c.plugs.map(ctx.load))).graph;
    plans.push({ name: c.name, plan: planGraph(graph) });
  }
  return plans;
}

async function projectContext(project: Project, options: { outDir?: string }) {
  if (project.compositions.length === 0) {
    throw new ComposeError('no-plugs', `${path.relative(process.cwd(), project.file) || project.file} has no compose: section`, {
      hint: 'add compose: [{ name: app-composed, socket: app, plugs: [calc] }], or run weld compose <socket> --plug <plug> --out <file>',
    });
  }
  const outDir = options.outDir ?? path.join(project.root, 'build');
  const produced = new Map<string, Uint8Array>();
  const fileOf = (input: string) => (input.endsWith('.wasm') ? path.resolve(input) : path.join(outDir, `${input}.wasm`));
  const load = async (input: string): Promise<PackageInput> => {
    const file = fileOf(input);
    const source = displayPath(file);
    const earlier = produced.get(file);
    if (earlier) return { name: path.basename(input, '.wasm'), source, bytes: earlier };
    if (!existsSync(file)) {
      throw new ComposeError('input-invalid', `${path.relative(process.cwd(), file)} does not exist`, {
        hint: input.endsWith('.wasm') ? undefined : `build it first: weld build ${path.relative(process.cwd(), project.root) || '.'}`,
      });
    }
    return { name: path.basename(input, '.wasm'), source, ...(await readFileDigest(file)) };
  };
  const source = { file: path.relative(process.cwd(), project.file) || project.file, text: await readFile(project.file, 'utf8') };
  return { outDir, produced, load, source };
}
