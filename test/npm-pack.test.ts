// weld as an npm user gets it: every workspace package packed (`pnpm pack`, as publishing does), installed with
// `npm install` into an empty folder from those tarballs alone plus the npm registry for third-party packages,
// then the `weld` bin run from there. The same again with plain `npm pack` in each package folder (last block): the
// package.json files are publishable as they are, with no `workspace:` range that only pnpm would rewrite. `--prefer-offline`: npm's cache (~/.npm, which CI keeps) answers when
// it can, the registry otherwise; a cold cache downloads ~230 packages (~25 s here), a warm one ~10 s.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script (no declarations); vitest loads it as is
import { packAll, workspacePackages } from '../scripts/pack.mjs';
import { runWeld } from './helpers/cli.js';
import { REPO_ROOT, polyglotComponent } from './helpers/fixtures.js';

const run = promisify(execFile);
/** The environment without the `npm_*` settings `pnpm exec` passes down (npm would warn about pnpm's own). */
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
let dir: string;
let app: string;
let tarballs: string[];
let problems: string[];

/** Packs every workspace package with `packer` into `into`/packs and installs the tarballs with npm into `into`/app. */
async function packAndInstall(packer: 'pnpm' | 'npm', into: string): Promise<{ app: string; tarballs: string[]; problems: string[] }> {
  const packed = packAll(path.join(into, 'packs'), { packer }) as { tarballs: string[]; problems: string[] };
  const app = path.join(into, 'app');
  await run('mkdir', ['-p', app]);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'weld-install-check', private: true }) + '\n');
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packed.tarballs], { cwd: app, env: npmEnv, maxBuffer: 16 << 20 });
  return { app, ...packed };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'weld-npm-pack-'));
  ({ app, tarballs, problems } = await packAndInstall('pnpm', dir));
}, 240_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `npx weld …` in the install folder; `--no-install` so npx can never fetch a `weld` from the registry instead. */
async function npxWeld(args: string[], env: Record<string, string> = {}, cwd = app): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', 'weld', ...args], { cwd, env: { ...npmEnv, ...env }, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('npm pack → npm install → npx weld', () => {
  it('packs every workspace package with nothing an npm user could not install', () => {
    expect(problems).toEqual([]);
    expect(tarballs.map((t) => path.basename(t)).sort()).toEqual(
      (workspacePackages() as { name: string; manifest: { version: string } }[]).map((p) => `${p.name.replace('@', '').replace('/', '-')}-${p.manifest.version}.tgz`).sort(),
    );
  });

  it('installs every @weld package from the local tarballs, none from the registry', () => {
    const lock = JSON.parse(readFileSync(path.join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; version?: string }> };
    const weld = Object.entries(lock.packages).filter(([k]) => /(^|\/)node_modules\/@weld\/[^/]+$/.test(k));
    expect(weld.map(([k]) => k).sort()).toEqual((workspacePackages() as { name: string }[]).map((p) => `node_modules/${p.name}`).sort());
    for (const [k, entry] of weld) expect({ k, resolved: entry.resolved?.startsWith('file:') }).toEqual({ k, resolved: true });
  });

  it('ships the CLI bundled (prepack) as the `weld` bin, and removes the bundle from the checkout again (postpack)', () => {
    expect(existsSync(path.join(app, 'node_modules/@weld/cli/bundle/main.js'))).toBe(true);
    const cli = JSON.parse(readFileSync(path.join(app, 'node_modules/@weld/cli/package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(cli.bin).toEqual({ weld: './bin/weld-bundle.js' });
    expect(existsSync(path.join(REPO_ROOT, 'packages/cli/bundle'))).toBe(false);
  });

  it('npx weld --version prints the CLI package version', async () => {
    const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
    const r = await npxWeld(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('npx weld validate and wit extract work on a real component, the same as in the checkout', async () => {
    const calc = polyglotComponent('calc');
    const validate = await npxWeld(['-o', 'json', 'validate', calc]);
    expect(validate.code).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true });
    const extract = await npxWeld(['wit', 'extract', calc]);
    expect(extract.code).toBe(0);
    expect(extract.stdout).toContain('package demo:calc@0.1.0');
    expect(extract.stdout).toBe((await runWeld(['wit', 'extract', calc])).stdout);
  });

  it('npx weld call runs a component through the runner package the bundle leaves outside', async () => {
    const r = await npxWeld(['call', polyglotComponent('calc'), 'add(40, 2)'], { WELD_HOME: path.join(dir, 'home') });
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ code: 0, stdout: '42\n' });
  });

  it('npx weld build makes C and WAT components (the compose worker reaches the preview2-shim copy jco reads WIT through)', async () => {
    const proj = path.join(dir, 'proj');
    cpSync(path.join(REPO_ROOT, 'examples/polyglot/calc'), path.join(proj, 'calc'), { recursive: true });
    cpSync(path.join(REPO_ROOT, 'examples/polyglot/wat'), path.join(proj, 'wat'), { recursive: true });
    writeFileSync(
      path.join(proj, 'weld.yaml'),
      'name: mini\ncomponents:\n  - { name: calc, language: c, source: calc/calc.c, wit: calc/wit, world: calculator }\n  - { name: numbers, language: wat, source: wat/numbers.wat }\n',
    );
    const built = await npxWeld(['build', proj], { WELD_HOME: path.join(dir, 'home') });
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    const call = await npxWeld(['call', path.join(proj, 'build/calc.wasm'), 'add(1, 2)'], { WELD_HOME: path.join(dir, 'home') });
    expect(call).toMatchObject({ code: 0, stdout: '3\n' });
  });

  it('npx weld ui --build writes the page (bundled from the installed @weld/web)', async () => {
    const site = path.join(dir, 'site');
    const r = await npxWeld(['ui', '--build', site]);
    expect(r.stderr).not.toMatch(/internal error|    at /);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['index.html', 'main.js', 'worker.js']) expect(existsSync(path.join(site, f)), f).toBe(true);
  });

  it('npx weld workload plan reads a workload (the workload entry of @weld/compose from the install)', async () => {
    const wl = path.join(dir, 'wl');
    cpSync(path.join(REPO_ROOT, 'examples/polyglot/calc'), path.join(wl, 'calc'), { recursive: true });
    writeFileSync(path.join(wl, 'workload.yaml'), `apiVersion: runtime.wasmcloud.dev/v1alpha1\nkind: Workload\nmetadata: { name: solo }\nspec:\n  components:\n    - name: calc\n      image: ${polyglotComponent('calc')}\n`);
    const r = await npxWeld(['workload', 'plan', path.join(wl, 'workload.yaml')]);
    expect(r.stderr).not.toMatch(/internal error|    at /);
    expect(r.code).toBe(0);
  });

  it('a bad path is the usual typed error and exit 2, not a crash of a missing file inside the install', async () => {
    const r = await npxWeld(['validate', path.join(dir, 'missing.wasm')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[/);
    expect(r.stderr).not.toMatch(/internal error|    at /);
  });
});

describe('plain npm pack in each package folder → npm install → npx weld', () => {
  let npmDir: string;
  let npmApp: string;
  let npmTarballs: string[];
  let npmProblems: string[];
  beforeAll(async () => {
    npmDir = mkdtempSync(path.join(tmpdir(), 'weld-plain-npm-pack-'));
    ({ app: npmApp, tarballs: npmTarballs, problems: npmProblems } = await packAndInstall('npm', npmDir));
  }, 240_000);
  afterAll(() => {
    if (npmDir) rmSync(npmDir, { recursive: true, force: true });
  });

  it('gives tarballs with real version ranges between the packages, that npm installs from the local tarballs', () => {
    expect(npmProblems).toEqual([]);
    expect(npmTarballs.map((t) => path.basename(t)).sort()).toEqual(tarballs.map((t) => path.basename(t)).sort());
    const lock = JSON.parse(readFileSync(path.join(npmApp, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> };
    const weld = Object.entries(lock.packages).filter(([k]) => /(^|\/)node_modules\/@weld\/[^/]+$/.test(k));
    expect(weld.map(([k]) => k).sort()).toEqual((workspacePackages() as { name: string }[]).map((p) => `node_modules/${p.name}`).sort());
    for (const [k, entry] of weld) expect({ k, resolved: entry.resolved?.startsWith('file:') }).toEqual({ k, resolved: true });
  });

  it('ships the bundled CLI as the `weld` bin, as pnpm pack does', () => {
    expect(existsSync(path.join(npmApp, 'node_modules/@weld/cli/bundle/main.js'))).toBe(true);
    const cli = JSON.parse(readFileSync(path.join(npmApp, 'node_modules/@weld/cli/package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(cli.bin).toEqual({ weld: './bin/weld-bundle.js' });
    expect(existsSync(path.join(REPO_ROOT, 'packages/cli/bundle'))).toBe(false);
  });

  it('npx weld --version and validate work from the install', async () => {
    const version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
    expect(await npxWeld(['--version'], {}, npmApp)).toMatchObject({ code: 0, stdout: `${version}\n` });
    const validate = await npxWeld(['-o', 'json', 'validate', polyglotComponent('calc')], {}, npmApp);
    expect(validate.code, validate.stderr).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true });
  });
});
