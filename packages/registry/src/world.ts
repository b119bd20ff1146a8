import { open } from 'node:fs/promises';
import { PROVENANCE_SECTION, decodeComponent, provenanceOf, sniff, type Provenance } from '@weld/binary/codec';
import { fileProblem, notRegularFile } from '@weld/core';
import { RegistryError } from './errors.js';

/** What a registry artifact records about a wasm binary: its kind, top-level import/export names, metadata. */
export interface WorldNames {
  kind: 'component' | 'module';
  imports: string[];
  exports: string[];
  /** wasm-metadata custom sections (description, licenses, source, homepage, revision, version, authors). */
  metadata: Record<string, string>;
  /** What `weld compose` recorded the component was made from, if it was. */
  provenance?: Provenance;
}

/**
 * Reads the names a component imports and exports at its top level (what wkg's oci-wasm puts into
 * `component.imports/exports`) and its wasm-metadata fields, using the binary codec.
 */
export function componentWorldNames(bytes: Uint8Array, file?: string): WorldNames {
  const kind = sniff(bytes);
  if (kind === 'module') return { kind, imports: [], exports: [], metadata: {} };
  if (kind !== 'component') {
    throw new RegistryError('not-a-wasm-artifact', `${file ?? 'the file'} is not a WebAssembly component or module (bad magic number)`, { at: { offset: 0 } });
  }
  let component;
  try {
    component = decodeComponent(bytes);
  } catch (e) {
    const err = e as { message?: string; detail?: string };
    throw new RegistryError('not-a-wasm-artifact', `${file ?? 'the component'} cannot be decoded: ${err.message ?? String(e)}`, { cause: e, detail: err.detail });
  }
  const imports: string[] = [];
  const exports: string[] = [];
  const metadata: Record<string, string> = {};
  for (const s of component.sections) {
    if (s.kind === 'import') for (const i of s.items) imports.push(i.name.name);
    else if (s.kind === 'export') for (const x of s.items) exports.push(x.name.name);
    else if (s.kind === 'custom' && s.payload.kind === 'metadata') metadata[s.payload.field] = s.payload.value;
  }
  const provenance = provenanceOf(component);
  return { kind: 'component', imports, exports, metadata, ...(provenance ? { provenance } : {}) };
}

const WORLD_SECTION_IDS = new Set([10, 11]);
const METADATA_SECTION_NAMES = new Set(['description', 'licenses', 'source', 'homepage', 'revision', 'version', 'authors', 'name', PROVENANCE_SECTION]);
const MAX_KEPT_SECTION = 16 * 1024 * 1024;

/**
 * `componentWorldNames` for a file of any size: reads only the preamble, the top-level import/export
 * sections and small metadata custom sections (seeking past core modules, nested components and other
 * bulk), and decodes that reduced component. Memory stays bounded for very large components.
 */
export async function componentWorldNamesFromFile(path: string): Promise<WorldNames> {
  const fh = await open(path, 'r').catch((e: unknown) => {
    const problem = fileProblem(path, e);
    throw new RegistryError(problem.code, problem.message, { cause: e });
  });
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) {
      const problem = fileProblem(path, notRegularFile(path, stat));
      throw new RegistryError(problem.code, problem.message);
    }
    const size = stat.size;
    const read = async (pos: number, n: number) => {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, pos);
      return buf.subarray(0, bytesRead);
    };
    const preamble = await read(0, 8);
    const kind = sniff(preamble);
    if (kind !== 'component') return componentWorldNames(preamble, path);
    const kept: Buffer[] = [preamble];
    let pos = 8;
    while (pos < size) {
      const head = await read(pos, 6);
      const id = head[0];
      let len = 0;
      let shift = 0;
      let i = 1;
      for (; i < head.length; i++) {
        len += (head[i] & 0x7f) * 2 ** shift;
        shift += 7;
        if ((head[i] & 0x80) === 0) break;
      }
      if (i >= head.length) throw new RegistryError('not-a-wasm-artifact', `${path}: malformed section header at byte ${pos}`);
      const headerLen = i + 1;
      const end = pos + headerLen + len;
      if (end > size) throw new RegistryError('not-a-wasm-artifact', `${path}: section at byte ${pos} runs past the end of the file`);
      let keep = WORLD_SECTION_IDS.has(id);
      if (id === 0 && len <= 65536) {
        const section = await read(pos, headerLen + len);
        const nameLen = section[headerLen];
        const name = section.subarray(headerLen + 1, headerLen + 1 + nameLen).toString('utf8');
        if (METADATA_SECTION_NAMES.has(name)) kept.push(section);
      }
      if (keep) {
        if (len > MAX_KEPT_SECTION) throw new RegistryError('not-a-wasm-artifact', `${path}: import/export section at byte ${pos} is implausibly large`);
        kept.push(await read(pos, headerLen + len));
        keep = false;
      }
      pos = end;
    }
    return componentWorldNames(Buffer.concat(kept), path);
  } finally {
    await fh.close();
  }
}
