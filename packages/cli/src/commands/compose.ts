import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { sha256Digest, writeFileAtomic } from '@weld/core/node';
import { ComposeError, composeProject, loadProject, plugComponents, type ComposedComponent } from '@weld/compose';
import { resolvePolicy } from '@weld/registry';
import { loadRunnable } from '@weld/runner';
import { emit, globals } from '../context.js';
import { WELD_VERSION } from '../version.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `calc.wasm` → `calc`; `ghcr.io/acme/calc:1.0` → `calc`. */
function label(source: string): string {
  const base = source.replace(/@sha256:[0-9a-f]+$/, '').split('/').at(-1)!;
  return base.replace(/\.wasm$/, '').replace(/:[^:]+$/, '');
}

export function registerCompose(program: Command): void {
  program
    .command('compose')
    .description("plug components into a socket component's imports, making one component (like `wac plug`)")
    .argument('[socket]', 'the component whose imports get plugged (a .wasm file or a reference); or a project folder / weld.yaml', '.')
    .option('--plug <component>', 'a component whose exports satisfy imports of the socket (repeatable, in order)', collect)
    .option('--out <file>', 'where to write the composed component (written atomically)')
    .option('--policy <file>', 'trust policy for inputs given by reference; denial exits 3')
    .addHelpText(
      'after',
      '\nWithout --plug, runs the compose: entries of weld.yaml on the outputs of weld build:\n' +
        '  compose:\n    - { name: app-composed, socket: app, plugs: [calc] }   # writes build/app-composed.wasm\n' +
        '\nEvery socket import that a plug exports under the same name is satisfied by that plug; all other imports of the\n' +
        'inputs become imports of the result, declared once. The result exports what the socket exports, records its\n' +
        'inputs (names and sha256 digests) in a `weld-provenance` custom section that `weld attest` reads, and is\n' +
        'validated before it is written: a plug whose export type does not match the import fails here.',
    )
    .action(async (socketSource: string, opts: { plug?: string[]; out?: string; policy?: string }, cmd: Command) => {
      const g = globals(cmd);
      if (!opts.plug) {
        if (opts.out) throw new ComposeError('no-plugs', '--out needs at least one --plug', { hint: 'weld compose app.wasm --plug calc.wasm --out app-composed.wasm' });
        const isProject = existsSync(socketSource) && (statSync(socketSource).isDirectory() || /\.ya?ml$/.test(socketSource));
        if (!isProject) throw new ComposeError('no-plugs', `nothing to plug into ${socketSource}: give --plug <component> (and --out <file>)`);
        const results = await composeProject(await loadProject(socketSource), { weldVersion: WELD_VERSION });
        emit(
          g,
          results.map((r) => ({ name: r.name, output: r.output, digest: sha256Digest(r.bytes), size: r.bytes.length, plugs: r.plugs, imports: r.imports, exports: r.exports })),
          () => results.flatMap((r) => summary(path.relative(process.cwd(), r.output), r)),
        );
        return;
      }
      if (!opts.out) throw new ComposeError('input-invalid', 'where should the composition go? give --out <file>');
      const policy = await resolvePolicy({ policyFile: opts.policy });
      const load = async (source: string) => ({ name: label(source), bytes: (await loadRunnable(source, { policy })).bytes });
      const socket = await load(socketSource);
      const plugs = [];
      for (const p of opts.plug) plugs.push(await load(p));
      const names = new Set([socket.name]);
      for (const p of plugs) {
        if (names.has(p.name)) throw new ComposeError('input-invalid', `two inputs are both called "${p.name}"; rename one of the files`);
        names.add(p.name);
      }
      const composed = plugComponents(socket, plugs, { weldVersion: WELD_VERSION });
      await mkdir(path.dirname(path.resolve(opts.out)), { recursive: true });
      await writeFileAtomic(opts.out, composed.bytes);
      const digest = sha256Digest(composed.bytes);
      const out = opts.out;
      emit(
        g,
        { output: out, digest, size: composed.bytes.length, plugs: composed.plugs, imports: composed.imports, exports: composed.exports, provenance: composed.provenance },
        () => summary(out, composed),
      );
    });
}

function summary(output: string, c: ComposedComponent): string[] {
  return [
    `${output} (${(c.bytes.length / 1048576).toFixed(1)} MiB, ${sha256Digest(c.bytes)})`,
    ...c.plugs.map((p) => `  plugged ${p.plug} into ${p.satisfies.join(', ')}`),
    `  exports: ${c.exports.join(', ') || '(none)'}`,
    `  imports: ${c.imports.length} left for the host${c.imports.length > 0 ? ` (${c.imports.slice(0, 4).join(', ')}${c.imports.length > 4 ? ', …' : ''})` : ''}`,
  ];
}
