import type { Component, Section } from '../ast.js';
import { Writer } from '../writer.js';
import { writeCoreInstance, writeCoreType } from './core.js';
import { writeCanon, writeExport, writeImport, writeInstance, writeStart, writeValue } from './sections.js';
import { writeAlias, writeTypeDef } from './types.js';

function writeVec<T>(w: Writer, items: T[], item: (w: Writer, x: T) => void): void {
  w.u32(items.length);
  for (const x of items) item(w, x);
}

function writePayload(w: Writer, s: Section): void {
  switch (s.kind) {
    case 'custom':
      w.string(s.name);
      w.bytes(s.data);
      return;
    case 'core-module':
      w.bytes(s.module.bytes);
      return;
    case 'core-instance':
      return writeVec(w, s.items, writeCoreInstance);
    case 'core-type':
      return writeVec(w, s.items, writeCoreType);
    case 'component':
      writeComponentTo(w, s.component);
      return;
    case 'instance':
      return writeVec(w, s.items, writeInstance);
    case 'alias':
      return writeVec(w, s.items, writeAlias);
    case 'type':
      return writeVec(w, s.items, writeTypeDef);
    case 'canon':
      return writeVec(w, s.items, writeCanon);
    case 'start':
      return writeStart(w, s.start);
    case 'import':
      return writeVec(w, s.items, writeImport);
    case 'export':
      return writeVec(w, s.items, writeExport);
    case 'value':
      return writeVec(w, s.items, writeValue);
  }
}

function writeComponentTo(out: Writer, c: Component): void {
  out.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, c.version & 0xff, c.version >> 8, c.layer & 0xff, c.layer >> 8]));
  for (const s of c.sections) {
    let body: Uint8Array;
    if (s.kind === 'core-module') {
      body = s.module.bytes;
    } else {
      const w = new Writer(256);
      w.useWidths(s.widths);
      writePayload(w, s);
      body = w.finish();
    }
    out.u8(s.id);
    out.rawU32(body.length, s.sizeWidth !== undefined && body.length === s.size ? s.sizeWidth : undefined);
    out.bytes(body);
  }
}

/** Encodes a component tree. Sections decoded from bytes come back byte-for-byte, LEB widths included. */
export function writeComponent(c: Component): Uint8Array {
  const w = new Writer(Math.max(1024, c.size + 64));
  writeComponentTo(w, c);
  return w.finish();
}
