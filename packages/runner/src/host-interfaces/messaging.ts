import { writeSync } from 'node:fs';
import { memoryBroker, openNatsBroker, subjectMatches, type Broker, type BrokerMessage } from './broker.js';
import type { GuestExports, HostPlugin } from './types.js';
import { hostError, messageOf, versionless } from './util.js';

const HANDLER = 'wasmcloud:messaging/handler';

interface GuestMessage {
  subject: string;
  body: Uint8Array;
  replyTo?: string;
}

/** The guest's `handle-message`, from jco's exports (keyed by the versioned name, or its short alias). */
function findHandler(guest: GuestExports): ((m: GuestMessage) => unknown) | undefined {
  for (const [key, value] of Object.entries(guest)) {
    if (versionless(key) !== HANDLER) continue;
    const f = (value as { handleMessage?: unknown } | undefined)?.handleMessage;
    if (typeof f === 'function') return f.bind(value) as (m: GuestMessage) => unknown;
  }
  return undefined;
}

/**
 * `wasmcloud:messaging` 0.2.0 (consumer, handler) on memory or NATS: `config.url` is `mem` or `nats://…`;
 * `config.subscriptions` (comma-separated subjects, each optionally `subject|queue-group` as wasmCloud's NATS
 * provider spells a queue subscription) are subscribed when the instance starts, and each message is a `handle-message` call. A failed handler is reported on stderr.
 * `config.publish` (comma-separated subjects, NATS wildcards allowed), when set, is all the component may publish
 * or request to, besides the reply subjects of the messages it is handed; anything else is denied.
 */
const messagingPlugin: HostPlugin = {
  name: 'messaging',
  interfaces: ['wasmcloud:messaging/consumer@0.2.0', 'wasmcloud:messaging/types@0.2.0'],
  exports: ['wasmcloud:messaging/handler@0.2.0'],
  async create({ component, config, imports, onDenied }) {
    const url = config.url ?? 'mem';
    const subjects = (config.subscriptions ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const allowed = config.publish?.split(',').map((s) => s.trim()).filter(Boolean);
    /** Reply subjects of messages handed to this component, which it may answer once each whatever `publish` says. */
    const replies = new Set<string>();
    const mayPublish = (subject: string, what: string) => {
      if (allowed === undefined || allowed.some((p) => subjectMatches(p, subject)) || replies.delete(subject)) return;
      onDenied({ capability: 'messaging', attempted: `${what} ${subject}`, grant: `publish: ${subject} in the messaging config of ${component}` });
      throw hostError(`access denied: ${component} may not publish to ${subject}`);
    };
    const broker: Broker = url === 'mem' ? memoryBroker(component) : await openNatsBroker(url, component, subjects.length > 0);
    const unsubscribers: Array<() => void> = [];
    const consumer = {
      request(subject: string, body: Uint8Array, timeoutMs: number): GuestMessage {
        mayPublish(subject, 'request to');
        try {
          const m = broker.request(subject, body, timeoutMs);
          return { subject: m.subject, body: m.body, replyTo: m.replyTo };
        } catch (e) {
          throw hostError(messageOf(e));
        }
      },
      publish(msg: GuestMessage): void {
        mayPublish(msg.subject, 'publish to');
        try {
          broker.publish({ subject: msg.subject, body: msg.body, replyTo: msg.replyTo });
        } catch (e) {
          throw hostError(messageOf(e));
        }
      },
    };
    const byInterface: Record<string, object> = { 'wasmcloud:messaging/consumer': consumer, 'wasmcloud:messaging/types': {} };
    return {
      imports: Object.fromEntries(imports.map((name) => [name, byInterface[versionless(name)]!])),
      async start(guest) {
        if (subjects.length === 0) return;
        const handle = findHandler(guest);
        if (!handle) throw new Error(`${component} has subscriptions (${subjects.join(', ')}) but does not export ${HANDLER}`);
        const deliver = (m: BrokerMessage) => {
          if (allowed !== undefined && m.replyTo !== undefined) replies.add(m.replyTo);
          try {
            handle({ subject: m.subject, body: m.body, replyTo: m.replyTo });
          } catch (e) {
            const payload = (e as { payload?: unknown }).payload;
            writeSync(2, `weld: ${component}: handle-message for ${m.subject} failed: ${payload !== undefined ? String(payload) : messageOf(e)}\n`);
          } finally {
            if (m.replyTo !== undefined) replies.delete(m.replyTo); // answered now or never
          }
        };
        for (const entry of subjects) {
          const [subject, queue] = entry.split('|').map((s) => s.trim());
          unsubscribers.push(broker.subscribe(subject!, deliver, queue || undefined));
        }
        await broker.flush?.(); // subscribed at the server before the component counts as started
      },
      async close() {
        for (const u of unsubscribers.splice(0)) u();
        await broker.close?.();
      },
    };
  },
};

export default messagingPlugin;
