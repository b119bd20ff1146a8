#!/usr/bin/env node
// Builds the real components the binary codec is tested against, caching each under
// <repo>/.cache/binary-fixtures/<sha256 of its inputs>.wasm. Prints a JSON array of { name, path, kind } on stdout.
// Usage: node scripts/fixtures.mjs [--componentize]   (componentize-js output is slow: opt-in)
import { createHash } from 'node:crypto';
import { realpathSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '..');
const repo = resolve(pkg, '../..');
const cacheDir = join(repo, '.cache', 'binary-fixtures');
mkdirSync(cacheDir, { recursive: true });
const require = createRequire(join(pkg, 'package.json'));
const jcoDir = dirname(dirname(require.resolve('@bytecodealliance/jco')));
const builtinWit = join(jcoDir, 'lib', 'wit', 'builtin');
const jcoVersion = JSON.parse(readFileSync(join(jcoDir, 'package.json'), 'utf8')).version;

const out = [];
let jco;
// jco's wasm-tools reads WIT folders through preview2-shim's filesystem, which sees nothing until preopened.
async function tools() {
  if (jco) return jco;
  const shimReq = createRequire(join(jcoDir, 'package.json'));
  const shim = await import(pathToFileURL(shimReq.resolve('@bytecodealliance/preview2-shim/filesystem')).href);
  shim._setPreopens({ '/': '/' });
  return (jco = await import('@bytecodealliance/jco'));
}

function hashOf(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : Buffer.from(p)).update('\0');
  return h.digest('hex').slice(0, 24);
}

function writeAtomic(path, bytes) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

async function cached(name, kind, key, build) {
  const path = join(cacheDir, `${hashOf(jcoVersion, name, key)}.wasm`);
  if (!existsSync(path)) {
    try {
      writeAtomic(path, await build());
    } catch (e) {
      process.stderr.write(`fixture ${name} not built: ${e?.message ?? e}\n`);
      return;
    }
  }
  out.push({ name, kind, path });
}

function dirKey(dir) {
  const parts = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else parts.push(p.slice(dir.length), readFileSync(p));
    }
  };
  walk(dir);
  return hashOf(...parts);
}

// 1. Component WAT: the WAT example and the hand-written feature fixtures.
const watFiles = [join(repo, 'examples/polyglot/wat/numbers.wat')];
const watDir = join(pkg, 'test/fixtures/wat');
for (const f of readdirSync(watDir).sort()) if (f.endsWith('.wat')) watFiles.push(join(watDir, f));
for (const f of watFiles) {
  if (!existsSync(f)) continue;
  const text = readFileSync(f, 'utf8');
  await cached(`wat:${f.slice(repo.length + 1)}`, 'wat', text, async () => (await tools()).parse(text));
}

// 2. WIT worlds turned into components: dummy core module + componentNew (what wit-component produces).
function witTree(mainFile, depFiles) {
  const d = mkdtempSync(join(tmpdir(), 'weld-wit-'));
  cpSync(mainFile, join(d, 'main.wit'));
  mkdirSync(join(d, 'deps'));
  for (const [name, file] of depFiles) {
    mkdirSync(join(d, 'deps', name), { recursive: true });
    cpSync(file, join(d, 'deps', name, 'package.wit'));
  }
  return d;
}
const worlds = [];
const builtinPkgs = (v) => readdirSync(join(builtinWit, v)).filter((n) => n.startsWith('wasi-')).map((n) => [n, join(builtinWit, v, n, 'package.wit')]);
for (const [v, pkgName, world] of [
  ['0.2.12', 'wasi-http', 'proxy'], ['0.2.12', 'wasi-cli', 'command'], ['0.3.0', 'wasi-http', 'service'], ['0.3.0', 'wasi-cli', 'command'],
]) {
  const pkgs = builtinPkgs(v);
  const main = pkgs.find(([n]) => n === pkgName);
  if (!main) continue;
  worlds.push({ name: `wit:wasi@${v}/${pkgName}/${world}`, dir: () => witTree(main[1], pkgs.filter(([n]) => n !== pkgName)), world });
}
worlds.push({ name: 'wit:examples/calc', dir: () => join(repo, 'examples/polyglot/calc/wit'), world: 'calculator', keep: true });
worlds.push({
  name: 'wit:examples/app', world: 'application',
  dir: () => witTree(join(repo, 'examples/polyglot/app/wit/app.wit'), [['calc', join(repo, 'examples/polyglot/calc/wit/calc.wit')]]),
});
worlds.push({ name: 'wit:examples/http', dir: () => join(repo, 'examples/polyglot/http/wit'), world: 'handler', keep: true });
for (const w of worlds) {
  let dir;
  try {
    dir = w.dir();
  } catch {
    continue;
  }
  await cached(w.name, 'wit', dirKey(dir) + w.world, async () => {
    const { componentEmbed, componentNew } = await tools();
    const core = await componentEmbed({ dummy: true, witPath: dir, world: w.world, metadata: [['processed-by', [['weld-fixtures', '1']]]] });
    return componentNew(core);
  });
  if (!w.keep) rmSync(dir, { recursive: true, force: true });
}

// 3. componentize-js (StarlingMonkey, ~12 MB): real-world size. Opt-in because it takes a while.
if (process.argv.includes('--componentize')) {
  const compose = join(repo, 'packages/compose');
  const source = readFileSync(join(repo, 'examples/polyglot/http/handler.js'), 'utf8');
  const witDir = join(repo, 'examples/polyglot/http/wit');
  await cached('componentize:examples/http', 'componentize', source + dirKey(witDir), async () => {
    const req = createRequire(join(compose, 'package.json'));
    const shim = await import(pathToFileURL(req.resolve('@bytecodealliance/preview2-shim/filesystem')).href);
    shim._setPreopens({ '/': '/' });
    const cjsDir = realpathSync(join(compose, 'node_modules/@bytecodealliance/componentize-js'));
    const { componentize } = await import(pathToFileURL(join(cjsDir, 'src/componentize.js')).href);
    const { component } = await componentize(source, { witPath: witDir, worldName: 'handler' });
    return component;
  });
}

process.stdout.write(JSON.stringify(out) + '\n');
