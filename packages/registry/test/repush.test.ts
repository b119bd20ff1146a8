// Re-pushing an unchanged big component uploads nothing: counted in a real docker-registry's access log, not
// in our own result objects, so the test fails if the client ever opens an upload session it did not need.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeld } from '../../../test/helpers/cli.js';
import { startRegistry, type TestRegistry } from '../../../test/helpers/registry.js';
import { pushComponent } from '../src/artifact.js';
import { sha256 } from '../src/digest.js';
import { RegistryClient } from '../src/remote/client.js';
import { anonymous } from '../src/remote/credentials.js';
import { RemoteRepository } from '../src/remote/repository.js';
import { buildComponent } from './support/component.js';

let reg: TestRegistry;
let dir: string;
let file: string;
let big: Buffer;
// Above the 32 MiB single-PUT limit, so the layer goes up in PATCH chunks like a 200 MB one does.
const BIG_BYTES = 40 * 1024 * 1024;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open', accessLog: true });
  dir = mkdtempSync(join(tmpdir(), 'weld-repush-'));
  big = buildComponent({ exports: ['demo:big/api'], padding: BIG_BYTES });
  file = join(dir, 'big.wasm');
  writeFileSync(file, big);
});
afterAll(async () => {
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const repo = (name: string) => new RemoteRepository(new RegistryClient(reg.host, { credentials: anonymous }), name);

/** Upload sessions opened (POST …/blobs/uploads/) and blob bytes sent (PATCH/PUT to an upload), since `from`. */
async function uploadsSince(from: number): Promise<{ sessions: number; writes: number; all: string[] }> {
  const all = (await reg.requests()).slice(from);
  return {
    sessions: all.filter((r) => /^POST \/v2\/.+\/blobs\/uploads\/(\?|$)/.test(r)).length,
    writes: all.filter((r) => /^(PATCH|PUT) \/v2\/.+\/blobs\/uploads\//.test(r)).length,
    all,
  };
}

describe('re-push of an unchanged 40 MiB component', () => {
  it('uploads the layer and config once; pushing again, under the same or another tag, opens no upload session', async () => {
    const cache = join(dir, 'digests-lib');
    let mark = (await reg.requests()).length;
    const first = await pushComponent(repo('repush/lib'), { path: file }, { tag: 'v1', digestCache: cache });
    expect(first.layer).toMatchObject({ digest: sha256(big), size: big.byteLength });
    const firstUploads = await uploadsSince(mark);
    expect(firstUploads.sessions).toBe(2); // layer and config
    // the whole blob in one PATCH, and the new manifest straight under its tag (no lookup, no push by digest first)
    expect(firstUploads.all.filter((r) => r.startsWith('PATCH '))).toHaveLength(1);
    expect(firstUploads.all.filter((r) => r.includes('/manifests/'))).toEqual(['PUT /v2/repush/lib/manifests/v1']);
    expect(first.uploaded.map((d) => d.digest)).toEqual(expect.arrayContaining([first.layer.digest, first.manifest.digest]));

    for (const [tag, digestCache] of [['v1', cache], ['v2', cache], ['v3', false]] as const) {
      mark = (await reg.requests()).length;
      const again = await pushComponent(repo('repush/lib'), { path: file }, { tag, digestCache });
      const u = await uploadsSince(mark);
      expect({ tag, sessions: u.sessions, writes: u.writes }).toEqual({ tag, sessions: 0, writes: 0 });
      expect(again.uploaded).toEqual([]);
      expect(again.layer.digest).toBe(first.layer.digest);
      expect(u.all).toContain(`HEAD /v2/repush/lib/blobs/${first.layer.digest}`);
    }
  });

  it('as whole `weld push` processes: the second push reports nothing uploaded and the registry saw no upload', async () => {
    const env = { WELD_HOME: join(dir, 'home'), DOCKER_CONFIG: join(dir, 'docker') };
    const ref = `${reg.host}/repush/cli:1.0.0`;
    let mark = (await reg.requests()).length;
    const first = await runWeld(['-o', 'json', 'push', file, ref], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect((await uploadsSince(mark)).sessions).toBe(2);

    mark = (await reg.requests()).length;
    const again = await runWeld(['-o', 'json', 'push', file, ref], { env });
    expect(again.code).toBe(0);
    const doc = JSON.parse(again.stdout) as { digest: string; uploaded: string[]; skipped: string[]; layer: { digest: string } };
    expect(doc.digest).toBe(JSON.parse(first.stdout).digest);
    expect(doc.uploaded).toEqual([]);
    expect(doc.skipped).toEqual(expect.arrayContaining([doc.layer.digest]));
    const u = await uploadsSince(mark);
    expect({ sessions: u.sessions, writes: u.writes }).toEqual({ sessions: 0, writes: 0 });
  });
});
