import { describe, expect, it } from 'vitest';
import { bytesOf, fixtures } from './helpers.js';

// The mutation fuzzer in a small, seeded budget; `node packages/binary/scripts/fuzz.mjs --iterations 30000` runs it long.
describe('fuzzing the codec with truncated and mutated real components', () => {
  it('every mutant decodes, validates and extracts, or fails with a BinaryError, within a second', async () => {
    const { check, mutate } = (await import('../scripts/fuzz.mjs')) as {
      check: (b: Uint8Array) => string | undefined;
      mutate: (b: Uint8Array) => Uint8Array;
    };
    const corpus = fixtures().map(bytesOf).filter((b) => b.length < 2_000_000);
    expect(corpus.length).toBeGreaterThan(3);
    const problems: string[] = [];
    for (let i = 0; i < 600; i++) {
      const problem = check(mutate(corpus[i % corpus.length]!));
      if (problem) problems.push(`#${i}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });
});
