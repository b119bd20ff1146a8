/**
 * Workload manifests as data: every file under workload/valid parses to the JSON in its `.json` golden (and the
 * Workload and WorkloadDeployment ones are valid against the wasmCloud CRD schema too); every file under
 * workload/invalid fails with the code and text in its `.err` golden, naming the field path and the line.
 * Regenerate goldens with `vitest -u` and review the diff.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderError } from '@weld/core';
import { parseWorkloadManifest, WorkloadError } from '../src/workload/index.js';
import { crdValidator } from '../../../test/helpers/crd.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const cases = (dir: string) => readdirSync(join(here, 'workload', dir)).filter((n) => n.endsWith('.yaml')).sort();

describe('valid workload manifests', () => {
  for (const name of cases('valid')) {
    const file = join(here, 'workload', 'valid', name);
    const text = readFileSync(file, 'utf8');
    it(`${name} parses to its golden`, async () => {
      const manifest = parseWorkloadManifest(text, `valid/${name}`);
      await expect(JSON.stringify(manifest, null, 2) + '\n').toMatchFileSnapshot(file.replace(/\.yaml$/, '.json'));
    });
    const kind = (parse(text) as { kind?: string }).kind;
    if (kind === 'Workload' || kind === 'WorkloadDeployment') {
      it(`${name} is valid against the wasmCloud ${kind} CRD`, () => {
        const validate = crdValidator(kind);
        expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
      });
    }
  }
});

describe('invalid workload manifests', () => {
  for (const name of cases('invalid')) {
    const file = join(here, 'workload', 'invalid', name);
    it(`${name} fails with its golden error`, async () => {
      let error: unknown;
      try {
        parseWorkloadManifest(readFileSync(file, 'utf8'), `invalid/${name}`);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WorkloadError);
      const e = error as WorkloadError;
      const text = renderError(e) + '\n';
      // the location is the span's (rendered once, after the message), not part of the message
      expect(e.span).toMatchObject({ file: `invalid/${name}`, line: expect.any(Number), column: expect.any(Number) });
      expect(e.message).not.toContain(`invalid/${name}`);
      await expect(text).toMatchFileSnapshot(file.replace(/\.yaml$/, '.err'));
    });
  }
});
