/**
 * The WIT model: arenas of packages, interfaces, worlds and type definitions addressed by numeric
 * ids, shaped like wit-parser's `Resolve`. Everything refers to everything else by id, never by
 * object reference, so the printer, JSON form, binary encoder and decoder all read the same arrays.
 *
 * Discriminated unions use a `tag` field. Ordered maps are JS `Map`s (insertion order is the
 * order wit-parser's `IndexMap` keeps).
 */
import { SourceMap, type Span } from './source.js';

export type PackageId = number;
export type InterfaceId = number;
export type WorldId = number;
export type TypeId = number;

export type PrimitiveType =
  | 'bool' | 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64' | 'f32' | 'f64' | 'char' | 'string' | 'error-context';

/** A type use: a primitive by name, or a `TypeId` into `Resolve.types`. */
export type Type = PrimitiveType | TypeId;

/** `@since` / `@unstable` / `@deprecated` state of an item. */
export type Stability =
  | { tag: 'unknown' }
  | { tag: 'stable'; since: string; deprecated?: string }
  | { tag: 'unstable'; feature: string; deprecated?: string };

export const UNKNOWN_STABILITY: Stability = Object.freeze({ tag: 'unknown' }) as Stability;

/** `namespace:name[@version]` */
export interface PackageName {
  namespace: string;
  name: string;
  version?: string;
}

export interface Package {
  name: PackageName;
  docs?: string;
  /** interface name → id, in definition order */
  interfaces: Map<string, InterfaceId>;
  /** world name → id, in definition order */
  worlds: Map<string, WorldId>;
}

export interface Interface {
  /** undefined for an inline `import x: interface { … }` */
  name?: string;
  types: Map<string, TypeId>;
  functions: Map<string, WitFunction>;
  docs?: string;
  stability: Stability;
  package?: PackageId;
  span: Span;
  /** set on interfaces copied by a world `include` */
  cloneOf?: InterfaceId;
}

/**
 * Key of a world import/export: a string for a named item (`import foo: func()`, `import x: interface {…}`,
 * `import label: path`), a number (an `InterfaceId`) for an interface imported by path.
 */
export type WorldKey = string | InterfaceId;

export type WorldItem =
  | { tag: 'interface'; id: InterfaceId; stability: Stability; docs?: string; externalId?: string; span: Span }
  | { tag: 'function'; func: WitFunction }
  | { tag: 'type'; id: TypeId; span: Span };

export interface IncludeName {
  name: string;
  as: string;
}

export interface WorldInclude {
  stability: Stability;
  id: WorldId;
  names: IncludeName[];
  span: Span;
}

export interface World {
  name: string;
  imports: Map<WorldKey, WorldItem>;
  exports: Map<WorldKey, WorldItem>;
  package?: PackageId;
  docs?: string;
  stability: Stability;
  /** pending includes (resolved and emptied once the world is elaborated) */
  includes: WorldInclude[];
  span: Span;
}

export type TypeOwner = { tag: 'world'; id: WorldId } | { tag: 'interface'; id: InterfaceId } | { tag: 'none' };

export interface Field { name: string; type: Type; docs?: string; span: Span }
export interface Flag { name: string; docs?: string; span: Span }
export interface Case { name: string; type?: Type; docs?: string; span: Span }
export interface EnumCase { name: string; docs?: string; span: Span }

export type TypeDefKind =
  | { tag: 'record'; fields: Field[] }
  | { tag: 'resource' }
  | { tag: 'handle'; handle: 'own' | 'borrow'; resource: TypeId }
  | { tag: 'flags'; flags: Flag[] }
  | { tag: 'tuple'; types: Type[] }
  | { tag: 'variant'; cases: Case[] }
  | { tag: 'enum'; cases: EnumCase[] }
  | { tag: 'option'; type: Type }
  | { tag: 'result'; ok?: Type; err?: Type }
  | { tag: 'list'; type: Type }
  | { tag: 'map'; key: Type; value: Type }
  | { tag: 'fixed-length-list'; type: Type; size: number }
  | { tag: 'future'; type?: Type }
  | { tag: 'stream'; type?: Type }
  | { tag: 'type'; type: Type }
  /** only while resolving: a type `use`d from a package not yet merged */
  | { tag: 'unknown' };

export interface TypeDef {
  name?: string;
  kind: TypeDefKind;
  owner: TypeOwner;
  docs?: string;
  stability: Stability;
  span: Span;
  externalId?: string;
}

/** Builds a `TypeDef` with every field present in one order, so all type definitions share a shape. */
export function newTypeDef(
  name: string | undefined, kind: TypeDefKind, owner: TypeOwner, stability: Stability, span: Span, docs?: string, externalId?: string,
): TypeDef {
  return { name, kind, owner, docs, stability, span, externalId };
}

export const NO_OWNER: TypeOwner = Object.freeze({ tag: 'none' }) as TypeOwner;

export type FunctionKind =
  | { tag: 'freestanding' }
  | { tag: 'async-freestanding' }
  | { tag: 'method'; resource: TypeId }
  | { tag: 'async-method'; resource: TypeId }
  | { tag: 'static'; resource: TypeId }
  | { tag: 'async-static'; resource: TypeId }
  | { tag: 'constructor'; resource: TypeId };

export interface Param {
  name: string;
  type: Type;
  span: Span;
}

export interface WitFunction {
  /** mangled name: `f`, `[constructor]r`, `[method]r.m`, `[static]r.s` */
  name: string;
  kind: FunctionKind;
  params: Param[];
  result?: Type;
  docs?: string;
  stability: Stability;
  span: Span;
  externalId?: string;
}

/** The resource a method/static/constructor belongs to, if any. */
export function functionResource(kind: FunctionKind): TypeId | undefined {
  return 'resource' in kind ? kind.resource : undefined;
}

export function isAsyncFunction(kind: FunctionKind): boolean {
  return kind.tag.startsWith('async-');
}

/** All resolved WIT: packages in topological order (dependencies first) and everything they define. */
export class Resolve {
  packages: Package[] = [];
  interfaces: Interface[] = [];
  worlds: World[] = [];
  types: TypeDef[] = [];
  /** `ns:name@ver` → id */
  packageNames = new Map<string, PackageId>();
  /** enabled `@unstable` features */
  features = new Set<string>();
  allFeatures = false;
  /** every source text spans point into */
  sources = new SourceMap();
}

export function packageNameString(name: PackageName): string {
  return `${name.namespace}:${name.name}${name.version !== undefined ? `@${name.version}` : ''}`;
}

/** `ns:pkg/iface@ver` for a named interface in a package, else undefined. */
export function interfaceIdString(resolve: Resolve, id: InterfaceId): string | undefined {
  const iface = resolve.interfaces[id]!;
  if (iface.name === undefined || iface.package === undefined) return undefined;
  const p = resolve.packages[iface.package]!.name;
  return `${p.namespace}:${p.name}/${iface.name}${p.version !== undefined ? `@${p.version}` : ''}`;
}

/** Human name of a world key: the name, or the interface's qualified id. */
export function worldKeyName(resolve: Resolve, key: WorldKey): string {
  return typeof key === 'string' ? key : interfaceIdString(resolve, key) ?? `interface-${key}`;
}
