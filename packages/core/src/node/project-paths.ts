import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ProjectError, PROJECT_FILE_NAMES } from '../project-error.js';

/** The project file in `dir` (weld.yaml or weld.yml), or undefined; both at once is an error. */
export function projectFileIn(dir: string): string | undefined {
  const found = PROJECT_FILE_NAMES.map((name) => path.join(dir, name)).filter((candidate) => existsSync(candidate));
  if (found.length > 1) {
    throw new ProjectError('project-ambiguous', `both ${found.map(displayPath).join(' and ')} exist; keep one`, {
      hint: 'weld reads one project file per folder: merge them into weld.yaml and delete the other',
    });
  }
  return found[0];
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
