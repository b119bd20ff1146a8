import { WeldError, type WeldErrorOptions } from '@weld/core';

export type WorkloadErrorCode =
  /** the manifest is not a Workload, WorkloadDeployment or weld.yaml `workload:` of the documented shape */
  | 'manifest-invalid'
  /** a field wasmCloud accepts that weld's runner cannot honour as written (e.g. named DNS lookups) */
  | 'manifest-unsupported'
  /** an import no sibling and no host interface satisfies, two candidates for one import, or a cycle */
  | 'link-failed'
  /** a component, export or plugin the command names does not exist */
  | 'not-found'
  /** the manifest file named does not exist */
  | 'no-such-file'
  /** a `plugins:` module that does not load or does not export a HostPlugin */
  | 'plugin-invalid';

/** A workload that cannot be read, planned or run; exit 2 (bad input) unless a check found problems (1). */
export class WorkloadError extends WeldError<WorkloadErrorCode> {
  constructor(code: WorkloadErrorCode, message: string, options: WeldErrorOptions = {}) {
    super(code, message, { exit: 2, ...options });
    this.name = 'WorkloadError';
  }
}
