/** The "component" panel: drop or choose a .wasm, see its WIT, validation, sizes, imports/exports and grants. */
import type { ComponentAnalysis } from './analyze.js';
import { byId, bytes, h, hex, table } from './dom.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

let worker: Worker | undefined;
let nextId = 0;
/** reply handlers by request id; a handler returns true when its request is finished */
const pending = new Map<number, (r: WorkerReply) => boolean>();

function startWorker(): Worker {
  const w = new Worker(new URL('worker.js', document.baseURI), { type: 'module' });
  w.onmessage = (ev: MessageEvent<WorkerReply>) => {
    if (pending.get(ev.data.id)?.(ev.data)) pending.delete(ev.data.id);
  };
  // a worker that dies (out of memory on a huge input) fails what it was doing; the next drop starts a new one
  w.onerror = (ev) => {
    ev.preventDefault();
    for (const [id, handle] of pending) handle({ id, error: ev.message || 'the analysis stopped (out of memory?)' });
    pending.clear();
    worker?.terminate();
    worker = undefined;
  };
  return w;
}

function analyze(file: string, data: ArrayBuffer, onReply: (r: WorkerReply) => boolean): void {
  worker ??= startWorker();
  const id = nextId++;
  pending.set(id, onReply);
  worker.postMessage({ id, file, bytes: data } satisfies WorkerRequest, [data]);
}

function validationView(a: ComponentAnalysis): HTMLElement {
  const v = a.validation;
  if (v.pending) return h('p', { id: 'validation', 'data-state': 'pending' }, `validating (${bytes(a.size)}, core modules compiled by the browser)…`);
  if (v.valid) return h('p', { id: 'validation', class: 'ok', 'data-state': 'done' }, `✓ valid ${a.kind} (${bytes(a.size)})`);
  return h(
    'div',
    { id: 'validation', class: 'problem', role: 'alert', 'data-state': 'done' },
    h('p', {}, h('strong', {}, `✗ invalid ${a.kind === 'unknown' ? 'file' : a.kind}: `), v.message ?? ''),
    v.offset !== undefined ? h('p', {}, 'at byte offset ', h('code', { id: 'validation-offset' }, `${v.offset} (${hex(v.offset)})`), v.section ? ` in the ${v.section} section` : '') : null,
    v.code ? h('p', {}, 'code ', h('code', {}, v.code)) : null,
    v.hint ? h('p', {}, 'hint: ', v.hint) : null,
  );
}

function witView(a: ComponentAnalysis): HTMLElement {
  if (a.wit) {
    return h('section', { 'aria-labelledby': 'wit-h' }, h('h3', { id: 'wit-h' }, a.wit.kind === 'package' ? 'WIT package' : 'WIT world'), h('pre', { id: 'wit', tabindex: '0' }, a.wit.text));
  }
  const e = a.witError;
  return h('section', { 'aria-labelledby': 'wit-h' }, h('h3', { id: 'wit-h' }, 'WIT'), h('p', { id: 'wit-error' }, e ? `no WIT: ${e.message}${e.offset !== undefined ? ` (at byte offset ${e.offset})` : ''}` : 'no WIT (not a component)'));
}

function worldView(a: ComponentAnalysis): HTMLElement | null {
  const w = a.inspect?.world;
  if (!w) return null;
  const list = (id: string, title: string, items: { name: string; kind: string }[]) =>
    h('div', {}, h('h4', {}, `${title} (${items.length})`), items.length ? h('ul', { id }, ...items.map((i) => h('li', {}, h('code', {}, i.name), ` ${i.kind}`))) : h('p', { id }, 'none'));
  return h('section', { 'aria-labelledby': 'world-h', class: 'cols' }, h('h3', { id: 'world-h' }, 'Imports and exports'), list('imports', 'Imports', w.imports), list('exports', 'Exports', w.exports));
}

function grantsView(a: ComponentAnalysis): HTMLElement | null {
  if (a.kind !== 'component' || !a.inspect) return null;
  if (a.grants.length === 0) return h('section', { 'aria-labelledby': 'grants-h' }, h('h3', { id: 'grants-h' }, 'Grants'), h('p', { id: 'grants' }, 'It reaches no host resources: `weld run` needs no grant flags.'));
  const cmd = `weld run ${a.file} ${a.grants.map((g) => g.usage).join(' ')}`;
  return h(
    'section',
    { 'aria-labelledby': 'grants-h' },
    h('h3', { id: 'grants-h' }, 'Grants it would need'),
    table('Runner flags derived from its imports', ['flag', 'allows', 'because it imports'], a.grants.map((g) => [h('code', {}, g.usage), g.allows, g.imports.join(', ')]), { id: 'grants' }),
    h('p', {}, 'e.g. ', h('code', {}, cmd)),
  );
}

function sizesView(a: ComponentAnalysis): HTMLElement | null {
  const i = a.inspect;
  if (!i) return null;
  return h(
    'section',
    { 'aria-labelledby': 'sizes-h' },
    h('h3', { id: 'sizes-h' }, 'Sizes'),
    table('Core modules', ['module', 'name', 'size', 'functions', 'memories', 'imports', 'exports'], i.modules.map((m) => [m.path, m.name ?? m.adapter ?? '', bytes(m.size), m.functions, m.memories, m.imports, m.exports]), { id: 'modules' }),
    ...i.modules.map((m) =>
      h('details', {}, h('summary', {}, `Sections of ${m.path}${m.name ? ` (${m.name})` : ''}`), table(`Sections of ${m.path}`, ['section', 'size'], m.sections.map((s) => [s.name, bytes(s.size)]))),
    ),
    table('Component sections', ['section', 'offset', 'size', 'items'], i.sections.map((s) => [s.name ? `${s.kind} (${s.name})` : s.kind, hex(s.offset), bytes(s.size), s.items ?? '']), { id: 'sections' }),
  );
}

function provenanceView(a: ComponentAnalysis): HTMLElement | null {
  const p = a.provenance;
  if (!p) return null;
  return h(
    'section',
    { 'aria-labelledby': 'prov-h' },
    h('h3', { id: 'prov-h' }, 'Composed from'),
    table('Composition inputs (weld-provenance section)', ['input', 'role', 'digest', 'satisfies'], p.inputs.map((x) => [x.name, x.role, h('code', {}, x.digest), (x.satisfies ?? []).join(', ')]), { id: 'provenance' }),
  );
}

export function renderAnalysis(a: ComponentAnalysis): HTMLElement {
  return h(
    'div',
    { id: 'analysis' },
    h('h3', {}, a.file),
    validationView(a),
    witView(a),
    worldView(a),
    grantsView(a),
    sizesView(a),
    provenanceView(a),
  );
}

let showing = 0;

const finished = (r: WorkerReply) => !('analysis' in r) || !r.analysis.validation.pending;

async function show(file: File): Promise<void> {
  const mine = ++showing;
  const status = byId('component-status');
  const out = byId('component-report');
  status.textContent = `Reading ${file.name} (${bytes(file.size)})…`;
  const t0 = performance.now();
  const data = await file.arrayBuffer();
  let shown: ComponentAnalysis | undefined;
  analyze(file.name, data, (reply) => {
    if (mine !== showing) return finished(reply); // another file was dropped since
    const ms = Math.round(performance.now() - t0);
    if ('error' in reply) {
      status.textContent = `Could not analyse ${file.name}: ${reply.error}`;
      return true;
    }
    if ('analysis' in reply) {
      shown = reply.analysis;
      out.replaceChildren(renderAnalysis(shown));
      document.body.dataset.witMs = String(ms);
      status.textContent = shown.validation.pending ? `${file.name}: read in ${ms} ms; validating…` : `${file.name}: analysed in ${ms} ms`;
      return !shown.validation.pending;
    }
    if (shown) {
      shown.validation = reply.validation;
      shown.timings = reply.timings;
      byId('validation').replaceWith(validationView(shown));
    }
    status.textContent = `${file.name}: analysed in ${ms} ms`;
    document.body.dataset.analysedMs = String(ms);
    return true;
  });
}

export function setupComponentPanel(): void {
  const drop = byId('drop');
  const input = byId<HTMLInputElement>('file');
  input.addEventListener('change', () => {
    const f = input.files?.[0];
    if (f) void show(f);
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f) void show(f);
  });
}
