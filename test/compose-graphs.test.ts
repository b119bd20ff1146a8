import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeComponent, validateComponent } from '@weld/binary';
import { composeProject, encodeComposition, evaluateWac, loadProject, plugComponents, readProvenance, wacPackageResolver, type PackageInput } from '@weld/compose';
import { isWeldError } from '@weld/core';
import { callFunction, NO_GRANTS } from '@weld/runner';
import { transpile } from '@bytecodealliance/jco';
import { renderError } from '@weld/core';
import { caseComponent, goldenOf } from './helpers/compose-cases.js';
import { REPO_ROOT } from './helpers/fixtures.js';

/**
 * Composition cases as data (test/compose-cases/<ok|err>-<what>/): components as `.wit` (made into components with
 * a dummy core module) or `.wat`; the graph as `compose.wac` (package `case:<file>` is that file's component) or
 * `weld.yaml` (a `compose:` graph over `./<file>.wasm`), or `plugs.txt` (`socket plug… [--strict]`; `# permute` runs every order of the plugs); out comes the result's WIT
 * (`result.wit`) or the error text (`error.txt`). `calls.txt` lines `call => expected` are run on the result.
 */
const CASES = path.join(REPO_ROOT, 'test', 'compose-cases');
const cases = readdirSync(CASES).filter((d) => /^(ok|err)-/.test(d)).sort();

async function inputsOf(dir: string): Promise<Map<string, PackageInput>> {
  const out = new Map<string, PackageInput>();
  for (const f of readdirSync(dir).sort()) {
    const full = path.join(dir, f);
    const isComponentDir = statSync(full).isDirectory() && existsSync(path.join(full, 'world.wit'));
    if (!f.endsWith('.wit') && !f.endsWith('.wat') && !isComponentDir) continue;
    if (f === 'result.wit') continue;
    const name = f.replace(/\.(wit|wat)$/, '');
    out.set(name, { name, bytes: await caseComponent(full), source: `${name}.wasm` });
  }
  return out;
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

type Outcome = { ok: true; bytes: Uint8Array; warnings: string[] } | { ok: false; text: string };

async function compose(dir: string, plugOrder?: string[]): Promise<Outcome> {
  const inputs = await inputsOf(dir);
  try {
    if (existsSync(path.join(dir, 'compose.wac'))) {
      const text = await readFile(path.join(dir, 'compose.wac'), 'utf8');
      // `case:<file>` is that file's component; other packages (WIT packages for `import`) come from the case's deps/
      const fromDeps = wacPackageResolver(dir, {});
      const c = await evaluateWac(text, 'compose.wac', async (name, version, site) => {
        if (!name.startsWith('case:')) return fromDeps(name, version, site);
        const input = inputs.get(name.replace(/^case:/, ''));
        if (!input) throw new Error(`case has no component for ${name} (${site.line})`);
        return input;
      });
      const r = encodeComposition(c, { weldVersion: 'test', strict: text.includes('// --strict') });
      return { ok: true, bytes: r.bytes, warnings: r.warnings };
    }
    if (existsSync(path.join(dir, 'weld.yaml'))) {
      // the case's components are written beside a copy of weld.yaml, which names them as ./<name>.wasm
      const tmp = await mkdtemp(path.join(os.tmpdir(), 'weld-case-'));
      for (const [n, input] of inputs) await writeFile(path.join(tmp, `${n}.wasm`), input.bytes);
      await writeFile(path.join(tmp, 'weld.yaml'), await readFile(path.join(dir, 'weld.yaml')));
      const cwd = process.cwd();
      process.chdir(tmp);
      try {
        const [r] = await composeProject(await loadProject(tmp), { weldVersion: 'test', outDir: path.join(tmp, 'out') });
        return { ok: true, bytes: r!.bytes, warnings: r!.warnings };
      } finally {
        process.chdir(cwd);
      }
    }
    const [socket, ...plugs] = (await readFile(path.join(dir, 'plugs.txt'), 'utf8')).split('\n')[0]!.split(/\s+/).filter((w) => w && !w.startsWith('--'));
    const strict = (await readFile(path.join(dir, 'plugs.txt'), 'utf8')).includes('--strict');
    const r = await plugComponents(inputs.get(socket!)!, (plugOrder ?? plugs).map((p) => inputs.get(p)!), { weldVersion: 'test', strict });
    return { ok: true, bytes: r.bytes, warnings: r.warnings };
  } catch (e) {
    if (!isWeldError(e)) throw e;
    return { ok: false, text: renderError(e) + '\n' };
  }
}

describe('composition cases', () => {
  it('there are at least 40 of them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = path.join(CASES, name);
      const outcome = await compose(dir);
      if (name.startsWith('err-')) {
        expect(outcome.ok, 'an err- case must fail').toBe(false);
        await expect(outcome.ok ? '' : outcome.text).toMatchFileSnapshot(path.join(dir, 'error.txt'));
      } else {
        if (!outcome.ok) throw new Error(`an ok- case must compose:\n${outcome.text}`);
        // the result's WIT, or its types where WIT cannot say them (nested instances)
        const golden = goldenOf(outcome.bytes);
        const warnings = outcome.warnings.map((w) => `// warning: ${w}\n`).join('');
        await expect(warnings + golden.text).toMatchFileSnapshot(path.join(dir, golden.file));
        // valid with every embedded core module compiled; one component section per package, however many instances
        const checked = validateComponent(outcome.bytes);
        expect(checked.valid, checked.valid ? '' : checked.error.message).toBe(true);
        const embedded = decodeComponent(outcome.bytes).sections.filter((s) => s.kind === 'component').length;
        expect(embedded).toBe(new Set(readProvenanceNames(outcome.bytes)).size);
        // jco transpiles it (the runnable ones are also called below); jco works from the WIT it extracts, so a result
        // WIT cannot express (nor could its inputs be transpiled) is left out
        if (golden.file === 'result.wit') {
          const js = await transpile(outcome.bytes, { name: 'composed', instantiation: { tag: 'async' }, noTypescript: true });
          expect(Object.keys(js.files).some((f) => f.endsWith('.js'))).toBe(true);
        }
        // deterministic: the same graph twice gives the same bytes
        const again = await compose(dir);
        expect(again.ok && Buffer.from(again.bytes).equals(Buffer.from(outcome.bytes))).toBe(true);
      }
      const plugs = path.join(dir, 'plugs.txt');
      if (existsSync(plugs) && (await readFile(plugs, 'utf8')).includes('# permute')) {
        const [, ...order] = (await readFile(plugs, 'utf8')).split('\n')[0]!.split(/\s+/).filter((w) => w && !w.startsWith('--'));
        for (const p of permutations(order)) {
          const other = await compose(dir, p);
          expect(other.ok, `order ${p.join(' ')}`).toBe(outcome.ok);
          if (other.ok && outcome.ok) expect(goldenOf(other.bytes).text, `order ${p.join(' ')}`).toBe(goldenOf(outcome.bytes).text);
          if (!other.ok && !outcome.ok) expect(other.text.split('\n')[0], `order ${p.join(' ')}`).toMatch(/^error\[/);
        }
      }
      const calls = path.join(dir, 'calls.txt');
      if (outcome.ok && existsSync(calls)) {
        for (const line of (await readFile(calls, 'utf8')).split('\n').filter((l) => l.includes('=>'))) {
          const [call, expected] = line.split('=>').map((s) => s.trim());
          const r = await callFunction(outcome.bytes, call!, { grants: NO_GRANTS });
          expect(r.wave, call).toBe(expected);
        }
      }
    });
  }
});

function readProvenanceNames(bytes: Uint8Array): string[] {
  return readProvenance(bytes)!.inputs.map((i) => i.digest);
}
