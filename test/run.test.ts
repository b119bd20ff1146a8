import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hostAllowed, hostImports, loadHostShim, parseHostGrant, type Denial, type Grants } from '@weld/runner';
import { runWeld } from './helpers/cli.js';
import { tempProject } from './helpers/tmp.js';

const probeC = `
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
int main(int argc, char **argv) {
  const char *secret = getenv("SECRET");
  printf("args=%d", argc - 1);
  for (int i = 1; i < argc; i++) printf(" [%s]", argv[i]);
  printf(" SECRET=%s\\n", secret ? secret : "(unset)");
  if (argc > 1 && strcmp(argv[1], "read") == 0) {
    FILE *f = fopen(argv[2], "r");
    if (!f) { printf("open %s failed: %s\\n", argv[2], strerror(errno)); return 4; }
    char buf[256] = {0};
    fread(buf, 1, sizeof buf - 1, f);
    printf("content=%s\\n", buf);
    fclose(f);
  }
  if (argc > 1 && strcmp(argv[1], "write") == 0) {
    FILE *f = fopen(argv[2], "w");
    if (!f) { printf("write %s failed: %s\\n", argv[2], strerror(errno)); return 5; }
    fputs("written by the guest", f);
    fclose(f);
    printf("wrote %s\\n", argv[2]);
  }
  if (argc > 1 && strcmp(argv[1], "exit") == 0) return atoi(argv[2]);
  return 0;
}
`;

describe('weld run: deny-by-default grants', () => {
  let probe: string;
  let home: string;
  beforeAll(async () => {
    const dir = await tempProject({ 'weld.yaml': 'components:\n  - { name: probe, language: c, source: probe.c, exec-model: command }\n', 'probe.c': probeC });
    const r = await runWeld(['build', dir]);
    expect(r.code, r.stderr).toBe(0);
    probe = path.join(dir, 'build', 'probe.wasm');
    home = await mkdtemp(path.join(os.tmpdir(), 'weld-home-'));
  });
  const weld = (args: string[], env: Record<string, string> = {}) => runWeld(args, { env: { WELD_HOME: home, SECRET: 'host-secret', ...env } });

  it('passes arguments; grants no environment unless named', async () => {
    const r = await weld(['run', probe, '--', 'a', 'b c']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('args=2 [a] [b c] SECRET=(unset)\n');
    expect((await weld(['run', probe, '--env', 'SECRET'])).stdout).toContain('SECRET=host-secret');
    expect((await weld(['run', probe, '--env', 'SECRET=given'])).stdout).toContain('SECRET=given');
  });

  it('files are reachable only through --dir, at the guest path', async () => {
    const data = await mkdtemp(path.join(os.tmpdir(), 'weld-data-'));
    await writeFile(path.join(data, 'note.txt'), 'granted file');
    const denied = await weld(['run', probe, '--', 'read', '/data/note.txt']);
    expect(denied.code).toBe(1); // WASI 0.2's run result carries success or failure only
    expect(denied.stdout).toMatch(/open \/data\/note\.txt failed/);
    const granted = await weld(['run', probe, '--dir', `${data}:/data`, '--', 'read', '/data/note.txt']);
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toContain('content=granted file');
  });

  it('a :ro directory can be read but not written, and the denial names the grant to change', async () => {
    const data = await mkdtemp(path.join(os.tmpdir(), 'weld-ro-'));
    await writeFile(path.join(data, 'note.txt'), 'read-only file');
    const read = await weld(['run', probe, '--dir', `${data}:/data:ro`, '--', 'read', '/data/note.txt']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain('content=read-only file');
    for (const target of ['/data/note.txt', '/data/new.txt']) {
      const write = await weld(['run', probe, '--dir', `${data}:/data:ro`, '--', 'write', target]);
      expect(write.code).toBe(1);
      expect(write.stdout).toMatch(new RegExp(`write ${target} failed: Read-only file system`));
      expect(write.stderr).toContain(`weld: denied opening ${target.slice('/data/'.length)} for writing under /data (granted read-only); grant it with --dir ${data}:/data (without :ro)`);
    }
    expect(await readFile(path.join(data, 'note.txt'), 'utf8')).toBe('read-only file');
    expect(existsSync(path.join(data, 'new.txt'))).toBe(false);
    const rw = await weld(['run', probe, '--dir', `${data}:/data`, '--', 'write', '/data/new.txt']);
    expect(rw.code, rw.stderr).toBe(0);
    expect(await readFile(path.join(data, 'new.txt'), 'utf8')).toBe('written by the guest');
  });

  it("exits with the guest's status", async () => {
    expect((await weld(['run', probe, '--', 'exit', '7'])).code).toBe(1);
    expect((await weld(['run', probe, '--', 'exit', '0'])).code).toBe(0);
  });

  it('bad grants and non-commands are clear errors', async () => {
    const noValue = await weld(['run', probe, '--env', 'WELD_SURELY_UNSET_VAR']);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toMatch(/error\[grant-invalid\]: --env WELD_SURELY_UNSET_VAR: the host has no WELD_SURELY_UNSET_VAR/);
    for (const missing of ['./missing.wasm', 'build/missing.wasm', '/definitely/not/here.wasm']) {
      const r = await weld(['run', missing]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error[no-such-file]: ${missing}: no such file`);
    }
    expect((await weld(['run', os.tmpdir()])).stderr).toContain(`error[unreadable-file]: ${os.tmpdir()} is a folder, not a component file`);
    expect((await weld(['run', '/dev/null'])).stderr).toContain('error[unreadable-file]: /dev/null is not a regular file');
    // a core module is said to be one, as `weld call` says it, not as jco's parser failure
    const core = path.join(await mkdtemp(path.join(os.tmpdir(), 'weld-core-')), 'core.wasm');
    await writeFile(core, Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    const notComponent = await weld(['run', core]);
    expect(notComponent.code).toBe(2);
    expect(notComponent.stderr).toContain('error[not-a-component]: expected a version header for a component, found the header of a core WebAssembly module');
    const badDir = await weld(['run', probe, '--dir', '/definitely/not/here']);
    expect(badDir.stderr).toMatch(/error\[grant-invalid\]: --dir \/definitely\/not\/here: .* is not a directory/);
    const reactor = await tempProject({ 'weld.yaml': 'components:\n  - { name: n, language: wat, source: n.wat }\n', 'n.wat': '(component)' });
    await runWeld(['build', reactor]);
    const notCommand = await weld(['run', path.join(reactor, 'build', 'n.wasm')]);
    expect(notCommand.stderr).not.toMatch(/internal error/);
    expect(notCommand.code).toBe(2);
    expect(notCommand.stderr).toMatch(/error\[not-a-command\]: the component does not export wasi:cli\/run/);
  });

  it('with a policy, only references signed by a trusted key run (exit 3 otherwise)', async () => {
    const keys = await mkdtemp(path.join(os.tmpdir(), 'weld-keys-'));
    const env = { WELD_PASSWORD: 'pw' };
    expect((await weld(['push', probe, 'team/probe:signed'], env)).code).toBe(0);
    expect((await weld(['keygen', '--output-key-prefix', path.join(keys, 'k')], env)).code).toBe(0);
    expect((await weld(['sign', 'team/probe:signed', '--key', path.join(keys, 'k.key')], env)).code).toBe(0);
    const policy = path.join(keys, 'policy.yaml');
    await writeFile(policy, `policy:\n  trust:\n    - prefix: team\n      keys: [${path.join(keys, 'k.pub')}]\n`);
    const ok = await weld(['run', 'team/probe:signed', '--policy', policy]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('args=0');
    const other = await tempProject({ 'weld.yaml': 'components:\n  - { name: other, language: c, source: o.c, exec-model: command }\n', 'o.c': 'int main(void){return 0;}\n' });
    await runWeld(['build', other]);
    expect((await weld(['push', path.join(other, 'build', 'other.wasm'), 'team/other:1'], env)).code).toBe(0);
    const denied = await weld(['run', 'team/other:1', '--policy', policy]);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(/team\/other/);
    expect(denied.stderr).toMatch(/k\.pub|key/);
    expect(denied.stdout).toBe('');
  });
});

describe('runner host imports filter capabilities per instance', () => {
  beforeAll(loadHostShim);
  const grants = (allow: string[] = [], allowLookup = false): Grants => ({ env: {}, dirs: [], allowHosts: allow.map(parseHostGrant), allowLookup });

  it('matches hosts, ports and wildcards', () => {
    const g = grants(['api.example.com', 'localhost:8080', '*.internal']);
    expect(hostAllowed(g, 'api.example.com', 'https')).toBe(true);
    expect(hostAllowed(g, 'api.example.com:8443', 'https')).toBe(true);
    expect(hostAllowed(g, 'example.com', 'https')).toBe(false);
    expect(hostAllowed(g, 'localhost:8080', 'http')).toBe(true);
    expect(hostAllowed(g, 'localhost', 'http')).toBe(false);
    expect(hostAllowed(g, 'db.internal', 'https')).toBe(true);
    expect(hostAllowed(g, 'internal', 'https')).toBe(false);
    expect(hostAllowed(grants(), 'anything', 'https')).toBe(false);
  });

  it('an ungranted outgoing HTTP request gets HTTP-request-denied and names the grant', () => {
    const denials: Denial[] = [];
    const imports = hostImports({ grants: grants(), args: [], onDenied: (d) => denials.push(d) }) as Record<string, any>;
    const request = { authority: () => 'example.com:443', scheme: () => ({ tag: 'HTTPS' }) };
    let thrown: any;
    try {
      imports['wasi:http/outgoing-handler'].handle(request, undefined);
    } catch (e) {
      thrown = e;
    }
    expect(thrown?.payload).toEqual({ tag: 'HTTP-request-denied' });
    expect(denials).toEqual([{ capability: 'http', attempted: 'HTTP request to https://example.com:443', grant: '--allow-host example.com:443' }]);
  });

  it("host.wasmcloud.internal needs the host and the loopback port granted, and is sent to 127.0.0.1", () => {
    const loopback = (allow: string[], ports: number[]): Grants => ({ ...grants(allow), loopbackPorts: ports.map((port) => ({ port, protocol: 'tcp' as const })) });
    expect(hostAllowed(loopback(['host.wasmcloud.internal:5432'], [5432]), 'host.wasmcloud.internal:5432', 'http')).toBe(true);
    expect(hostAllowed(loopback(['host.wasmcloud.internal:5432'], []), 'host.wasmcloud.internal:5432', 'http')).toBe(false);
    expect(hostAllowed(loopback([], [5432]), 'host.wasmcloud.internal:5432', 'http')).toBe(false);
    expect(hostAllowed(loopback(['host.wasmcloud.internal'], [80]), 'host.wasmcloud.internal', 'http')).toBe(true);
    expect(hostAllowed(loopback(['host.wasmcloud.internal'], [80]), 'host.wasmcloud.internal', 'https')).toBe(false);
    const denials: Denial[] = [];
    const request = (authority: string) => {
      const sent: string[] = [];
      return { sent, authority: () => authority, setAuthority: (a: string) => void sent.push(a), scheme: () => ({ tag: 'HTTP' }) };
    };
    const granted = hostImports({ grants: loopback(['host.wasmcloud.internal:5432'], [5432]), args: [], onDenied: (d) => denials.push(d) }) as Record<string, any>;
    const r = request('host.wasmcloud.internal:5432');
    try {
      granted['wasi:http/outgoing-handler'].handle(r, undefined); // the stand-in request goes no further than the shim
    } catch {
      /* not a real outgoing-request */
    }
    expect(r.sent).toEqual(['127.0.0.1:5432']);
    expect(denials).toEqual([]);
    const portOnly = hostImports({ grants: loopback([], [5432]), args: [], onDenied: (d) => denials.push(d) }) as Record<string, any>;
    expect(() => portOnly['wasi:http/outgoing-handler'].handle(request('host.wasmcloud.internal:5432'), undefined)).toThrow();
    expect(denials).toEqual([{ capability: 'http', attempted: 'HTTP request to http://host.wasmcloud.internal:5432', grant: "allowedHosts: [host.wasmcloud.internal:5432] and allowedHostLoopbackPorts: ['5432'] in the workload manifest" }]);
    // wasi:sockets resolves the name to 127.0.0.1 when loopback ports are granted, without --allow-lookup; not otherwise
    const lookup = (g: Grants) => {
      const imports = hostImports({ grants: g, args: [], onDenied: (d) => denials.push(d) }) as Record<string, any>;
      const stream = imports['wasi:sockets/ip-name-lookup'].resolveAddresses(imports['wasi:sockets/instance-network'].instanceNetwork(), 'HOST.wasmcloud.internal');
      stream.subscribe().block();
      return stream.resolveNextAddress();
    };
    expect(lookup(loopback([], [5432]))).toEqual({ tag: 'ipv4', val: [127, 0, 0, 1] });
    expect(() => lookup(loopback([], []))).toThrow(/access-denied/);
  });

  it('sockets and DNS are denied without grants, and instances do not share grants', () => {
    const denials: Denial[] = [];
    const denied = hostImports({ grants: grants(), args: [], onDenied: (d) => denials.push(d) }) as Record<string, any>;
    expect(() => denied['wasi:sockets/tcp-create-socket'].createTcpSocket('ipv4')).toThrow(/access-denied/);
    expect(() => denied['wasi:sockets/ip-name-lookup'].resolveAddresses({}, 'example.com')).toThrow(/access-denied/);
    expect(denials.map((d) => d.grant)).toEqual(['--allow-host HOST[:PORT] or --allow-listen PORT', '--allow-lookup']);
    const a = hostImports({ grants: { ...grants(), env: { A: '1' } }, args: ['a'], onDenied: () => undefined }) as Record<string, any>;
    const b = hostImports({ grants: grants(), args: ['b'], onDenied: () => undefined }) as Record<string, any>;
    expect(a['wasi:cli/environment'].getEnvironment()).toEqual([['A', '1']]);
    expect(b['wasi:cli/environment'].getEnvironment()).toEqual([]);
    expect(b['wasi:filesystem/preopens'].getDirectories()).toEqual([]);
  });
});
