import { componentWit } from '@bytecodealliance/jco';
import { canonicalModel, printPackage, printResolve, resolveSource } from '@weld/wit-tools';
import { describe, expect, it } from 'vitest';
import { ALL_FEATURES, extractWit, validateComponent } from '../src/index.js';
import { bytesOf, fixtures } from './helpers.js';


describe('every fixture validates', () => {
  for (const f of fixtures()) {
    it(f.name, () => {
      const r = validateComponent(bytesOf(f), { features: ALL_FEATURES });
      expect(r.valid, r.valid ? '' : `${r.error.message} ${r.error.detail}`).toBe(true);
    });
  }
});

describe('WIT extraction agrees with jco componentWit', () => {
  let compared = 0;
  for (const f of fixtures()) {
    it(f.name, async () => {
      const bytes = bytesOf(f);
      let theirs: string | undefined;
      try {
        theirs = await componentWit(bytes);
      } catch {
        theirs = undefined; // wit-parser cannot express this component (e.g. a module or bare type export)
      }
      if (theirs === undefined) return;
      const x = extractWit(bytes);
      expect(x.kind).toBe('component');
      // jco prints the root package only; ours, printed by the wit-tools printer, must be the same text, blank lines
      // included (the printer lays out like wit-component's WitPrinter)
      expect(printPackage(x.resolve, x.package)).toBe(theirs);
      // the full print (with every dependency package nested) re-parses to the same model
      const again = resolveSource(printResolve(x.resolve, x.package), 'extracted.wit');
      expect(canonicalModel(again.resolve)).toEqual(canonicalModel(x.resolve));
      compared++;
    });
  }
  it('compared the examples and WASI worlds', () => {
    expect(compared).toBeGreaterThanOrEqual(9);
  });
});
