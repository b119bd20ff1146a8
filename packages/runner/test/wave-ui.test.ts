import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveSource, type WitFunction } from '@weld/wit-tools';
import { WaveError, jsToWave, parseWaveCall, waveErrorText, waveToParams } from '@weld/runner';

/**
 * wasm-wave's golden tests (crates/wasm-wave/tests/ui, see wave-ui/README.md), run the way its tests/ui.rs runs
 * them: each `;\n`-separated input is a call to a function of ui.wit, parsed and typed against its parameters,
 * then printed back as `name(param: value, …)`, or its error as wasm-wave renders it.
 */
const dir = new URL('./wave-ui/', import.meta.url);
const witText = readFileSync(new URL('ui.wit', dir), 'utf8');
const { resolve } = resolveSource(witText);

/** ui.rs's names for a function: bare, `iface.func`, `ns:pkg/iface.func` and `ns:pkg/iface.func@version`. */
const functions = new Map<string, WitFunction>();
for (const iface of resolve.interfaces) {
  const pkg = iface.package !== undefined ? resolve.packages[iface.package]!.name : undefined;
  for (const [name, func] of iface.functions) {
    functions.set(name, func);
    if (!iface.name) continue;
    functions.set(`${iface.name}.${name}`, func);
    if (!pkg) continue;
    functions.set(`${pkg.namespace}:${pkg.name}/${iface.name}.${name}`, func);
    if (pkg.version) functions.set(`${pkg.namespace}:${pkg.name}/${iface.name}.${name}@${pkg.version}`, func);
  }
}

function runInput(input: string): string {
  try {
    const call = parseWaveCall(input);
    const func = functions.get(call.target);
    if (!func) return `unknown test func ${JSON.stringify(call.target)}`;
    const values = waveToParams(resolve, func.params, call, input, call.target);
    return `${call.target}(${func.params.map((p, i) => `${p.name}: ${jsToWave(resolve, p.type, values[i])}`).join(', ')})`;
  } catch (e) {
    if (e instanceof WaveError) return waveErrorText(e, input);
    throw e;
  }
}

interface UiCase {
  file: string;
  input: string;
  /** Leading comment lines, which ui.rs copies into the output. */
  comments: string[];
  expected: string;
}

function loadCases(): UiCase[] {
  const cases: UiCase[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.waves')).sort()) {
    const text = readFileSync(new URL(file, dir), 'utf8').trimEnd().replace(/;+$/, '');
    const expectedLines = readFileSync(new URL(file.replace(/\.waves$/, '.out'), dir), 'utf8').split('\n');
    let line = 0;
    for (let input of text.split(';\n')) {
      const comments: string[] = [];
      while (input.startsWith('//') && input.includes('\n')) {
        comments.push(input.slice(0, input.indexOf('\n')));
        input = input.slice(input.indexOf('\n') + 1);
      }
      for (const c of comments) expect(expectedLines[line++], `${file}: comment`).toBe(c);
      cases.push({ file, input, comments, expected: expectedLines[line++]! });
    }
    expect(expectedLines.slice(line).join(''), `${file}: lines left in the .out file`).toBe('');
  }
  return cases;
}

describe('wasm-wave ui golden tests', () => {
  const cases = loadCases();
  const results = cases.map((c) => ({ ...c, actual: runInput(c.input) }));
  const differing = results.filter((r) => r.actual !== r.expected);

  it(`reproduces wasm-wave's output for its ui inputs (${results.length - differing.length}/${results.length})`, () => {
    expect(results.length).toBeGreaterThan(190);
    expect(differing.map((r) => ({ file: r.file, input: r.input, expected: r.expected, actual: r.actual }))).toEqual([]);
  });

  it('accept-* inputs are all accepted and reject-* inputs all refused, as ui.rs asserts', () => {
    for (const r of results) {
      const refused = /( at \d+\.\.\d+|^unknown test func )/.test(r.actual);
      expect(refused, `${r.file}: ${r.input} → ${r.actual}`).toBe(r.file.startsWith('reject-'));
    }
  });
});
