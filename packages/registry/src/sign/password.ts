import { SignError } from './errors.js';

export interface PasswordOptions {
  /** Ask twice and require both to match (key generation). */
  confirm?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where to prompt; defaults to the process's stdin/stderr when stdin is a TTY. */
  tty?: { input: NodeJS.ReadStream; output: NodeJS.WritableStream };
  /** What the password is for, shown in the prompt. */
  purpose?: string;
}

/**
 * The key password: `WELD_PASSWORD`, else `COSIGN_PASSWORD` (an empty value is a valid, empty password, as in
 * cosign), else a hidden prompt on the terminal. Without a terminal and without either variable it fails with
 * `password-required` rather than blocking on a pipe.
 */
export async function readPassword(options: PasswordOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const fromEnv = env.WELD_PASSWORD ?? env.COSIGN_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  const tty = options.tty ?? (process.stdin.isTTY ? { input: process.stdin, output: process.stderr } : undefined);
  if (!tty) {
    throw new SignError('password-required', `a password is needed${options.purpose ? ` for ${options.purpose}` : ''} and there is no terminal to ask on`, {
      hint: 'set WELD_PASSWORD (or COSIGN_PASSWORD) in the environment',
    });
  }
  const first = await promptHidden(tty, `Enter password${options.purpose ? ` for ${options.purpose}` : ''}: `);
  if (!options.confirm) return first;
  const second = await promptHidden(tty, 'Enter password again: ');
  if (first !== second) throw new SignError('password-mismatch', 'the two passwords did not match');
  return first;
}

/** Reads one line without echoing it. Ctrl-C aborts with `password-required`. */
function promptHidden(tty: { input: NodeJS.ReadStream; output: NodeJS.WritableStream }, question: string): Promise<string> {
  const { input, output } = tty;
  output.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const wasRaw = input.isRaw;
    input.setRawMode?.(true);
    input.resume();
    input.setEncoding('utf8');
    const done = (err?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode?.(wasRaw ?? false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new SignError('password-required', 'password prompt cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}
