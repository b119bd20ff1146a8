import { parentPort, type MessagePort } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { connect, createInbox, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { memoryBackend } from '../kv-backends.js';
import { BRIDGE_MAX_BYTES, payloadBytes, type BridgeChannel, type BridgeMessage, type BridgeRequest } from './protocol.js';

/**
 * The bridge worker: the one thread per process that holds the asynchronous clients (ioredis, NATS) for guests
 * whose host calls must be synchronous. Connections are shared by URL across every channel (guest thread).
 */

const redisClients = new Map<string, Promise<Redis>>();
const natsClients = new Map<string, Promise<NatsConnection>>();
const subscriptions = new Map<number, Subscription>();
/** Reply inboxes of guest threads that publish their requests on their own connection (see thread-nats.ts). */
const inboxes: Subscription[] = [];

/** Barriers a publish waits for (see thread-nats.ts), by subject: seen before it is asked for, or awaited. */
const barriers = new Map<string, { seen: boolean; resolve?: () => void }>();

function barrier(subject: string, arrived = false): Promise<void> | undefined {
  const b = barriers.get(subject);
  if (arrived) {
    if (b?.resolve) {
      barriers.delete(subject);
      b.resolve();
    } else barriers.set(subject, { seen: true });
    return undefined;
  }
  if (b?.seen) {
    barriers.delete(subject);
    return Promise.resolve();
  }
  return new Promise((resolve) => barriers.set(subject, { seen: false, resolve }));
}

/** A URL fit for an error message: without its password. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** The client for `url`, connected; a server that cannot be reached is the calling operation's error. */
function redis(url: string): Promise<Redis> {
  let r = redisClients.get(url);
  if (!r) {
    // A server that accepts but never answers must not block a guest for ever: commands give up after 10 s.
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 10_000, retryStrategy: (n) => (n > 3 ? null : 100 * n) });
    let lastError: Error | undefined;
    client.on('error', (e: Error) => (lastError = e)); // each command reports its own failure
    r = client.connect().then(
      () => client,
      (e: Error) => {
        redisClients.delete(url);
        client.disconnect();
        throw new Error(`cannot connect to Redis at ${shown(url)}: ${(lastError ?? e).message}`);
      },
    );
    redisClients.set(url, r);
  }
  return r;
}

function nats(url: string): Promise<NatsConnection> {
  let c = natsClients.get(url);
  if (!c) {
    c = connect({ servers: url.replace(/^nats:\/\//, ''), maxReconnectAttempts: 3, reconnectTimeWait: 200 }).catch((e: Error) => {
      natsClients.delete(url);
      throw new Error(`cannot connect to NATS at ${shown(url)}: ${e.message}`);
    });
    natsClients.set(url, c);
  }
  return c;
}

/** Keys of bucket B live in Redis as `B:key`, so buckets never see each other's keys. */
const rkey = (bucket: string, key: string) => `${bucket}:${key}`;
const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');

/** A keyvalue operation on the in-memory store this worker holds for threads that share one (see `shareMemoryStore`). */
function performInMemory(req: Extract<BridgeRequest, { op: `kv.${string}` }>): unknown {
  switch (req.op) {
    case 'kv.get':
      return memoryBackend.get(req.bucket, req.key);
    case 'kv.set':
      return memoryBackend.set(req.bucket, req.key, req.value);
    case 'kv.delete':
      return memoryBackend.delete(req.bucket, req.key);
    case 'kv.exists':
      return memoryBackend.exists(req.bucket, req.key);
    case 'kv.keys':
      return memoryBackend.keys(req.bucket, req.cursor);
    case 'kv.increment':
      return memoryBackend.increment(req.bucket, req.key, req.delta);
    case 'kv.get-many':
      return memoryBackend.getMany(req.bucket, req.keys);
    case 'kv.set-many':
      return memoryBackend.setMany(req.bucket, req.entries);
    case 'kv.delete-many':
      return memoryBackend.deleteMany(req.bucket, req.keys);
  }
}

async function perform(req: BridgeRequest, send: (m: BridgeMessage) => void): Promise<unknown> {
  if (req.op.startsWith('kv.') && (req as { url?: string }).url === 'mem') return performInMemory(req as Extract<BridgeRequest, { op: `kv.${string}` }>);
  switch (req.op) {
    case 'ping':
      return 'pong';
    case 'kv.get': {
      const v = await (await redis(req.url)).getBuffer(rkey(req.bucket, req.key));
      return v === null ? undefined : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    }
    case 'kv.set':
      await (await redis(req.url)).set(rkey(req.bucket, req.key), Buffer.from(req.value.buffer, req.value.byteOffset, req.value.byteLength));
      return undefined;
    case 'kv.delete':
      await (await redis(req.url)).del(rkey(req.bucket, req.key));
      return undefined;
    case 'kv.exists':
      return (await (await redis(req.url)).exists(rkey(req.bucket, req.key))) > 0;
    case 'kv.keys': {
      const prefix = `${req.bucket}:`;
      const [next, keys] = await (await redis(req.url)).scan(String(req.cursor ?? 0n), 'MATCH', `${globEscape(prefix)}*`, 'COUNT', 1000);
      return { keys: keys.map((k) => k.slice(prefix.length)), cursor: next === '0' ? undefined : BigInt(next) };
    }
    case 'kv.increment': {
      const v = await (await redis(req.url)).incrby(rkey(req.bucket, req.key), req.delta.toString());
      return BigInt(v);
    }
    case 'kv.get-many': {
      if (req.keys.length === 0) return [];
      const values = await (await redis(req.url)).mgetBuffer(...req.keys.map((k) => rkey(req.bucket, k)));
      return values.map((v, i) => (v === null ? undefined : [req.keys[i], new Uint8Array(v.buffer, v.byteOffset, v.byteLength)]));
    }
    case 'kv.set-many': {
      if (req.entries.length === 0) return undefined;
      await (await redis(req.url)).mset(...req.entries.flatMap(([k, v]) => [rkey(req.bucket, k), Buffer.from(v.buffer, v.byteOffset, v.byteLength)]));
      return undefined;
    }
    case 'kv.delete-many':
      if (req.keys.length > 0) await (await redis(req.url)).del(...req.keys.map((k) => rkey(req.bucket, k)));
      return undefined;
    case 'nats.publish':
      if (req.after !== undefined) await barrier(req.after);
      (await nats(req.url)).publish(req.subject, req.body, req.replyTo === undefined ? undefined : { reply: req.replyTo });
      return undefined;
    case 'nats.subscribe': {
      const nc = await nats(req.url);
      const sid = req.sid;
      const sub = nc.subscribe(req.subject, {
        queue: req.queue,
        callback: (err, m) => {
          if (err || payloadBytes(m.data) > BRIDGE_MAX_BYTES) return;
          send({ kind: 'delivery', sid, message: { subject: m.subject, body: m.data, replyTo: m.reply || undefined } });
        },
      });
      subscriptions.set(sid, sub);
      await nc.flush(); // the server has the subscription before the guest is told it exists
      return undefined;
    }
    case 'nats.inbox': {
      const nc = await nats(req.url);
      const prefix = createInbox();
      const sub = nc.subscribe(`${prefix}.>`, {
        callback: (err, m) => {
          if (m?.subject.startsWith(`${prefix}.b.`)) {
            void barrier(m.subject, true);
            return;
          }
          const token = Number(m?.subject.slice(prefix.length + 1));
          if (!Number.isSafeInteger(token)) return;
          if (err || (m.headers?.hasError && m.headers.code === 503)) send({ kind: 'inbox', token, noResponders: true });
          else if (payloadBytes(m.data) <= BRIDGE_MAX_BYTES) send({ kind: 'inbox', token, message: { subject: m.subject, body: m.data, replyTo: m.reply || undefined } });
        },
      });
      inboxes.push(sub);
      await nc.flush(); // the server routes replies to it before the thread publishes its first request
      return prefix;
    }
    case 'nats.unsubscribe':
      subscriptions.get(req.sid)?.unsubscribe();
      subscriptions.delete(req.sid);
      return undefined;
    case 'close':
      await closeAll();
      return undefined;
  }
}

async function closeAll(): Promise<void> {
  for (const s of [...subscriptions.values(), ...inboxes.splice(0)]) s.unsubscribe();
  subscriptions.clear();
  const conns = [...natsClients.values()];
  natsClients.clear();
  await Promise.allSettled(conns.map(async (c) => (await c).drain()));
  const rs = [...redisClients.values()];
  redisClients.clear();
  await Promise.allSettled(rs.map(async (r) => (await r).quit()));
}

function serveChannel(channel: BridgeChannel): void {
  const signal = new Int32Array(channel.signal);
  const port: MessagePort = channel.port;
  const send = (m: BridgeMessage) => {
    port.postMessage(m);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  port.on('message', (req: BridgeRequest) => {
    perform(req, send).then(
      (value) => {
        if (req.id === 0) return; // posted: nobody waits for the reply
        if (payloadBytes(value) > BRIDGE_MAX_BYTES) send({ kind: 'reply', id: req.id, ok: false, error: `the reply is larger than the bridge's limit of ${BRIDGE_MAX_BYTES} bytes` });
        else send({ kind: 'reply', id: req.id, ok: true, value });
      },
      (e: Error) => send({ kind: 'reply', id: req.id, ok: false, error: e?.message ?? String(e) }),
    );
  });
}

// Guest threads block until this worker answers: nothing thrown outside an operation may stop it.
process.on('uncaughtException', (e) => process.stderr.write(`weld: host interface bridge: ${e.message}\n`));
process.on('unhandledRejection', (e) => process.stderr.write(`weld: host interface bridge: ${(e as Error)?.message ?? String(e)}\n`));

parentPort!.on('message', (m: { channel?: BridgeChannel; close?: boolean }) => {
  if (m.channel) serveChannel(m.channel);
  if (m.close) void closeAll().then(() => parentPort!.postMessage({ closed: true }));
});
