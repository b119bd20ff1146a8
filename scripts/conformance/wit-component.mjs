#!/usr/bin/env node
// Runs wit-component's own tests (wasm-tools `crates/wit-component/tests`) against weld:
//   interfaces/  (a) resolve + print == `*.wit.print`; (b) encodeWitPackage bytes == the `.wat` expectation (through
//                jco's text parser; the `producers` section's processed-by tool and version are free); (c) decode our
//                bytes + print == `*.wit.print`; (d) re-encoding the decoded package is byte-identical.
//   components/  where `component.wat` and `component.wit.print` exist: extract the WIT with our decoder, print the
//                root package, compare.
//   targets/     our targets check agrees on pass/fail, and on the item an `error-*` case names.
//   merge/       mergeResolve(into, from) prints as `merge/*.wit` (and merges the other way round), or fails as `error.txt`.
//   and, when the checkout has it, every package of wit-parser's tests/ui through the same binary round trip.
// Not part of CI (the tests live in wasm-tools' repository); run after `pnpm build`:
//   node scripts/conformance/wit-component.mjs <wasm-tools>/crates/wit-component/tests [-v] [filter]
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const load = (p) => import(pathToFileURL(join(repo, p)).href);
const { printPackage, isWeldError } = await load('packages/wit-tools/dist/index.js');
const { resolvePath } = await load('packages/wit-tools/dist/node.js');
const { encodeWitPackage, extractWit, decodeComponent, checkTargets, validateComponent, mergeResolve } = await load('packages/binary/dist/index.js');
const { parse: parseWat } = await import(createRequire(join(repo, 'packages/binary/package.json')).resolve('@bytecodealliance/jco'));

const args = process.argv.slice(2);
const verbose = args.includes('-v');
const [root, filter] = args.filter((a) => a !== '-v');
if (!root) {
  console.error('usage: wit-component.mjs <wit-component tests folder> [-v] [filter]');
  process.exit(2);
}

const read = (p) => readFileSync(p, 'utf8').replace(/\r\n/g, '\n');

/**
 * WAT → bytes with jco's text parser. jco bundles an older wasm-tools that rejects `(@name "…")` annotations in some
 * positions; they only feed the name section, so on failure they are dropped and the text parsed again.
 */
async function wat(text) {
  try {
    return await parseWat(text);
  } catch (e) {
    const stripped = text.replace(/\(@name "(?:[^"\\]|\\.)*"\)/g, '');
    if (stripped === text) throw e;
    return await parseWat(stripped);
  }
}
const message = (e) => (isWeldError(e) || e?.code ? `${e.code ?? ''} ${e.message}` : String(e?.stack ?? e)).split('\n').slice(0, 4).join(' | ');

/** First differing line of two texts, as `line N: expected … got …`. */
function textDifference(expected, actual) {
  if (expected === actual) return null;
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: expected ${JSON.stringify(a[i] ?? '<end>')} got ${JSON.stringify(b[i] ?? '<end>')}`;
  }
  return 'differs';
}

const SECTION_NAMES = ['custom', 'core-module', 'core-instance', 'core-type', 'component', 'instance', 'alias', 'type', 'canon', 'start', 'import', 'export', 'value'];

/** Sections of a component as raw byte ranges, with `producers` rewritten so tool names and versions compare equal. */
function sections(bytes) {
  const out = [];
  let at = 8;
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      size |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    const body = bytes.subarray(at, at + size);
    at += size;
    let name;
    if (id === 0) {
      const n = body[0];
      name = new TextDecoder().decode(body.subarray(1, 1 + n));
    }
    out.push({ id, name, offset: start, bytes: bytes.subarray(start, at) });
  }
  return out;
}

function producersShape(sectionBytes) {
  const c = decodeComponent(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, ...sectionBytes]));
  const p = c.sections[0].payload;
  return JSON.stringify(p.fields.map((f) => ({ name: f.name, values: f.name === 'processed-by' ? f.values.length : f.values })));
}

/** Compares our bytes with the expectation section by section; returns null or the first difference. */
function bytesDifference(expected, actual) {
  const a = sections(expected);
  const b = sections(actual);
  if (Buffer.compare(expected.subarray(0, 8), actual.subarray(0, 8)) !== 0) return 'preamble differs';
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    const label = (s) => (s ? `${SECTION_NAMES[s.id] ?? s.id}${s.name !== undefined ? ` "${s.name}"` : ''} section #${i}` : '<none>');
    if (!x || !y) return `${label(x ?? y)} present on one side only (expected ${a.length} sections, got ${b.length})`;
    if (x.id === 0 && y.id === 0 && x.name === 'producers' && y.name === 'producers') {
      if (producersShape(x.bytes) !== producersShape(y.bytes)) return `producers section differs: expected ${producersShape(x.bytes)} got ${producersShape(y.bytes)}`;
      continue;
    }
    if (Buffer.compare(x.bytes, y.bytes) !== 0) {
      let k = 0;
      while (k < x.bytes.length && x.bytes[k] === y.bytes[k]) k++;
      const ctx = (s) => Buffer.from(s.bytes.subarray(Math.max(0, k - 4), k + 12)).toString('hex');
      const extra = x.id === 0 ? `\n     expected ${JSON.stringify(Buffer.from(x.bytes).toString('latin1').slice(k - 20, k + 100))}\n     got      ${JSON.stringify(Buffer.from(y.bytes).toString('latin1').slice(k - 20, k + 100))}` : '';
      return `${label(x)} differs at offset 0x${(x.offset + k).toString(16)} (expected …${ctx(x)}… got …${ctx(y)}…)${extra}`;
    }
  }
  return null;
}

class Suite {
  constructor(name) {
    this.name = name;
    this.cases = 0;
    this.passed = 0;
    this.checks = new Map(); // check label → [passed, total]
    this.failures = [];
  }
  async check(testName, label, fn) {
    const [p, t] = this.checks.get(label) ?? [0, 0];
    let why;
    try {
      why = await fn();
    } catch (e) {
      why = `crashed: ${message(e)}`;
    }
    this.checks.set(label, [p + (why ? 0 : 1), t + 1]);
    if (why) this.failures.push(`${testName} [${label}] ${why}`);
    return !why;
  }
  report() {
    for (const f of this.failures) console.log(`FAIL ${this.name}/${f.split('\n').slice(0, 8).join('\n     ')}`);
    const parts = [...this.checks].map(([l, [p, t]]) => `${l} ${p}/${t}`).join(', ');
    console.log(`${this.name}: ${this.passed}/${this.cases} cases fully pass${parts ? ` (${parts})` : ''}${this.note ? `; ${this.note}` : ''}`);
  }
}

async function runInterfaces(dir) {
  const suite = new Suite('interfaces');
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const isDir = statSync(path).isDirectory();
    if (!isDir && !name.endsWith('.wit')) continue;
    if (filter && !path.includes(filter)) continue;
    const stem = isDir ? path : path.replace(/\.wit$/, '');
    suite.cases++;
    let resolved;
    let ok = await suite.check(name, 'resolve', () => {
      resolved = resolvePath(path);
      return null;
    });
    if (!ok) continue;
    const { resolve, package: pkg } = resolved;
    const expectedPrint = () => read(isDir ? join(path, `${resolve.packages[pkg].name.name}.wit.print`) : `${stem}.wit.print`);
    ok = await suite.check(name, 'print', () => textDifference(expectedPrint(), printPackage(resolve, pkg))) && ok;
    let ours;
    if (!await suite.check(name, 'encode', () => ((ours = encodeWitPackage(resolve, pkg)), null))) continue;
    ok = await suite.check(name, 'bytes', async () => bytesDifference(await wat(read(`${stem}.wat`)), ours)) && ok;
    let decoded;
    if (!await suite.check(name, 'decode', () => {
      const x = extractWit(ours);
      if (x.kind !== 'package') return 'decoded as a component, not a WIT package';
      decoded = x;
      return null;
    })) continue;
    ok = await suite.check(name, 'decoded-print', () => textDifference(expectedPrint(), printPackage(decoded.resolve, decoded.package))) && ok;
    ok = await suite.check(name, 're-encode', () => bytesDifference(ours, encodeWitPackage(decoded.resolve, decoded.package))) && ok;
    if (ok) suite.passed++;
  }
  return suite;
}

async function runComponents(dir) {
  const suite = new Suite('components');
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (filter && !path.includes(filter)) continue;
    if (!existsSync(join(path, 'component.wat')) || !existsSync(join(path, 'component.wit.print'))) continue;
    suite.cases++;
    let bytes;
    if (!await suite.check(name, 'wat', async () => ((bytes = await wat(read(join(path, 'component.wat')))), null))) continue;
    const ok = await suite.check(name, 'extract-print', () => {
      const x = extractWit(bytes);
      if (x.kind !== 'component') return 'decoded as a WIT package, not a component';
      const pkg = x.resolve.worlds[x.world].package;
      return textDifference(read(join(path, 'component.wit.print')), printPackage(x.resolve, pkg));
    });
    if (ok) suite.passed++;
  }
  return suite;
}

async function runTargets(dir) {
  const suite = new Suite('targets');
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (!statSync(path).isDirectory() || (filter && !path.includes(filter))) continue;
    suite.cases++;
    const ok = await suite.check(name, 'targets', async () => {
      const { resolve, package: pkg } = resolvePath(join(path, 'test.wit'));
      const world = resolve.packages[pkg].worlds.get('foobar');
      if (world === undefined) return 'no world foobar';
      const x = extractWit(await wat(read(join(path, 'test.wat'))));
      if (x.kind !== 'component') return 'test.wat is not a component';
      const report = checkTargets({ resolve: x.resolve, world: x.world }, { resolve, world });
      const shouldFail = name.startsWith('error-');
      if (!shouldFail) return report.conforms ? null : `expected success, weld reports ${JSON.stringify(report.mismatches)}`;
      if (report.conforms) return 'expected a failure, weld says the component conforms';
      // error.txt: "… missing export named `test:foo/bar` …" — the same kind and item must be among ours
      const expected = read(join(path, 'error.txt'));
      const m = /missing (import|export) named `([^`]+)`/.exec(expected);
      if (!m) return `cannot read error.txt: ${expected}`;
      // wit-component phrases it from the world's side: a "missing import" is an import of the component the world lacks
      const kind = m[1] === 'export' ? 'missing-export' : 'extra-import';
      const hit = report.mismatches.find((x) => x.kind === kind && x.item === m[2]);
      if (verbose) console.log(`--- ${name}\n  wit-component: ${expected.split('\n').join(' | ')}\n  weld:          ${JSON.stringify(report.mismatches)}`);
      return hit ? null : `expected ${kind} of ${m[2]}, weld reports ${JSON.stringify(report.mismatches)}`;
    });
    if (ok) suite.passed++;
  }
  return suite;
}

/**
 * merge/: `into` and `from` folders resolved apart, `from` merged into `into`; each package of the result printed must
 * equal `merge/<name>.wit`, and merging the other way round must succeed too. `bad-*` cases must fail with `error.txt`.
 */
async function runMerge(dir) {
  const suite = new Suite('merge');
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (!statSync(path).isDirectory() || (filter && !path.includes(filter))) continue;
    suite.cases++;
    const ok = await suite.check(name, 'merge', () => {
      const into = resolvePath(join(path, 'into'));
      const from = resolvePath(join(path, 'from'));
      let err;
      try {
        mergeResolve(into.resolve, from.resolve, from.package);
      } catch (e) {
        if (!isWeldError(e)) throw e;
        err = e;
      }
      if (name.startsWith('bad-')) {
        if (!err) return 'expected a merge error, merged fine';
        return textDifference(read(join(path, 'error.txt')), err.message);
      }
      if (err) return `merge failed: ${err.message}`;
      for (let p = 0; p < into.resolve.packages.length; p++) {
        const pkgName = into.resolve.packages[p].name.name;
        const d = textDifference(read(join(path, 'merge', `${pkgName}.wit`)), printPackage(into.resolve, p));
        if (d) return `${pkgName}.wit: ${d}`;
      }
      const reverseInto = resolvePath(join(path, 'from'));
      const reverseFrom = resolvePath(join(path, 'into'));
      try {
        mergeResolve(reverseInto.resolve, reverseFrom.resolve, reverseFrom.package);
      } catch (e) {
        return `merge succeeded in one direction but failed in reverse: ${message(e)}`;
      }
      return null;
    });
    if (ok) suite.passed++;
  }
  return suite;
}

/**
 * Not one of wit-component's suites: every package of wit-parser's valid UI tests (found next to the wit-component
 * tests in a wasm-tools checkout) through the same encode → validate → decode → print → re-encode cycle. Packages the
 * binary form cannot hold (no items, so no name; an empty record, which the component model forbids) are counted apart.
 */
async function runWitParserUi(dir) {
  const suite = new Suite('wit-parser-ui round trip');
  let unrepresentable = 0;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name === 'parse-fail' || (!statSync(path).isDirectory() && !name.endsWith('.wit')) || (filter && !path.includes(filter))) continue;
    let resolved;
    try {
      resolved = resolvePath(path, { features: ['active'] });
    } catch {
      continue; // a .wit.md or a case weld's resolver rejects is wit-parser-ui.mjs's business
    }
    const { resolve } = resolved;
    const empty = resolve.packages.some((p) => p.interfaces.size === 0 && p.worlds.size === 0);
    const emptyRecord = resolve.types.some((t) => t.kind.tag === 'record' && t.kind.fields.length === 0);
    if (empty || emptyRecord) {
      unrepresentable++;
      continue;
    }
    suite.cases++;
    const ok = await suite.check(name, 'round-trip', () => {
      for (let pkg = 0; pkg < resolve.packages.length; pkg++) {
        const bytes = encodeWitPackage(resolve, pkg);
        const v = validateComponent(bytes);
        if (!v.valid) return `${resolve.packages[pkg].name.name}: our encoding does not validate: ${v.error.message}`;
        const x = extractWit(bytes);
        const d = textDifference(printPackage(resolve, pkg), printPackage(x.resolve, x.package));
        if (d) return `${resolve.packages[pkg].name.name}: decoded print ${d}`;
        const again = bytesDifference(bytes, encodeWitPackage(x.resolve, x.package));
        if (again) return `${resolve.packages[pkg].name.name}: re-encode ${again}`;
      }
      return null;
    });
    if (ok) suite.passed++;
  }
  suite.note = `${unrepresentable} cases not representable as binary packages`;
  return suite;
}

const suites = [
  await runInterfaces(join(root, 'interfaces')), await runComponents(join(root, 'components')), await runTargets(join(root, 'targets')),
  await runMerge(join(root, 'merge')),
];
const witParserUi = join(root, '../../wit-parser/tests/ui');
if (existsSync(witParserUi)) suites.push(await runWitParserUi(witParserUi));
for (const s of suites) s.report();
console.log(`total: ${suites.map((s) => `${s.name} ${s.passed}/${s.cases}`).join(', ')} (${basename(root)})`);
process.exit(suites.every((s) => s.passed === s.cases) ? 0 : 1);
