/**
 * The sync bridge's wire format. A guest thread posts a `BridgeRequest` on its channel's port and blocks on the
 * channel's signal word; the bridge worker answers with a `reply` (or pushes a `delivery` for a subscription, or
 * an `inbox` message for a request the thread published itself) and bumps the signal. Data crosses by structured clone; `BRIDGE_MAX_BYTES` bounds what one call may carry.
 */
import type { MessagePort } from 'node:worker_threads';

/** The most bytes of values (keys, bodies, subjects) one bridge call or delivery may carry. */
export const BRIDGE_MAX_BYTES = 8 * 1024 * 1024;

export type BridgeOp =
  | { op: 'ping' }
  | { op: 'kv.get'; url: string; bucket: string; key: string }
  | { op: 'kv.set'; url: string; bucket: string; key: string; value: Uint8Array }
  | { op: 'kv.delete'; url: string; bucket: string; key: string }
  | { op: 'kv.exists'; url: string; bucket: string; key: string }
  | { op: 'kv.keys'; url: string; bucket: string; cursor?: bigint }
  | { op: 'kv.increment'; url: string; bucket: string; key: string; delta: bigint }
  | { op: 'kv.get-many'; url: string; bucket: string; keys: string[] }
  | { op: 'kv.set-many'; url: string; bucket: string; entries: Array<[string, Uint8Array]> }
  | { op: 'kv.delete-many'; url: string; bucket: string; keys: string[] }
  /** With `after`, published once a message on that subject (a barrier, in this channel's inbox) has arrived. */
  | { op: 'nats.publish'; url: string; subject: string; body: Uint8Array; replyTo?: string; after?: string }
  | { op: 'nats.subscribe'; url: string; subject: string; queue?: string; sid: number }
  | { op: 'nats.unsubscribe'; sid: number }
  /** Subscribes `<prefix>.*` for this channel and returns the prefix: replies to requests published elsewhere come back as `inbox` messages. */
  | { op: 'nats.inbox'; url: string }
  | { op: 'close' };

export type BridgeRequest = BridgeOp & { id: number };

export interface BrokerMessage {
  subject: string;
  body: Uint8Array;
  replyTo?: string;
}

export type BridgeMessage =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'delivery'; sid: number; message: BrokerMessage }
  /** A message on this channel's reply inbox (see the `nats.inbox` op); `token` is the subject's last token. */
  | { kind: 'inbox'; token: number; message: BrokerMessage }
  /** The server's "no responders" status for the request whose reply subject ends in `token`. */
  | { kind: 'inbox'; token: number; noResponders: true };

/** One guest thread's line to the bridge worker: a port for messages and a shared word it waits on. */
export interface BridgeChannel {
  port: MessagePort;
  /** Int32Array over a SharedArrayBuffer of 4 bytes; the bridge adds 1 and notifies after every post. */
  signal: SharedArrayBuffer;
}

/** Bytes a value would occupy on the bridge (strings as UTF-8 upper bound), to refuse oversized calls early. */
export function payloadBytes(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'string') return value.length * 3;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + payloadBytes(v), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + payloadBytes(v), 0);
  return 8;
}
