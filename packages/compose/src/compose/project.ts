import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Project } from '../build/project.js';
import { writeFileAtomic } from '@weld/core/node';
import { ComposeError } from './errors.js';
import { plugComponents, type ComposedComponent } from './plug.js';
import { evaluateStatements } from '../wac/evaluate.js';
import { encodeComposition } from './wac-file.js';

export interface ProjectComposition extends ComposedComponent {
  name: string;
  output: string;
}

/**
 * Runs the `compose:` entries of a project in order. Inputs named after components are read from the build
 * output folder (run `weld build` first); a composition may plug an earlier composition by its name.
 */
export async function composeProject(project: Project, options: { outDir?: string; weldVersion: string; strict?: boolean; loadReference?: (reference: string) => Promise<Uint8Array> }): Promise<ProjectComposition[]> {
  if (project.compositions.length === 0) {
    throw new ComposeError('no-plugs', `${path.relative(process.cwd(), project.file) || project.file} has no compose: section`, {
      hint: 'add compose: [{ name: app-composed, socket: app, plugs: [calc] }], or run weld compose <socket> --plug <plug> --out <file>',
    });
  }
  const outDir = options.outDir ?? path.join(project.root, 'build');
  const fileOf = (input: string) => (input.endsWith('.wasm') ? input : path.join(outDir, `${input}.wasm`));
  const load = async (input: string) => {
    const file = fileOf(input);
    if (!existsSync(file)) {
      throw new ComposeError('input-invalid', `${path.relative(process.cwd(), file)} does not exist`, {
        hint: input.endsWith('.wasm') ? undefined : `build it first: weld build ${path.relative(process.cwd(), project.root) || '.'}`,
      });
    }
    return { name: path.basename(input, '.wasm'), source: path.relative(process.cwd(), file) || file, bytes: await readFile(file) };
  };
  const results: ProjectComposition[] = [];
  const text = await readFile(project.file, 'utf8');
  const shown = path.relative(process.cwd(), project.file) || project.file;
  const composed: { name: string; output: string; result: ComposedComponent }[] = [];
  // everything is composed before anything is written: a failing entry leaves no half-written outputs
  for (const c of project.compositions) {
    const output = path.join(outDir, `${c.name}.wasm`);
    if (c.kind === 'graph') {
      const g = await evaluateStatements(c.document, { file: shown, text }, async (ref) => load(ref));
      const r = encodeComposition(g, { weldVersion: options.weldVersion, strict: options.strict });
      composed.push({ name: c.name, output, result: { bytes: r.bytes, plugs: [], imports: r.imports, exports: r.exports, provenance: r.provenance, plan: r.plan, warnings: r.warnings } });
      continue;
    }
    const socket = await load(c.socket);
    const plugs = await Promise.all(c.plugs.map(load));
    composed.push({ name: c.name, output, result: await plugComponents(socket, plugs, { weldVersion: options.weldVersion, strict: options.strict }) });
  }
  await mkdir(outDir, { recursive: true });
  for (const c of composed) {
    await writeFileAtomic(c.output, c.result.bytes);
    results.push({ ...c.result, name: c.name, output: c.output });
  }
  return results;
}
