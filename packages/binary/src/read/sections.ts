import type { Canon, CanonOption, Export, Import, Instance, Start, Value } from '../ast.js';
import type { Reader } from '../reader.js';
import { readCoreValType } from './core.js';
import { readExternName, readExternType, readResultList, readExternalKind, readValType } from './types.js';

export function readInstance(r: Reader): Instance {
  const b = r.u8();
  if (b === 0x00) {
    const component = r.u32();
    const args = r.vec('instantiation arguments', () => ({ name: r.string(), sort: readExternalKind(r), index: r.u32() }));
    return { kind: 'instantiate', component, args };
  }
  if (b === 0x01) {
    return { kind: 'exports', exports: r.vec('instance exports', () => ({ name: readExternName(r), sort: readExternalKind(r), index: r.u32() })) };
  }
  return r.leading('instance', b);
}

function readOption(r: Reader): CanonOption {
  const b = r.u8();
  switch (b) {
    case 0x00: return { kind: 'utf8' };
    case 0x01: return { kind: 'utf16' };
    case 0x02: return { kind: 'latin1+utf16' };
    case 0x03: return { kind: 'memory', index: r.u32() };
    case 0x04: return { kind: 'realloc', index: r.u32() };
    case 0x05: return { kind: 'post-return', index: r.u32() };
    case 0x06: return { kind: 'async' };
    case 0x07: return { kind: 'callback', index: r.u32() };
    case 0x08: return { kind: 'core-type', index: r.u32() };
    case 0x09: return { kind: 'gc' };
    default: return r.leading('canonical option', b);
  }
}

function readOptions(r: Reader): CanonOption[] {
  return r.vec('canonical options', () => readOption(r), 64);
}

function readFlag(r: Reader, what: string): boolean {
  const b = r.u8();
  if (b > 1) r.fail('invalid-leading-byte', `invalid boolean value 0x${b.toString(16)} for the ${what}`, r.pos - 1);
  return b === 1;
}

const NULLARY: Readonly<Record<number, Canon['op']>> = {
  0x24: 'backpressure.inc', 0x25: 'backpressure.dec', 0x05: 'task.cancel', 0x0d: 'subtask.drop', 0x1e: 'error-context.drop',
  0x1f: 'waitable-set.new', 0x22: 'waitable-set.drop', 0x23: 'waitable.join', 0x26: 'thread.index', 0x28: 'thread.resume-later',
};
const TYPED: Readonly<Record<number, Canon['op']>> = {
  0x02: 'resource.new', 0x03: 'resource.drop', 0x04: 'resource.rep',
  0x0e: 'stream.new', 0x13: 'stream.drop-readable', 0x14: 'stream.drop-writable',
  0x15: 'future.new', 0x1a: 'future.drop-readable', 0x1b: 'future.drop-writable',
};
const TYPED_OPTS: Readonly<Record<number, Canon['op']>> = { 0x0f: 'stream.read', 0x10: 'stream.write', 0x16: 'future.read', 0x17: 'future.write' };
const TYPED_ASYNC: Readonly<Record<number, Canon['op']>> = {
  0x11: 'stream.cancel-read', 0x12: 'stream.cancel-write', 0x18: 'future.cancel-read', 0x19: 'future.cancel-write',
};
const CANCELLABLE: Readonly<Record<number, Canon['op']>> = {
  0x29: 'thread.suspend', 0x0c: 'thread.yield', 0x2a: 'thread.suspend-then-resume', 0x2b: 'thread.yield-then-resume',
  0x2c: 'thread.suspend-then-promote', 0x2d: 'thread.yield-then-promote',
};

/** Opcode of each canon builtin, for the writer. */
export const CANON_OPCODES: Readonly<Record<string, number>> = Object.fromEntries([
  ...[NULLARY, TYPED, TYPED_OPTS, TYPED_ASYNC, CANCELLABLE].flatMap((t) => Object.entries(t).map(([k, v]) => [v, Number(k)])),
  ['lift', 0x00], ['lower', 0x01], ['task.return', 0x09], ['context.get', 0x0a], ['context.set', 0x0b],
  ['subtask.cancel', 0x06], ['error-context.new', 0x1c], ['error-context.debug-message', 0x1d],
  ['waitable-set.wait', 0x20], ['waitable-set.poll', 0x21], ['thread.new-indirect', 0x27],
  ['thread.spawn-ref', 0x40], ['thread.spawn-indirect', 0x41], ['thread.available-parallelism', 0x42],
]);

export function readCanon(r: Reader): Canon {
  const b = r.u8();
  if (NULLARY[b]) return { op: NULLARY[b] } as Canon;
  if (TYPED[b]) return b <= 0x04 ? ({ op: TYPED[b], resource: r.u32() } as Canon) : ({ op: TYPED[b], type: r.u32() } as Canon);
  if (TYPED_OPTS[b]) return { op: TYPED_OPTS[b], type: r.u32(), options: readOptions(r) } as Canon;
  if (TYPED_ASYNC[b]) return { op: TYPED_ASYNC[b], type: r.u32(), async: readFlag(r, 'async flag') } as Canon;
  if (CANCELLABLE[b]) return { op: CANCELLABLE[b], cancellable: readFlag(r, 'cancellable flag') } as Canon;
  switch (b) {
    case 0x00: {
      const s = r.u8();
      if (s !== 0x00) r.leading('canonical function lift', s);
      const coreFunc = r.u32();
      const options = readOptions(r);
      return { op: 'lift', coreFunc, options, type: r.u32() };
    }
    case 0x01: {
      const s = r.u8();
      if (s !== 0x00) r.leading('canonical function lower', s);
      return { op: 'lower', func: r.u32(), options: readOptions(r) };
    }
    case 0x09: {
      const result = readResultList(r);
      const options = readOptions(r);
      return result === undefined ? { op: 'task.return', options } : { op: 'task.return', result, options };
    }
    case 0x0a:
    case 0x0b:
      return { op: b === 0x0a ? 'context.get' : 'context.set', type: readCoreValType(r), slot: r.u32() };
    case 0x06:
      return { op: 'subtask.cancel', async: readFlag(r, 'async flag') };
    case 0x1c:
    case 0x1d:
      return { op: b === 0x1c ? 'error-context.new' : 'error-context.debug-message', options: readOptions(r) };
    case 0x20:
    case 0x21:
      return { op: b === 0x20 ? 'waitable-set.wait' : 'waitable-set.poll', cancellable: readFlag(r, 'cancellable flag'), memory: r.u32() };
    case 0x27:
      return { op: 'thread.new-indirect', funcType: r.u32(), table: r.u32() };
    case 0x40:
      return { op: 'thread.spawn-ref', shared: readFlag(r, 'shared flag'), funcType: r.u32() };
    case 0x41:
      return { op: 'thread.spawn-indirect', shared: readFlag(r, 'shared flag'), funcType: r.u32(), table: r.u32() };
    case 0x42:
      return { op: 'thread.available-parallelism', shared: readFlag(r, 'shared flag') };
    default:
      return r.leading('canonical function', b);
  }
}

export function readImport(r: Reader): Import {
  return { name: readExternName(r), type: readExternType(r) };
}

export function readExport(r: Reader): Export {
  const name = readExternName(r);
  const sort = readExternalKind(r);
  const index = r.u32();
  const b = r.u8();
  if (b === 0) return { name, sort, index };
  if (b === 1) return { name, sort, index, type: readExternType(r) };
  return r.leading('optional component export type', b);
}

export function readStart(r: Reader): Start {
  const func = r.u32();
  const args = r.vec('start function arguments', () => r.u32(), 1000);
  const at = r.pos;
  const results = r.u32();
  if (results > 1000) r.fail('limit-exceeded', `start function results size is out of bounds (${results}; the limit is 1000)`, at);
  return { func, args, results };
}

export function readValue(r: Reader): Value {
  const type = readValType(r);
  const len = r.u32();
  return { type, bytes: r.bytes(len) };
}
