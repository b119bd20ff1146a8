import type { PrimitiveType, Resolve, Type, TypeDefKind } from '@weld/wit-tools';
import { RunError } from '../errors.js';
import { WaveError, debugQuote } from './errors.js';
import { formatFloat, parseF32, parseF64 } from './floats.js';
import { decodeChar, decodeMultiline, decodeString, printChar, printString } from './strings.js';
import type { WaveNode } from './syntax.js';

/**
 * WAVE values ⇄ the JavaScript values jco's generated bindings take and return: integers up to 32 bits and
 * floats as numbers, 64-bit integers as bigints, chars as one-code-point strings, numeric lists as typed arrays,
 * records and flags as objects with lowerCamelCase keys, tuples as arrays, enums as case-name strings,
 * variants as `{ tag, val }`, `option<T>` as T | undefined (a nested option as `{ tag: 'some'|'none', val }`),
 * and results as `{ tag: 'ok'|'err', val }` (at the top of a return value jco throws the `err` instead).
 * Typing follows wasm-wave's ast.rs: its error kinds and spans, and its "flattened" `some`/`ok` (a bare payload)
 * where the payload is neither an option nor a result.
 */

const INT_RANGES: Record<string, [bigint, bigint]> = {
  u8: [0n, 255n], u16: [0n, 65535n], u32: [0n, 4294967295n], u64: [0n, 18446744073709551615n],
  s8: [-128n, 127n], s16: [-32768n, 32767n], s32: [-2147483648n, 2147483647n], s64: [-9223372036854775808n, 9223372036854775807n],
};

const TYPED_ARRAYS: Record<string, new (values: ArrayLike<number> & ArrayLike<bigint>) => unknown> = {
  u8: Uint8Array, s8: Int8Array, u16: Uint16Array, s16: Int16Array, u32: Uint32Array, s32: Int32Array,
  u64: BigUint64Array as never, s64: BigInt64Array as never, f32: Float32Array, f64: Float64Array,
};

/** Labels the parser would read as something else; wasm-wave's writer prefixes such enum and variant cases with `%`. */
const KEYWORDS = new Set(['true', 'false', 'inf', 'nan', 'some', 'none', 'ok', 'err']);

/** Printing recurses once per level of the value's type; deeper than this is a crafted type, not data. */
const MAX_PRINT_DEPTH = 1000;

/** jco's field and flag names: kebab-case to lowerCamelCase (`max-len` → `maxLen`, `HTTP-code` → `httpCode`). */
export function camel(name: string): string {
  return name
    .split('-')
    .map((w, i) => {
      const lower = w.toLowerCase();
      return i === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}

export function typeName(resolve: Resolve, type: Type): string {
  if (typeof type === 'string') return type;
  const def = resolve.types[type]!;
  if (def.name) return def.name;
  const k = def.kind;
  switch (k.tag) {
    case 'list': return `list<${typeName(resolve, k.type)}>`;
    case 'fixed-length-list': return `list<${typeName(resolve, k.type)}, ${k.size}>`;
    case 'option': return `option<${typeName(resolve, k.type)}>`;
    case 'result': return `result<${k.ok !== undefined ? typeName(resolve, k.ok) : '_'}, ${k.err !== undefined ? typeName(resolve, k.err) : '_'}>`;
    case 'tuple': return `tuple<${k.types.map((t) => typeName(resolve, t)).join(', ')}>`;
    case 'map': return `map<${typeName(resolve, k.key)}, ${typeName(resolve, k.value)}>`;
    case 'type': return typeName(resolve, k.type);
    case 'handle': return `${k.handle}<${typeName(resolve, k.resource)}>`;
    default: return k.tag;
  }
}

/** The structure behind aliases (`type a = b`). */
export function kindOf(resolve: Resolve, type: Type): TypeDefKind | PrimitiveType {
  let t = type;
  for (;;) {
    if (typeof t === 'string') return t;
    const k = resolve.types[t]!.kind;
    if (k.tag !== 'type') return k;
    t = k.type;
  }
}

function tagOf(resolve: Resolve, type: Type): string {
  const k = kindOf(resolve, type);
  return typeof k === 'string' ? k : k.tag;
}

/** wasm-wave accepts a bare payload for `some(…)` or `ok(…)` unless that would be ambiguous. */
function flattenable(resolve: Resolve, type: Type): boolean {
  const tag = tagOf(resolve, type);
  return tag !== 'option' && tag !== 'result';
}

function describe(node: WaveNode, text: string): string {
  switch (node.kind) {
    case 'number': return `the number ${node.text}`;
    case 'bool': return String(node.value);
    case 'string': return 'a string';
    case 'char': return 'a char';
    case 'label': return node.payload ? `${node.name}(…)` : node.name;
    case 'option': return node.payload ? 'some(…)' : 'none';
    case 'result': return text.slice(node.at, node.end).startsWith('ok') ? (node.payload ? 'ok(…)' : 'ok') : node.payload ? 'err(…)' : 'err';
    case 'record': return 'a record';
    case 'flags': return 'flags';
    default: return `a ${node.kind}`;
  }
}

/** Converts parsed WAVE to a jco argument of `type`; `text` is the source the node was parsed from. */
export function waveToJs(resolve: Resolve, type: Type, node: WaveNode, text: string): unknown {
  const want = typeName(resolve, type);
  const error = (kind: 'invalid-type' | 'invalid-value', explanation: string): never => {
    throw new WaveError(kind, node, undefined, text, explanation);
  };
  const valueError = (detail: string, explanation?: string): never => {
    throw new WaveError('wasm-value', node, detail, text, explanation);
  };
  const mismatch = (): never => error('invalid-type', `expected a value of type ${want}, found ${describe(node, text)}`);
  /** wasm-wave's `to_wasm_maybe_payload`: a case's payload must be there exactly when its type has one. */
  const payloadOf = (caseName: string, payloadType: Type | undefined, payload: WaveNode | undefined): unknown => {
    if (payloadType !== undefined && payload) return waveToJs(resolve, payloadType, payload, text);
    if (payloadType === undefined && !payload) return undefined;
    if (payloadType !== undefined) return valueError(`missing payload for ${debugQuote(caseName)} case`, `case ${caseName} of ${want} needs a payload: ${caseName}(…)`);
    return valueError(`unexpected payload for ${debugQuote(caseName)} case`, `case ${caseName} of ${want} has no payload`);
  };
  const k = kindOf(resolve, type);
  if (typeof k === 'string') {
    switch (k) {
      case 'bool':
        return node.kind === 'bool' ? node.value : mismatch();
      case 'string':
        if (node.kind !== 'string') return mismatch();
        return node.multiline ? decodeMultiline(text, node) : decodeString(text, node);
      case 'char':
        return node.kind === 'char' ? decodeChar(text, node) : mismatch();
      case 'f32':
        return node.kind === 'number' ? parseF32(node.text) : mismatch();
      case 'f64':
        return node.kind === 'number' ? parseF64(node.text) : mismatch();
      case 'error-context':
        return error('invalid-type', 'error-context values cannot be written in WAVE');
      default: {
        if (node.kind !== 'number') return mismatch();
        const [lo, hi] = INT_RANGES[k]!;
        // Rust's integer parsing: digits only, and no sign at all for an unsigned type (`-0` is not a u8).
        if (!/^-?(0|[1-9][0-9]*)$/.test(node.text) || (lo === 0n && node.text.startsWith('-'))) {
          return error('invalid-value', `expected ${lo === 0n ? 'an unsigned' : 'an'} integer of type ${k}, found ${node.text}`);
        }
        const v = BigInt(node.text);
        if (v < lo || v > hi) return error('invalid-value', `${node.text} is out of range for ${k} (${lo}..${hi})`);
        return k === 'u64' || k === 's64' ? v : Number(v);
      }
    }
  }
  switch (k.tag) {
    case 'list':
    case 'fixed-length-list': {
      if (node.kind !== 'list') return mismatch();
      if (k.tag === 'fixed-length-list' && node.items.length !== k.size) return valueError(`expected ${k.size} list elements; got ${node.items.length}`);
      const items = node.items.map((item) => waveToJs(resolve, k.type, item, text));
      const elem = kindOf(resolve, k.type);
      const Typed = typeof elem === 'string' ? TYPED_ARRAYS[elem] : undefined;
      return Typed ? new Typed(items as never) : items;
    }
    case 'tuple': {
      if (node.kind !== 'tuple') return mismatch();
      if (node.items.length !== k.types.length) return valueError(`expected ${k.types.length} tuple elements; got ${node.items.length}`);
      return node.items.map((item, i) => waveToJs(resolve, k.types[i]!, item, text));
    }
    case 'record': {
      if (node.kind !== 'record') return mismatch();
      const out: Record<string, unknown> = {};
      for (const field of k.fields) {
        const entry = node.fields.find((f) => f.name === field.name);
        if (entry) out[camel(field.name)] = waveToJs(resolve, field.type, entry.value, text);
        else if (tagOf(resolve, field.type) === 'option') out[camel(field.name)] = noneOf(resolve, field.type);
        else valueError(`missing field ${debugQuote(field.name)}`, `missing field ${field.name} of ${want}`);
      }
      // wasm-wave ignores unknown fields; a misspelt field is a mistake worth reporting.
      const unknown = node.fields.find((f) => !k.fields.some((d) => d.name === f.name));
      if (unknown) {
        throw new WaveError('wasm-value', unknown, `unknown field ${debugQuote(unknown.name)}`, text, `${want} has no field ${unknown.name} (fields: ${k.fields.map((d) => d.name).join(', ')})`);
      }
      return out;
    }
    case 'flags': {
      if (node.kind !== 'flags') return mismatch();
      const out: Record<string, boolean> = Object.fromEntries(k.flags.map((f) => [camel(f.name), false]));
      for (const name of [...node.names].sort()) {
        if (!k.flags.some((f) => f.name === name)) valueError(`unknown case ${debugQuote(name)}`, `${want} has no flag ${name} (flags: ${k.flags.map((f) => f.name).join(', ')})`);
        out[camel(name)] = true;
      }
      return out;
    }
    case 'enum': {
      if (node.kind !== 'label' || node.payload) return mismatch();
      if (!k.cases.some((c) => c.name === node.name)) valueError(`unknown case ${debugQuote(node.name)}`, `${want} has no case ${node.name} (cases: ${k.cases.map((c) => c.name).join(', ')})`);
      return node.name;
    }
    case 'variant': {
      if (node.kind !== 'label') return mismatch();
      const c = k.cases.find((x) => x.name === node.name);
      if (!c) return valueError(`unknown case ${debugQuote(node.name)}`, `${want} has no case ${node.name} (cases: ${k.cases.map((x) => x.name).join(', ')})`);
      return { tag: c.name, val: payloadOf(c.name, c.type, node.payload) };
    }
    case 'option': {
      const nested = tagOf(resolve, k.type) === 'option';
      if (node.kind === 'option' && !node.payload) return noneOf(resolve, type);
      const v =
        node.kind === 'option'
          ? waveToJs(resolve, k.type, node.payload!, text)
          : flattenable(resolve, k.type)
            ? waveToJs(resolve, k.type, node, text)
            : mismatch();
      return nested ? { tag: 'some', val: v } : v;
    }
    case 'result': {
      if (node.kind === 'result') {
        const tag = node.ok ? 'ok' : 'err';
        return { tag, val: payloadOf(tag, node.ok ? k.ok : k.err, node.payload) };
      }
      if (k.ok === undefined || !flattenable(resolve, k.ok)) return mismatch();
      return { tag: 'ok', val: waveToJs(resolve, k.ok, node, text) };
    }
    case 'handle':
    case 'resource':
      return error('invalid-type', `resource values (${want}) cannot be passed from the command line`);
    case 'future':
    case 'stream':
      return error('invalid-type', `${k.tag} values cannot be written in WAVE`);
    case 'map': {
      if (node.kind !== 'list') return mismatch();
      return new Map(
        node.items.map((item) => {
          if (item.kind !== 'tuple' || item.items.length !== 2) throw new WaveError('invalid-type', item, undefined, text, `expected a (key, value) pair for ${want}`);
          return [waveToJs(resolve, k.key, item.items[0]!, text), waveToJs(resolve, k.value, item.items[1]!, text)];
        }),
      );
    }
    default:
      return error('invalid-type', `cannot read a value of type ${want}`);
  }
}

/** jco's `none` of an option type. */
function noneOf(resolve: Resolve, optionType: Type): unknown {
  const k = kindOf(resolve, optionType) as TypeDefKind & { tag: 'option' };
  return tagOf(resolve, k.type) === 'option' ? { tag: 'none' } : undefined;
}

function isNone(resolve: Resolve, optionType: Type, value: unknown): boolean {
  const k = kindOf(resolve, optionType) as TypeDefKind & { tag: 'option' };
  if (tagOf(resolve, k.type) === 'option') return (value as { tag: string }).tag === 'none';
  return value === undefined || value === null;
}

function label(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

/** Formats a jco value of `type` as WAVE, as wasm-wave's writer does. */
export function jsToWave(resolve: Resolve, type: Type, value: unknown, depth = 0): string {
  if (depth > MAX_PRINT_DEPTH) throw new RunError('wave-invalid', `cannot print a value of type nested more than ${MAX_PRINT_DEPTH} deep`);
  const print = (t: Type, v: unknown) => jsToWave(resolve, t, v, depth + 1);
  const k = kindOf(resolve, type);
  if (typeof k === 'string') {
    switch (k) {
      case 'bool': return value ? 'true' : 'false';
      case 'string': return printString(String(value));
      case 'char': return printChar(String(value));
      case 'f32': return formatFloat(Number(value), true);
      case 'f64': return formatFloat(Number(value), false);
      default: return String(value);
    }
  }
  switch (k.tag) {
    case 'list':
    case 'fixed-length-list':
      return `[${Array.from(value as ArrayLike<unknown>, (v) => print(k.type, v)).join(', ')}]`;
    case 'tuple':
      return `(${k.types.map((t, i) => print(t, (value as unknown[])[i])).join(', ')})`;
    case 'record': {
      const obj = value as Record<string, unknown>;
      const shown = k.fields.filter((f) => tagOf(resolve, f.type) !== 'option' || !isNone(resolve, f.type, obj[camel(f.name)]));
      if (shown.length === 0) return '{:}';
      return `{${shown.map((f) => `${f.name}: ${print(f.type, obj[camel(f.name)])}`).join(', ')}}`;
    }
    case 'flags': {
      const obj = value as Record<string, boolean>;
      return `{${k.flags.filter((f) => obj[camel(f.name)]).map((f) => f.name).join(', ')}}`;
    }
    case 'enum':
      return label(String(value));
    case 'variant': {
      const v = value as { tag: string; val?: unknown };
      const c = k.cases.find((x) => x.name === v.tag);
      return c?.type !== undefined ? `${label(v.tag)}(${print(c.type, v.val)})` : label(v.tag);
    }
    case 'option': {
      if (isNone(resolve, type, value)) return 'none';
      const inner = tagOf(resolve, k.type) === 'option' ? (value as { val?: unknown }).val : value;
      return `some(${print(k.type, inner)})`;
    }
    case 'result': {
      const v = value as { tag: 'ok' | 'err'; val?: unknown };
      const payload = v.tag === 'ok' ? k.ok : k.err;
      return payload !== undefined ? `${v.tag}(${print(payload, v.val)})` : v.tag;
    }
    case 'map': {
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
      return `[${entries.map(([key, v]) => `(${print(k.key, key)}, ${print(k.value, v)})`).join(', ')}]`;
    }
    case 'handle':
      return `<${typeName(resolve, type)}>`;
    default:
      throw new RunError('wave-invalid', `cannot print a value of type ${typeName(resolve, type)}`);
  }
}
