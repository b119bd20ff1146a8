import { createHash } from 'node:crypto';
import { decodeComponent } from '@weld/binary';

/** Name of the custom section in which `weld compose` records what a component was composed from. */
export const PROVENANCE_SECTION = 'weld-provenance';

export interface ProvenanceInput {
  /** The label the input was given (file name without extension, or as named on the command line). */
  name: string;
  /** `sha256:<hex>` of the input component's bytes. */
  digest: string;
  role: 'socket' | 'plug';
  /** Imports of the socket this plug satisfies (plugs only). */
  satisfies?: string[];
}

export interface Provenance {
  tool: 'weld';
  version: string;
  inputs: ProvenanceInput[];
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function encodeProvenance(p: Provenance): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(p));
}

/** The composition provenance of a component, if it has a well-formed one (top-level custom section). */
export function readProvenance(bytes: Uint8Array): Provenance | undefined {
  const component = decodeComponent(bytes);
  for (const s of component.sections) {
    if (s.kind !== 'custom' || s.name !== PROVENANCE_SECTION) continue;
    try {
      const doc = JSON.parse(new TextDecoder().decode(s.data)) as Provenance;
      if (doc.tool === 'weld' && Array.isArray(doc.inputs) && doc.inputs.every((i) => typeof i.name === 'string' && /^sha256:[0-9a-f]{64}$/.test(i.digest))) return doc;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
