export type WasmKind = 'component' | 'module';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Reads the 8-byte preamble: `\0asm` then version 1 (core module) or version 0xd layer 1 (component). */
export function wasmKind(bytes: Uint8Array): WasmKind | { problem: string } {
  if (bytes.length < 8) return { problem: `file is ${bytes.length} bytes, shorter than the 8-byte wasm preamble` };
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) return { problem: 'missing the \\0asm magic at byte offset 0 (not a wasm binary)' };
  const version = bytes[4]! | (bytes[5]! << 8);
  const layer = bytes[6]! | (bytes[7]! << 8);
  if (version === 1 && layer === 0) return 'module';
  if (layer === 1) return 'component';
  return { problem: `unknown wasm version ${version} layer ${layer} at byte offset 4` };
}
