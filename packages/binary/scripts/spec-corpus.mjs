#!/usr/bin/env node
// Extracts the component-model spec cases from wasm-tools' tests/cli/component-model/**/*.wast into a text corpus
// (test/spec/corpus.json): every top-level (component ...) (valid), and the (component ...) of every assert_invalid /
// assert_malformed with its expected message. Usage: node scripts/spec-corpus.mjs <wasm-tools git dir>
import { execFileSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const gitDir = process.argv[2];
if (!gitDir) {
  process.stderr.write('usage: spec-corpus.mjs <path to a bytecodealliance/wasm-tools git dir>\n');
  process.exit(2);
}
const git = (...args) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const commit = git('rev-parse', 'HEAD').trim();
const files = git('ls-tree', '-r', '--name-only', 'HEAD', 'tests/cli/component-model').split('\n').filter((f) => f.endsWith('.wast'));

/** Top-level S-expressions of a .wast file, with their start line. Skips comments and respects strings. */
function forms(text) {
  const out = [];
  let depth = 0;
  let start = -1;
  let line = 1;
  let startLine = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (c === ';' && text[i + 1] === ';') {
      while (i < text.length && text[i] !== '\n') i++;
      line++;
      continue;
    }
    if (c === '(' && text[i + 1] === ';') {
      let d = 0;
      for (; i < text.length; i++) {
        if (text[i] === '\n') line++;
        if (text[i] === '(' && text[i + 1] === ';') { d++; i++; } else if (text[i] === ';' && text[i + 1] === ')') { d--; i++; if (d === 0) break; }
      }
      continue;
    }
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      if (depth === 0) { start = i; startLine = line; }
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) out.push({ text: text.slice(start, i + 1), line: startLine });
    }
  }
  return out;
}

/** Splits `(head a b c)` into its direct children (as text). */
function children(form) {
  const inner = form.slice(1, -1);
  const out = [];
  let i = 0;
  while (i < inner.length) {
    const c = inner[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === ';' && inner[i + 1] === ';') { while (i < inner.length && inner[i] !== '\n') i++; continue; }
    let j = i;
    if (c === '(') {
      let d = 0;
      for (; j < inner.length; j++) {
        if (inner[j] === '"') { for (j++; inner[j] !== '"'; j++) if (inner[j] === '\\') j++; continue; }
        if (inner[j] === '(') d++;
        else if (inner[j] === ')' && --d === 0) break;
      }
      j++;
    } else if (c === '"') {
      for (j++; inner[j] !== '"'; j++) if (inner[j] === '\\') j++;
      j++;
    } else {
      while (j < inner.length && !/[\s()]/.test(inner[j])) j++;
    }
    out.push(inner.slice(i, j));
    i = j;
  }
  return out;
}

const head = (f) => /^\(\s*([^\s()]+)/.exec(f)?.[1];
const cases = [];
for (const file of files) {
  const text = git('show', `HEAD:${file}`);
  const run = /^;; RUN: (.*)$/m.exec(text)?.[1] ?? '';
  const features = /-f\s+(\S+)/.exec(run)?.[1]?.split(',') ?? [];
  if (/--features=-/.test(run)) features.push('minus-features');
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
