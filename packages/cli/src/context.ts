import type { Command } from 'commander';

export type OutputFormat = 'text' | 'json';

/** Global options every command reads: how to print and how chatty to be. */
export interface GlobalOptions {
  output: OutputFormat;
  quiet: boolean;
  verbose: boolean;
  progress: boolean;
}

export function globals(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as { output?: string; quiet?: boolean; verbose?: boolean; progress?: boolean };
  return {
    output: o.output === 'json' ? 'json' : 'text',
    quiet: Boolean(o.quiet),
    verbose: Boolean(o.verbose),
    progress: o.progress !== false && Boolean(process.stderr.isTTY),
  };
}

/** Prints a command's result: `json` as one document on stdout, else the text lines. */
export function emit(g: GlobalOptions, json: unknown, text: () => string[]): void {
  if (g.output === 'json') {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
    return;
  }
  if (g.quiet) return;
  for (const line of text()) process.stdout.write(line + '\n');
}

/** Progress / status lines go to stderr so stdout stays machine-readable. */
export function status(g: GlobalOptions, line: string): void {
  if (!g.quiet && g.output === 'text') process.stderr.write(line + '\n');
}

/** A command's exit code, set by actions that finish with a non-zero but non-error result (e.g. a failed check). */
export const exitState = { code: 0 };
