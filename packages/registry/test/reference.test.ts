import { renderError } from '@weld/core';
import { describe, expect, it } from 'vitest';
import { formatReference, isLoopbackHost, parseReference, referenceSelector } from '../src/reference.js';
import { RegistryError } from '../src/errors.js';

const env = { WELD_HOME: '/tmp/weld-home' };
const D = 'sha256:' + 'ab'.repeat(32);

describe('parseReference', () => {
  it.each([
    ['127.0.0.1:5000/demo/app:v1', { kind: 'registry', registry: '127.0.0.1:5000', repository: 'demo/app', tag: 'v1' }],
    ['ghcr.io/org/app', { kind: 'registry', registry: 'ghcr.io', repository: 'org/app' }],
    [`localhost/app@${D}`, { kind: 'registry', registry: 'localhost', repository: 'app', digest: D }],
    [`reg.example.com:443/a/b/c:1.0@${D}`, { kind: 'registry', registry: 'reg.example.com:443', repository: 'a/b/c', tag: '1.0', digest: D }],
    ['app:v2', { kind: 'embedded', repository: 'app', tag: 'v2', path: '/tmp/weld-home/oci' }],
    ['team/app', { kind: 'embedded', repository: 'team/app', path: '/tmp/weld-home/oci' }],
    ['oci:/tmp/layout:v1', { kind: 'layout', path: '/tmp/layout', tag: 'v1' }],
    ['oci:/tmp/lay.out', { kind: 'layout', path: '/tmp/lay.out' }],
    [`oci:/tmp/x@${D}`, { kind: 'layout', path: '/tmp/x', digest: D }],
    ['oci-archive:/tmp/a.tar:latest', { kind: 'archive', path: '/tmp/a.tar', tag: 'latest' }],
  ])('%s', (input, expected) => {
    const ref = parseReference(input, env);
    expect(ref).toEqual(Object.fromEntries(Object.entries({ tag: undefined, digest: undefined, ...expected })));
    expect(parseReference(formatReference(ref), env)).toEqual(ref);
  });

  it('defaults the selector to latest and prefers the digest', () => {
    expect(referenceSelector(parseReference('app', env))).toBe('latest');
    expect(referenceSelector(parseReference(`app:v1@${D}`, env))).toBe(D);
  });

  it.each([
    ['', 'it is empty'],
    ['Team/App:v1', 'must be lowercase'],
    ['app:v1 x', 'whitespace'],
    ['app:-bad', 'not a valid tag'],
    ['app@sha256:1234', 'is not a digest'],
    ['reg.io/', 'repository name is missing'],
    ['oci:', 'path is missing'],
    ['a//b', 'not a valid repository name'],
  ])('rejects %j with a caret', (input, message) => {
    let err: unknown;
    try {
      parseReference(input, env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('invalid-reference');
    expect((err as RegistryError).message).toContain(message);
    const span = (err as RegistryError).span!;
    expect(span.lineText).toBe(input);
    expect(renderError(err as RegistryError).split('\n').slice(1, 3)).toEqual([`  ${input}`, `  ${' '.repeat(span.column - 1)}^`]);
    expect((err as RegistryError).exit).toBe(2);
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1:5000')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('[::1]:5000')).toBe(true);
    expect(isLoopbackHost('ghcr.io')).toBe(false);
    expect(isLoopbackHost('127.example.com')).toBe(false);
  });
});
