import type { Command } from 'commander';
import { CliError } from '@weld/core';
import { GRANT_RULES, type GrantsReport, diffGrants, grantProblems, grantsOf } from '@weld/wit-tools';
import { type Paint, parseFormat, printCheck } from '../check-output.js';
import { exitState, globals } from '../context.js';
import { type LoadedSide, loadSide } from '../wit-sides.js';
import { openOptions, withRegistryFlags } from './registry-common.js';

function reportText(r: GrantsReport, paint: Paint): string[] {
  const lines: string[] = [];
  if (r.capabilities.length === 0) lines.push('asks for no capabilities: runs with no grant flags');
  for (const c of r.capabilities) {
    const flags = c.flags.length > 0 ? c.flags.join(', ') + (c.planned ? ' (planned flag: not in this weld version)' : '') : 'no flag needed';
    lines.push(`${paint('bold', c.capability.padEnd(16))} ${c.description}: ${paint('cyan', flags)}`, `${' '.repeat(17)}${paint('dim', c.imports.join(', '))}`);
  }
  if (r.serves.length > 0) lines.push('', ...r.serves.map((s) => `exports ${s}`));
  if (r.other.length > 0) lines.push('', `imports no host provides (compose them in or add a plugin): ${r.other.join(', ')}`);
  if (r.ambient.length > 0) lines.push('', paint('dim', `needs no grant: ${r.ambient.join(', ')}`));
  return lines;
}

function componentOf(side: LoadedSide, input: string) {
  if (side.world === undefined) throw new CliError('usage', `${input} is a WIT package, not a component`, { hint: 'weld grants takes a component (.wasm) or a reference to one' });
  return grantsOf(side.resolve, side.world);
}

export function registerGrants(program: Command): void {
  withRegistryFlags(
    program
      .command('grants')
      .description('the capabilities a component can ask for (from its imports) as the weld run flags that grant them; with two, what the new one newly asks for (exit 1 if anything)')
      .argument('<component>', 'a component (.wasm/.wat) or a reference')
      .argument('[new]', 'a newer version: show only what it adds')
      .option('--format <format>', 'text, github or sarif (for the two-version form); -o json for JSON', 'text'),
  ).action(async (first: string, second: string | undefined, opts: { format?: string; plainHttp?: boolean; timeout?: string }, cmd: Command) => {
    const g = globals(cmd);
    const format = parseFormat(opts.format);
    const open = openOptions(opts);
    const a = componentOf(await loadSide(first, open), first);
    if (second === undefined) {
      printCheck(g, format, { json: { component: first, ...a }, problems: [], rules: GRANT_RULES, text: (paint) => reportText(a, paint) });
      return;
    }
    const b = componentOf(await loadSide(second, open), second);
    const diff = diffGrants(a, b);
    if (diff.added.length > 0 || diff.widened.length > 0) exitState.code = 1;
    printCheck(g, format, {
      json: { old: first, new: second, added: diff.added, removed: diff.removed, widened: diff.widened },
      problems: grantProblems(diff, second),
      rules: GRANT_RULES,
      text: (paint) => {
        const lines: string[] = [];
        for (const c of diff.added) lines.push(paint('red', `+ ${c.capability}: now asks to ${c.description} (imports ${c.imports.join(', ')})`), `    grant with ${c.flags.join(', ') || 'no flag'}`);
        for (const c of diff.widened) lines.push(paint('yellow', `~ ${c.capability}: now also imports ${c.newImports.join(', ')}`));
        for (const c of diff.removed) lines.push(paint('green', `- ${c.capability}: no longer asks to ${c.description}`));
        if (lines.length === 0) lines.push('asks for nothing new');
        return lines;
      },
    });
  });
}
