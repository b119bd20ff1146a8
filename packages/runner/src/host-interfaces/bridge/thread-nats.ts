import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { BrokerMessage } from './protocol.js';
import { onBlocking, syncBridge } from './sync-bridge.js';
import { componentsOnStack, withOnStack } from '../util.js';

/**
 * NATS for the components of one guest thread. A thread where a component subscribes gets its own connection to
 * the server, so that a message costs no hop to the bridge worker and back (each hop wakes a thread, the dearest
 * part of a round trip on a small machine):
 * - a subscription calls `handle-message` from this thread's event loop;
 * - `publish` writes to the thread's socket before it returns (inside `handle-message`, at the end of the
 *   event-loop tick, so the answers to the messages one read brought leave in one write).
 * Without one (a thread that only publishes and requests, or whose server could not be reached), publishes are
 * posted to the bridge worker, as before. Either way `request` is published by the bridge worker with a reply
 * subject in an inbox it holds for this thread (the server answers "no responders" only to a publisher that is
 * subscribed to the reply subject) and blocks until the bridge hands the reply over, without nats.js's request
 * machinery; after publishes on the thread's connection, a barrier message keeps the request behind them.
 * A thread cannot read its socket while it blocks, so once two components of the thread use the same server (one
 * may request what the other answers), the subscriptions move to the bridge, whose deliveries reach a handler
 * even while a sibling waits (see `SyncBridge`).
 */
export interface ThreadNats {
  publish(message: BrokerMessage): void;
  request(subject: string, body: Uint8Array, timeoutMs: number): BrokerMessage;
  subscribe(subject: string, deliver: (message: BrokerMessage) => void, queue?: string): () => void;
  /** Resolves once the server has this connection's subscriptions. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** This thread's use of one server. */
interface ThreadUse {
  url: string;
  /** Brokers open (components using the server now). */
  users: number;
  /** The thread's own connection, opened by the first subscriber; undefined inside when it could not connect. */
  link?: Promise<Link | undefined>;
  /** The reply-subject prefix of this thread's inbox in the bridge worker, made on the first request. */
  inbox?: string;
  /** Whether the thread published on its connection since its last request (which then waits for those). */
  publishedSinceRequest: boolean;
}

interface Link {
  nc: NatsConnection;
  /** Set once two components use the server at once: subscriptions go through the bridge from then on. */
  shared: boolean;
  direct: Set<DirectSubscription>;
  /** Depth of handler calls in progress: their publishes wait for nats.js's end-of-tick flush (or the thread blocking). */
  inHandler: number;
}

interface DirectSubscription {
  owner: string;
  subject: string;
  queue?: string;
  deliver: (message: BrokerMessage) => void;
  /** The NATS subscription now: on the thread's connection, or the bridge's unsubscriber once moved. */
  current: { direct: Subscription } | { bridged: () => void };
}

const uses = new Map<string, ThreadUse>();
/** Reply tokens, unique in the thread: replies from every server's inbox come back on its one bridge channel. */
let nextToken = 1;
/** Keeps this thread's connections open with no component using them (a serve worker's next instance reuses them). */
let retained = false;

/** The private flush of nats.js's protocol handler: writes what `publish` queued without waiting for a microtask. */
function flushNow(nc: NatsConnection): void {
  (nc as unknown as { protocol?: { flushPending?: () => void } }).protocol?.flushPending?.();
}

const toBroker = (m: Msg): BrokerMessage => ({ subject: m.subject, body: m.data, replyTo: m.reply || undefined });

function bridgedSubscription(url: string, s: DirectSubscription): () => void {
  const bridge = syncBridge();
  const sid = bridge.handler(s.owner, s.deliver);
  try {
    bridge.call({ op: 'nats.subscribe', url, subject: s.subject, queue: s.queue, sid }, s.owner);
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
      // The handler's publishes are left to nats.js's flush at the end of this tick, so the answers to all the
      // messages one socket read brought go out in one write (and before the thread blocks on the bridge).
      const run = () => {
        link.inHandler++;
        try {
          withOnStack(s.owner, () => s.deliver(message));
        } finally {
          link.inHandler--;
        }
      };
      // A component is never re-entered: a delivery for one that is mid-call waits until it returns.
      if (componentsOnStack.includes(s.owner)) setImmediate(run);
      else run();
    },
  });
}

/** Moves the direct subscriptions to the bridge: unsubscribed here first, so no message arrives twice. */
async function share(use: ThreadUse, link: Link): Promise<void> {
  link.shared = true;
  const moving = [...link.direct].filter((s) => 'direct' in s.current);
  for (const s of moving) (s.current as { direct: Subscription }).direct.unsubscribe();
  await link.nc.flush();
  for (const s of moving) s.current = { bridged: bridgedSubscription(use.url, s) };
}

async function openLink(url: string): Promise<Link | undefined> {
  try {
    const { connect } = await import('@nats-io/transport-node'); // loaded only in threads that subscribe
    const nc = await connect({ servers: url.replace(/^nats:\/\//, ''), maxReconnectAttempts: 3, reconnectTimeWait: 200 });
    const unhook = onBlocking(() => flushNow(nc));
    void nc.closed().then(unhook);
    return { nc, shared: false, direct: new Set(), inHandler: 0 };
  } catch {
    return undefined; // the bridge's operations report the failure (and retry)
  }
}

async function release(use: ThreadUse): Promise<void> {
  if (--use.users > 0 || retained) return;
  uses.delete(use.url);
  const link = await use.link;
  await link?.nc.drain().catch(() => undefined);
}

/** NATS at `url` for one component of this thread; `subscribes` says whether it will subscribe (see above). */
export async function openThreadNats(url: string, owner: string, subscribes: boolean): Promise<ThreadNats> {
  let use = uses.get(url);
  if (!use) uses.set(url, (use = { url, users: 0, publishedSinceRequest: false }));
  const u = use;
  u.users++;
  if (subscribes) u.link ??= openLink(url);
  const link = await u.link;
  if (link && u.users > 1 && !link.shared) await share(u, link);
  const bridge = () => syncBridge(); // started on first use: a thread that only subscribes and answers needs none
  let closed = false;
  const mine = new Set<DirectSubscription>();
  const unsubscribe = (s: DirectSubscription) => {
    link?.direct.delete(s);
    if ('direct' in s.current) s.current.direct.unsubscribe();
    else s.current.bridged();
  };
  return {
    publish(message) {
      if (!link) {
        bridge().post({ op: 'nats.publish', url, subject: message.subject, body: message.body, replyTo: message.replyTo }, owner);
        return;
      }
      link.nc.publish(message.subject, message.body, message.replyTo === undefined ? undefined : { reply: message.replyTo });
      u.publishedSinceRequest = true;
      if (link.inHandler === 0) flushNow(link.nc);
    },
    request(subject, body, timeoutMs) {
      u.inbox ??= bridge().call({ op: 'nats.inbox', url }, owner) as string;
      const token = nextToken++;
      let after: string | undefined;
      if (link && u.publishedSinceRequest) {
        after = `${u.inbox}.b.${token}`;
        link.nc.publish(after);
        flushNow(link.nc);
        u.publishedSinceRequest = false;
      }
      bridge().post({ op: 'nats.publish', url, subject, body, replyTo: `${u.inbox}.${token}`, after }, owner);
      const m = bridge().awaitInbox(token, timeoutMs, owner);
      if (m === undefined) throw new Error(`request to ${subject} timed out after ${timeoutMs} ms`);
      if ('noResponders' in m) throw new Error(`no responders on ${subject}`);
      return m.message;
    },
    subscribe(subject, deliver, queue) {
      const s: DirectSubscription = { owner, subject, queue, deliver, current: { bridged: () => undefined } };
      s.current = link && !link.shared ? { direct: directSubscription(link, s) } : { bridged: bridgedSubscription(url, s) };
      link?.direct.add(s);
      mine.add(s);
      return () => {
        if (mine.delete(s)) unsubscribe(s);
      };
    },
    flush: async () => void (await link?.nc.flush()),
    async close() {
      if (closed) return;
      closed = true;
      for (const s of mine) unsubscribe(s);
      mine.clear();
      await release(u);
    },
  };
}

/** Keeps this thread's connections open after their last component closes (a serve worker's, for its next instance). */
export function retainThreadNats(): void {
  retained = true;
}
