import type { Command } from 'commander';
import { errorInFile } from '@weld/core';
import { RunError, limitsFrom, loadRunnable, parseDuration, serveHttp, type AccessEntry, type HttpService, type RequestFailure } from '@weld/runner';
import { emit, globals, status } from '../context.js';
import { pluginGrants, withPluginFlags } from './plugin-flags.js';
import type { PluginFlags } from '@weld/runner/run';
import { grantsFrom, printDenial, withGrantFlags, type GrantFlags } from './grant-flags.js';
import { policyFor } from './policy-for.js';

type ServeFlags = GrantFlags & PluginFlags & { host: string; port: string; workers?: string; reuse?: boolean; shutdownTimeout: string };

export function registerServe(program: Command): void {
  withPluginFlags(withGrantFlags(
    program
      .command('serve')
      .description('serve a wasi:http component from a pool of worker threads: a fresh instance per request, deny-by-default capabilities')
      .argument('<component>', 'a .wasm file, or a reference (pulled, under the policy if there is one); or a workload YAML (its wasi:http component, siblings linked)')
      .option('--host <address>', 'address to listen on (loopback unless you say otherwise)', '127.0.0.1')
      .option('--port <port>', 'port to listen on; 0 picks a free one', '8080')
      .option('--workers <n>', 'worker threads, each running one request at a time (default: one per core)')
      .option('--reuse', 'keep one instance per worker across requests (module state carries over) instead of a fresh one per request')
      .option('--shutdown-timeout <DURATION>', 'on Ctrl-C or SIGTERM, how long in-flight requests may take to finish', '10s'),
    { stdin: false },
  ))
    .addHelpText(
      'after',
      '\nEach request is handled by its own instance (made before the request arrives, in one of the worker threads), with\n' +
        'imports built from the grants, so no state or capability leaks between requests. A trap or an error response\n' +
        'becomes a 500 for that request only, or breaks the response off if it had begun. A request over --timeout (per\n' +
        'request, default 30s) is answered 504 and its worker replaced. One access-log line per request goes to stderr (-q silences it).\n' +
        'Ctrl-C or SIGTERM stops accepting and lets in-flight requests finish (up to --shutdown-timeout).',
    )
    .action(async (component: string, opts: ServeFlags, cmd: Command) => {
      const g = globals(cmd);
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RunError('grant-invalid', `--port ${opts.port} is not a port number (0-65535)`);
      const asked = opts.workers === undefined ? undefined : Number(opts.workers);
      if (asked !== undefined && (!Number.isInteger(asked) || asked < 1 || asked > 1024)) throw new RunError('grant-invalid', `--workers ${opts.workers} is not a number of workers (1-1024)`);
      // Per request: a 504, or a reset connection once the response has begun. A server keeps no request forever.
      const limits = limitsFrom({ timeout: opts.timeout ?? '30s', maxMemory: opts.maxMemory });
      const shutdownTimeoutMs = parseDuration(opts.shutdownTimeout, '--shutdown-timeout');
      const serveOptions = {
        host: opts.host,
        port,
        workers: asked,
        reuse: Boolean(opts.reuse),
        timeoutMs: limits.timeoutMs,
        maxMemoryBytes: limits.maxMemoryBytes,
        shutdownTimeoutMs,
        onDenied: printDenial,
        onRequestFailed: (f: RequestFailure) => process.stderr.write(`weld: request ${f.request} failed (${f.outcome}): ${f.reason}\n`),
        onNote: (message: string) => status(g, `weld: ${message}`),
        onAccess: (a: AccessEntry) =>
          status(g, `weld: ${a.method} ${a.path} ${a.status ?? '-'}${a.outcome === 'complete' ? '' : ` (${a.outcome})`} ${a.bytes} B ${a.ms.toFixed(1)} ms`),
      };
      let service: HttpService;
      let origin: string;
      const { isWorkloadTarget, rejectGrantFlags } = await import('./workload-target.js');
      if (isWorkloadTarget(component)) {
        // A workload: its wasi:http component, with the siblings it imports from linked into every instance.
        rejectGrantFlags(opts);
        const { loadWorkload, serveWorkload } = await import('@weld/runner');
        const { workloadPluginConfig } = await import('./workload-run.js');
        const loaded = await loadWorkload(component, { policyFor: (image) => policyFor(image, opts.policy) });
        const served = await serveWorkload(loaded, { ...serveOptions, pluginConfig: workloadPluginConfig(loaded, opts) });
        service = served;
        origin = `workload ${loaded.manifest.name} (${served.component})`;
      } else {
        const policy = await policyFor(component, opts.policy);
        const runnable = await loadRunnable(component, { policy });
        if (runnable.decision?.rule) status(g, `weld: ${runnable.origin} is signed by a key trusted by policy rule "${runnable.decision.rule.prefix}"`);
        const grants = { ...grantsFrom(opts), hostPlugins: await pluginGrants(opts) };
        service = await serveHttp(runnable.bytes, { grants, ...serveOptions }).catch((e: unknown) => Promise.reject(errorInFile(e, runnable.origin)));
        origin = runnable.origin;
      }
      const workers = service.workers;
      if (service.note) status(g, `weld: ${service.note}`);
      const fresh = service.fresh;
      const mode = opts.reuse
        ? 'one instance per worker'
        : `a fresh instance per request, ${fresh?.by === 'instantiated' ? `instantiated anew: ${fresh.reason}` : 'restored from a snapshot'}`;
      emit(g, { url: service.url, host: service.host, port: service.port, workers, reuse: Boolean(opts.reuse), fresh }, () => [
        `serving ${origin} on ${service.url} (${workers} worker${workers === 1 ? '' : 's'}, ${mode}; Ctrl-C stops)`,
      ]);
      await new Promise<void>((done) => {
        const stop = () => {
          process.removeListener('SIGINT', stop);
          process.removeListener('SIGTERM', stop);
          // a second signal stops at once
          const now = () => process.exit(130);
          process.once('SIGINT', now);
          process.once('SIGTERM', now);
          void service.close().then(() => {
            const restored = service.fresh?.by === 'restored' ? ` (instances restored from their snapshot ${service.restores()} time${service.restores() === 1 ? '' : 's'})` : '';
            status(g, `weld: stopped after ${service.requests()} request${service.requests() === 1 ? '' : 's'}${restored}`);
            process.removeListener('SIGINT', now);
            process.removeListener('SIGTERM', now);
            done();
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
