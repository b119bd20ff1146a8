import { WeldError, type SourceSpan } from '@weld/core';

/** Where a connection was written (a `.wac` statement, a YAML node): rendered as `--> file:line:col` with a caret. */
export type Site = SourceSpan & { file: string };

/** One error union per verb of the graph, like wac-graph's `*Error` enums; each error carries the ids and names involved. */
export type RegisterErrorCode = 'package-invalid' | 'package-duplicate';
export type InstantiateErrorCode = 'unknown-package';
export type AliasErrorCode = 'unknown-node' | 'not-an-instance' | 'export-not-found';
export type ArgumentErrorCode = 'unknown-node' | 'not-an-instantiation' | 'import-not-found' | 'argument-already-set' | 'argument-type-mismatch' | 'argument-cycle';
export type ExportErrorCode = 'unknown-node' | 'export-duplicate' | 'export-name-invalid';
export type EncodeErrorCode = 'import-merge-conflict' | 'composition-invalid' | 'nothing-exported';
/** Errors of the front-ends that build graphs (plugs, YAML, `.wac`). */
export type FrontEndErrorCode = 'no-plugs' | 'plug-unused' | 'plug-conflict' | 'strict-warning' | 'missing-argument' | 'syntax' | 'unknown-name' | 'package-not-found' | 'not-implemented';

export type GraphErrorCode = RegisterErrorCode | InstantiateErrorCode | AliasErrorCode | ArgumentErrorCode | ExportErrorCode | EncodeErrorCode | FrontEndErrorCode;

/** The ids and names an error is about (for `-o json` and for front-ends that add their own location). */
export interface GraphErrorData {
  package?: number;
  node?: number;
  source?: number;
  name?: string;
  /** for `argument-type-mismatch`: the path to the differing type, outermost first */
  path?: string[];
  /** for `argument-cycle`: the instances on the cycle, in dependency order */
  cycle?: string[];
}

export class GraphError<C extends GraphErrorCode = GraphErrorCode> extends WeldError<C> {
  readonly data: GraphErrorData;

  constructor(code: C, message: string, options: { data?: GraphErrorData; site?: Site; detail?: string; hint?: string; cause?: unknown; exit?: number } = {}) {
    const { site, data, ...rest } = options;
    super(code, message, { exit: 2, ...rest, span: site });
    this.name = 'GraphError';
    this.data = data ?? {};
  }
}

export type RegisterError = GraphError<RegisterErrorCode>;
export type InstantiateError = GraphError<InstantiateErrorCode>;
export type AliasError = GraphError<AliasErrorCode>;
export type ArgumentError = GraphError<ArgumentErrorCode>;
export type ExportError = GraphError<ExportErrorCode>;
export type EncodeError = GraphError<EncodeErrorCode>;

export function isGraphError(e: unknown): e is GraphError {
  return e instanceof GraphError;
}
