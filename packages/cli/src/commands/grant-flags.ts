import type { Command } from 'commander';
import { checkGrants, limitsFrom, parseDirGrant, parseEnvGrant, parseHostGrant, parseListenGrant, type Grants, type Limits } from '@weld/runner/run';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface GrantFlags {
  env?: string[];
  dir?: string[];
  allowHost?: string[];
  allowListen?: string[];
  allowLookup?: boolean;
  stdin?: boolean;
  timeout?: string;
  maxMemory?: string;
  policy?: string;
}

/** The capability and limit flags `weld run`, `call`, `test` and `serve` share; nothing is granted unless named. */
export function withGrantFlags(cmd: Command, options: { stdin?: boolean } = { stdin: true }): Command {
  cmd
    .option('--env <NAME[=VALUE]>', "grant an environment variable (without a value: the host's); repeatable", collect)
    .option('--dir <HOST[:GUEST][:ro]>', 'grant a host directory at GUEST (default: the same path), read-only with :ro; each GUEST once; repeatable', collect)
    .option('--allow-host <HOST[:PORT]>', 'allow outgoing wasi:http requests, TCP connects and UDP sends to HOST (names resolved by weld); *.example.com for HTTP subdomains; repeatable', collect)
    .option('--allow-listen <[ADDR:]PORT>', 'allow binding and listening on PORT (loopback unless ADDR is given); repeatable', collect)
    .option('--allow-lookup', 'allow DNS lookups (wasi:sockets/ip-name-lookup)');
  if (options.stdin) cmd.option('--stdin', "give the guest this process's stdin (otherwise its stdin is empty)");
  return cmd
    .option('--timeout <DURATION>', 'stop the guest after DURATION (500ms, 30s, 5m)')
    .option('--max-memory <SIZE>', 'cap every linear memory of the guest at SIZE (64MiB, 1G); growing past it fails inside the guest')
    .option('--policy <file>', 'trust policy for references (a weld.yaml with `policy:` or a policy file; default: the nearest weld.yaml); denial exits 3');
}

export function grantsFrom(opts: GrantFlags): Grants {
  const grants: Grants = {
    env: Object.fromEntries((opts.env ?? []).map((e) => parseEnvGrant(e))),
    dirs: (opts.dir ?? []).map((d) => parseDirGrant(d)),
    allowHosts: (opts.allowHost ?? []).map(parseHostGrant),
    allowListen: (opts.allowListen ?? []).map(parseListenGrant),
    allowLookup: Boolean(opts.allowLookup),
    stdin: Boolean(opts.stdin),
  };
  checkGrants(grants);
  return grants;
}

export function limitsFromFlags(opts: GrantFlags): Limits {
  return limitsFrom({ timeout: opts.timeout, maxMemory: opts.maxMemory });
}

export function printDenial(d: { attempted: string; grant: string }): void {
  process.stderr.write(`weld: denied ${d.attempted}; grant it with ${d.grant}\n`);
}
