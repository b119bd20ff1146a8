/**
 * Every check (breaking, lint, grants) reports `Problem`s; GitHub annotations and SARIF are written from them,
 * so the CI formats say the same thing for every check.
 */
import type { BreakingReport, Finding, Location } from './findings.js';
import { bumpRank } from './semver.js';

export type ProblemLevel = 'error' | 'warning' | 'note';

export interface Problem {
  /** the rule or finding code */
  code: string;
  level: ProblemLevel;
  message: string;
  location?: Location;
  /** e.g. where the item was in the old version */
  related?: { location: Location; message: string }[];
}

export interface RuleInfo {
  id: string;
  description: string;
}

/**
 * Breaking findings as problems: an error when the finding needs a bigger bump than the version made, a
 * warning when it is breaking but the bump covers it, a note otherwise.
 */
export function breakingProblems(report: BreakingReport): Problem[] {
  const made = report.madeBump === 'lower' ? -1 : bumpRank(report.madeBump);
  return report.findings.map((f) => ({
    code: f.code,
    level: bumpRank(f.bump) > made ? 'error' : f.severity === 'breaking' ? 'warning' : 'note',
    message: `${f.message} (needs a ${f.bump} bump${f.unstable ? ', unstable' : ''})`,
    location: f.new ?? f.old,
    related: f.new && f.old ? [{ location: f.old, message: 'the old version' }] : undefined,
  }));
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands, one line per problem: `::error file=…,line=…,col=…,title=…::message`. */
export function githubAnnotations(problems: Problem[]): string[] {
  return problems.map((p) => {
    const props: string[] = [];
    if (p.location) {
      props.push(`file=${escapeProperty(p.location.path)}`);
      if (p.location.line !== undefined) props.push(`line=${p.location.line}`);
      if (p.location.col !== undefined) props.push(`col=${p.location.col}`);
    }
    props.push(`title=${escapeProperty(p.code)}`);
    const command = p.level === 'note' ? 'notice' : p.level;
    return `::${command} ${props.join(',')}::${escapeData(p.message)}`;
  });
}

export const TOOL_URI = 'https://github.com/weld-dev/weld';

function sarifLocation(l: Location) {
  const region = l.line !== undefined ? { region: { startLine: l.line, ...(l.col !== undefined ? { startColumn: l.col } : {}) } } : {};
  return { physicalLocation: { artifactLocation: { uri: l.path.replace(/\\/g, '/') }, ...region } };
}

/** A SARIF 2.1.0 log of one run: the rules that fired (with descriptions) and every problem as a result. */
export function toSarif(problems: Problem[], rules: RuleInfo[], tool: { name: string; version: string }): object {
  const used = [...new Set(problems.map((p) => p.code))];
  const ruleList = used.map((id) => ({ id, shortDescription: { text: rules.find((r) => r.id === id)?.description ?? id } }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: tool.name, version: tool.version, informationUri: TOOL_URI, rules: ruleList } },
        results: problems.map((p) => ({
          ruleId: p.code,
          ruleIndex: used.indexOf(p.code),
          level: p.level,
          message: { text: p.message },
          ...(p.location ? { locations: [sarifLocation(p.location)] } : {}),
          ...(p.related ? { relatedLocations: p.related.map((r, i) => ({ id: i, ...sarifLocation(r.location), message: { text: r.message } })) } : {}),
        })),
      },
    ],
  };
}

/** One finding as a line of text: where, the code, the message, who it breaks. */
export function describeFinding(f: Finding): string {
  const where = f.new ?? f.old;
  const fmt = (l: Location) => `${l.path}${l.line !== undefined ? `:${l.line}:${l.col}` : ''}`;
  const at = where ? fmt(where) + (f.new && f.old ? ` (was ${fmt(f.old)})` : '') : '';
  const breaks = f.affects.length > 0 && f.severity === 'breaking' ? `breaks ${f.affects.join(' and ')}` : '';
  const used = f.usedBy?.map((u) => `${u.direction}ed by world ${u.world}`).join(', ');
  const via = f.via ? `in dependency ${f.via}${f.reachedThrough ? `, reached through ${f.reachedThrough}` : ''}` : '';
  return [at, [breaks, used, via].filter(Boolean).join('; ')].filter(Boolean).join('  ');
}
