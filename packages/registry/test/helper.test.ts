import { afterAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../../../test/helpers/registry.js';

describe('test registry helper', () => {
  const started: TestRegistry[] = [];
  afterAll(async () => {
    for (const r of started) await r.stop();
  });

  it('starts open, htpasswd and token registries', async () => {
    const [open, basic, token] = await Promise.all((['open', 'htpasswd', 'token'] as const).map((mode) => startRegistry({ mode })));
    started.push(open, basic, token);
    expect((await fetch(`http://${open.host}/v2/`)).status).toBe(200);
    const b = await fetch(`http://${basic.host}/v2/`);
    expect(b.status).toBe(401);
    expect(b.headers.get('www-authenticate')).toMatch(/^Basic/);
    const t = await fetch(`http://${token.host}/v2/`);
    expect(t.status).toBe(401);
    const realm = /realm="([^"]+)"/.exec(t.headers.get('www-authenticate')!)![1];
    const tok = await fetch(`${realm}?service=weld-test-registry`, { headers: { authorization: 'Basic ' + Buffer.from('weld:weld-secret').toString('base64') } });
    const { token: jwt } = (await tok.json()) as { token: string };
    expect((await fetch(`http://${token.host}/v2/`, { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(200);
  });
});
