/**
 * A served instance put back to the state it was made in, so that the next request gets a fresh instance without
 * paying for a new one. Everything a guest can change is captured right after instantiation and restored after
 * each request: every linear memory (byte for byte), table and mutable global of its core instances (the core
 * modules were rewritten by `exposeCoreState` so that even unexported ones are reachable), the handle tables of
 * jco's bindings (a guest sees their indices), the host objects its handles reached (disposed when the guest left
 * them behind) and the instance flags. A memory that grew keeps its new pages, zeroed (see `KEEP_GROWTH_BYTES`).
 * What cannot be put back is not recycled: a memory that grew past that, a table that grew, a trap, a failed
 * request, a leaked host object that will not close. Such an instance is thrown away and the next request gets a new
 * instantiation, as without recycling.
 *
 * This is how Wasmtime's pooling allocator serves a fresh instance per request too: a slot's memory is reset to the
 * module's initial image instead of being mapped anew.
 */

import type { Component } from '@weld/binary';

/* eslint-disable @typescript-eslint/no-explicit-any */
// The parts of the WebAssembly JS API used here (the DOM typings, where it is declared, are not in this build).
interface Memory {
  readonly buffer: ArrayBuffer;
}
interface Table {
  readonly length: number;
  get(index: number): unknown;
  set(index: number, value: unknown): void;
}
interface Global {
  value: unknown;
}
interface CoreInstance {
  readonly exports: Record<string, unknown>;
}
const WebAssembly = (
  globalThis as unknown as {
    WebAssembly: {
      Instance: new (module: object, imports?: object) => CoreInstance;
      Memory: abstract new (...a: never[]) => Memory;
      Table: abstract new (...a: never[]) => Table;
      Global: abstract new (...a: never[]) => Global;
    };
  }
).WebAssembly;

/** jco's per-instance state, filled in by bindings that `patchBindings` exposed (see `BINDINGS_STATE`). */
export interface BindingsState {
  handleTables?: Array<number[] & { _createdReps?: Set<number> }>;
  captureTables?: Array<Map<number, any>>;
  instanceFlags?: Map<number, Global>;
  storeTrap?: { error: unknown };
}

/**
 * Above this much linear memory a restore (a copy of all of it after every request) costs more than a new instance,
 * whose memory the system hands out zeroed on demand: such instances are made anew.
 */
export const MAX_SNAPSHOT_BYTES = 64 * 2 ** 20;

/**
 * A memory cannot shrink, and most real guests grow theirs in every request (wasi-libc's malloc, the preview1
 * adapter's state): so a restore keeps up to this much growth, zeroed, rather than making the instance anew. The
 * guest then starts with more (empty) pages than a new instance would have, which only `memory.size` and the
 * addresses `memory.grow` hands out can tell. Past this, the zeroing costs more than a new instance.
 */
export const KEEP_GROWTH_BYTES = 2 * 2 ** 20;

/** Records the memories, tables and globals of every core instance a component instantiation makes. */
export class InstanceRecorder {
  readonly bindings: BindingsState = {};
  readonly #memories = new Set<Memory>();
  readonly #tables = new Set<Table>();
  readonly #globals = new Set<Global>();

  /** jco's `instantiateCore`: makes the core instance and notes its state, exported or passed in. */
  readonly instantiateCore = (module: object, importObject?: Record<string, Record<string, unknown>>): CoreInstance => {
    const instance = new WebAssembly.Instance(module, importObject);
    for (const space of Object.values(importObject ?? {})) for (const value of Object.values(space ?? {})) this.#note(value);
    for (const value of Object.values(instance.exports)) this.#note(value);
    return instance;
  };

  #note(value: unknown): void {
    if (value instanceof WebAssembly.Memory) this.#memories.add(value);
    else if (value instanceof WebAssembly.Table) this.#tables.add(value);
    else if (value instanceof WebAssembly.Global) this.#globals.add(value);
  }

  /**
   * The state as it is now, or why it cannot be restored (bindings that exposed nothing, an unreadable global).
   * `keepGrowthBytes`: how much a memory may have grown when it is restored (see `InstanceSnapshot.restore`).
   */
  snapshot(keepGrowthBytes = KEEP_GROWTH_BYTES): InstanceSnapshot | string {
    const { handleTables, captureTables, instanceFlags, storeTrap } = this.bindings;
    if (!handleTables || !captureTables || !instanceFlags || !storeTrap) return 'the bindings do not expose their state';
    const globals: Array<[Global, unknown]> = [];
    for (const g of this.#globals) {
      try {
        globals.push([g, g.value]);
      } catch {
        return 'a global a host cannot read (v128)';
      }
    }
    for (const g of instanceFlags.values()) globals.push([g, g.value]);
    const memoryBytes = [...this.#memories].reduce((n, m) => n + m.buffer.byteLength, 0);
    if (memoryBytes > MAX_SNAPSHOT_BYTES) return `its memories hold ${memoryBytes} bytes, more than a restore is worth`;
    return new InstanceSnapshot(
      [...this.#memories].map((m) => [m, new Uint8Array(m.buffer).slice()]),
      [...this.#tables].map((t) => [t, Array.from({ length: t.length }, (_, i) => t.get(i))]),
      globals,
      handleTables.map((t) => [t, [...t], new Set(t._createdReps ?? [])]),
      captureTables.map((c) => [c, new Map(c)]),
      storeTrap,
      keepGrowthBytes,
    );
  }
}

export class InstanceSnapshot {
  constructor(
    private readonly memories: Array<[Memory, Uint8Array]>,
    private readonly tables: Array<[Table, unknown[]]>,
    private readonly globals: Array<[Global, unknown]>,
    private readonly handleTables: Array<[number[] & { _createdReps?: Set<number> }, number[], Set<number>]>,
    private readonly captures: Array<[Map<number, any>, Map<number, any>]>,
    private readonly storeTrap: { error: unknown },
    private readonly keepGrowthBytes: number,
  ) {}

  /** Bytes copied back per restore: the size of every memory as it was made. */
  get memoryBytes(): number {
    return this.memories.reduce((n, [, bytes]) => n + bytes.length, 0);
  }

  /**
   * Puts the instance back as it was made. Returns why it could not, in which case the instance must not run
   * again (it may be half restored).
   */
  restore(): string | undefined {
    if (this.storeTrap.error) return 'the instance trapped';
    for (const [m, bytes] of this.memories) if (m.buffer.byteLength - bytes.length > this.keepGrowthBytes) return 'a memory grew past what a restore keeps';
    for (const [t, entries] of this.tables) if (t.length !== entries.length) return 'a table grew';
    // Host objects the guest still had handles to when the request ended: closed as dropping them would have.
    for (const [live, made] of this.captures) {
      for (const [rep, object] of live) {
        if (made.get(rep) === object) continue;
        try {
          object?.[Symbol.dispose]?.();
        } catch {
          return 'a resource the guest left open would not close';
        }
      }
      live.clear();
      for (const [rep, object] of made) live.set(rep, object);
    }
    for (const [table, entries, reps] of this.handleTables) {
      table.length = 0;
      for (const e of entries) table.push(e);
      if (table._createdReps) {
        table._createdReps.clear();
        for (const r of reps) table._createdReps.add(r);
      }
    }
    for (const [m, bytes] of this.memories) {
      const view = new Uint8Array(m.buffer);
      view.set(bytes);
      if (view.length > bytes.length) view.fill(0, bytes.length); // what the request left in pages it grew
    }
    for (const [t, entries] of this.tables) {
      for (let i = 0; i < entries.length; i++) if (t.get(i) !== entries[i]) t.set(i, entries[i]);
    }
    for (const [g, value] of this.globals) {
      if (!Object.is(g.value, value)) {
        try {
          g.value = value;
        } catch {
          return 'a global changed that cannot be set back';
        }
      }
    }
    return undefined;
  }
}

/**
 * Why a component's instances cannot be put back between requests at the component level, or undefined: async
 * (P3) tasks, streams, futures, waitables and threads keep state in the bindings that `BindingsState` does not
 * reach, so a component that uses any of them is instantiated anew instead.
 */
export function componentStateOutsideSnapshot(component: Component): string | undefined {
  for (const section of component.sections) {
    if (section.kind === 'component') {
      const nested = componentStateOutsideSnapshot(section.component);
      if (nested) return nested;
    }
    if (section.kind !== 'canon') continue;
    for (const canon of section.items) {
      const sync = canon.op === 'lift' || canon.op === 'lower' || canon.op === 'resource.new' || canon.op === 'resource.drop' || canon.op === 'resource.rep';
      if (!sync) return `async (P3) built-ins (${canon.op})`;
      if ('options' in canon && canon.options.some((o) => o.kind === 'async')) return `an async ${canon.op}`;
    }
  }
  return undefined;
}
