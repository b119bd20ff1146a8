import type { Canon, CanonOption, Export, Import, Instance, Start, Value } from '../ast.js';
import { CANON_OPCODES } from '../read/sections.js';
import type { Writer } from '../writer.js';
import { writeCoreValType } from './core.js';
import { writeExternName, writeExternType, writeResultList, writeSort, writeValType } from './types.js';

export function writeInstance(w: Writer, i: Instance): void {
  if (i.kind === 'instantiate') {
    w.u8(0x00);
    w.u32(i.component);
    w.u32(i.args.length);
    for (const a of i.args) {
      w.string(a.name);
      writeSort(w, a.sort);
      w.u32(a.index);
    }
    return;
  }
  w.u8(0x01);
  w.u32(i.exports.length);
  for (const e of i.exports) {
    writeExternName(w, e.name);
    writeSort(w, e.sort);
    w.u32(e.index);
  }
}

const OPTION_CODES: Record<CanonOption['kind'], number> = {
  utf8: 0, utf16: 1, 'latin1+utf16': 2, memory: 3, realloc: 4, 'post-return': 5, async: 6, callback: 7, 'core-type': 8, gc: 9,
};

function writeOptions(w: Writer, opts: CanonOption[]): void {
  w.u32(opts.length);
  for (const o of opts) {
    w.u8(OPTION_CODES[o.kind]);
    if ('index' in o) w.u32(o.index);
  }
}

export function writeCanon(w: Writer, c: Canon): void {
  w.u8(CANON_OPCODES[c.op]);
  switch (c.op) {
    case 'lift':
      w.u8(0x00);
      w.u32(c.coreFunc);
      writeOptions(w, c.options);
      w.u32(c.type);
      return;
    case 'lower':
      w.u8(0x00);
      w.u32(c.func);
      writeOptions(w, c.options);
      return;
    case 'task.return':
      writeResultList(w, c.result);
      writeOptions(w, c.options);
      return;
    case 'context.get':
    case 'context.set':
      writeCoreValType(w, c.type);
      w.u32(c.slot);
      return;
    case 'waitable-set.wait':
    case 'waitable-set.poll':
      w.u8(c.cancellable ? 1 : 0);
      w.u32(c.memory);
      return;
    case 'thread.new-indirect':
      w.u32(c.funcType);
      w.u32(c.table);
      return;
    case 'thread.spawn-ref':
      w.u8(c.shared ? 1 : 0);
      w.u32(c.funcType);
      return;
    case 'thread.spawn-indirect':
      w.u8(c.shared ? 1 : 0);
      w.u32(c.funcType);
      w.u32(c.table);
      return;
    case 'thread.available-parallelism':
      w.u8(c.shared ? 1 : 0);
      return;
  }
  if ('resource' in c) w.u32(c.resource);
  if ('type' in c && typeof c.type === 'number') w.u32(c.type);
  if ('options' in c) writeOptions(w, c.options);
  if ('async' in c) w.u8(c.async ? 1 : 0);
  if ('cancellable' in c) w.u8(c.cancellable ? 1 : 0);
}

export function writeImport(w: Writer, i: Import): void {
  writeExternName(w, i.name);
  writeExternType(w, i.type);
}

export function writeExport(w: Writer, e: Export): void {
  writeExternName(w, e.name);
  writeSort(w, e.sort);
  w.u32(e.index);
  if (e.type === undefined) {
    w.u8(0);
  } else {
    w.u8(1);
    writeExternType(w, e.type);
  }
}

export function writeStart(w: Writer, s: Start): void {
  w.u32(s.func);
  w.u32(s.args.length);
  for (const a of s.args) w.u32(a);
  w.u32(s.results);
}

export function writeValue(w: Writer, v: Value): void {
  writeValType(w, v.type);
  w.u32(v.bytes.length);
  w.bytes(v.bytes);
}
