import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ComposeError, plugComponents, sha256Digest, writeFileAtomic } from '@weld/compose';
import { resolvePolicy } from '@weld/registry';
import { loadRunnable } from '@weld/runner';
import { emit, globals, status } from '../context.js';
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
    .argument('<socket>', 'the component whose imports get plugged (a .wasm file or a reference)')
    .requiredOption('--plug <component>', 'a component whose exports satisfy imports of the socket (repeatable, in order)', collect)
    .requiredOption('--out <file>', 'where to write the composed component (written atomically)')
    .option('--policy <file>', 'trust policy for inputs given by reference; denial exits 3')
    .addHelpText(
      'after',
      '\nEvery socket import that a plug exports under the same name is satisfied by that plug; all other imports of the\n' +
        'inputs become imports of the result, declared once. The result exports what the socket exports, records its\n' +
        'inputs (names and sha256 digests) in a `weld-provenance` custom section that `weld attest` reads, and is\n' +
        'validated before it is written: a plug whose export type does not match the import fails here.',
    )
    .action(async (socketSource: string, opts: { plug: string[]; out: string; policy?: string }, cmd: Command) => {
      const g = globals(cmd);
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
      for (const r of composed.plugs) status(g, `weld: ${r.plug} → ${socket.name}: ${r.satisfies.join(', ')}`);
      emit(
        g,
        { output: opts.out, digest, size: composed.bytes.length, plugs: composed.plugs, imports: composed.imports, exports: composed.exports, provenance: composed.provenance },
        () => [
          `${opts.out} (${(composed.bytes.length / 1048576).toFixed(1)} MiB, ${digest})`,
          `  exports: ${composed.exports.join(', ') || '(none)'}`,
          `  imports: ${composed.imports.length} left for the host${composed.imports.length > 0 ? ` (${composed.imports.slice(0, 4).join(', ')}${composed.imports.length > 4 ? ', …' : ''})` : ''}`,
        ],
      );
    });
}
