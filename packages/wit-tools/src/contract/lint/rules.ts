/** The lint rules, their default levels, and the `lint:` config of weld.yaml (rule → off | warn | error). */

export type LintRule =
  | 'naming-kebab-case'
  | 'naming-stutter'
  | 'unused-use'
  | 'unused-type'
  | 'missing-since'
  | 'unversioned-dependency'
  | 'missing-docs'
  | 'shadowing'
  | 'deprecated-without-hint';

export type LintLevel = 'off' | 'warn' | 'error';

export const LINT_RULES: Record<LintRule, { level: LintLevel; fixable: boolean; description: string }> = {
  'naming-kebab-case': { level: 'warn', fixable: false, description: 'names are lowercase kebab-case; uppercase words only as acronyms beside lowercase ones (`HTTP-request-denied`, not `POINT`)' },
  'naming-stutter': { level: 'warn', fixable: false, description: 'a name does not repeat its package or interface (`http-client` in `wasi:http`, `counter-get` in `counter`)' },
  'unused-use': { level: 'warn', fixable: true, description: 'every name a `use` brings in is used (--fix removes it)' },
  'unused-type': { level: 'warn', fixable: false, description: 'every type is used by a function, another type, or a `use` elsewhere in the package' },
  'missing-since': { level: 'warn', fixable: true, description: 'items of a released package (1.0.0 or later, or 0.x already using `@since`) carry `@since` or `@unstable` (--fix adds `@since(version = <package version>)`)' },
  'unversioned-dependency': { level: 'error', fixable: true, description: 'references to other packages name a version (--fix adds the version deps/ resolves to)' },
  'missing-docs': { level: 'off', fixable: false, description: 'interfaces, worlds, functions and types have doc comments (opt-in)' },
  shadowing: { level: 'warn', fixable: false, description: 'an interface does not define a type with the name of another type in an interface it uses from' },
  'deprecated-without-hint': { level: 'warn', fixable: false, description: '`@deprecated` items say what to use instead in their docs' },
};

/** Per-rule levels; rules not named keep their default. */
export type LintConfig = Partial<Record<LintRule, LintLevel>>;

export function isLintRule(name: string): name is LintRule {
  return Object.prototype.hasOwnProperty.call(LINT_RULES, name);
}

export function isLintLevel(value: unknown): value is LintLevel {
  return value === 'off' || value === 'warn' || value === 'error';
}

export function levelOf(rule: LintRule, config: LintConfig): LintLevel {
  return config[rule] ?? LINT_RULES[rule].level;
}
