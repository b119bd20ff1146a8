import { findProjectFileUpward } from '@weld/core/node';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { pluginGrantsFromFlags, pluginModuleSpecifier, type PluginFlags, type PluginGrants } from '@weld/runner/run';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The host plugin grants `weld run`, `call` and `serve` share (see the README's host interfaces section). */
export function withPluginFlags(cmd: Command): Command {
  return cmd
    .option('--config <KEY=VALUE>', 'grant wasi:config/store with this value; repeatable', collect)
    .option('--config-file <FILE>', 'grant wasi:config/store with the values of a YAML/JSON mapping (--config wins)')
    .option('--logging [LEVEL]', 'grant wasi:logging: lines to stderr with level and component name, from LEVEL up (default trace)')
    .option('--kv <mem|redis://HOST:PORT>', 'grant wasi:keyvalue (store, atomics, batch) in memory or on Redis')
    .option('--messaging <mem|nats://HOST:PORT>', 'grant wasmcloud:messaging (consumer, handler) in memory or on NATS')
    .option('--subscribe <SUBJECT>', 'with --messaging: deliver messages on SUBJECT to the component\'s handle-message; repeatable', collect)
    .option('--publish <SUBJECT>', 'with --messaging: the component may publish and request only to SUBJECT (wildcards allowed) and to reply subjects it is handed; repeatable', collect)
    .option('--blobstore <DIR>', 'grant wasi:blobstore on DIR (containers are its subdirectories; names cannot leave it)')
    .option('--plugin <MODULE>', 'load and grant a host plugin module (path or package); repeatable', collect);
}

/**
 * Plugin grants from the flags plus the `plugins:` of the nearest weld.yaml (naming a module there grants it).
 * The project file is parsed (with its line-numbered errors) only when it has a `plugins:` section.
 */
export async function pluginGrants(opts: PluginFlags, cwd = process.cwd()): Promise<PluginGrants | undefined> {
  const fromFlags = pluginGrantsFromFlags(opts, cwd);
  const file = findProjectFileUpward(cwd);
  if (!file || !/^plugins\s*:/m.test(readFileSync(file, 'utf8'))) return fromFlags;
  const { loadProject } = await import('@weld/compose');
  const project = await loadProject(file);
  if (project.plugins.length === 0) return fromFlags;
  const modules = project.plugins.map((p) => pluginModuleSpecifier(p, project.root));
  return { granted: fromFlags?.granted ?? {}, modules: [...new Set([...(fromFlags?.modules ?? []), ...modules])] };
}
