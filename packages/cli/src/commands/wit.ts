import type { Command } from 'commander';
import { type ResolveOptions, WitError, interfaceIdString, packageNameString, toJSON } from '@weld/wit-tools';
import { formatPath, resolvePath, writeFileAtomic } from '@weld/wit-tools/node';
import { emit, exitState, globals, status } from '../context.js';
import { withWatInputs } from '../wit-input.js';

interface FeatureFlags {
  features?: string;
  allFeatures?: boolean;
}

function resolveOptions(o: FeatureFlags): ResolveOptions {
  const features = (o.features ?? '').split(/[,\s]+/).filter(Boolean);
  return { features, allFeatures: Boolean(o.allFeatures) };
}

function withFeatureFlags(cmd: Command): Command {
  return cmd
    .option('--features <list>', 'enable these @unstable features (comma-separated)')
    .option('--all-features', 'enable every @unstable feature');
}

export function registerWit(program: Command): void {
  const wit = program.command('wit').description('check, format and inspect WIT packages');

  withFeatureFlags(
    wit
      .command('check')
      .description('resolve a WIT folder (with deps/) or file and report errors')
      .argument('[path]', 'WIT folder or file', '.'),
  ).action(async (path: string, opts: FeatureFlags, cmd: Command) => {
    const g = globals(cmd);
    const { resolve, package: pkg } = resolvePath(path, await withWatInputs(path, resolveOptions(opts)));
    const main = resolve.packages[pkg]!;
    const summary = {
      ok: true,
      package: packageNameString(main.name),
      interfaces: [...main.interfaces.values()].map((id) => interfaceIdString(resolve, id)),
      worlds: [...main.worlds.keys()],
      dependencies: resolve.packages.filter((_, i) => i !== pkg).map((p) => packageNameString(p.name)),
    };
    emit(g, summary, () => [
      `ok: ${summary.package} (${summary.interfaces.length} interfaces, ${summary.worlds.length} worlds` +
        `${summary.dependencies.length > 0 ? `, ${summary.dependencies.length} dependencies` : ''})`,
    ]);
  });

  withFeatureFlags(
    wit
      .command('json')
      .description('print the resolved WIT as JSON (the layout of `wasm-tools component wit --json`)')
      .argument('[path]', 'WIT folder or file', '.'),
  ).action(async (path: string, opts: FeatureFlags) => {
    const { resolve } = resolvePath(path, await withWatInputs(path, resolveOptions(opts)));
    process.stdout.write(JSON.stringify(toJSON(resolve), null, 2) + '\n');
  });

  wit
    .command('fmt')
    .description('format WIT files in place (or report the ones that differ with --check)')
    .argument('[paths...]', 'WIT folders or files', ['.'])
    .option('--check', 'do not write; exit 1 if any file is not formatted')
    .action((paths: string[], opts: { check?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const results = [];
      for (const p of paths) {
        for (const f of formatPath(p)) {
          if (f.changed && !opts.check) writeFileAtomic(f.path, f.formatted);
          results.push({ path: f.path, changed: f.changed });
        }
      }
      const changed = results.filter((r) => r.changed);
      if (opts.check && changed.length > 0) exitState.code = 1;
      if (results.length === 0) throw new WitError('wit-io', `no .wit files found in ${paths.join(', ')}`);
      emit(g, { check: Boolean(opts.check), files: results }, () =>
        opts.check
          ? changed.map((r) => `would reformat ${r.path}`).concat(changed.length === 0 ? [`${results.length} file(s) already formatted`] : [])
          : changed.map((r) => `formatted ${r.path}`).concat([`${changed.length} of ${results.length} file(s) changed`]),
      );
      if (opts.check && changed.length > 0) status(g, `${changed.length} file(s) need formatting; run \`weld wit fmt\``);
    });
}
