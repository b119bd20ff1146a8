import { BinaryError } from './error.js';
import { pushULeb } from './leb.js';
import { Reader } from './reader.js';

/** The export-name prefix `exposeCoreState` gives the module's own mutable state: `weld:state/<kind>/<index>`. */
export const CORE_STATE_EXPORT_PREFIX = 'weld:state/';

/**
 * A core module rewritten so that every piece of state an instance of it can change is reachable from its exports:
 * each defined memory, table and mutable global is exported again under `weld:state/<kind>/<index>` (imported ones
 * belong to whoever passed them in). With that, a host can take a snapshot of an instance right after it is made
 * and later put the instance back exactly as it was, which makes it a fresh instance again.
 */
export type ExposedCoreState = { restorable: true; bytes: Uint8Array } | { restorable: false; reason: string; offset: number };

const SIMPLE_VALUE_TYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x70, 0x6f]); // i32 i64 f32 f64 funcref externref
const SECTIONS_AFTER_EXPORT = new Set([8, 9, 12, 10, 11]); // start, element, data count, code, data

class NotRestorable extends Error {
  constructor(readonly reason: string, readonly offset: number) {
    super(reason);
  }
}

/**
 * Rewrites `module` as `ExposedCoreState` describes, or says why its state cannot be snapshot from a host: state
 * that is neither memory, table nor a global holding a number or a plain reference (GC objects, v128 globals,
 * shared memories, passive data or element segments whose dropping an instance would remember).
 */
export function exposeCoreState(module: Uint8Array): ExposedCoreState {
  if (module.length < 8 || module[0] !== 0 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d || module[4] !== 1) {
    throw new BinaryError('bad-magic', 'not a core wasm module', 0);
  }
  try {
    return { restorable: true, bytes: rewrite(module) };
  } catch (e) {
    if (e instanceof NotRestorable) return { restorable: false, reason: e.reason, offset: e.offset };
    throw e;
  }
}

function rewrite(module: Uint8Array): Uint8Array {
  const r = new Reader(module, 8, module.length);
  const imported = { table: 0, memory: 0, global: 0 };
  const defined = { table: 0, memory: 0, mutableGlobals: [] as number[] };
  let exportSection: { start: number; end: number; entriesStart: number; count: number } | undefined;
  let insertExportAt = module.length;
  while (!r.done) {
    const start = r.pos;
    const id = r.u8();
    const size = r.u32();
    const bodyStart = r.pos;
    const end = bodyStart + size;
    if (end > module.length) throw new BinaryError('unexpected-end', 'section extends past the end of the module', start);
    if (SECTIONS_AFTER_EXPORT.has(id) && insertExportAt === module.length) insertExportAt = start;
    const s = new Reader(module, bodyStart, end);
    switch (id) {
      case 1:
        typeSection(s);
        break;
      case 2:
        importSection(s, imported);
        break;
      case 4:
        for (let n = s.u32(), i = 0; i < n; i++) {
          tableType(s);
          defined.table++;
        }
        break;
      case 5:
        for (let n = s.u32(), i = 0; i < n; i++) {
          memoryType(s);
          defined.memory++;
        }
        break;
      case 6:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const at = s.pos;
          const type = valueType(s);
          const mutable = s.u8() === 1;
          if (mutable) {
            if (!SIMPLE_VALUE_TYPES.has(type)) throw new NotRestorable('a mutable global holds a value a host cannot read back (v128 or a typed reference)', at);
            defined.mutableGlobals.push(imported.global + i);
          }
          constExpr(s);
        }
        break;
      case 7:
        {
        const count = s.u32();
        exportSection = { start, end, entriesStart: s.pos, count };
      }
        break;
      case 9:
        elementSection(s);
        break;
      case 11:
        dataSection(s);
        break;
    }
    r.pos = end;
  }

  const added: Array<[string, number, number]> = [];
  for (let i = 0; i < defined.memory; i++) added.push([`${CORE_STATE_EXPORT_PREFIX}memory/${imported.memory + i}`, 0x02, imported.memory + i]);
  for (let i = 0; i < defined.table; i++) added.push([`${CORE_STATE_EXPORT_PREFIX}table/${imported.table + i}`, 0x01, imported.table + i]);
  for (const g of defined.mutableGlobals) added.push([`${CORE_STATE_EXPORT_PREFIX}global/${g}`, 0x03, g]);
  if (added.length === 0) return module;

  const utf8 = new TextEncoder();
  const entries: number[] = [];
  for (const [name, kind, index] of added) {
    const bytes = utf8.encode(name);
    pushULeb(entries, bytes.length);
    for (const b of bytes) entries.push(b);
    entries.push(kind);
    pushULeb(entries, index);
  }
  const oldCount = exportSection?.count ?? 0;
  const oldEntries = exportSection ? module.subarray(exportSection.entriesStart, exportSection.end) : new Uint8Array();
  const body: number[] = [];
  pushULeb(body, oldCount + added.length);
  const header: number[] = [7];
  pushULeb(header, body.length + oldEntries.length + entries.length);
  const section = new Uint8Array(header.length + body.length + oldEntries.length + entries.length);
  section.set(header, 0);
  section.set(body, header.length);
  section.set(oldEntries, header.length + body.length);
  section.set(entries, header.length + body.length + oldEntries.length);
  const cutStart = exportSection ? exportSection.start : insertExportAt;
  const cutEnd = exportSection ? exportSection.end : insertExportAt;
  const out = new Uint8Array(cutStart + section.length + (module.length - cutEnd));
  out.set(module.subarray(0, cutStart), 0);
  out.set(section, cutStart);
  out.set(module.subarray(cutEnd), cutStart + section.length);
  return out;
}

function typeSection(s: Reader): void {
  for (let n = s.u32(), i = 0; i < n; i++) {
    const at = s.pos;
    if (s.u8() !== 0x60) throw new NotRestorable('the module defines GC types (structs, arrays or recursive groups), whose objects a host cannot snapshot', at);
    for (let k = 0; k < 2; k++) for (let m = s.u32(), j = 0; j < m; j++) valueType(s);
  }
}

function importSection(s: Reader, imported: { table: number; memory: number; global: number }): void {
  for (let n = s.u32(), i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      const length = s.u32();
      s.pos += length;
    }
    const kind = s.u8();
    if (kind === 0x00) s.u32();
    else if (kind === 0x01) {
      tableType(s);
      imported.table++;
    } else if (kind === 0x02) {
      memoryType(s);
      imported.memory++;
    } else if (kind === 0x03) {
      const at = s.pos;
      const type = valueType(s);
      if (s.u8() === 1 && !SIMPLE_VALUE_TYPES.has(type)) throw new NotRestorable('an imported mutable global holds a value a host cannot read back', at);
      imported.global++;
    } else if (kind === 0x04) {
      s.u8();
      s.u32();
    } else throw new BinaryError('malformed-core-module', `unknown import kind 0x${kind.toString(16)}`, s.pos - 1);
  }
}

/** The value type's first byte; a typed reference's heap type is read past. */
function valueType(s: Reader): number {
  const b = s.u8();
  if (b === 0x63 || b === 0x64) s.skipLeb(5);
  return b;
}

function tableType(s: Reader): void {
  const at = s.pos;
  if (s.peek() === 0x40) throw new NotRestorable('a table with an initialiser expression (typed function references)', at);
  const type = valueType(s);
  if (type !== 0x70 && type !== 0x6f) throw new NotRestorable('a table of typed references', at);
  const flags = s.u8();
  if (flags & 0x04) throw new NotRestorable('a 64-bit table', at);
  s.u32();
  if (flags & 0x01) s.u32();
}

function memoryType(s: Reader): void {
  const at = s.pos;
  const flags = s.u8();
  if (flags & 0x02) throw new NotRestorable('a shared memory (other threads may write it)', at);
  if (flags & 0x04) throw new NotRestorable('a 64-bit memory', at);
  if (flags & 0x08) throw new NotRestorable('a memory with a custom page size', at);
  s.u32();
  if (flags & 0x01) s.u32();
}

/** Reads a constant expression to its `end`: the instructions the MVP and extended-const allow, nothing from GC. */
function constExpr(s: Reader): void {
  for (;;) {
    const at = s.pos;
    const op = s.u8();
    switch (op) {
      case 0x0b:
        return;
      case 0x41:
      case 0x42:
        s.skipLeb(10);
        break;
      case 0x43:
        s.pos += 4;
        break;
      case 0x44:
        s.pos += 8;
        break;
      case 0x23:
      case 0xd2:
        s.u32();
        break;
      case 0xd0:
        s.skipLeb(5);
        break;
      case 0x6a: case 0x6b: case 0x6c: case 0x7c: case 0x7d: case 0x7e:
        break;
      case 0xfd:
        if (s.u32() !== 12) throw new NotRestorable('a constant expression with a SIMD instruction other than v128.const', at);
        s.pos += 16;
        break;
      default:
        throw new NotRestorable(`a constant expression with opcode 0x${op.toString(16)}`, at);
    }
    if (s.pos > s.end) throw new BinaryError('unexpected-end', 'constant expression runs past its section', at);
  }
}

function elementSection(s: Reader): void {
  for (let n = s.u32(), i = 0; i < n; i++) {
    const at = s.pos;
    const flags = s.u32();
    if (flags > 7) throw new BinaryError('malformed-core-module', `unknown element segment flags ${flags}`, at);
    if (flags === 1 || flags === 5) throw new NotRestorable('a passive element segment (an instance remembers whether it was dropped)', at);
    const passiveOrDeclared = (flags & 0x01) !== 0;
    const explicitTable = (flags & 0x02) !== 0 && !passiveOrDeclared;
    const expressions = (flags & 0x04) !== 0;
    if (explicitTable) s.u32();
    if (!passiveOrDeclared) constExpr(s);
    if (passiveOrDeclared || explicitTable) {
      if (expressions) valueType(s);
      else s.u8(); // elemkind
    }
    for (let m = s.u32(), j = 0; j < m; j++) {
      if (expressions) constExpr(s);
      else s.u32();
    }
  }
}

function dataSection(s: Reader): void {
  for (let n = s.u32(), i = 0; i < n; i++) {
    const at = s.pos;
    const flags = s.u32();
    if (flags === 1) throw new NotRestorable('a passive data segment (an instance remembers whether it was dropped)', at);
    if (flags === 2) s.u32();
    else if (flags !== 0) throw new BinaryError('malformed-core-module', `unknown data segment flags ${flags}`, at);
    constExpr(s);
    const length = s.u32();
    s.pos += length;
  }
}
