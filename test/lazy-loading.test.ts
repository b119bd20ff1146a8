// What a command loads is part of how fast it starts: a pull without a trust policy loads neither the YAML parser
// nor signature verification (sigstore), which a pull under a policy does load. Checked on dist/ (one module per
// file), through a loader hook that lists every module Node loads.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WELD_BIN } from './helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'weld-lazy-loading-'));
  writeFileSync(path.join(dir, 'hook.mjs'), `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent('export async function load(u, c, n) { process._rawDebug("LOADED " + u); return n(u, c); }'));\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The modules `weld …args` loads from dist/ in `dir` (a registry on a closed port: the pull fails after loading). */
function loaded(args: string[], cwd = dir): { code: number | null; modules: string[] } {
  const r = spawnSync(process.execPath, ['--import', path.join(dir, 'hook.mjs'), WELD_BIN, ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, WELD_CLI_DIST: '1', WELD_HOME: path.join(dir, 'home') },
  });
  return { code: r.status, modules: r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7)) };
}

describe('weld pull', () => {
  it('loads no YAML parser and no signature verification without a policy, and both with one', () => {
    const plain = loaded(['pull', '127.0.0.1:1/acme/app:1', path.join(dir, 'app.wasm')]);
    expect(plain.code).not.toBe(0);
    expect(plain.modules.some((m) => m.includes('/packages/registry/dist/'))).toBe(true);
    expect(plain.modules.filter((m) => /sigstore|\/yaml\/|\/sign\/verify\.js/.test(m))).toEqual([]);
    writeFileSync(path.join(dir, 'policy.yaml'), 'trust:\n  - prefix: "127.0.0.1:1/acme"\n    keys: [key.pub]\n');
    const withPolicy = loaded(['pull', '127.0.0.1:1/acme/app:1', path.join(dir, 'app.wasm'), '--policy', path.join(dir, 'policy.yaml')]);
    expect(withPolicy.code).not.toBe(0);
    expect(withPolicy.modules.some((m) => m.includes('/yaml/'))).toBe(true);
  });

  it('inside a project whose weld.yaml has no policy: section loads no signature verification', () => {
    const project = path.join(dir, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, 'weld.yaml'), 'components:\n  - { name: app, language: wat, source: app.wat }\n');
    const r = loaded(['pull', '127.0.0.1:1/acme/app:1', path.join(dir, 'app.wasm')], project);
    expect(r.code).not.toBe(0);
    expect(r.modules.filter((m) => /sigstore|\/sign\/verify\.js|\/sign\/keys\.js/.test(m))).toEqual([]);
  });
});

describe('weld run', () => {
  it('of a local file loads no YAML parser, even beside a weld.yaml (only --config-file or a plugins: section needs it)', () => {
    writeFileSync(path.join(dir, 'weld.yaml'), 'components:\n  - { name: app, language: wat, source: app.wat }\n');
    writeFileSync(path.join(dir, 'not-a-component.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]));
    const r = loaded(['run', path.join(dir, 'not-a-component.wasm')]);
    expect(r.code).not.toBe(0);
    expect(r.modules.some((m) => m.includes('/packages/runner/dist/host-interfaces/grants.js'))).toBe(true);
    expect(r.modules.filter((m) => /\/yaml\//.test(m))).toEqual([]);
  });
});
