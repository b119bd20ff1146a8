import type { Command } from 'commander';
import { RegistryError, login } from '@weld/registry';
import { emit, globals } from '../context.js';
import { openOptions, withRegistryFlags } from './registry-common.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function registerLogin(program: Command): void {
  withRegistryFlags(
    program
      .command('login')
      .description("log in to a registry; saves the credential in Docker's config.json (or its credential helper)")
      .argument('<registry>', 'registry host[:port]')
      .option('-u, --username <name>', 'user name (default: $WELD_REGISTRY_USER)')
      .option('-p, --password <password>', 'password or token (prefer --password-stdin)')
      .option('--password-stdin', 'read the password from stdin'),
  ).action(async (registry: string, opts: { username?: string; password?: string; passwordStdin?: boolean; plainHttp?: boolean; timeout?: string }, cmd: Command) => {
    const g = globals(cmd);
    const username = opts.username ?? process.env.WELD_REGISTRY_USER;
    let password = opts.password ?? process.env.WELD_REGISTRY_PASSWORD;
    if (opts.passwordStdin) password = await readStdin();
    if (!username || password === undefined || password === '') {
      throw new RegistryError('unauthorized', 'weld login needs a username and a password', { hint: `echo "$TOKEN" | weld login ${registry} -u USER --password-stdin` });
    }
    const result = await login(registry, { username, password, ...openOptions(opts) });
    emit(g, { registry, storedIn: result.storedIn }, () => [`logged in to ${registry} (credential saved in ${result.storedIn})`]);
  });
}
