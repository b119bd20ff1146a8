import { describe, expect, it } from 'vitest';
import { checkDistinctNames, inputLabel, parseDepFlags, planDocument } from '../src/compose/inputs.js';
import { ComposeError } from '../src/compose/errors.js';
import type { CompositionPlan } from '../src/graph/plan.js';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof ComposeError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('did not throw');
};

describe('weld compose flags as composition inputs', () => {
  it('--dep ns:name[@version]=FILE: one entry per package; a malformed or repeated one is input-invalid', () => {
    expect(parseDepFlags(['demo:calc=build/calc.wasm', 'wasi:io@0.2.3=deps/io.wasm', 'a:b:c=ghcr.io/x/y:1=2'])).toEqual({
      'demo:calc': 'build/calc.wasm',
      'wasi:io@0.2.3': 'deps/io.wasm',
      'a:b:c': 'ghcr.io/x/y:1=2',
    });
    expect(parseDepFlags([])).toEqual({});
    expect(codeOf(() => parseDepFlags(['calc=calc.wasm']))).toEqual({ code: 'input-invalid', message: '--dep calc=calc.wasm: expected ns:name=FILE (e.g. demo:calc=build/calc.wasm)' });
    expect(codeOf(() => parseDepFlags(['demo:calc=']))).toMatchObject({ code: 'input-invalid' });
    expect(codeOf(() => parseDepFlags(['Demo:calc=x.wasm']))).toMatchObject({ code: 'input-invalid' });
    expect(codeOf(() => parseDepFlags(['demo:calc=a.wasm', 'demo:calc=b.wasm']))).toEqual({ code: 'input-invalid', message: '--dep demo:calc is given twice (a.wasm and b.wasm)' });
  });

  it('inputs are named by file or repository, without extension, tag or digest', () => {
    expect(inputLabel('build/calc.wasm')).toBe('calc');
    expect(inputLabel('ghcr.io/acme/calc:1.0')).toBe('calc');
    expect(inputLabel(`localhost:5000/acme/calc@sha256:${'a'.repeat(64)}`)).toBe('calc');
    expect(inputLabel('demo/app:0.1.0')).toBe('app');
  });

  it('two inputs of one name are refused, naming both sources', () => {
    expect(() => checkDistinctNames([{ name: 'app' }, { name: 'calc' }])).not.toThrow();
    expect(codeOf(() => checkDistinctNames([{ name: 'calc', source: 'a/calc.wasm' }, { name: 'app' }, { name: 'calc', source: 'b/calc.wasm' }]))).toEqual({
      code: 'input-invalid',
      message: 'two inputs are both called "calc" (a/calc.wasm and b/calc.wasm); rename one of the files',
    });
  });

  it('the plan document leaves out node ids and declarations, and marks explicit imports', () => {
    const plan = {
      instances: [{ node: 3, label: 'app', package: 'demo:app', imports: [{ name: 'log', from: { kind: 'import', name: 'log' } }] }],
      imports: [
        { name: 'log', explicit: true, for: [{ instance: 'app', name: 'log' }], declaredBy: { node: 0, import: {} }, extras: [] },
        { name: 'wasi:io/poll@0.2.3', for: [{ instance: 'app', name: 'wasi:io/poll@0.2.0' }], declaredBy: { node: 3, import: {} }, extras: [] },
      ],
      exports: [{ name: 'run', instance: 'app', export: 'run' }],
      warnings: ['w'],
    } as unknown as CompositionPlan;
    expect(planDocument(plan)).toEqual({
      instances: [{ label: 'app', package: 'demo:app', imports: [{ name: 'log', from: { kind: 'import', name: 'log' } }] }],
      imports: [
        { name: 'log', explicit: true, for: [{ instance: 'app', name: 'log' }] },
        { name: 'wasi:io/poll@0.2.3', for: [{ instance: 'app', name: 'wasi:io/poll@0.2.0' }] },
      ],
      exports: [{ name: 'run', instance: 'app', export: 'run' }],
      warnings: ['w'],
    });
    expect(JSON.parse(JSON.stringify(planDocument(plan)))).toEqual(planDocument(plan));
  });
});
