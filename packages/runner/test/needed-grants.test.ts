import { describe, expect, it } from 'vitest';
import { neededGrants } from '../src/needed-grants.js';

describe('neededGrants', () => {
  it('maps each host-reaching import to the flag that allows it', () => {
    const grants = neededGrants([
      'wasi:cli/environment@0.2.0',
      'wasi:cli/stdin@0.2.0',
      'wasi:cli/stdout@0.2.0',
      'wasi:filesystem/types@0.2.0',
      'wasi:filesystem/preopens@0.2.0',
      'wasi:http/outgoing-handler@0.2.3',
      'wasi:sockets/ip-name-lookup@0.2.0',
      'wasi:clocks/wall-clock@0.2.0',
      'wasi:random/random@0.2.0',
    ]);
    expect(grants.map((g) => [g.flag, g.imports])).toEqual([
      ['--dir', ['wasi:filesystem/types@0.2.0', 'wasi:filesystem/preopens@0.2.0']],
      ['--env', ['wasi:cli/environment@0.2.0']],
      ['--stdin', ['wasi:cli/stdin@0.2.0']],
      ['--allow-host', ['wasi:http/outgoing-handler@0.2.3']],
      ['--allow-lookup', ['wasi:sockets/ip-name-lookup@0.2.0']],
    ]);
  });

  it('asks for connects and listening on sockets', () => {
    expect(neededGrants(['wasi:sockets/tcp@0.2.0']).map((g) => g.flag)).toEqual(['--allow-host', '--allow-listen']);
  });

  it('needs nothing for a component that only computes and prints', () => {
    expect(neededGrants(['wasi:cli/stdout@0.2.0', 'wasi:io/streams@0.2.0', 'wasi:clocks/monotonic-clock@0.2.0', 'my:app/math'])).toEqual([]);
  });
});
