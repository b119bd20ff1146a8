#!/usr/bin/env node
// Runs wit-parser's own UI tests (wasm-tools `crates/wit-parser/tests/ui`) against weld's resolver:
// valid cases must produce JSON equal to the `.wit.json` golden, `parse-fail` cases must fail.
// Not part of CI (the tests live in wasm-tools' repository); run after `pnpm build`:
//   node scripts/conformance/wit-parser-ui.mjs <wasm-tools>/crates/wit-parser/tests/ui [-v] [filter]
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { toJSON, isWeldError } = await import(pathToFileURL(join(repo, 'packages/wit-tools/dist/index.js')).href);
const { resolvePath, watFilesOf } = await import(pathToFileURL(join(repo, 'packages/wit-tools/dist/node.js')).href);
const { watToBinary } = await import(pathToFileURL(join(repo, 'packages/compose/dist/index.js')).href);
await import(pathToFileURL(join(repo, 'packages/binary/dist/index.js')).href); // registers the binary WIT package decoder

const args = process.argv.slice(2);
const verbose = args.includes('-v');
const [root, filter] = args.filter((a) => a !== '-v');
if (!root) {
  console.error('usage: conformance.mjs <wit-parser tests/ui folder> [-v] [filter]');
  process.exit(2);
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'parse-fail') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(p);
    else if (/\.(md|wit|wat|wasm)$/.test(name)) out.push(p);
  }
  return out;
}

function expectationFile(test, ext) {
  if (test.endsWith('.wit.md')) return test.replace(/\.md$/, `.md.${ext}`);
  return test.replace(/\.(md|wit|wat|wasm)$/, '') + `.wit.${ext}`;
}

const tests = [...findTests(root), ...findTests(join(root, 'parse-fail'))].filter((t) => !filter || t.includes(filter));
let passed = 0;
const failures = [];
for (const test of tests) {
  const shouldFail = test.includes('/parse-fail/');
  let result;
  try {
    const wat = new Map();
    for (const f of watFilesOf(test)) wat.set(f, await watToBinary(f));
    result = { ok: resolvePath(test, { features: ['active'], readWat: (p) => wat.get(p) }) };
  } catch (e) {
    result = { err: e };
  }
  const name = test.slice(root.length + 1);
  if (shouldFail) {
    if (result.ok) {
      failures.push({ name, why: 'expected an error, resolved fine' });
      continue;
    }
    if (!isWeldError(result.err)) {
      failures.push({ name, why: `crashed: ${result.err?.stack ?? result.err}` });
      continue;
    }
    passed++;
    if (verbose) {
      const exp = existsSync(expectationFile(test, 'result')) ? readFileSync(expectationFile(test, 'result'), 'utf8').trim() : '?';
      console.log(`--- ${name}\n  wit-parser: ${exp.split('\n')[0]}\n  weld:       ${String(result.err.message).split('\n')[0]}`);
    }
    continue;
  }
  if (result.err) {
    failures.push({ name, why: `failed to resolve: ${isWeldError(result.err) ? result.err.message : result.err?.stack}` });
    continue;
  }
  const expected = JSON.parse(readFileSync(expectationFile(test, 'json'), 'utf8'));
  const actual = JSON.parse(JSON.stringify(toJSON(result.ok.resolve)));
  if (!isDeepStrictEqual(actual, expected)) {
    failures.push({ name, why: `JSON differs: ${firstDifference(expected, actual, '$')}` });
    continue;
  }
  passed++;
}

function firstDifference(a, b, path) {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || a === null || b === null || typeof a !== 'object') {
    return isDeepStrictEqual(a, b) ? null : `${path}: expected ${JSON.stringify(a)?.slice(0, 200)} got ${JSON.stringify(b)?.slice(0, 200)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (!(k in a)) return `${path}.${k}: unexpected (${JSON.stringify(b[k])?.slice(0, 200)})`;
    if (!(k in b)) return `${path}.${k}: missing (expected ${JSON.stringify(a[k])?.slice(0, 200)})`;
    const d = firstDifference(a[k], b[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

for (const f of failures) console.log(`FAIL ${f.name}\n     ${f.why.split('\n').slice(0, 6).join('\n     ')}`);
console.log(`${passed} passed, ${failures.length} failed (of ${tests.length}: ${basename(root)})`);
process.exit(failures.length ? 1 : 0);
