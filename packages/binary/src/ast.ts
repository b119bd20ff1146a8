/**
 * The typed tree of a component binary. Every node mirrors one production of the component model's binary format
 * (`design/mvp/Binary.md`); indices are plain numbers into the index space named by the field. Offsets are absolute
 * byte offsets into the decoded input.
 */

// ---------- core ----------

export type CoreSort = 'func' | 'table' | 'memory' | 'global' | 'tag' | 'type' | 'module' | 'instance';
export type Sort = { core: CoreSort } | 'func' | 'value' | 'type' | 'component' | 'instance';

/** A core value type; reference types carry their heap type. */
export type CoreValType =
  | 'i32' | 'i64' | 'f32' | 'f64' | 'v128'
  | { ref: HeapType; nullable: boolean; /** the one-byte shorthand form (e.g. 0x70 funcref) was used */ short?: boolean };
export type HeapType = { abstract: string; shared?: boolean } | { index: number };
export type StorageType = CoreValType | 'i8' | 'i16';
export interface FieldType { type: StorageType; mutable: boolean }
export type CompositeType =
  | { kind: 'func'; params: CoreValType[]; results: CoreValType[]; shared?: boolean }
  | { kind: 'struct'; fields: FieldType[]; shared?: boolean }
  | { kind: 'array'; field: FieldType; shared?: boolean }
  | { kind: 'cont'; index: number; shared?: boolean };
export interface SubType { final: boolean; /** encoded with an explicit 0x50/0x4f prefix */ explicit: boolean; supertypes: number[]; composite: CompositeType }
export interface RecGroup { /** explicit `rec` group (0x4e) */ explicit: boolean; types: SubType[] }

export interface Limits { min: bigint; max?: bigint; shared: boolean; is64: boolean; pageSizeLog2?: number }
export type CoreExternType =
  | { kind: 'func'; type: number }
  | { kind: 'table'; element: CoreValType; limits: Limits }
  | { kind: 'memory'; limits: Limits }
  | { kind: 'global'; type: CoreValType; mutable: boolean; shared?: boolean }
  | { kind: 'tag'; type: number };
export interface CoreImport { module: string; name: string; type: CoreExternType }

export type ModuleTypeDecl =
  | { kind: 'import'; import: CoreImport }
  | { kind: 'type'; type: RecGroup }
  | { kind: 'alias'; count: number; index: number }
  | { kind: 'export'; name: string; type: CoreExternType };

export type CoreType =
  | { kind: 'rec'; group: RecGroup; /** written with the 0x00 prefix that disambiguates non-final `sub` */ prefixed: boolean }
  | { kind: 'module'; decls: ModuleTypeDecl[] };

/** A core module embedded in a component, kept as its bytes; decode further with `coreModuleInfo`. */
export interface CoreModule {
  offset: number;
  bytes: Uint8Array;
}

export type CoreInstance =
  | { kind: 'instantiate'; module: number; args: { name: string; instance: number }[] }
  | { kind: 'exports'; exports: { name: string; sort: CoreSort; index: number }[] };

// ---------- component level ----------

export type PrimValType =
  | 'bool' | 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 's64' | 'u64' | 'f32' | 'f64' | 'char' | 'string' | 'error-context';
export type ValType = PrimValType | number;

export type DefinedType =
  | { kind: 'primitive'; type: PrimValType }
  | { kind: 'record'; fields: { name: string; type: ValType }[] }
  | { kind: 'variant'; cases: { name: string; type?: ValType }[] }
  | { kind: 'list'; element: ValType }
  | { kind: 'fixed-list'; element: ValType; length: number }
  | { kind: 'map'; key: ValType; value: ValType }
  | { kind: 'tuple'; types: ValType[] }
  | { kind: 'flags'; names: string[] }
  | { kind: 'enum'; names: string[] }
  | { kind: 'option'; type: ValType }
  | { kind: 'result'; ok?: ValType; err?: ValType }
  | { kind: 'own'; resource: number }
  | { kind: 'borrow'; resource: number }
  | { kind: 'stream'; element?: ValType }
  | { kind: 'future'; element?: ValType };

export interface FuncType { kind: 'func'; async: boolean; params: { name: string; type: ValType }[]; result?: ValType }

export type TypeBound = { kind: 'eq'; index: number } | { kind: 'sub-resource' };
export type ExternType =
  | { kind: 'module'; type: number }
  | { kind: 'func'; type: number }
  | { kind: 'value'; type: ValType }
  | { kind: 'type'; bound: TypeBound }
  | { kind: 'component'; type: number }
  | { kind: 'instance'; type: number };

/** An import/export name with its encoding form and optional attributes. */
export interface ExternName {
  name: string;
  /** leading byte: 0x00, legacy 0x01 or 0x02 (with attributes) */
  form: 0 | 1 | 2;
  implements?: string;
  versionSuffix?: string;
  externalId?: string;
  /** attribute order as encoded (form 2 only) */
  attrOrder?: ('implements' | 'version-suffix' | 'external-id')[];
}

export type Alias =
  | { kind: 'instance-export'; sort: Sort; instance: number; name: string }
  | { kind: 'core-instance-export'; sort: CoreSort; instance: number; name: string }
  | { kind: 'outer'; sort: Sort; count: number; index: number };

export type InstanceTypeDecl =
  | { kind: 'core-type'; type: CoreType }
  | { kind: 'type'; type: TypeDef }
  | { kind: 'alias'; alias: Alias }
  | { kind: 'export'; name: ExternName; type: ExternType };
export type ComponentTypeDecl = InstanceTypeDecl | { kind: 'import'; name: ExternName; type: ExternType };

export type TypeDef =
  | { kind: 'defined'; type: DefinedType }
  | FuncType
  | { kind: 'component'; decls: ComponentTypeDecl[] }
  | { kind: 'instance'; decls: InstanceTypeDecl[] }
  | { kind: 'resource'; rep: CoreValType; dtor?: number };

export type CanonOption =
  | { kind: 'utf8' } | { kind: 'utf16' } | { kind: 'latin1+utf16' }
  | { kind: 'memory'; index: number } | { kind: 'realloc'; index: number } | { kind: 'post-return'; index: number }
  | { kind: 'async' } | { kind: 'callback'; index: number } | { kind: 'core-type'; index: number } | { kind: 'gc' };

/** A canonical definition; `op` names the builtin as in the text format. */
export type Canon =
  | { op: 'lift'; coreFunc: number; options: CanonOption[]; type: number }
  | { op: 'lower'; func: number; options: CanonOption[] }
  | { op: 'resource.new' | 'resource.drop' | 'resource.rep'; resource: number }
  | { op: 'backpressure.inc' | 'backpressure.dec' | 'task.cancel' | 'subtask.drop' | 'error-context.drop'
      | 'waitable-set.new' | 'waitable-set.drop' | 'waitable.join' | 'thread.index' | 'thread.resume-later' }
  | { op: 'task.return'; result?: ValType; options: CanonOption[] }
  | { op: 'context.get' | 'context.set'; type: CoreValType; slot: number }
  | { op: 'subtask.cancel'; async: boolean }
  | { op: 'stream.new' | 'stream.drop-readable' | 'stream.drop-writable' | 'future.new' | 'future.drop-readable' | 'future.drop-writable'; type: number }
  | { op: 'stream.read' | 'stream.write' | 'future.read' | 'future.write'; type: number; options: CanonOption[] }
  | { op: 'stream.cancel-read' | 'stream.cancel-write' | 'future.cancel-read' | 'future.cancel-write'; type: number; async: boolean }
  | { op: 'error-context.new' | 'error-context.debug-message'; options: CanonOption[] }
  | { op: 'waitable-set.wait' | 'waitable-set.poll'; cancellable: boolean; memory: number }
  | { op: 'thread.new-indirect'; funcType: number; table: number }
  | { op: 'thread.suspend' | 'thread.yield' | 'thread.suspend-then-resume' | 'thread.yield-then-resume'
      | 'thread.suspend-then-promote' | 'thread.yield-then-promote'; cancellable: boolean }
  | { op: 'thread.spawn-ref'; shared: boolean; funcType: number }
  | { op: 'thread.spawn-indirect'; shared: boolean; funcType: number; table: number }
  | { op: 'thread.available-parallelism'; shared: boolean };

export type Instance =
  | { kind: 'instantiate'; component: number; args: { name: string; sort: Sort; index: number }[] }
  | { kind: 'exports'; exports: { name: ExternName; sort: Sort; index: number }[] };

export interface Import { name: ExternName; type: ExternType }
export interface Export { name: ExternName; sort: Sort; index: number; type?: ExternType }
export interface Start { func: number; args: number[]; results: number }
/** A value definition; the value bytes are kept as encoded (`len` prefixed in the binary). */
export interface Value { type: ValType; bytes: Uint8Array }

// ---------- custom sections ----------

export interface NameMap { index: number; name: string }
export interface ComponentNames {
  component?: string;
  /** per sort: index → name */
  sorts: { sort: Sort; names: NameMap[] }[];
  /** subsections we do not interpret, kept as bytes */
  unknown: { id: number; bytes: Uint8Array }[];
}
export type ProducerField = { name: string; values: { name: string; version: string }[] };
/** wasm-metadata custom sections (`description`, `licenses`, ... ) as their string content. */
export interface Metadata {
  description?: string;
  licenses?: string;
  source?: string;
  homepage?: string;
  revision?: string;
  version?: string;
  authors?: string;
}

export type CustomPayload =
  | { kind: 'component-name'; names: ComponentNames }
  | { kind: 'producers'; fields: ProducerField[] }
  | { kind: 'metadata'; field: keyof Metadata; value: string }
  | { kind: 'opaque' };

// ---------- sections ----------

interface SectionBase {
  /** absolute offset of the section id byte */
  offset: number;
  /** payload size in bytes as decoded */
  size: number;
  /** width of the size LEB when it was not minimal */
  sizeWidth?: number;
  /** ordinal → width of each non-minimal LEB inside the payload */
  widths?: Record<number, number>;
  /** absolute offset of each item of a vector section, for error locations (decoded trees only) */
  itemOffsets?: readonly number[];
}

export type Section = SectionBase & (
  | { id: 0; kind: 'custom'; name: string; data: Uint8Array; payload: CustomPayload }
  | { id: 1; kind: 'core-module'; module: CoreModule }
  | { id: 2; kind: 'core-instance'; items: CoreInstance[] }
  | { id: 3; kind: 'core-type'; items: CoreType[] }
  | { id: 4; kind: 'component'; component: Component }
  | { id: 5; kind: 'instance'; items: Instance[] }
  | { id: 6; kind: 'alias'; items: Alias[] }
  | { id: 7; kind: 'type'; items: TypeDef[] }
  | { id: 8; kind: 'canon'; items: Canon[] }
  | { id: 9; kind: 'start'; start: Start }
  | { id: 10; kind: 'import'; items: Import[] }
  | { id: 11; kind: 'export'; items: Export[] }
  | { id: 12; kind: 'value'; items: Value[] }
);

export type SectionKind = Section['kind'];

export interface Component {
  /** absolute offset of the preamble */
  offset: number;
  /** total encoded size, preamble included */
  size: number;
  version: number;
  layer: number;
  sections: Section[];
}
