// A real docker-registry keeping its access log, and a 40 MiB component file: what the tests of large pushes share.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startRegistry, type TestRegistry } from '../../../../test/helpers/registry.js';
import { RegistryClient } from '../../src/remote/client.js';
import { anonymous } from '../../src/remote/credentials.js';
import { RemoteRepository } from '../../src/remote/repository.js';
import { buildComponent } from './component.js';

/** Above the 32 MiB single-PUT limit (and the early-upload threshold), so the layer goes up as a 200 MB one does. */
export const BIG_BYTES = 40 * 1024 * 1024;

export interface BigPush {
  reg: TestRegistry;
  dir: string;
  /** `big.wasm` in `dir`, holding `big`. */
  file: string;
  big: Buffer;
  /** A repository of `reg`, anonymous. */
  repo(name: string): RemoteRepository;
  /** Request lines (`METHOD /path?query`) the registry logged since the first `from`. */
  requestsSince(from: number): Promise<string[]>;
}

/** Starts the registry and writes the file before the file's tests (`exportName`: the component's one export), and cleans up after. */
export function bigPushFixture(prefix: string, exportName: string): BigPush {
  const f = {
    repo: (name: string) => new RemoteRepository(new RegistryClient(f.reg.host, { credentials: anonymous }), name),
    requestsSince: async (from: number) => (await f.reg.requests()).slice(from),
  } as BigPush;
  beforeAll(async () => {
    f.reg = await startRegistry({ mode: 'open', accessLog: true });
    f.dir = mkdtempSync(join(tmpdir(), prefix));
    f.big = buildComponent({ exports: [exportName], padding: BIG_BYTES });
    f.file = join(f.dir, 'big.wasm');
    writeFileSync(f.file, f.big);
  });
  afterAll(async () => {
    await f.reg?.stop();
    if (f.dir) rmSync(f.dir, { recursive: true, force: true });
  });
  return f;
}
