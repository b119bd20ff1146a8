import { WeldError, type FileProblemCode, type SourceSpan } from '@weld/core';

/** Where a connection was written (a `.wac` statement, a YAML node): rendered as `--> file:line:col` with a caret. */
export type Site = SourceSpan & { file: string };

/** One error union per verb of the graph, like wac-graph's `*Error` enums; each error carries the ids and names involved. */
export type RegisterErrorCode =
  /** the bytes are not a valid component (the binary error is the cause) */
  | 'package-invalid'
  /** a package of that name is registered already */
  | 'package-duplicate';
export type ImportErrorCode =
  /** not a kebab-case name nor ns:pkg/iface[@version] */
  | 'import-name-invalid'
  /** the composition imports that name already */
  | 'import-duplicate'
  /** the import's type cannot be declared (WIT cannot say it, or the declarations do not validate) */
  | 'import-type-invalid'
  | 'unknown-package'
  /** the package whose export type is asked for has no such export */
  | 'export-not-found';
export type InstantiateErrorCode =
  /** no package has that id */
  | 'unknown-package';
export type AliasErrorCode =
  /** no node has that id */
  | 'unknown-node'
  /** only an instance (or an import of one) has exports to alias */
  | 'not-an-instance'
  /** the instance has no export of that name (nor a semver-compatible or short one) */
  | 'export-not-found';
export type ArgumentErrorCode =
  | 'unknown-node'
  /** arguments go to instances, not to aliases */
  | 'not-an-instantiation'
  /** the instance's package has no import of that name */
  | 'import-not-found'
  /** the import already has its argument */
  | 'argument-already-set'
  /** the argument's type is not a subtype of the import's (`data.path` leads to the difference) */
  | 'argument-type-mismatch'
  /** the provider depends, through arguments, on the instance it would feed (`data.cycle`) */
  | 'argument-cycle';
export type ExportErrorCode =
  | 'unknown-node'
  /** the composition exports that name already */
  | 'export-duplicate'
  /** not a kebab-case name nor ns:pkg/iface[@version] */
  | 'export-name-invalid';
export type EncodeErrorCode =
  /** an instance's import is left unset under the name of an explicit import (wac: an implicit import may not conflict with an explicit one) */
  | 'implicit-import-conflict'
  /** importers of one interface need types no single import can have (a shared export differs) */
  | 'import-merge-conflict'
  /** the encoded result does not validate: a case the checks before encoding do not model (exit 1) */
  | 'composition-invalid'
  /** there is nothing to encode */
  | 'nothing-exported';
/** Errors of the front-ends that build graphs (plugs, weld.yaml, `.wac`). */
export type FrontEndErrorCode =
  /** plug mode without a plug */
  | 'no-plugs'
  /** a plug that feeds no import (the detail lists what it exports and what the others import) */
  | 'plug-unused'
  /** two plugs export what one import needs */
  | 'plug-conflict'
  /** `--strict` and a warning (a semver-compatible match, unified versions) */
  | 'strict-warning'
  /** an instance lacks an argument and may not import it (`.wac` without `...`, `imports: error`), or a spread matched nothing */
  | 'missing-argument'
  /** `.wac` text that does not parse */
  | 'syntax'
  /** a `.wac` type statement or import type that the WIT reader refuses (the WIT error is the cause) */
  | 'type-invalid'
  /** the composition does not satisfy the world its `.wac` file `targets` */
  | 'targets-mismatch'
  /** a `.wac` name that is not defined, or is defined twice */
  | 'unknown-name'
  /** a `new ns:name` package that neither `--dep` nor `deps/` provides */
  | 'package-not-found'
  /** the `.wac` file itself is missing or unreadable */
  | FileProblemCode
  /** a `.wac` construct weld does not read yet (top-level `resource`/`use`/`include`, `use` of types from a component package) */
  | 'not-implemented';

export type GraphErrorCode = RegisterErrorCode | ImportErrorCode | InstantiateErrorCode | AliasErrorCode | ArgumentErrorCode | ExportErrorCode | EncodeErrorCode | FrontEndErrorCode;

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
export type ImportError = GraphError<ImportErrorCode>;
export type InstantiateError = GraphError<InstantiateErrorCode>;
export type AliasError = GraphError<AliasErrorCode>;
export type ArgumentError = GraphError<ArgumentErrorCode>;
export type ExportError = GraphError<ExportErrorCode>;
export type EncodeError = GraphError<EncodeErrorCode>;

export function isGraphError(e: unknown): e is GraphError {
  return e instanceof GraphError;
}
