import net from 'node:net';
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, loadHostShim, parseHostGrant, parseListenGrant, resolveSocketGrants, type Denial, type Grants } from '@weld/runner';

/**
 * The socket host as a guest drives it (the same import object jco hands a component), checked at use:
 * connect and send against --allow-host, bind and listen against --allow-listen. Loopback listeners count
 * what actually arrives.
 */
type Addr = { tag: 'ipv4'; val: { port: number; address: number[] } };
const v4 = (port: number, address = [127, 0, 0, 1]): Addr => ({ tag: 'ipv4', val: { port, address } });

let tcpPort: number;
let tcpCount = 0;
let tcp: net.Server;
let udp: dgram.Socket;
let udpPort: number;
let udpCount = 0;

beforeAll(async () => {
  await loadHostShim();
  tcp = net.createServer((s) => {
    tcpCount++;
    s.end();
  });
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  tcpPort = (tcp.address() as net.AddressInfo).port;
  udp = dgram.createSocket('udp4');
  udp.on('message', () => udpCount++);
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  udpPort = udp.address().port;
});
afterAll(() => {
  tcp.close();
  udp.close();
});

async function host(grant: Partial<Grants>) {
  const denials: Denial[] = [];
  const grants = await resolveSocketGrants({ env: {}, dirs: [], allowHosts: [], allowLookup: false, ...grant });
  const im = createHost({ grants, args: [], onDenied: (d) => denials.push(d) }).imports as Record<string, any>;
  const network = im['wasi:sockets/instance-network'].instanceNetwork();
  const tcpSocket = () => im['wasi:sockets/tcp-create-socket'].createTcpSocket('ipv4');
  const udpSocket = () => im['wasi:sockets/udp-create-socket'].createUdpSocket('ipv4');
  const payload = (fn: () => unknown) => {
    try {
      fn();
      return 'ok';
    } catch (e) {
      return (e as { payload?: unknown }).payload ?? e;
    }
  };
  const connect = (port: number) =>
    payload(() => {
      const s = tcpSocket();
      s.startConnect(network, v4(port));
      s.subscribe().block();
      s.finishConnect();
    });
  return { im, network, denials, tcpSocket, udpSocket, payload, connect };
}

const settle = () => new Promise((r) => setTimeout(r, 200));

describe('sockets are checked at use, per instance', () => {
  it('a granted name (localhost:PORT) connects to its address; any other port is access-denied and never reached', async () => {
    const before = tcpCount;
    const h = await host({ allowHosts: [parseHostGrant(`localhost:${tcpPort}`)] });
    expect(h.connect(tcpPort)).toBe('ok');
    expect(h.connect(tcpPort + 1 === 65536 ? 1 : tcpPort + 1)).toBe('access-denied');
    await settle();
    expect(tcpCount - before).toBe(1);
    expect(h.denials.map((d) => d.grant)).toEqual([`--allow-host 127.0.0.1:${tcpPort + 1}`]);
  });

  it('a grant for another host does not open the granted port on loopback', async () => {
    const before = tcpCount;
    const h = await host({ allowHosts: [parseHostGrant(`192.0.2.1:${tcpPort}`)] });
    expect(h.connect(tcpPort)).toBe('access-denied');
    await settle();
    expect(tcpCount).toBe(before);
  });

  it('without any network grant, sockets cannot even be created', async () => {
    const h = await host({});
    expect(h.payload(() => h.tcpSocket())).toBe('access-denied');
    expect(h.payload(() => h.udpSocket())).toBe('access-denied');
  });

  it('UDP: datagrams only to granted addresses, by stream(remote) or per datagram', async () => {
    const before = udpCount;
    const h = await host({ allowHosts: [parseHostGrant(`127.0.0.1:${udpPort}`)] });
    const u = h.udpSocket();
    u.startBind(h.network, v4(0));
    u.subscribe().block();
    u.finishBind();
    const [, out] = u.stream(undefined);
    out.checkSend();
    expect(h.payload(() => out.send([{ data: new Uint8Array([1]), remoteAddress: v4(udpPort + 1) }]))).toBe('access-denied');
    expect(h.payload(() => out.send([{ data: new Uint8Array([2]), remoteAddress: v4(udpPort) }]))).toBe('ok');
    const fixed = h.udpSocket();
    fixed.startBind(h.network, v4(0));
    fixed.subscribe().block();
    fixed.finishBind();
    expect(h.payload(() => fixed.stream(v4(udpPort + 1)))).toBe('access-denied');
    await settle();
    expect(udpCount - before).toBe(1);
  });

  it('UDP: a client socket hears only from granted addresses; datagrams from anyone else are dropped', async () => {
    const h = await host({ allowHosts: [parseHostGrant(`127.0.0.1:${udpPort}`)] });
    const u = h.udpSocket();
    u.startBind(h.network, v4(0, [0, 0, 0, 0]));
    u.subscribe().block();
    u.finishBind();
    const [incoming] = u.stream(undefined);
    const guestPort = u.localAddress().val.port;
    const stranger = dgram.createSocket('udp4');
    await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', r));
    await new Promise((r) => stranger.send(Buffer.from('from a stranger'), guestPort, '127.0.0.1', r));
    await new Promise((r) => udp.send(Buffer.from('from the granted peer'), guestPort, '127.0.0.1', r));
    await settle();
    const got: string[] = [];
    for (let i = 0; i < 5 && got.length < 1; i++) {
      incoming.subscribe().block();
      for (const d of incoming.receive(10n)) got.push(Buffer.from(d.data).toString());
    }
    stranger.close();
    expect(got).toEqual(['from the granted peer']);
  });

  it('bind and listen need --allow-listen: never on an ephemeral port, never on 0.0.0.0 for a loopback grant', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const h = await host({ allowHosts: [parseHostGrant('127.0.0.1:9')], allowListen: [parseListenGrant(String(port))] });
    const ephemeral = h.tcpSocket();
    ephemeral.startBind(h.network, v4(0, [0, 0, 0, 0]));
    ephemeral.subscribe().block();
    ephemeral.finishBind();
    expect(h.payload(() => ephemeral.startListen())).toBe('access-denied');
    expect(h.payload(() => h.tcpSocket().startBind(h.network, v4(port, [0, 0, 0, 0])))).toBe('access-denied');
    expect(h.payload(() => h.tcpSocket().startBind(h.network, v4(port + 1)))).toBe('access-denied');
    const granted = h.tcpSocket();
    granted.startBind(h.network, v4(port));
    granted.subscribe().block();
    granted.finishBind();
    expect(h.payload(() => granted.startListen())).toBe('ok');
    granted.subscribe().block();
    granted.finishListen();
    const reached = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    expect(reached).toBe(true);
    expect(h.denials.map((d) => d.attempted)).toEqual([
      expect.stringMatching(/^listening on TCP 0\.0\.0\.0:\d+$/),
      `binding TCP 0.0.0.0:${port}`,
      `binding TCP 127.0.0.1:${port + 1}`,
    ]);
  });
});
