import type {
  CompositeType, CoreExternType, CoreImport, CoreInstance, CoreSort, CoreType, CoreValType, FieldType, HeapType, Limits,
  ModuleTypeDecl, RecGroup, StorageType, SubType,
} from '../ast.js';
import type { Reader } from '../reader.js';

/** Abstract heap types by their one-byte code; the same bytes are the nullable shorthand reference types. */
export const ABSTRACT_HEAP: Readonly<Record<number, string>> = {
  0x70: 'func', 0x6f: 'extern', 0x6e: 'any', 0x6d: 'eq', 0x6c: 'i31', 0x6b: 'struct', 0x6a: 'array', 0x71: 'none',
  0x72: 'noextern', 0x73: 'nofunc', 0x74: 'noexn', 0x69: 'exn', 0x68: 'cont', 0x75: 'nocont',
};

const NUM_TYPES: Readonly<Record<number, CoreValType>> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128' };

export const CORE_SORTS: Readonly<Record<number, CoreSort>> = {
  0x00: 'func', 0x01: 'table', 0x02: 'memory', 0x03: 'global', 0x04: 'tag', 0x10: 'type', 0x11: 'module', 0x12: 'instance',
};

export function readCoreSort(r: Reader): CoreSort {
  const b = r.u8();
  return CORE_SORTS[b] ?? r.leading('core sort', b);
}

export function readHeapType(r: Reader): HeapType {
  const b = r.peek();
  if (b === 0x65) {
    r.u8();
    const a = r.u8();
    return { abstract: ABSTRACT_HEAP[a] ?? r.leading('abstract heap type', a), shared: true };
  }
  if (ABSTRACT_HEAP[b] !== undefined) {
    r.u8();
    return { abstract: ABSTRACT_HEAP[b] };
  }
  if ((b & 0xc0) === 0x40) r.leading('heap type', b, r.pos);
  return { index: r.s33() };
}

export function readRefType(r: Reader): CoreValType {
  const b = r.u8();
  if (b === 0x63 || b === 0x64) return { ref: readHeapType(r), nullable: b === 0x63 };
  const a = ABSTRACT_HEAP[b];
  if (a === undefined) r.leading('reference type', b);
  return { ref: { abstract: a }, nullable: true, short: true };
}

export function readCoreValType(r: Reader): CoreValType {
  const b = r.peek();
  const num = NUM_TYPES[b];
  if (num) {
    r.u8();
    return num;
  }
  return readRefType(r);
}

function readStorageType(r: Reader): StorageType {
  const b = r.peek();
  if (b === 0x78) { r.u8(); return 'i8'; }
  if (b === 0x77) { r.u8(); return 'i16'; }
  return readCoreValType(r);
}

function readFieldType(r: Reader): FieldType {
  const type = readStorageType(r);
  const m = r.u8();
  if (m > 1) r.leading('mutability', m);
  return { type, mutable: m === 1 };
}

function readValTypes(r: Reader, what: string): CoreValType[] {
  const n = r.count(what);
  const out: CoreValType[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readCoreValType(r);
  return out;
}

function readCompositeType(r: Reader): CompositeType {
  let shared = false;
  let b = r.u8();
  if (b === 0x65) {
    shared = true;
    b = r.u8();
  }
  let t: CompositeType;
  switch (b) {
    case 0x60: {
      const params = readValTypes(r, 'params');
      t = { kind: 'func', params, results: readValTypes(r, 'results') };
      break;
    }
    case 0x5f:
      t = { kind: 'struct', fields: r.vec('fields', () => readFieldType(r)) };
      break;
    case 0x5e:
      t = { kind: 'array', field: readFieldType(r) };
      break;
    case 0x5d:
      t = { kind: 'cont', index: r.s33() };
      break;
    default:
      return r.leading('composite type', b);
  }
  return shared ? { ...t, shared: true } : t;
}

function readSubType(r: Reader): SubType {
  const b = r.peek();
  if (b === 0x50 || b === 0x4f) {
    r.u8();
    const supertypes = r.vec('supertypes', () => r.u32());
    return { final: b === 0x4f, explicit: true, supertypes, composite: readCompositeType(r) };
  }
  return { final: true, explicit: false, supertypes: [], composite: readCompositeType(r) };
}

export function readRecGroup(r: Reader): RecGroup {
  if (r.peek() === 0x4e) {
    r.u8();
    return { explicit: true, types: r.vec('rec group types', () => readSubType(r)) };
  }
  return { explicit: false, types: [readSubType(r)] };
}

export function readLimits(r: Reader): Limits {
  const flags = r.u8();
  if (flags > 0x0f) r.leading('limits flags', flags);
  const is64 = (flags & 0x04) !== 0;
  const num = () => (is64 ? r.u64() : BigInt(r.u32()));
  const min = num();
  const limits: Limits = { min, shared: (flags & 0x02) !== 0, is64 };
  if (flags & 0x01) limits.max = num();
  if (flags & 0x08) limits.pageSizeLog2 = r.u32();
  return limits;
}

export function readCoreExternType(r: Reader): CoreExternType {
  const b = r.u8();
  switch (b) {
    case 0x00:
      return { kind: 'func', type: r.u32() };
    case 0x01:
      return { kind: 'table', element: readRefType(r), limits: readLimits(r) };
    case 0x02:
      return { kind: 'memory', limits: readLimits(r) };
    case 0x03: {
      const type = readCoreValType(r);
      const m = r.u8();
      if (m > 3) r.leading('global mutability', m);
      return m & 2 ? { kind: 'global', type, mutable: (m & 1) === 1, shared: true } : { kind: 'global', type, mutable: m === 1 };
    }
    case 0x04: {
      const attr = r.u8();
      if (attr !== 0) r.leading('tag attribute', attr);
      return { kind: 'tag', type: r.u32() };
    }
    default:
      return r.leading('core extern type', b);
  }
}

export function readCoreImport(r: Reader): CoreImport {
  return { module: r.string(), name: r.string(), type: readCoreExternType(r) };
}

function readModuleTypeDecl(r: Reader): ModuleTypeDecl {
  const b = r.u8();
  switch (b) {
    case 0x00:
      return { kind: 'import', import: readCoreImport(r) };
    case 0x01:
      return { kind: 'type', type: readRecGroup(r) };
    case 0x02: {
      const sort = r.u8();
      if (sort !== 0x10) r.leading('outer alias kind', sort);
      const k = r.u8();
      if (k !== 0x01) r.leading('outer alias target', k);
      return { kind: 'alias', count: r.u32(), index: r.u32() };
    }
    case 0x03:
      return { kind: 'export', name: r.string(), type: readCoreExternType(r) };
    default:
      return r.leading('type definition', b);
  }
}

export function readCoreType(r: Reader): CoreType {
  const b = r.peek();
  if (b === 0x00) {
    r.u8();
    const x = r.peek();
    if (x !== 0x50) r.leading('non-final sub type', x, r.pos);
    return { kind: 'rec', group: readRecGroup(r), prefixed: true };
  }
  if (b === 0x50) {
    r.u8();
    return { kind: 'module', decls: r.vec('module type declarations', () => readModuleTypeDecl(r)) };
  }
  return { kind: 'rec', group: readRecGroup(r), prefixed: false };
}

export function readCoreInstance(r: Reader): CoreInstance {
  const b = r.u8();
  if (b === 0x00) {
    const module = r.u32();
    const args = r.vec('core instantiation arguments', () => {
      const name = r.string();
      const kind = r.u8();
      if (kind !== 0x12) r.leading('instantiation arg kind', kind);
      return { name, instance: r.u32() };
    });
    return { kind: 'instantiate', module, args };
  }
  if (b === 0x01) {
    return {
      kind: 'exports',
      exports: r.vec('core instance exports', () => ({ name: r.string(), sort: readCoreSort(r), index: r.u32() })),
    };
  }
  return r.leading('core instance', b);
}
