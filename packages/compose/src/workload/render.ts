import type { Link, LinkPlan } from './plan.js';

function sourceText(link: Link, hostInterfaceField: (index: number) => string): string {
  switch (link.source.tag) {
    case 'sibling':
      return `${link.source.component} (sibling, ${link.source.export})`;
    case 'wasi':
      return 'host (WASI, under the component\'s grants)';
    case 'plugin':
      return `host plugin ${link.source.plugin} (${hostInterfaceField(link.source.hostInterface)})`;
  }
}

/** The plan as text: per component, each import and what satisfies it; then the problems. */
export function planText(plan: LinkPlan, components: string[], hostInterfaceField: (index: number) => string): string {
  const lines: string[] = [];
  for (const name of components) {
    const links = plan.links.filter((l) => l.component === name);
    const unresolved = plan.problems.filter((p) => p.kind !== 'cycle' && p.component === name);
    lines.push(`${name}${links.length + unresolved.length === 0 ? ' (imports nothing)' : ''}`);
    // WASI is the same for every component (each under its own grants): one line, not a dozen.
    const wasi = links.filter((l) => l.source.tag === 'wasi');
    for (const l of links) if (l.source.tag !== 'wasi') lines.push(`  ${l.import} ← ${sourceText(l, hostInterfaceField)}`);
    if (wasi.length > 0) lines.push(`  ${wasi.length} WASI import${wasi.length === 1 ? '' : 's'} (${[...new Set(wasi.map((l) => l.import.replace(/^wasi:([^/]+)\/.*$/, '$1')))].join(', ')}) ← host, under the component's grants`);
    for (const c of plan.hostCalls.filter((h) => h.component === name)) lines.push(`  exports ${c.export} → called by host plugin ${c.plugin} (${hostInterfaceField(c.hostInterface)})`);
    for (const p of unresolved) if (p.kind !== 'cycle') lines.push(`  ${p.import} ✗ ${p.kind === 'ambiguous' ? `ambiguous: ${p.candidates.join(', ')}` : p.kind === 'mismatch' ? 'types do not match' : 'unsatisfied'}`);
  }
  if (plan.problems.length === 0) lines.push(`instantiation order: ${plan.order.join(', ')}`);
  return lines.join('\n');
}

const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');

/** A Mermaid flowchart: an edge from each importer to what satisfies the import, labelled with the interface. */
export function planMermaid(plan: LinkPlan, components: string[]): string {
  const lines = ['flowchart LR'];
  for (const c of components) lines.push(`  ${id(c)}["${c}"]`);
  const hosts = new Set<string>();
  for (const l of plan.links) {
    if (l.source.tag === 'wasi') continue; // WASI is everywhere; drawing it hides the links that matter
    const target = l.source.tag === 'sibling' ? id(l.source.component) : `plugin_${id(l.source.plugin)}`;
    if (l.source.tag === 'plugin' && !hosts.has(target)) {
      hosts.add(target);
      lines.push(`  ${target}{{"host: ${l.source.plugin}"}}`);
    }
    lines.push(`  ${id(l.component)} -->|"${l.import}"| ${target}`);
  }
  for (const p of plan.problems) {
    if (p.kind === 'cycle') continue;
    lines.push(`  ${id(p.component)} -.->|"${p.import}"| missing_${id(p.component)}_${id(p.import)}["✗ ${p.kind}"]`);
  }
  return lines.join('\n') + '\n';
}

/** The same graph in Graphviz dot. */
export function planDot(plan: LinkPlan, components: string[]): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ['digraph workload {', '  rankdir=LR;'];
  for (const c of components) lines.push(`  ${q(c)} [shape=box];`);
  const hosts = new Set<string>();
  for (const l of plan.links) {
    if (l.source.tag === 'wasi') continue;
    const target = l.source.tag === 'sibling' ? l.source.component : `host: ${l.source.plugin}`;
    if (l.source.tag === 'plugin' && !hosts.has(target)) {
      hosts.add(target);
      lines.push(`  ${q(target)} [shape=hexagon];`);
    }
    lines.push(`  ${q(l.component)} -> ${q(target)} [label=${q(l.import)}];`);
  }
  for (const p of plan.problems) {
    if (p.kind === 'cycle') continue;
    const missing = `✗ ${p.import}`;
    lines.push(`  ${q(missing)} [shape=plaintext, fontcolor=red];`, `  ${q(p.component)} -> ${q(missing)} [style=dashed, color=red];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
