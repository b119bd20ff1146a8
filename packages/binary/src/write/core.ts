import type {
  CompositeType, CoreExternType, CoreImport, CoreInstance, CoreSort, CoreType, CoreValType, FieldType, HeapType, Limits,
  ModuleTypeDecl, RecGroup, StorageType, SubType,
} from '../ast.js';
import { ABSTRACT_HEAP, CORE_SORTS } from '../read/core.js';
import type { Writer } from '../writer.js';

const invert = <K extends string | number, V extends string>(o: Readonly<Record<K, V>>): Record<string, number> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [v as string, Number(k)]));

const HEAP_CODES = invert(ABSTRACT_HEAP);
export const CORE_SORT_CODES = invert(CORE_SORTS);
const NUM_CODES: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

export function writeCoreSort(w: Writer, s: CoreSort): void {
  w.u8(CORE_SORT_CODES[s]);
}

function writeHeapType(w: Writer, h: HeapType): void {
  if ('index' in h) return w.s33(h.index);
  if (h.shared) w.u8(0x65);
  w.u8(HEAP_CODES[h.abstract]);
}

export function writeRefType(w: Writer, t: CoreValType): void {
  if (typeof t === 'string') throw new Error(`not a reference type: ${t}`);
  if (t.short) {
    w.u8(HEAP_CODES[(t.ref as { abstract: string }).abstract]);
    return;
  }
  w.u8(t.nullable ? 0x63 : 0x64);
  writeHeapType(w, t.ref);
}

export function writeCoreValType(w: Writer, t: CoreValType): void {
  if (typeof t === 'string') w.u8(NUM_CODES[t]);
  else writeRefType(w, t);
}

function writeStorageType(w: Writer, t: StorageType): void {
  if (t === 'i8') w.u8(0x78);
  else if (t === 'i16') w.u8(0x77);
  else writeCoreValType(w, t);
}

function writeFieldType(w: Writer, f: FieldType): void {
  writeStorageType(w, f.type);
  w.u8(f.mutable ? 1 : 0);
}

function writeCompositeType(w: Writer, c: CompositeType): void {
  if (c.shared) w.u8(0x65);
  switch (c.kind) {
    case 'func':
      w.u8(0x60);
      w.u32(c.params.length);
      for (const p of c.params) writeCoreValType(w, p);
      w.u32(c.results.length);
      for (const p of c.results) writeCoreValType(w, p);
      return;
    case 'struct':
      w.u8(0x5f);
      w.u32(c.fields.length);
      for (const f of c.fields) writeFieldType(w, f);
      return;
    case 'array':
      w.u8(0x5e);
      writeFieldType(w, c.field);
      return;
    case 'cont':
      w.u8(0x5d);
      w.s33(c.index);
  }
}

function writeSubType(w: Writer, s: SubType): void {
  if (s.explicit) {
    w.u8(s.final ? 0x4f : 0x50);
    w.u32(s.supertypes.length);
    for (const t of s.supertypes) w.u32(t);
  }
  writeCompositeType(w, s.composite);
}

export function writeRecGroup(w: Writer, g: RecGroup): void {
  if (g.explicit) {
    w.u8(0x4e);
    w.u32(g.types.length);
  }
  for (const t of g.types) writeSubType(w, t);
}

export function writeLimits(w: Writer, l: Limits): void {
  w.u8((l.max !== undefined ? 1 : 0) | (l.shared ? 2 : 0) | (l.is64 ? 4 : 0) | (l.pageSizeLog2 !== undefined ? 8 : 0));
  const num = (v: bigint) => (l.is64 ? w.u64(v) : w.u32(Number(v)));
  num(l.min);
  if (l.max !== undefined) num(l.max);
  if (l.pageSizeLog2 !== undefined) w.u32(l.pageSizeLog2);
}

export function writeCoreExternType(w: Writer, t: CoreExternType): void {
  switch (t.kind) {
    case 'func':
      w.u8(0x00);
      w.u32(t.type);
      return;
    case 'table':
      w.u8(0x01);
      writeRefType(w, t.element);
      writeLimits(w, t.limits);
      return;
    case 'memory':
      w.u8(0x02);
      writeLimits(w, t.limits);
      return;
    case 'global':
      w.u8(0x03);
      writeCoreValType(w, t.type);
      w.u8((t.mutable ? 1 : 0) | (t.shared ? 2 : 0));
      return;
    case 'tag':
      w.u8(0x04);
      w.u8(0x00);
      w.u32(t.type);
  }
}

export function writeCoreImport(w: Writer, i: CoreImport): void {
  w.string(i.module);
  w.string(i.name);
  writeCoreExternType(w, i.type);
}

function writeModuleTypeDecl(w: Writer, d: ModuleTypeDecl): void {
  switch (d.kind) {
    case 'import':
      w.u8(0x00);
      writeCoreImport(w, d.import);
      return;
    case 'type':
      w.u8(0x01);
      writeRecGroup(w, d.type);
      return;
    case 'alias':
      w.u8(0x02);
      w.u8(0x10);
      w.u8(0x01);
      w.u32(d.count);
      w.u32(d.index);
      return;
    case 'export':
      w.u8(0x03);
      w.string(d.name);
      writeCoreExternType(w, d.type);
  }
}

export function writeCoreType(w: Writer, t: CoreType): void {
  if (t.kind === 'module') {
    w.u8(0x50);
    w.u32(t.decls.length);
    for (const d of t.decls) writeModuleTypeDecl(w, d);
    return;
  }
  if (t.prefixed) w.u8(0x00);
  writeRecGroup(w, t.group);
}

export function writeCoreInstance(w: Writer, i: CoreInstance): void {
  if (i.kind === 'instantiate') {
    w.u8(0x00);
    w.u32(i.module);
    w.u32(i.args.length);
    for (const a of i.args) {
      w.string(a.name);
      w.u8(0x12);
      w.u32(a.instance);
    }
    return;
  }
  w.u8(0x01);
  w.u32(i.exports.length);
  for (const e of i.exports) {
    w.string(e.name);
    writeCoreSort(w, e.sort);
    w.u32(e.index);
  }
}
