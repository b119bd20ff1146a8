import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ProjectError, PROJECT_FILE_NAMES } from '../project-error.js';

/** The project file in `dir` (weld.yaml, else weld.yml), or undefined. */
export function projectFileIn(dir: string): string | undefined {
  for (const name of PROJECT_FILE_NAMES) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** `target` is the project file itself or a directory holding one. */
export function locateProjectFile(target: string): string {
  const abs = path.resolve(target);
  if (existsSync(abs) && statSync(abs).isFile()) return abs;
  if (!existsSync(abs)) throw new ProjectError('no-such-file', `${target}: no such file or folder`, { hint: 'pass the project directory or its weld.yaml' });
  const found = projectFileIn(abs);
  if (found) return found;
  throw new ProjectError('project-not-found', `no weld.yaml in ${abs}`, { hint: 'pass the project directory or its weld.yaml' });
}

/** The nearest project file from `cwd` upwards, or undefined. */
export function findProjectFileUpward(cwd: string = process.cwd()): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const found = projectFileIn(dir);
    if (found) return found;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** How a path is shown in messages: relative to the working directory when below it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}
