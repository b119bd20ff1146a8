// weld.yaml: kept out of the main entry so commands that never read it do not load the YAML parser.
export {
  parseProjectDocument, ProjectError, PROJECT_FILE_NAMES, PROJECT_SECTIONS,
  type ProjectDocument, type ProjectErrorCode, type ProjectSection,
} from './project.js';
export { projectFileIn, locateProjectFile, findProjectFileUpward, displayPath } from './node/project-paths.js';
export { loadProjectDocument } from './node/project-file.js';
