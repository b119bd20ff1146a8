import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { buildProject, loadProject, type ComponentBuildResult } from '@weld/compose';
import { emit, globals, status } from '../context.js';
import { formatBytes, formatMs } from '../format.js';

function shown(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function line(r: ComponentBuildResult, cwd: string): string {
  const what = r.cached ? 'cached' : 'built ';
  return `${what} ${r.name.padEnd(16)} ${r.language.padEnd(4)} ${formatBytes(r.size).padStart(9)}  ${r.digest}  ${shown(r.path, cwd)}${r.cached ? '' : `  (${formatMs(r.milliseconds)})`}`;
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build the components in weld.yaml (js via componentize-js, c via clang-14 + wasi-libc, wat, prebuilt wasm)')
    .argument('[project]', 'project directory or weld.yaml', '.')
    .option('--out-dir <dir>', 'output directory (default: <project>/build)')
    .option('-j, --jobs <n>', 'components built in parallel (default: CPU count)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
      return n;
    })
    .option('--force', 'rebuild even when inputs are unchanged')
    .option('--only <names>', 'build only these components (comma-separated)', (v) => v.split(',').filter(Boolean))
    .action(async (project: string, opts: { outDir?: string; jobs?: number; force?: boolean; only?: string[] }, cmd: Command) => {
      const g = globals(cmd);
      const loaded = await loadProject(project);
      const cwd = process.cwd();
      if (loaded.components.length === 0) {
        emit(g, { outDir: undefined, built: 0, cached: 0, milliseconds: 0, components: [] }, () => [`nothing to build: ${path.relative(cwd, loaded.file) || loaded.file} has no components`]);
        return;
      }
      const summary = await buildProject(loaded, {
        outDir: opts.outDir && path.resolve(cwd, opts.outDir),
        jobs: opts.jobs,
        force: opts.force,
        only: opts.only,
        onEvent: (e) => {
          if (e.kind === 'start' && g.verbose) status(g, `building ${e.name} (${e.language})…`);
        },
      });
      emit(
        g,
        { outDir: summary.outDir, built: summary.built, cached: summary.cached, milliseconds: Math.round(summary.milliseconds), components: summary.components.map((c) => ({ ...c, milliseconds: Math.round(c.milliseconds) })) },
        () => [
          ...summary.components.map((r) => line(r, cwd)),
          summary.built === 0
            ? `nothing to rebuild: ${summary.cached} component(s) up to date (${formatMs(summary.milliseconds)})`
            : `built ${summary.built}, cached ${summary.cached} in ${formatMs(summary.milliseconds)}`,
        ],
      );
    });
}
