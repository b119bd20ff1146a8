import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve as resolvePathOf } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { canonicalModel, printPackage } from '@weld/wit-tools';
import { resolvePath } from '@weld/wit-tools/node';
import { describe, expect, it } from 'vitest';
import { encodeWitPackage, extractWit, validateComponent } from '../src/index.js';

const repo = resolvePathOf(dirname(fileURLToPath(import.meta.url)), '../../..');
const req = createRequire(import.meta.url);
const jcoDir = dirname(dirname(req.resolve('@bytecodealliance/jco')));
const builtin = join(jcoDir, 'lib/wit/builtin');
const tmp = mkdtempSync(join(tmpdir(), 'weld-wit-encode-'));

/** A WIT folder: `main` as the package, the other builtin WASI packages of `version` under deps/. */
function witTree(name: string, main: string, deps: [string, string][]): string {
  const d = join(tmp, name);
  mkdirSync(join(d, 'deps'), { recursive: true });
  cpSync(main, join(d, 'main.wit'));
  for (const [n, f] of deps) cpSync(f, join(d, 'deps', `${n}.wit`));
  return d;
}
function wasi(version: string, pkg: string): string {
  const all = readdirSync(join(builtin, version)).filter((n) => n.startsWith('wasi-'));
  return witTree(`${pkg}-${version}`, join(builtin, version, pkg, 'package.wit'), all.filter((n) => n !== pkg).map((n) => [n, join(builtin, version, n, 'package.wit')]));
}

const cases: [string, () => string][] = [
  ['examples/calc', () => join(repo, 'examples/polyglot/calc/wit')],
  ['examples/http (include of wasi:http/proxy; resource aliases headers/trailers = fields)', () => join(repo, 'examples/polyglot/http/wit')],
  ['examples/app (uses demo:calc)', () => witTree('app', join(repo, 'examples/polyglot/app/wit/app.wit'), [['calc', join(repo, 'examples/polyglot/calc/wit/calc.wit')]])],
  ['wasi:io@0.2.12 (intra-package use)', () => join(builtin, '0.2.12/wasi-io/package.wit')],
  ['wasi:http@0.2.12', () => wasi('0.2.12', 'wasi-http')],
  ['wasi:cli@0.2.12', () => wasi('0.2.12', 'wasi-cli')],
  ['wasi:filesystem@0.2.12 (use of a type streams re-exports from wasi:io/error)', () => wasi('0.2.12', 'wasi-filesystem')],
  ['wasi:sockets@0.2.12', () => wasi('0.2.12', 'wasi-sockets')],
  ['wasi:http@0.3.0 (async, stream, future)', () => wasi('0.3.0', 'wasi-http')],
  ['wasi:cli@0.3.0', () => wasi('0.3.0', 'wasi-cli')],
];

describe('binary WIT packages: encode, validate, decode, print, compare', () => {
  for (const [name, dir] of cases) {
    it(name, () => {
      const { resolve, package: pkg } = resolvePath(dir());
      const bytes = encodeWitPackage(resolve, pkg);
      const v = validateComponent(bytes);
      expect(v.valid, v.valid ? '' : `${v.error.message} ${v.error.detail}`).toBe(true);
      const back = extractWit(bytes);
      expect(back.kind).toBe('package');
      // the same text, docs and gates included (the package-docs section carries them)
      expect(printPackage(back.resolve, back.package)).toBe(printPackage(resolve, pkg));
      // and the encoding is stable: re-encoding the decoded package gives the same bytes
      expect(Buffer.from(encodeWitPackage(back.resolve, back.package)).equals(Buffer.from(bytes))).toBe(true);
    });
  }
});

describe('deps/ may hold binary WIT packages (wit-tools loader hook)', () => {
  it('resolves a world against a .wasm dependency', () => {
    const calc = resolvePath(join(repo, 'examples/polyglot/calc/wit'));
    const d = join(tmp, 'app-binary-dep');
    mkdirSync(join(d, 'deps'), { recursive: true });
    cpSync(join(repo, 'examples/polyglot/app/wit/app.wit'), join(d, 'app.wit'));
    writeFileSync(join(d, 'deps', 'calc.wasm'), encodeWitPackage(calc.resolve, calc.package));
    const viaBinary = resolvePath(d);
    const viaText = resolvePath(witTree('app-text', join(repo, 'examples/polyglot/app/wit/app.wit'), [['calc', join(repo, 'examples/polyglot/calc/wit/calc.wit')]]));
    const strip = (m: unknown) => JSON.parse(JSON.stringify(m, (k, v) => (k === 'docs' ? undefined : v)));
    expect(strip(canonicalModel(viaBinary.resolve))).toEqual(strip(canonicalModel(viaText.resolve)));
  });
});

describe('jco reads our binary WIT packages back', () => {
  it('embeds a world from our .wasm package and prints the same WIT as from the text', async () => {
    const shim = await import(pathToFileURL(createRequire(join(jcoDir, 'package.json')).resolve('@bytecodealliance/preview2-shim/filesystem')).href);
    shim._setPreopens({ '/': '/' });
    const { componentEmbed, componentNew, componentWit } = await import('@bytecodealliance/jco');
    for (const [dir, world] of [[join(repo, 'examples/polyglot/calc/wit'), 'calculator'], [join(repo, 'examples/polyglot/http/wit'), 'handler']] as const) {
      const { resolve, package: pkg } = resolvePath(dir);
      const file = join(tmp, `${world}.wasm`);
      writeFileSync(file, encodeWitPackage(resolve, pkg));
      const fromBinary = await componentWit(await componentNew(await componentEmbed({ dummy: true, witPath: file, world })));
      const fromText = await componentWit(await componentNew(await componentEmbed({ dummy: true, witPath: dir, world })));
      expect(fromBinary).toBe(fromText);
    }
  });
});
