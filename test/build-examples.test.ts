import { readFile } from 'node:fs/promises';
import { describe, expect, it, beforeAll } from 'vitest';
import { wasmKind } from '@weld/compose';
import { polyglotComponent } from './helpers/fixtures.js';
import { transpileAndImport } from './helpers/transpile.js';

describe('weld build: the polyglot example runs under jco', () => {
  let calc: any;
  beforeAll(async () => {
    calc = (await transpileAndImport(polyglotComponent('calc'), 'calc')).module;
  });

  it('produces four components', async () => {
    for (const name of ['calc', 'app', 'numbers', 'http'] as const) {
      expect(wasmKind(await readFile(polyglotComponent(name)))).toBe('component');
    }
  });

  it('C calc passes numbers, strings, lists and results across the canonical ABI', () => {
    expect(calc.calc.add(2, 40)).toBe(42);
    expect(calc.calc.add(2147483647, 1)).toBe(-2147483648);
    expect(calc.calc.greet('weld')).toBe('Hello, weld!');
    expect(calc.calc.greet('')).toBe('Hello, !');
    expect(calc.calc.greet('Zoë ✓')).toBe('Hello, Zoë ✓!');
    expect(calc.calc.sum([1, 2.5, -0.5])).toBe(3);
    expect(calc.calc.sum([])).toBe(0);
    expect(calc.calc.divide(1, 4)).toBe(0.25);
    expect(() => calc.calc.divide(1, 0)).toThrow(/division by zero/);
  });

  it('C calc survives many calls (no leak or corruption through cabi_realloc/post-return)', () => {
    const long = 'x'.repeat(100_000);
    for (let i = 0; i < 200; i++) expect(calc.calc.greet(long + i)).toBe(`Hello, ${long}${i}!`);
    expect(calc.calc.sum(Array.from({ length: 10_000 }, (_, i) => i))).toBe(49_995_000);
  });

  it('JS app imports demo:calc from the C component and exports demo:app', async () => {
    const { module: app } = await transpileAndImport<any>(polyglotComponent('app'), 'app', {
      map: { 'demo:calc/calc@0.1.0': '../' + (await calcDirName()) + '/calc.js#calc' },
    });
    expect(app.app.report('weld', 2, 40)).toBe('Hello, weld! 2 + 40 = 42');
    expect(app.app.mean([1, 2, 3, 4])).toBe(2.5);
    expect(() => app.app.mean([])).toThrow(/empty list/);
  });

  it('WAT component exports fib and gcd', async () => {
    const { module: numbers } = await transpileAndImport<any>(polyglotComponent('numbers'), 'numbers');
    expect(numbers.numbers.fib(0)).toBe(0n);
    expect(numbers.numbers.fib(10)).toBe(55n);
    expect(numbers.numbers.fib(90)).toBe(2880067194370816120n);
    expect(numbers.numbers.gcd(84, 36)).toBe(12);
  });

  it('JS wasi:http handler answers a request', async () => {
    const { module: http } = await transpileAndImport<any>(polyglotComponent('http'), 'http');
    const { HTTPServer } = await import('@bytecodealliance/preview2-shim/http');
    const server = new HTTPServer(http.incomingHandler);
    server.listen(0, '127.0.0.1');
    const { port } = server.address() as { port: number };
    try {
      const res = await fetch(`http://127.0.0.1:${port}/hello?name=weld`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain');
      expect(await res.text()).toBe('hello, weld\n');
    } finally {
      server.stop();
    }
  });

  let calcDir: string | undefined;
  async function calcDirName(): Promise<string> {
    calcDir ??= (await transpileAndImport(polyglotComponent('calc'), 'calc')).dir.split('/').pop()!;
    return calcDir;
  }
});
