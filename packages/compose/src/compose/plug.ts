import { BinaryError, decodeComponent, encodeComponent, validateComponent, type Sort, ALL_FEATURES } from '@weld/binary';
import { ComponentBuilder } from './builder.js';
import { ComposeError } from './errors.js';
import { ComponentSpaces, ImportForwarder } from './imports.js';
import { sha256Digest } from '@weld/core/node';
import { PROVENANCE_SECTION, encodeProvenance, type Provenance } from './provenance.js';

export interface ComposeInput {
  /** A label for messages and provenance, e.g. the file name without `.wasm`. */
  name: string;
  bytes: Uint8Array;
}

export interface PlugReport {
  plug: string;
  /** The socket's (or an earlier plug's) imports this plug's exports satisfy. */
  satisfies: string[];
}

export interface ComposedComponent {
  bytes: Uint8Array;
  plugs: PlugReport[];
  /** Imports left for the host (forwarded from the inputs, each declared once). */
  imports: string[];
  exports: string[];
  provenance: Provenance;
}

interface Decoded {
  input: ComposeInput;
  spaces: ComponentSpaces;
}

function decode(input: ComposeInput): Decoded {
  try {
    return { input, spaces: new ComponentSpaces(decodeComponent(input.bytes)) };
  } catch (e) {
    if (e instanceof BinaryError) throw new ComposeError('input-invalid', `${input.name} is not a valid component: ${e.message}`, { detail: e.detail, cause: e });
    throw e;
  }
}

const PLUGGABLE: Sort[] = ['instance', 'func'];

/**
 * `wac plug`: the socket's imports that a plug exports (same name) are satisfied by that plug; everything else the
 * inputs import is forwarded as an import of the result, declared once. Plugs are instantiated in order, so a
 * later plug may also take an earlier plug's exports. The result exports what the socket exports, carries a
 * `weld-provenance` custom section naming its inputs by digest, and is validated before it is returned (a plug
 * whose export does not match the import's type fails here).
 */
export function plugComponents(socketInput: ComposeInput, plugInputs: ComposeInput[], options: { weldVersion: string }): ComposedComponent {
  if (plugInputs.length === 0) throw new ComposeError('no-plugs', 'nothing to plug: give at least one plug component');
  const socket = decode(socketInput);
  const plugs = plugInputs.map(decode);

  const out = new ComponentBuilder();
  const forwarder = new ImportForwarder(out);
  /** name → which plug instance exports it */
  const providers = new Map<string, { plug: number; sort: Sort }>();
  const plugInstances: number[] = [];
  const aliased = new Map<string, number>();
  const reports: PlugReport[] = plugs.map((p) => ({ plug: p.input.name, satisfies: [] }));

  const resolveImport = (from: Decoded, imp: ComponentSpaces['imports'][number], consumer: number): { name: string; sort: Sort; index: number } => {
    const provider = providers.get(imp.name);
    if (provider && provider.plug < consumer) {
      if (provider.sort !== imp.sort) {
        throw new ComposeError('plug-conflict', `${plugs[provider.plug]!.input.name} exports ${imp.name} as a ${String(provider.sort)}, but ${from.input.name} imports it as a ${String(imp.sort)}`);
      }
      let index = aliased.get(imp.name);
      if (index === undefined) {
        index = out.addAlias({ kind: 'instance-export', sort: imp.sort, instance: plugInstances[provider.plug]!, name: imp.name });
        aliased.set(imp.name, index);
      }
      if (!reports[provider.plug]!.satisfies.includes(imp.name)) reports[provider.plug]!.satisfies.push(imp.name);
      return { name: imp.name, sort: imp.sort, index };
    }
    return { name: imp.name, sort: imp.sort, index: forwarder.forward(from.spaces, imp) };
  };

  plugs.forEach((plug, i) => {
    const component = out.addComponent(plug.spaces.component);
    const args = plug.spaces.imports.map((imp) => resolveImport(plug, imp, i));
    plugInstances.push(out.addInstance({ kind: 'instantiate', component, args }));
    for (const e of plug.spaces.exports) {
      if (!PLUGGABLE.includes(e.sort)) continue;
      const other = providers.get(e.name);
      if (other) throw new ComposeError('plug-conflict', `${plugs[other.plug]!.input.name} and ${plug.input.name} both export ${e.name}; plug one of them`);
      providers.set(e.name, { plug: i, sort: e.sort });
    }
  });

  const socketComponent = out.addComponent(socket.spaces.component);
  const socketArgs = socket.spaces.imports.map((imp) => resolveImport(socket, imp, plugs.length));
  const socketInstance = out.addInstance({ kind: 'instantiate', component: socketComponent, args: socketArgs });

  const unused = reports.filter((r) => r.satisfies.length === 0);
  if (unused.length > 0) {
    const wanted = socket.spaces.imports.map((i) => i.name).join(', ') || '(none)';
    throw new ComposeError('plug-unused', `${unused.map((r) => r.plug).join(', ')} ${unused.length === 1 ? 'satisfies' : 'satisfy'} none of the imports of ${socket.input.name}`, {
      detail: `${socket.input.name} imports: ${wanted}`,
      hint: 'a plug must export an interface the socket imports, with the same name and version',
    });
  }

  const exports: string[] = [];
  for (const e of socket.spaces.exports) {
    const index = out.addAlias({ kind: 'instance-export', sort: e.sort, instance: socketInstance, name: e.name });
    out.addExport(e.name, e.sort, index);
    exports.push(e.name);
  }
  const provenance: Provenance = {
    tool: 'weld',
    version: options.weldVersion,
    inputs: [
      { name: socket.input.name, digest: sha256Digest(socket.input.bytes), role: 'socket' },
      ...plugs.map((p, i) => ({ name: p.input.name, digest: sha256Digest(p.input.bytes), role: 'plug' as const, satisfies: reports[i]!.satisfies })),
    ],
  };
  out.addCustom(PROVENANCE_SECTION, encodeProvenance(provenance));

  const bytes = encodeComponent(out.build());
  // the inputs may use any proposal their toolchains emit: the composition is checked for what it adds
  const checked = validateComponent(bytes, { features: ALL_FEATURES });
  if (!checked.valid) {
    throw new ComposeError('composition-invalid', `the composed component does not validate: ${checked.error.message}`, {
      detail: checked.error.detail,
      hint: 'a plug export whose type differs from the import it satisfies is the usual cause; compare them with `weld wit extract`',
    });
  }
  const imports = checked.component.sections.flatMap((s) => (s.kind === 'import' ? s.items.map((i) => i.name.name) : []));
  return { bytes, plugs: reports, imports, exports, provenance };
}
