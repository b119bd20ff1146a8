import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseFeatureList, validateComponent } from '../src/index.js';

export interface SpecCase { file: string; line: number; features: string[]; expect: 'valid' | 'invalid' | 'malformed'; text: string; message?: string }
export interface Scored { case: SpecCase; outcome: 'pass' | 'fail' | 'text-rejected'; got?: string }

const corpusPath = fileURLToPath(new URL('./spec/corpus.json', import.meta.url));
const script = fileURLToPath(new URL('../scripts/spec-binaries.mjs', import.meta.url));
const SUPPORTED = new Set<string>([
  'cm-async', 'cm-async-stackful', 'cm-more-async-builtins', 'cm-error-context', 'cm-fixed-length-lists', 'cm-map', 'cm-values',
  'cm-nested-names', 'cm-threading', 'cm64', 'cm-implements', 'cm-canon-names', 'custom-page-sizes', 'gc', 'cm-gc', '-exceptions',
]);

/** Whether a case's file only needs features the validator implements (shared-everything-threads is not). */
export const inScope = (c: SpecCase) => c.features.every((f) => SUPPORTED.has(f));

/** Scores every spec case: valid ones must validate, invalid/malformed ones must be rejected. */
export function scoreSpec(): Scored[] {
  const { cases } = JSON.parse(readFileSync(corpusPath, 'utf8')) as { cases: SpecCase[] };
  const binPath = execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim();
  const bins = JSON.parse(readFileSync(binPath, 'utf8')) as ({ bytes?: string; textError?: string } | null)[];
  return cases.map((c, i) => {
    const b = bins[i];
    if (b?.bytes === undefined) return { case: c, outcome: 'text-rejected', got: b?.textError };
    // the .wast file's RUN line read as `weld validate --features` reads it: changes to weld's defaults, which are
    // wasmparser's, so this also checks that the defaults agree
    const features = parseFeatureList(c.features.filter((x) => SUPPORTED.has(x)).join(','));
    const r = validateComponent(new Uint8Array(Buffer.from(b.bytes, 'base64')), { features });
    const ok = c.expect === 'valid' ? r.valid : !r.valid;
    return { case: c, outcome: ok ? 'pass' : 'fail', got: r.valid ? 'valid' : `${r.error.code}: ${r.error.message}` };
  });
}
