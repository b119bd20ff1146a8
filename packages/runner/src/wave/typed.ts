import type { PrimitiveType, Resolve, Type, TypeDefKind } from '@weld/wit-tools';
import { RunError } from '../errors.js';
import { waveSyntaxError, type WaveNode } from './syntax.js';

/**
 * WAVE values ⇄ the JavaScript values jco's generated bindings take and return: integers up to 32 bits and
 * floats as numbers, 64-bit integers as bigints, chars as one-code-point strings, numeric lists as typed arrays,
 * records and flags as objects with lowerCamelCase keys, tuples as arrays, enums as case-name strings,
 * variants as `{ tag, val }`, `option<T>` as T | undefined (a nested option as `{ tag: 'some'|'none', val }`),
 * and results as `{ tag: 'ok'|'err', val }` (at the top of a return value jco throws the `err` instead).
 */

const INT_RANGES: Record<string, [bigint, bigint]> = {
  u8: [0n, 255n], u16: [0n, 65535n], u32: [0n, 4294967295n], u64: [0n, 18446744073709551615n],
  s8: [-128n, 127n], s16: [-32768n, 32767n], s32: [-2147483648n, 2147483647n], s64: [-9223372036854775808n, 9223372036854775807n],
};

const TYPED_ARRAYS: Record<string, new (values: ArrayLike<number> & ArrayLike<bigint>) => unknown> = {
  u8: Uint8Array, s8: Int8Array, u16: Uint16Array, s16: Int16Array, u32: Uint32Array, s32: Int32Array,
  u64: BigUint64Array as never, s64: BigInt64Array as never, f32: Float32Array, f64: Float64Array,
};

const KEYWORDS = new Set(['true', 'false', 'inf', 'nan', 'some', 'none', 'ok', 'err']);

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

function isOptionOrResult(resolve: Resolve, type: Type): boolean {
  const k = kindOf(resolve, type);
  return typeof k === 'object' && (k.tag === 'option' || k.tag === 'result');
}

/** Converts parsed WAVE to a jco argument of `type`; `text` is the source for error carets. */
export function waveToJs(resolve: Resolve, type: Type, node: WaveNode, text: string): unknown {
  const fail = (message: string, at = node.at): never => {
    throw waveSyntaxError(text, at, message);
  };
  const want = typeName(resolve, type);
  const mismatch = (): never => fail(`expected a value of type ${want}, found ${describe(node)}`);
  const k = kindOf(resolve, type);
  if (typeof k === 'string') {
    switch (k) {
      case 'bool':
        if (node.kind === 'label' && !node.payload && (node.name === 'true' || node.name === 'false')) return node.name === 'true';
        return mismatch();
      case 'string':
        return node.kind === 'string' ? node.value : mismatch();
      case 'char':
        return node.kind === 'char' ? node.value : mismatch();
      case 'f32':
      case 'f64': {
        if (node.kind !== 'number') return mismatch();
        const v = node.text === 'nan' ? NaN : node.text === 'inf' ? Infinity : node.text === '-inf' ? -Infinity : Number(node.text);
        return k === 'f32' ? Math.fround(v) : v;
      }
      case 'error-context':
        return fail('error-context values cannot be written in WAVE');
      default: {
        if (node.kind !== 'number') return mismatch();
        if (!/^-?(0|[1-9][0-9]*)$/.test(node.text)) return fail(`expected an integer of type ${k}, found ${node.text}`);
        const v = BigInt(node.text);
        const [lo, hi] = INT_RANGES[k]!;
        if (v < lo || v > hi) return fail(`${node.text} is out of range for ${k} (${lo}..${hi})`);
        return k === 'u64' || k === 's64' ? v : Number(v);
      }
    }
  }
  switch (k.tag) {
    case 'list':
    case 'fixed-length-list': {
      if (node.kind !== 'list') return mismatch();
      if (k.tag === 'fixed-length-list' && node.items.length !== k.size) return fail(`expected ${k.size} elements for ${want}, found ${node.items.length}`);
      const items = node.items.map((item) => waveToJs(resolve, k.type, item, text));
      const elem = kindOf(resolve, k.type);
      const Typed = typeof elem === 'string' ? TYPED_ARRAYS[elem] : undefined;
      return Typed ? new Typed(items as never) : items;
    }
    case 'tuple': {
      if (node.kind !== 'tuple') return mismatch();
      if (node.items.length !== k.types.length) return fail(`expected ${k.types.length} elements for ${want}, found ${node.items.length}`);
      return node.items.map((item, i) => waveToJs(resolve, k.types[i]!, item, text));
    }
    case 'record': {
      if (node.kind !== 'record' && !(node.kind === 'flags' && node.names.length === 0)) return mismatch();
      const given = node.kind === 'record' ? node.fields : [];
      const out: Record<string, unknown> = {};
      for (const f of given) {
        if (!k.fields.some((d) => d.name === f.name)) fail(`${want} has no field ${f.name} (fields: ${k.fields.map((d) => d.name).join(', ')})`, f.at);
        if (f.name in out) fail(`field ${f.name} given twice`, f.at);
      }
      for (const field of k.fields) {
        const entry = given.find((f) => f.name === field.name);
        if (entry) out[camel(field.name)] = waveToJs(resolve, field.type, entry.value, text);
        else if (typeof kindOf(resolve, field.type) === 'object' && (kindOf(resolve, field.type) as TypeDefKind).tag === 'option') out[camel(field.name)] = undefined;
        else fail(`missing field ${field.name} of ${want}`);
      }
      return out;
    }
    case 'flags': {
      if (node.kind !== 'flags') return mismatch();
      const out: Record<string, boolean> = Object.fromEntries(k.flags.map((f) => [camel(f.name), false]));
      for (const name of node.names) {
        if (!k.flags.some((f) => f.name === name)) fail(`${want} has no flag ${name} (flags: ${k.flags.map((f) => f.name).join(', ')})`);
        out[camel(name)] = true;
      }
      return out;
    }
    case 'enum': {
      if (node.kind !== 'label' || node.payload) return mismatch();
      if (!k.cases.some((c) => c.name === node.name)) fail(`${want} has no case ${node.name} (cases: ${k.cases.map((c) => c.name).join(', ')})`);
      return node.name;
    }
    case 'variant': {
      if (node.kind !== 'label') return mismatch();
      const c = k.cases.find((x) => x.name === node.name);
      if (!c) return fail(`${want} has no case ${node.name} (cases: ${k.cases.map((x) => x.name).join(', ')})`);
      if (c.type === undefined && node.payload) return fail(`case ${c.name} of ${want} has no payload`);
      if (c.type !== undefined && !node.payload) return fail(`case ${c.name} of ${want} needs a payload: ${c.name}(…)`);
      return { tag: c.name, val: c.type !== undefined ? waveToJs(resolve, c.type, node.payload!, text) : undefined };
    }
    case 'option': {
      const nested = isOptionOrResult(resolve, k.type) && (kindOf(resolve, k.type) as TypeDefKind).tag === 'option';
      if (node.kind === 'label' && node.name === 'none' && !node.payload) return nested ? { tag: 'none' } : undefined;
      const inner =
        node.kind === 'label' && node.name === 'some' && node.payload
          ? node.payload
          : isOptionOrResult(resolve, k.type)
            ? mismatch()
            : node;
      const v = waveToJs(resolve, k.type, inner, text);
      return nested ? { tag: 'some', val: v } : v;
    }
    case 'result': {
      if (node.kind === 'label' && (node.name === 'ok' || node.name === 'err')) {
        const payloadType = node.name === 'ok' ? k.ok : k.err;
        if (payloadType === undefined && node.payload) return fail(`${node.name} of ${want} has no payload`);
        if (payloadType !== undefined && !node.payload) return fail(`${node.name} of ${want} needs a payload: ${node.name}(…)`);
        return { tag: node.name, val: payloadType !== undefined ? waveToJs(resolve, payloadType, node.payload!, text) : undefined };
      }
      if (k.ok === undefined || isOptionOrResult(resolve, k.ok)) return mismatch();
      return { tag: 'ok', val: waveToJs(resolve, k.ok, node, text) };
    }
    case 'handle':
    case 'resource':
      return fail(`resource values (${want}) cannot be passed from the command line`);
    case 'future':
    case 'stream':
      return fail(`${k.tag} values cannot be written in WAVE`);
    case 'map': {
      if (node.kind !== 'list') return mismatch();
      return new Map(
        node.items.map((item) => {
          if (item.kind !== 'tuple' || item.items.length !== 2) return fail(`expected a (key, value) pair for ${want}`, item.at);
          return [waveToJs(resolve, k.key, item.items[0]!, text), waveToJs(resolve, k.value, item.items[1]!, text)];
        }),
      );
    }
    default:
      return fail(`cannot read a value of type ${want}`);
  }
}

function describe(node: WaveNode): string {
  switch (node.kind) {
    case 'number': return `the number ${node.text}`;
    case 'string': return 'a string';
    case 'char': return 'a char';
    case 'label': return node.payload ? `${node.name}(…)` : node.name;
    default: return `a ${node.kind}`;
  }
}

function label(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

function escapeChars(s: string, quote: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.codePointAt(0)! < 0x20 || ch.codePointAt(0) === 0x7f) out += `\\u{${ch.codePointAt(0)!.toString(16)}}`;
    else out += ch;
  }
  return out;
}

function formatFloat(v: number, f32: boolean): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  if (f32) {
    for (let p = 1; p <= 9; p++) {
      const s = Number(v.toPrecision(p));
      if (Math.fround(s) === v) return String(s);
    }
  }
  return String(v);
}

/** Formats a jco value of `type` as WAVE. */
export function jsToWave(resolve: Resolve, type: Type, value: unknown): string {
  const k = kindOf(resolve, type);
  if (typeof k === 'string') {
    switch (k) {
      case 'bool': return value ? 'true' : 'false';
      case 'string': return `"${escapeChars(String(value), '"')}"`;
      case 'char': return `'${escapeChars(String(value), "'")}'`;
      case 'f32': return formatFloat(Number(value), true);
      case 'f64': return formatFloat(Number(value), false);
      default: return String(value);
    }
  }
  switch (k.tag) {
    case 'list':
    case 'fixed-length-list':
      return `[${Array.from(value as ArrayLike<unknown>, (v) => jsToWave(resolve, k.type, v)).join(', ')}]`;
    case 'tuple':
      return `(${k.types.map((t, i) => jsToWave(resolve, t, (value as unknown[])[i])).join(', ')})`;
    case 'record': {
      const obj = value as Record<string, unknown>;
      if (k.fields.length === 0) return '{:}';
      return `{${k.fields.map((f) => `${f.name}: ${jsToWave(resolve, f.type, obj[camel(f.name)])}`).join(', ')}}`;
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
      return c?.type !== undefined ? `${label(v.tag)}(${jsToWave(resolve, c.type, v.val)})` : label(v.tag);
    }
    case 'option': {
      const nested = isOptionOrResult(resolve, k.type) && (kindOf(resolve, k.type) as TypeDefKind).tag === 'option';
      if (nested) {
        const v = value as { tag: string; val?: unknown };
        return v.tag === 'none' ? 'none' : `some(${jsToWave(resolve, k.type, v.val)})`;
      }
      return value === undefined || value === null ? 'none' : `some(${jsToWave(resolve, k.type, value)})`;
    }
    case 'result': {
      const v = value as { tag: 'ok' | 'err'; val?: unknown };
      const payload = v.tag === 'ok' ? k.ok : k.err;
      return payload !== undefined ? `${v.tag}(${jsToWave(resolve, payload, v.val)})` : v.tag;
    }
    case 'map': {
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
      return `[${entries.map(([key, v]) => `(${jsToWave(resolve, k.key, key)}, ${jsToWave(resolve, k.value, v)})`).join(', ')}]`;
    }
    case 'handle':
      return `<${typeName(resolve, type)}>`;
    default:
      throw new RunError('wave-invalid', `cannot print a value of type ${typeName(resolve, type)}`);
  }
}
