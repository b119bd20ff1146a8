import type { Command } from 'commander';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve as resolvePathOf } from 'node:path';
import { CliError, isWeldError } from '@weld/core';
import { writeFileAtomicSync } from '@weld/core/node';
import {
  LINT_RULE_INFO, type LintReport, applyEdits, lintProblems, lintWit, type ResolvedPackage,
} from '@weld/wit-tools';
import { readPackageDir, resolvePath } from '@weld/wit-tools/node';
import { type Paint, parseFormat, printCheck } from '../check-output.js';
import { exitState, globals } from '../context.js';

/** The package's own files and, per dependency, the .wit files of deps/ (folders or single files). */
function inputs(path: string): { files: { path: string; text: string }[]; deps: { path: string; text: string }[][] } {
  if (!existsSync(path)) throw new CliError('no-such-file', `${path}: no such file or folder`);
  if (!statSync(path).isDirectory()) return { files: [{ path, text: readFileSync(path, 'utf8') }], deps: [] };
  const files = readPackageDir(path);
  if (files.length === 0) {
    resolvePath(path, { allFeatures: true }); // throws the error `weld wit check` gives for a folder with no .wit files
    throw new CliError('usage', `${path} holds no .wit files`, { hint: 'weld wit lint <wit folder>' });
  }
  const depsDir = join(path, 'deps');
  const deps = existsSync(depsDir)
    ? readdirSync(depsDir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? [readPackageDir(join(depsDir, e.name))] : e.name.endsWith('.wit') ? [[{ path: join(depsDir, e.name), text: readFileSync(join(depsDir, e.name), 'utf8') }]] : [])
    : [];
  return { files, deps };
}

type Resolution = { resolved: ResolvedPackage; error?: undefined } | { resolved?: undefined; error: unknown };

function resolution(path: string): Resolution {
  try {
    return { resolved: resolvePath(path, { allFeatures: true }) };
  } catch (error) {
    return { error };
  }
}

/**
 * Whether lint itself reports, as an error, the reason the package does not resolve: a problem where the resolver
 * stopped (an unversioned reference to a deps/ package, which `--fix` versions). Any other resolve error is the
 * package being invalid, and lint reports it as `weld wit check` does rather than passing the package.
 */
function explainedByLint(error: unknown, report: LintReport): boolean {
  if (!isWeldError(error) || !error.span?.file) return false;
  const { file, line, column } = error.span;
  return report.problems.some((p) => p.level === 'error' && p.location.line === line && p.location.col === column && resolvePathOf(p.location.path) === resolvePathOf(file));
}

function lintText(report: LintReport, fixed: string[], paint: Paint): string[] {
  const lines: string[] = [];
  let file = '';
  for (const p of report.problems) {
    if (p.location.path !== file) {
      file = p.location.path;
      lines.push(paint('bold', file));
    }
    const level = p.level === 'error' ? paint('red', 'error') : paint('yellow', 'warn ');
    lines.push(`  ${p.location.line}:${p.location.col}  ${level}  ${p.message}  ${paint('dim', p.rule + (p.fix ? ' (fixable)' : ''))}`);
  }
  for (const f of fixed) lines.push(`fixed ${f}`);
  const summary = `${report.errors} error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'}${report.fixable > 0 ? ` (${report.fixable} fixable with --fix)` : ''}`;
  lines.push(report.problems.length === 0 ? paint('green', `ok: ${report.package ?? 'the package'} has no lint problems`) : summary);
  return lines;
}

export function registerWitLint(program: Command): void {
  const wit = program.commands.find((c) => c.name() === 'wit') ?? program.command('wit');
  wit
    .command('lint')
    .description('check a WIT package against naming, usage, gate, dependency and docs rules (weld.yaml `lint:` sets each rule off/warn/error); exit 1 on errors')
    .argument('[path]', 'WIT folder (with deps/) or file', 'wit')
    .option('--fix', 'apply the mechanical fixes (remove unused uses, add @since, add dependency versions) in place')
    .option('--config <weld.yaml>', 'the project file with the `lint:` rules (default: the nearest weld.yaml above the path)')
    .option('--format <format>', 'text, github (Actions annotations) or sarif (2.1.0); -o json for JSON', 'text')
    .action(async (path: string, opts: { fix?: boolean; config?: string; format?: string }, cmd: Command) => {
      const g = globals(cmd);
      const format = parseFormat(opts.format);
      const { lintConfigFor } = await import('../lint-config.js');
      const { config } = await lintConfigFor(statSync(path, { throwIfNoEntry: false })?.isDirectory() ? path : dirname(path), opts.config);
      let { files, deps } = inputs(path);
      let resolved = resolution(path);
      const lint = () => lintWit(files, { config, deps, resolved: resolved.resolved });
      let report = lint();
      // a package that does not resolve is refused before any fix is written
      if (resolved.error !== undefined && !explainedByLint(resolved.error, report)) throw resolved.error;
      const fixed = new Set<string>();
      if (opts.fix) {
        // fixes that touch the same text wait for the next pass
        for (let pass = 0; pass < 5 && report.fixable > 0; pass++) {
          const changed = applyEdits(files, report.problems.flatMap((p) => p.fix ?? []));
          if (changed.length === 0) break;
          files = files.map((f) => changed.find((c) => c.path === f.path) ?? f);
          for (const c of changed) fixed.add(c.path);
          report = lintWit(files, { config, deps });
        }
        for (const f of files) if (fixed.has(f.path)) writeFileAtomicSync(f.path, f.text);
        resolved = resolution(path);
        report = lint();
      }
      if (resolved.error !== undefined && !explainedByLint(resolved.error, report)) throw resolved.error;
      if (report.errors > 0) exitState.code = 1;
      printCheck(g, format, {
        json: { path, fixed: [...fixed], ...report },
        problems: lintProblems(report),
        rules: LINT_RULE_INFO,
        text: (paint) => lintText(report, [...fixed], paint),
      });
    });
}
