import { describe, expect, it } from 'vitest';
import { capCoreMemories } from '@weld/binary';
import { parse, print } from '@bytecodealliance/jco';
import { limitsFrom, parseDuration, parseSize } from '@weld/runner';

describe('limits', () => {
  it('reads durations and sizes as the flags spell them, and refuses the rest with the flag named', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('3')).toBe(3000);
    for (const bad of ['0s', '-1s', 'soon', '1d', '']) expect(() => parseDuration(bad)).toThrow(/--timeout .*: expected a duration/);
    expect(() => parseDuration('soon')).toThrow(expect.objectContaining({ code: 'usage' }));
    expect(parseSize('64MiB')).toBe(64 * 2 ** 20);
    expect(parseSize('64M')).toBe(64 * 2 ** 20);
    expect(parseSize('64MB')).toBe(64e6);
    expect(parseSize('1G')).toBe(2 ** 30);
    expect(parseSize('65536')).toBe(65536);
    for (const bad of ['1KiB', '10', 'lots', '5TB!']) expect(() => parseSize(bad)).toThrow(/--max-memory .*: expected a size/);
    expect(() => parseSize('lots')).toThrow(expect.objectContaining({ code: 'usage' }));
    expect(limitsFrom({ timeout: '1s', maxMemory: '1G' })).toMatchObject({ timeoutMs: 1000, maxMemoryBytes: 2 ** 30, timeoutText: '1s', maxMemoryText: '1G' });
  });

  it('caps defined and imported memories, keeps a smaller maximum, and refuses a minimum above the cap', async () => {
    // multi-memory (read back as text: this Node's engine may not compile it)
    const module = await parse('(module (import "env" "m" (memory 1)) (import "env" "f" (func)) (memory 2 100) (memory 3 8) (memory 4) (func (export "f")))');
    const text = await print(capCoreMemories(module, 16));
    expect(text).toMatch(/\(import "env" "m" \(memory \(;0;\) 1 16\)\)/);
    expect(text).toMatch(/\(import "env" "f" \(func/);
    expect(text).toMatch(/\(memory \(;1;\) 2 16\)/);
    expect(text).toMatch(/\(memory \(;2;\) 3 8\)/);
    expect(text).toMatch(/\(memory \(;3;\) 4 16\)/);
    const grown = new WebAssembly.Instance(new WebAssembly.Module(capCoreMemories(await parse('(module (memory (export "m") 1))'), 4))).exports.m as WebAssembly.Memory;
    expect(grown.grow(3)).toBe(1);
    expect(() => grown.grow(1)).toThrow(RangeError);
    expect(() => capCoreMemories(module, 2)).toThrow(/needs 3 pages .* more than the cap of 2 pages/);
  });
});
