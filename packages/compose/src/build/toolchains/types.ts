import type { ComponentSpec } from '../project.js';

/** Where a toolchain works: a private scratch directory and the path its component must be written to. */
export interface ToolchainContext {
  scratch: string;
  out: string;
  /** Project root, for paths in messages. */
  root: string;
}

export type Toolchain<S extends ComponentSpec> = (spec: S, ctx: ToolchainContext) => Promise<void>;
