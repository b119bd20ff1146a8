import { parse } from '@bytecodealliance/jco';
import { exposeCoreState } from '@weld/binary';
import { describe, expect, it } from 'vitest';
import { InstanceRecorder, type BindingsState } from '../src/serve/recycle.js';

const T_FLAG = 1 << 30;

/** A core module whose every piece of state the test can reach: memory, an unexported global and an unexported table. */
async function stateful(): Promise<WebAssembly.Module> {
  const bytes = await parse(`(module
    (import "env" "flag" (global $flag (mut i32)))
    (memory (export "memory") 1 4)
    (table $t 2 funcref)
    (global $hidden (mut i32) (i32.const 7))
    (type $answer (func (result i32)))
    (func $one (type $answer) (i32.const 1))
    (func $two (type $answer) (i32.const 2))
    (elem (table $t) (i32.const 0) func $one $two)
    (func (export "scribble")
      (i32.store (i32.const 16) (i32.const 0xdead))
      (global.set $hidden (i32.const 99))
      (global.set $flag (i32.const 0))
      (table.set $t (i32.const 0) (table.get $t (i32.const 1))))
    (func (export "read") (result i32 i32 i32 i32)
      (i32.load (i32.const 16)) (global.get $hidden) (call_indirect $t (type $answer) (i32.const 0)) (global.get $flag))
    (func (export "grow") (drop (memory.grow (i32.const 1)))))`);
  const result = exposeCoreState(bytes);
  if (!result.restorable) throw new Error(result.reason);
  return new WebAssembly.Module(result.bytes);
}

/** Bindings state as jco's patched bindings hand it over: one handle table and its host objects, as made. */
function bindings(flag: WebAssembly.Global): Required<BindingsState> {
  return {
    handleTables: [Object.assign([T_FLAG, 0], { _createdReps: new Set<number>() })],
    captureTables: [new Map()],
    instanceFlags: new Map([[0, flag]]),
    storeTrap: { error: null },
  };
}

async function made(keepGrowthBytes?: number) {
  const recorder = new InstanceRecorder();
  const flag = new WebAssembly.Global({ value: 'i32', mutable: true }, 1);
  Object.assign(recorder.bindings, bindings(flag));
  const instance = recorder.instantiateCore(await stateful(), { env: { flag } }) as WebAssembly.Instance;
  const snapshot = recorder.snapshot(keepGrowthBytes);
  if (typeof snapshot === 'string') throw new Error(snapshot);
  const call = (name: string) => (instance.exports[name] as () => unknown)();
  return { recorder, snapshot, call, flag, instance, state: recorder.bindings as Required<BindingsState> };
}

describe('serve: an instance put back to its just-made state', () => {
  it('restores memory, unexported globals and tables, imported globals, handle tables; leaked host objects are closed', async () => {
    const { snapshot, call, state } = await made();
    expect(call('read')).toEqual([0, 7, 1, 1]);
    call('scribble');
    expect(call('read')).toEqual([0xdead, 99, 2, 0]);
    // the guest left a host object behind: an open handle and its entry among the host objects
    let closed = 0;
    state.handleTables[0]!.push(0, 5 | T_FLAG);
    state.handleTables[0]!._createdReps!.add(5);
    state.captureTables[0]!.set(5, { [Symbol.dispose]: () => closed++ });
    expect(snapshot.restore()).toBeUndefined();
    expect(call('read')).toEqual([0, 7, 1, 1]);
    expect(closed).toBe(1);
    expect([...state.handleTables[0]!]).toEqual([T_FLAG, 0]);
    expect(state.handleTables[0]!._createdReps!.size).toBe(0);
    expect(state.captureTables[0]!.size).toBe(0);
    // and again: a snapshot serves any number of requests
    call('scribble');
    expect(snapshot.restore()).toBeUndefined();
    expect(call('read')).toEqual([0, 7, 1, 1]);
    expect(snapshot.memoryBytes).toBe(65536);
  });

  it('keeps pages a request grew, zeroed, up to a bound', async () => {
    const grown = await made();
    const memory = grown.instance.exports.memory as WebAssembly.Memory;
    grown.call('grow');
    new Uint8Array(memory.buffer).fill(0xaa, 65536);
    expect(grown.snapshot.restore()).toBeUndefined();
    expect(memory.buffer.byteLength).toBe(2 * 65536);
    expect(new Uint8Array(memory.buffer).subarray(65536).every((b) => b === 0)).toBe(true);
    expect(grown.call('read')).toEqual([0, 7, 1, 1]);
    // no growth kept (--max-memory): a grown memory is not restored
    const exact = await made(0);
    exact.call('grow');
    expect(exact.snapshot.restore()).toBe('a memory grew past what a restore keeps');
  });

  it('refuses what it cannot put back: a trap, a leaked object that will not close', async () => {

    const trapped = await made();
    trapped.state.storeTrap.error = new Error('unreachable');
    expect(trapped.snapshot.restore()).toBe('the instance trapped');

    const stuck = await made();
    stuck.state.captureTables[0]!.set(9, {
      [Symbol.dispose]: () => {
        throw new Error('busy');
      },
    });
    expect(stuck.snapshot.restore()).toBe('a resource the guest left open would not close');
  });

  it('takes no snapshot from bindings that did not hand over their state', async () => {
    const recorder = new InstanceRecorder();
    recorder.instantiateCore(await stateful(), { env: { flag: new WebAssembly.Global({ value: 'i32', mutable: true }, 1) } });
    expect(recorder.snapshot()).toBe('the bindings do not expose their state');
  });
});

describe('serve: which components are never restored', () => {
  it('names async (P3) lifts and built-ins, whose state lives in the bindings', async () => {
    const { decodeComponent } = await import('@weld/binary');
    const { componentStateOutsideSnapshot } = await import('../src/serve/recycle.js');
    const sync = await parse('(component (core module $m (func (export "f") (result i32) i32.const 1)) (core instance $i (instantiate $m)) (func (export "f") (result u32) (canon lift (core func $i "f"))))');
    expect(componentStateOutsideSnapshot(decodeComponent(sync))).toBeUndefined();
    const asyncLift = await parse(
      '(component (core module $m (func (export "f") (result i32) i32.const 0) (func (export "cb") (param i32 i32 i32) (result i32) i32.const 0)) (core instance $i (instantiate $m)) (func (export "f") (result u32) (canon lift (core func $i "f") async (callback (core func $i "cb")))))',
    );
    expect(componentStateOutsideSnapshot(decodeComponent(asyncLift))).toBe('an async lift');
    const nested = await parse('(component (component (core func $tr (canon task.return (result u32))) (core module $m (import "" "tr" (func (param i32)))) (core instance (instantiate $m (with "" (instance (export "tr" (func $tr))))))))');
    expect(componentStateOutsideSnapshot(decodeComponent(nested))).toBe('async (P3) built-ins (task.return)');
  });
});
