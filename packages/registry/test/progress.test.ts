import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openTarget } from '../src/open.js';
import { transferProgress } from '../src/progress.js';
import { RemoteRepository } from '../src/remote/repository.js';

const desc = { mediaType: 'application/wasm', digest: 'sha256:' + 'ab'.repeat(32), size: 4 * 1024 * 1024 };

describe('transfer progress', () => {
  it('draws bars on a terminal stream', async () => {
    const out = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean };
    Object.assign(out, { isTTY: true, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const p = transferProgress(true, out);
    p.onEvent({ type: 'start', desc });
    p.onEvent({ type: 'bytes', desc, bytes: 2 * 1024 * 1024 });
    p.onEvent({ type: 'done', desc });
    p.stop();
    p.stop();
    expect(text).toContain('abababababab');
    expect(text).toContain('4.0 MiB');
  });

  it('stays silent when disabled', () => {
    const p = transferProgress(false);
    expect(() => {
      p.onEvent({ type: 'start', desc });
      p.stop();
    }).not.toThrow();
  });
});

describe('odds and ends', () => {
  it('maps Docker Hub official images to library/', async () => {
    const opened = await openTarget('docker.io/alpine:3');
    expect((opened.target as RemoteRepository).repository).toBe('library/alpine');
    expect((opened.target as RemoteRepository).client.base).toBe('https://registry-1.docker.io');
  });

});

describe('auth challenges', () => {
  it('parses bearer and basic challenges', async () => {
    const { parseChallenge } = await import('../src/remote/challenge.js');
    expect(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm="weld \\"test\\""')).toEqual({ scheme: 'basic', params: { realm: 'weld "test"' } });
    expect(parseChallenge('Bearer realm=https://x/token, service=reg')).toEqual({ scheme: 'bearer', params: { realm: 'https://x/token', service: 'reg' } });
    expect(parseChallenge(undefined)).toBeUndefined();
  });

  it('uses https unless the host is loopback or --plain-http is given', async () => {
    const { RegistryClient } = await import('../src/remote/client.js');
    expect(new RegistryClient('registry.example.com').base).toBe('https://registry.example.com');
    expect(new RegistryClient('registry.example.com:5000', { plainHttp: true }).base).toBe('http://registry.example.com:5000');
    expect(new RegistryClient('127.0.0.1:5000').base).toBe('http://127.0.0.1:5000');
    expect(new RegistryClient('localhost:5000', { tls: true }).base).toBe('https://localhost:5000');
  });
});
