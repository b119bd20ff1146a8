/** weld.yaml's `lint:` section: a mapping of rule → off | warn | error, checked with the line of every mistake. */
import { ProjectError, findProjectFileUpward, loadProjectDocument } from '@weld/core/project';
import { LINT_RULES, type LintConfig, isLintLevel, isLintRule } from '@weld/wit-tools';
import { isMap, isScalar } from 'yaml';

export async function lintConfigFor(from: string, file?: string): Promise<{ config: LintConfig; file?: string }> {
  const path = file ?? findProjectFileUpward(from);
  if (path === undefined) return { config: {} };
  const doc = await loadProjectDocument(path);
  const section = doc.sections.get('lint');
  if (!section || section.value === null) return { config: {}, file: doc.file };
  const fail = (node: Parameters<typeof doc.spanOf>[0], message: string, hint?: string): never => {
    throw new ProjectError('project-invalid', message, { span: doc.spanOf(node), hint });
  };
  if (!isMap(section.value)) return fail(section.value, 'lint: expected a mapping of rule: off | warn | error', 'e.g. lint:\n  missing-docs: warn');
  const config: LintConfig = {};
  for (const pair of section.value.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!isLintRule(key)) return fail(pair.key as Parameters<typeof doc.spanOf>[0], `lint: unknown rule "${key}"`, `rules: ${Object.keys(LINT_RULES).join(', ')}`);
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (!isLintLevel(value)) return fail(pair.value as Parameters<typeof doc.spanOf>[0], `lint: ${key}: expected off, warn or error`);
    config[key] = value;
  }
  return { config, file: doc.file };
}
