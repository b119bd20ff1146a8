import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ComponentSpec } from './project.js';

async function filesUnder(dir: string, out: string[], depth = 0): Promise<void> {
  if (depth > 16) return; // symlink loops
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const info = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : entry;
    if (!info) continue;
    if (info.isDirectory()) await filesUnder(full, out, depth + 1);
    else if (info.isFile()) out.push(full);
  }
}

/** Every file whose content can change the component: sources, C headers beside them, the whole WIT tree. */
export async function inputFiles(spec: ComponentSpec): Promise<string[]> {
  const files = new Set(spec.sources);
  if (spec.language === 'c') {
    for (const dir of new Set(spec.sources.map((s) => path.dirname(s)))) {
      for (const f of await readdir(dir)) if (f.endsWith('.h')) files.add(path.join(dir, f));
    }
  }
  if (spec.wit) {
    const info = await stat(spec.wit).catch(() => undefined);
    if (info?.isDirectory()) {
      const wit: string[] = [];
      await filesUnder(spec.wit, wit);
      for (const f of wit) files.add(f);
    } else if (info) files.add(spec.wit);
  }
  return [...files].sort();
}

/** Content hash of a component's inputs: the spec (paths relative to the root), each input's bytes, the toolchain. */
export async function inputsHash(spec: ComponentSpec, root: string, toolchain: string): Promise<string> {
  const hash = createHash('sha256');
  const rel = (p: string) => path.relative(root, p);
  hash.update(JSON.stringify({ ...spec, sources: spec.sources.map(rel), wit: spec.wit && rel(spec.wit), toolchain }));
  for (const file of await inputFiles(spec)) {
    hash.update('\0' + rel(file) + '\0');
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}
