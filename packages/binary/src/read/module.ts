import type { CoreExternType, CoreImport, CoreModule, RecGroup } from '../ast.js';
import { BinaryError } from '../error.js';
import { Reader } from '../reader.js';
import { readCoreImport, readCoreValType, readLimits, readRecGroup, readRefType } from './core.js';

const CORE_SECTION_NAMES = [
  'custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'data count', 'tag',
];

export interface CoreSectionInfo { id: number; name: string; offset: number; size: number; customName?: string }
export interface CoreExport { name: string; kind: 'func' | 'table' | 'memory' | 'global' | 'tag'; index: number }

/** What the component layer needs of a core module: its types, imports and exports, and the size of each section. */
export interface CoreModuleInfo {
  offset: number;
  size: number;
  sections: CoreSectionInfo[];
  /** the type section, one entry per rec group */
  types: RecGroup[];
  imports: CoreImport[];
  exports: CoreExport[];
  /** type index of every defined (non-imported) function */
  /** type index of each defined function (a typed array: large modules define tens of thousands) */
  functions: Uint32Array;
  tables: CoreExternType[];
  memories: CoreExternType[];
  globals: CoreExternType[];
  tags: number[];
  start?: number;
  customNames: string[];
}

const EXPORT_KINDS = ['func', 'table', 'memory', 'global', 'tag'] as const;

function skipConstExpr(r: Reader): void {
  // Only globals' init expressions are walked; any opcode sequence up to `end` (0x0b) at depth 0.
  for (;;) {
    const op = r.u8();
    if (op === 0x0b) return;
    if (op === 0x41 || op === 0x23 || op === 0xd2 || op === 0x20) r.skipLeb(5);
    else if (op === 0x42) r.skipLeb(10);
    else if (op === 0x43) r.bytes(4);
    else if (op === 0x44) r.bytes(8);
    else if (op === 0xd0) readCoreValTypeHeap(r);
    else if (op === 0xfd) { r.skipLeb(5); r.bytes(16); }
    else if (op === 0xfb) { r.skipLeb(5); while (r.peek() & 0x80) r.u8(); r.u8(); }
    // other opcodes (i32.add etc.) have no immediates
  }
}

function readCoreValTypeHeap(r: Reader): void {
  const b = r.peek();
  if (b === 0x65) { r.u8(); r.u8(); return; }
  r.skipLeb(5);
}

/**
 * Decodes the header-level sections of an embedded core module (types, imports, functions, tables, memories, globals,
 * exports, start, tags). Code and data are skipped by size, so this is cheap even for multi-megabyte modules.
 */
export function coreModuleInfo(module: CoreModule, section = 'core module'): CoreModuleInfo {
  const buf = module.bytes;
  const r = new Reader(buf, 8, buf.length);
  r.section = section;
  const info: CoreModuleInfo = {
    offset: module.offset, size: buf.length, sections: [], types: [], imports: [], exports: [], functions: new Uint32Array(0), tables: [],
    memories: [], globals: [], tags: [], customNames: [],
  };
  try {
    while (!r.done) {
      const offset = r.pos;
      const id = r.u8();
      const size = r.u32();
      const start = r.pos;
      if (size > r.remaining) r.fail('malformed-core-module', `core section size ${size} is out of bounds`, offset);
      const end = start + size;
      const s = new Reader(buf, start, end);
      s.section = `${section} > ${CORE_SECTION_NAMES[id] ?? `section ${id}`}`;
      const entry: CoreSectionInfo = { id, name: CORE_SECTION_NAMES[id] ?? `unknown(${id})`, offset: module.offset + offset, size: end - offset };
      switch (id) {
        case 0:
          entry.customName = s.string();
          info.customNames.push(entry.customName);
          break;
        case 1:
          info.types = s.vec('types', () => readRecGroup(s));
          break;
        case 2:
          info.imports = s.vec('imports', () => readCoreImport(s));
          for (const imp of info.imports) {
            if (imp.type.kind === 'table') info.tables.push(imp.type);
            else if (imp.type.kind === 'memory') info.memories.push(imp.type);
            else if (imp.type.kind === 'global') info.globals.push(imp.type);
            else if (imp.type.kind === 'tag') info.tags.push(imp.type.type);
          }
          break;
        case 3:
          {
            const n = s.count('functions');
            const fns = new Uint32Array(n);
            for (let i = 0; i < n; i++) fns[i] = s.u32();
            info.functions = fns;
          }
          break;
        case 4:
          s.vec('tables', () => {
            let init = false;
            if (s.peek() === 0x40) { s.u8(); s.u8(); init = true; }
            const element = readRefType(s);
            info.tables.push({ kind: 'table', element, limits: readLimits(s) });
            if (init) skipConstExpr(s);
          });
          break;
        case 5:
          s.vec('memories', () => info.memories.push({ kind: 'memory', limits: readLimits(s) }));
          break;
        case 6:
          s.vec('globals', () => {
            const type = readCoreValType(s);
            const m = s.u8();
            info.globals.push({ kind: 'global', type, mutable: (m & 1) === 1 });
            skipConstExpr(s);
          });
          break;
        case 7:
          info.exports = s.vec('exports', () => {
            const name = s.string();
            const k = s.u8();
            const kind = EXPORT_KINDS[k] ?? s.leading('export kind', k);
            return { name, kind, index: s.u32() };
          });
          break;
        case 8:
          info.start = s.u32();
          break;
        case 13:
          s.vec('tags', () => {
            s.u8();
            info.tags.push(s.u32());
          });
          break;
        default:
          break;
      }
      info.sections.push(entry);
      r.pos = end;
    }
  } catch (e) {
    if (e instanceof BinaryError) {
      throw new BinaryError('malformed-core-module', e.message, module.offset + e.offset, e.section, { cause: e });
    }
    throw e;
  }
  return info;
}

/** Flattened function types of a module's type section (index → params/results), or undefined for non-func types. */
export function coreFuncTypes(info: CoreModuleInfo): ({ params: string[]; results: string[] } | undefined)[] {
  const out: ({ params: string[]; results: string[] } | undefined)[] = [];
  for (const g of info.types) {
    for (const t of g.types) {
      out.push(t.composite.kind === 'func'
        ? { params: t.composite.params.map(coreValTypeName), results: t.composite.results.map(coreValTypeName) }
        : undefined);
    }
  }
  return out;
}

export function coreValTypeName(t: import('../ast.js').CoreValType): string {
  if (typeof t === 'string') return t;
  const h = 'index' in t.ref ? String(t.ref.index) : t.ref.abstract;
  return `(ref ${t.nullable ? 'null ' : ''}${h})`;
}
