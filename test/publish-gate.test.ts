/**
 * The publish gate against a real docker-registry: `weld wit publish` and `weld push` refuse a version that does
 * not make the bump its changes need (--check-breaking) and never move an existing version tag to other content
 * unless --force; a refused publish pushes nothing.
 */
import { cp, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { rememberWrittenFile, sha256Digest } from '@weld/core/node';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, polyglotComponent } from './helpers/fixtures.js';
import { runWeld } from './helpers/cli.js';
import { startRegistry, type TestRegistry } from './helpers/registry.js';

const CASES = path.join(REPO_ROOT, 'packages/wit-tools/test/contract/breaking');
let reg: TestRegistry;
let dir: string;
const weld = (args: string[]) => runWeld(args, { cwd: dir, env: { NO_COLOR: '1', WELD_HOME: path.join(dir, 'home') } });

async function tags(repo: string): Promise<string[]> {
  const res = await fetch(`http://${reg.host}/v2/${repo}/tags/list`);
  if (res.status === 404) return [];
  return ((await res.json()) as { tags: string[] | null }).tags ?? [];
}

async function digestOf(repo: string, tag: string): Promise<string | null> {
  const res = await fetch(`http://${reg.host}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  return res.status === 200 ? res.headers.get('docker-content-digest') : null;
}

describe('publish gate (real docker-registry)', () => {
  beforeAll(async () => {
    reg = await startRegistry();
    dir = await mkdtemp(path.join(os.tmpdir(), 'weld-gate-'));
    await cp(path.join(CASES, 'function-removed'), path.join(dir, 'pkg'), { recursive: true });
    // the same 1.0.0 with other content, and a 2.0.0 of the breaking change
    await cp(path.join(dir, 'pkg/old'), path.join(dir, 'pkg/other'), { recursive: true });
    await writeFile(path.join(dir, 'pkg/other/main.wit'), (await readFile(path.join(dir, 'pkg/old/main.wit'), 'utf8')).replace('g: func();', 'g: func();\n  h: func();'));
    await cp(path.join(dir, 'pkg/new'), path.join(dir, 'pkg/major'), { recursive: true });
    await writeFile(path.join(dir, 'pkg/major/main.wit'), (await readFile(path.join(dir, 'pkg/new/main.wit'), 'utf8')).replace('@1.1.0', '@2.0.0'));
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('wit publish --check-breaking: a wrong version is refused and nothing is pushed; the right one goes through', async () => {
    const first = await weld(['wit', 'publish', 'pkg/old', '--registry', reg.host, '--check-breaking']);
    expect(first.code, first.stderr).toBe(0);
    expect(await tags('t/p')).toEqual(['1.0.0']);
    const wrong = await weld(['wit', 'publish', 'pkg/new', '--registry', reg.host, '--check-breaking']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('error[breaking-change]: refusing to publish 1.1.0: 1.0.0 → 1.1.0 is a minor bump, but the changes need a major bump (e.g. 2.0.0) (compared with 1.0.0)');
    expect(wrong.stderr).toContain('major function-removed: function g was removed from t:p/api');
    expect(await tags('t/p')).toEqual(['1.0.0']);
    const right = await weld(['wit', 'publish', 'pkg/major', '--registry', reg.host, '--check-breaking']);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain('checked against 1.0.0: 1.0.0 → 2.0.0 is a major bump; the changes need that');
    expect((await tags('t/p')).sort()).toEqual(['1.0.0', '2.0.0']);
    // a fix to the 1.x series is compared with 1.0.0 (the version below it), not with 2.0.0
    await cp(path.join(dir, 'pkg/old'), path.join(dir, 'pkg/fix'), { recursive: true });
    await writeFile(path.join(dir, 'pkg/fix/main.wit'), (await readFile(path.join(dir, 'pkg/old/main.wit'), 'utf8')).replace('@1.0.0', '@1.0.1').replace('  g: func();', '  /// now documented\n  g: func();'));
    const backport = await weld(['wit', 'publish', 'pkg/fix', '--registry', reg.host, '--check-breaking']);
    expect(backport.code, backport.stderr).toBe(0);
    expect(backport.stdout).toContain('checked against 1.0.0: 1.0.0 → 1.0.1 is a patch bump; the changes need that');
  });

  it('wit publish never moves an existing version to other content unless --force; the same content is fine', async () => {
    const again = await weld(['wit', 'publish', 'pkg/old', '--registry', reg.host]);
    expect(again.code, again.stderr).toBe(0);
    const before = await digestOf('t/p', '1.0.0');
    const other = await weld(['wit', 'publish', 'pkg/other', '--registry', reg.host]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/error\[version-exists\]: 127\.0\.0\.1:\d+\/t\/p:1\.0\.0 is already published with other content/);
    expect(await digestOf('t/p', '1.0.0')).toBe(before);
    const forced = await weld(['wit', 'publish', 'pkg/other', '--registry', reg.host, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await digestOf('t/p', '1.0.0')).not.toBe(before);
  });

  it('weld push: an existing version is not overwritten, and --check-breaking compares with the newest version', async () => {
    const ref = (tag: string) => `${reg.host}/demo/calc:${tag}`;
    expect((await weld(['push', polyglotComponent('calc'), ref('1.0.0')])).code).toBe(0);
    const digest = await digestOf('demo/calc', '1.0.0');
    const overwrite = await weld(['push', polyglotComponent('app'), ref('1.0.0')]);
    expect(overwrite.code).toBe(1);
    expect(overwrite.stderr).toContain('is already published with other content');
    expect(await digestOf('demo/calc', '1.0.0')).toBe(digest);
    const breaking = await weld(['push', polyglotComponent('app'), ref('1.1.0'), '--check-breaking']);
    expect(breaking.code).toBe(1);
    expect(breaking.stderr).toContain('error[breaking-change]: refusing to publish 1.1.0');
    expect(breaking.stderr).toContain('world-import-added');
    expect(await tags('demo/calc')).toEqual(['1.0.0']);
    const same = await weld(['push', polyglotComponent('calc'), ref('1.0.1'), '--check-breaking']);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toContain('checked against 1.0.0');
    const latest = await weld(['push', polyglotComponent('app'), ref('latest')]);
    expect(latest.code, latest.stderr).toBe(0);
  });

  it('weld push of a file weld wrote: its remembered digest is read back only when the version exists', async () => {
    const ref = (tag: string) => `${reg.host}/demo/written:${tag}`;
    expect((await weld(['push', polyglotComponent('calc'), ref('1.0.0')])).code).toBe(0);
    const file = path.join(dir, 'app-copy.wasm');
    await cp(polyglotComponent('app'), file);
    const size = (await stat(file)).size;
    const cacheDir = path.join(dir, 'home', 'cache', 'file-digests');
    // a stale writer's digest (as if the file had been rewritten within one clock tick): the published 1.0.0's
    await rememberWrittenFile(file, { digest: sha256Digest(await readFile(polyglotComponent('calc'))), size }, { cacheDir });
    const before = await digestOf('demo/written', '1.0.0');
    const existing = await weld(['push', file, ref('1.0.0')]);
    expect(existing.code).toBe(1); // read back, the file is other content: the version is not moved
    expect(existing.stderr).toContain('is already published with other content');
    expect(await digestOf('demo/written', '1.0.0')).toBe(before);
    // a new version needs no comparison: sent under the remembered digest unread, refused by the registry
    await rememberWrittenFile(file, { digest: sha256Digest('other bytes'), size }, { cacheDir });
    const fresh = await weld(['push', file, ref('1.1.0')]);
    expect(fresh.code).not.toBe(0);
    expect(fresh.stderr).toContain('changed while it was being pushed');
    expect(await tags('demo/written')).toEqual(['1.0.0']);
    expect((await weld(['push', file, ref('1.1.0')])).code).toBe(0); // the refusal put the file's own digest in its place
  });

  it('registry references as inputs: wit breaking and grants read them like files', async () => {
    const r = await weld(['-o', 'json', 'wit', 'breaking', `${reg.host}/t/p:1.0.0`, 'pkg/major']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ oldVersion: '1.0.0', newVersion: '2.0.0', requiredBump: 'major', ok: true });
    const against = await weld(['wit', 'breaking', 'pkg/new', '--against', `${reg.host}/t/p`]);
    expect(against.code).toBe(1); // the newest tag is 2.0.0: 1.1.0 is lower
    expect(against.stdout).toContain('error: the version went down (2.0.0 → 1.1.0)');
    const grants = await weld(['-o', 'json', 'grants', `${reg.host}/demo/calc:1.0.0`, `${reg.host}/demo/calc:latest`]);
    expect(grants.code).toBe(1);
    expect(JSON.parse(grants.stdout).added.map((c: { capability: string }) => c.capability)).toEqual(['files', 'stdin']);
  });
});
