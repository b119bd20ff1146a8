// weld.yaml: kept out of the main entry so commands that never read it do not load the YAML parser.
export {
  parseProjectDocument, parsePolicySource, isProjectSection, ProjectError, PROJECT_FILE_NAMES, PROJECT_SECTIONS,
  type ProjectDocument, type ProjectErrorCode, type ProjectSection, type PolicySource,
} from './project.js';
export { POLICY_HINT, type PolicySpec, type TrustRuleSpec } from './project-policy.js';
export type { RegistriesSpec } from './project-registries.js';
export { projectFileIn, locateProjectFile, findProjectFileUpward, displayPath } from './node/project-paths.js';
export { loadProjectDocument } from './node/project-file.js';
export { firstAlias } from './yaml-source.js';
