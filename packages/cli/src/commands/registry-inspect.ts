import type { Command } from 'commander';
import { inspectReference, type ReferenceInspection } from '@weld/registry';
import { emit, globals } from '../context.js';
import { openOptions } from './registry-common.js';

/** Text rendering of an inspected reference: manifest, config summary, world, referrers. */
export function renderInspection(r: ReferenceInspection): string[] {
  const lines = [`${r.reference}`, `  digest     ${r.descriptor.digest}`, `  mediaType  ${r.descriptor.mediaType}`, `  size       ${r.descriptor.size}`];
  const m = r.manifest;
  if ('layers' in m) {
    lines.push(`  config     ${m.config.mediaType} ${m.config.digest}`);
    for (const l of m.layers) lines.push(`  layer      ${l.mediaType} ${l.digest} (${l.size} bytes)${l.annotations?.['org.opencontainers.image.title'] ? ' ' + l.annotations['org.opencontainers.image.title'] : ''}`);
  } else {
    for (const d of m.manifests) lines.push(`  manifest   ${d.mediaType} ${d.digest}`);
  }
  for (const [k, v] of Object.entries(m.annotations ?? {})) lines.push(`  annotation ${k}=${v}`);
  const cfg = r.config as { os?: string; architecture?: string; created?: string } | undefined;
  if (cfg?.architecture) lines.push(`  platform   ${cfg.architecture}/${cfg.os ?? '?'}${cfg.created ? `, created ${cfg.created}` : ''}`);
  if (r.world) {
    lines.push('  world');
    for (const i of r.world.imports) lines.push(`    import ${i}`);
    for (const e of r.world.exports) lines.push(`    export ${e}`);
  }
  for (const ref of r.referrers) lines.push(`  referrer   ${ref.artifactType ?? ref.mediaType} ${ref.digest}`);
  return lines;
}

/**
 * The action of `weld inspect <ref>` for references (not files): the binary engineer's `weld inspect <file>`
 * calls this when its argument is not an existing file. Exported for the lead to wire; not registered itself.
 */
export async function inspectReferenceAction(ref: string, opts: { plainHttp?: boolean; timeout?: string }, cmd: Command): Promise<void> {
  const g = globals(cmd);
  const result = await inspectReference(ref, openOptions(opts));
  emit(g, result, () => renderInspection(result));
}
