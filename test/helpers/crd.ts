import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { REPO_ROOT } from './fixtures.js';

/** The wasmCloud runtime operator's CRDs, kept as test data (source and commit in each file's first lines). */
export const CRD_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'workload', 'crd');

/**
 * A validator for one kind from its CRD's `openAPIV3Schema` (structural OpenAPI v3, which JSON Schema draft-07
 * reads the same for the keywords these CRDs use; `x-kubernetes-*` extensions and CEL rules are not checked).
 */
export function crdValidator(kind: 'Workload' | 'WorkloadDeployment'): ValidateFunction {
  const file = path.join(CRD_DIR, `runtime.wasmcloud.dev_${kind === 'Workload' ? 'workloads' : 'workloaddeployments'}.yaml`);
  const crd = parse(readFileSync(file, 'utf8')) as { spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: object } }> } };
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1')!;
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { int32: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31, 'int-or-string': true, 'date-time': true } as never });
  return ajv.compile(version.schema.openAPIV3Schema);
}
