import { WeldError, type WeldErrorOptions } from '@weld/core';

export type BuildErrorCode =
  | 'project-not-found'
  | 'project-invalid'
  | 'unknown-language'
  | 'source-missing'
  | 'js-syntax'
  | 'wit-world-missing'
  | 'wit-invalid'
  | 'componentize-failed'
  | 'c-toolchain-missing'
  | 'c-compile'
  | 'wat-parse'
  | 'wasm-invalid'
  | 'component-new-failed';

/** A build failure caused by the project or its sources (exit 2). */
export class BuildError extends WeldError<BuildErrorCode> {
  /** The component being built when it failed, if any. */
  readonly component?: string;

  constructor(code: BuildErrorCode, message: string, options: WeldErrorOptions & { component?: string } = {}) {
    super(code, options.component ? `${options.component}: ${message}` : message, { ...options, exit: 2 });
    this.name = 'BuildError';
    this.component = options.component;
  }
}
