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
import { componentEntry } from './wast.mjs';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpusPath = join(pkg, 'test/spec/corpus.json');

async function convertFrom(start, outPath) {
  const { parse } = await import('@bytecodealliance/jco');
  const { cases } = JSON.parse(readFileSync(corpusPath, 'utf8'));
  const results = existsSync(outPath) ? JSON.parse(readFileSync(outPath, 'utf8')) : [];
  for (let i = start; i < cases.length; i++) {
    const entry = await componentEntry(cases[i].text, parse);
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
  const hash = createHash('sha256').update(corpus).update(readFileSync(fileURLToPath(import.meta.url))).update(readFileSync(new URL('./wast.mjs', import.meta.url))).digest('hex').slice(0, 24);
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
