import { renderError } from '@weld/core';
import { describe, expect, it } from 'vitest';
import { BinaryError, coreModuleInfo, decodeComponent, encodeComponent, type Component, type Section } from '../src/index.js';
import { bytesOf, fixtures } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function walk(c: Component, visit: (s: Section, depth: number) => void, depth = 0): void {
  for (const s of c.sections) {
    visit(s, depth);
    if (s.kind === 'component') walk(s.component, visit, depth + 1);
  }
}

function decodeError(bytes: Uint8Array): BinaryError {
  try {
    decodeComponent(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(BinaryError);
    return e as BinaryError;
  }
  throw new Error('expected decoding to fail');
}

describe('round trip on real components', () => {
  const all = fixtures();
  it('has the corpus (WAT, WIT-made, componentize-js)', () => {
    const kinds = new Set(all.map((f) => f.kind));
    expect(kinds.has('wat')).toBe(true);
    expect(kinds.has('wit')).toBe(true);
    expect(all.length).toBeGreaterThanOrEqual(10);
  });
  for (const f of all) {
    it(`decode → encode is byte-identical: ${f.name}`, () => {
      const bytes = bytesOf(f);
      const tree = decodeComponent(bytes);
      const out = encodeComponent(tree);
      expect(out.length).toBe(bytes.length);
      expect(Buffer.compare(Buffer.from(out), Buffer.from(bytes))).toBe(0);
    });
  }
  it('covers every section kind jco can produce, nested to depth ≥ 2', () => {
    const kinds = new Set<string>();
    let maxDepth = 0;
    for (const f of all) walk(decodeComponent(bytesOf(f)), (s, d) => { kinds.add(s.kind); maxDepth = Math.max(maxDepth, d); });
    for (const k of ['custom', 'core-module', 'core-instance', 'core-type', 'component', 'instance', 'alias', 'type', 'canon', 'import', 'export']) {
      expect(kinds, k).toContain(k);
    }
    expect(maxDepth).toBeGreaterThanOrEqual(2);
  });
  it('keeps core modules as byte ranges of the input', () => {
    const f = all.find((x) => x.kind === 'componentize') ?? all.find((x) => x.kind === 'wit')!;
    const bytes = bytesOf(f);
    const tree = decodeComponent(bytes);
    const mods = tree.sections.filter((s) => s.kind === 'core-module');
    expect(mods.length).toBeGreaterThan(0);
    for (const m of mods) {
      if (m.kind !== 'core-module') continue;
      expect(m.module.bytes.buffer).toBe(bytes.buffer);
      expect(hex(bytes.subarray(m.module.offset, m.module.offset + 8))).toBe('0061736d01000000');
      const info = coreModuleInfo(m.module);
      expect(info.exports.length + info.imports.length).toBeGreaterThan(0);
    }
  });
  it('decodes producers and wasm-metadata custom sections into typed fields', () => {
    const f = all.find((x) => x.name === 'wit:examples/calc')!;
    const tree = decodeComponent(bytesOf(f));
    const producers = tree.sections.find((s) => s.kind === 'custom' && s.payload.kind === 'producers');
    expect(producers && producers.kind === 'custom' && producers.payload.kind === 'producers').toBe(true);
    if (producers?.kind === 'custom' && producers.payload.kind === 'producers') {
      const processed = producers.payload.fields.find((x) => x.name === 'processed-by')!;
      expect(processed.values.map((v) => v.name)).toContain('wit-component');
    }
  });
});

describe('encoder', () => {
  it('writes start and value sections and reads them back', () => {
    const tree: Component = {
      offset: 0, size: 0, version: 0x0d, layer: 1,
      sections: [
        { id: 7, kind: 'type', offset: 0, size: 0, items: [{ kind: 'func', async: false, params: [{ name: 'a', type: 'u32' }], result: 'string' }] },
        { id: 10, kind: 'import', offset: 0, size: 0, items: [{ name: { name: 'f', form: 0 }, type: { kind: 'func', type: 0 } }] },
        { id: 12, kind: 'value', offset: 0, size: 0, items: [{ type: 'u32', bytes: new Uint8Array([42]) }] },
        { id: 9, kind: 'start', offset: 0, size: 0, start: { func: 0, args: [0], results: 1 } },
        { id: 11, kind: 'export', offset: 0, size: 0, items: [{ name: { name: 'v', form: 0 }, sort: 'value', index: 1 }] },
      ],
    };
    const bytes = encodeComponent(tree);
    const back = decodeComponent(bytes);
    expect(back.sections.map((s) => s.kind)).toEqual(['type', 'import', 'value', 'start', 'export']);
    const start = back.sections[3];
    expect(start.kind === 'start' && start.start).toEqual({ func: 0, args: [0], results: 1 });
    expect(hex(encodeComponent(back))).toBe(hex(bytes));
  });

  it('keeps non-minimal LEB widths (section sizes and items)', () => {
    // (component (type (func (param "a" u32)))) with a 5-byte section size and a padded vec count and string length
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00,
      0x07, 0x8b, 0x80, 0x80, 0x80, 0x00, // type section, size 11 in 5 bytes
      0x81, 0x00, // 1 type, 2 bytes
      0x40, 0x01, 0x81, 0x80, 0x00, 0x61, 0x79, 0x01, 0x00, // func (param "a" u32) len in 3 bytes
    ]);
    bytes[9] = 0x80 | (bytes.length - 14);
    const tree = decodeComponent(bytes);
    expect(tree.sections[0].sizeWidth).toBe(5);
    expect(tree.sections[0].widths).toEqual({ 0: 2, 2: 3 }); // ordinals: type count, param count, name length
    expect(hex(encodeComponent(tree))).toBe(hex(bytes));
  });

  it('encodes nested components 60 levels deep and decodes them back', () => {
    let inner: Component = { offset: 0, size: 0, version: 0x0d, layer: 1, sections: [] };
    for (let i = 0; i < 60; i++) inner = { offset: 0, size: 0, version: 0x0d, layer: 1, sections: [{ id: 4, kind: 'component', offset: 0, size: 0, component: inner }] };
    const bytes = encodeComponent(inner);
    let depth = 0;
    walk(decodeComponent(bytes), (_s, d) => { depth = Math.max(depth, d); });
    expect(depth).toBe(59);
    expect(hex(encodeComponent(decodeComponent(bytes)))).toBe(hex(bytes));
  });
});

describe('decode errors name the section and offset', () => {
  const preamble = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
  it('rejects a core module as not-a-component', () => {
    const e = decodeError(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    expect(e.code).toBe('not-a-component');
    expect(e.exit).toBe(2);
  });
  it('rejects bad magic and unknown versions', () => {
    expect(decodeError(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])).code).toBe('bad-magic');
    expect(decodeError(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0c, 0x00, 0x01, 0x00])).code).toBe('bad-version');
  });
  it('reports truncation with the offset', () => {
    const e = decodeError(new Uint8Array([...preamble, 0x07, 0x05, 0x01, 0x40]));
    expect(e.code).toBe('section-size-mismatch');
    expect(e.offset).toBe(9);
    expect(e.section).toBe('type');
    expect(renderError(e)).toContain('at type section, byte offset 9 (0x9)');
  });
  it('reports an unknown type opcode at its offset', () => {
    const e = decodeError(new Uint8Array([...preamble, 0x07, 0x02, 0x01, 0x5a]));
    expect(e.code).toBe('invalid-leading-byte');
    expect(e.offset).toBe(11);
  });
  it('names nested sections', () => {
    const inner = [...preamble, 0x08, 0x02, 0x01, 0xff];
    const e = decodeError(new Uint8Array([...preamble, 0x04, inner.length, ...inner]));
    expect(e.section).toBe('component[0] > canon');
    expect(e.offset).toBe(10 + 11);
  });
  it('rejects unknown section ids and bad UTF-8', () => {
    expect(decodeError(new Uint8Array([...preamble, 0x0d, 0x00])).code).toBe('invalid-leading-byte');
    expect(decodeError(new Uint8Array([...preamble, 0x00, 0x02, 0x01, 0xff])).code).toBe('invalid-utf8');
  });
});
