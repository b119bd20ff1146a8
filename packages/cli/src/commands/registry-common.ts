import type { Command } from 'commander';
import { parseDuration } from '@weld/core';
import { RegistryError, transferProgress, type OpenOptions, type TransferProgress } from '@weld/registry/transfer';
import type { GlobalOptions } from '../context.js';

/** Flags every command that talks to a registry accepts. */
export function withRegistryFlags(cmd: Command): Command {
  return cmd
    .option('--plain-http', 'use http:// for a non-loopback registry (loopback hosts use http by default)')
    .option('--timeout <DURATION>', 'network timeout per request (500ms, 30s, 5m; a bare number is seconds)', '60s');
}

export function openOptions(opts: { plainHttp?: boolean; timeout?: string }): OpenOptions {
  return { plainHttp: Boolean(opts.plainHttp), timeoutMs: parseDuration(opts.timeout ?? '60s', '--timeout') };
}

/** Parses repeated `--annotation key=value` flags. */
export function parseAnnotations(values: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) {
      throw new RegistryError('invalid-reference', `--annotation expects key=value, got "${v}"`, { hint: 'e.g. --annotation org.opencontainers.image.version=1.2.0' });
    }
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Progress bars on a TTY stderr in text mode; silent otherwise. */
export function progressFor(g: GlobalOptions): TransferProgress {
  return transferProgress(g.progress && !g.quiet && g.output === 'text');
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
