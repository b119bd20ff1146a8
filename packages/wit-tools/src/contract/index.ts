export { checkBreaking, suggest, type BreakingOptions, type WitSide } from './breaking.js';
export type { BreakingReport, BreakingCode, Finding, FindingCategory, Affected, Location, WorldUse } from './findings.js';
export { CODE_INFO } from './context.js';
export { type Bump, type Severity, bumpFor, madeBump, compatibleVersionKey, isVersion, compareVersions } from './semver.js';
export { breakingProblems, githubAnnotations, toSarif, describeFinding, type Problem, type ProblemLevel, type RuleInfo } from './problems.js';
export { BREAKING_CODE_DESCRIPTIONS, BREAKING_RULES } from './codes.js';
export { grantsOf, diffGrants, grantProblems, GRANT_RULES, type GrantsReport, type GrantsDiff, type Capability, type CapabilityInfo } from './grants.js';
export * from './lint/index.js';
