import { describe, expect, it } from 'vitest';
import { inScope, scoreSpec, type Scored } from './spec-helpers.js';

// Scored against wasm-tools' tests/cli/component-model/**/*.wast (text corpus in test/spec/corpus.json, converted
// with jco's parser). Cases jco's parser itself rejects are malformed-text cases and are counted apart; files that
// need GC or shared-everything-threads (which the validator does not implement) are out of scope.
describe('component-model spec tests', () => {
  const all = scoreSpec();
  const scoped = all.filter((s) => inScope(s.case));
  const count = (pred: (s: Scored) => boolean) => scoped.filter(pred).length;
  const validTotal = count((s) => s.case.expect === 'valid' && s.outcome !== 'text-rejected');
  const validOk = count((s) => s.case.expect === 'valid' && s.outcome === 'pass');
  const invalidTotal = count((s) => s.case.expect !== 'valid' && s.outcome !== 'text-rejected');
  const invalidOk = count((s) => s.case.expect !== 'valid' && s.outcome === 'pass');
  const textRejected = count((s) => s.outcome === 'text-rejected');

  it('scores the corpus', () => {
    process.stdout.write(
      `spec score: valid accepted ${validOk}/${validTotal}, invalid rejected ${invalidOk}/${invalidTotal}; ` +
        `${textRejected} cases rejected by jco's text parser; ${all.length - scoped.length} out of scope (gc, threads)\n`,
    );
    expect(all.length).toBeGreaterThan(900);
    expect(validTotal).toBeGreaterThan(240);
    expect(invalidTotal).toBeGreaterThan(500);
  });
  it('accepts every valid component', () => {
    const failures = scoped.filter((s) => s.case.expect === 'valid' && s.outcome === 'fail').map((s) => `${s.case.file}:${s.case.line} ${s.got}`);
    expect(failures, failures.join('\n')).toEqual([]);
  });
  it('rejects the invalid and malformed components (floor)', () => {
    expect(invalidOk / invalidTotal).toBeGreaterThanOrEqual(0.96);
  });
});
