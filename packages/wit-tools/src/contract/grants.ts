/**
 * What a component can ask the runner for, derived from its imports, and the `weld run` flags that grant it.
 * Pure: reads a resolved world.
 */
import { type Resolve, type WorldId, interfaceIdString, worldKeyName } from '../model.js';
import type { Problem } from './problems.js';

export type Capability =
  | 'files' | 'env' | 'stdin' | 'http-outgoing' | 'sockets-connect' | 'sockets-listen' | 'dns' | 'config' | 'keyvalue' | 'messaging' | 'logging';

export interface CapabilityInfo {
  capability: Capability;
  description: string;
  /** the runner flags that grant it */
  flags: string[];
  /** the flag is in DESIGN.md's CLI surface but `weld run` does not take it yet */
  planned?: boolean;
}

const CAPABILITIES: Record<Capability, Omit<CapabilityInfo, 'capability'>> = {
  files: { description: 'read or write host files', flags: ['--dir HOST[:GUEST][:ro]'] },
  env: { description: 'read environment variables', flags: ['--env NAME[=VALUE]'] },
  stdin: { description: "read this process's stdin", flags: ['--stdin'] },
  'http-outgoing': { description: 'send outgoing HTTP requests', flags: ['--allow-host HOST[:PORT]'] },
  'sockets-connect': { description: 'open TCP connections and send UDP datagrams', flags: ['--allow-host HOST[:PORT]'] },
  'sockets-listen': { description: 'bind and listen on ports', flags: ['--allow-listen [ADDR:]PORT'] },
  dns: { description: 'resolve host names', flags: ['--allow-lookup'] },
  config: { description: 'read runtime configuration', flags: ['--config KEY=VALUE'], planned: true },
  keyvalue: { description: 'use a key-value store', flags: ['--kv mem|redis://…'], planned: true },
  messaging: { description: 'publish and receive messages', flags: ['--messaging mem|nats://…'], planned: true },
  logging: { description: 'write log records (to stderr; granted to every component)', flags: [] },
};

/** Interfaces (`ns:pkg/name`, version dropped) → the capability they ask for; `null` for ambient ones no grant gates. */
const BY_INTERFACE: Record<string, Capability[] | null> = {
  'wasi:filesystem/preopens': ['files'],
  'wasi:filesystem/types': ['files'],
  'wasi:cli/environment': ['env'],
  'wasi:cli/stdin': ['stdin'],
  'wasi:http/outgoing-handler': ['http-outgoing'],
  'wasi:http/client': ['http-outgoing'],
  'wasi:sockets/tcp': ['sockets-connect', 'sockets-listen'],
  'wasi:sockets/udp': ['sockets-connect', 'sockets-listen'],
  'wasi:sockets/tcp-create-socket': ['sockets-connect', 'sockets-listen'],
  'wasi:sockets/udp-create-socket': ['sockets-connect', 'sockets-listen'],
  'wasi:sockets/instance-network': ['sockets-connect', 'sockets-listen'],
  'wasi:sockets/network': null,
  'wasi:sockets/ip-name-lookup': ['dns'],
  'wasi:config/store': ['config'],
  'wasi:config/runtime': ['config'],
  'wasi:keyvalue/store': ['keyvalue'],
  'wasi:keyvalue/atomics': ['keyvalue'],
  'wasi:keyvalue/batch': ['keyvalue'],
  'wasi:keyvalue/watcher': ['keyvalue'],
  'wasi:messaging/producer': ['messaging'],
  'wasi:messaging/consumer': ['messaging'],
  'wasi:messaging/request-reply': ['messaging'],
  'wasi:messaging/types': null,
  'wasi:logging/logging': ['logging'],
};

const AMBIENT_PACKAGES = new Set(['wasi:io', 'wasi:clocks', 'wasi:random']);
const AMBIENT = new Set(['wasi:cli/terminal-stdin', 'wasi:cli/stdout', 'wasi:cli/stderr', 'wasi:cli/exit', 'wasi:cli/terminal-input', 'wasi:cli/terminal-output', 'wasi:cli/terminal-stdout', 'wasi:cli/terminal-stderr', 'wasi:http/types', 'wasi:filesystem/types-ambient']);

export interface GrantsReport {
  /** capabilities asked for, each with the imports that ask and the flags that grant it */
  capabilities: (CapabilityInfo & { imports: string[] })[];
  /** imports that need no grant (clocks, random, io streams, stdout/stderr) */
  ambient: string[];
  /** imports no host interface provides: they must come from a composition or a plugin */
  other: string[];
  /** exports that say how the component runs (e.g. wasi:http/incoming-handler → `weld serve`) */
  serves: string[];
}

function unversioned(name: string): string {
  return name.replace(/@[^/]*$/, '');
}

export function grantsOf(resolve: Resolve, world: WorldId): GrantsReport {
  const w = resolve.worlds[world]!;
  const found = new Map<Capability, Set<string>>();
  const ambient: string[] = [];
  const other: string[] = [];
  for (const [key, item] of w.imports) {
    const name = item.tag === 'interface' ? interfaceIdString(resolve, item.id) ?? worldKeyName(resolve, key) : worldKeyName(resolve, key);
    const base = unversioned(name);
    const caps = BY_INTERFACE[base];
    if (caps) for (const c of caps) found.set(c, (found.get(c) ?? new Set()).add(name));
    else if (caps === null || AMBIENT.has(base) || AMBIENT_PACKAGES.has(base.replace(/\/.*$/, ''))) ambient.push(name);
    else if (item.tag !== 'type') other.push(name);
  }
  const serves = [...w.exports].flatMap(([key, item]) => {
    const name = item.tag === 'interface' ? interfaceIdString(resolve, item.id) ?? '' : '';
    return unversioned(name) === 'wasi:http/incoming-handler' ? [`${name} (serve it with \`weld serve\`; listening needs no grant)`] : unversioned(name) === 'wasi:cli/run' ? [`${name} (run it with \`weld run\`)`] : [];
  });
  const order = Object.keys(CAPABILITIES) as Capability[];
  return {
    capabilities: order.filter((c) => found.has(c)).map((c) => ({ capability: c, ...CAPABILITIES[c], imports: [...found.get(c)!] })),
    ambient, other, serves,
  };
}

export interface GrantsDiff {
  /** capabilities the new version asks for and the old did not */
  added: GrantsReport['capabilities'];
  /** capabilities the new version no longer asks for */
  removed: GrantsReport['capabilities'];
  /** capabilities both ask for, through imports the new version adds */
  widened: (GrantsReport['capabilities'][number] & { newImports: string[] })[];
  old: GrantsReport;
  new: GrantsReport;
}

export function diffGrants(a: GrantsReport, b: GrantsReport): GrantsDiff {
  const has = (r: GrantsReport, c: Capability) => r.capabilities.find((x) => x.capability === c);
  const widened = b.capabilities.flatMap((c) => {
    const before = has(a, c.capability);
    if (!before) return [];
    const newImports = c.imports.filter((i) => !before.imports.some((j) => unversioned(j) === unversioned(i)));
    return newImports.length > 0 ? [{ ...c, newImports }] : [];
  });
  return {
    added: b.capabilities.filter((c) => !has(a, c.capability)),
    removed: a.capabilities.filter((c) => !has(b, c.capability)),
    widened, old: a, new: b,
  };
}

/** New capabilities as problems (for GitHub annotations and SARIF), pointed at the new component. */
export function grantProblems(diff: GrantsDiff, label: string): Problem[] {
  return [
    ...diff.added.map((c) => ({ code: `grant-${c.capability}`, level: 'warning' as const, message: `now asks to ${c.description} (imports ${c.imports.join(', ')}); grant with ${c.flags.join(' or ') || 'nothing'}`, location: { path: label } })),
    ...diff.widened.map((c) => ({ code: `grant-${c.capability}`, level: 'note' as const, message: `now also imports ${c.newImports.join(', ')} (${c.description})`, location: { path: label } })),
  ];
}

export const GRANT_RULES = (Object.keys(CAPABILITIES) as Capability[]).map((c) => ({ id: `grant-${c}`, description: `the component asks to ${CAPABILITIES[c].description}` }));
