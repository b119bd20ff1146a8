import type { Component, CustomPayload, Section } from '../ast.js';
import { BinaryError, SECTION_NAMES } from '../error.js';
import { Reader, uLebSize } from '../reader.js';
import { readCoreInstance, readCoreType } from './core.js';
import { parseCustomPayload } from './custom.js';
import { readCanon, readExport, readImport, readInstance, readStart, readValue } from './sections.js';
import { readAlias, readTypeDef } from './types.js';

function items<T>(r: Reader, what: string, item: () => T, offsets: number[]): T[] {
  return r.vec(what, () => {
    offsets.push(r.pos);
    return item();
  });
}

/** Absolute offset of each item of a decoded vector section (for error locations); undefined for built trees. */
export function itemOffsets(section: Section): readonly number[] | undefined {
  return section.itemOffsets;
}

/**
 * A decoded custom section whose `payload` (names, producers, metadata) is interpreted on first access: validating or
 * extracting a world never needs it, and the component-name section of a large component is thousands of strings.
 */
class CustomSectionNode {
  readonly id = 0 as const;
  readonly kind = 'custom' as const;
  sizeWidth?: number;
  widths?: Record<number, number>;
  #payload: CustomPayload | undefined;
  readonly #buf: Uint8Array;
  readonly #start: number;

  constructor(readonly offset: number, readonly size: number, readonly name: string, readonly data: Uint8Array, buf: Uint8Array, start: number) {
    this.#buf = buf;
    this.#start = start;
  }

  get payload(): CustomPayload {
    return (this.#payload ??= parseCustomPayload(this.name, this.#buf, this.#start, this.#start + this.data.length));
  }

  set payload(p: CustomPayload) {
    this.#payload = p;
  }

  toJSON(): object {
    return { offset: this.offset, size: this.size, id: this.id, kind: this.kind, name: this.name, data: this.data, payload: this.payload, ...(this.sizeWidth !== undefined ? { sizeWidth: this.sizeWidth } : {}), ...(this.widths ? { widths: this.widths } : {}) };
  }
}

export const MAGIC = [0x00, 0x61, 0x73, 0x6d];
export const COMPONENT_VERSION = 0x0d;
export const MAX_NESTING = 100;

/** What the 8-byte preamble says the input is. */
export function sniff(bytes: Uint8Array): 'component' | 'module' | 'unknown' {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) return 'unknown';
  const layer = bytes[6] | (bytes[7] << 8);
  if (layer === 1) return 'component';
  if (layer === 0) return 'module';
  return 'unknown';
}

/**
 * The error for bytes `[start, end)` that end inside the 8-byte preamble, else undefined: fewer than 4 bytes (an empty
 * file too), or `\0asm` and fewer than 8. wasmparser, so wasm-tools, reads these as an unexpected end of file, and so
 * does every weld command; 4 to 7 bytes that do not start with `\0asm` have a bad magic number instead.
 */
export function truncatedPreamble(bytes: Uint8Array, start = 0, end = bytes.length): BinaryError | undefined {
  const n = end - start;
  if (n >= 8 || (n >= 4 && MAGIC.some((b, i) => bytes[start + i] !== b))) return undefined;
  return new BinaryError('unexpected-end', `unexpected end-of-file: expected an 8-byte preamble, found ${n} byte${n === 1 ? '' : 's'}`, start);
}

function readPreamble(r: Reader, path: string): { version: number; layer: number } {
  const start = r.pos;
  const cut = truncatedPreamble(r.buf, start, r.end);
  if (cut) r.fail(cut.code, cut.message, start);
  for (let i = 0; i < 4; i++) {
    if (r.buf[start + i] !== MAGIC[i]) r.fail('bad-magic', 'magic header not detected: bad magic number (expected \\0asm)', start);
  }
  const version = r.buf[start + 4] | (r.buf[start + 5] << 8);
  const layer = r.buf[start + 6] | (r.buf[start + 7] << 8);
  if (layer === 0 && version === 1) {
    throw new BinaryError('not-a-component', 'expected a version header for a component, found the header of a core WebAssembly module', start, path || undefined, {
      hint: 'wrap it into a component first (e.g. `jco new` / componentNew)',
    });
  }
  if (layer !== 1) r.fail('bad-version', `unknown binary layer ${layer}`, start + 6);
  if (version !== COMPONENT_VERSION) r.fail('bad-version', `unknown binary version: 0x${version.toString(16)} (this decoder reads components of version 0xd)`, start + 4);
  r.pos += 8;
  return { version, layer };
}

function checkCoreModulePreamble(r: Reader, start: number, end: number): void {
  if (end - start < 8) r.fail('malformed-core-module', 'core module is shorter than its preamble', start);
  for (let i = 0; i < 4; i++) if (r.buf[start + i] !== MAGIC[i]) r.fail('malformed-core-module', 'core module has a bad magic number', start);
  if (r.buf[start + 4] !== 1 || r.buf[start + 5] !== 0 || r.buf[start + 6] !== 0 || r.buf[start + 7] !== 0) {
    r.fail('malformed-core-module', 'expected a version header for a module (this core module has an unsupported version)', start + 4);
  }
}

/** Reads one component (preamble + sections) spanning `[start, end)` of `buf`. `path` names it for errors. */
export function readComponent(buf: Uint8Array, start: number, end: number, path = '', depth = 0): Component {
  const r = new Reader(buf, start, end);
  r.section = path;
  if (depth > MAX_NESTING) r.fail('limit-exceeded', `components nested deeper than ${MAX_NESTING}`);
  const { version, layer } = readPreamble(r, path);
  const sections: Section[] = [];
  let nested = 0;
  while (!r.done) {
    const offset = r.pos;
    r.section = path;
    const id = r.u8();
    if (id > 12) r.fail('invalid-leading-byte', `malformed section id: ${id}`, offset);
    r.section = path ? `${path} > ${SECTION_NAMES[id]}` : SECTION_NAMES[id];
    const sizeAt = r.pos;
    const size = r.u32();
    const sizeWidth = r.pos - sizeAt;
    const bodyStart = r.pos;
    if (size > r.end - bodyStart) r.fail('section-size-mismatch', `unexpected end-of-file (section size ${size} is out of bounds: ${r.end - bodyStart} bytes left)`, sizeAt);
    const bodyEnd = bodyStart + size;
    const outerEnd = r.end;
    r.end = bodyEnd;
    r.beginWidths();
    // sections are built as plain literals: spreading a shared `base` object costs more than decoding them
    const offsets: number[] = [];
    let section: Section;
    switch (id) {
      case 0: {
        const name = r.string();
        const dataStart = r.pos;
        const data = r.bytes(bodyEnd - dataStart);
        section = new CustomSectionNode(offset, size, name, data, buf, dataStart);
        break;
      }
      case 1:
        checkCoreModulePreamble(r, bodyStart, bodyEnd);
        section = { offset, size, id, kind: 'core-module', module: { offset: bodyStart, bytes: buf.subarray(bodyStart, bodyEnd) } };
        r.pos = bodyEnd;
        break;
      case 2:
        section = { offset, size, id, kind: 'core-instance', items: items(r, 'core instances', () => readCoreInstance(r), offsets), itemOffsets: offsets };
        break;
      case 3:
        section = { offset, size, id, kind: 'core-type', items: items(r, 'core types', () => readCoreType(r), offsets), itemOffsets: offsets };
        break;
      case 4: {
        const component = readComponent(buf, bodyStart, bodyEnd, `${path ? path + ' > ' : ''}component[${nested++}]`, depth + 1);
        section = { offset, size, id, kind: 'component', component };
        r.pos = bodyEnd;
        break;
      }
      case 5:
        section = { offset, size, id, kind: 'instance', items: items(r, 'instances', () => readInstance(r), offsets), itemOffsets: offsets };
        break;
      case 6:
        section = { offset, size, id, kind: 'alias', items: items(r, 'aliases', () => readAlias(r), offsets), itemOffsets: offsets };
        break;
      case 7:
        section = { offset, size, id, kind: 'type', items: items(r, 'types', () => readTypeDef(r), offsets), itemOffsets: offsets };
        break;
      case 8:
        section = { offset, size, id, kind: 'canon', items: items(r, 'canonical functions', () => readCanon(r), offsets), itemOffsets: offsets };
        break;
      case 9:
        section = { offset, size, id, kind: 'start', start: readStart(r) };
        break;
      case 10:
        section = { offset, size, id, kind: 'import', items: items(r, 'imports', () => readImport(r), offsets), itemOffsets: offsets };
        break;
      case 11:
        section = { offset, size, id, kind: 'export', items: items(r, 'exports', () => readExport(r), offsets), itemOffsets: offsets };
        break;
      default:
        section = { offset, size, id: 12, kind: 'value', items: items(r, 'values', () => readValue(r), offsets), itemOffsets: offsets };
        break;
    }
    if (r.pos !== bodyEnd) {
      const what = id === 9 ? 'unexpected content in the component start section' : 'section size mismatch: unexpected data at the end of the section';
      r.fail('section-size-mismatch', `${what} (${bodyEnd - r.pos} bytes after its last item)`, r.pos);
    }
    if (sizeWidth !== uLebSize(size)) section.sizeWidth = sizeWidth;
    const widths = r.takeWidths();
    if (widths && id !== 1 && id !== 4) section.widths = widths;
    r.end = outerEnd;
    sections.push(section);
  }
  return { offset: start, size: end - start, version, layer, sections };
}
