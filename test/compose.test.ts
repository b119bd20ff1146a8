import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco';
import { decodeComponent, encodeComponent, validateComponent } from '@weld/binary';
import { rememberedFileDigest, sha256Digest } from '@weld/core/node';
import { readProvenance } from '@weld/compose';
import { runWeld } from './helpers/cli.js';
import { polyglotComponent, REPO_ROOT } from './helpers/fixtures.js';

let dir: string;
const weld = (args: string[], env: Record<string, string> = {}) => runWeld(args, { cwd: dir, env: { WELD_HOME: path.join(dir, 'home'), WELD_PASSWORD: 'pw', ...env } });

describe('weld compose: plugging the C calc into the JS app', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weld-compose-'));
  });

  it('makes one valid component that runs, keeps WASI imports once, and records its inputs', async () => {
    const r = await weld(['compose', polyglotComponent('app'), '--plug', polyglotComponent('calc'), '--out', 'out/app.wasm']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  plugged calc into demo:calc/calc@0.1.0');
    expect(r.stdout).toContain('exports: demo:app/app@0.1.0');
    const bytes = await readFile(path.join(dir, 'out/app.wasm'));
    const checked = validateComponent(bytes);
    expect(checked.valid).toBe(true);
    const imports = checked.valid ? checked.component.sections.flatMap((s) => (s.kind === 'import' ? s.items.map((i) => i.name.name) : [])) : [];
    expect(imports).not.toContain('demo:calc/calc@0.1.0');
    expect(imports).toContain('wasi:io/streams@0.2.12');
    expect(new Set(imports).size).toBe(imports.length);
    expect(Buffer.from(encodeComponent(decodeComponent(bytes))).equals(bytes)).toBe(true);

    // remembered as written, so `weld push out/app.wasm` need not read it again
    expect(await rememberedFileDigest(path.join(dir, 'out/app.wasm'), { cacheDir: path.join(dir, 'home', 'cache', 'file-digests') })).toMatchObject({
      digest: sha256Digest(bytes),
      size: bytes.length,
      source: 'written',
    });

    const provenance = readProvenance(bytes)!;
    expect(provenance.inputs).toEqual([
      { name: 'app', role: 'socket', digest: sha256Digest(await readFile(polyglotComponent('app'))) },
      { name: 'calc', role: 'plug', digest: sha256Digest(await readFile(polyglotComponent('calc'))), satisfies: ['demo:calc/calc@0.1.0'] },
    ]);

    // jco transpiles the composition and the JS app calls the C code inside it
    const call = await weld(['call', 'out/app.wasm', 'app.report("weld", 2, 40)']);
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout).toBe('"Hello, weld! 2 + 40 = 42"\n');
  });

  it("runs weld.yaml's compose: section, with errors that point into the file", async () => {
    const project = path.join(dir, 'project');
    await import('node:fs/promises').then((fs) => fs.mkdir(project, { recursive: true }));
    const yaml = (plugs: string) =>
      `components:\n  - { name: app, language: wasm, source: ${polyglotComponent('app')} }\ncompose:\n  - name: app-composed\n    socket: ${polyglotComponent('app')}\n    plugs: ${plugs}\n`;
    await writeFile(path.join(project, 'weld.yaml'), yaml(`[${polyglotComponent('calc')}]`));
    const r = await weld(['compose', project]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(path.join('project', 'build', 'app-composed.wasm'));
    expect(validateComponent(await readFile(path.join(project, 'build', 'app-composed.wasm'))).valid).toBe(true);
    await writeFile(path.join(project, 'weld.yaml'), yaml('[calc]'));
    const bad = await weld(['compose', project]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[project-invalid]: compose[0].plugs[0]: no component named "calc" in components: (app); give a name from there or a path to a .wasm\n');
    expect(bad.stderr).toMatch(/--> \S*weld\.yaml:6:13\n/);
  });

  it('weld attest reads the recorded inputs; weld verify --attestation shows them', async () => {
    expect((await weld(['keygen'])).code).toBe(0);
    expect((await weld(['push', 'out/app.wasm', 'demo/composed:1'])).code).toBe(0);
    const attest = await weld(['attest', 'demo/composed:1', '--key', 'cosign.key']);
    expect(attest.code, attest.stderr).toBe(0);
    const verify = await weld(['verify', 'demo/composed:1', '--key', 'cosign.pub', '--attestation']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain(`input calc  ${sha256Digest(await readFile(polyglotComponent('calc')))}`);
    // weld inspect <ref>: manifest, config, the world recorded at push, and the attestation as a referrer
    const inspect = await weld(['inspect', 'demo/composed:1']);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).toContain('  config    application/vnd.wasm.config.v0+json');
    expect(inspect.stdout).toMatch(/  layer {5}application\/wasm .* app\.wasm/);
    expect(inspect.stdout).toContain('exports (1):\n  demo:app/app@0.1.0');
    expect(inspect.stdout).toContain('application/vnd.dev.sigstore.bundle.v0.3+json');
    // push recorded the composition's inputs as a manifest annotation
    const appDigest = sha256Digest(await readFile(polyglotComponent('app')));
    const calcDigest = sha256Digest(await readFile(polyglotComponent('calc')));
    expect(inspect.stdout).toContain(`  dev.weld.composition.inputs: app@${appDigest},calc@${calcDigest}`);
    const json = JSON.parse((await weld(['-o', 'json', 'inspect', 'demo/composed:1'])).stdout);
    expect(json.world.imports).toContain('wasi:io/streams@0.2.12');
    expect((await weld(['push', polyglotComponent('calc'), 'demo/calc:1'])).code).toBe(0);
    const plain = await weld(['attest', 'demo/calc:1', '--key', 'cosign.key']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('records no composition provenance');
  });

  it('a plug that fits no import, or whose export lacks functions the socket needs, is refused and nothing is written', async () => {
    const unused = await weld(['compose', polyglotComponent('app'), '--plug', polyglotComponent('numbers'), '--out', 'bad.wasm']);
    expect(unused.code).toBe(2);
    expect(unused.stderr).toContain('error[plug-unused]: numbers satisfies none of the imports of app');
    await writeFile(path.join(dir, 'calc-add-only.wasm'), await parse(await readFile(path.join(REPO_ROOT, 'test/fixtures/calc-add-only.wat'), 'utf8')));
    const partial = await weld(['compose', polyglotComponent('app'), '--plug', 'calc-add-only.wasm', '--out', 'bad.wasm']);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('error[argument-type-mismatch]: app imports demo:calc/calc@0.1.0: missing function divide (plug calc-add-only.wasm)');
    const notWasm = await weld(['compose', path.join(REPO_ROOT, 'README.md'), '--plug', polyglotComponent('calc'), '--out', 'bad.wasm']);
    expect(notWasm.code).toBe(2);
    expect(notWasm.stderr).toContain('error[package-invalid]: README.md is not a valid component');
    expect(existsSync(path.join(dir, 'bad.wasm'))).toBe(false);
  });
});
