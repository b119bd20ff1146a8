import { encodeGraph, withJoinedBytes } from '../graph/encode.js';
import { plugGraph, type PlugReport } from '../graph/plugs.js';
import { planGraph, type CompositionPlan } from '../graph/plan.js';
import { sha256Digest } from '@weld/core';
import type { Provenance } from './provenance.js';

export type { PlugReport };

export interface ComposeInput {
  /** A label for messages and provenance, e.g. the file name without `.wasm`. */
  name: string;
  bytes: Uint8Array;
  /** Where it was read from (`calc.wasm`), named in type errors. */
  source?: string;
  /** `sha256:<hex>` of `bytes` when the caller has it (`readFileDigest` from `@weld/core/node` reads and hashes in one pass): recorded in provenance instead of hashing the bytes again. */
  digest?: string;
}

export interface ComposedComponent {
  /** joined on first use; `chunks` is the result without copying the inputs' bytes (see `EncodedComposition`) */
  readonly bytes: Uint8Array;
  readonly chunks: readonly Uint8Array[];
  readonly size: number;
  plugs: PlugReport[];
  /** Imports left for the host (forwarded from the inputs, one per interface). */
  imports: string[];
  exports: string[];
  provenance: Provenance;
  plan: CompositionPlan;
  warnings: string[];
}

/**
 * `wac plug`, in any order: see `plugGraph`. The result exports what the socket exports, carries a `weld-provenance`
 * custom section naming its inputs by digest, and is validated before it is returned.
 */
export async function plugComponents(socket: ComposeInput, plugs: ComposeInput[], options: { weldVersion: string; strict?: boolean }): Promise<ComposedComponent> {
  const g = plugGraph(socket, plugs);
  // (WebCrypto's digest on the thread pool was measured slower than OpenSSL's on the main thread: 26 vs 10 ms for 12 MB)
  const [socketDigest, ...plugDigests] = [socket, ...plugs].map((i) => i.digest ?? sha256Digest(i.bytes));
  const provenance: Provenance = {
    tool: 'weld',
    version: options.weldVersion,
    inputs: [
      { name: socket.name, digest: socketDigest!, role: 'socket' },
      ...plugs.map((p, i) => ({ name: p.name, digest: plugDigests[i]!, role: 'plug' as const, satisfies: g.plugs[i]!.satisfies })),
    ],
  };
  const encoded = encodeGraph(g.graph, { provenance, strict: options.strict });
  return withJoinedBytes({ chunks: encoded.chunks, plugs: g.plugs, imports: encoded.imports, exports: encoded.exports, provenance, plan: encoded.plan, warnings: encoded.plan.warnings });
}

/** The plan of a plug composition, without encoding it (`weld compose --plan`). */
export function planPlugComponents(socket: ComposeInput, plugs: ComposeInput[]): CompositionPlan & { plugs: PlugReport[] } {
  const g = plugGraph(socket, plugs);
  return { ...planGraph(g.graph), plugs: g.plugs };
}
