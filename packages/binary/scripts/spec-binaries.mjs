#!/usr/bin/env node
// Converts the spec corpus (test/spec/corpus.json, text) into binaries with jco's WAT parser, cached at
// <repo>/.cache/binary-spec/<hash>.json. Prints that path. A case jco's parser rejects keeps `textError` instead of
// bytes (a malformed-text case: scored separately). A trap poisons jco's wasm instance, so conversion runs in child
// processes that resume after the failing case.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpusPath = join(pkg, 'test/spec/corpus.json');

function wastString(s) {
  // "..." with \hh, \n, \t, \\, \", \u{...} escapes → bytes
  const out = [];
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i];
    if (c !== '\\') {
      out.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = s[++i];
    if (/[0-9a-fA-F]/.test(n)) { out.push(parseInt(s.slice(i, i + 2), 16)); i++; }
    else if (n === 'n') out.push(10);
    else if (n === 't') out.push(9);
    else if (n === 'r') out.push(13);
    else if (n === 'u') { const end = s.indexOf('}', i); out.push(...Buffer.from(String.fromCodePoint(parseInt(s.slice(i + 2, end), 16)), 'utf8')); i = end; }
    else out.push(...Buffer.from(n, 'utf8'));
  }
  return out;
}
// string literals outside `;;` line comments (comments in binary modules quote names too)
const strings = (text) => [...text.matchAll(/;;[^\n]*|"(?:[^"\\]|\\.)*"/gs)].map((m) => m[0]).filter((t) => t.startsWith('"'));

async function convertFrom(start, outPath) {
  const { parse } = await import('@bytecodealliance/jco');
  const { cases } = JSON.parse(readFileSync(corpusPath, 'utf8'));
  const results = existsSync(outPath) ? JSON.parse(readFileSync(outPath, 'utf8')) : [];
  for (let i = start; i < cases.length; i++) {
    const c = cases[i];
    // `(component definition …)` is the .wast form of a component that is only defined, not instantiated
    const text = c.text.replace(/^\(\s*component\s+definition\b/, '(component');
    const m = /^\(\s*component\s+(?:\$\S+\s+)?(binary|quote)\b([\s\S]*)\)$/.exec(text);
    let entry;
    if (m && m[1] === 'binary') {
      entry = { bytes: Buffer.from(strings(m[2]).flatMap(wastString)).toString('base64') };
    } else {
      const source = m ? `(component ${strings(m[2]).map((s) => Buffer.from(wastString(s)).toString('utf8')).join(' ')})` : text;
      try {
        entry = { bytes: Buffer.from(await parse(source)).toString('base64') };
      } catch (e) {
        entry = { textError: String(e?.message ?? e).slice(0, 300) };
      }
    }
    results[i] = entry;
    if (entry.textError && /wasm trap|cannot enter/.test(entry.textError)) {
      writeFileSync(outPath, JSON.stringify(results));
      process.exit(10 + 0 * i);
    }
  }
  writeFileSync(outPath, JSON.stringify(results));
}

if (process.argv[2] === '--child') {
  await convertFrom(Number(process.argv[3]), process.argv[4]);
} else {
  const corpus = readFileSync(corpusPath);
  // the conversion rules are part of the key: a change to this script converts again
  const hash = createHash('sha256').update(corpus).update(readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 24);
  const dir = join(pkg, '../../.cache/binary-spec');
  mkdirSync(dir, { recursive: true });
  const final = join(dir, `${hash}.json`);
  if (!existsSync(final)) {
    const work = `${final}.${process.pid}.part`;
    let start = 0;
    for (;;) {
      try {
        execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(start), work], { stdio: ['ignore', 'ignore', 'inherit'] });
        break;
      } catch (e) {
        if (e.status !== 10) throw e;
        start = JSON.parse(readFileSync(work, 'utf8')).length;
      }
    }
    renameSync(work, final);
  }
  process.stdout.write(final + '\n');
}
