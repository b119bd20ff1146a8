import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';
import { resolveSource, type WorldId } from '@weld/wit-tools';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkTargets, extractWit } from '../src/index.js';

// The world the components should target, and variants of it that components were (wrongly) built against.
const world = (shape: string, extra = '', imports = 'import log;') => `package demo:shapes@1.0.0;
interface types {
  resource canvas { constructor(); }
  ${shape}
  variant figure { dot(point), blank }
}
interface log { write: func(msg: string); }
interface clock { now: func() -> u64; }
interface draw {
  use types.{canvas, figure};
  paint: func(c: borrow<canvas>, f: figure) -> result<u32, string>;
  ${extra}
}
world painter { ${imports} export draw; }
`;
const TARGET = world('record point { x: s32, y: s32 }');
const tmp = mkdtempSync(join(tmpdir(), 'weld-targets-'));

async function component(wit: string): Promise<Uint8Array> {
  const dir = join(tmp, String(Math.random()).slice(2));
  mkdirSync(dir);
  writeFileSync(join(dir, 'world.wit'), wit);
  return componentNew(await componentEmbed({ dummy: true, witPath: dir, world: 'painter' }));
}

function target(): { resolve: ReturnType<typeof resolveSource>['resolve']; world: WorldId } {
  const { resolve, package: pkg } = resolveSource(TARGET, 'target.wit');
  return { resolve, world: resolve.packages[pkg]!.worlds.get('painter')! };
}

function check(bytes: Uint8Array) {
  const x = extractWit(bytes);
  if (x.kind !== 'component') throw new Error('expected a component');
  return checkTargets({ resolve: x.resolve, world: x.world }, target());
}

describe('checkTargets (component vs world, structural)', () => {
  const built: Record<string, Uint8Array> = {};
  beforeAll(async () => {
    // jco reads the WIT folder through its WASI shim, which sees no files until given a preopen
    const jcoDir = dirname(dirname(createRequire(import.meta.url).resolve('@bytecodealliance/jco')));
    const shim = await import(pathToFileURL(createRequire(join(jcoDir, 'package.json')).resolve('@bytecodealliance/preview2-shim/filesystem')).href);
    shim._setPreopens({ '/': '/' });
    built.ok = await component(TARGET);
    built.field = await component(world('record point { x: s32, z: s32 }'));
    built.fieldType = await component(world('record point { x: s32, y: s64 }'));
    built.more = await component(world('record point { x: s32, y: s32 }', 'clear: func();'));
    built.noImport = await component(world('record point { x: s32, y: s32 }', '', ''));
    built.extraImport = await component(world('record point { x: s32, y: s32 }', '', 'import log; import clock;'));
  }, 60_000);

  it('a component built from the world conforms', () => {
    expect(check(built.ok!)).toMatchObject({ conforms: true, mismatches: [] });
  });
  it('a renamed record field is a type mismatch with the path to it', () => {
    const r = check(built.field!);
    expect(r.conforms).toBe(false);
    expect(r.mismatches).toHaveLength(1);
    expect(r.mismatches[0]).toMatchObject({ kind: 'type-mismatch', direction: 'export', item: 'demo:shapes/draw@1.0.0' });
    expect(r.mismatches[0]!.detail).toMatch(/draw@1\.0\.0#paint\(f\).*dot.*record fields \{x, z\} vs \{x, y\}/);
  });
  it('a field of another type is a type mismatch naming the field', () => {
    const r = check(built.fieldType!);
    expect(r.mismatches.map((m) => m.kind)).toEqual(['type-mismatch']);
    expect(r.mismatches[0]!.detail).toMatch(/\.y: .*s64.*s32/);
  });
  it('exporting more functions than the world asks for still conforms; importing less too', () => {
    expect(check(built.more!).conforms).toBe(true);
    expect(check(built.noImport!).conforms).toBe(true);
  });
  it('an import the world does not have is reported', () => {
    const r = check(built.extraImport!);
    expect(r.mismatches).toEqual([expect.objectContaining({ kind: 'extra-import', item: 'demo:shapes/clock@1.0.0' })]);
  });
});
