import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { lookup } from 'node:dns/promises';
import { RunError } from './errors.js';
import { canonicalIp, HOST_LOOPBACK_NAME, type ConnectGrant, type ListenGrant } from './wasi/sockets.js';
import type { PluginGrants } from './host-interfaces/grants.js';

export interface DirGrant {
  host: string;
  guest: string;
  readonly: boolean;
}

export interface HostGrant {
  host: string;
  /** Undefined: any port. */
  port?: number;
}

/** An HTTP authority's host (lowercased; an IPv6 address keeps its brackets) and port as written; undefined when it is not HOST[:PORT]. */
function splitAuthority(authority: string): { host: string; port?: string } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority);
  return m ? { host: m[1]!.toLowerCase(), port: m[2] } : undefined;
}

/** `authority` with the reserved host name replaced by the loopback address it means (see `HOST_LOOPBACK_NAME`). */
export function loopbackAuthority(authority: string): string {
  const a = splitAuthority(authority);
  return a?.host === HOST_LOOPBACK_NAME ? `127.0.0.1${a.port === undefined ? '' : `:${a.port}`}` : authority;
}

/** What an instance may touch. Everything not listed here is denied. */
export interface Grants {
  env: Record<string, string>;
  dirs: DirGrant[];
  allowHosts: HostGrant[];
  allowLookup: boolean;
  /** `--allow-listen [ADDR:]PORT`: TCP/UDP bind and listen. */
  allowListen?: ListenGrant[];
  /** `--stdin`: the guest reads the host's stdin; otherwise its stdin is empty. */
  stdin?: boolean;
  /** `allowHosts` resolved to addresses by the host, for socket connects and sends (see `resolveSocketGrants`). */
  connectAddresses?: ConnectGrant[];
  /** Ports on the machine's loopback (127.0.0.1) the guest may connect (TCP) or send (UDP) to: a workload's `allowedHostLoopbackPorts`. */
  loopbackPorts?: Array<{ port: number; protocol: 'tcp' | 'udp' }>;
  /** Host plugins (wasi:config, wasi:logging, wasi:keyvalue, wasi:blobstore, wasmcloud:messaging, users' own) and their config. */
  hostPlugins?: PluginGrants;
}

/** Grants that contradict each other are a usage error: one guest path granted twice could turn `:ro` writable. */
export function checkGrants(grants: Grants): void {
  const seen = new Map<string, DirGrant>();
  for (const d of grants.dirs) {
    const guest = d.guest.replace(/\/+$/, '') || '/';
    const before = seen.get(guest);
    if (before) {
      throw new RunError('grant-invalid', `--dir: the guest path ${guest} is granted twice (${before.host}${before.readonly ? ' read-only' : ''} and ${d.host}${d.readonly ? ' read-only' : ''})`, {
        hint: 'grant each guest path once',
      });
    }
    seen.set(guest, d);
  }
}

/** `--allow-listen [ADDR:]PORT`; without ADDR only loopback. */
export function parseListenGrant(spec: string): ListenGrant {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(\d{1,5})$/.exec(spec);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new RunError('grant-invalid', `--allow-listen ${spec}: expected PORT or ADDRESS:PORT (a port from 1 to 65535)`);
  if (m[1] === undefined) return { port };
  const ip = canonicalIp(m[1]);
  if (!ip) throw new RunError('grant-invalid', `--allow-listen ${spec}: ${m[1]} is not an IP address`);
  return { ip, port };
}

/**
 * Resolves every `--allow-host` to the addresses a socket may connect to: IP literals as they are, names
 * through the host's resolver (before the guest runs, so the guest cannot steer it). Wildcards match HTTP
 * authorities only.
 */
export async function resolveSocketGrants(grants: Grants): Promise<Grants> {
  const connectAddresses: ConnectGrant[] = [];
  for (const g of grants.allowHosts) {
    if (g.host.startsWith('*.')) continue;
    const literal = canonicalIp(g.host);
    if (literal) {
      connectAddresses.push({ ip: literal, port: g.port });
      continue;
    }
    try {
      for (const a of await lookup(g.host, { all: true })) connectAddresses.push({ ip: canonicalIp(a.address)!, port: g.port });
    } catch {
      // a name that does not resolve grants no address
    }
  }
  for (const { port, protocol } of grants.loopbackPorts ?? []) connectAddresses.push({ ip: '127.0.0.1', port, protocol });
  return { ...grants, connectAddresses };
}

export const NO_GRANTS: Grants = Object.freeze({ env: {}, dirs: [], allowHosts: [], allowLookup: false }) as Grants;

/** `--env NAME[=VALUE]`: without a value, the host's value of NAME is passed through. */
export function parseEnvGrant(spec: string, hostEnv: NodeJS.ProcessEnv = process.env): [string, string] {
  const eq = spec.indexOf('=');
  const name = eq === -1 ? spec : spec.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RunError('grant-invalid', `--env ${spec}: "${name}" is not an environment variable name`);
  if (eq !== -1) return [name, spec.slice(eq + 1)];
  const value = hostEnv[name];
  if (value === undefined) throw new RunError('grant-invalid', `--env ${name}: the host has no ${name} to pass through`, { hint: `give a value: --env ${name}=VALUE` });
  return [name, value];
}

/** `--dir HOST[:GUEST][:ro]`. */
export function parseDirGrant(spec: string, cwd = process.cwd()): DirGrant {
  const parts = spec.split(':');
  let readonly = false;
  if (parts.length > 1 && parts[parts.length - 1] === 'ro') {
    readonly = true;
    parts.pop();
  }
  if (parts.length > 2 || !parts[0]) throw new RunError('grant-invalid', `--dir ${spec}: expected HOST[:GUEST][:ro]`);
  const host = path.resolve(cwd, parts[0]);
  if (!existsSync(host) || !statSync(host).isDirectory()) throw new RunError('grant-invalid', `--dir ${spec}: ${host} is not a directory`);
  const guest = parts[1] ?? parts[0];
  if (!guest.startsWith('/')) throw new RunError('grant-invalid', `--dir ${spec}: the guest path "${guest}" must be absolute (e.g. ${parts[0]}:/data)`);
  return { host, guest, readonly };
}

/** `--allow-host HOST[:PORT]`. */
export function parseHostGrant(spec: string): HostGrant {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.*-]+)(?::(\d{1,5}))?$/.exec(spec);
  if (!m) throw new RunError('grant-invalid', `--allow-host ${spec}: expected HOST[:PORT]`);
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new RunError('grant-invalid', `--allow-host ${spec}: port out of range`);
  return { host: m[1]!.toLowerCase(), port };
}

function defaultPort(scheme: string | undefined): number {
  return scheme?.toLowerCase() === 'http' ? 80 : 443;
}

/** Whether an outgoing request to `authority` ("host[:port]") is granted; `*.example.com` matches subdomains. */
export function hostAllowed(grants: Grants, authority: string, scheme?: string): boolean {
  const a = splitAuthority(authority);
  if (!a) return false;
  const host = a.host;
  const port = a.port ? Number(a.port) : defaultPort(scheme);
  // wasmCloud's door to the machine's own loopback opens only where the workload grants the port as well.
  if (host === HOST_LOOPBACK_NAME && !(grants.loopbackPorts ?? []).some((p) => p.protocol === 'tcp' && p.port === port)) return false;
  return grants.allowHosts.some((g) => {
    const hostOk = g.host === host || (g.host.startsWith('*.') && host.endsWith(g.host.slice(1)));
    return hostOk && (g.port === undefined || g.port === port);
  });
}

/** The grant that would allow an HTTP request to `authority`: a host, or for wasmCloud's loopback name the port too. */
export function httpGrantHint(authority: string | undefined, scheme: string | undefined): string {
  const a = splitAuthority(authority ?? '');
  if (a?.host === HOST_LOOPBACK_NAME) {
    const port = a.port ?? (scheme === 'https' ? '443' : '80');
    return `allowedHosts: [${HOST_LOOPBACK_NAME}:${port}] and allowedHostLoopbackPorts: ['${port}'] in the workload manifest`;
  }
  return `--allow-host ${authority || 'HOST'}`;
}
