#!/usr/bin/env node
// Mutation fuzzer for the WIT parser/resolver/printer (not run in CI). Takes every valid corpus case,
// applies random byte/token mutations and checks that resolving either succeeds or throws a
// WitError (never another exception), finishes within 1 s, and that anything that resolves also
// prints and re-resolves to the same model. Usage (after `pnpm build`):
//   node packages/wit-tools/scripts/fuzz.mjs [iterations=20000] [seed=1]
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wt = await import(pathToFileURL(join(here, '..', 'dist', 'index.js')).href);
const iterations = Number(process.argv[2] ?? 20000);
let seed = Number(process.argv[3] ?? 1) >>> 0 || 1;
const rand = () => {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 0x100000000;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const corpus = join(here, '..', 'test', 'corpus', 'valid');
const inputs = readdirSync(corpus)
  .filter((n) => n.endsWith('.wit') && statSync(join(corpus, n)).isFile())
  .map((n) => readFileSync(join(corpus, n), 'utf8'));
const snippets = [
  'interface', 'world', 'package', 'use', 'type', 'record', 'resource', 'func', 'async', 'static', 'constructor', 'import',
  'export', 'include', 'with', 'as', 'borrow<', 'own<', 'list<', 'option<', 'result<', 'tuple<', 'map<', 'future', 'stream',
  'error-context', '{', '}', '(', ')', '<', '>', ',', ';', ':', '.', '/', '@', '%', '->', '_', '@since(version = 1.0.0)',
  '@unstable(feature = x)', '@deprecated(version = 0.1.0)', '///', '/*', '*/', '"', 'a:b/c@1.0.0', 'u32', 'string', '0', '99999999999',
  '\n', ' ', 'é', '\u202e', 'self', 't', 'r', 'x',
];

function mutate(text) {
  let s = text;
  const n = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rand() * (s.length + 1));
    switch (Math.floor(rand() * 5)) {
      case 0: s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 8)); break; // delete
      case 1: s = s.slice(0, at) + pick(snippets) + s.slice(at); break; // insert a token
      case 2: { const from = Math.floor(rand() * s.length); const len = Math.floor(rand() * 40); s = s.slice(0, at) + s.slice(from, from + len) + s.slice(at); break; } // duplicate a slice
      case 3: s = s.slice(0, at) + String.fromCharCode(Math.floor(rand() * 128)) + s.slice(at + 1); break; // replace a char
      default: { const other = pick(inputs); const from = Math.floor(rand() * other.length); s = s.slice(0, at) + other.slice(from, from + Math.floor(rand() * 80)) + s.slice(at); } // splice another case
    }
  }
  return s;
}

let ok = 0, rejected = 0, failures = 0, slowest = 0;
for (let i = 0; i < iterations; i++) {
  const input = mutate(pick(inputs));
  const t0 = performance.now();
  let problem;
  try {
    const { resolve, package: pkg } = wt.resolveSource(input, 'fuzz.wit', { allFeatures: true });
    const printed = wt.printResolve(resolve, pkg);
    const again = wt.resolveSource(printed, 'printed.wit', { allFeatures: true });
    if (JSON.stringify(wt.canonicalModel(again.resolve)) !== JSON.stringify(wt.canonicalModel(resolve))) problem = 'print/re-parse changed the model';
    else if (wt.printResolve(again.resolve, again.package) !== printed) problem = 'printing is not idempotent';
    else ok++;
  } catch (e) {
    if (e instanceof wt.WitError) rejected++;
    else problem = `crash: ${e && e.stack ? e.stack : e}`;
  }
  const ms = performance.now() - t0;
  slowest = Math.max(slowest, ms);
  if (ms > 1000) problem = `took ${ms.toFixed(0)} ms`;
  if (problem) {
    failures++;
    const file = join(process.cwd(), `fuzz-failure-${failures}.wit`);
    writeFileSync(file, input);
    console.error(`#${i}: ${problem}\n  input saved to ${file}`);
    if (failures >= 10) break;
  }
}
console.log(`${iterations} inputs: ${ok} resolved and round-tripped, ${rejected} rejected with WitError, ${failures} failures; slowest ${slowest.toFixed(1)} ms`);
process.exit(failures > 0 ? 1 : 0);
