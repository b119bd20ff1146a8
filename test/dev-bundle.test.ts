// A checkout's bin/weld.js runs the bundle `pnpm build` makes (packages/cli/dist-bundle) only while it matches what
// is built: these tests stamp files in a temp tree, change them the ways a rebuild or an install does, and check
// which entry the launcher then loads.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .js launcher module (no declarations)
import { DEV_BUNDLE, FRESHNESS_FILE, devBundleFresh } from '../packages/cli/bin/dev-bundle.js';
import { REPO_ROOT } from './helpers/fixtures.js';

let root: string;
let cliDir: string;
const stampedFiles = ['packages/core/dist/.tsbuildinfo', 'packages/cli/package.json', 'node_modules/.modules.yaml'];

function stamp(): void {
  const stamps = stampedFiles.map((f) => {
    const s = statSync(path.join(root, f));
    return [f, s.size, s.mtimeMs];
  });
  writeFileSync(path.join(cliDir, DEV_BUNDLE, FRESHNESS_FILE), JSON.stringify({ stamps }) + '\n');
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'weld-dev-bundle-'));
  cliDir = path.join(root, 'packages', 'cli');
  for (const f of stampedFiles) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), f.endsWith('.json') ? '{"type":"module"}\n' : `${f}\n`);
  }
  mkdirSync(path.join(cliDir, DEV_BUNDLE), { recursive: true });
  stamp();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('dev bundle freshness', () => {
  it('is fresh when every stamped file is as recorded', () => {
    expect(devBundleFresh(cliDir)).toBe(true);
  });

  it('is stale when a package was rebuilt (its .tsbuildinfo rewritten with the same size)', () => {
    const f = path.join(root, 'packages/core/dist/.tsbuildinfo');
    const later = new Date(statSync(f).mtimeMs + 1000);
    utimesSync(f, later, later);
    expect(devBundleFresh(cliDir)).toBe(false);
  });

  it('is stale when a stamped file changed size, or is gone', () => {
    writeFileSync(path.join(root, 'packages/cli/package.json'), '{"type":"module","version":"0.2.0"}\n');
    expect(devBundleFresh(cliDir)).toBe(false);
    stamp();
    expect(devBundleFresh(cliDir)).toBe(true);
    rmSync(path.join(root, 'node_modules/.modules.yaml'));
    expect(devBundleFresh(cliDir)).toBe(false);
  });

  it('is not there without its stamps, or with unreadable ones', () => {
    writeFileSync(path.join(cliDir, DEV_BUNDLE, FRESHNESS_FILE), '{"stamps": [');
    expect(devBundleFresh(cliDir)).toBe(false);
    writeFileSync(path.join(cliDir, DEV_BUNDLE, FRESHNESS_FILE), '{"stamps": []}');
    expect(devBundleFresh(cliDir)).toBe(false);
    rmSync(path.join(cliDir, DEV_BUNDLE), { recursive: true });
    expect(devBundleFresh(cliDir)).toBe(false);
  });
});

describe('bin/weld.js', () => {
  it('runs the fresh bundle, and dist/ when it is stale or WELD_CLI_DIST=1', () => {
    // the launcher and two tiny entries that say which one ran
    cpSync(path.join(REPO_ROOT, 'packages/cli/bin'), path.join(cliDir, 'bin'), { recursive: true });
    for (const dir of ['dist', DEV_BUNDLE]) {
      mkdirSync(path.join(cliDir, dir), { recursive: true });
      writeFileSync(path.join(cliDir, dir, 'main.js'), `export async function main() { process.stdout.write(${JSON.stringify(dir)} + '\\n'); return 0; }\n`);
    }
    const which = (env: Record<string, string> = {}) =>
      execFileSync(process.execPath, [path.join(cliDir, 'bin', 'weld.js'), '--version'], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
    expect(which()).toBe(DEV_BUNDLE);
    expect(which({ WELD_CLI_DIST: '1' })).toBe('dist');
    const f = path.join(root, 'packages/core/dist/.tsbuildinfo');
    const later = new Date(statSync(f).mtimeMs + 1000);
    utimesSync(f, later, later);
    expect(which()).toBe('dist');
  });
});
