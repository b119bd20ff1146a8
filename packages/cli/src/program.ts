// The commander program and running it: loaded by main.ts for every run but a bare `weld --version`.
import { Command, CommanderError, Option } from 'commander';
import { errorDocument, isWeldError, renderError as renderWeldError } from '@weld/core';
import { registerCommands, registerCommandsFor } from './commands/index.js';
import { exitState } from './context.js';
import { fileSystemError } from './fs-errors.js';
import { WELD_VERSION } from './version.js';

function baseProgram(): Command {
  const program = new Command('weld')
    .description('Build, compose, check, sign, publish and run WebAssembly components')
    .version(WELD_VERSION, '-V, --version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'print only errors')
    .option('-v, --verbose', 'print more detail')
    .option('--no-progress', 'never draw progress bars')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureOutput({ outputError: (str, write) => write(str) });
  program.configureHelp({ showGlobalOptions: true });
  return program;
}

/** The whole CLI, every command registered. */
export async function buildProgram(): Promise<Command> {
  const program = baseProgram();
  await registerCommands(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** The CLI with what `argv` needs: a command that stands alone loads only its own modules. */
async function buildProgramFor(argv: string[]): Promise<Command> {
  const program = baseProgram();
  await registerCommandsFor(program, argv);
  for (const c of program.commands) c.exitOverride();
  return program;
}

function renderError(e: unknown): { text: string; exit: number } {
  if (isWeldError(e)) {
    const color = process.stderr.isTTY === true && !process.env.NO_COLOR;
    return { text: renderWeldError(e, { color }), exit: e.exit };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const text = `internal error: ${err.message}\n${process.env.WELD_DEBUG ? err.stack ?? '' : '(set WELD_DEBUG=1 for a stack trace; please report this)'}`;
  return { text, exit: 70 };
}

/** Parses `argv` (already respelled by outputFileSpelling) with the program `argv` needs and runs it; returns the exit code. */
export async function runProgram(argv: string[], parsed: string[]): Promise<number> {
  const program = await buildProgramFor(argv);
  try {
    await program.parseAsync(parsed, { from: 'user' });
    return exitState.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    e = fileSystemError(e) ?? e;
    const { text, exit } = renderError(e);
    const json = program.opts<{ output?: string }>().output === 'json';
    if (json && isWeldError(e)) {
      // One document and nothing else: the structured fields a program needs, where the error has them.
      process.stdout.write(JSON.stringify({ error: errorDocument(e) }, null, 2) + '\n');
      return exit;
    }
    process.stderr.write(text + '\n');
    return exit;
  }
}
