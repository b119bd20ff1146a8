/**
 * The grants a component would need under `weld run`, read from the interfaces it imports. Pure (no `node:`
 * import), so the web page shows them; `@weld/runner/grants` is its entry.
 */

/** A runner flag and why the component needs it. */
export interface NeededGrant {
  /** the flag as `weld run` spells it */
  flag: '--dir' | '--env' | '--allow-host' | '--allow-listen' | '--allow-lookup' | '--stdin';
  /** the flag with a placeholder argument, ready to edit */
  usage: string;
  /** what the grant allows */
  allows: string;
  /** the component's imports that ask for it (`wasi:filesystem/preopens@0.2.0`, …) */
  imports: string[];
}

interface Rule {
  flag: NeededGrant['flag'];
  usage: string;
  allows: string;
  /** `namespace:package/interface` without version */
  interfaces: string[];
}

// Only interfaces that reach host resources need a grant; clocks, random, stdout/stderr, exit and the
// types-only interfaces (io/streams, http/types, sockets/network) are given to every guest.
const RULES: Rule[] = [
  { flag: '--dir', usage: '--dir HOST[:GUEST][:ro]', allows: 'files under a host folder', interfaces: ['wasi:filesystem/preopens', 'wasi:filesystem/types'] },
  { flag: '--env', usage: '--env NAME[=VALUE]', allows: 'environment variables and arguments', interfaces: ['wasi:cli/environment'] },
  { flag: '--stdin', usage: '--stdin', allows: "reading this process's standard input", interfaces: ['wasi:cli/stdin', 'wasi:cli/terminal-stdin'] },
  {
    flag: '--allow-host',
    usage: '--allow-host HOST[:PORT]',
    allows: 'outgoing HTTP requests, TCP connects and UDP sends to HOST',
    interfaces: ['wasi:http/outgoing-handler', 'wasi:sockets/tcp', 'wasi:sockets/tcp-create-socket', 'wasi:sockets/udp', 'wasi:sockets/udp-create-socket'],
  },
  { flag: '--allow-listen', usage: '--allow-listen [ADDR:]PORT', allows: 'binding and listening on a port', interfaces: ['wasi:sockets/tcp', 'wasi:sockets/udp'] },
  { flag: '--allow-lookup', usage: '--allow-lookup', allows: 'DNS lookups', interfaces: ['wasi:sockets/ip-name-lookup'] },
];

/** `wasi:http/outgoing-handler@0.2.0` → `wasi:http/outgoing-handler` (nested package paths kept). */
function unversioned(name: string): string {
  const at = name.indexOf('@');
  return at < 0 ? name : name.slice(0, at);
}

/** The grants `imports` (a component's import names, as its world lists them) would need, in flag order. */
export function neededGrants(imports: Iterable<string>): NeededGrant[] {
  const names = [...imports];
  const out: NeededGrant[] = [];
  for (const rule of RULES) {
    const hits = names.filter((n) => rule.interfaces.includes(unversioned(n)));
    if (hits.length > 0) out.push({ flag: rule.flag, usage: rule.usage, allows: rule.allows, imports: hits });
  }
  return out;
}
