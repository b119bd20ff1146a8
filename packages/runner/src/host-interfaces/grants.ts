import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { YAML_ALIAS_MESSAGE, fileProblem, notRegularFile, spanAt } from '@weld/core';
import { RunError } from '../errors.js';

/**
 * Which host plugins an instance may use, and with what configuration: a plugin is granted exactly when it has an
 * entry in `granted` (deny by default). Plain data, so it travels to a guest worker with the rest of the grants.
 */
export interface PluginGrants {
  /** Plugin name (`config`, `logging`, `keyvalue`, `blobstore`, `messaging`, or a user plugin's) → its config. */
  granted: Record<string, Record<string, string>>;
  /** User plugin modules, as `file:` URLs or package names, loaded with dynamic import where the guest runs. */
  modules?: string[];
}

/** The flag (or manifest entry) that grants each built-in plugin, for denial messages. */
export const GRANT_FLAGS: Readonly<Record<string, string>> = {
  config: '--config KEY=VALUE (or --config-file FILE)',
  logging: '--logging',
  keyvalue: '--kv mem|redis://HOST:PORT',
  blobstore: '--blobstore DIR',
  messaging: '--messaging mem|nats://HOST:PORT',
};

export function grantFlagFor(plugin: string): string {
  return GRANT_FLAGS[plugin] ?? `plugins: [...] in weld.yaml naming the module of plugin "${plugin}" (or --plugin MODULE)`;
}

/** `--config KEY=VALUE`. */
export function parseConfigFlag(spec: string): [string, string] {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new RunError('grant-invalid', `--config ${spec}: expected KEY=VALUE`);
  return [spec.slice(0, eq), spec.slice(eq + 1)];
}

/** `--config-file FILE`: a YAML or JSON mapping of keys to scalar values (numbers and booleans become strings). */
export function loadConfigFile(file: string, cwd = process.cwd()): Record<string, string> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    const st = statSync(full);
    if (!st.isFile()) throw notRegularFile(full, st);
    text = readFileSync(full, 'utf8');
  } catch (e) {
    const problem = fileProblem(file, e);
    throw new RunError(problem.code, `--config-file ${problem.message}`, { cause: e });
  }
  // loaded here, not at import: every `weld run` imports this module and few pass --config-file
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const doc = yaml.parseDocument(text, { prettyErrors: false });
  const at = (range: readonly number[] | null | undefined) => spanAt(file, text, range?.[0] ?? 0, Math.max(1, (range?.[1] ?? 1) - (range?.[0] ?? 0)));
  const invalid = (message: string, range?: readonly number[] | null) => new RunError('grant-invalid', `--config-file: ${message}`, { span: at(range) });
  if (doc.errors.length > 0) throw invalid(`YAML syntax: ${doc.errors[0]!.message.split('\n')[0]}`, doc.errors[0]!.pos);
  yaml.visit(doc, {
    Alias(_, node) {
      throw invalid(YAML_ALIAS_MESSAGE, node.range);
    },
  });
  const root = doc.contents;
  if (root === null || (yaml.isScalar(root) && (root.value === null || root.value === undefined))) return {};
  if (!yaml.isMap(root)) throw invalid('expected a mapping of configuration keys to values', root.range);
  const out: Record<string, string> = {};
  for (const pair of root.items) {
    const key = yaml.isScalar(pair.key) ? String(pair.key.value) : undefined;
    const keyRange = yaml.isNode(pair.key) ? pair.key.range : undefined;
    if (key === undefined) throw invalid('a key must be a plain string', keyRange);
    const value = pair.value;
    if (!yaml.isScalar(value) || value.value === null || typeof value.value === 'object') {
      throw invalid(`the value of "${key}" must be a string, number or boolean`, yaml.isNode(value) ? value.range : keyRange);
    }
    out[key] = String(value.value);
  }
  return out;
}

function backendUrl(flag: string, spec: string, scheme: string): string {
  if (spec === 'mem') return 'mem';
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new RunError('grant-invalid', `${flag} ${spec}: expected mem or ${scheme}://HOST[:PORT]`);
  }
  if (url.protocol !== `${scheme}:` && !(scheme === 'redis' && url.protocol === 'rediss:')) {
    throw new RunError('grant-invalid', `${flag} ${spec}: expected mem or ${scheme}://HOST[:PORT], not ${url.protocol}//`);
  }
  if (!url.hostname) throw new RunError('grant-invalid', `${flag} ${spec}: the URL names no host`);
  return spec;
}

/** `--kv mem|redis://HOST[:PORT][/DB]`. */
export function parseKvGrant(spec: string): Record<string, string> {
  return { url: backendUrl('--kv', spec, 'redis') };
}

/** `--messaging mem|nats://HOST[:PORT]`. */
export function parseMessagingGrant(spec: string): Record<string, string> {
  return { url: backendUrl('--messaging', spec, 'nats') };
}

/** `--blobstore DIR`: containers are directories under DIR. */
export function parseBlobstoreGrant(spec: string, cwd = process.cwd()): Record<string, string> {
  const root = path.resolve(cwd, spec);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new RunError('grant-invalid', `--blobstore ${spec}: ${root} is not a directory`);
  return { root };
}

/** A `plugins:` entry or `--plugin` value: a path (relative to `base`) becomes a file URL; a package name stays. */
export function pluginModuleSpecifier(spec: string, base = process.cwd()): string {
  if (spec.startsWith('.') || spec.startsWith('/') || /\.(m?js|cjs)$/.test(spec)) return pathToFileURL(path.resolve(base, spec)).href;
  return spec;
}

export interface PluginFlags {
  config?: string[];
  configFile?: string;
  logging?: boolean | string;
  kv?: string;
  messaging?: string;
  subscribe?: string[];
  publish?: string[];
  blobstore?: string;
  plugin?: string[];
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];

/** The plugin grants named by `weld run|call|serve|test` flags; undefined when none is. */
export function pluginGrantsFromFlags(flags: PluginFlags, cwd = process.cwd()): PluginGrants | undefined {
  const granted: Record<string, Record<string, string>> = {};
  if (flags.config?.length || flags.configFile) {
    granted.config = { ...(flags.configFile ? loadConfigFile(flags.configFile, cwd) : {}), ...Object.fromEntries((flags.config ?? []).map(parseConfigFlag)) };
  }
  if (flags.logging !== undefined && flags.logging !== false) {
    const level = flags.logging === true ? 'trace' : flags.logging.toLowerCase();
    if (!LEVELS.includes(level)) throw new RunError('grant-invalid', `--logging ${flags.logging}: expected one of ${LEVELS.join(', ')}`);
    granted.logging = { level };
  }
  if (flags.kv !== undefined) granted.keyvalue = parseKvGrant(flags.kv);
  for (const flag of ['subscribe', 'publish'] as const) {
    if (flags[flag]?.length && flags.messaging === undefined) {
      throw new RunError('grant-invalid', `--${flag} needs --messaging mem|nats://HOST:PORT`, { hint: `add --messaging to say which broker to ${flag} on` });
    }
  }
  if (flags.messaging !== undefined) {
    granted.messaging = parseMessagingGrant(flags.messaging);
    if (flags.subscribe?.length) granted.messaging.subscriptions = flags.subscribe.join(',');
    if (flags.publish?.length) granted.messaging.publish = flags.publish.join(',');
  }
  if (flags.blobstore !== undefined) granted.blobstore = parseBlobstoreGrant(flags.blobstore, cwd);
  const modules = (flags.plugin ?? []).map((p) => pluginModuleSpecifier(p, cwd));
  if (Object.keys(granted).length === 0 && modules.length === 0) return undefined;
  return { granted, modules };
}
