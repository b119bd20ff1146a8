import type { Command } from 'commander';
import { parseDirGrant, parseEnvGrant, parseHostGrant, type Grants } from '@weld/runner';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface GrantFlags {
  env?: string[];
  dir?: string[];
  allowHost?: string[];
  allowLookup?: boolean;
  policy?: string;
}

/** The capability flags `weld run` and `weld call` share; nothing is granted unless named. */
export function withGrantFlags(cmd: Command): Command {
  return cmd
    .option('--env <NAME[=VALUE]>', "grant an environment variable (without a value: the host's); repeatable", collect)
    .option('--dir <HOST[:GUEST][:ro]>', 'grant a host directory at GUEST (default: the same path), read-only with :ro; repeatable', collect)
    .option('--allow-host <HOST[:PORT]>', 'allow outgoing wasi:http requests (and sockets) to HOST; *.example.com for subdomains; repeatable', collect)
    .option('--allow-lookup', 'allow DNS lookups (wasi:sockets/ip-name-lookup)')
    .option('--policy <file>', 'trust policy for references (a weld.yaml with `policy:` or a policy file; default: the nearest weld.yaml); denial exits 3');
}

export function grantsFrom(opts: GrantFlags): Grants {
  return {
    env: Object.fromEntries((opts.env ?? []).map((e) => parseEnvGrant(e))),
    dirs: (opts.dir ?? []).map((d) => parseDirGrant(d)),
    allowHosts: (opts.allowHost ?? []).map(parseHostGrant),
    allowLookup: Boolean(opts.allowLookup),
  };
}
