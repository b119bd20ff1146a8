import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rememberedFileDigest } from '@weld/core/node';
import { FIXTURE_CACHE, POLYGLOT } from './helpers/fixtures.js';
import { runWeld } from './helpers/cli.js';
import { tempProject } from './helpers/tmp.js';

interface BuildJson {
  built: number;
  cached: number;
  components: { name: string; cached: boolean; digest: string; size: number }[];
}

describe('weld build cache', () => {
  it('a second build of the polyglot example rebuilds nothing', async () => {
    const out = path.join(FIXTURE_CACHE, 'polyglot');
    const r = await runWeld(['-o', 'json', 'build', POLYGLOT, '--out-dir', out]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as BuildJson;
    expect(json.built).toBe(0);
    expect(json.components.map((c) => c.name)).toEqual(['calc', 'app', 'numbers', 'http']);
    expect(json.components.every((c) => c.cached)).toBe(true);
    const text = await runWeld(['build', POLYGLOT, '--out-dir', out]);
    expect(text.stdout).toMatch(/nothing to rebuild: 4 component\(s\) up to date/);
  });

  it('changing one source rebuilds only that component; touching without change rebuilds nothing', async () => {
    const dir = await tempProject({
      'weld.yaml': [
        'components:',
        '  - { name: calc, language: c, source: calc/calc.c, wit: calc/wit, world: calculator }',
        '  - { name: numbers, language: wat, source: numbers.wat }',
      ].join('\n'),
    });
    await cp(path.join(POLYGLOT, 'calc'), path.join(dir, 'calc'), { recursive: true });
    await cp(path.join(POLYGLOT, 'wat', 'numbers.wat'), path.join(dir, 'numbers.wat'));

    const first = JSON.parse((await runWeld(['-o', 'json', 'build', dir, '-j', '2'])).stdout) as BuildJson;
    expect(first.built).toBe(2);

    const wat = path.join(dir, 'numbers.wat');
    await writeFile(wat, await readFile(wat)); // same bytes, new mtime
    const second = JSON.parse((await runWeld(['-o', 'json', 'build', dir])).stdout) as BuildJson;
    expect(second).toMatchObject({ built: 0, cached: 2 });

    await writeFile(wat, (await readFile(wat, 'utf8')).replace('(local.get $a)))', '(local.get $a))) ;; changed'));
    const third = JSON.parse((await runWeld(['-o', 'json', 'build', dir])).stdout) as BuildJson;
    expect(third).toMatchObject({ built: 1, cached: 1 });
    expect(third.components.find((c) => c.name === 'numbers')!.cached).toBe(false);
    expect(third.components.find((c) => c.name === 'calc')!.cached).toBe(true);

    const witFile = path.join(dir, 'calc', 'wit', 'calc.wit');
    await writeFile(witFile, (await readFile(witFile, 'utf8')) + '\n// a comment\n');
    const fourth = JSON.parse((await runWeld(['-o', 'json', 'build', dir])).stdout) as BuildJson;
    expect(fourth.components.find((c) => c.name === 'calc')!.cached).toBe(false);
    expect(fourth.components.find((c) => c.name === 'numbers')!.cached).toBe(true);
  });

  it('remembers each output as written, so pushing it needs no second read', async () => {
    const dir = await tempProject({ 'weld.yaml': 'components:\n  - { name: numbers, language: wat, source: n.wat }\n' });
    await cp(path.join(POLYGLOT, 'wat', 'numbers.wat'), path.join(dir, 'n.wat'));
    const home = path.join(dir, 'home');
    const r = await runWeld(['-o', 'json', 'build', dir], { env: { WELD_HOME: home } });
    expect(r.code, r.stderr).toBe(0);
    const built = (JSON.parse(r.stdout) as BuildJson).components[0]!;
    const remembered = await rememberedFileDigest(path.join(dir, 'build', 'numbers.wasm'), { cacheDir: path.join(home, 'cache', 'file-digests') });
    expect(remembered).toMatchObject({ digest: built.digest, size: built.size, source: 'written' });
  });

  it('a deleted or altered output is rebuilt even when the inputs are unchanged', async () => {
    const dir = await tempProject({ 'weld.yaml': 'components:\n  - { name: numbers, language: wat, source: n.wat }\n' });
    await cp(path.join(POLYGLOT, 'wat', 'numbers.wat'), path.join(dir, 'n.wat'));
    expect((await runWeld(['build', dir])).code).toBe(0);
    await writeFile(path.join(dir, 'build', 'numbers.wasm'), 'garbage');
    const again = JSON.parse((await runWeld(['-o', 'json', 'build', dir])).stdout) as BuildJson;
    expect(again.built).toBe(1);
    expect((await readFile(path.join(dir, 'build', 'numbers.wasm'))).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
  });
});
