import { readFile } from 'node:fs/promises';
import { parseProjectDocument, type ProjectDocument } from '../project.js';
import { displayPath } from './project-paths.js';

export async function loadProjectDocument(file: string): Promise<ProjectDocument> {
  const text = await readFile(file, 'utf8');
  return parseProjectDocument(text, displayPath(file));
}
