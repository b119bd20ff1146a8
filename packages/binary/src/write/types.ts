import type {
  Alias, ComponentTypeDecl, DefinedType, ExternName, ExternType, InstanceTypeDecl, Sort, TypeDef, ValType,
} from '../ast.js';
import { PRIMITIVES } from '../read/types.js';
import type { Writer } from '../writer.js';
import { CORE_SORT_CODES, writeCoreType, writeCoreValType } from './core.js';

const PRIM_CODES: Record<string, number> = Object.fromEntries(Object.entries(PRIMITIVES).map(([k, v]) => [v, Number(k)]));
const SORT_CODES: Record<string, number> = { func: 0x01, value: 0x02, type: 0x03, component: 0x04, instance: 0x05 };

export function writeSort(w: Writer, s: Sort): void {
  if (typeof s === 'object') {
    w.u8(0x00);
    w.u8(CORE_SORT_CODES[s.core]);
  } else {
    w.u8(SORT_CODES[s]);
  }
}

export function writeValType(w: Writer, t: ValType): void {
  if (typeof t === 'number') w.s33(t);
  else w.u8(PRIM_CODES[t]);
}

function writeOptValType(w: Writer, t: ValType | undefined): void {
  if (t === undefined) {
    w.u8(0);
  } else {
    w.u8(1);
    writeValType(w, t);
  }
}

function writeNames(w: Writer, names: string[]): void {
  w.u32(names.length);
  for (const n of names) w.string(n);
}

function writeDefinedType(w: Writer, t: DefinedType): void {
  switch (t.kind) {
    case 'primitive':
      w.u8(PRIM_CODES[t.type]);
      return;
    case 'record':
      w.u8(0x72);
      w.u32(t.fields.length);
      for (const f of t.fields) {
        w.string(f.name);
        writeValType(w, f.type);
      }
      return;
    case 'variant':
      w.u8(0x71);
      w.u32(t.cases.length);
      for (const c of t.cases) {
        w.string(c.name);
        writeOptValType(w, c.type);
        w.u8(0);
      }
      return;
    case 'list':
      w.u8(0x70);
      writeValType(w, t.element);
      return;
    case 'fixed-list':
      w.u8(0x67);
      writeValType(w, t.element);
      w.u32(t.length);
      return;
    case 'map':
      w.u8(0x63);
      writeValType(w, t.key);
      writeValType(w, t.value);
      return;
    case 'tuple':
      w.u8(0x6f);
      w.u32(t.types.length);
      for (const x of t.types) writeValType(w, x);
      return;
    case 'flags':
      w.u8(0x6e);
      writeNames(w, t.names);
      return;
    case 'enum':
      w.u8(0x6d);
      writeNames(w, t.names);
      return;
    case 'option':
      w.u8(0x6b);
      writeValType(w, t.type);
      return;
    case 'result':
      w.u8(0x6a);
      writeOptValType(w, t.ok);
      writeOptValType(w, t.err);
      return;
    case 'own':
    case 'borrow':
      w.u8(t.kind === 'own' ? 0x69 : 0x68);
      w.u32(t.resource);
      return;
    case 'stream':
    case 'future':
      w.u8(t.kind === 'stream' ? 0x66 : 0x65);
      writeOptValType(w, t.element);
  }
}

export function writeResultList(w: Writer, t: ValType | undefined): void {
  if (t === undefined) {
    w.u8(0x01);
    w.u8(0x00);
  } else {
    w.u8(0x00);
    writeValType(w, t);
  }
}

const ATTR_CODES = { implements: 0x00, 'version-suffix': 0x01, 'external-id': 0x02 } as const;

export function writeExternName(w: Writer, n: ExternName): void {
  w.u8(n.form);
  w.string(n.name);
  if (n.form !== 2) return;
  const order = n.attrOrder ?? (['implements', 'version-suffix', 'external-id'] as const).filter((k) =>
    (k === 'implements' ? n.implements : k === 'version-suffix' ? n.versionSuffix : n.externalId) !== undefined);
  w.u32(order.length);
  for (const k of order) {
    w.u8(ATTR_CODES[k]);
    w.string((k === 'implements' ? n.implements : k === 'version-suffix' ? n.versionSuffix : n.externalId) ?? '');
  }
}

export function writeExternType(w: Writer, t: ExternType): void {
  switch (t.kind) {
    case 'module':
      w.u8(0x00);
      w.u8(0x11);
      w.u32(t.type);
      return;
    case 'func':
    case 'component':
    case 'instance':
      w.u8(SORT_CODES[t.kind]);
      w.u32(t.type);
      return;
    case 'value':
      w.u8(0x02);
      writeValType(w, t.type);
      return;
    case 'type':
      w.u8(0x03);
      if (t.bound.kind === 'eq') {
        w.u8(0);
        w.u32(t.bound.index);
      } else {
        w.u8(1);
      }
  }
}

export function writeAlias(w: Writer, a: Alias): void {
  switch (a.kind) {
    case 'instance-export':
      writeSort(w, a.sort);
      w.u8(0x00);
      w.u32(a.instance);
      w.string(a.name);
      return;
    case 'core-instance-export':
      w.u8(0x00);
      w.u8(CORE_SORT_CODES[a.sort]);
      w.u8(0x01);
      w.u32(a.instance);
      w.string(a.name);
      return;
    case 'outer':
      writeSort(w, a.sort);
      w.u8(0x02);
      w.u32(a.count);
      w.u32(a.index);
  }
}

function writeDecl(w: Writer, d: ComponentTypeDecl | InstanceTypeDecl): void {
  switch (d.kind) {
    case 'core-type':
      w.u8(0x00);
      writeCoreType(w, d.type);
      return;
    case 'type':
      w.u8(0x01);
      writeTypeDef(w, d.type);
      return;
    case 'alias':
      w.u8(0x02);
      writeAlias(w, d.alias);
      return;
    case 'import':
    case 'export':
      w.u8(d.kind === 'import' ? 0x03 : 0x04);
      writeExternName(w, d.name);
      writeExternType(w, d.type);
  }
}

export function writeTypeDef(w: Writer, t: TypeDef): void {
  switch (t.kind) {
    case 'resource':
      w.u8(0x3f);
      writeCoreValType(w, t.rep);
      if (t.dtor === undefined) {
        w.u8(0);
      } else {
        w.u8(1);
        w.u32(t.dtor);
      }
      return;
    case 'func':
      w.u8(t.async ? 0x43 : 0x40);
      w.u32(t.params.length);
      for (const p of t.params) {
        w.string(p.name);
        writeValType(w, p.type);
      }
      writeResultList(w, t.result);
      return;
    case 'component':
    case 'instance':
      w.u8(t.kind === 'component' ? 0x41 : 0x42);
      w.u32(t.decls.length);
      for (const d of t.decls) writeDecl(w, d);
      return;
    case 'defined':
      writeDefinedType(w, t.type);
  }
}
