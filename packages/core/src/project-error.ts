import { WeldError, type WeldErrorOptions } from './error.js';

// Apart from the YAML parsing in project.ts, so finding a project file never loads the YAML parser.

/** The names a project file may have, in the order they are looked for. */
export const PROJECT_FILE_NAMES = ['weld.yaml', 'weld.yml'] as const;

export type ProjectErrorCode =
  /** weld.yaml is not valid YAML, or a field has the wrong shape */
  | 'project-invalid'
  /** no weld.yaml / weld.yml in a folder that exists */
  | 'project-not-found'
  /** a folder holds both weld.yaml and weld.yml: which one is the project is not for weld to guess */
  | 'project-ambiguous'
  /** the project path named does not exist */
  | 'no-such-file';

export class ProjectError extends WeldError<ProjectErrorCode> {
  constructor(code: ProjectErrorCode, message: string, options: WeldErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ProjectError';
  }
}
