import { randomBytes } from 'node:crypto';
import { openThreadNats } from './bridge/thread-nats.js';
import type { BrokerMessage } from './bridge/protocol.js';
import { componentsOnStack, withOnStack } from './util.js';

export type { BrokerMessage };

/** A message broker as the messaging plugin calls it: synchronous publish and request, subscriptions with a handler. */
export interface Broker {
  publish(message: BrokerMessage): void;
  request(subject: string, body: Uint8Array, timeoutMs: number): BrokerMessage;
  /**
   * Delivers every message on `subject` (NATS wildcards `*` and `>`) to `deliver`; with `queue`, each message
   * goes to one member of the queue group. Returns the unsubscriber.
   */
  subscribe(subject: string, deliver: (message: BrokerMessage) => void, queue?: string): () => void;
  /** Resolves once the server has every subscription made so far. */
  flush?(): Promise<void>;
  /** Releases the broker's connection. */
  close?(): Promise<void>;
}

/** Whether a NATS subject matches a subscription pattern (`*` one token, `>` one or more trailing tokens). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** Subjects are NATS tokens: non-empty, no whitespace; wildcards only for subscriptions. */
export function checkSubject(subject: string, forSubscription = false): void {
  if (subject === '' || /\s/.test(subject) || subject.split('.').some((t) => t === '')) throw new Error(`invalid subject ${JSON.stringify(subject)}`);
  if (!forSubscription && /(^|\.)[*>](\.|$)/.test(subject)) throw new Error(`a wildcard subject cannot be published to: ${subject}`);
}

interface Subscriber {
  owner: string;
  pattern: string;
  deliver: (m: BrokerMessage) => void;
  /** A request's reply inbox: it only records the reply, so it takes it at once, even mid-call. */
  inbox?: boolean;
  queue?: string;
}

let rotation = 0;

/** The subscribers a message goes to: every plain one, and one member of each queue group (round robin). */
function pickReceivers(matching: Subscriber[]): Subscriber[] {
  const plain = matching.filter((s) => s.queue === undefined);
  const groups = new Map<string, Subscriber[]>();
  for (const s of matching) if (s.queue !== undefined) groups.set(s.queue, [...(groups.get(s.queue) ?? []), s]);
  for (const members of groups.values()) plain.push(members[rotation++ % members.length]!);
  return plain;
}

/** The in-memory broker of this thread, shared by every instance in it granted `--messaging mem`. */
const subscribers = new Set<Subscriber>();

/**
 * Bytes of published bodies the in-memory broker may hold before their subscribers run (they run once the
 * publisher's call returns): a guest publishing its own memory in a loop cannot grow the host past this.
 */
export const MEMORY_BROKER_QUEUE_MAX_BYTES = 64 * 2 ** 20;
let queuedBytes = 0;

function deliverNow(s: Subscriber, m: BrokerMessage): void {
  withOnStack(s.owner, () => s.deliver(m));
}

export function memoryBroker(owner: string): Broker {
  return {
    publish(message) {
      checkSubject(message.subject);
      const matching = [...subscribers].filter((s) => subjectMatches(s.pattern, message.subject));
      for (const s of matching) if (s.inbox) s.deliver(message);
      const targets = pickReceivers(matching.filter((s) => !s.inbox));
      if (targets.length === 0) return;
      const size = message.body.byteLength;
      if (queuedBytes + size > MEMORY_BROKER_QUEUE_MAX_BYTES) {
        throw new Error(
          `the in-memory broker holds ${(queuedBytes / 2 ** 20).toFixed(1)} MiB of messages not yet delivered (at most ${MEMORY_BROKER_QUEUE_MAX_BYTES / 2 ** 20} MiB): publish refused until the subscribers have run`,
        );
      }
      queuedBytes += size;
      setImmediate(() => {
        try {
          for (const s of targets) if (subscribers.has(s)) deliverNow(s, message);
        } finally {
          queuedBytes -= size;
        }
      });
    },
    request(subject, body, timeoutMs) {
      checkSubject(subject);
      const replyTo = `_INBOX.${randomBytes(8).toString('hex')}`;
      let reply: BrokerMessage | undefined;
      const inbox: Subscriber = { owner, pattern: replyTo, deliver: (m) => (reply ??= m), inbox: true };
      const responders = pickReceivers([...subscribers].filter((s) => !s.inbox && subjectMatches(s.pattern, subject)));
      if (responders.length === 0) throw new Error(`no responders on ${subject}`);
      subscribers.add(inbox);
      try {
        // In one thread a responder can only answer while this call waits, so it is called here and now; the
        // caller's own subscriptions cannot answer (that would re-enter it).
        withOnStack(owner, () => {
          for (const s of responders) {
            if (reply || componentsOnStack.includes(s.owner)) continue;
            deliverNow(s, { subject, body, replyTo });
          }
        });
      } finally {
        subscribers.delete(inbox);
      }
      if (!reply && responders.every((s) => s.owner === owner || componentsOnStack.includes(s.owner))) {
        throw new Error(`no responders on ${subject}: only components waiting on this call subscribe to it, and they cannot answer while they wait`);
      }
      if (!reply) throw new Error(`request to ${subject} got no reply (in-memory responders answer at once, so the ${timeoutMs} ms timeout was not waited out)`);
      return reply;
    },
    subscribe(pattern, deliver, queue) {
      checkSubject(pattern, true);
      const s: Subscriber = { owner, pattern, deliver, queue };
      subscribers.add(s);
      return () => void subscribers.delete(s);
    },
  };
}

/** NATS for one component of this thread (see thread-nats.ts): `subscribes` says whether it will subscribe. */
export async function openNatsBroker(url: string, owner: string, subscribes: boolean): Promise<Broker> {
  const nats = await openThreadNats(url, owner, subscribes);
  return {
    publish(message) {
      checkSubject(message.subject);
      nats.publish(message);
    },
    request(subject, body, timeoutMs) {
      checkSubject(subject);
      return nats.request(subject, body, timeoutMs);
    },
    subscribe(subject, deliver, queue) {
      checkSubject(subject, true);
      return nats.subscribe(subject, deliver, queue);
    },
    flush: () => nats.flush(),
    close: () => nats.close(),
  };
}
