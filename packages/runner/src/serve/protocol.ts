/**
 * Messages between the main thread (the `node:http` server and the pool) and a serve worker.
 *
 * Worker → main goes through `parentPort` (delivered on the main thread's event loop). Main → worker goes two ways:
 * `worker.postMessage` for a new request (the worker is idle in its event loop then), and, while the worker runs a
 * guest synchronously, replies on a dedicated `MessagePort` that the worker reads with `receiveMessageOnPort`
 * after `Atomics.wait` on a shared counter (`SYNC_SIGNAL`) that the main thread bumps after each reply.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Denial } from '../host.js';
import type { Grants } from '../grants.js';

/** Bytes of one request's response that may be on their way to the client before the guest's writes wait. */
export const RESPONSE_BYTES_IN_FLIGHT = 256 * 1024;
/** Bytes of a request body the main thread buffers ahead of the guest's reads before it pauses the socket. */
export const REQUEST_BYTES_BUFFERED = 256 * 1024;
/** Index in the worker's shared Int32Array: bumped by the main thread after every sync reply. */
export const SYNC_SIGNAL = 0;
/** Index in a request's shared Int32Array: response bytes posted by the worker and not yet written to the socket. */
export const IN_FLIGHT = 0;

/** A compiled `WebAssembly.Module` (the DOM typings, where it is declared, are not in this build). */
export type CoreModule = object;

/** Given to each worker at start. */
import type { BridgeChannel } from '../host-interfaces/bridge/protocol.js';

export interface WorkerConfig {
  /** The transpiled component's directory (component.js and its core modules). */
  dir: string;
  /** Core modules compiled once on the main thread, keyed by file name as component.js asks for them. */
  modules: Record<string, CoreModule>;
  handlerExport: string;
  grants: Grants;
  reuse: boolean;
  /**
   * Whether every core module was rewritten by `exposeCoreState`, so that an instance can be put back as it was
   * made after each request instead of being made again (see `serve/recycle.ts`).
   */
  restorable?: boolean;
  /** How much a memory may have grown and still be restored (zeroed); 0 under `--max-memory`, whose room it would take. */
  keepGrowthBytes?: number;
  /** Workload siblings made with every instance, providers first, each under its own grants (see `serveWorkload`). */
  siblings?: LinkedSibling[];
  /** The served component's imports that siblings satisfy. */
  links?: SiblingLink[];
  /** Shared Int32Array(1): the sync reply signal. */
  signal: SharedArrayBuffer;
  /** The port sync replies arrive on. */
  replies: MessagePort;
  /** The component's imports and exports as jco lists them, for binding host plugins. */
  interfaces?: { imports: string[]; exports: [string, string][] };
  /** A channel to the process's sync bridge, when a host plugin reaches Redis or NATS (or shares an in-memory store). */
  bridge?: BridgeChannel;
  /** The pool's slot of this worker: slot 0 holds the instances whose messaging subscriptions are live. */
  slot: number;
  /** The served component's name in its workload (host plugins and log lines name it); `component` otherwise. */
  name?: string;
  /** Whether the served component is made with the instances that hold the messaging subscriptions (default yes). */
  listening?: boolean;
}

/** An import satisfied by a sibling's export: jco's import key (no version) and where the export object comes from. */
export interface SiblingLink {
  importKey: string;
  from: string;
  exportName: string;
}

export interface LinkedSibling {
  name: string;
  dir: string;
  modules: Record<string, CoreModule>;
  grants: Grants;
  links: SiblingLink[];
  /** The sibling's imports and exports as jco lists them, for binding its host plugins. */
  interfaces?: { imports: string[]; exports: [string, string][] };
  /** Made with every request's instance (the handler reaches it). */
  perRequest: boolean;
  /** Made with the instances that hold the messaging subscriptions (a message handler reaches it, or is it). */
  listening: boolean;
}

export type HeaderList = [string, Uint8Array][];

/** main → worker: a new request (the worker has a ready instance). */
export interface RequestStart {
  type: 'request';
  id: number;
  method: string;
  pathWithQuery: string;
  scheme: 'http' | 'https';
  authority: string | undefined;
  headers: HeaderList;
  /** Shared Int32Array(1): bytes in flight for this request's response (`IN_FLIGHT`). */
  flight: SharedArrayBuffer;
}

/** The wasi:http `error-code` variant as jco represents it. */
export interface ErrorCode {
  tag: string;
  val?: unknown;
}

export type WorkerMessage =
  /** Several messages posted as one: a message between threads costs far more than its content. */
  | { type: 'batch'; messages: WorkerMessage[] }
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | { type: 'denied'; denial: Denial }
  | { type: 'head'; id: number; status: number; headers: HeaderList }
  | { type: 'chunk'; id: number; bytes: Uint8Array }
  | { type: 'end'; id: number; trailers: HeaderList | undefined }
  /**
   * The guest returned (or trapped); `failure` says why the response is not what the guest meant; `restored`: the
   * instance was put back to its just-made state for the next request (see `serve/recycle.ts`).
   */
  | { type: 'done'; id: number; failure?: string; restored?: true }
  /** Something the server should tell its user once (an instance that could not be snapshot). */
  | { type: 'note'; message: string }
  | { type: 'pull'; seq: number; id: number }
  | { type: 'fetch'; fid: number; method: string; url: string; headers: HeaderList; body: Uint8Array | undefined; timeoutMs: number | undefined }
  | { type: 'fetch-head'; seq: number; fid: number }
  | { type: 'fetch-pull'; seq: number; fid: number }
  | { type: 'fetch-drop'; fid: number };

/** main → worker sync replies (each answers the `seq` of one worker message). */
export type SyncReply =
  | { seq: number; chunk: Uint8Array }
  | { seq: number; eof: true }
  | { seq: number; error: ErrorCode }
  | { seq: number; status: number; headers: HeaderList };
