#!/usr/bin/env node
// Decodes, re-encodes and validates every component text found under the given folders (e.g. wasm-tools'
// crates/wit-component/tests/components/*/component.wat, all made by wit-component and therefore valid): the
// encoding must come back byte-identical, the validator must accept it, and `inspect`/WIT extraction must not fail.
// Not part of CI (the inputs live in wasm-tools' repository); run after `pnpm build`:
//   node scripts/conformance/components.mjs <folder>… [-v]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const binary = await import(pathToFileURL(join(repo, 'packages/binary/dist/index.js')).href);
const { parse } = await import(pathToFileURL(join(repo, 'node_modules/@bytecodealliance/jco/dist/api.js')).href).catch(async () =>
  import(pathToFileURL(join(repo, 'packages/compose/node_modules/@bytecodealliance/jco/dist/api.js')).href));

const args = process.argv.slice(2);
const verbose = args.includes('-v');
const roots = args.filter((a) => a !== '-v');
if (roots.length === 0) {
  console.error('usage: components.mjs <folder>… [-v]');
  process.exit(2);
}

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (name.endsWith('.wat') || name.endsWith('.wasm')) yield p;
  }
}

// wasm-tools validates its test components with every feature on
const ALL_FEATURES = binary.ALL_FEATURES;
// inputs that are invalid components by themselves (wasm-compose's tests use them to check its error paths)
const MEANT_INVALID = ['component-not-valid/root.wat', 'locked-dep-invalid-semver/root.wat', 'unlocked-dep-invalid-semver/root.wat'];
const meantInvalid = (name) => MEANT_INVALID.some((m) => name.endsWith(m));

const tally = { components: 0, roundTrip: 0, valid: 0, rejectedAsMeant: 0, extracted: 0, noWit: 0, skipped: 0 };
const failures = [];
for (const root of roots) {
  for (const file of walk(root)) {
    let bytes;
    try {
      bytes = file.endsWith('.wasm') ? readFileSync(file) : await parse(readFileSync(file, 'utf8'));
    } catch {
      tally.skipped++; // jco's text parser cannot read it (or it is not meant to parse)
      continue;
    }
    if (binary.sniff(bytes) !== 'component') continue;
    tally.components++;
    const name = file.slice(root.length + 1);
    try {
      const decoded = binary.decodeComponent(bytes);
      const again = binary.encodeComponent(decoded);
      if (Buffer.compare(Buffer.from(again), Buffer.from(bytes)) === 0) tally.roundTrip++;
      else failures.push({ name, why: `re-encoding differs (${again.length} vs ${bytes.length} bytes)` });
      const r = binary.validateComponent(decoded, { features: ALL_FEATURES });
      if (r.valid && meantInvalid(name)) failures.push({ name, why: 'accepted, but the test means it to be invalid' });
      else if (r.valid) tally.valid++;
      else if (meantInvalid(name)) tally.rejectedAsMeant++;
      else failures.push({ name, why: `rejected: ${r.error.message} (${r.error.section ?? ''} @${r.error.offset})` });
      if (r.valid) {
        binary.inspectComponent(bytes);
        try {
          binary.extractWit(decoded);
          tally.extracted++;
        } catch (e) {
          if (!binary.isBinaryError(e)) throw e;
          tally.noWit++;
          if (verbose) console.log(`no WIT for ${name}: ${e.message}`);
        }
      }
    } catch (e) {
      failures.push({ name, why: `threw: ${e?.stack ?? e}` });
    }
  }
}
for (const f of failures) console.log(`FAIL ${f.name}\n     ${String(f.why).split('\n').slice(0, 4).join('\n     ')}`);
console.log(`${tally.components} components: ${tally.roundTrip} byte-identical round trips; ${tally.valid} valid, ${tally.rejectedAsMeant} rejected as their test means; ${tally.extracted} WIT extracted, ${tally.noWit} with a typed "no WIT" error; ${tally.skipped} text files jco could not parse`);
process.exit(failures.length ? 1 : 0);
