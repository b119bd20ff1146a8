import type { Command } from 'commander';
import { RegistryError, transferProgress, type OpenOptions, type TransferProgress } from '@weld/registry/transfer';
import type { GlobalOptions } from '../context.js';

/** Flags every command that talks to a registry accepts. */
export function withRegistryFlags(cmd: Command): Command {
  return cmd
    .option('--plain-http', 'use http:// for a non-loopback registry (loopback hosts use http by default)')
    .option('--timeout <seconds>', 'network timeout per request', '60');
}

export function openOptions(opts: { plainHttp?: boolean; timeout?: string }): OpenOptions {
  const seconds = Number(opts.timeout ?? '60');
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RegistryError('invalid-reference', `--timeout must be a positive number of seconds, got "${opts.timeout}"`);
  }
  return { plainHttp: Boolean(opts.plainHttp), timeoutMs: seconds * 1000 };
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
