// Hostile socket guest. argv: <attack> [args…]; every step prints "STEP <name>: ok|err <code>" so the test can
// see what the host allowed. Attacks:
//   connect <a.b.c.d> <port>        TCP connect (and send a byte)
//   udp-send <a.b.c.d> <port>       UDP datagram, once via stream(remote) and once via send(remote-address)
//   listen <a.b.c.d> <port>         TCP bind + listen
//   udp-bind <a.b.c.d> <port>       UDP bind
import { getArguments } from 'wasi:cli/environment@0.2.10';
import { instanceNetwork } from 'wasi:sockets/instance-network@0.2.10';
import { createTcpSocket } from 'wasi:sockets/tcp-create-socket@0.2.10';
import { createUdpSocket } from 'wasi:sockets/udp-create-socket@0.2.10';

const code = (e) => {
  const p = e && typeof e === 'object' && 'payload' in e ? e.payload : e;
  return typeof p === 'string' ? p : JSON.stringify(p ?? String(e));
};
function step(name, fn) {
  try {
    const v = fn();
    console.log(`STEP ${name}: ok`);
    return v;
  } catch (e) {
    console.log(`STEP ${name}: err ${code(e)}`);
    throw new Error(`stopped at ${name}`);
  }
}
const addr = (ip, port) => ({ tag: 'ipv4', val: { port: Number(port), address: ip.split('.').map(Number) } });

/** Calls finish() until it stops answering would-block, blocking on the socket's pollable in between. */
function finish(sock, fn) {
  for (let i = 0; i < 1000; i++) {
    try {
      return fn();
    } catch (e) {
      if (code(e) !== 'would-block') throw e;
      sock.subscribe().block();
    }
  }
  throw 'timeout';
}

function attack(args) {
  const [name, ip, port] = args;
  const net = step('instance-network', () => instanceNetwork());
  if (name === 'connect') {
    const s = step('create-tcp', () => createTcpSocket('ipv4'));
    step('start-connect', () => s.startConnect(net, addr(ip, port)));
    const [, output] = step('finish-connect', () => finish(s, () => s.finishConnect()));
    step('write', () => {
      output.checkWrite();
      output.write(new Uint8Array([0x21]));
      output.blockingFlush();
    });
    console.log('CONNECTED');
  } else if (name === 'udp-send') {
    const s = step('create-udp', () => createUdpSocket('ipv4'));
    step('start-bind', () => s.startBind(net, addr('0.0.0.0', 0)));
    step('finish-bind', () => finish(s, () => s.finishBind()));
    let sent = 0;
    try {
      const [, out] = step('stream-unconnected', () => s.stream(undefined));
      step('send-to', () => {
        out.subscribe().block();
        out.checkSend();
        sent += Number(out.send([{ data: new Uint8Array([0x21]), remoteAddress: addr(ip, port) }]));
      });
    } catch {}
    try {
      const [, out] = step('stream-connected', () => s.stream(addr(ip, port)));
      step('send', () => {
        out.subscribe().block();
        out.checkSend();
        sent += Number(out.send([{ data: new Uint8Array([0x21]), remoteAddress: undefined }]));
      });
    } catch {}
    console.log(`SENT ${sent}`);
  } else if (name === 'listen') {
    const s = step('create-tcp', () => createTcpSocket('ipv4'));
    step('start-bind', () => s.startBind(net, addr(ip, port)));
    step('finish-bind', () => finish(s, () => s.finishBind()));
    step('start-listen', () => s.startListen());
    step('finish-listen', () => finish(s, () => s.finishListen()));
    console.log('LISTENING');
  } else if (name === 'udp-bind') {
    const s = step('create-udp', () => createUdpSocket('ipv4'));
    step('start-bind', () => s.startBind(net, addr(ip, port)));
    step('finish-bind', () => finish(s, () => s.finishBind()));
    console.log('BOUND');
  } else {
    throw new Error(`unknown attack ${name}`);
  }
}

export const run = {
  run() {
    const args = getArguments().slice(1);
    try {
      attack(args);
    } catch (e) {
      console.log(`FAILED ${e && e.message ? e.message : code(e)}`);
    }
  },
};
