import path from 'node:path';
import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { isLowerKebab } from '@weld/core';
import { displayPath, loadProjectDocument, locateProjectFile, parseProjectDocument, type ProjectDocument } from '@weld/core/project';
import { BuildError } from './errors.js';
import { GRAPH_FIELDS, parseGraphEntry, type GraphCompositionSpec } from '../compose/yaml-graph.js';

export const LANGUAGES = ['js', 'c', 'wat', 'wasm'] as const;
export type Language = (typeof LANGUAGES)[number];

interface ComponentBase {
  name: string;
  /** Absolute paths of the source files. */
  sources: string[];
  /** Absolute path of the WIT directory (or file), when the language needs one. */
  wit?: string;
  world?: string;
}

export interface JsComponent extends ComponentBase {
  language: 'js';
  wit: string;
  /** componentize-js features turned off (e.g. `http`, `clocks`). */
  disableFeatures: string[];
}
export interface CComponent extends ComponentBase {
  language: 'c';
  /** Absent for a command without WIT: it exports wasi:cli/run through the command adapter only. */
  execModel: 'reactor' | 'command';
  cflags: string[];
}
export interface WatComponent extends ComponentBase {
  language: 'wat';
}
export interface WasmComponent extends ComponentBase {
  language: 'wasm';
}
export type ComponentSpec = JsComponent | CComponent | WatComponent | WasmComponent;

/**
 * One entry of `compose:`: plug components (by name from `components:`, or .wasm paths) into a socket, written
 * to `build/<name>.wasm`.
 */
export interface PlugCompositionSpec {
  kind: 'plugs';
  name: string;
  socket: string;
  plugs: string[];
}
/** A `compose:` entry: plugs into a socket, or an explicit graph (instances, arguments, exports; see yaml-graph.ts). */
export type CompositionSpec = PlugCompositionSpec | GraphCompositionSpec;

/** The parsed `weld.yaml`: paths are absolute; other sections stay raw for the commands that read them. */
export interface Project {
  /** Directory that holds weld.yaml. */
  root: string;
  file: string;
  name: string;
  components: ComponentSpec[];
  compositions: CompositionSpec[];
  /** Top-level sections owned by other commands (compose, workload, publish, policy, registries). */
  sections: Record<string, unknown>;
  /** `plugins:` host plugin modules: paths (absolute here) or package names, loaded by the runner. */
  plugins: string[];
}

const COMPONENT_FIELDS: Record<Language, readonly string[]> = {
  js: ['name', 'language', 'source', 'wit', 'world', 'disable-features'],
  c: ['name', 'language', 'source', 'wit', 'world', 'exec-model', 'cflags'],
  wat: ['name', 'language', 'source', 'wit', 'world'],
  wasm: ['name', 'language', 'source', 'wit', 'world'],
};

/** Finds weld.yaml: `target` may be the file itself or a directory holding it. */
export const locateProject = locateProjectFile;

export async function loadProject(target: string): Promise<Project> {
  const file = locateProjectFile(target);
  return projectFrom(await loadProjectDocument(file), file);
}

/** Parses and validates weld.yaml text; every error names the field and points at its line. */
export function parseProject(text: string, file: string): Project {
  return projectFrom(parseProjectDocument(text, displayPath(file)), path.resolve(file));
}

/** The build's view of weld.yaml: `components:` and `compose:` checked here, the other sections kept raw. */
function projectFrom(project: ProjectDocument, file: string): Project {
  const fail: Fail = (node, field, message, code = 'project-invalid') => {
    const span = project.spanOf(node);
    throw new BuildError(code, `${field ? `${field}: ` : ''}${message}`, { span });
  };
  const root = path.dirname(file);
  const sections: Record<string, unknown> = {};
  let name = path.basename(root);
  let components: ComponentSpec[] = [];
  let compositions: CompositionSpec[] = [];
  let composeNode: YamlNode | null = null;
  let plugins: string[] = [];
  for (const [key, { value }] of project.sections) {
    if (key === 'name') name = scalarString(value, 'name', fail);
    else if (key === 'components') components = parseComponents(value, root, fail);
    else if (key === 'compose') composeNode = value;
    else if (key === 'plugins') plugins = stringList(value, 'plugins', fail).map((p) => (p.startsWith('.') || p.startsWith('/') ? path.resolve(root, p) : p));
    else sections[key] = (value as { toJSON?: () => unknown })?.toJSON?.() ?? null;
  }
  // A project file may hold only a policy or registries: components are optional (`weld build` then has nothing to do).
  if (composeNode) compositions = parseCompositions(composeNode, root, components, fail, project.spanOf);
  return { root, file, name, components, compositions, sections, plugins };
}

type Fail = (node: YamlNode | null | undefined, field: string, message: string, code?: 'project-invalid' | 'unknown-language') => never;

function scalarString(node: YamlNode | null | undefined, field: string, fail: Fail): string {
  if (!isScalar(node) || typeof node.value !== 'string' || node.value.length === 0) fail(node, field, 'expected a non-empty string');
  return (node as { value: string }).value;
}

function stringList(node: YamlNode | null | undefined, field: string, fail: Fail): string[] {
  if (isScalar(node)) return [scalarString(node, field, fail)];
  if (!isSeq(node)) return fail(node, field, 'expected a string or a list of strings');
  return node.items.map((item, i) => scalarString(item as YamlNode, `${field}[${i}]`, fail));
}

function parseComponents(node: YamlNode | null, root: string, fail: Fail): ComponentSpec[] {
  if (!isSeq(node)) return fail(node, 'components', 'expected a list of components');
  const seen = new Set<string>();
  return node.items.map((item, index) => {
    const at = `components[${index}]`;
    if (!isMap(item)) return fail(item as YamlNode, at, 'expected a mapping (name, language, source, …)');
    const fields = new Map<string, YamlNode | null>();
    const keys = new Map<string, YamlNode>();
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      fields.set(key, pair.value as YamlNode | null);
      keys.set(key, pair.key as YamlNode);
    }
    const need = (key: string): YamlNode | null => {
      if (!fields.has(key)) fail(item, `${at}.${key}`, 'missing');
      return fields.get(key) ?? null;
    };
    const name = scalarString(need('name'), `${at}.name`, fail);
    if (!isLowerKebab(name)) fail(fields.get('name'), `${at}.name`, `"${name}" is not a kebab-case name (e.g. my-component)`);
    if (seen.has(name)) fail(fields.get('name'), `${at}.name`, `duplicate component name "${name}"`);
    seen.add(name);
    const language = scalarString(need('language'), `${at}.language`, fail);
    if (!(LANGUAGES as readonly string[]).includes(language)) {
      fail(fields.get('language'), `${at}.language`, `unknown language "${language}" (expected one of ${LANGUAGES.join(', ')})`, 'unknown-language');
    }
    const lang = language as Language;
    for (const [key, keyNode] of keys) {
      if (!COMPONENT_FIELDS[lang].includes(key)) {
        fail(keyNode, `${at}.${key}`, `unknown field for a ${lang} component (expected ${COMPONENT_FIELDS[lang].join(', ')})`);
      }
    }
    const sources = stringList(need('source'), `${at}.source`, fail).map((s) => path.resolve(root, s));
    if (lang !== 'c' && sources.length !== 1) fail(fields.get('source'), `${at}.source`, `a ${lang} component has exactly one source file`);
    const witNode = fields.get('wit');
    const wit = witNode === undefined ? undefined : path.resolve(root, scalarString(witNode, `${at}.wit`, fail));
    const worldNode = fields.get('world');
    const world = worldNode === undefined ? undefined : scalarString(worldNode, `${at}.world`, fail);
    const base = { name, sources, wit, world };
    switch (lang) {
      case 'js': {
        if (!wit) fail(item, `${at}.wit`, 'missing (a js component needs the WIT directory of its world)');
        const disable = fields.has('disable-features') ? stringList(fields.get('disable-features'), `${at}.disable-features`, fail) : [];
        return { ...base, language: 'js', wit: wit!, disableFeatures: disable };
      }
      case 'c': {
        const modelNode = fields.get('exec-model');
        const model = modelNode === undefined ? 'reactor' : scalarString(modelNode, `${at}.exec-model`, fail);
        if (model !== 'reactor' && model !== 'command') fail(modelNode, `${at}.exec-model`, `expected reactor or command, got "${model}"`);
        if (!wit && model === 'reactor') {
          fail(item, `${at}.wit`, 'missing (a reactor C component needs the WIT directory of the world it exports; only exec-model: command may omit it)');
        }
        const cflags = fields.has('cflags') ? stringList(fields.get('cflags'), `${at}.cflags`, fail) : [];
        return { ...base, language: 'c', execModel: model as 'reactor' | 'command', cflags };
      }
      case 'wat':
        return { ...base, language: 'wat' };
      case 'wasm':
        return { ...base, language: 'wasm' };
    }
  });
}


const COMPOSE_FIELDS = ['name', 'socket', 'plugs'];

/** `compose:` entries; a socket or plug is a component name from `components:` or a path to a .wasm. */
function parseCompositions(node: YamlNode, root: string, components: ComponentSpec[], fail: Fail, spanOf: ProjectDocument['spanOf']): CompositionSpec[] {
  if (!isSeq(node)) return fail(node, 'compose', 'expected a list of compositions (name, socket, plugs)');
  const names = new Set(components.map((c) => c.name));
  const input = (n: YamlNode | null | undefined, field: string): string => {
    const v = scalarString(n, field, fail);
    if (v.endsWith('.wasm')) return path.resolve(root, v);
    if (!names.has(v)) fail(n, field, `no component named "${v}" in components: (${[...names].join(', ') || 'none'}); give a name from there or a path to a .wasm`);
    return v;
  };
  return node.items.map((item, index) => {
    const at = `compose[${index}]`;
    if (!isMap(item)) return fail(item as YamlNode, at, 'expected a mapping (name, socket, plugs)');
    const isGraph = item.items.some((pair) => isScalar(pair.key) && pair.key.value === 'instances');
    const allowed = isGraph ? GRAPH_FIELDS : COMPOSE_FIELDS;
    const fields = new Map<string, YamlNode | null>();
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!allowed.includes(key)) fail(pair.key as YamlNode, `${at}.${key}`, `unknown field (expected ${allowed.join(', ')})`);
      fields.set(key, pair.value as YamlNode | null);
    }
    for (const key of allowed) if (!fields.has(key)) fail(item, `${at}.${key}`, 'missing');
    const name = scalarString(fields.get('name'), `${at}.name`, fail);
    if (!isLowerKebab(name)) fail(fields.get('name'), `${at}.name`, `"${name}" is not a kebab-case name (e.g. app-composed)`);
    if (names.has(name)) fail(fields.get('name'), `${at}.name`, `"${name}" is already a component's name; its output would overwrite build/${name}.wasm`);
    if (isGraph) return parseGraphEntry(name, fields, at, { spanOf, fail: (n, f, m) => fail(n, f, m), component: input });
    const plugsNode = fields.get('plugs');
    if (!isSeq(plugsNode) || plugsNode.items.length === 0) fail(plugsNode, `${at}.plugs`, 'expected a non-empty list of components');
    return {
      kind: 'plugs' as const,
      name,
      socket: input(fields.get('socket'), `${at}.socket`),
      plugs: (plugsNode as { items: YamlNode[] }).items.map((p, i) => input(p, `${at}.plugs[${i}]`)),
    };
  });
}
