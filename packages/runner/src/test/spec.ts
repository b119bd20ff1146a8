import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { YAML_ALIAS_MESSAGE, fileProblem, spanAt, type SourceSpan } from '@weld/core';
import { firstAlias } from '@weld/core/project';
import { displayPath } from '@weld/core/node';
import { RunError } from '../errors.js';
import { checkGrants, parseDirGrant, parseEnvGrant, parseHostGrant, parseListenGrant, type Grants } from '../grants.js';
import { pluginGrantsFromFlags, type PluginFlags, type PluginGrants } from '../host-interfaces/grants.js';
import type { Denial } from '../host.js';

/** Where a spec value came from, for errors and failure reports that point into the YAML. */
export interface SpecLocation {
  /** `file:line:col` */
  at: string;
  span: SourceSpan;
}

export interface CallCase {
  kind: 'call';
  name: string;
  call: string;
  /** Expected result in WAVE; undefined: any result that is not a trap. */
  expect?: string;
  /** Expect the function's `result` to be `err` (with `expect`, that exact err value). */
  expectErr: boolean;
  denied?: Denial['capability'][];
  location: SpecLocation;
  expectLocation?: SpecLocation;
}

export interface HttpCase {
  kind: 'request';
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  status?: number;
  expectHeaders: Record<string, string>;
  /** Exact body. */
  bodyEquals?: string;
  /** Substring of the body. */
  bodyContains?: string;
  denied?: Denial['capability'][];
  location: SpecLocation;
}

export type TestCase = CallCase | HttpCase;

export interface TestSpec {
  file: string;
  /** The component: a path resolved against the spec's folder, or a reference. */
  component: string;
  grants: Grants;
  cases: TestCase[];
}

const CAPABILITIES = ['http', 'sockets', 'lookup', 'files', 'blobstore'] as const;
const TOP = ['component', 'grants', 'tests'];
const GRANT_FIELDS = ['env', 'dirs', 'allow-hosts', 'allow-listen', 'allow-lookup', 'config', 'logging', 'kv', 'messaging', 'subscribe', 'blobstore', 'plugins'];
const CASE_FIELDS = ['name', 'call', 'request', 'expect', 'denied'];
const REQUEST_FIELDS = ['method', 'path', 'headers', 'body'];
const HTTP_EXPECT_FIELDS = ['status', 'headers', 'body', 'body-contains'];

/** Reads a test spec (YAML); every error names `file:line:col` and the field, with a caret under it. */
export async function loadTestSpec(file: string): Promise<TestSpec> {
  const text = await readFile(file, 'utf8').catch((e: unknown) => {
    const problem = fileProblem(file, e);
    throw new RunError(problem.code, problem.message, { cause: e });
  });
  return parseTestSpec(text, file);
}

export function parseTestSpec(text: string, file: string): TestSpec {
  const shown = displayPath(file);
  const locate = (node: YamlNode | null | undefined): SpecLocation => {
    const range = node?.range ?? [0, 0];
    const span = spanAt(shown, text, range[0], Math.max(1, range[1] - range[0]));
    return { at: `${span.file}:${span.line}:${span.column}`, span };
  };
  const fail = (node: YamlNode | null | undefined, field: string, message: string): never => {
    const loc = locate(node);
    throw new RunError('spec-invalid', `${field ? `${field}: ` : ''}${message}`, { span: loc.span });
  };

  const doc = parseDocument(text, { prettyErrors: false, intAsBigInt: true }); // big integers keep every digit
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const loc = locate({ range: [e.pos[0], e.pos[1]] } as unknown as YamlNode);
    throw new RunError('spec-invalid', `YAML syntax: ${e.message.split('\n')[0]}`, { span: loc.span });
  }
  const alias = firstAlias(doc);
  if (alias) return fail(alias, '', YAML_ALIAS_MESSAGE);
  const root = doc.contents as YamlNode | null;
  if (!isMap(root)) return fail(root, '', 'expected a mapping with `component` and `tests`');
  const fields = entries(root, '', TOP, fail);
  const componentNode = fields.get('component');
  if (!componentNode) return fail(root, 'component', 'missing (the .wasm to test, or a reference)');
  const componentText = str(componentNode, 'component', fail);
  const component = /^[./]|\.wasm$/.test(componentText) ? path.resolve(path.dirname(file), componentText) : componentText;
  const grants = parseGrants(fields.get('grants'), path.dirname(file), fail);
  const testsNode = fields.get('tests');
  if (!isSeq(testsNode) || testsNode.items.length === 0) return fail(testsNode ?? root, 'tests', 'expected a non-empty list of test cases');
  const names = new Set<string>();
  const cases = testsNode.items.map((item, i) => {
    const c = parseCase(item as YamlNode, `tests[${i}]`, locate, fail);
    if (names.has(c.name)) fail(item as YamlNode, `tests[${i}].name`, `duplicate test name "${c.name}"`);
    names.add(c.name);
    return c;
  });
  return { file, component, grants, cases };
}

type Fail = (node: YamlNode | null | undefined, field: string, message: string) => never;

function entries(node: YamlNode, at: string, allowed: string[], fail: Fail): Map<string, YamlNode | null> {
  if (!isMap(node)) return fail(node, at, `expected a mapping (${allowed.join(', ')})`);
  const out = new Map<string, YamlNode | null>();
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!allowed.includes(key)) fail(pair.key as YamlNode, at ? `${at}.${key}` : key, `unknown field (expected one of ${allowed.join(', ')})`);
    out.set(key, pair.value as YamlNode | null);
  }
  return out;
}

function str(node: YamlNode | null | undefined, field: string, fail: Fail): string {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') return fail(node, field, 'expected a string');
  return String(node.value);
}

function strings(node: YamlNode | null | undefined, field: string, fail: Fail): string[] {
  if (!isSeq(node)) return fail(node, field, 'expected a list');
  return node.items.map((item, i) => str(item as YamlNode, `${field}[${i}]`, fail));
}

function stringMap(node: YamlNode | null | undefined, field: string, fail: Fail): Record<string, string> {
  if (!isMap(node)) return fail(node, field, 'expected a mapping of names to strings');
  const out: Record<string, string> = {};
  for (const pair of node.items) out[String((pair.key as { value: unknown }).value).toLowerCase()] = str(pair.value as YamlNode, `${field}.${String((pair.key as { value: unknown }).value)}`, fail);
  return out;
}

function parseGrants(node: YamlNode | null | undefined, dir: string, fail: Fail): Grants {
  const grants: Grants = { env: {}, dirs: [], allowHosts: [], allowLookup: false };
  if (node === undefined || node === null) return grants;
  const f = entries(node, 'grants', GRANT_FIELDS, fail);
  const guarded = <T>(n: YamlNode | null | undefined, field: string, parse: () => T): T => {
    try {
      return parse();
    } catch (e) {
      return fail(n, field, (e as Error).message);
    }
  };
  if (f.has('env')) for (const e of strings(f.get('env'), 'grants.env', fail)) Object.assign(grants.env, Object.fromEntries([guarded(f.get('env'), 'grants.env', () => parseEnvGrant(e))]));
  if (f.has('dirs')) {
    grants.dirs = strings(f.get('dirs'), 'grants.dirs', fail).map((d) =>
      guarded(f.get('dirs'), 'grants.dirs', () => parseDirGrant(path.isAbsolute(d.split(':')[0]!) ? d : path.join(dir, d))),
    );
  }
  if (f.has('allow-hosts')) grants.allowHosts = strings(f.get('allow-hosts'), 'grants.allow-hosts', fail).map((h) => guarded(f.get('allow-hosts'), 'grants.allow-hosts', () => parseHostGrant(h)));
  if (f.has('allow-listen')) {
    const node = f.get('allow-listen');
    if (!isSeq(node)) fail(node, 'grants.allow-listen', 'expected a list of ports or ADDRESS:PORT');
    grants.allowListen = (node as { items: YamlNode[] }).items.map((item) =>
      guarded(item, 'grants.allow-listen', () => parseListenGrant(isScalar(item) && typeof item.value === 'number' ? String(item.value) : str(item, 'grants.allow-listen', fail))),
    );
  }
  if (f.has('allow-lookup')) {
    const v = f.get('allow-lookup');
    if (!isScalar(v) || typeof v.value !== 'boolean') fail(v, 'grants.allow-lookup', 'expected true or false');
    grants.allowLookup = (v as { value: boolean }).value;
  }
  if (f.has('dirs')) guarded(f.get('dirs'), 'grants.dirs', () => checkGrants(grants));
  grants.hostPlugins = parsePluginGrants(f, dir, fail, guarded);
  return grants;
}

/** Host plugin grants, spelled as the flags are: config (a mapping), logging (true or a level), kv, messaging, subscribe, blobstore, plugins. */
function parsePluginGrants(
  f: Map<string, YamlNode | null>,
  dir: string,
  fail: Fail,
  guarded: <T>(n: YamlNode | null | undefined, field: string, parse: () => T) => T,
): PluginGrants | undefined {
  const flags: PluginFlags = {};
  const config = f.get('config');
  if (f.has('config')) {
    if (!isMap(config)) fail(config, 'grants.config', 'expected a mapping of configuration keys to values');
    flags.config = (config as { items: Array<{ key: unknown; value: unknown }> }).items.map((pair) => `${String((pair.key as { value: unknown }).value)}=${str(pair.value as YamlNode, `grants.config.${String((pair.key as { value: unknown }).value)}`, fail)}`);
  }
  if (f.has('logging')) {
    const v = f.get('logging');
    if (!isScalar(v) || (typeof v.value !== 'boolean' && typeof v.value !== 'string')) fail(v, 'grants.logging', 'expected true, false or a level');
    flags.logging = (v as { value: boolean | string }).value;
  }
  for (const key of ['kv', 'messaging', 'blobstore'] as const) if (f.has(key)) flags[key] = str(f.get(key), `grants.${key}`, fail);
  if (f.has('subscribe')) flags.subscribe = strings(f.get('subscribe'), 'grants.subscribe', fail);
  if (f.has('plugins')) flags.plugin = strings(f.get('plugins'), 'grants.plugins', fail);
  const where = (['config', 'logging', 'kv', 'messaging', 'subscribe', 'blobstore', 'plugins'] as const).find((k) => f.has(k));
  return guarded(where ? f.get(where) : undefined, `grants.${where ?? 'config'}`, () => pluginGrantsFromFlags(flags, dir));
}

function parseDenied(node: YamlNode | null | undefined, field: string, fail: Fail): Denial['capability'][] | undefined {
  if (node === undefined) return undefined;
  return strings(node, field, fail).map((c) => {
    if (!(CAPABILITIES as readonly string[]).includes(c)) fail(node, field, `unknown capability "${c}" (expected ${CAPABILITIES.join(', ')})`);
    return c as Denial['capability'];
  });
}

function parseCase(node: YamlNode, at: string, locate: (n: YamlNode | null | undefined) => SpecLocation, fail: Fail): TestCase {
  const f = entries(node, at, CASE_FIELDS, fail);
  if (f.has('call') === f.has('request')) return fail(node, at, 'a test has either `call` (a WAVE call) or `request` (an HTTP request)');
  const denied = parseDenied(f.get('denied'), `${at}.denied`, fail);
  const expectNode = f.get('expect');
  if (f.has('call')) {
    const call = str(f.get('call'), `${at}.call`, fail);
    const name = f.has('name') ? str(f.get('name'), `${at}.name`, fail) : call;
    let expect: string | undefined;
    let expectErr = false;
    if (expectNode !== undefined) {
      if (isMap(expectNode)) {
        const e = entries(expectNode, `${at}.expect`, ['error'], fail);
        expectErr = true;
        const errNode = e.get('error');
        expect = errNode === null || errNode === undefined ? undefined : str(errNode, `${at}.expect.error`, fail);
      } else expect = str(expectNode, `${at}.expect`, fail);
    }
    return { kind: 'call', name, call, expect, expectErr, denied, location: locate(node), expectLocation: expectNode ? locate(expectNode) : undefined };
  }
  const req = entries(f.get('request') as YamlNode, `${at}.request`, REQUEST_FIELDS, fail);
  const method = req.has('method') ? str(req.get('method'), `${at}.request.method`, fail).toUpperCase() : 'GET';
  const reqPath = req.has('path') ? str(req.get('path'), `${at}.request.path`, fail) : '/';
  if (!reqPath.startsWith('/')) fail(req.get('path'), `${at}.request.path`, 'expected a path starting with /');
  const name = f.has('name') ? str(f.get('name'), `${at}.name`, fail) : `${method} ${reqPath}`;
  const out: HttpCase = {
    kind: 'request',
    name,
    method,
    path: reqPath,
    headers: req.has('headers') ? stringMap(req.get('headers'), `${at}.request.headers`, fail) : {},
    body: req.has('body') ? str(req.get('body'), `${at}.request.body`, fail) : undefined,
    expectHeaders: {},
    denied,
    location: locate(node),
  };
  if (expectNode !== undefined) {
    const e = entries(expectNode as YamlNode, `${at}.expect`, HTTP_EXPECT_FIELDS, fail);
    if (e.has('status')) {
      const s = Number(str(e.get('status'), `${at}.expect.status`, fail));
      if (!Number.isInteger(s) || s < 100 || s > 599) fail(e.get('status'), `${at}.expect.status`, 'expected an HTTP status code (100-599)');
      out.status = s;
    }
    if (e.has('headers')) out.expectHeaders = stringMap(e.get('headers'), `${at}.expect.headers`, fail);
    if (e.has('body')) out.bodyEquals = str(e.get('body'), `${at}.expect.body`, fail);
    if (e.has('body-contains')) out.bodyContains = str(e.get('body-contains'), `${at}.expect.body-contains`, fail);
  }
  return out;
}
