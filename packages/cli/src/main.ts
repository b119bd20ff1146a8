import { exitState } from './context.js';
import { WELD_VERSION } from './version.js';

const WRITES_A_FILE = [['pull'], ['compose'], ['wit', 'build']];
const FORMATS = new Set(['text', 'json']);

/**
 * `weld pull <ref> -o app.wasm` (as wkg and wasm-tools spell it) means `--out app.wasm`: after a command that writes
 * a file, `-o`/`--output` with a value that is not an output format names the file. `-o json` stays the format.
 */
export function outputFileSpelling(argv: string[]): string[] {
  // the command words, skipping global options and the value of a global `-o FORMAT` before them
  const positional: number[] = [];
  for (let i = 0; i < argv.length && positional.length < 2; i++) {
    if (argv[i] === '-o' || argv[i] === '--output') i++;
    else if (!argv[i]!.startsWith('-')) positional.push(i);
  }
  const words = positional.map((i) => argv[i]);
  const command = WRITES_A_FILE.find((cmd) => cmd.every((word, i) => words[i] === word));
  if (!command) return argv;
  const commandAt = positional[command.length - 1]!;
  return argv.map((a, i) => {
    if (i <= commandAt) return a;
    if ((a === '-o' || a === '--output') && argv[i + 1] !== undefined && !FORMATS.has(argv[i + 1]!)) return '--out';
    const eq = /^--output=(.+)$/.exec(a);
    return eq && !FORMATS.has(eq[1]!) ? `--out=${eq[1]}` : a;
  });
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  exitState.code = 0;
  // `weld --version` alone, as commander prints it, without loading commander or any command (start-up is all it costs)
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${WELD_VERSION}\n`);
    return 0;
  }
  const { runProgram } = await import('./program.js');
  return runProgram(argv, outputFileSpelling(argv));
}

/** The whole CLI, every command registered (for completions and tests). */
export async function buildProgram(): Promise<import('commander').Command> {
  return (await import('./program.js')).buildProgram();
}
