import { readFile } from 'node:fs/promises';
import { parseProjectDocument, type ProjectDocument } from '../project.js';
import { ProjectError } from '../project-error.js';
import { decodeTextFile } from '../text-file.js';
import { displayPath } from './project-paths.js';

export async function loadProjectDocument(file: string): Promise<ProjectDocument> {
  const shown = displayPath(file);
  const read = decodeTextFile(await readFile(file), shown);
  if ('notText' in read) throw new ProjectError('project-invalid', `${shown} is not a text file: ${read.notText}`, { hint: 'a project file is YAML text', span: read.span });
  return parseProjectDocument(read.text, shown);
}
