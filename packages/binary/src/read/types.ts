import type {
  Alias, ComponentTypeDecl, DefinedType, ExternName, ExternType, FuncType, InstanceTypeDecl, PrimValType, Sort, TypeDef, ValType,
} from '../ast.js';
import type { Reader } from '../reader.js';
import { CORE_SORTS, readCoreType, readCoreValType } from './core.js';

export const PRIMITIVES: Readonly<Record<number, PrimValType>> = {
  0x7f: 'bool', 0x7e: 's8', 0x7d: 'u8', 0x7c: 's16', 0x7b: 'u16', 0x7a: 's32', 0x79: 'u32', 0x78: 's64', 0x77: 'u64',
  0x76: 'f32', 0x75: 'f64', 0x74: 'char', 0x73: 'string', 0x64: 'error-context',
};

const SORTS: Readonly<Record<number, Exclude<Sort, { core: unknown }>>> = {
  0x01: 'func', 0x02: 'value', 0x03: 'type', 0x04: 'component', 0x05: 'instance',
};

export function readSort(r: Reader): Sort {
  const b = r.u8();
  if (b === 0x00) {
    const c = r.u8();
    const core = CORE_SORTS[c];
    if (core === undefined) r.leading('core sort', c);
    return { core };
  }
  return SORTS[b] ?? r.leading('sort', b);
}

export function readValType(r: Reader): ValType {
  const b = r.peek();
  const prim = PRIMITIVES[b];
  if (prim) {
    r.u8();
    return prim;
  }
  if ((b & 0xc0) === 0x40) r.leading('value type', b, r.pos);
  return r.s33();
}

function readOptValType(r: Reader): ValType | undefined {
  const b = r.u8();
  if (b === 0) return undefined;
  if (b === 1) return readValType(r);
  return r.leading('optional value type', b);
}

function readDefinedType(r: Reader, b: number): DefinedType {
  switch (b) {
    case 0x72:
      return { kind: 'record', fields: r.vec('record fields', () => ({ name: r.string(), type: readValType(r) })) };
    case 0x71:
      return {
        kind: 'variant',
        cases: r.vec('variant cases', () => {
          const name = r.string();
          const type = readOptValType(r);
          const z = r.u8();
          if (z !== 0) r.leading('zero byte required', z);
          return type === undefined ? { name } : { name, type };
        }),
      };
    case 0x70:
      return { kind: 'list', element: readValType(r) };
    case 0x67:
      return { kind: 'fixed-list', element: readValType(r), length: r.u32() };
    case 0x63:
      return { kind: 'map', key: readValType(r), value: readValType(r) };
    case 0x6f:
      return { kind: 'tuple', types: r.vec('tuple types', () => readValType(r)) };
    case 0x6e:
      return { kind: 'flags', names: r.vec('flag names', () => r.string()) };
    case 0x6d:
      return { kind: 'enum', names: r.vec('enum cases', () => r.string()) };
    case 0x6b:
      return { kind: 'option', type: readValType(r) };
    case 0x6a: {
      const ok = readOptValType(r);
      const err = readOptValType(r);
      const t: DefinedType = { kind: 'result' };
      if (ok !== undefined) t.ok = ok;
      if (err !== undefined) t.err = err;
      return t;
    }
    case 0x69:
      return { kind: 'own', resource: r.u32() };
    case 0x68:
      return { kind: 'borrow', resource: r.u32() };
    case 0x66: {
      const e = readOptValType(r);
      return e === undefined ? { kind: 'stream' } : { kind: 'stream', element: e };
    }
    case 0x65: {
      const e = readOptValType(r);
      return e === undefined ? { kind: 'future' } : { kind: 'future', element: e };
    }
    default:
      return r.leading('component defined type', b);
  }
}

export function readResultList(r: Reader): ValType | undefined {
  const b = r.u8();
  if (b === 0x00) return readValType(r);
  if (b === 0x01) {
    const z = r.u8();
    if (z !== 0) r.leading('number of results', z);
    return undefined;
  }
  return r.leading('component function results', b);
}

export function readExternName(r: Reader): ExternName {
  const b = r.u8();
  if (b !== 0 && b !== 1 && b !== 2) r.leading('component name', b);
  const n: ExternName = { name: r.string(), form: b as 0 | 1 | 2 };
  if (b === 2) {
    n.attrOrder = [];
    const count = r.count('name attributes', 16);
    for (let i = 0; i < count; i++) {
      const at = r.pos;
      const k = r.u8();
      const key = k === 0 ? 'implements' : k === 1 ? 'version-suffix' : k === 2 ? 'external-id' : r.leading('name option', k);
      const field = key === 'implements' ? 'implements' : key === 'version-suffix' ? 'versionSuffix' : 'externalId';
      if (n[field] !== undefined) r.fail('invalid-leading-byte', `duplicate '${key}' option in name`, at);
      n[field] = r.string();
      n.attrOrder.push(key);
    }
  }
  return n;
}

/**
 * The sort of an import, export or instantiation argument (wasmparser's `ComponentExternalKind`): a component sort,
 * or `0x00 0x11`, a core module; no other core sort can cross a component boundary.
 */
export function readExternalKind(r: Reader): Sort {
  const at = r.pos;
  const b = r.u8();
  if (b === 0x00) {
    const c = r.u8();
    if (c !== 0x11) r.leading('component external kind', c, at + 1);
    return { core: 'module' };
  }
  return SORTS[b] ?? r.leading('component external kind', b, at);
}

export function readExternType(r: Reader): ExternType {
  const sort = readExternalKind(r);
  if (typeof sort === 'object') return { kind: 'module', type: r.u32() };
  switch (sort) {
    case 'func':
      return { kind: 'func', type: r.u32() };
    case 'value':
      // Binary.md describes a `valuebound` here, but wasm-tools reads and writes a plain valtype
      return { kind: 'value', type: readValType(r) };
    case 'type': {
      const b = r.u8();
      if (b === 0) return { kind: 'type', bound: { kind: 'eq', index: r.u32() } };
      if (b === 1) return { kind: 'type', bound: { kind: 'sub-resource' } };
      return r.leading('type bound', b);
    }
    case 'component':
      return { kind: 'component', type: r.u32() };
    case 'instance':
      return { kind: 'instance', type: r.u32() };
  }
}

export function readAlias(r: Reader): Alias {
  const at = r.pos;
  const b1 = r.u8();
  const b2 = b1 === 0 ? r.u8() : undefined;
  const target = r.u8();
  switch (target) {
    case 0x00: {
      // an instance export is read as an external kind: a component sort or a core module
      if (b1 === 0) {
        if (b2 !== 0x11) r.leading('component external kind', b2!, at + 1);
        return { kind: 'instance-export', sort: { core: 'module' }, instance: r.u32(), name: r.string() };
      }
      const sort = SORTS[b1] ?? r.leading('component external kind', b1, at);
      return { kind: 'instance-export', sort, instance: r.u32(), name: r.string() };
    }
    case 0x01: {
      if (b1 !== 0) r.leading('core instance export kind', b1, at);
      const core = CORE_SORTS[b2!];
      if (core === undefined || core === 'type' || core === 'module' || core === 'instance') r.leading('core export kind', b2!, at + 1);
      return { kind: 'core-instance-export', sort: core, instance: r.u32(), name: r.string() };
    }
    case 0x02:
      return { kind: 'outer', sort: outerAliasKind(r, b1, b2, at), count: r.u32(), index: r.u32() };
    default:
      return r.leading('alias', target);
  }
}

/** What an outer alias may name: core types and modules, types and components (wasmparser's outer alias kinds). */
function outerAliasKind(r: Reader, b1: number, b2: number | undefined, at: number): Sort {
  if (b1 === 0) {
    if (b2 === 0x10) return { core: 'type' };
    if (b2 === 0x11) return { core: 'module' };
    return r.leading('component outer alias kind', b2!, at + 1);
  }
  if (b1 === 0x03) return 'type';
  if (b1 === 0x04) return 'component';
  return r.leading('component outer alias kind', b1, at);
}

function readInstanceTypeDecl(r: Reader, b: number): InstanceTypeDecl {
  switch (b) {
    case 0x00:
      return { kind: 'core-type', type: readCoreType(r) };
    case 0x01:
      return { kind: 'type', type: readTypeDef(r) };
    case 0x02:
      return { kind: 'alias', alias: readAlias(r) };
    case 0x04:
      return { kind: 'export', name: readExternName(r), type: readExternType(r) };
    default:
      return r.leading('component or instance type declaration', b);
  }
}

function readComponentTypeDecl(r: Reader): ComponentTypeDecl {
  const b = r.u8();
  if (b === 0x03) return { kind: 'import', name: readExternName(r), type: readExternType(r) };
  return readInstanceTypeDecl(r, b);
}

function readFuncType(r: Reader, async: boolean): FuncType {
  const params = r.vec('component function parameters', () => ({ name: r.string(), type: readValType(r) }));
  const result = readResultList(r);
  return result === undefined ? { kind: 'func', async, params } : { kind: 'func', async, params, result };
}

export function readTypeDef(r: Reader): TypeDef {
  const b = r.u8();
  switch (b) {
    case 0x3f: {
      const rep = readCoreValType(r);
      const d = r.u8();
      if (d === 0) return { kind: 'resource', rep };
      if (d === 1) return { kind: 'resource', rep, dtor: r.u32() };
      return r.leading('resource destructor', d);
    }
    case 0x40:
    case 0x43:
      return readFuncType(r, b === 0x43);
    case 0x41:
      return { kind: 'component', decls: r.vec('component type declarations', () => readComponentTypeDecl(r)) };
    case 0x42:
      return { kind: 'instance', decls: r.vec('instance type declarations', () => readInstanceTypeDecl(r, r.u8())) };
    default: {
      const prim = PRIMITIVES[b];
      if (prim) return { kind: 'defined', type: { kind: 'primitive', type: prim } };
      return { kind: 'defined', type: readDefinedType(r, b) };
    }
  }
}
