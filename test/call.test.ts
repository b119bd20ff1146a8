import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWeld } from './helpers/cli.js';
import { polyglotComponent } from './helpers/fixtures.js';

describe('weld call: exported functions with WAVE arguments and results', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'weld-call-'));
  });
  const weld = (args: string[]) => runWeld(args, { env: { WELD_HOME: home } });
  const calc = () => polyglotComponent('calc');

  it('calls the C calc component by short, full and bare names', async () => {
    const add = await weld(['call', calc(), 'calc.add(2, -40)']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toBe('-38\n');
    expect((await weld(['call', calc(), 'demo:calc/calc@0.1.0#greet("wéld \\u{1F600}")'])).stdout).toBe('"Hello, wéld 😀!"\n');
    expect((await weld(['call', calc(), 'demo:calc/calc.sum([1, 2.5, 3.5])'])).stdout).toBe('7\n');
    expect((await weld(['call', polyglotComponent('numbers'), 'fib(90)'])).stdout).toBe('2880067194370816120\n');
  });

  it('a result err is printed as WAVE and exits 1; -o json carries it too', async () => {
    const err = await weld(['call', calc(), 'calc.divide(1, 0)']);
    expect(err.code).toBe(1);
    expect(err.stdout).toBe('err("division by zero")\n');
    const ok = await weld(['-o', 'json', 'call', calc(), 'calc.divide(1, 4)']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ target: 'demo:calc/calc@0.1.0#divide', result: 'ok(0.25)', ok: true });
  });

  it('bad calls are typed errors with a caret or the list of exports, before anything runs', async () => {
    const wrongType = await weld(['call', calc(), 'calc.add(2, "x")']);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain('error[wave-invalid]: invalid value type: expected a value of type s32, found a string (column 13)');
    expect(wrongType.stderr).toContain('  calc.add(2, "x")\n              ^');
    const range = await weld(['call', calc(), 'calc.add(2147483648, 0)']);
    expect(range.stderr).toContain('2147483648 is out of range for s32');
    const missing = await weld(['call', calc(), 'calc.add(1)']);
    expect(missing.stderr).toContain('missing argument b: s32 of demo:calc/calc@0.1.0#add');
    const deep = await weld(['call', calc(), `calc.sum(${'['.repeat(100_000)})`]);
    expect(deep.code).toBe(2);
    expect(deep.stderr).toContain('error[wave-invalid]: value nesting too deep: values nest at most 100 deep');
    expect(deep.stderr).not.toContain('    at ');
    const unknown = await weld(['call', calc(), 'calc.mul(1, 2)']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error[export-not-found]: the component exports no function calc.mul');
    expect(unknown.stderr).toContain('demo:calc/calc@0.1.0#divide(a: f64, b: f64) -> result<f64, string>');
  });

  it('a component importing more than WASI needs composing first', async () => {
    const r = await weld(['call', polyglotComponent('app'), 'app.mean([1.0])']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[unsatisfied-import]: no host implementation for demo:calc/calc');
  });
});
