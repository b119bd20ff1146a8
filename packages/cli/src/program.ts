// The commander program and running it: loaded by main.ts for every run but a bare `weld --version`.
import { Command, CommanderError, Option } from 'commander';
import { CliError, errorDocument, isWeldError, renderError as renderWeldError } from '@weld/core';
import { registerCommands, registerCommandsFor } from './commands/index.js';
import { exitState } from './context.js';
import { fileSystemError } from './fs-errors.js';
import { WELD_VERSION } from './version.js';

/** Whether this run's usage errors print as JSON: set from the arguments before commander parses them. */
const usage = { json: false };

/** `-o json`, `--output json`, `--output=json` or `-ojson` among the options (not after `--`, which ends them). */
export function wantsJson(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return false;
    if ((a === '-o' || a === '--output') && argv[i + 1] === 'json') return true;
    if (a === '--output=json' || a === '-ojson') return true;
  }
  return false;
}

/** The command words of `argv` as `program` knows them (`weld wit build`), for a usage hint. */
function commandPath(program: Command, argv: string[]): string {
  const names = [program.name()];
  let cmd = program;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '-o' || a === '--output') i++;
    if (a.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    names.push(sub.name());
    cmd = sub;
  }
  return names.join(' ');
}

/** An unknown option that is more likely a file whose name starts with a dash (`-d.wasm`, `-out/x`): the option text. */
function dashFile(e: CommanderError): string | undefined {
  if (e.code !== 'commander.unknownOption') return undefined;
  const option = /unknown option '(.*)'/.exec(e.message)?.[1];
  if (option === undefined || option.includes('=')) return undefined; // --flag=a/b is a misspelt flag with its value
  return /\.(wasm|wat|wit|ya?ml|json)$/.test(option) || option.includes('/') ? option : undefined;
}

/**
 * A commander usage error as weld's typed one: commander's message, its suggestion (if any) or a pointer to --help,
 * and for an "option" that looks like a file name, that `--` ends the options.
 */
function usageError(e: CommanderError, program: Command, argv: string[]): CliError {
  const [first = '', ...rest] = e.message.split('\n');
  const suggestion = rest.map((l) => l.trim().replace(/^\((.*)\)$/, '$1')).filter((l) => l !== '').join(' ');
  const command = commandPath(program, argv);
  const help = `run ${command} --help for usage`;
  const file = dashFile(e);
  const dash = file === undefined ? '' : `; if ${file} is a file, end the options before it with --: ${command} -- ${file}`;
  return new CliError('usage', first.replace(/^error: /, ''), { exit: 2, hint: (suggestion ? `${suggestion} (${help})` : help) + dash });
}

function baseProgram(): Command {
  const program = new Command('weld')
    .description('Build, compose, check, sign, publish and run WebAssembly components')
    .version(WELD_VERSION, '-V, --version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'print only errors')
    .option('-v, --verbose', 'print more detail')
    .option('--no-progress', 'never draw progress bars')
    .exitOverride();
  // Commander's own usage errors (unknown command or option, missing argument, bad choice) are not printed here:
  // runProgram makes each a typed `usage` error and prints it like every other error (text on stderr, or JSON).
  program.configureOutput({ outputError: () => undefined });
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
  usage.json = wantsJson(parsed);
  const program = await buildProgramFor(argv);
  try {
    await program.parseAsync(parsed, { from: 'user' });
    return exitState.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      const error = usageError(e, program, parsed);
      if (usage.json) process.stdout.write(JSON.stringify({ error: errorDocument(error) }, null, 2) + '\n');
      else process.stderr.write(renderError(error).text + '\n');
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
