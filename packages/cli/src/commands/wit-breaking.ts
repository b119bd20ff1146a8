import type { Command } from 'commander';
import { CliError, parseDuration } from '@weld/core';
import {
  BREAKING_RULES, type BreakingReport, type Finding, breakingProblems, checkBreaking, describeFinding, isVersion,
} from '@weld/wit-tools';
import { type Paint, parseFormat, printCheck } from '../check-output.js';
import { exitState, globals } from '../context.js';
import { type LoadedSide, loadSide } from '../wit-sides.js';
import { resolveAgainst } from '../published.js';

/** The registry flags (as registry-common's), without loading the registry client before a reference needs it. */
function withRegistryFlags(cmd: Command): Command {
  return cmd
    .option('--plain-http', 'use http:// for a non-loopback registry (loopback hosts use http by default)')
    .option('--timeout <DURATION>', 'network timeout per request (500ms, 30s, 5m; a bare number is seconds)', '60s');
}

function openOptions(opts: { plainHttp?: boolean; timeout?: string }): { plainHttp: boolean; timeoutMs: number } {
  return { plainHttp: Boolean(opts.plainHttp), timeoutMs: parseDuration(opts.timeout ?? '60s', '--timeout') };
}

const CATEGORY_ORDER = ['package', 'interface', 'world', 'function', 'resource', 'type', 'dependency', 'gate', 'docs'];

export function breakingText(report: BreakingReport, paint: Paint): string[] {
  const lines: string[] = [];
  const versions = report.oldVersion !== undefined || report.newVersion !== undefined ? ` (${report.oldVersion ?? '?'} → ${report.newVersion ?? '?'})` : '';
  lines.push(paint('bold', `${report.package}${versions}: ${report.findings.length} change${report.findings.length === 1 ? '' : 's'}`));
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) groups.set(f.category, [...(groups.get(f.category) ?? []), f]);
  for (const category of CATEGORY_ORDER) {
    const list = groups.get(category);
    if (!list) continue;
    lines.push('', paint('bold', category));
    for (const f of list) {
      const bump = f.bump === 'major' ? paint('red', 'major') : f.bump === 'minor' ? paint('yellow', 'minor') : f.bump === 'patch' ? paint('green', 'patch') : paint('dim', 'none ');
      lines.push(`  ${bump}  ${paint('cyan', f.code)}  ${f.message}${f.unstable ? paint('dim', ' (unstable)') : ''}`);
      const where = describeFinding(f);
      if (where) lines.push(`         ${paint('dim', where)}`);
    }
  }
  lines.push('', `required bump: ${report.requiredBump}; made: ${report.madeBump}`);
  lines.push(report.ok ? paint('green', `ok: ${report.verdict}`) : paint('red', `error: ${report.verdict}`));
  return lines;
}

interface BreakingFlags {
  against?: string;
  oldVersion?: string;
  newVersion?: string;
  format?: string;
  plainHttp?: boolean;
  timeout?: string;
}

/** The version a side states: its own package version, else a semver tag it was pulled by. */
function versionOf(side: LoadedSide): string | undefined {
  return side.kind === 'component' ? side.tagVersion : side.resolve.packages[side.package]!.name.version ?? side.tagVersion;
}

export function registerWitBreaking(program: Command): void {
  const wit = program.commands.find((c) => c.name() === 'wit') ?? program.command('wit');
  withRegistryFlags(
    wit
      .command('breaking')
      .description('report what changed between two versions of a WIT package (or two components), the bump it needs, and whether the version made it (exit 1 if not)')
      .argument('[old]', 'the released version: WIT folder or file, component or binary WIT package (.wasm/.wat), or a reference')
      .argument('[new]', 'the new version (same kinds); with --against, the only argument (default: wit)')
      .option('--against <ref>', 'compare with a published version (a reference; without a tag, the newest semver tag of the repository)')
      .option('--old-version <semver>', 'version of the old side (components carry none; default: the package version or the reference tag)')
      .option('--new-version <semver>', 'version of the new side')
      .option('--format <format>', 'text, github (Actions annotations) or sarif (2.1.0); -o json for JSON', 'text'),
  ).action(async (first: string | undefined, second: string | undefined, opts: BreakingFlags, cmd: Command) => {
    const g = globals(cmd);
    const format = parseFormat(opts.format);
    const open = openOptions(opts);
    for (const [flag, v] of [['--old-version', opts.oldVersion], ['--new-version', opts.newVersion]] as const) {
      if (v !== undefined && !isVersion(v)) throw new CliError('usage', `${flag} ${v}: not a semver version`, { hint: `${flag} 1.2.0` });
    }
    let oldInput: string;
    let newInput: string;
    if (opts.against !== undefined) {
      if (second !== undefined) throw new CliError('usage', 'with --against, give only the new version', { hint: 'weld wit breaking wit --against ghcr.io/acme/types' });
      oldInput = await resolveAgainst(opts.against, open);
      newInput = first ?? 'wit';
    } else {
      if (first === undefined || second === undefined) throw new CliError('usage', 'give the old and the new version, or --against <ref>', { hint: 'weld wit breaking old/wit wit' });
      oldInput = first;
      newInput = second;
    }
    const [a, b] = await Promise.all([loadSide(oldInput, open), loadSide(newInput, open)]);
    if ((a.world === undefined) !== (b.world === undefined)) {
      throw new CliError('usage', `cannot compare a ${a.kind === 'component' ? 'component' : 'WIT package'} with a ${b.kind === 'component' ? 'component' : 'WIT package'}`, {
        hint: 'compare two packages (folders, files, binary WIT) or two components',
      });
    }
    const report = checkBreaking(a, b, { oldVersion: opts.oldVersion ?? versionOf(a), newVersion: opts.newVersion ?? versionOf(b) });
    if (!report.ok) exitState.code = 1;
    printCheck(g, format, {
      json: { old: oldInput, new: newInput, ...report },
      problems: breakingProblems(report),
      rules: BREAKING_RULES,
      text: (paint) => breakingText(report, paint),
    });
  });
}
