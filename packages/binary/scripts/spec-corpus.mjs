#!/usr/bin/env node
// Extracts the component-model spec cases from wasm-tools' tests/cli/component-model/**/*.wast into a text corpus
// (test/spec/corpus.json): every top-level (component ...) (valid), and the (component ...) of every assert_invalid /
// assert_malformed with its expected message. Usage: node scripts/spec-corpus.mjs <wasm-tools git dir>
import { execFileSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { children, forms, head } from './wast.mjs';

const gitDir = process.argv[2];
if (!gitDir) {
  process.stderr.write('usage: spec-corpus.mjs <path to a bytecodealliance/wasm-tools git dir>\n');
  process.exit(2);
}
const git = (...args) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const commit = git('rev-parse', 'HEAD').trim();
const files = git('ls-tree', '-r', '--name-only', 'HEAD', 'tests/cli/component-model').split('\n').filter((f) => f.endsWith('.wast'));

const cases = [];
for (const file of files) {
  const text = git('show', `HEAD:${file}`);
  const run = /^;; RUN: (.*)$/m.exec(text)?.[1] ?? '';
  const features = /-f\s+(\S+)/.exec(run)?.[1]?.split(',') ?? [];
  for (const m of run.matchAll(/--features=((?:-[\w-]+,?)+)/g)) features.push(...m[1].split(',').filter(Boolean)); // `-name`: off
  if (/WAST_STRICT_COMPONENT_INDICES=0/.test(run)) features.push('legacy-indices');
  const name = file.replace('tests/cli/component-model/', '');
  for (const f of forms(text)) {
    const h = head(f.text);
    if (h === 'component') {
      cases.push({ file: name, line: f.line, features, expect: 'valid', text: f.text });
    } else if (h === 'assert_invalid' || h === 'assert_malformed') {
      const [, mod, msg] = children(f.text);
      if (!mod || head(mod) !== 'component') continue;
      cases.push({ file: name, line: f.line, features, expect: h === 'assert_invalid' ? 'invalid' : 'malformed', text: mod, message: msg ? JSON.parse(msg) : '' });
    }
  }
}

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'spec', 'corpus.json');
const doc = { source: 'bytecodealliance/wasm-tools tests/cli/component-model', commit, cases };
writeFileSync(`${target}.tmp`, JSON.stringify(doc, null, 1) + '\n');
renameSync(`${target}.tmp`, target);
const count = (e) => cases.filter((c) => c.expect === e).length;
process.stdout.write(`${cases.length} cases (${count('valid')} valid, ${count('invalid')} invalid, ${count('malformed')} malformed) from ${files.length} files\n`);
