/**
 * Base of every typed error weld throws for a user's mistake. `code` is a stable, machine-readable
 * identifier (kebab-case); `exit` is the CLI exit code it maps to (2 bad input, 1 check failed, 3 policy).
 * `detail` is pre-rendered context (a caret snippet, a byte offset) shown under the message.
 */
export class WeldError<C extends string = string> extends Error {
  readonly code: C;
  readonly exit: number;
  readonly detail?: string;
  readonly hint?: string;

  constructor(code: C, message: string, options: { cause?: unknown; exit?: number; detail?: string; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WeldError';
    this.code = code;
    this.exit = options.exit ?? 2;
    this.detail = options.detail;
    this.hint = options.hint;
  }
}

export function isWeldError(e: unknown): e is WeldError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && typeof (e as { exit?: unknown }).exit === 'number';
}
