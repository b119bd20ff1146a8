import type { Command } from 'commander';
import { BinaryError, inspectComponent, sniff, truncatedPreamble, type InspectReport } from '@weld/binary';
import { readBinaryFile } from '@weld/binary/node';
import { existsSync } from 'node:fs';
import { decodingFile, looksLikeFilePath } from '@weld/core';
import { emit, globals } from '../context.js';
import { inspectRef } from './inspect-ref.js';
import { withRegistryFlags } from './registry-common.js';

const size = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);

function text(file: string, r: InspectReport): string[] {
  const out: string[] = [`${file}: component${r.name ? ` "${r.name}"` : ''}, ${size(r.size)}`];
  const items = (list: InspectReport['world']['imports']) =>
    list.map((i) => `  ${i.kind.padEnd(9)} ${i.name}${i.items ? `  (${i.items.length}: ${i.items.slice(0, 6).join(', ')}${i.items.length > 6 ? ', …' : ''})` : ''}`);
  out.push(`imports (${r.world.imports.length}):`, ...items(r.world.imports));
  out.push(`exports (${r.world.exports.length}):`, ...items(r.world.exports));
  out.push('size by section:');
  for (const [k, v] of Object.entries(r.sizeByKind).sort((a, b) => b[1] - a[1])) out.push(`  ${k.padEnd(14)} ${size(v).padStart(10)}  ${((100 * v) / r.size).toFixed(1).padStart(5)}%`);
  if (r.modules.length) {
    out.push('core modules:');
    for (const m of r.modules) {
      out.push(`  ${m.path.padEnd(24)} ${size(m.size).padStart(10)}  ${m.name ?? ''}${m.adapter ? ' (adapter)' : ''}  ${m.imports} imports, ${m.exports} exports, ${m.functions} functions`);
    }
  }
  if (r.components.length) {
    out.push('nested components:');
    for (const c of r.components) out.push(`  ${c.path.padEnd(24)} ${size(c.size).padStart(10)}  ${c.name ?? ''}`);
  }
  if (r.adapters.length) out.push(`adapters: ${r.adapters.join(', ')}`);
  for (const f of r.producers) out.push(`${f.name}: ${f.values.map((v) => `${v.name}${v.version ? ' ' + v.version : ''}`).join(', ')}`);
  for (const [k, v] of Object.entries(r.metadata)) out.push(`${k}: ${v}`);
  return out;
}

export function registerInspect(program: Command): void {
  withRegistryFlags(
    program
      .command('inspect')
      .description("show a component's world, section and module sizes, producers and metadata; for a reference, its manifest, config, world and referrers")
      .argument('<file>', 'a component .wasm file, or a reference (host/repo:tag, oci:PATH:tag, repo:tag)'),
  ).action(async (file: string, opts: { plainHttp?: boolean; timeout?: string }, cmd: Command) => {
      const g = globals(cmd);
      if (!existsSync(file) && !looksLikeFilePath(file)) return inspectRef(g, file, opts);
      const bytes = readBinaryFile(file);
      const report = decodingFile(file, () => {
        const cut = truncatedPreamble(bytes);
        if (cut) throw cut;
        if (sniff(bytes) !== 'component') throw new BinaryError(sniff(bytes) === 'module' ? 'not-a-component' : 'bad-magic', `${file} is not a component`, 0);
        return inspectComponent(bytes);
      });
      emit(g, { file, ...report }, () => text(file, report));
    });
}
