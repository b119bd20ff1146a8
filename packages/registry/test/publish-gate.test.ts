/** checkPublish on an in-memory store: version tags are immutable, --check-breaking compares with the predecessor, a refusal writes nothing. */
import { describe, expect, it } from 'vitest';
import { encodeWitPackage } from '@weld/binary';
import { resolveSource } from '@weld/wit-tools';
import { MemoryStore, RegistryError, checkPublish, previousVersionTag, pushComponent, sha256 } from '../src/index.js';

const pkg = (version: string, body: string) => {
  const { resolve, package: id } = resolveSource(`package t:p@${version};\n\ninterface api {\n${body}\n}\n`, 'p.wit');
  return encodeWitPackage(resolve, id);
};
const V1 = pkg('1.0.0', '  f: func();\n  g: func();');

async function store(): Promise<MemoryStore> {
  const s = new MemoryStore('t/p');
  await pushComponent(s, { bytes: V1 }, { tag: '1.0.0' });
  await pushComponent(s, { bytes: pkg('2.0.0', '  f: func();') }, { tag: '2.0.0' });
  return s;
}

async function tags(s: MemoryStore): Promise<string[]> {
  const out: string[] = [];
  for await (const t of s.tags()) out.push(t);
  return out.sort();
}

describe('checkPublish', () => {
  it('refuses other content under an existing version unless forced; the same content passes', async () => {
    const s = await store();
    await expect(checkPublish(s, V1, '1.0.0')).resolves.toEqual({});
    const other = pkg('1.0.0', '  f: func();\n  g: func();\n  h: func();');
    await expect(checkPublish(s, other, '1.0.0')).rejects.toMatchObject({ code: 'version-exists', exit: 1 });
    await expect(checkPublish(s, other, '1.0.0', { force: true })).resolves.toEqual({});
    await expect(checkPublish(s, other, 'latest')).resolves.toEqual({}); // only version tags are immutable
    // a file's digest still being taken: the version is looked up meanwhile, the answer is the same
    const read = async () => other;
    await expect(checkPublish(s, { digest: Promise.resolve(sha256(other)), read }, '1.0.0')).rejects.toMatchObject({ code: 'version-exists' });
    await expect(checkPublish(s, { digest: Promise.resolve(sha256(V1)), read }, '1.0.0')).resolves.toEqual({});
  });

  it('--check-breaking compares with the newest version below the new one, and a refusal writes nothing', async () => {
    const s = await store();
    expect(await previousVersionTag(s, '1.1.0')).toBe('1.0.0');
    expect(await previousVersionTag(s, '3.0.0')).toBe('2.0.0');
    expect(await previousVersionTag(s, '0.1.0')).toBeUndefined();
    const breaking = pkg('1.1.0', '  f: func();');
    const refused = await checkPublish(s, breaking, '1.1.0', { checkBreaking: true }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RegistryError);
    expect(refused).toMatchObject({ code: 'breaking-change', exit: 1, message: expect.stringContaining('1.0.0 → 1.1.0 is a minor bump, but the changes need a major bump') });
    expect((refused as RegistryError).detail).toContain('function-removed');
    expect(await tags(s)).toEqual(['1.0.0', '2.0.0']);
    const additive = await checkPublish(s, pkg('1.1.0', '  f: func();\n  g: func();\n  h: func();'), '1.1.0', { checkBreaking: true });
    expect(additive).toMatchObject({ against: '1.0.0', report: { requiredBump: 'minor', madeBump: 'minor', ok: true } });
    await expect(checkPublish(s, breaking, 'latest', { checkBreaking: true })).rejects.toMatchObject({ code: 'invalid-reference', exit: 2 });
    await expect(checkPublish(new MemoryStore('empty'), breaking, '1.1.0', { checkBreaking: true })).resolves.toEqual({});
  });
});
