#!/usr/bin/env node
// Runs the `component wit` cases of wasm-tools' CLI tests (tests/cli/*.{wit,wat}, `RUN:`/`FAIL:` headers) with the
// weld equivalents: `component wit X` → `weld wit extract X`, `--features`/`--all-features` passed through,
// `component wit X --wasm | component wit` (or `-t | component wit`) → `weld wit build X` then `weld wit extract`.
// Expected stdout is compared line for line (trailing blank lines ignored); FAIL cases must exit non-zero.
// Other commands (embed, new, --out-dir, --importize, nominal ids, semver merging) have no weld equivalent here and
// are listed as skipped. Not part of CI; run after `pnpm build`:
//   node scripts/conformance/wasm-tools-cli.mjs <wasm-tools>/tests/cli [-v]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const weldBin = join(repo, 'packages/cli/bin/weld.js');
const args = process.argv.slice(2);
const verbose = args.includes('-v');
const root = args.find((a) => a !== '-v');
if (!root) {
  console.error('usage: wasm-tools-cli.mjs <wasm-tools>/tests/cli [-v]');
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), 'weld-wt-cli-'));
const weld = (argv) => spawnSync(process.execPath, [weldBin, ...argv], { cwd: root, encoding: 'utf8' });
// wasm-tools' runner (tests/cli.rs `assert_output`) turns every `\` of the output into `/`; so does this comparison
const lines = (t) => t.replaceAll('\\', '/').replace(/\s+$/, '').split('\n').map((l) => l.replace(/\s+$/, ''));

const tally = { pass: 0, fail: 0, skipped: 0 };
const failures = [];
const skipped = [];
for (const name of readdirSync(root).sort()) {
  if (!/\.(wit|wat)$/.test(name)) continue;
  const header = readFileSync(join(root, name), 'utf8').split('\n').find((l) => /^(;;|\/\/) *(RUN|FAIL):/.test(l));
  if (!header || !header.includes('component wit')) continue;
  const m = /^(?:;;|\/\/) *(RUN|FAIL): *(.*)$/.exec(header);
  const mode = m[1];
  const cmd = m[2].trim();
  let plan;
  const single = /^component wit (%)((?: +--(?:all-features|features [^ ]+))*)$/.exec(cmd) ?? /^component wit((?: +--(?:all-features|features [^ ]+))*) (%)$/.exec(cmd);
  if (single) {
    const flags = (single[2]?.startsWith(' ') || single[2] === '' ? single[2] : single[1]).trim();
    plan = { kind: 'extract', flags: flags ? flags.split(/ +/) : [] };
  } else if (/^component wit % (--wasm|-t) \| component wit$/.test(cmd)) plan = { kind: 'roundtrip' };
  else {
    tally.skipped++;
    skipped.push(`${name}: ${cmd}`);
    continue;
  }
  let r;
  if (plan.kind === 'extract') r = weld(['wit', 'extract', name, ...plan.flags]);
  else {
    const out = join(scratch, `${name}.wasm`);
    r = weld(['wit', 'build', name, '--out', out]);
    if (r.status === 0) r = weld(['wit', 'extract', out]);
  }
  if (mode === 'FAIL') {
    if (r.status !== 0 && !/\n\s+at /.test(r.stderr)) tally.pass++;
    else {
      tally.fail++;
      failures.push({ name, why: r.status === 0 ? 'expected a failure, exit 0' : `crashed: ${r.stderr.slice(0, 300)}` });
    }
    if (verbose && r.status !== 0) {
      const exp = existsSync(join(root, `${name}.stderr`)) ? readFileSync(join(root, `${name}.stderr`), 'utf8').split('\n')[0] : '?';
      console.log(`--- ${name}\n  wasm-tools: ${exp}\n  weld:       ${r.stderr.split('\n')[0]}`);
    }
    continue;
  }
  const expectedFile = join(root, `${name}.stdout`);
  if (r.status !== 0) {
    tally.fail++;
    failures.push({ name, why: `exit ${r.status}: ${r.stderr.split('\n').slice(0, 3).join(' / ')}` });
    continue;
  }
  if (!existsSync(expectedFile)) {
    tally.pass++;
    continue;
  }
  const want = lines(readFileSync(expectedFile, 'utf8'));
  const got = lines(r.stdout);
  const at = want.findIndex((l, i) => l !== got[i]);
  if (at < 0 && want.length === got.length) tally.pass++;
  else {
    tally.fail++;
    const i = at < 0 ? Math.min(want.length, got.length) : at;
    failures.push({ name, why: `line ${i + 1}: expected ${JSON.stringify(want[i])} got ${JSON.stringify(got[i])}` });
  }
}
for (const f of failures) console.log(`FAIL ${f.name}: ${f.why}`);
if (verbose) for (const s of skipped) console.log(`skip ${s}`);
console.log(`component wit cases: ${tally.pass} passed, ${tally.fail} failed, ${tally.skipped} skipped (no weld equivalent)`);
process.exit(tally.fail ? 1 : 0);
