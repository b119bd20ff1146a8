/** Prints a check's result as text (grouped, coloured on a TTY), JSON, GitHub annotations or SARIF. */
import { CliError } from '@weld/core';
import { type Problem, type RuleInfo, githubAnnotations, toSarif } from '@weld/wit-tools';
import type { GlobalOptions } from './context.js';
import { WELD_VERSION } from './version.js';

export type CheckFormat = 'text' | 'github' | 'sarif';

export function parseFormat(value: string | undefined): CheckFormat {
  if (value === undefined || value === 'text' || value === 'github' || value === 'sarif') return value ?? 'text';
  throw new CliError('usage', `--format must be text, github or sarif, got "${value}"`, { exit: 2 });
}

const CODES = { red: 31, yellow: 33, green: 32, dim: 2, bold: 1, cyan: 36 } as const;
export type Paint = (style: keyof typeof CODES, text: string) => string;

/** ANSI colours when stdout is a terminal (NO_COLOR turns them off, FORCE_COLOR on). */
export function painter(): Paint {
  const on = process.env.FORCE_COLOR ? process.env.FORCE_COLOR !== '0' : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  return on ? (style, text) => `\x1b[${CODES[style]}m${text}\x1b[0m` : (_s, text) => text;
}

export interface CheckOutput {
  json: unknown;
  problems: Problem[];
  rules: RuleInfo[];
  text: (paint: Paint) => string[];
}

export function printCheck(g: GlobalOptions, format: CheckFormat, out: CheckOutput): void {
  if (g.output === 'json') {
    process.stdout.write(JSON.stringify(out.json, null, 2) + '\n');
    return;
  }
  if (format === 'github') {
    for (const line of githubAnnotations(out.problems)) process.stdout.write(line + '\n');
    return;
  }
  if (format === 'sarif') {
    process.stdout.write(JSON.stringify(toSarif(out.problems, out.rules, { name: 'weld', version: WELD_VERSION }), null, 2) + '\n');
    return;
  }
  if (g.quiet) return;
  for (const line of out.text(painter())) process.stdout.write(line + '\n');
}
