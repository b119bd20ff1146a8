import { CliError, parseDuration } from '@weld/core';

/** Durations read as every weld flag reads them (core's parser): `500ms`, `2s`, `1.5m`, `1h`, a bare number of seconds. */
export { parseDuration };

/** What a guest may consume; undefined means unlimited. */
export interface Limits {
  /** Wall-clock time for the whole run or call, in milliseconds. */
  timeoutMs?: number;
  /** The flag text, for messages (`2s`). */
  timeoutText?: string;
  /** The most bytes any one linear memory may grow to. */
  maxMemoryBytes?: number;
  maxMemoryText?: string;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3 };

/** `64MiB`, `64M` (binary), `64MB` (decimal), `1G`, plain bytes. At least one 64 KiB wasm page. */
export function parseSize(text: string, flag = '--max-memory'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  // a usage error like a bad --timeout: both are flags of the command, not grants
  if (!(bytes >= 65536) || bytes > 2 ** 48) throw new CliError('usage', `${flag} ${text}: expected a size of at least 64KiB such as 64MiB, 512M, 1G`, { hint: `e.g. ${flag} 256MiB` });
  return bytes;
}

export function limitsFrom(flags: { timeout?: string; maxMemory?: string }): Limits {
  return {
    timeoutMs: flags.timeout === undefined ? undefined : parseDuration(flags.timeout),
    timeoutText: flags.timeout,
    maxMemoryBytes: flags.maxMemory === undefined ? undefined : parseSize(flags.maxMemory),
    maxMemoryText: flags.maxMemory,
  };
}
