#!/usr/bin/env node
// Differential check of weld's validator against the wasmparser inside jco (its `componentWit` validates before it
// decodes WIT; a validation failure ends in "(at offset 0x…)"). Runs every binary of the spec corpus through both and
// prints where they disagree. jco's wasmparser is older than the .wast files, so a disagreement is a lead to read,
// not a verdict. Not part of CI; run after `pnpm build`:
//   node packages/binary/scripts/spec-oracle.mjs
// A panic poisons jco's wasm instance, so cases are classified in child processes that resume after a trap.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const { cases } = JSON.parse(readFileSync(join(pkg, 'test/spec/corpus.json'), 'utf8'));
const binPath = process.env.WELD_SPEC_BINARIES ?? execFileSync(process.execPath, [join(pkg, 'scripts/spec-binaries.mjs')], { encoding: 'utf8' }).trim();
const bins = JSON.parse(readFileSync(binPath, 'utf8'));
const bytesOf = (i) => new Uint8Array(Buffer.from(bins[i].bytes, 'base64'));

if (process.argv[2] === '--worker') {
  const { componentWit } = await import('@bytecodealliance/jco');
  for (let i = Number(process.argv[3]); i < cases.length; i++) {
    if (!bins[i]?.bytes) continue;
    let verdict;
    try {
      await componentWit(bytesOf(i));
      verdict = 'valid';
    } catch (e) {
      const m = String(e?.message ?? '');
      if (/\(at offset 0x[0-9a-f]+\)/.test(m)) verdict = m.split('\n').slice(1).join('\n');
      else if (!m || /unreachable|RuntimeError|panick/i.test(m)) {
        process.stdout.write(JSON.stringify({ i, trap: true }) + '\n');
        process.exit(3);
      } else verdict = 'valid'; // validation passed, WIT decoding failed
    }
    process.stdout.write(JSON.stringify({ i, verdict }) + '\n');
  }
  process.exit(0);
}

const theirs = new Map();
let traps = 0;
for (let start = 0; ;) {
  let out;
  try {
    out = execFileSync(process.execPath, [self, '--worker', String(start)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20, env: { ...process.env, WELD_SPEC_BINARIES: binPath } });
  } catch (e) {
    out = e.stdout ?? '';
  }
  const lines = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  for (const l of lines) if (!l.trap) theirs.set(l.i, l.verdict);
  const last = lines.at(-1);
  if (!last?.trap) break;
  traps++;
  start = last.i + 1;
}

const { validateComponent } = await import(pathToFileURL(join(pkg, 'dist/index.js')).href);
const FEATURES = ['cm-async', 'cm-async-stackful', 'cm-more-async-builtins', 'cm-error-context', 'cm-fixed-length-lists', 'cm-map', 'cm-values',
  'cm-nested-names', 'cm-threading', 'cm64', 'cm-implements', 'cm-canon-names', 'custom-page-sizes'];
let agree = 0;
const stricter = [];
const looser = [];
for (const [i, verdict] of theirs) {
  const r = validateComponent(bytesOf(i), { features: FEATURES });
  const where = `${cases[i].file}:${cases[i].line} [.wast: ${cases[i].expect}]`;
  if (r.valid === (verdict === 'valid')) agree++;
  else if (r.valid) looser.push(`${where}\n    wasmparser: ${verdict.replace(/\n/g, ' | ')}`);
  else stricter.push(`${where}\n    weld: ${r.error.message.replace(/\n/g, ' | ')}`);
}
console.log(`${theirs.size} binaries (${traps} jco traps skipped): ${agree} agree`);
console.log(`\nweld rejects, jco's wasmparser accepts (${stricter.length}):\n${stricter.join('\n')}`);
console.log(`\nweld accepts, jco's wasmparser rejects (${looser.length}):\n${looser.join('\n')}`);
