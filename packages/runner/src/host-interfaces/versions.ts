import { interfaceIdString } from '@weld/wit-tools';

/**
 * The versioned names of the interfaces a component imports (`wasi:keyvalue/store@0.2.0-draft`), read from its
 * binary: jco's bindings look imports up without versions, so this is where the version check gets them. The
 * codec is loaded only here, for components that import more than WASI.
 */
export async function versionedImports(bytes: Uint8Array): Promise<string[]> {
  const { extractWit } = await import('@weld/binary');
  const wit = extractWit(bytes);
  if (wit.kind !== 'component') return [];
  const out: string[] = [];
  for (const [key, item] of wit.resolve.worlds[wit.world]!.imports) {
    if (item.tag !== 'interface') continue;
    out.push(typeof key === 'string' ? key : (interfaceIdString(wit.resolve, item.id) ?? ''));
  }
  return out.filter(Boolean);
}
