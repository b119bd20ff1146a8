import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Fixture { name: string; kind: 'wat' | 'wit' | 'componentize'; path: string }

const script = fileURLToPath(new URL('../scripts/fixtures.mjs', import.meta.url));
let cache: Fixture[] | undefined;

/** The real components of the corpus, built (or taken from .cache/) by scripts/fixtures.mjs in a child process. */
export function fixtures(): Fixture[] {
  if (cache) return cache;
  const args = process.env.WELD_SKIP_COMPONENTIZE ? [script] : [script, '--componentize'];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
  cache = JSON.parse(out.trim().split('\n').pop()!) as Fixture[];
  return cache;
}

export function bytesOf(f: Fixture): Uint8Array {
  return new Uint8Array(readFileSync(f.path));
}
