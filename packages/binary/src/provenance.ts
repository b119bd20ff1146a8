import type { Component } from './ast.js';

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

/** The composition provenance in a component's top-level `weld-provenance` section, if well-formed. */
export function provenanceOf(component: Component): Provenance | undefined {
  for (const s of component.sections) {
    if (s.kind !== 'custom' || s.name !== PROVENANCE_SECTION) continue;
    try {
      const doc = JSON.parse(new TextDecoder().decode(s.data)) as Provenance;
      const ok = doc.tool === 'weld' && Array.isArray(doc.inputs) && doc.inputs.every((i) => typeof i.name === 'string' && /^sha256:[0-9a-f]{64}$/.test(i.digest));
      return ok ? doc : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
