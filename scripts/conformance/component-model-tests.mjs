#!/usr/bin/env node
// Validates every component in the component-model repository's reference tests (test/**/*.wast): each
// top-level `(component …)` / `(component definition …)` and each component an `assert_trap`/`assert_return`-style
// form instantiates must be accepted; each `assert_invalid` / `assert_malformed` component must be rejected (and its
// message should contain the expected text). weld validates with the features the repository's test/README.md
// turns on for wasmtime (the defaults plus the CM proposals below). Files listed in test/nyi.txt are marked.
// Not part of CI (the inputs live in another repository); run after `pnpm build`:
//   node scripts/conformance/component-model-tests.mjs <component-model checkout or bare git dir> [-v]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { children, componentEntry, forms, head } from '../../packages/binary/scripts/wast.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const verbose = args.includes('-v');
const source = args.find((a) => a !== '-v' && !a.startsWith('--child'));

/** The .wast files under test/ as { name, text }, read from a checkout or from a bare git directory. */
function testFiles(src) {
  if (existsSync(join(src, 'test'))) {
    const out = [];
    const walk = (d) => {
      for (const n of readdirSync(d).sort()) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.wast')) out.push({ name: relative(join(src, 'test'), p), text: readFileSync(p, 'utf8') });
      }
    };
    walk(join(src, 'test'));
    const nyi = existsSync(join(src, 'test/nyi.txt')) ? readFileSync(join(src, 'test/nyi.txt'), 'utf8') : '';
    return { files: out, nyi };
  }
  const git = (...a) => execFileSync('git', ['--git-dir', src, ...a], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const names = git('ls-tree', '-r', '--name-only', 'HEAD', 'test').split('\n').filter((f) => f.endsWith('.wast'));
  let nyi = '';
  try {
    nyi = git('show', 'HEAD:test/nyi.txt');
  } catch {}
  return { files: names.map((n) => ({ name: n.slice('test/'.length), text: git('show', `HEAD:${n}`) })), nyi };
}

/** The component cases of one .wast file: { line, expect, text, message }. */
function casesOf(text) {
  const out = [];
  for (const f of forms(text)) {
    const h = head(f.text);
    // `(component instance $i $C)` instantiates a definition: no component of its own
    if (h === 'component' && /^\(\s*component\s+instance\b/.test(f.text)) continue;
    if (h === 'component') out.push({ line: f.line, expect: 'valid', text: f.text });
    else if (h === 'assert_invalid' || h === 'assert_malformed') {
      const [, mod, msg] = children(f.text);
      if (mod && head(mod) === 'component') out.push({ line: f.line, expect: h.slice('assert_'.length), text: mod, message: msg ? JSON.parse(msg) : '' });
    } else if (h?.startsWith('assert_')) {
      // assert_trap/assert_unlinkable/assert_return on a component: it must at least validate
      const [, mod] = children(f.text);
      if (mod && head(mod) === 'component') out.push({ line: f.line, expect: 'valid', text: mod });
    }
  }
  return out;
}

/** Component text → bytes with jco's WAT parser (in a child process per file: a trap poisons jco's instance). */
async function convert(cases) {
  const { parse } = await import(pathToFileURL(join(repo, 'packages/compose/node_modules/@bytecodealliance/jco/dist/api.js')).href);
  const out = [];
  for (const c of cases) {
    const entry = await componentEntry(c.text, parse);
    out.push(entry);
    if (entry.textError && /wasm trap|cannot enter/.test(entry.textError)) break;
  }
  return out;
}

if (args[0] === '--child') {
  const cases = JSON.parse(readFileSync(0, 'utf8'));
  process.stdout.write(JSON.stringify(await convert(cases)));
  process.exit(0);
}
if (!source) {
  console.error('usage: component-model-tests.mjs <component-model checkout or bare git dir> [-v]');
  process.exit(2);
}

const binary = await import(pathToFileURL(join(repo, 'packages/binary/dist/index.js')).href);
const FEATURES = [...new Set([...binary.DEFAULT_FEATURES, 'cm-more-async-builtins', 'cm-threading', 'cm-async-stackful', 'cm-implements', 'cm-fixed-length-lists', 'cm-map'])];
const { files, nyi } = testFiles(source);
const nyiNames = new Set(nyi.split('\n').map((l) => l.trim().replace(/^\.\//, '')).filter(Boolean));
const tally = { cases: 0, textRejected: 0, validOk: 0, validTotal: 0, invalidOk: 0, invalidTotal: 0, messageOk: 0 };
const failures = [];
for (const file of files) {
  const cases = casesOf(file.text);
  if (cases.length === 0) continue;
  const bins = [];
  while (bins.length < cases.length) {
    const rest = cases.slice(bins.length);
    const got = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], { input: JSON.stringify(rest), encoding: 'utf8', maxBuffer: 256 << 20 }));
    bins.push(...got);
  }
  const isNyi = nyiNames.has(file.name) || nyiNames.has(`test/${file.name}`);
  cases.forEach((c, i) => {
    tally.cases++;
    const b = bins[i];
    if (b?.bytes === undefined) {
      tally.textRejected++;
      if (verbose) console.log(`text   ${file.name}:${c.line} ${b?.textError ?? ''}`);
      return;
    }
    const r = binary.validateComponent(new Uint8Array(Buffer.from(b.bytes, 'base64')), { features: FEATURES });
    const where = `${file.name}:${c.line}${isNyi ? ' (nyi.txt)' : ''}`;
    if (c.expect === 'valid') {
      tally.validTotal++;
      if (r.valid) tally.validOk++;
      else failures.push(`${where} valid, rejected: ${r.error.message}`);
    } else {
      tally.invalidTotal++;
      if (!r.valid) {
        tally.invalidOk++;
        if (r.error.message.includes(c.message)) tally.messageOk++;
        else if (verbose) console.log(`words  ${where} expected "${c.message}", got "${r.error.message}"`);
      } else failures.push(`${where} ${c.expect}, accepted (expected "${c.message}")`);
    }
  });
}
for (const f of failures) console.log(`FAIL ${f}`);
console.log(
  `component-model reference tests: valid accepted ${tally.validOk}/${tally.validTotal}, invalid rejected ${tally.invalidOk}/${tally.invalidTotal} ` +
    `(messages matching ${tally.messageOk}/${tally.invalidOk}); ${tally.textRejected} of ${tally.cases} cases not readable by jco's text parser`,
);
process.exit(failures.length ? 1 : 0);
