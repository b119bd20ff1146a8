import { type ResolveOptions } from '@weld/wit-tools';
import { watFilesOf } from '@weld/wit-tools/node';

/** Resolve options for `path` with every `.wat` file it reads already turned into binary (jco's parser is async). */
export async function withWatInputs(path: string, options: ResolveOptions): Promise<ResolveOptions> {
  const files = watFilesOf(path);
  if (files.length === 0) return options;
  // compose (and jco's WAT parser behind it) loads only when there is WAT to read
  const { watToBinary } = await import('@weld/compose');
  const binaries = new Map<string, Uint8Array>();
  for (const file of files) binaries.set(file, await watToBinary(file));
  return { ...options, readWat: (p) => binaries.get(p) };
}
