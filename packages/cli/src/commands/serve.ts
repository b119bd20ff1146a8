import type { Command } from 'commander';
import { resolvePolicy } from '@weld/registry';
import { RunError, loadRunnable, serveHttp } from '@weld/runner';
import { emit, globals, status } from '../context.js';
import { grantsFrom, withGrantFlags, type GrantFlags } from './grant-flags.js';

export function registerServe(program: Command): void {
  withGrantFlags(
    program
      .command('serve')
      .description('serve a wasi:http component: a fresh instance per request, deny-by-default capabilities')
      .argument('<component>', 'a .wasm file, or a reference (pulled, under the policy if there is one)')
      .option('--host <address>', 'address to listen on (loopback unless you say otherwise)', '127.0.0.1')
      .option('--port <port>', 'port to listen on; 0 picks a free one', '8080'),
  )
    .addHelpText(
      'after',
      '\nEach request is handled by its own instance, with imports built from the grants, so no state or capability\n' +
        'leaks between requests. A trap or an error response becomes a 500 for that request only. Stop with Ctrl-C.',
    )
    .action(async (component: string, opts: GrantFlags & { host: string; port: string }, cmd: Command) => {
      const g = globals(cmd);
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RunError('grant-invalid', `--port ${opts.port} is not a port number (0-65535)`);
      const policy = await resolvePolicy({ policyFile: opts.policy });
      const runnable = await loadRunnable(component, { policy });
      if (runnable.decision?.rule) status(g, `weld: ${runnable.origin} is signed by a key trusted by policy rule "${runnable.decision.rule.prefix}"`);
      const service = await serveHttp(runnable.bytes, {
        grants: grantsFrom(opts),
        host: opts.host,
        port,
        onDenied: (d) => process.stderr.write(`weld: denied ${d.attempted}; grant it with ${d.grant}\n`),
        onRequestFailed: (f) => process.stderr.write(`weld: request ${f.request} failed (answered 500): ${f.reason}\n`),
      });
      emit(g, { url: service.url, host: service.host, port: service.port }, () => [`serving ${runnable.origin} on ${service.url} (a fresh instance per request; Ctrl-C stops)`]);
      await new Promise<void>((done) => {
        const stop = () => {
          service.close();
          status(g, `weld: stopped after ${service.requests()} request${service.requests() === 1 ? '' : 's'}`);
          done();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
