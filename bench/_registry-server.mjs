// Starts Debian's docker-registry (open mode) on 127.0.0.1 with a free port, for benchmarks.
// (The TypeScript helper in test/helpers/registry.ts has the auth modes; benchmarks run as plain .mjs.)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** `accessLog: true` keeps the request lines (`METHOD /path`) for `requests()`, e.g. to count upload sessions. */
export async function startOpenRegistry({ accessLog = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'weld-bench-registry-'));
  const port = await freePort();
  writeFileSync(join(dir, 'config.yml'), `version: 0.1
log:
  level: error
  accesslog:
    disabled: ${!accessLog}
storage:
  filesystem:
    rootdirectory: ${join(dir, 'storage')}
http:
  addr: 127.0.0.1:${port}
  secret: bench-${port}
`);
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', accessLog ? 'pipe' : 'ignore', 'ignore'] });
  const requests = [];
  let partial = '';
  child.stdout?.on('data', (d) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      const m = /"([A-Z]+) (\S+) HTTP\/[\d.]+"/.exec(line);
      if (m) requests.push(`${m[1]} ${m[2]}`);
    }
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) throw new Error('docker-registry did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: `127.0.0.1:${port}`,
    /** Request lines logged so far; makes a marker request first and waits for it, so none are in flight. */
    async requests() {
      const marker = `/v2/_bench_marker_${Date.now()}_${requests.length}`;
      await (await fetch(`http://127.0.0.1:${port}${marker}`)).arrayBuffer();
      while (!requests.some((r) => r.endsWith(marker))) await new Promise((r) => setTimeout(r, 10));
      return requests.filter((r) => !r.includes('/_bench_marker_'));
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
