import { describe, expect, it } from 'vitest';
import { bindHostInterfaces, formatLogLine, pluginGrantsFromFlags, subjectMatches, validatePlugin } from '@weld/runner';

describe('host interfaces: the pure parts', () => {
  it('NATS subject matching: * is one token, > one or more trailing tokens', () => {
    const cases: Array<[string, string, boolean]> = [
      ['a.b', 'a.b', true],
      ['a.*', 'a.b', true],
      ['a.*', 'a.b.c', false],
      ['a.>', 'a.b.c', true],
      ['a.>', 'a', false],
      ['*.b', 'a.b', true],
      ['a.b', 'a.b.c', false],
      ['>', 'anything.at.all', true],
    ];
    for (const [pattern, subject, expected] of cases) expect(subjectMatches(pattern, subject), `${pattern} ~ ${subject}`).toBe(expected);
  });

  it('log lines name the component and level; line breaks in guest text are shown, not written', () => {
    expect(formatLogLine('app', 'warn', 'db', 'slow\r\nother ERROR x: y')).toBe('app WARN db: slow\\r\\nother ERROR x: y\n');
    expect(formatLogLine('app', 'info', '', 'hi')).toBe('app INFO: hi\n');
  });

  it('a plugin module must have the HostPlugin shape; each fault is named', () => {
    const ok = { name: 'mine', interfaces: ['my:pkg/iface@1.0.0'], create: () => ({ imports: {}, close() {} }) };
    expect(validatePlugin(ok, 'm.js')).toBe(ok);
    const faults: Array<[unknown, RegExp]> = [
      [null, /m\.js: the default export is not an object/],
      [{ ...ok, name: 'Bad Name' }, /name must be a lowercase kebab-case string/],
      [{ ...ok, interfaces: [] }, /interfaces must be a non-empty array/],
      [{ ...ok, interfaces: ['my:pkg/iface'] }, /"my:pkg\/iface" is not a versioned WIT interface name/],
      [{ ...ok, exports: ['x'] }, /exports: "x" is not a versioned/],
      [{ ...ok, create: 1 }, /create must be a function/],
      [{ ...ok, name: 'keyvalue' }, /the name "keyvalue" is a built-in plugin's/],
    ];
    for (const [value, message] of faults) expect(() => validatePlugin(value, 'm.js')).toThrow(message);
  });

  it('binding: WASI needs no plugin; a granted plugin binds its imports; an ungranted one is denied with its flag; unknown is unsatisfied', async () => {
    const imports = ['wasi:cli/stdout', 'wasi:keyvalue/store', 'wasi:keyvalue/atomics'];
    const bound = await bindHostInterfaces({ imports, exports: [] }, pluginGrantsFromFlags({ kv: 'mem' }));
    expect(bound.map((b) => [b.plugin.name, b.imports, b.config])).toEqual([['keyvalue', ['wasi:keyvalue/store', 'wasi:keyvalue/atomics'], { url: 'mem' }]]);
    await expect(bindHostInterfaces({ imports, exports: [] }, undefined, 'app')).rejects.toMatchObject({
      code: 'host-interface-denied',
      message: 'denied wasi:keyvalue/store, wasi:keyvalue/atomics (imported by app); grant them with --kv mem|redis://HOST:PORT',
    });
    await expect(bindHostInterfaces({ imports: ['acme:thing/x'], exports: [] }, undefined)).rejects.toMatchObject({ code: 'unsatisfied-import' });
    // versions: the same compatibility track binds, another one is unsatisfied (checked before grants)
    const at = (v: string) => ({ imports: ['wasi:logging/logging'], exports: [], versioned: [`wasi:logging/logging@${v}`] });
    expect(await bindHostInterfaces(at('0.1.0-draft'), pluginGrantsFromFlags({ logging: true }))).toHaveLength(1);
    await expect(bindHostInterfaces(at('0.2.0'), pluginGrantsFromFlags({ logging: true }))).rejects.toMatchObject({
      code: 'unsatisfied-import',
      message: 'no host implementation for wasi:logging/logging@0.2.0 (host plugin logging implements wasi:logging/logging@0.1.0-draft)',
    });
    const handlerOnly = await bindHostInterfaces({ imports: [], exports: [['wasmcloud:messaging/handler@0.2.0', 'instance']] }, pluginGrantsFromFlags({ messaging: 'mem', subscribe: ['a', 'b|q'] }));
    expect(handlerOnly.map((b) => [b.plugin.name, b.config])).toEqual([['messaging', { url: 'mem', subscriptions: 'a,b|q' }]]);
  });
});
