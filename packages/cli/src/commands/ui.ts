import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '@weld/core';
import { emit, globals, status } from '../context.js';

interface UiFlags {
  port?: string;
  host?: string;
  store?: string;
  build?: string;
}

function parsePort(text: string): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new CliError('usage', `--port: "${text}" is not a port number (0-65535)`, { exit: 2 });
  return n;
}

/** --build's folder; the serving flags are refused beside it, since the static page serves nothing. */
function buildFolder(build: string, cmd: Command): string {
  if (build === '') throw new CliError('usage', '--build: the folder name is empty', { exit: 2 });
  const serving = ['store', 'port', 'host'].filter((name) => cmd.getOptionValueSource(name) === 'cli');
  if (serving.length > 0) {
    throw new CliError('usage', `--build writes a static page, which serves no store and listens nowhere: ${serving.map((n) => `--${n}`).join(', ')} cannot go with it`, {
      exit: 2,
      hint: 'leave --build out to serve the page with the store, or the other flags out to write the page',
    });
  }
  return resolve(build);
}

export function registerUi(program: Command): void {
  program
    .command('ui')
    .description('serve the weld page on 127.0.0.1: inspect a dropped component, compare two WIT versions, browse the embedded store')
    .option('--port <P>', 'port to listen on (default: a free one)')
    .option('--host <ADDR>', 'loopback address to listen on (127.0.0.1 or ::1)', '127.0.0.1')
    .option('--store <DIR>', 'the OCI layout to browse (default: the embedded store under $WELD_HOME)')
    .option('--build <DIR>', 'write the page as static files to DIR instead of serving it (no store panel)')
    .action(async (opts: UiFlags, cmd: Command) => {
      const g = globals(cmd);
      const port = opts.port === undefined ? 0 : parsePort(opts.port);
      if (opts.build !== undefined) {
        const dir = buildFolder(opts.build, cmd);
        const web = await import('@weld/web');
        const page = await web.buildPage();
        const files = await web.writePageFiles(page.files, dir);
        emit(g, { dir, files, bundleSizes: page.bundleSizes }, () => [`wrote the page to ${dir} (${files.join(', ')}); open index.html through any static file server`]);
        return;
      }
      if (opts.store === '') throw new CliError('usage', '--store: the folder name is empty', { exit: 2 });
      const embedded = resolve((await import('@weld/registry')).embeddedStorePath());
      const store = opts.store === undefined ? embedded : resolve(opts.store);
      const web = await import('@weld/web');
      await web.checkStoreFolder(store, { mayBeMissing: store === embedded });
      const page = await web.buildPage();
      const server = await web.startUiServer({ files: page.files, store, host: opts.host, port });
      emit(g, { url: server.url, port: server.port, store }, () => [`weld ui on ${server.url} (store: ${store}; Ctrl-C stops)`]);
      await new Promise<void>((done) => {
        const stop = () => {
          process.removeListener('SIGINT', stop);
          process.removeListener('SIGTERM', stop);
          void server.close().then(() => {
            status(g, 'weld: ui stopped');
            done();
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
