import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@weld/core/node';

export interface CacheEntry {
  inputs: string;
  digest: string;
  size: number;
}

/** `<outDir>/.weld-cache.json`: the inputs hash and output digest of each component last built there. */
export class BuildCache {
  private constructor(
    private readonly file: string,
    private readonly entries: Record<string, CacheEntry>,
  ) {}

  static async open(outDir: string): Promise<BuildCache> {
    const file = path.join(outDir, '.weld-cache.json');
    let entries: Record<string, CacheEntry> = {};
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { version?: number; entries?: Record<string, CacheEntry> };
      if (parsed.version === 1 && parsed.entries) entries = parsed.entries;
    } catch {
      // missing or unreadable cache: everything rebuilds
    }
    return new BuildCache(file, entries);
  }

  get(name: string): CacheEntry | undefined {
    return this.entries[name];
  }

  set(name: string, entry: CacheEntry): void {
    this.entries[name] = entry;
  }

  async save(): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify({ version: 1, entries: this.entries }, null, 2) + '\n');
  }
}
