/** The private syntax tree of one WIT file; the resolver turns it into the model. */
import type { Span } from './source.js';

export interface Id {
  name: string;
  span: Span;
}

/**
 * An identifier that is its own span (`span` returns the node): one object per name instead of two, which is most
 * of what parsing allocates. `span` is a prototype getter, so the node serializes as `{ name, start, end }`.
 */
export class IdNode implements Id, Span {
  constructor(readonly name: string, readonly start: number, readonly end: number) {}
  get span(): Span {
    return this;
  }
}

export interface Docs {
  /** raw comment texts, in order */
  lines: string[];
  span: Span;
}

export type Attribute =
  | { kind: 'since'; span: Span; version: string }
  | { kind: 'unstable'; span: Span; feature: Id }
  | { kind: 'deprecated'; span: Span; version: string }
  | { kind: 'external-id'; span: Span; id: string };

export interface PackageNameAst {
  docs: Docs;
  span: Span;
  namespace: Id;
  name: Id;
  version?: { span: Span; version: string };
  /** `ns:name@ver`, filled in on first use */
  key?: string;
}

export type UsePath = { kind: 'id'; id: Id } | { kind: 'package'; pkg: PackageNameAst; name: Id };

export interface PackageFile {
  packageId?: PackageNameAst;
  items: AstItem[];
}

export type AstItem =
  | { kind: 'interface'; iface: InterfaceAst }
  | { kind: 'world'; world: WorldAst }
  | { kind: 'use'; use: ToplevelUse }
  | { kind: 'package'; pkg: PackageFile; span: Span };

export interface ToplevelUse {
  span: Span;
  attributes: Attribute[];
  item: UsePath;
  as?: Id;
}

export interface InterfaceAst {
  docs: Docs;
  attributes: Attribute[];
  name: Id;
  items: InterfaceItem[];
}

export type InterfaceItem =
  | { kind: 'type'; def: TypeDefAst }
  | { kind: 'func'; func: NamedFunc }
  | { kind: 'use'; use: UseAst };

export interface UseAst {
  attributes: Attribute[];
  from: UsePath;
  names: { name: Id; as?: Id }[];
}

export interface WorldAst {
  docs: Docs;
  attributes: Attribute[];
  name: Id;
  items: WorldItemAst[];
}

export type WorldItemAst =
  | { kind: 'import' | 'export'; docs: Docs; attributes: Attribute[]; extern: ExternKind }
  | { kind: 'use'; use: UseAst }
  | { kind: 'type'; def: TypeDefAst }
  | { kind: 'include'; include: IncludeAst };

export type ExternKind =
  | { kind: 'interface'; name: Id; items: InterfaceItem[] }
  | { kind: 'path'; path: UsePath }
  | { kind: 'func'; name: Id; func: FuncAst }
  | { kind: 'named-path'; name: Id; path: UsePath };

export interface IncludeAst {
  from: UsePath;
  attributes: Attribute[];
  names: { name: Id; as: Id }[];
}

export interface TypeDefAst {
  docs: Docs;
  attributes: Attribute[];
  name: Id;
  ty: TypeAst;
}

export interface NamedFunc {
  docs: Docs;
  attributes: Attribute[];
  name: Id;
  func: FuncAst;
}

export interface FuncAst {
  span: Span;
  async: boolean;
  params: { name: Id; ty: TypeAst }[];
  result?: TypeAst;
}

export type ResourceFunc = { kind: 'method' | 'static' | 'constructor'; func: NamedFunc };

export type PrimitiveName =
  | 'bool' | 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64' | 'f32' | 'f64' | 'char' | 'string' | 'error-context';

export type TypeAst =
  | { kind: 'prim'; name: PrimitiveName; span: Span }
  | { kind: 'name'; id: Id; span: Span }
  | { kind: 'list'; span: Span; ty: TypeAst }
  | { kind: 'fixed-list'; span: Span; ty: TypeAst; size: number }
  | { kind: 'map'; span: Span; key: TypeAst; value: TypeAst }
  | { kind: 'own' | 'borrow'; resource: Id; span: Span }
  | { kind: 'resource'; span: Span; funcs: ResourceFunc[] }
  | { kind: 'record'; span: Span; fields: { docs: Docs; name: Id; ty: TypeAst }[] }
  | { kind: 'flags'; span: Span; flags: { docs: Docs; name: Id }[] }
  | { kind: 'variant'; span: Span; cases: { docs: Docs; name: Id; ty?: TypeAst }[] }
  | { kind: 'enum'; span: Span; cases: { docs: Docs; name: Id }[] }
  | { kind: 'tuple'; span: Span; types: TypeAst[] }
  | { kind: 'option'; span: Span; ty: TypeAst }
  | { kind: 'result'; span: Span; ok?: TypeAst; err?: TypeAst }
  | { kind: 'future' | 'stream'; span: Span; ty?: TypeAst };
