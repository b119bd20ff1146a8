export { lintWit, lintProblems, LINT_RULE_INFO, type LintProblem, type LintReport, type LintOptions } from './lint.js';
export { applyEdits, type TextEdit, type FixedFile } from './fix.js';
export { LINT_RULES, isLintRule, isLintLevel, levelOf, type LintRule, type LintLevel, type LintConfig } from './rules.js';
