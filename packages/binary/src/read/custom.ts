import type { ComponentNames, CustomPayload, Metadata, ProducerField } from '../ast.js';
import { BinaryError } from '../error.js';
import { Reader } from '../reader.js';
import { readSort } from './types.js';

const METADATA_FIELDS: ReadonlySet<string> = new Set(['description', 'licenses', 'source', 'homepage', 'revision', 'version', 'authors']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

function readNames(r: Reader): ComponentNames {
  const names: ComponentNames = { sorts: [], unknown: [] };
  while (!r.done) {
    const id = r.u8();
    const size = r.u32();
    const start = r.pos;
    const body = r.bytes(size);
    const sub = new Reader(r.buf, start, start + size);
    sub.section = r.section;
    if (id === 0) {
      names.component = sub.string();
    } else if (id === 1) {
      const sort = readSort(sub);
      names.sorts.push({ sort, names: sub.vec('names', () => ({ index: sub.u32(), name: sub.string() })) });
    } else {
      names.unknown.push({ id, bytes: body });
      continue;
    }
    if (!sub.done) sub.fail('malformed-custom-section', 'trailing bytes in name subsection');
  }
  return names;
}

function readProducers(r: Reader): ProducerField[] {
  const fields = r.vec('producer fields', () => ({
    name: r.string(),
    values: r.vec('producer values', () => ({ name: r.string(), version: r.string() })),
  }));
  if (!r.done) r.fail('malformed-custom-section', 'trailing bytes in producers section');
  return fields;
}

/**
 * Interprets the custom sections weld knows. A custom section never makes a component invalid, so a payload that
 * does not parse is reported as `opaque` with the reason rather than thrown.
 */
export function parseCustomPayload(name: string, buf: Uint8Array, start: number, end: number): CustomPayload & { error?: string } {
  const r = new Reader(buf, start, end);
  r.section = `custom "${name}"`;
  try {
    if (name === 'component-name') return { kind: 'component-name', names: readNames(r) };
    if (name === 'producers') return { kind: 'producers', fields: readProducers(r) };
    if (METADATA_FIELDS.has(name)) return { kind: 'metadata', field: name as keyof Metadata, value: utf8.decode(buf.subarray(start, end)) };
  } catch (e) {
    return { kind: 'opaque', error: e instanceof BinaryError ? `${e.message} (at byte offset ${e.offset})` : String(e) };
  }
  return { kind: 'opaque' };
}
