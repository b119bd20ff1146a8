import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WELD_VERSION } from '../src/version.js';

describe('WELD_VERSION', () => {
  it("is package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(WELD_VERSION).toBe(pkg.version);
  });
});
