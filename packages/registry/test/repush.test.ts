// Re-pushing an unchanged big component uploads nothing: counted in a real docker-registry's access log, not
// in our own result objects, so the test fails if the client ever opens an upload session it did not need.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWeld } from '../../../test/helpers/cli.js';
import { pushComponent } from '../src/artifact.js';
import { sha256 } from '../src/digest.js';
import { bigPushFixture } from './support/big-push.js';

const fx = bigPushFixture('weld-repush-', 'demo:big/api');
const repo = (name: string) => fx.repo(name);

/** Upload sessions opened (POST …/blobs/uploads/) and blob bytes sent (PATCH/PUT to an upload), since `from`. */
async function uploadsSince(from: number): Promise<{ sessions: number; writes: number; all: string[] }> {
  const all = await fx.requestsSince(from);
  return {
    sessions: all.filter((r) => /^POST \/v2\/.+\/blobs\/uploads\/(\?|$)/.test(r)).length,
    writes: all.filter((r) => /^(PATCH|PUT) \/v2\/.+\/blobs\/uploads\//.test(r)).length,
    all,
  };
}

describe('re-push of an unchanged 40 MiB component', () => {
  it('uploads the layer and config once; pushing again, under the same or another tag, opens no upload session', async () => {
    const cache = join(fx.dir, 'digests-lib');
    let mark = (await fx.reg.requests()).length;
    const first = await pushComponent(repo('repush/lib'), { path: fx.file }, { tag: 'v1', digestCache: cache });
    expect(first.layer).toMatchObject({ digest: sha256(fx.big), size: fx.big.byteLength });
    const firstUploads = await uploadsSince(mark);
    expect(firstUploads.sessions).toBe(2); // layer and config
    // the whole blob in one PATCH, and the new manifest straight under its tag (no lookup, no push by digest first)
    expect(firstUploads.all.filter((r) => r.startsWith('PATCH '))).toHaveLength(1);
    expect(firstUploads.all.filter((r) => r.includes('/manifests/'))).toEqual(['PUT /v2/repush/lib/manifests/v1']);
    expect(first.uploaded.map((d) => d.digest)).toEqual(expect.arrayContaining([first.layer.digest, first.manifest.digest]));

    for (const [tag, digestCache] of [['v1', cache], ['v2', cache], ['v3', false]] as const) {
      mark = (await fx.reg.requests()).length;
      const again = await pushComponent(repo('repush/lib'), { path: fx.file }, { tag, digestCache });
      const u = await uploadsSince(mark);
      expect({ tag, sessions: u.sessions, writes: u.writes }).toEqual({ tag, sessions: 0, writes: 0 });
      expect(again.uploaded).toEqual([]);
      expect(again.layer.digest).toBe(first.layer.digest);
      expect(u.all).toContain(`HEAD /v2/repush/lib/blobs/${first.layer.digest}`);
    }
  });

  it('as whole `weld push` processes: the second push reports nothing uploaded and the registry saw no upload', async () => {
    const env = { WELD_HOME: join(fx.dir, 'home'), DOCKER_CONFIG: join(fx.dir, 'docker') };
    const ref = `${fx.reg.host}/repush/cli:1.0.0`;
    let mark = (await fx.reg.requests()).length;
    const first = await runWeld(['-o', 'json', 'push', fx.file, ref], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect((await uploadsSince(mark)).sessions).toBe(2);

    mark = (await fx.reg.requests()).length;
    const again = await runWeld(['-o', 'json', 'push', fx.file, ref], { env });
    expect(again.code).toBe(0);
    const doc = JSON.parse(again.stdout) as { digest: string; uploaded: string[]; skipped: string[]; layer: { digest: string } };
    expect(doc.digest).toBe(JSON.parse(first.stdout).digest);
    expect(doc.uploaded).toEqual([]);
    expect(doc.skipped).toEqual(expect.arrayContaining([doc.layer.digest]));
    const u = await uploadsSince(mark);
    expect({ sessions: u.sessions, writes: u.writes }).toEqual({ sessions: 0, writes: 0 });
  });
});
