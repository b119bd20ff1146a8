import { test } from 'vitest';
import { inScope, scoreSpec } from './spec-helpers.js';
test('score', () => {
  const all = scoreSpec().filter((s) => inScope(s.case));
  const by = (e: string, o: string) => all.filter((s) => s.case.expect === e && s.outcome === o).length;
  for (const e of ['valid', 'invalid', 'malformed']) console.log(e, 'pass', by(e, 'pass'), 'fail', by(e, 'fail'), 'text', by(e, 'text-rejected'));
  for (const s of all.filter((x) => x.outcome === 'fail' && x.case.expect === (process.env.SHOW ?? 'valid')).slice(0, Number(process.env.N ?? 40))) {
    console.log(`${s.case.file}:${s.case.line} [${s.case.expect}] want "${s.case.message ?? ''}" got ${s.got}`);
  }
});
