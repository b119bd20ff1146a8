// The CLI bundle's CommonJS script runs with V8's code cache (packages/cli/bin/cached-bundle.js): a cache is
// written after a command's first run, used by the next, made again when V8 rejects it, and never needed: the
// output is the same with and without it, and an install that cannot be written to runs without one.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, polyglotComponent } from './helpers/fixtures.js';
import { WELD_BIN } from './helpers/cli.js';
// @ts-expect-error -- a plain .js launcher module (no declarations)
import { DEV_BUNDLE, devBundleFresh } from '../packages/cli/bin/dev-bundle.js';

// @ts-expect-error -- a plain .js launcher module (no declarations)
import * as launcher from '../packages/cli/bin/cached-bundle.js';

const cached = launcher as {
  CJS_BUNDLE: string;
  CACHE_DIR: string;
  commandKey(argv: string[]): string;
  scriptAllowed(dir: string, argv: string[]): boolean;
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'weld-code-cache-'));
  // a stand-in bundle with enough code for V8 to cache: main() returns the exit code its first argument names
  const fns = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x.map((y) => y * ${i}).filter(Boolean).length; }`).join('\n');
  writeFileSync(path.join(dir, cached.CJS_BUNDLE), `${fns}\nexports.main = async (argv) => { f1([1, 2]); return Number(argv.at(-1)); };\n`);
  writeFileSync(path.join(dir, 'main.mjs'), 'export async function main(argv) { return Number(argv.at(-1)); }\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cacheFiles = () => (existsSync(path.join(dir, cached.CACHE_DIR)) ? readdirSync(path.join(dir, cached.CACHE_DIR), { recursive: true }).map(String).filter((f) => f.endsWith('.bin')) : []);

describe('cached bundle', () => {
  it('keys a cache by the command word, and a wit subcommand', () => {
    expect(cached.commandKey(['validate', 'a.wasm'])).toBe('validate');
    expect(cached.commandKey(['-o', 'json', 'wit', 'breaking', 'old', 'new'])).toBe('wit-breaking');
    expect(cached.commandKey(['--quiet', 'push', 'a.wasm', 'host/repo:1'])).toBe('push');
    expect(cached.commandKey(['./odd.wasm'])).toBe('other');
    expect(cached.commandKey([])).toBe('other');
  });

  it('runs the script where it can: not for a bare --version, nor with WELD_CODE_CACHE=0, nor without cli.cjs', () => {
    expect(cached.scriptAllowed(dir, ['validate', 'x'])).toBe(true);
    expect(cached.scriptAllowed(dir, ['--version'])).toBe(false);
    expect(cached.scriptAllowed(path.join(dir, 'nowhere'), ['validate', 'x'])).toBe(false);
    process.env.WELD_CODE_CACHE = '0';
    try {
      expect(cached.scriptAllowed(dir, ['validate', 'x'])).toBe(false);
    } finally {
      delete process.env.WELD_CODE_CACHE;
    }
  });

  /** One run in its own process (V8 also caches compiled scripts per process): the cache state and exit code. */
  function runOnce(argv: string[]): { cache: string; code: number } {
    const script = `import { loadBundle } from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'packages/cli/bin/cached-bundle.js')).href)};
const argv = JSON.parse(process.argv[1]);
const run = await loadBundle(${JSON.stringify(dir)}, argv, () => import(${JSON.stringify(pathToFileURL(path.join(dir, 'main.mjs')).href)}));
process.stdout.write(JSON.stringify({ cache: run.cache, code: await run.main(argv) }));`;
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(argv)], { encoding: 'utf8' })) as { cache: string; code: number };
  }

  const cacheFile = () => path.join(dir, cached.CACHE_DIR, `${process.version}-${process.arch}`, 'validate.bin');

  it('takes the chunks first, makes the cache on the second run, uses it next, and makes it again when V8 rejects it', () => {
    expect(runOnce(['validate', '0'])).toEqual({ cache: 'chunks', code: 0 });
    expect(readFileSync(cacheFile()).length).toBe(0); // seen once
    expect(runOnce(['validate', '0'])).toEqual({ cache: 'none', code: 0 });
    expect(readFileSync(cacheFile()).length).toBeGreaterThan(1000);
    expect(runOnce(['validate', '0'])).toEqual({ cache: 'used', code: 0 });
    writeFileSync(cacheFile(), 'not a code cache');
    expect(runOnce(['validate', '1'])).toEqual({ cache: 'rejected', code: 1 }); // exit 1 (a failed check) writes it too
    expect(runOnce(['validate', '0'])).toEqual({ cache: 'used', code: 0 });
  });

  it("drops the caches of other Node versions when it makes the first one for this Node", () => {
    mkdirSync(path.join(dir, cached.CACHE_DIR, 'v18.0.0-x64'), { recursive: true });
    writeFileSync(path.join(dir, cached.CACHE_DIR, 'v18.0.0-x64', 'validate.bin'), 'old');
    expect(runOnce(['validate', '0'])).toEqual({ cache: 'chunks', code: 0 });
    expect(cacheFiles()).toEqual([path.join(`${process.version}-${process.arch}`, 'validate.bin')]);
  });

  it('writes none after a usage error, and runs without one where the folder cannot be written', () => {
    expect(runOnce(['valdate', '2'])).toEqual({ cache: 'chunks', code: 2 });
    expect(cacheFiles()).toEqual([]);
    writeFileSync(path.join(dir, cached.CACHE_DIR), 'a file where the cache folder would go');
    expect(runOnce(['validate', '0'])).toEqual({ cache: 'chunks', code: 0 });
    expect(runOnce(['validate', '0'])).toEqual({ cache: 'chunks', code: 0 });
  });
});

describe('weld from the bundle with and without the code cache', () => {
  const weld = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [WELD_BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('prints the same, with nothing more on stderr, when the cache is made, used, or not there', () => {
    // the checkout runs its dist-bundle (the test setup makes it fresh), whose caches these runs make and use
    const cliDir = path.join(REPO_ROOT, 'packages', 'cli');
    expect(devBundleFresh(cliDir)).toBe(true);
    const cacheOf = (key: string) => path.join(cliDir, DEV_BUNDLE, cached.CACHE_DIR, `${process.version}-${process.arch}`, `${key}.bin`);
    for (const key of ['wit-extract', 'wit-breaking', 'inspect']) rmSync(cacheOf(key), { force: true });
    const wit = mkdtempSync(path.join(tmpdir(), 'weld-code-cache-wit-'));
    try {
      for (const [side, body] of [['old', 'f: func();'], ['new', 'f: func(); g: func();']] as const) {
        mkdirSync(path.join(wit, side));
        writeFileSync(path.join(wit, side, 'a.wit'), `package t:a@${side === 'old' ? '0.1.0' : '0.1.1'};\ninterface i { ${body} }\n`);
      }
      const calc = polyglotComponent('calc');
      const runs: string[][] = [['wit', 'extract', calc], ['-o', 'json', 'wit', 'breaking', path.join(wit, 'old'), path.join(wit, 'new')], ['-o', 'json', 'inspect', calc], ['wit', 'breaking', path.join(wit, 'new'), path.join(wit, 'old')]];
      for (const args of runs) {
        const plain = weld(args, { WELD_CODE_CACHE: '0' });
        for (let i = 0; i < 3; i++) expect(weld(args), args.join(' ')).toEqual(plain); // chunks, making the cache, using it
      }
      for (const key of ['wit-extract', 'wit-breaking', 'inspect']) expect(readFileSync(cacheOf(key)).length, key).toBeGreaterThan(1000);
      const v = weld(['-o', 'json', 'validate', calc]);
      expect(v.stderr).toBe('');
      expect({ ...JSON.parse(v.stdout), milliseconds: 0 }).toEqual({ ...JSON.parse(weld(['-o', 'json', 'validate', calc], { WELD_CODE_CACHE: '0' }).stdout), milliseconds: 0 });
    } finally {
      rmSync(wit, { recursive: true, force: true });
    }
  });
});
