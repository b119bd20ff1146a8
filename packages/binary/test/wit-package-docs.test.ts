import { printPackage, resolveSource } from '@weld/wit-tools';
import { describe, expect, it } from 'vitest';
import { decodeComponent, encodeComponent, encodeWitPackage, extractWit, isBinaryError, type Section } from '../src/index.js';

/** The `package-docs` payload of a binary WIT package, as its version byte and parsed JSON. */
function packageDocs(bytes: Uint8Array): { version: number; json: unknown; raw: string } {
  const s = decodeComponent(bytes).sections.find((x) => x.kind === 'custom' && x.name === 'package-docs');
  if (!s || s.kind !== 'custom') throw new Error('no package-docs section');
  const raw = new TextDecoder().decode(s.data.subarray(1));
  return { version: s.data[0]!, json: JSON.parse(raw), raw };
}

/** Re-encodes `bytes` with the package-docs payload replaced. */
function withPackageDocs(bytes: Uint8Array, data: Uint8Array): Uint8Array {
  const c = decodeComponent(bytes);
  c.sections = c.sections.map((s) => (s.kind === 'custom' && s.name === 'package-docs' ? ({ ...s, data } as Section) : s));
  return encodeComponent(c);
}

const roundTrip = (wit: string) => {
  const { resolve, package: pkg } = resolveSource(wit, 'test.wit', { allFeatures: true });
  const bytes = encodeWitPackage(resolve, pkg);
  const back = extractWit(bytes);
  if (back.kind !== 'package') throw new Error('not a package');
  return { text: printPackage(resolve, pkg), decoded: printPackage(back.resolve, back.package), bytes, back };
};

describe('package-docs custom section', () => {
  it('carries docs of the package, interfaces, types, fields, cases, flags and functions through the binary', () => {
    const wit = `/// the package
package t:docs;

/// an interface
interface i {
  /// a record
  record r {
    /// field a
    a: u8,
    b: u8,
  }

  variant v {
    /// case one
    one(u8),
    two,
  }

  /// a resource
  resource res {
    /// makes one
    constructor();
    /// a method
    m: func();
  }

  /// a function
  f: func();
}

/// a world
world w {
  /// an import
  import g: func();

  /// inline
  export x: interface {
    /// inner
    h: func();
  }
}
`;
    const { text, decoded, bytes } = roundTrip(wit);
    expect(decoded).toBe(text);
    expect(decoded).toContain('/// field a');
    const docs = packageDocs(bytes);
    expect(docs.version).toBe(1);
    // serde's field order and names (interface_exports for an exported inline interface)
    expect(docs.raw.startsWith('{"docs":"the package","worlds":{"w":{"docs":"a world","funcs":{"g":{"docs":"an import"}},"interface_exports":{"x":')).toBe(true);
    expect(docs.json).toMatchObject({
      interfaces: {
        i: {
          docs: 'an interface',
          funcs: { '[constructor]res': { docs: 'makes one' }, '[method]res.m': { docs: 'a method' }, f: { docs: 'a function' } },
          types: { r: { docs: 'a record', items: { a: 'field a' } }, v: { items: { one: 'case one' } }, res: { docs: 'a resource' } },
        },
      },
    });
  });

  it('carries @since, @unstable and @deprecated gates (they decoded as unknown before)', () => {
    const wit = `package t:gates@1.2.0;

@since(version = 1.0.0)
interface i {
  @since(version = 1.1.0)
  @deprecated(version = 1.2.0)
  f: func();

  @unstable(feature = fancy)
  type t = u32;
}

@unstable(feature = fancy)
world w {
  @since(version = 1.0.0)
  import i;
}
`;
    const { text, decoded, bytes } = roundTrip(wit);
    expect(decoded).toBe(text);
    expect(decoded).toContain('@deprecated(version = 1.2.0)');
    expect(packageDocs(bytes).json).toEqual({
      worlds: { w: { stability: { unstable: { feature: 'fancy' } }, interface_import_stability: { 't:gates/i@1.2.0': { stable: { since: '1.0.0' } } } } },
      interfaces: {
        i: {
          stability: { stable: { since: '1.0.0' } },
          funcs: { f: { stability: { stable: { since: '1.1.0', deprecated: '1.2.0' } } } },
          types: { t: { stability: { unstable: { feature: 'fancy' } } } },
        },
      },
    });
  });

  it('writes `{}` for a package without docs or gates, and re-encodes decoded packages byte-identically', () => {
    const { bytes, back } = roundTrip('package t:plain;\ninterface i { f: func(); }\n');
    expect(packageDocs(bytes).raw).toBe('{}');
    expect(Buffer.from(encodeWitPackage(back.resolve, back.package)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('reads the v0 form (a function\'s docs as a bare string)', () => {
    const { bytes } = roundTrip('package t:v0;\ninterface i { f: func(); }\n');
    const v0 = new TextEncoder().encode('\u0000{"interfaces":{"i":{"funcs":{"f":"old docs"}}}}');
    const back = extractWit(withPackageDocs(bytes, v0));
    expect(back.kind === 'package' && printPackage(back.resolve, back.package)).toContain('/// old docs\n  f: func();');
  });

  it('rejects an unknown version, bad JSON, unknown fields and names the package lacks with malformed-custom-section', () => {
    const { bytes } = roundTrip('package t:bad;\ninterface i { f: func(); }\n');
    const bad = (payload: string, version = 1) => {
      const data = new Uint8Array([version, ...new TextEncoder().encode(payload)]);
      try {
        extractWit(withPackageDocs(bytes, data));
      } catch (e) {
        expect(isBinaryError(e) && e.code).toBe('malformed-custom-section');
        return (e as Error).message;
      }
      throw new Error(`accepted ${payload}`);
    };
    expect(bad('{}', 2)).toContain('expected version 1, got 2');
    expect(bad('{')).toContain('not JSON');
    expect(bad('{"colour":1}')).toContain('unknown field `colour`');
    expect(bad('{"interfaces":{"nope":{}}}')).toContain('missing interface `nope`');
    expect(bad('{"interfaces":{"i":{"funcs":{"g":{}}}}}')).toContain('missing function `g`');
    expect(bad('{"interfaces":{"i":{"stability":{"stable":{"since":"one"}}}}}')).toContain('semver');
  });

  it('writes a producers section naming weld, or none on request', () => {
    const { resolve, package: pkg } = resolveSource('package t:p;\ninterface i {}\n');
    const names = (b: Uint8Array) => decodeComponent(b).sections.flatMap((s) => (s.kind === 'custom' ? [s.name] : []));
    const withTool = encodeWitPackage(resolve, pkg);
    expect(names(withTool)).toEqual(['package-docs', 'producers']);
    const p = decodeComponent(withTool).sections.find((s) => s.kind === 'custom' && s.name === 'producers');
    expect(p?.kind === 'custom' && p.payload).toMatchObject({ kind: 'producers', fields: [{ name: 'processed-by', values: [{ name: 'weld' }] }] });
    expect(names(encodeWitPackage(resolve, pkg, { processedBy: false }))).toEqual(['package-docs']);
  });

  it('restores the source order of documented functions, so decoded packages re-encode to the same section', () => {
    // the binary lists `[method]r.m` before `first` (resource functions first); the section keeps `first` first
    const { bytes, back } = roundTrip(`package t:order;
interface i {
  /// freestanding, written first
  first: func();
  undocumented: func();
  resource r {
    /// a method
    m: func();
  }
  /// written last
  last: func();
}
`);
    expect(packageDocs(bytes).raw).toContain('"funcs":{"first":{"docs":"freestanding, written first"},"[method]r.m":');
    const iface = back.resolve.interfaces[back.resolve.packages[back.package]!.interfaces.get('i')!]!;
    // undocumented functions cannot be placed exactly: they stay after the documented one before them in binary order
    expect([...iface.functions.keys()]).toEqual(['first', '[method]r.m', 'undocumented', 'last']);
    expect(Buffer.from(encodeWitPackage(back.resolve, back.package)).equals(Buffer.from(bytes))).toBe(true);
  });
});
