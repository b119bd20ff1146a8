import { isIP } from 'node:net';
import type { Denial } from '../host.js';
import { shimModule } from '../host-shim.js';

/** An address a guest may connect or send to (a granted host, resolved by the host before the run). */
export interface ConnectGrant {
  ip: string;
  /** Undefined: any port. */
  port?: number;
  /** Undefined: TCP and UDP. */
  protocol?: 'tcp' | 'udp';
}

/** An address a guest may bind and listen on. */
export interface ListenGrant {
  /** Undefined: loopback only (127.0.0.1 and ::1). */
  ip?: string;
  port: number;
}

export interface SocketPolicy {
  connect: ConnectGrant[];
  listen: ListenGrant[];
  onDenied: (denial: Denial) => void;
  /** Whether wasmCloud's reserved `host.wasmcloud.internal` resolves (to 127.0.0.1): the workload granted loopback ports. */
  hostLoopback?: boolean;
}

/**
 * wasmCloud's reserved name for the machine the host runs on (Docker's `host.docker.internal` idea): an HTTP request
 * to it goes to 127.0.0.1, when the workload both allows the host (`allowedHosts`) and grants the port
 * (`allowedHostLoopbackPorts`, see grants.ts); with loopback ports granted, name lookups resolve it to 127.0.0.1.
 */
export const HOST_LOOPBACK_NAME = 'host.wasmcloud.internal';

type IpAddress = { tag: 'ipv4'; val: { port: number; address: number[] } } | { tag: 'ipv6'; val: { port: number; address: number[] } };

/** One spelling per address: dotted IPv4 (also for IPv4-mapped IPv6), else eight lowercase hex groups. */
export function canonicalIp(text: string): string | undefined {
  const kind = isIP(text.replace(/^\[|\]$/g, ''));
  const bare = text.replace(/^\[|\]$/g, '').toLowerCase();
  if (kind === 4) return bare.split('.').map(Number).join('.');
  if (kind !== 6) return undefined;
  let groups: string[];
  const [head, tail] = bare.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const expandV4 = (gs: string[]) =>
    gs.flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  if (tail === undefined) groups = expandV4(part(head));
  else {
    const h = expandV4(part(head));
    const t = expandV4(part(tail));
    groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  }
  return ipFromGroups(groups.map((g) => parseInt(g, 16)));
}

function ipFromGroups(g: number[]): string {
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  return g.map((x) => x.toString(16)).join(':');
}

function addressOf(addr: IpAddress): { ip: string; port: number; text: string } {
  const ip = addr.tag === 'ipv4' ? addr.val.address.join('.') : ipFromGroups(addr.val.address);
  const port = addr.val.port;
  return { ip, port, text: ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}` };
}

const LOOPBACK = new Set(['127.0.0.1', '0:0:0:0:0:0:0:1']);
const UNSPECIFIED = new Set(['0.0.0.0', '0:0:0:0:0:0:0:0']);

function mayConnect(policy: SocketPolicy, ip: string, port: number, protocol: 'tcp' | 'udp'): boolean {
  return policy.connect.some((g) => g.ip === ip && (g.port === undefined || g.port === port) && (g.protocol === undefined || g.protocol === protocol));
}

function mayListen(policy: SocketPolicy, ip: string, port: number): boolean {
  return policy.listen.some((g) => g.port === port && (g.ip === undefined ? LOOPBACK.has(ip) : g.ip === ip));
}

function denyConnect(policy: SocketPolicy, what: string, addr: IpAddress): never {
  const { text } = addressOf(addr);
  policy.onDenied({ capability: 'sockets', attempted: `${what} ${text}`, grant: `--allow-host ${text}` });
  throw 'access-denied';
}

/** Which instance's grants a socket (or datagram stream) answers to. */
const policies = new WeakMap<object, SocketPolicy>();
/** The fixed remote of an outgoing datagram stream made by `stream(remote)`. */
const fixedRemotes = new WeakMap<object, IpAddress>();
/** Sockets bound to an ephemeral port (a client's bind): listening on them is never granted. */
const ephemeral = new WeakSet<object>();
/** Incoming datagram streams of sockets bound to a granted port: anyone may send to those. */
const openToAll = new WeakSet<object>();

type Method = (this: object, ...args: any[]) => any;
type Proto = Record<string, Method>;

function policyOf(socket: object): SocketPolicy {
  const p = policies.get(socket);
  if (!p) throw 'access-denied'; // a socket weld did not hand out: deny, never guess
  return p;
}

function wrap(proto: Proto, name: string, check: (self: object, args: any[], original: Method) => unknown): void {
  const original = proto[name]!;
  proto[name] = function (this: object, ...args: any[]) {
    return check(this, args, original);
  };
}

let guarded = false;

/**
 * preview2-shim checks sockets only at creation, with process-wide switches. Its classes are shared by every
 * instance, so their capability methods are wrapped once here and check, at use, the grants of the instance
 * that made the socket: connect and send against `--allow-host` (resolved addresses), bind and listen
 * against `--allow-listen`.
 */
function guardSocketClasses(): void {
  if (guarded) return;
  const { tcp, udp } = shimModule().sockets as {
    tcp: { TcpSocket: { prototype: Proto } };
    udp: { UdpSocket: { prototype: Proto }; OutgoingDatagramStream: { prototype: Proto }; IncomingDatagramStream: { prototype: Proto } };
  };
  const tcpProto = tcp.TcpSocket.prototype;
  wrap(tcpProto, 'startConnect', (self, args, original) => {
    const policy = policyOf(self);
    const addr = args[1] as IpAddress;
    const { ip, port } = addressOf(addr);
    if (!mayConnect(policy, ip, port, 'tcp')) denyConnect(policy, 'TCP connection to', addr);
    return original.apply(self, args);
  });
  wrap(tcpProto, 'startBind', (self, args, original) => {
    const policy = policyOf(self);
    const { ip, port, text } = addressOf(args[1] as IpAddress);
    // Port 0 on loopback or the unspecified address is a client's ephemeral bind; listening on it is checked below.
    const isEphemeral = port === 0 && (LOOPBACK.has(ip) || UNSPECIFIED.has(ip));
    if (!isEphemeral && !mayListen(policy, ip, port)) {
      policy.onDenied({ capability: 'sockets', attempted: `binding TCP ${text}`, grant: `--allow-listen ${LOOPBACK.has(ip) ? port : text}` });
      throw 'access-denied';
    }
    const result = original.apply(self, args);
    if (isEphemeral) ephemeral.add(self);
    return result;
  });
  wrap(tcpProto, 'startListen', (self, args, original) => {
    const policy = policyOf(self);
    let local: ReturnType<typeof addressOf> | undefined;
    try {
      local = addressOf((self as { localAddress(): IpAddress }).localAddress());
    } catch {
      local = undefined; // not bound: the shim answers invalid-state
    }
    if (local && (ephemeral.has(self) || !mayListen(policy, local.ip, local.port))) {
      const grant = ephemeral.has(self) ? '--allow-listen PORT, binding that port instead of an ephemeral one' : `--allow-listen ${local.port}`;
      policy.onDenied({ capability: 'sockets', attempted: `listening on TCP ${local.text}`, grant });
      throw 'access-denied';
    }
    return original.apply(self, args);
  });
  wrap(tcpProto, 'accept', (self, args, original) => {
    const policy = policyOf(self);
    const result = original.apply(self, args) as [object, object, object];
    policies.set(result[0], policy);
    return result;
  });
  const udpProto = udp.UdpSocket.prototype;
  wrap(udpProto, 'startBind', (self, args, original) => {
    const policy = policyOf(self);
    const { ip, port, text } = addressOf(args[1] as IpAddress);
    if (!(port === 0 && (LOOPBACK.has(ip) || UNSPECIFIED.has(ip))) && !mayListen(policy, ip, port)) {
      policy.onDenied({ capability: 'sockets', attempted: `binding UDP ${text}`, grant: `--allow-listen ${LOOPBACK.has(ip) ? port : text}` });
      throw 'access-denied';
    }
    return original.apply(self, args);
  });
  wrap(udpProto, 'stream', (self, args, original) => {
    const policy = policyOf(self);
    const remote = args[0] as IpAddress | undefined;
    if (remote) {
      const { ip, port } = addressOf(remote);
      if (!mayConnect(policy, ip, port, 'udp')) denyConnect(policy, 'UDP datagrams to', remote);
    }
    const [incoming, outgoing] = original.apply(self, args) as [object, object];
    policies.set(outgoing, policy);
    policies.set(incoming, policy);
    try {
      const local = addressOf((self as { localAddress(): IpAddress }).localAddress());
      if (local.port !== 0 && mayListen(policy, local.ip, local.port)) openToAll.add(incoming);
    } catch {
      // unbound: stream() binds implicitly to an ephemeral port, a client's socket
    }
    if (remote) fixedRemotes.set(outgoing, remote);
    return [incoming, outgoing];
  });
  // A client's socket (ephemeral port) hears only from the addresses it may send to; one bound to a granted
  // port hears from anyone, as a server does. Datagrams from anyone else are dropped before the guest sees them.
  wrap(udp.IncomingDatagramStream.prototype, 'receive', (self, args, original) => {
    const policy = policyOf(self);
    const datagrams = original.apply(self, args) as { remoteAddress: IpAddress }[];
    if (openToAll.has(self)) return datagrams;
    return datagrams.filter((d) => {
      const { ip, port } = addressOf(d.remoteAddress);
      return mayConnect(policy, ip, port, 'udp');
    });
  });
  wrap(udp.OutgoingDatagramStream.prototype, 'send', (self, args, original) => {
    const policy = policyOf(self);
    for (const datagram of args[0] as { remoteAddress?: IpAddress }[]) {
      const remote = datagram.remoteAddress ?? fixedRemotes.get(self);
      if (!remote) throw 'invalid-argument';
      const { ip, port } = addressOf(remote);
      if (!mayConnect(policy, ip, port, 'udp')) denyConnect(policy, 'a UDP datagram to', remote);
    }
    return original.apply(self, args);
  });
  guarded = true;
}

/** `wasi:sockets/*` for one instance: sockets it creates answer to `policy`. */
export function createSockets(policy: SocketPolicy, allowLookup: boolean) {
  guardSocketClasses();
  const sockets = shimModule().sockets;
  const register = <T extends object>(socket: T): T => {
    policies.set(socket, policy);
    return socket;
  };
  const creating = (kind: string) => {
    if (policy.connect.length > 0 || policy.listen.length > 0) return;
    policy.onDenied({ capability: 'sockets', attempted: `creating a ${kind} socket`, grant: '--allow-host HOST[:PORT] or --allow-listen PORT' });
    throw Object.assign(new Error('access-denied'), { payload: 'access-denied' });
  };
  return {
    'wasi:sockets/network': sockets.network,
    'wasi:sockets/instance-network': sockets.instanceNetwork,
    'wasi:sockets/tcp': sockets.tcp,
    'wasi:sockets/udp': sockets.udp,
    'wasi:sockets/tcp-create-socket': {
      createTcpSocket: (family: unknown) => (creating('TCP'), register(sockets.tcpCreateSocket.createTcpSocket(family))),
    },
    'wasi:sockets/udp-create-socket': {
      createUdpSocket: (family: unknown) => (creating('UDP'), register(sockets.udpCreateSocket.createUdpSocket(family))),
    },
    'wasi:sockets/ip-name-lookup': {
      ...sockets.ipNameLookup,
      resolveAddresses(network: unknown, name: string) {
        // The reserved name reveals nothing and reaches only the loopback ports granted: no --allow-lookup needed.
        if (policy.hostLoopback && name.toLowerCase() === HOST_LOOPBACK_NAME) return sockets.ipNameLookup.resolveAddresses(network, '127.0.0.1');
        if (!allowLookup) {
          policy.onDenied({ capability: 'lookup', attempted: `DNS lookup of ${name}`, grant: '--allow-lookup' });
          throw Object.assign(new Error('access-denied'), { payload: 'access-denied' });
        }
        return sockets.ipNameLookup.resolveAddresses(network, name);
      },
    },
  };
}
