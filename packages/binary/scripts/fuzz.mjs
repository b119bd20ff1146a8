#!/usr/bin/env node
// Mutation fuzzer for the component codec (not run in CI; a small budget runs in the test suite). Takes real
// components (the corpus of scripts/fixtures.mjs, jco's own wasm files, or the paths given), truncates them and
// flips, inserts and deletes bytes, and checks that decode, validate and WIT extraction either succeed or throw
// a BinaryError (never another exception), each within 1 s; anything that decodes must re-encode to bytes that
// decode again. Usage (after `pnpm build`):
//   node packages/binary/scripts/fuzz.mjs [--iterations 5000] [--seed 1] [--core] [files…]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const b = await import(pathToFileURL(join(here, '..', 'dist', 'index.js')).href);

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const iterations = Number(opt('--iterations', 5000));
let seed = Number(opt('--seed', 1)) >>> 0 || 1;
const coreModules = args.includes('--core');
const files = args.filter((a, i) => !a.startsWith('--') && !['--iterations', '--seed'].includes(args[i - 1]));

export const rand = () => {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 0x100000000;
};
const int = (n) => Math.floor(rand() * n);

function inputs() {
  if (files.length) return files.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(f)) }));
  const out = execFileSync(process.execPath, [join(here, 'fixtures.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  // small components mutate into more interesting cases per byte than 12 MB ones
  return JSON.parse(out.trim().split('\n').pop())
    .map((f) => ({ name: f.name, bytes: new Uint8Array(readFileSync(f.path)) }))
    .filter((f) => f.bytes.length < 2_000_000);
}

export function mutate(src) {
  let bytes = src;
  const kind = int(5);
  if (kind === 0) return bytes.subarray(0, int(bytes.length)); // truncation
  bytes = new Uint8Array(bytes);
  const n = 1 + int(8);
  for (let k = 0; k < n; k++) {
    const at = int(bytes.length);
    switch (int(4)) {
      case 0: bytes[at] ^= 1 << int(8); break; // bit flip
      case 1: bytes[at] = int(256); break; // byte set
      case 2: bytes[at] = [0x00, 0x7f, 0x80, 0xff, 0x40, 0x60][int(6)]; break; // LEB / type-code edge values
      default: {
        const len = 1 + int(4);
        const grown = new Uint8Array(bytes.length + len); // insertion
        grown.set(bytes.subarray(0, at));
        for (let i = 0; i < len; i++) grown[at + i] = int(256);
        grown.set(bytes.subarray(at), at + len);
        bytes = grown;
      }
    }
  }
  return bytes;
}

/** Runs one input through the codec; returns a problem description, or undefined when all is well. */
export function check(bytes) {
  const t0 = performance.now();
  try {
    const c = b.decodeComponent(bytes);
    const again = b.encodeComponent(c);
    b.decodeComponent(again);
    const v = b.validateComponent(c, { coreModules });
    if (v.valid) b.extractWit(c);
  } catch (e) {
    if (!b.isBinaryError(e)) return `uncaught ${e?.constructor?.name}: ${e?.message}\n${e?.stack?.split('\n').slice(1, 4).join('\n')}`;
  }
  const ms = performance.now() - t0;
  if (ms > 1000) return `took ${ms.toFixed(0)} ms`;
  return undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const corpus = inputs();
  console.log(`fuzzing ${corpus.length} components, ${iterations} mutations, seed ${opt('--seed', 1)}`);
  let problems = 0;
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const input = corpus[int(corpus.length)];
    const mutated = mutate(input.bytes);
    const problem = check(mutated);
    if (problem) {
      problems++;
      const file = join(tmpdir(), `weld-fuzz-${i}.wasm`);
      writeFileSync(file, mutated);
      console.log(`#${i} from ${input.name}: ${problem}\n  saved as ${file}`);
      if (problems >= 20) break;
    }
  }
  console.log(`${iterations} inputs in ${((performance.now() - started) / 1000).toFixed(1)} s, ${problems} problems`);
  process.exit(problems ? 1 : 0);
}
