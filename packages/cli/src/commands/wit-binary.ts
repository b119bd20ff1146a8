import type { Command } from 'commander';
import path from 'node:path';
import { checkTargets, componentWorld, extractWit, findWorld, witPackageFile } from '@weld/binary';
import { readBinaryFile } from '@weld/binary/node';
import { printPackage, printResolve, toJSON } from '@weld/wit-tools';
import { resolvePath } from '@weld/wit-tools/node';
import { decodingFile } from '@weld/core';
import { writeFileAtomic } from '@weld/core/node';
import { emit, exitState, globals } from '../context.js';
import { withWatInputs } from '../wit-input.js';

export function registerWitBinary(program: Command): void {
  const wit = program.commands.find((c) => c.name() === 'wit') ?? program.command('wit');

  wit
    .command('build')
    .description('encode a WIT package (folder with deps/, or file) as a binary WIT package, as `wasm-tools component wit --wasm`')
    .argument('[path]', 'WIT folder or file', '.')
    .option('--out <file>', 'output file (default: <namespace>:<name>@<version>.wasm)')
    .action(async (dir: string, opts: { out?: string }, cmd: Command) => {
      const g = globals(cmd);
      const { resolve, package: pkg } = resolvePath(dir, await withWatInputs(dir, {}));
      const { name, bytes, fileName } = witPackageFile(resolve, pkg);
      const out = opts.out ?? fileName;
      return writeFileAtomic(out, bytes).then(() => emit(g, { package: name, output: out, size: bytes.length }, () => [`${name} → ${out} (${bytes.length} bytes)`]));
    });

  wit
    .command('extract')
    .description('print the WIT of a component (its world and every interface it uses), of a binary WIT package, or of WIT text, as `wasm-tools component wit` does')
    .argument('<path>', 'a component or binary WIT package (.wasm or .wat), or WIT text (a .wit file, or a folder with deps/)')
    .option('--root-only', 'print only the root package, without the dependency packages')
    .option('--features <list>', 'for WIT text: enable these @unstable features (comma-separated)')
    .option('--all-features', 'for WIT text: enable every @unstable feature')
    .action(async (file: string, opts: { rootOnly?: boolean; features?: string; allFeatures?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      const features = (opts.features ?? '').split(/[,\s]+/).filter(Boolean);
      const x = file.endsWith('.wasm')
        ? decodingFile(file, () => extractWit(readBinaryFile(file)))
        : resolvePath(file, await withWatInputs(file, { features, allFeatures: Boolean(opts.allFeatures) }));
      if (g.output === 'json') {
        process.stdout.write(JSON.stringify(toJSON(x.resolve), null, 2) + '\n');
        return;
      }
      process.stdout.write(opts.rootOnly ? printPackage(x.resolve, x.package) : printResolve(x.resolve, x.package));
    });

  wit
    .command('targets')
    .description('check that a component targets a world: imports ⊆ world imports, exports ⊇ world exports, same types')
    .argument('<component>', 'a component (.wasm)')
    .requiredOption('--world <pkg/world>', 'the world, e.g. wasi:http/proxy or demo:app/application')
    .option('--wit <dir>', 'WIT folder (with deps/) that defines the world', 'wit')
    .action(async (file: string, opts: { world: string; wit: string }, cmd: Command) => {
      const g = globals(cmd);
      const x = decodingFile(file, () => componentWorld(readBinaryFile(file), file));
      const target = resolvePath(opts.wit, await withWatInputs(opts.wit, {}));
      const world = findWorld(target.resolve, target.package, opts.world);
      const report = checkTargets({ resolve: x.resolve, world: x.world }, { resolve: target.resolve, world });
      if (!report.conforms) exitState.code = 1;
      emit(g, { component: file, world: opts.world, ...report }, () =>
        report.conforms
          ? [`${path.basename(file)} targets ${opts.world} (${report.imports.length} imports, ${report.exports.length} exports checked)`]
          : [
              `${path.basename(file)} does not target ${opts.world}:`,
              ...report.mismatches.map((m) =>
                m.kind === 'extra-import'
                  ? `  + import ${m.item}  (the world does not import it)`
                  : m.kind === 'missing-export'
                    ? `  - export ${m.item}  (the world exports it; the component does not)`
                    : `  ~ ${m.direction} ${m.item}: ${m.detail}`,
              ),
            ],
      );
    });
}
