// Answers requests with `pong:<body>`, logs plain publishes, and requests/publishes on the caller's behalf.
import { request, publish } from 'wasmcloud:messaging/consumer@0.2.0';
import { log } from 'wasi:logging/logging@0.1.0-draft';

const enc = new TextEncoder();
const dec = new TextDecoder();

export const handler = {
  handleMessage(msg) {
    const body = dec.decode(msg.body);
    if (msg.replyTo !== undefined) {
      publish({ subject: msg.replyTo, body: enc.encode(`pong:${body}`), replyTo: undefined });
    } else {
      log('info', 'messenger', `received ${msg.subject}: ${body}`);
    }
  },
};

export const ping = {
  request(subject, body, timeoutMs) {
    return dec.decode(request(subject, enc.encode(body), timeoutMs).body);
  },
  publish(subject, body) {
    publish({ subject, body: enc.encode(body), replyTo: undefined });
  },
  bench(subject, count) {
    let ok = 0;
    for (let i = 0; i < count; i++) {
      const body = String(i);
      if (dec.decode(request(subject, enc.encode(body), 5000).body) === `pong:${body}`) ok++;
    }
    return ok;
  },
};
