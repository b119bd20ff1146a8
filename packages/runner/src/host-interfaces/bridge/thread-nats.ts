import { connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { BrokerMessage } from './protocol.js';
import { syncBridge } from './sync-bridge.js';
import { componentsOnStack, withOnStack } from '../util.js';

/**
 * A guest thread's own NATS connection, one per server URL, so that a message costs no hop to the bridge worker
 * and back (each hop wakes a thread, the dearest part of a round trip on a small machine):
 * - `publish` writes to the thread's socket before it returns (or, inside `handle-message`, once the handler
 *   returns, so a handler's publishes leave in one write);
 * - a subscription calls its handler from this thread's event loop;
 * - `request` is published by the bridge worker with a reply subject in an inbox it holds for this thread, and
 *   blocks until the bridge hands the reply (or the server's "no responders") over, without nats.js's request
 *   machinery; a barrier keeps it behind this thread's earlier publishes.
 * A thread cannot read its socket while it blocks, so when a second component of the thread uses the same
 * server at once (one may request what the other answers), its subscriptions move to the bridge, whose
 * deliveries reach a handler even while a sibling waits (see `SyncBridge`).
 */
export interface ThreadNats {
  publish(message: BrokerMessage): void;
  request(subject: string, body: Uint8Array, timeoutMs: number): BrokerMessage;
  subscribe(subject: string, deliver: (message: BrokerMessage) => void, queue?: string): () => void;
  /** Resolves once the server has this connection's subscriptions. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Link {
  url: string;
  nc: NatsConnection;
  /** Brokers open on the link (components using it now). */
  users: number;
  /** Set once two components used the link at once: subscriptions go through the bridge from then on. */
  shared: boolean;
  direct: Set<DirectSubscription>;
  /** The reply-subject prefix of this thread's inbox in the bridge worker, made on the first request. */
  inbox?: string;
  nextToken: number;
  /** Whether this thread published on the link since its last request (which then waits for those to arrive). */
  publishedSinceRequest: boolean;
  /** Depth of handler calls in progress: their publishes are flushed when the outermost returns. */
  inHandler: number;
}

interface DirectSubscription {
  owner: string;
  subject: string;
  queue?: string;
  deliver: (message: BrokerMessage) => void;
  /** The NATS subscription now: on the link's connection, or the bridge's unsubscriber once moved. */
  current: { direct: Subscription } | { bridged: () => void };
}

const links = new Map<string, Promise<Link>>();
/** Keeps this thread's connections open with no component using them (a serve worker's next instance reuses them). */
let retained = false;

/** The private flush of nats.js's protocol handler: writes what `publish` queued without waiting for a microtask. */
function flushNow(nc: NatsConnection): void {
  (nc as unknown as { protocol?: { flushPending?: () => void } }).protocol?.flushPending?.();
}

const toBroker = (m: Msg): BrokerMessage => ({ subject: m.subject, body: m.data, replyTo: m.reply || undefined });

function bridgedSubscription(link: Link, s: DirectSubscription): () => void {
  const bridge = syncBridge();
  const sid = bridge.handler(s.owner, s.deliver);
  try {
    bridge.call({ op: 'nats.subscribe', url: link.url, subject: s.subject, queue: s.queue, sid }, s.owner);
  } catch (e) {
    bridge.dropHandler(sid);
    throw e;
  }
  return () => {
    bridge.dropHandler(sid);
    try {
      bridge.call({ op: 'nats.unsubscribe', sid }, s.owner);
    } catch {
      // the connection is gone; so is the subscription
    }
  };
}

function directSubscription(link: Link, s: DirectSubscription): Subscription {
  return link.nc.subscribe(s.subject, {
    queue: s.queue,
    callback: (err, m) => {
      if (err) return;
      const message = toBroker(m);
      const run = () => {
        link.inHandler++;
        try {
          withOnStack(s.owner, () => s.deliver(message));
        } finally {
          if (--link.inHandler === 0) flushNow(link.nc);
        }
      };
      // A component is never re-entered: a delivery for one that is mid-call waits until it returns.
      if (componentsOnStack.includes(s.owner)) setImmediate(run);
      else run();
    },
  });
}

/** Moves the link's direct subscriptions to the bridge: unsubscribed here first, so no message arrives twice. */
async function share(link: Link): Promise<void> {
  link.shared = true;
  const moving = [...link.direct].filter((s) => 'direct' in s.current);
  for (const s of moving) (s.current as { direct: Subscription }).direct.unsubscribe();
  await link.nc.flush();
  for (const s of moving) s.current = { bridged: bridgedSubscription(link, s) };
}

async function openLink(url: string): Promise<Link> {
  let p = links.get(url);
  if (!p) {
    p = connect({ servers: url.replace(/^nats:\/\//, ''), maxReconnectAttempts: 3, reconnectTimeWait: 200 }).then(
      (nc) => ({ url, nc, users: 0, shared: false, direct: new Set(), nextToken: 1, publishedSinceRequest: false, inHandler: 0 }),
      (e) => {
        links.delete(url);
        throw e;
      },
    );
    links.set(url, p);
  }
  return p;
}

async function release(link: Link): Promise<void> {
  if (--link.users > 0 || retained) return;
  links.delete(link.url);
  await link.nc.drain().catch(() => undefined);
}

/**
 * This thread's connection to `url` for one component; undefined when the server cannot be reached now (the
 * caller then goes through the bridge, whose operations report the failure, and retry, as before).
 */
export async function openThreadNats(url: string, owner: string): Promise<ThreadNats | undefined> {
  let link: Link;
  try {
    link = await openLink(url);
  } catch {
    return undefined;
  }
  link.users++;
  if (link.users > 1 && !link.shared) await share(link);
  let closed = false;
  const mine = new Set<DirectSubscription>();
  return {
    publish(message) {
      link.nc.publish(message.subject, message.body, message.replyTo === undefined ? undefined : { reply: message.replyTo });
      link.publishedSinceRequest = true;
      if (link.inHandler === 0) flushNow(link.nc);
    },
    request(subject, body, timeoutMs) {
      const bridge = syncBridge();
      link.inbox ??= bridge.call({ op: 'nats.inbox', url }, owner) as string;
      const token = link.nextToken++;
      // The bridge publishes the request on its connection, which holds the inbox: the server answers "no
      // responders" only to a publisher subscribed to the reply subject. This thread's own publishes must reach
      // the server first: a barrier message on this connection, which the bridge waits to see, orders them.
      let after: string | undefined;
      if (link.publishedSinceRequest) {
        after = `${link.inbox}.b.${token}`;
        link.nc.publish(after);
        flushNow(link.nc);
        link.publishedSinceRequest = false;
      }
      bridge.post({ op: 'nats.publish', url, subject, body, replyTo: `${link.inbox}.${token}`, after }, owner);
      const m = bridge.awaitInbox(token, timeoutMs, owner);
      if (m === undefined) throw new Error(`request to ${subject} timed out after ${timeoutMs} ms`);
      if ('noResponders' in m) throw new Error(`no responders on ${subject}`);
      return m.message;
    },
    subscribe(subject, deliver, queue) {
      const s: DirectSubscription = { owner, subject, queue, deliver, current: { bridged: () => undefined } };
      s.current = link.shared ? { bridged: bridgedSubscription(link, s) } : { direct: directSubscription(link, s) };
      link.direct.add(s);
      mine.add(s);
      return () => {
        if (!mine.delete(s)) return;
        link.direct.delete(s);
        if ('direct' in s.current) s.current.direct.unsubscribe();
        else s.current.bridged();
      };
    },
    flush: () => link.nc.flush(),
    async close() {
      if (closed) return;
      closed = true;
      for (const s of mine) {
        link.direct.delete(s);
        if ('direct' in s.current) s.current.direct.unsubscribe();
        else s.current.bridged();
      }
      mine.clear();
      await release(link);
    },
  };
}

/** Keeps this thread's connections open after their last component closes, until `closeThreadNats` (serve workers). */
export function retainThreadNats(): void {
  retained = true;
}

/** Drains every connection of this thread. */
export async function closeThreadNats(): Promise<void> {
  retained = false;
  const all = [...links.values()];
  links.clear();
  await Promise.allSettled(all.map(async (l) => (await l).nc.drain()));
}
