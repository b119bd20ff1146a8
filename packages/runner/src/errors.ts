import { WeldError, type FileProblemCode, type WeldErrorOptions } from '@weld/core';

export type RunErrorCode =
  | 'grant-invalid'
  | 'grant-unsupported'
  | 'not-a-command'
  | 'unsatisfied-import'
  | 'transpile-failed'
  | 'instantiate-failed'
  | 'trap'
  | 'wave-invalid'
  | 'export-not-found'
  | 'export-ambiguous'
  | 'not-a-component'
  | 'not-an-http-handler'
  | 'listen-failed'
  | 'spec-invalid'
  | FileProblemCode
  /** a component imports a host interface whose plugin is not granted (exit 3) */
  | 'host-interface-denied'
  /** a user host plugin module that cannot be loaded or is not a HostPlugin */
  | 'plugin-invalid'
  /** a --timeout or --max-memory limit stopped the guest */
  | 'limit-exceeded'
  /** a combination weld does not support yet (said plainly rather than done half-way) */
  | 'not-implemented';

/** A run that could not start, or a guest that trapped. */
export class RunError extends WeldError<RunErrorCode> {
  constructor(code: RunErrorCode, message: string, options: WeldErrorOptions = {}) {
    super(code, message, { exit: 2, ...options });
    this.name = 'RunError';
  }
}
