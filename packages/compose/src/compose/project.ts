import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Project } from '../build/project.js';
import { writeFileAtomic } from '@weld/core/node';
import { ComposeError } from './errors.js';
import { plugComponents, type ComposedComponent } from './plug.js';

export interface ProjectComposition extends ComposedComponent {
  name: string;
  output: string;
}

/**
 * Runs the `compose:` entries of a project in order. Inputs named after components are read from the build
 * output folder (run `weld build` first); a composition may plug an earlier composition by its name.
 */
export async function composeProject(project: Project, options: { outDir?: string; weldVersion: string }): Promise<ProjectComposition[]> {
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
    return { name: path.basename(input, '.wasm'), bytes: await readFile(file) };
  };
  await mkdir(outDir, { recursive: true });
  const results: ProjectComposition[] = [];
  for (const c of project.compositions) {
    const socket = await load(c.socket);
    const plugs = await Promise.all(c.plugs.map(load));
    const composed = plugComponents(socket, plugs, { weldVersion: options.weldVersion });
    const output = path.join(outDir, `${c.name}.wasm`);
    await writeFileAtomic(output, composed.bytes);
    results.push({ ...composed, name: c.name, output });
  }
  return results;
}
