import { CliError } from './error.js';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The one reading of every duration flag (`--timeout` of run and of the registry commands, `--shutdown-timeout`):
 * `500ms`, `2s`, `1.5m`, `1h`; a bare number is seconds. Milliseconds, rounded up; more than zero and at most what a
 * timer holds (2^31 - 1 ms, about 24 days). A bad value is a usage error that names the flag.
 */
export function parseDuration(text: string, flag = '--timeout'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * DURATION_UNITS[m[2] ?? 's']! : NaN;
  if (!m || !(ms > 0) || ms > 2 ** 31 - 1) {
    throw new CliError('usage', `${flag} ${text}: expected a duration such as 500ms, 30s, 5m (a bare number is seconds)`, { hint: `e.g. ${flag} 30s` });
  }
  return Math.ceil(ms);
}
