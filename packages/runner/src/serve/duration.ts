import { RunError } from '../errors.js';

/** `500ms`, `2s`, `1m`, or a plain number of seconds, as milliseconds. */
export function parseDuration(spec: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(spec.trim());
  if (!m) throw new RunError('grant-invalid', `${flag} ${spec}: expected a duration such as 500ms, 2s, 1m or a number of seconds`);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  if (!(ms > 0)) throw new RunError('grant-invalid', `${flag} ${spec}: the duration must be more than 0`);
  return Math.round(ms);
}
