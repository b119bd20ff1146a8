#!/usr/bin/env node
// Differential check of weld's validator against the wasmparser inside jco (its `componentWit` validates before it
// decodes WIT; a validation failure ends in "(at offset 0x…)"). Runs the spec corpus binaries through both, or with
// `--mutate <seed>` eight one-byte mutants of each binary jco accepts, and prints where they disagree. jco's
// wasmparser is older than the .wast files and does not validate function bodies, so a disagreement is a lead to
// read, not a verdict. Not part of CI; run after `pnpm build`:
//   node packages/binary/scripts/spec-oracle.mjs [--mutate <seed>]
// A panic poisons jco's wasm instance, so inputs are classified in child processes that resume after a trap.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--worker') {
  const { componentWit } = await import('@bytecodealliance/jco');
  const inputs = JSON.parse(readFileSync(process.argv[3], 'utf8'));
  for (let i = Number(process.argv[4]); i < inputs.length; i++) {
    let verdict;
    try {
      await componentWit(new Uint8Array(Buffer.from(inputs[i].bytes, 'base64')));
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

/** wasmparser's verdict per input (absent when jco trapped on it). */
function classify(inputs) {
  const dir = mkdtempSync(join(tmpdir(), 'weld-oracle-'));
  const file = join(dir, 'inputs.json');
  writeFileSync(file, JSON.stringify(inputs));
  const verdicts = new Map();
  try {
    for (let start = 0; ;) {
      let out;
      try {
        out = execFileSync(process.execPath, [self, '--worker', file, String(start)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 << 20 });
      } catch (e) {
        out = e.stdout ?? '';
      }
      const lines = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      for (const l of lines) if (!l.trap) verdicts.set(l.i, l.verdict);
      const last = lines.at(-1);
      if (!last?.trap) break;
      start = last.i + 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return verdicts;
}

const { cases } = JSON.parse(readFileSync(join(pkg, 'test/spec/corpus.json'), 'utf8'));
const binPath = execFileSync(process.execPath, [join(pkg, 'scripts/spec-binaries.mjs')], { encoding: 'utf8' }).trim();
const bins = JSON.parse(readFileSync(binPath, 'utf8'));
let inputs = cases.flatMap((c, i) => (bins[i]?.bytes ? [{ label: `${c.file}:${c.line} [.wast: ${c.expect}]`, bytes: bins[i].bytes }] : []));

const mutateAt = process.argv.indexOf('--mutate');
if (mutateAt > 0) {
  let seed = Number(process.argv[mutateAt + 1] ?? 1) || 1;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const accepted = classify(inputs);
  const mutants = [];
  inputs.forEach((input, i) => {
    const b = Buffer.from(input.bytes, 'base64');
    if (accepted.get(i) !== 'valid' || b.length < 12) return;
    for (let k = 0; k < 8; k++) {
      const m = Buffer.from(b);
      const at = 8 + random(m.length - 8);
      const how = random(3);
      m[at] = how === 0 ? m[at] ^ (1 << random(8)) : how === 1 ? random(4) : (m[at] + 1) & 0xff;
      mutants.push({ label: `${input.label} byte ${at} -> 0x${m[at].toString(16)}`, bytes: m.toString('base64') });
    }
  });
  inputs = mutants;
}

const theirs = classify(inputs);
const { validateComponent } = await import(pathToFileURL(join(pkg, 'dist/index.js')).href);
const FEATURES = ['cm-async', 'cm-async-stackful', 'cm-more-async-builtins', 'cm-error-context', 'cm-fixed-length-lists', 'cm-map', 'cm-values',
  'cm-nested-names', 'cm-threading', 'cm64', 'cm-implements', 'cm-canon-names', 'custom-page-sizes'];
let agree = 0;
const stricter = [];
const looser = [];
for (const [i, verdict] of theirs) {
  const r = validateComponent(new Uint8Array(Buffer.from(inputs[i].bytes, 'base64')), { features: FEATURES });
  if (r.valid === (verdict === 'valid')) agree++;
  else if (r.valid) looser.push(`${inputs[i].label}\n    wasmparser: ${verdict.replace(/\n/g, ' | ')}`);
  else stricter.push(`${inputs[i].label}\n    weld: ${r.error.message.replace(/\n/g, ' | ')}`);
}
console.log(`${inputs.length} binaries, ${theirs.size} classified by jco: ${agree} agree`);
console.log(`\nweld rejects, jco's wasmparser accepts (${stricter.length}):\n${stricter.join('\n')}`);
console.log(`\nweld accepts, jco's wasmparser rejects (${looser.length}):\n${looser.join('\n')}`);
